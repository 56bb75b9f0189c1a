"""Use cases for articles, tags, favorites and comments. The acting user is always an argument.

Every read loads a page of articles in a fixed number of queries, whatever its size: one for
the total, one for the rows with their authors, tags, favorites count and per-viewer flags.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slugify import slugify
from sqlalchemy import Integer, Select, bindparam, delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from myapp.articles.markdown import render_markdown
from myapp.articles.models import Article, Comment, Tag, article_tags, favorites
from myapp.caching import cached
from myapp.database import commit_with_retry
from myapp.errors import Forbidden, NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.users.models import User, follows
from myapp.users.services import ProfileView

SLUG_MAX = 80


@dataclass(slots=True)
class ArticleView:
    """An article as one viewer sees it: what the pages render and the API dumps."""

    id: int
    slug: str
    title: str
    description: str
    body: str | None  # None in lists, which never show it
    body_html: str | None  # the body as safe HTML, rendered when it was written
    created_at: datetime
    updated_at: datetime
    author_id: int
    favorites_count: int
    favorited: bool
    author: ProfileView
    tag_list: list[str]


@dataclass(slots=True)
class CommentView:
    id: int
    body: str
    created_at: datetime
    updated_at: datetime
    author_id: int
    author: ProfileView


@dataclass(frozen=True)
class ArticlePage:
    articles: list[ArticleView]
    total: int


# --- reading ---------------------------------------------------------------------------------
# Reads select plain columns (no ORM entities to build) with the viewer as a bound parameter
# (0 for nobody), so SQLAlchemy compiles each statement shape once and reuses it.

VIEWER = bindparam("viewer_id", type_=Integer)
FAVORITES_COUNT = (
    select(func.count())
    .select_from(favorites)
    .where(favorites.c.article_id == Article.id)
    .correlate(Article)
    .scalar_subquery()
    .label("favorites_count")
)
FAVORITED = (
    exists()
    .where(favorites.c.article_id == Article.id, favorites.c.user_id == VIEWER)
    .label("favorited")
)
FOLLOWING_AUTHOR = (
    exists()
    .where(follows.c.follower_id == VIEWER, follows.c.followed_id == Article.author_id)
    .label("following")
)
TAG_SEPARATOR = "\x1f"  # tag names may not contain control characters (see TagListField)
TAG_NAMES = (
    select(func.aggregate_strings(Tag.name, TAG_SEPARATOR))
    .select_from(article_tags)
    .join(Tag, Tag.id == article_tags.c.tag_id)
    .where(article_tags.c.article_id == Article.id)
    .correlate(Article)
    .scalar_subquery()
    .label("tag_names")
)
ARTICLE_COLUMNS = (
    Article.id,
    Article.slug,
    Article.title,
    Article.description,
    Article.created_at,
    Article.updated_at,
    Article.author_id,
    User.username,
    User.bio,
    User.image,
    FAVORITES_COUNT,
    FAVORITED,
    FOLLOWING_AUTHOR,
    TAG_NAMES,
)


def _viewer_id(viewer: User | None) -> int:
    return viewer.id if viewer is not None else 0


def _author(row: Any) -> ProfileView:
    """The author's profile from a row of ``ARTICLE_COLUMNS`` or ``COMMENT_COLUMNS``."""
    return ProfileView(row.author_id, row.username, row.bio, row.image, bool(row.following))


def _article_views(
    query: Select, viewer: User | None, with_body: bool = False
) -> list[ArticleView]:
    """Run an ``ARTICLE_COLUMNS`` query: articles with author, counts, flags and tags at once."""
    rows = db.session.execute(query, {"viewer_id": _viewer_id(viewer)}).all()
    return [
        ArticleView(
            id=row.id,
            slug=row.slug,
            title=row.title,
            description=row.description,
            body=row.body if with_body else None,
            body_html=row.body_html if with_body else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            author_id=row.author_id,
            favorites_count=row.favorites_count,
            favorited=bool(row.favorited),
            author=_author(row),
            tag_list=sorted(row.tag_names.split(TAG_SEPARATOR)) if row.tag_names else [],
        )
        for row in rows
    ]


