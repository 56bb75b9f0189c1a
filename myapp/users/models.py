from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, true
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship, validates

from myapp.extensions import db
from myapp.identity import username_key

if TYPE_CHECKING:
    from myapp.articles.models import Article, Comment
from myapp.models import (
    IDENTITY_TABLE_ARGS,
    MYSQL_TABLE_ARGS,
    CaseSensitiveString,
    Timestamps,
    UTCDateTime,
    random_key,
    utcnow,
)

# The kinds of email a user can turn off, each a notify_<kind> column.
NOTIFICATION_KINDS = ("comments", "followers", "articles")

# Roles: moderators handle reports and hide content; admins also manage people (myapp/moderation/).
USER, MODERATOR, ADMIN = "user", "moderator", "admin"
ROLES = (USER, MODERATOR, ADMIN)
STAFF = (MODERATOR, ADMIN)

follows = Table(
    "follows",
    db.metadata,
    Column("follower_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "followed_id",
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("created_at", UTCDateTime(), default=utcnow, nullable=False),
    **MYSQL_TABLE_ARGS,
)


def _follows(mine: str, theirs: str, back_populates: str) -> Any:
    """Users linked to a user through ``follows``, from the side named by ``mine``."""
    return relationship(
        secondary=follows,
        primaryjoin=lambda: follows.c[mine] == User.id,
        secondaryjoin=lambda: follows.c[theirs] == User.id,
        back_populates=back_populates,
        passive_deletes=True,
    )


class User(Timestamps, db.Model):
    __tablename__ = "users"
    __table_args__ = IDENTITY_TABLE_ARGS

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(CaseSensitiveString(40), unique=True)
    # The name with case, width and separators folded away: "Alice", "alice." and "ａｌｉｃｅ"
    # share one, so no one can register a look-alike of another's name (myapp/identity.py).
    # Kept in step with the username by _derive_username_key.
    username_key: Mapped[str] = mapped_column(CaseSensitiveString(40), unique=True)
    # Stored lower-cased, so the unique constraint compares case-insensitively on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    bio: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(500))
    # Random values that tokens and session cookies carry, so that a reused id never matches.
    # A new credentials key (password change, "sign out everywhere") revokes every token and
    # session; a new session key (signing out) ends every browser session.
    credentials_key: Mapped[str] = mapped_column(String(32), default=random_key)
    session_key: Mapped[str] = mapped_column(String(32), default=random_key)
    # Which emails the user wants (myapp/notifications/): all on until they say otherwise.
    notify_comments: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_followers: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_articles: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    role: Mapped[str] = mapped_column(String(16), default=USER, server_default=USER)
    # A suspended user cannot sign in, their tokens and sessions stop working, and what they
    # wrote is hidden (articles/queries.py), until an admin lifts it or ``suspended_until``
    # passes (the worker's tick then clears it).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str | None] = mapped_column(String(500))

    # Unbounded collections are write-only: reads go through articles/queries.py, in a fixed
    # number of statements, never by loading a collection. Deletes cascade in the database.
    articles: WriteOnlyMapped["Article"] = relationship(
        back_populates="author", passive_deletes=True
    )
    comments: WriteOnlyMapped["Comment"] = relationship(
        back_populates="author", passive_deletes=True
    )
    favorites: WriteOnlyMapped["Article"] = relationship(
        secondary="favorites", back_populates="favorited_by", passive_deletes=True
    )
    following: WriteOnlyMapped["User"] = _follows("follower_id", "followed_id", "followers")
    followers: WriteOnlyMapped["User"] = _follows("followed_id", "follower_id", "following")

    # Flask-Login protocol
    is_active = True
    is_authenticated = True
    is_anonymous = False

    @validates("username")
    def _derive_username_key(self, _: str, username: str) -> str:
        self.username_key = username_key(username)
        return username

    @property
    def notifications(self) -> dict[str, bool]:
        """The email preferences by kind, as the API and the settings page show them."""
        return {kind: getattr(self, f"notify_{kind}") for kind in NOTIFICATION_KINDS}

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_suspended(self) -> bool:
        """Suspended now: from ``suspended_at`` until ``suspended_until`` (None: until lifted)."""
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    def get_id(self) -> str:
        return f"{self.id}:{self.credentials_key}:{self.session_key}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"
