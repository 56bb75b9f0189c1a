from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from myapp.extensions import db

if TYPE_CHECKING:
    from myapp.users.models import User
from myapp.models import (
    IDENTITY_TABLE_ARGS,
    MYSQL_TABLE_ARGS,
    CaseSensitiveString,
    LongText,
    Timestamps,
    UTCDateTime,
    utcnow,
)

article_tags = Table(
    "article_tags",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "tag_id",
        ForeignKey("tags.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

favorites = Table(
    "favorites",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "article_id",
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("created_at", UTCDateTime(), default=utcnow, nullable=False),
    **MYSQL_TABLE_ARGS,
)


class Tag(db.Model):
    __tablename__ = "tags"
    __table_args__ = IDENTITY_TABLE_ARGS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CaseSensitiveString(40), unique=True)

    articles: WriteOnlyMapped["Article"] = relationship(
        secondary=article_tags, back_populates="tags", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


# An article's life: a draft (only its author sees it), scheduled (the worker publishes it at
# publish_at), published (everyone sees it, from publish_at).
DRAFT, SCHEDULED, PUBLISHED = "draft", "scheduled", "published"
STATUSES = (DRAFT, SCHEDULED, PUBLISHED)


class Article(Timestamps, db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        # Newest first by publication, whatever the status.
        Index("ix_articles_publish_at_id", "publish_at", "id"),
        # Newest-first lists, of everyone (and the feed) or of one author, and the worker's due
        # articles. Each also holds what makes an article listed (queries.LISTED), so a count
        # or a page tests it on the index, never on the row, which SQLite stores after the body.
        Index("ix_articles_status_listing", "status", "publish_at", "id", "author_id", "hidden_at"),
        Index("ix_articles_author_listing", "author_id", "publish_at", "id", "status", "hidden_at"),
        IDENTITY_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(CaseSensitiveString(255), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(1000))
    body: Mapped[str] = mapped_column(LongText)
    # The body as safe HTML, rendered once when it is written: reads never render Markdown.
    body_html: Mapped[str] = mapped_column(LongText)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED, server_default=PUBLISHED)
    # When it went (published) or goes (scheduled) live; lists are ordered by it. None: a draft.
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How long the body takes to read, set when it is written (lists never load the body).
    reading_minutes: Mapped[int] = mapped_column(default=1, server_default="1")
    # Hidden by a moderator, and why: only its author and staff see it (articles/queries.py).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(500))

    # Related rows are never loaded by accident (lazy="raise"); unbounded ones are write-only.
    author: Mapped["User"] = relationship(back_populates="articles", lazy="raise")
    tags: Mapped[list[Tag]] = relationship(  # sorted by name, as the API emits tagList
        secondary=article_tags,
        order_by=Tag.name,
        back_populates="articles",
        lazy="raise",
        passive_deletes=True,
    )
    comments: WriteOnlyMapped["Comment"] = relationship(
        back_populates="article", passive_deletes=True
    )
    favorited_by: WriteOnlyMapped["User"] = relationship(
        secondary=favorites, back_populates="favorites", passive_deletes=True
    )

    @property
    def tag_list(self) -> list[str]:
        return [tag.name for tag in self.tags]

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class ArticleSlug(db.Model):
    """A slug an article had before its title changed: its page answers with a permanent
    redirect to the article's current slug (articles.services.current_slug)."""

    __tablename__ = "article_slugs"
    __table_args__ = MYSQL_TABLE_ARGS

    slug: Mapped[str] = mapped_column(CaseSensitiveString(255), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ArticleSlug {self.slug}>"


class Comment(Timestamps, db.Model):
    __tablename__ = "comments"
    __table_args__ = IDENTITY_TABLE_ARGS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Hidden by a moderator, and why: only its author and staff see it (articles/queries.py).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    # When its author last changed the body (None: never). Not ``updated_at``, which any change
    # to the row moves, a moderator hiding it included; the API's ``updatedAt`` is this, or the
    # creation time (articles/queries.py).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    article: Mapped[Article] = relationship(back_populates="comments", lazy="raise")
    author: Mapped["User"] = relationship(back_populates="comments", lazy="raise")

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"


class RelatedArticle(db.Model):
    """One of an article's related articles ("Read next"), computed by the worker
    (articles/related.py): ``rank`` 0 is the most similar, by the cosine ``score``."""

    __tablename__ = "related_articles"
    __table_args__ = MYSQL_TABLE_ARGS

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    related_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)


class RelatedComputation(db.Model):
    """That an article's related articles were computed, and for which version of it (its
    ``updated_at``): an article without one, or changed since, gets them computed again."""

    __tablename__ = "related_computations"
    __table_args__ = MYSQL_TABLE_ARGS

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    computed_for: Mapped[datetime] = mapped_column(UTCDateTime())
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
