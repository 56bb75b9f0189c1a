from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from myapp.extensions import db
from myapp.models import MYSQL_TABLE_ARGS, CaseSensitiveString, Timestamps, UTCDateTime, utcnow

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


class User(Timestamps, db.Model):
    __tablename__ = "users"
    __table_args__ = MYSQL_TABLE_ARGS

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(CaseSensitiveString(40), unique=True)
    # Stored lower-cased, so the unique constraint compares case-insensitively on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    bio: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(500))
    # Bumped by a password change: tokens and sessions carrying an older value stop working.
    credentials_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Flask-Login protocol
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.credentials_version}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"
