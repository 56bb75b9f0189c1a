"""Use cases for articles, tags, favorites and comments. The acting user is always an argument.

Every read loads a page of articles in a fixed number of queries, whatever its size: one for
the total, one for the rows with their authors, tags, favorites count and per-viewer flags
(built in articles/queries.py, from ``visible_articles``).
"""

import secrets
from dataclasses import dataclass
from typing import Any

from slugify import slugify
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from myapp.articles.markdown import render_markdown
from myapp.articles.models import Article, Comment, Tag, article_tags, favorites
from myapp.articles.queries import (
    ArticleView,
    CommentView,
    article_rows,
    article_views,
    comment_rows,
    comment_views,
    viewer_id,
    visible_articles,
)
from myapp.caching import cached
from myapp.database import commit_with_retry
from myapp.errors import Forbidden, NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.users.models import User, follows

SLUG_MAX = 80


@dataclass(frozen=True)
class ArticlePage:
    articles: list[ArticleView]
    total: int


# --- reading ---------------------------------------------------------------------------------


def _page(
    filters: list[Any], viewer: User | None, limit: int, offset: int, count_key: Any = None
) -> ArticlePage:
    """A page of visible articles, newest first. With a ``count_key`` (viewer-independent
    filters only) the total may come from the cache: counting 100,000 rows is a list's slow part.
    """

    def count() -> int:
        query = visible_articles(viewer, func.count(Article.id)).where(*filters)
        return db.session.scalar(query) or 0

    total = cached("article-count", count, count_key) if count_key is not None else count()
    if total <= offset:
        return ArticlePage([], total)
    query = (
        article_rows(viewer)
        .where(*filters)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = db.session.execute(query, {"viewer_id": viewer_id(viewer)}).all()
    return ArticlePage(article_views(rows), total)


def _tagged(name: str) -> Any:
    return (
        select(article_tags.c.article_id)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id == Article.id, Tag.name == name)
        .exists()
    )


def _written_by(username: str) -> Any:
    writer = aliased(User)
    return (
        Article.author_id == select(writer.id).where(writer.username == username).scalar_subquery()
    )


def _favorited_by(username: str) -> Any:
    fan = aliased(User)
    return (
        select(favorites.c.article_id)
        .join(fan, fan.id == favorites.c.user_id)
        .where(favorites.c.article_id == Article.id, fan.username == username)
        .exists()
    )


# The list filters: each argument of list_articles names one. Filters are correlated EXISTS
# tests, so the database can walk the newest-first index and stop after one page.
FILTERS = {"tag": _tagged, "author": _written_by, "favorited": _favorited_by}


def list_articles(
    viewer: User | None, *, limit: int = 20, offset: int = 0, **filters: str | None
) -> ArticlePage:
    """Newest first; the filters (``FILTERS``) combine, and an unknown value matches nothing."""
    given = {name: value for name, value in filters.items() if value is not None}
    conditions = [FILTERS[name](value) for name, value in given.items()]
    # The cached total is keyed by the filters themselves.
    return _page(conditions, viewer, limit, offset, count_key=sorted(given.items()))


def feed(viewer: User, *, limit: int = 20, offset: int = 0) -> ArticlePage:
    """Articles by the authors the viewer follows, newest first."""
    followed = select(follows.c.followed_id).where(follows.c.follower_id == viewer.id)
    return _page([Article.author_id.in_(followed)], viewer, limit, offset)


def get_article(slug: str, viewer: User | None) -> ArticleView:
    query = article_rows(viewer, with_body=True).where(Article.slug == slug)
    views = article_views(db.session.execute(query, {"viewer_id": viewer_id(viewer)}).all())
    if not views:
        raise NotFound("article", "not found")
    return views[0]


def popular_tags(limit: int) -> list[str]:
    """Tags on articles anyone may see, most used first (cached until the content changes)."""
    query = (
        visible_articles(None, Tag.name)
        .join(article_tags, article_tags.c.article_id == Article.id)
        .join(Tag, Tag.id == article_tags.c.tag_id)
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


def _article_id(slug: str, viewer: User | None) -> int:
    """The id of the article ``viewer`` may see under ``slug`` (NotFound otherwise)."""
    article_id = db.session.scalar(visible_articles(viewer, Article.id).where(Article.slug == slug))
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
    article_id = _article_id(slug, viewer)
    try:
        db.session.execute(favorites.insert().values(user_id=viewer.id, article_id=article_id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already favorited, perhaps by a simultaneous request
    return get_article(slug, viewer)


def unfavorite(viewer: User, slug: str) -> ArticleView:
    article_id = _article_id(slug, viewer)
    db.session.execute(
        delete(favorites).where(
            favorites.c.user_id == viewer.id, favorites.c.article_id == article_id
        )
    )
    db.session.commit()
    return get_article(slug, viewer)


# --- comments --------------------------------------------------------------------------------


def list_comments(slug: str, viewer: User | None) -> list[CommentView]:
    """Oldest first, as a conversation reads."""
    query = (
        comment_rows(viewer).where(Article.slug == slug).order_by(Comment.created_at, Comment.id)
    )
    comments = comment_views(db.session.execute(query, {"viewer_id": viewer_id(viewer)}).all())
    if not comments:
        _article_id(slug, viewer)  # none, or no such article? (NotFound)
    return comments


def add_comment(viewer: User, slug: str, body: str) -> CommentView:
    comment = Comment(article_id=_article_id(slug, viewer), author_id=viewer.id, body=body)
    db.session.add(comment)
    db.session.commit()
    query = comment_rows(viewer).where(Comment.id == comment.id)
    return comment_views(db.session.execute(query, {"viewer_id": viewer.id}).all())[0]


def delete_comment(viewer: User, slug: str, comment_id: int) -> None:
    comment = db.session.scalar(
        select(Comment).where(
            Comment.id == comment_id, Comment.article_id == _article_id(slug, viewer)
        )
    )
    if comment is None:
        raise NotFound("comment", "not found")
    if comment.author_id != viewer.id:
        raise Forbidden("comment", "is not yours")
    db.session.execute(delete(Comment).where(Comment.id == comment.id))
    db.session.commit()