def _page(
    filters: list[Any], viewer: User | None, limit: int, offset: int, count_key: tuple | None
) -> ArticlePage:
    """A page of articles, newest first. ``count_key`` names a viewer-independent filter whose
    total may come from the cache (counting 100,000 rows is the slow part of a list)."""

    def count() -> int:
        return db.session.scalar(select(func.count(Article.id)).where(*filters)) or 0

    total = cached("article-count", count, count_key) if count_key is not None else count()
    if total <= offset:
        return ArticlePage([], total)
    query = (
        select(*ARTICLE_COLUMNS)
        .join(User, User.id == Article.author_id)
        .where(*filters)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return ArticlePage(_article_views(query, viewer), total)


def list_articles(
    viewer: User | None,
    *,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ArticlePage:
    """Newest first; the filters combine, and an unknown value matches nothing.

    Filters are correlated EXISTS tests, so the database can walk the newest-first index and
    stop after one page instead of sorting every match.
    """
    filters = []
    if tag is not None:
        tagged = (
            select(article_tags.c.article_id)
            .join(Tag, Tag.id == article_tags.c.tag_id)
            .where(article_tags.c.article_id == Article.id, Tag.name == tag)
        )
        filters.append(tagged.exists())
    if author is not None:
        writer = aliased(User)
        filters.append(
            Article.author_id
            == select(writer.id).where(writer.username == author).scalar_subquery()
        )
    if favorited is not None:
        fan = aliased(User)
        liked = (
            select(favorites.c.article_id)
            .join(fan, fan.id == favorites.c.user_id)
            .where(favorites.c.article_id == Article.id, fan.username == favorited)
        )
        filters.append(liked.exists())
    return _page(filters, viewer, limit, offset, count_key=(tag, author, favorited))


def feed(viewer: User, *, limit: int = 20, offset: int = 0) -> ArticlePage:
    """Articles by the authors the viewer follows, newest first."""
    followed = select(follows.c.followed_id).where(follows.c.follower_id == viewer.id)
    return _page([Article.author_id.in_(followed)], viewer, limit, offset, count_key=None)


def get_article(slug: str, viewer: User | None) -> ArticleView:
    query = (
        select(*ARTICLE_COLUMNS, Article.body, Article.body_html)
        .join(User, User.id == Article.author_id)
        .where(Article.slug == slug)
    )
    views = _article_views(query, viewer, with_body=True)
    if not views:
        raise NotFound("article", "not found")
    return views[0]


def popular_tags(limit: int) -> list[str]:
    """Tags in use, most used first (cached until the next change of content)."""
    query = (
        select(Tag.name)
        .join(article_tags)
        .group_by(Tag.id, Tag.name)
        .order_by(func.count().desc(), Tag.name)
        .limit(limit)
    )
    return cached("tags", lambda: list(db.session.scalars(query)), limit)


# --- writing ---------------------------------------------------------------------------------


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    query = select(Article.id).where(Article.slug == slug)
    if exclude_id is not None:
        query = query.where(Article.id != exclude_id)
    return db.session.scalar(query) is not None


def _unique_slug(title: str, exclude_id: int | None = None) -> str:
    """The title's slug; when another article has it, the slug plus a short random suffix."""
    base = slugify(title, max_length=SLUG_MAX, word_boundary=True) or "article"
    slug = base
    while _slug_taken(slug, exclude_id):
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _tags_named(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def get_own_article(viewer: User, slug: str) -> Article:
    """The article with its tags, if ``viewer`` wrote it: NotFound or Forbidden otherwise."""
    query = select(Article).where(Article.slug == slug).options(selectinload(Article.tags))
    article = db.session.scalar(query)
    if article is None:
        raise NotFound("article", "not found")
    if article.author_id != viewer.id:
        raise Forbidden("article", "is not yours")
    return article


def _article_id(slug: str) -> int:
    article_id = db.session.scalar(select(Article.id).where(Article.slug == slug))
    if article_id is None:
        raise NotFound("article", "not found")
    return article_id


def create_article(author: User, data: dict[str, Any]) -> ArticleView:
    body_html = render_markdown(data["body"])  # before the transaction: it takes a moment

    def create() -> Article:
        article = Article(
            author_id=author.id,
            slug=_unique_slug(data["title"]),
            title=data["title"],
            description=data["description"],
            body=data["body"],
            body_html=body_html,
            tags=_tags_named(data.get("tag_list", [])),
        )
        db.session.add(article)
        return article

    # A simultaneous article can take the same slug or create the same new tag: retry.
    article = commit_with_retry(create)
    return get_article(article.slug, author)


def update_article(viewer: User, slug: str, changes: dict[str, Any]) -> ArticleView:
    body_html = render_markdown(changes["body"]) if "body" in changes else None

    def update() -> Article:
        article = get_own_article(viewer, slug)
        if "title" in changes and changes["title"] != article.title:
            article.slug = _unique_slug(changes["title"], exclude_id=article.id)
        for name in ("title", "description", "body"):
            if name in changes:
                setattr(article, name, changes[name])
        if body_html is not None:
            article.body_html = body_html
        if "tag_list" in changes:
            article.tags = _tags_named(changes["tag_list"])
        if changes:
            article.updated_at = utcnow()  # also when only the tags changed
        return article

    article = commit_with_retry(update)
    return get_article(article.slug, viewer)


def delete_article(viewer: User, slug: str) -> None:
    article = get_own_article(viewer, slug)
    # Comments, favorites and tag links go with it (ON DELETE CASCADE).
    db.session.execute(delete(Article).where(Article.id == article.id))
    db.session.commit()


def favorite(viewer: User, slug: str) -> ArticleView:
    article_id = _article_id(slug)
    try:
        db.session.execute(favorites.insert().values(user_id=viewer.id, article_id=article_id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already favorited, perhaps by a simultaneous request
    return get_article(slug, viewer)


def unfavorite(viewer: User, slug: str) -> ArticleView:
    article_id = _article_id(slug)
    db.session.execute(
        delete(favorites).where(
            favorites.c.user_id == viewer.id, favorites.c.article_id == article_id
        )
    )
    db.session.commit()
    return get_article(slug, viewer)


# --- comments --------------------------------------------------------------------------------


COMMENT_COLUMNS = (
    Comment.id,
    Comment.body,
    Comment.created_at,
    Comment.updated_at,
    Comment.author_id,
    User.username,
    User.bio,
    User.image,
    exists()
    .where(follows.c.follower_id == VIEWER, follows.c.followed_id == Comment.author_id)
    .label("following"),
)


def _comment_views(query: Select, viewer: User | None) -> list[CommentView]:
    rows = db.session.execute(query, {"viewer_id": _viewer_id(viewer)}).all()
    return [
        CommentView(
            id=row.id,
            body=row.body,
            created_at=row.created_at,
            updated_at=row.updated_at,
            author_id=row.author_id,
            author=_author(row),
        )
        for row in rows
    ]


def _comments_select() -> Select:
    return select(*COMMENT_COLUMNS).join(User, User.id == Comment.author_id)


def list_comments(slug: str, viewer: User | None) -> list[CommentView]:
    """Oldest first, as a conversation reads."""
    query = (
        _comments_select()
        .join(Article, Article.id == Comment.article_id)
        .where(Article.slug == slug)
        .order_by(Comment.created_at, Comment.id)
    )
    comments = _comment_views(query, viewer)
    if not comments:
        _article_id(slug)  # none, or no such article? (NotFound)
    return comments


def add_comment(viewer: User, slug: str, body: str) -> CommentView:
    comment = Comment(article_id=_article_id(slug), author_id=viewer.id, body=body)
    db.session.add(comment)
    db.session.commit()
    return _comment_views(_comments_select().where(Comment.id == comment.id), viewer)[0]


def delete_comment(viewer: User, slug: str, comment_id: int) -> None:
    comment = db.session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.article_id == _article_id(slug))
    )
    if comment is None:
        raise NotFound("comment", "not found")
    if comment.author_id != viewer.id:
        raise Forbidden("comment", "is not yours")
    db.session.execute(delete(Comment).where(Comment.id == comment.id))
    db.session.commit()
