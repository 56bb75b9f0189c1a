"""Use cases for articles, tags, favorites and comments. The acting user is always an argument.

Every read loads a page of articles in a fixed number of queries, whatever its size: one for
the total, one for the rows with their authors and per-viewer flags, one for their tags.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from slugify import slugify
from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, selectinload, with_expression

from myapp.articles.models import Article, Comment, Tag, article_tags, favorites
from myapp.caching import cached, content_changed
from myapp.database import commit_with_retry
from myapp.errors import Forbidden, NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.users.models import User, follows
from myapp.users.services import following_expression

SLUG_MAX = 80


@dataclass(frozen=True)
class ArticlePage:
    articles: list[Article]
    total: int


# --- reading ---------------------------------------------------------------------------------


def _article_select(viewer: User | None) -> Select[tuple[Article]]:
    """Articles joined to their authors, with favorites count and the viewer's flags."""
    favorites_count = (
        select(func.count())
        .select_from(favorites)
        .where(favorites.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    author = contains_eager(Article.author)
    options = [
        with_expression(Article.favorites_count, favorites_count),
        selectinload(Article.tags),
    ]
    if viewer is not None:
        favorited = exists().where(
            favorites.c.article_id == Article.id, favorites.c.user_id == viewer.id
        )
        options.append(with_expression(Article.favorited, favorited))
        author = author.with_expression(User.following, following_expression(viewer))
    return (
        select(Article)
        .join(Article.author)
        .options(author, *options)
        # The viewer may be one of the authors: refresh the per-query flags on loaded objects.
        .execution_options(populate_existing=True)
    )


def _page(filters: list[Any], viewer: User | None, limit: int, offset: int) -> ArticlePage:
    total = db.session.scalar(select(func.count(Article.id)).where(*filters)) or 0
    if total <= offset:
        return ArticlePage([], total)
    query = (
        _article_select(viewer)
        .where(*filters)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return ArticlePage(list(db.session.scalars(query).unique()), total)


def list_articles(
    viewer: User | None,
    *,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ArticlePage:
    """Newest first; the filters combine, and an unknown value matches nothing."""
    filters = []
    if tag is not None:
        tagged = select(article_tags.c.article_id).join(Tag).where(Tag.name == tag)
        filters.append(Article.id.in_(tagged))
    if author is not None:
        writer = aliased(User)
        filters.append(Article.author_id.in_(select(writer.id).where(writer.username == author)))
    if favorited is not None:
        fan = aliased(User)
        liked = (
            select(favorites.c.article_id)
            .join(fan, fan.id == favorites.c.user_id)
            .where(fan.username == favorited)
        )
        filters.append(Article.id.in_(liked))
    return _page(filters, viewer, limit, offset)


def feed(viewer: User, *, limit: int = 20, offset: int = 0) -> ArticlePage:
    """Articles by the authors the viewer follows, newest first."""
    followed = select(follows.c.followed_id).where(follows.c.follower_id == viewer.id)
    return _page([Article.author_id.in_(followed)], viewer, limit, offset)


def get_article(slug: str, viewer: User | None) -> Article:
    article = db.session.scalar(_article_select(viewer).where(Article.slug == slug))
    if article is None:
        raise NotFound("article", "not found")
    return article


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


def create_article(author: User, data: dict[str, Any]) -> Article:
    def create() -> Article:
        article = Article(
            author_id=author.id,
            slug=_unique_slug(data["title"]),
            title=data["title"],
            description=data["description"],
            body=data["body"],
            tags=_tags_named(data.get("tag_list", [])),
        )
        db.session.add(article)
        return article

    # A simultaneous article can take the same slug or create the same new tag: retry.
    article = commit_with_retry(create)
    content_changed()
    return get_article(article.slug, author)


def update_article(viewer: User, slug: str, changes: dict[str, Any]) -> Article:
    def update() -> Article:
        article = get_own_article(viewer, slug)
        if "title" in changes and changes["title"] != article.title:
            article.slug = _unique_slug(changes["title"], exclude_id=article.id)
        for field in ("title", "description", "body"):
            if field in changes:
                setattr(article, field, changes[field])
        if "tag_list" in changes:
            article.tags = _tags_named(changes["tag_list"])
        if changes:
            article.updated_at = utcnow()  # also when only the tags changed
        return article

    article = commit_with_retry(update)
    content_changed()
    return get_article(article.slug, viewer)


def delete_article(viewer: User, slug: str) -> None:
    article = get_own_article(viewer, slug)
    # Comments, favorites and tag links go with it (ON DELETE CASCADE).
    db.session.execute(delete(Article).where(Article.id == article.id))
    db.session.commit()
    content_changed()


def favorite(viewer: User, slug: str) -> Article:
    article_id = _article_id(slug)
    try:
        db.session.execute(favorites.insert().values(user_id=viewer.id, article_id=article_id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already favorited, perhaps by a simultaneous request
    else:
        content_changed()  # favoritesCount
    return get_article(slug, viewer)


def unfavorite(viewer: User, slug: str) -> Article:
    article_id = _article_id(slug)
    removed = db.session.execute(
        delete(favorites).where(
            favorites.c.user_id == viewer.id, favorites.c.article_id == article_id
        )
    ).rowcount
    db.session.commit()
    if removed:
        content_changed()  # favoritesCount
    return get_article(slug, viewer)


# --- comments --------------------------------------------------------------------------------


def _comment_select(viewer: User | None) -> Select[tuple[Comment]]:
    author = contains_eager(Comment.author)
    if viewer is not None:
        author = author.with_expression(User.following, following_expression(viewer))
    return (
        select(Comment)
        .join(Comment.author)
        .options(author)
        .execution_options(populate_existing=True)
    )


def list_comments(slug: str, viewer: User | None) -> list[Comment]:
    """Oldest first, as a conversation reads."""
    query = (
        _comment_select(viewer)
        .where(Comment.article_id == _article_id(slug))
        .order_by(Comment.created_at, Comment.id)
    )
    return list(db.session.scalars(query))


def add_comment(viewer: User, slug: str, body: str) -> Comment:
    comment = Comment(article_id=_article_id(slug), author_id=viewer.id, body=body)
    db.session.add(comment)
    db.session.commit()
    content_changed()
    return db.session.scalar(_comment_select(viewer).where(Comment.id == comment.id))


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
    content_changed()
