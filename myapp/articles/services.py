"""Use cases for articles, tags, favorites and comments. The acting user is always an argument.

Every read loads a page of articles in a fixed number of queries, whatever its size: one for
the total, one for the rows with their authors, tags, favorites count and per-viewer flags
(built in articles/queries.py, from ``visible_articles``).
"""

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from slugify import slugify
from sqlalchemy import Row, delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from myapp.articles import fragments, search
from myapp.articles.markdown import render_markdown
from myapp.articles.models import (
    DRAFT,
    PUBLISHED,
    SCHEDULED,
    Article,
    ArticleSlug,
    Comment,
    Tag,
    favorites,
)
from myapp.articles.queries import (
    ARTICLE_BY_SLUG,
    ARTICLE_FLAGS_BY_SLUG,
    ARTICLE_REF_BY_SLUG,
    COMMENT_BY_ID,
    COMMENT_FLAGS_BY_SLUG,
    COMMENT_ON_ARTICLE,
    COMMENT_REF,
    COMMENTS_BY_IDS,
    COMMENTS_BY_SLUG,
    CURRENT_SLUG,
    LIST_ITEMS_BY_IDS,
    LISTED_ARTICLE_BY_SLUG,
    OWN_ARTICLES_PAGE,
    OWN_ARTICLES_TOTAL,
    POPULAR_TAGS,
    RELATED_PAGE,
    RELATED_REF_BY_SLUG,
    SHARED_TAGS_PAGE,
    VIEWER_FLAGS,
    ArticleView,
    CommentView,
    article_views,
    comment_views,
    core_rows,
    flag_page_statement,
    page_ids_statement,
    page_statements,
    search_statements,
    viewer_id,
)
from myapp.articles.viewer_flags import CommentFlagRow, viewer_flags
from myapp.caching import cached
from myapp.database import commit_with_retry
from myapp.errors import Forbidden, Invalid, NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.notifications import outbox
from myapp.users.models import User
from myapp.users.queries import ProfileView

SLUG_MAX = 80
WORDS_PER_MINUTE = 230
# An article changed later than this after its publication says "edited" (publishing itself
# touches updated_at a moment after publish_at).
EDIT_GRACE = timedelta(minutes=1)
RELATED_TASK = "myapp.tasks.refresh_related"


@dataclass(frozen=True)
class ArticlePage:
    articles: list[ArticleView]
    total: int

    @property
    def rows(self) -> list[ArticleView]:
        """The page in order, each with its ``id`` and flags (as ``FlagPage.rows``)."""
        return self.articles

    def views(self) -> dict[int, ArticleView]:
        """The page's articles by id (as ``FlagPage.views``)."""
        return {article.id: article for article in self.articles}


@dataclass(frozen=True)
class FlagPage:
    """A page of listed articles as a reader's pages need it when its previews come from the
    cache (pages/fragments.py): the ids in order with the reader's flags (``id``,
    ``favorited``, ``following``: ``viewer_flags.FlagRow``s, or rows of
    ``queries.FLAG_COLUMNS``), from the cache or one statement (``_flag_page``). The articles
    are read only when a preview has to be rendered (``views``)."""

    rows: list[Any]
    total: int

    def views(self) -> dict[int, ArticleView]:
        """The page's articles by id as the reader sees them, in one statement. One that went
        a moment ago (deleted, or no longer listed) has none."""
        flags = {row.id: row for row in self.rows}
        read = core_rows(LIST_ITEMS_BY_IDS, {"viewer_id": 0, "ids": list(flags)})
        # Read as nobody in particular: the reader's flags go on top.
        return {view.id: _with_flags(view, flags[view.id]) for view in article_views(read)}


@dataclass(frozen=True)
class ItemPage:
    """A page of articles as the API's JSON, one ``ArticleListItemSchema`` dict each."""

    items: list[dict[str, Any]]
    total: int


# --- reading ---------------------------------------------------------------------------------


def _total(filters: dict[str, Any], params: dict[str, Any]) -> int:
    """How many listed articles pass ``filters``, from the cache when it holds the count, keyed
    by the filters (and for a feed by its reader): counting 100,000 rows is a list's slow part,
    and a page through the list, or a reload, asks again."""
    total_statement, _ = page_statements(tuple(sorted(filters)))

    def count() -> int:
        return core_rows(total_statement, params).scalar() or 0

    reader = params["viewer_id"] if "feed" in filters else None
    return cached("article-count", count, sorted(filters.items()), reader)


def _page(filters: dict[str, Any], viewer: User | None, limit: int, offset: int) -> ArticlePage:
    """A page of visible articles passing ``filters`` (``queries.FILTERS`` and their values),
    newest first."""
    params = {"viewer_id": viewer_id(viewer), **filters}
    total = _total(filters, params)
    if total <= offset:
        return ArticlePage([], total)
    _, page_statement = page_statements(tuple(sorted(filters)))
    result = db.session.execute(page_statement, params | {"limit": limit, "offset": offset})
    return ArticlePage(article_views(result), total)


def _flag_page(filters: dict[str, Any], viewer: User | None, limit: int, offset: int) -> FlagPage:
    """``_page`` as the page's ids with the viewer's flags. Which articles the page holds is the
    same for every reader (a feed's, for its reader), so it is cached like the total; the
    viewer's flags come from theirs (articles/viewer_flags.py). Without those, one statement."""
    params = {"viewer_id": viewer_id(viewer), **filters}
    total = _total(filters, params)
    if total <= offset:
        return FlagPage([], total)
    paging = {"limit": limit, "offset": offset}
    flags = viewer_flags(viewer)
    if flags is None:
        statement = flag_page_statement(tuple(sorted(filters)))
        return FlagPage(core_rows(statement, params | paging).all(), total)

    def read() -> list[tuple[int, int]]:
        statement = page_ids_statement(tuple(sorted(filters)))
        return [(row.id, row.author_id) for row in core_rows(statement, params | paging)]

    reader = params["viewer_id"] if "feed" in filters else None
    page = cached("article-page", read, sorted(filters.items()), limit, offset, reader)
    return FlagPage([flags.row(*each) for each in page], total)


def _item_page(filters: dict[str, Any], viewer: User | None, limit: int, offset: int) -> ItemPage:
    """``_page`` as the API's JSON: the page's ids with the viewer's flags, each article's JSON
    from its cached fragment (articles/fragments.py)."""
    page = _flag_page(filters, viewer, limit, offset)
    return ItemPage(fragments.list_items(page.rows), page.total)


def _list_filters(tag: str | None, author: str | None, favorited: str | None) -> dict[str, Any]:
    given = {"tag": tag, "author": author, "favorited": favorited}
    return {name: value for name, value in given.items() if value is not None}


def list_articles(
    viewer: User | None,
    *,
    limit: int = 20,
    offset: int = 0,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
) -> ArticlePage:
    """Newest first; the filters combine, and an unknown value matches nothing."""
    filters = _list_filters(tag, author, favorited)
    return _page(filters, viewer, limit, offset)


def list_article_items(
    viewer: User | None,
    *,
    limit: int = 20,
    offset: int = 0,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
) -> ItemPage:
    """``list_articles`` as the API's JSON, from the cached fragments."""
    filters = _list_filters(tag, author, favorited)
    return _item_page(filters, viewer, limit, offset)


def list_article_flags(
    viewer: User,
    *,
    limit: int = 20,
    offset: int = 0,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
) -> FlagPage:
    """``list_articles`` as the reader's flags, for a page made of cached previews."""
    filters = _list_filters(tag, author, favorited)
    return _flag_page(filters, viewer, limit, offset)


@dataclass(frozen=True)
class SearchPage:
    """A page of search results, most relevant first; each article has a ``highlight``."""

    articles: list[ArticleView]
    total: int
    query: str


def search_articles(
    viewer: User | None,
    q: str,
    *,
    limit: int = 20,
    offset: int = 0,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
) -> SearchPage:
    """Listed articles matching ``q`` (words, "phrases", -excluded), most relevant first, with
    highlighted snippets; the filters combine as in ``list_articles``.

    Ranking every match is the slow part (thousands, at 100,000 articles), and its result is
    the same for every reader: each page is cached under the content version, as anonymous
    readers see it, and a signed-in reader's flags are laid over it (one statement)."""
    parsed = search.parse(q)
    if parsed.empty:
        return SearchPage([], 0, q)
    given = {"tag": tag, "author": author, "favorited": favorited}
    filters = {name: value for name, value in given.items() if value is not None}
    dialect = db.session.get_bind().dialect.name

    def build() -> SearchPage:
        total_statement, page_statement = search_statements(dialect, tuple(sorted(filters)))
        params = {"viewer_id": 0, "match": search.engine_query(dialect, parsed), **filters}
        total = db.session.scalar(total_statement, params) or 0
        if total <= offset:
            return SearchPage([], total, q)
        result = db.session.execute(page_statement, params | {"limit": limit, "offset": offset})
        views = article_views(result)
        for view in views:
            view.highlight = search.highlights(view, parsed)
            for name in ("title", "description", "body", "raw"):
                view.__dict__.pop(f"highlight_{name}", None)
        return SearchPage(views, total, q)

    page = cached("search", build, q, sorted(filters.items()), limit, offset)
    if viewer is None or not page.articles:
        return page
    params = {"viewer_id": viewer.id, "ids": [view.id for view in page.articles]}
    flags = {row.id: row for row in db.session.execute(VIEWER_FLAGS, params)}
    views = [_with_flags(view, flags[view.id]) for view in page.articles if view.id in flags]
    return SearchPage(views, page.total, q)


def _with_flags(view: ArticleView, flags: Any) -> ArticleView:
    """A copy of an anonymous ``view`` with a reader's ``flags`` (``favorited``, ``following``:
    a row of ``queries.FLAG_COLUMNS``)."""
    author = ProfileView(**{**view.author.__dict__, "following": bool(flags.following)})
    return ArticleView(**{**view.__dict__, "favorited": bool(flags.favorited), "author": author})


def feed(viewer: User, *, limit: int = 20, offset: int = 0) -> ArticlePage:
    """Articles by the authors the viewer follows, newest first."""
    return _page({"feed": None}, viewer, limit, offset)


def feed_flags(viewer: User, *, limit: int = 20, offset: int = 0) -> FlagPage:
    """``feed`` as the reader's flags, for a page made of cached previews."""
    return _flag_page({"feed": None}, viewer, limit, offset)


def feed_items(viewer: User, *, limit: int = 20, offset: int = 0) -> ItemPage:
    """``feed`` as the API's JSON, from the cached fragments."""
    return _item_page({"feed": None}, viewer, limit, offset)


def own_articles(
    viewer: User, *, status: str | None = None, limit: int = 20, offset: int = 0
) -> ArticlePage:
    """The viewer's own articles in ``status`` (all with None), last edited first."""
    params = {"viewer_id": viewer.id, "status": status}
    total = db.session.scalar(OWN_ARTICLES_TOTAL, params) or 0
    if total <= offset:
        return ArticlePage([], total)
    result = db.session.execute(OWN_ARTICLES_PAGE, params | {"limit": limit, "offset": offset})
    return ArticlePage(article_views(result), total)


def get_article(slug: str, viewer: User | None) -> ArticleView:
    """The article under ``slug`` as ``viewer`` sees it, in one statement (what a write answers
    with; a read takes ``read_article``)."""
    params = {"viewer_id": viewer_id(viewer), "slug": slug}
    views = article_views(db.session.execute(ARTICLE_BY_SLUG, params))
    if not views:
        raise NotFound("article", "not found")
    return views[0]


def read_article(slug: str, viewer: User | None) -> ArticleView:
    """``get_article`` for a reader. A listed article is the same for every reader but for
    their flags: its view is cached like the fragments, and the reader's flags
    (articles/viewer_flags.py) are laid over it. Any other article is read in full."""
    flags = viewer_flags(viewer)
    listed = _listed_article(slug) if flags is not None else ()
    if flags is not None and listed:
        view = cached("article-view", lambda: _anonymous_view(slug), slug)
        if view is not None:
            return _with_flags(view, flags.row(*listed))
    return get_article(slug, viewer)


def _anonymous_view(slug: str) -> ArticleView | None:
    try:
        return get_article(slug, None)
    except NotFound:
        return None  # it stopped being listed since: the reader's own read decides


def _listed_article(slug: str) -> tuple[int, int] | tuple[()]:
    """The listed article under ``slug`` as (id, author id), the same for every reader, cached;
    ``()`` if none is (a draft, a hidden article, or no such slug), which the cache keeps too."""

    def read() -> tuple[int, int] | tuple[()]:
        row = core_rows(LISTED_ARTICLE_BY_SLUG, {"slug": slug}).first()
        return (row.id, row.author_id) if row is not None else ()

    return cached("listed-article", read, slug, shared=True)


class ListedArticle(NamedTuple):
    """A listed article as a signed-in reader's page starts from: which one, its author's id,
    and the reader's flags on it."""

    id: int
    author_id: int
    favorited: bool
    following: bool


def listed_article_for(slug: str, viewer: User | None) -> ListedArticle | None:
    """The listed article under ``slug`` for a signed-in ``viewer``, from the cache alone (which
    article is listed there, and the viewer's flags): no statement, and not the article itself.
    None for a visitor, where no article is listed (a draft, a hidden article, no such slug), or
    while the flags are not to be had from the cache: then ``read_article`` says."""
    if viewer is None or (flags := viewer_flags(viewer)) is None:
        return None
    listed = _listed_article(slug)
    if not listed:
        return None
    row = flags.row(*listed)
    return ListedArticle(*listed, row.favorited, row.following)


def listed_article_flags(slug: str, viewer: User | None) -> Row[Any] | None:
    """The listed article under ``slug`` as its ``id`` and the viewer's flags (``favorited``,
    ``following``): all its API JSON depends on but the content. Which article is listed under
    ``slug`` is cached like its fragment, and the flags are the viewer's
    (articles/viewer_flags.py), else one statement finds both. None if no article is listed
    there (a draft, a hidden article, or no such slug)."""
    flags = viewer_flags(viewer)
    if flags is not None:
        listed = _listed_article(slug)
        return flags.row(*listed) if listed else None
    params = {"viewer_id": viewer_id(viewer), "slug": slug}
    row = core_rows(ARTICLE_FLAGS_BY_SLUG, params).first()
    return row if row is not None and row.listed else None


def article_item(slug: str, viewer: User | None, row: Row[Any] | None) -> dict[str, Any]:
    """``get_article`` as the API's JSON, for ``row`` from ``listed_article_flags``: a listed
    article's cached fragment with the viewer's flags. Any other article (a draft, a hidden
    article its author or staff see) is read in full."""
    item = fragments.article_item(row) if row is not None else None
    return item if item is not None else fragments.article_json(get_article(slug, viewer))


def current_slug(old_slug: str, viewer: User | None) -> str | None:
    """The slug now of the article that ``viewer`` may see and that had ``old_slug`` before its
    title changed; None if there is none. Asked only when no visible article has that slug
    (the live slug wins), so an old link never leads to an article it must not reveal."""
    params = {"viewer_id": viewer_id(viewer), "slug": old_slug}
    return db.session.scalar(CURRENT_SLUG, params)


def related_articles(slug: str, viewer: User | None, limit: int = 5) -> ArticlePage:
    """Up to ``limit`` listed articles to read after the one under ``slug``: those the worker
    found most similar (articles/related.py), or until it has, those sharing the most tags."""
    params = {"viewer_id": viewer_id(viewer), "slug": slug}
    article = db.session.execute(RELATED_REF_BY_SLUG, params).first()
    if article is None:
        raise NotFound("article", "not found")
    return read_next(article, viewer, limit)


def read_next(article: Any, viewer: User | None, limit: int = 5) -> ArticlePage:
    """``related_articles`` of an article already read (an ``ArticleView`` from
    ``get_article``, which says whether they were computed): one statement."""
    statement = RELATED_PAGE if article.related_computed else SHARED_TAGS_PAGE
    params = {"viewer_id": viewer_id(viewer), "article_id": article.id, "limit": limit}
    views = article_views(db.session.execute(statement, params))
    return ArticlePage(views, len(views))


def reading_minutes(body: str) -> int:
    """Minutes to read a Markdown body: its words at 230 a minute, to the nearest minute, at
    least one. Stored with the body (lists never load it)."""
    return max(1, (len(body.split()) + WORDS_PER_MINUTE // 2) // WORDS_PER_MINUTE)


def edited_at(article: ArticleView) -> datetime | None:
    """When a published article was last changed, if that was noticeably after its
    publication (``EDIT_GRACE``); None otherwise, and for a draft or scheduled article."""
    if article.status != PUBLISHED or article.publish_at is None:
        return None
    return article.updated_at if article.updated_at - article.publish_at > EDIT_GRACE else None


def popular_tags(limit: int) -> list[str]:
    """Tags on articles anyone may see, most used first (cached until the content changes)."""
    params = {"viewer_id": 0, "limit": limit}
    return cached("tags", lambda: list(db.session.scalars(POPULAR_TAGS, params)), limit)


# --- writing ---------------------------------------------------------------------------------


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    """Whether another article has ``slug``, now or as an old slug (whose links it keeps)."""
    live = select(Article.id).where(Article.slug == slug)
    old = select(ArticleSlug.article_id).where(ArticleSlug.slug == slug)
    if exclude_id is not None:
        live = live.where(Article.id != exclude_id)
        old = old.where(ArticleSlug.article_id != exclude_id)
    return bool(db.session.scalar(select(exists(live) | exists(old))))


def _unique_slug(title: str, exclude_id: int | None = None) -> str:
    """The title's slug; when another article has it, now or as an old slug, the slug plus a
    short random suffix. An article may take back one of its own old slugs."""
    base = slugify(title, max_length=SLUG_MAX, word_boundary=True) or "article"
    slug = base
    while _slug_taken(slug, exclude_id):
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _change_slug(article: Article, slug: str) -> None:
    """Give ``article`` a new slug, keeping its current one as an old slug (whose page then
    redirects). Its own old slug, taken back, is live again; an old slug that names another
    article (history from before these rules) is now this one's, its latest owner."""
    db.session.execute(delete(ArticleSlug).where(ArticleSlug.slug.in_((article.slug, slug))))
    db.session.add(ArticleSlug(slug=article.slug, article_id=article.id))
    article.slug = slug


def _tags_named(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def get_own_article(viewer: User, slug: str) -> Article:
    """The article with its tags, if ``viewer`` wrote it: NotFound or Forbidden otherwise."""
    query = select(Article).where(Article.slug == slug).options(selectinload(Article.tags))
    article = db.session.scalar(query)
    if article is None or (article.author_id != viewer.id and article.status != PUBLISHED):
        raise NotFound("article", "not found")  # an unpublished article is its author's secret
    if article.author_id != viewer.id:
        raise Forbidden("article", "is not yours")
    return article


def article_ref(slug: str, viewer: User | None) -> Any:
    """``id``, ``author_id`` and ``notify_comments`` (the author's) of the article ``viewer``
    may see under ``slug`` (NotFound otherwise)."""
    params = {"viewer_id": viewer_id(viewer), "slug": slug}
    row = db.session.execute(ARTICLE_REF_BY_SLUG, params).first()
    if row is None:
        raise NotFound("article", "not found")
    return row


def comment_ref(slug: str, comment_id: int, viewer: User | None) -> Any:
    """``article_id`` and ``author_id`` of the comment ``viewer`` may see on the article under
    ``slug`` (NotFound otherwise)."""
    params = {"viewer_id": viewer_id(viewer), "slug": slug, "comment_id": comment_id}
    row = db.session.execute(COMMENT_REF, params).first()
    if row is None:
        article_ref(slug, viewer)  # no such article, or no such comment on it?
        raise NotFound("comment", "not found")
    return row


def _article_id(slug: str, viewer: User | None) -> int:
    return article_ref(slug, viewer).id


def _related_changed(article_ids: list[int]) -> None:
    """Have the worker compute the related articles of these articles, just committed
    (articles/related.py; if the broker is down, its sweep finds them changed)."""
    if article_ids:
        from myapp.worker import send_later  # the worker imports the services

        send_later(RELATED_TASK, article_ids)


# --- publishing ------------------------------------------------------------------------------


def _same_moment(a: datetime | None, b: datetime | None) -> bool:
    """Equal to the millisecond, the API's precision (``None`` equals ``None``)."""
    if a is None or b is None:
        return a is b
    return abs(a - b) < timedelta(milliseconds=1)


def _set_publication(article: Article, changes: dict[str, Any], now: datetime) -> None:
    """Apply ``status`` and ``publish_at`` from ``changes``. Publishing writes the followers'
    notifications into the same transaction.

    What a client sends back unchanged changes nothing: editors post the whole article they
    loaded, a published one with its past ``publishAt`` included."""
    status = changes.get("status")
    given = "publish_at" in changes and not _same_moment(changes["publish_at"], article.publish_at)
    if status is None and not given:
        return
    if status is None:
        status = SCHEDULED if changes["publish_at"] is not None else DRAFT
    publish_at = changes["publish_at"] if given else article.publish_at
    if status == SCHEDULED:
        if article.status == PUBLISHED:
            raise Invalid("publishAt", "can't be set: the article is published already")
        if publish_at is None:
            raise Invalid("publishAt", "is needed to schedule an article")
        if given and publish_at <= now:
            raise Invalid("publishAt", "must be in the future")
    elif given and publish_at is not None:
        raise Invalid("publishAt", f"can't be set on a {status} article")
    if status == article.status and not given:
        return
    article.status = status
    article.publish_at = {DRAFT: None, SCHEDULED: publish_at, PUBLISHED: now}[status]
    if status == PUBLISHED:
        db.session.flush()  # the article's id, for its followers' notifications
        outbox.articles_published([article.id], now)


def publish(viewer: User, slug: str) -> ArticleView:
    """Publish one of the viewer's articles now (a draft or a scheduled one)."""

    def publish_now() -> Article:
        article = get_own_article(viewer, slug)
        _set_publication(article, {"status": PUBLISHED}, utcnow())
        return article

    article = commit_with_retry(publish_now)
    _related_changed([article.id])
    return get_article(article.slug, viewer)


def publish_due(now: datetime | None = None) -> list[int]:
    """Publish every scheduled article whose time has come, in one transaction; their ids.

    Each article is published by an UPDATE that still finds it scheduled: of two workers
    running at once, exactly one publishes it and notifies its author's followers."""
    now = now or utcnow()
    due = select(Article.id).where(Article.status == SCHEDULED, Article.publish_at <= now)
    published = []
    for article_id in db.session.scalars(due.order_by(Article.publish_at).limit(1000)).all():
        result = db.session.execute(
            update(Article)
            .where(Article.id == article_id, Article.status == SCHEDULED)
            .values(status=PUBLISHED, publish_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            published.append(article_id)
    outbox.articles_published(published, now)
    db.session.commit()
    _related_changed(published)
    return published


def create_article(author: User, data: dict[str, Any]) -> ArticleView:
    body_html = render_markdown(data["body"])  # before the transaction: it takes a moment

    def create() -> Article:
        now = utcnow()
        article = Article(
            author_id=author.id,
            slug=_unique_slug(data["title"]),
            title=data["title"],
            description=data["description"],
            body=data["body"],
            body_html=body_html,
            reading_minutes=reading_minutes(data["body"]),
            tags=_tags_named(data.get("tag_list", [])),
            status=DRAFT,
            publish_at=None,
        )
        db.session.add(article)
        # Without status or publishAt, published at once (as RealWorld has it).
        given = {k: data[k] for k in ("status", "publish_at") if data.get(k) is not None}
        _set_publication(article, given or {"status": PUBLISHED}, now)
        return article

    # A simultaneous article can take the same slug or create the same new tag: retry.
    article = commit_with_retry(create)
    _related_changed([article.id])
    return get_article(article.slug, author)


def update_article(viewer: User, slug: str, changes: dict[str, Any]) -> ArticleView:
    body_html = render_markdown(changes["body"]) if "body" in changes else None

    def update() -> Article:
        article = get_own_article(viewer, slug)
        _set_publication(article, changes, utcnow())
        if "title" in changes and changes["title"] != article.title:
            new_slug = _unique_slug(changes["title"], exclude_id=article.id)
            if new_slug != article.slug:
                _change_slug(article, new_slug)
        for name in ("title", "description", "body"):
            if name in changes:
                setattr(article, name, changes[name])
        if body_html is not None:
            article.body_html = body_html
            article.reading_minutes = reading_minutes(changes["body"])
        if "tag_list" in changes:
            article.tags = _tags_named(changes["tag_list"])
        if changes:
            article.updated_at = utcnow()  # also when only the tags changed
        return article

    article = commit_with_retry(update)
    _related_changed([article.id])
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
    params = {"viewer_id": viewer_id(viewer), "slug": slug}
    comments = comment_views(db.session.execute(COMMENTS_BY_SLUG, params))
    if not comments:
        _article_id(slug, viewer)  # none, or no such article? (NotFound)
    return comments


@dataclass(frozen=True)
class ListedComments:
    """The comments everyone sees under a listed article, as (id, author id), oldest first, and
    their authors: cached like the article (``_listed_comments``)."""

    article_id: int
    comments: tuple[tuple[int, int], ...]
    authors: frozenset[int]


class CommentFlags:
    """The comments a reader may see on an article, oldest first, as the pages need them when
    their cards come from the cache (pages/fragments.py): each one's ``id``, ``author_id`` and
    whether the reader follows its author (``following``), from the cache or one statement
    (``list_comment_flags``). The comments themselves are read only when a card has to be
    rendered (``views``)."""

    def __init__(
        self,
        rows: list[Any] | None = None,
        listed: ListedComments | None = None,
        following: frozenset[int] = frozenset(),
    ) -> None:
        """From ``rows`` read for the reader; or from the ``listed`` comments everyone sees and
        whom the reader ``following``, each row made only when asked for."""
        if rows is not None:
            self.rows = rows
        self.listed, self.following = listed, following

    @functools.cached_property
    def rows(self) -> list[Any]:
        listed, following = self.listed, self.following
        assert listed is not None
        return [CommentFlagRow(id, author, author in following) for id, author in listed.comments]

    def __len__(self) -> int:
        return len(self.rows) if self.listed is None else len(self.listed.comments)

    def shown(self) -> tuple[Any, ...]:
        """All that the comments' API JSON (``items``) depends on but the content: the
        article's listed comments and which of their authors the reader follows; or, for rows
        read for the reader, each comment's id and that flag."""
        if self.listed is not None:
            followed = self.listed.authors & self.following
            return ("listed", self.listed.article_id, *sorted(followed))
        return tuple((row.id, bool(row.following)) for row in self.rows)

    def shown_on_page(self, reader_id: int) -> tuple[Any, ...]:
        """All that the comments' cards on a page depend on but the content: the article's
        listed comments and which of them the reader wrote; or, for rows read for the reader,
        each comment's id and whether they wrote it."""
        listed = self.listed
        if listed is None:
            return tuple((row.id, row.author_id == reader_id) for row in self.rows)
        if reader_id not in listed.authors:  # most readers: a set lookup, not a row a comment
            return ("listed", listed.article_id)
        return ("listed", listed.article_id, *(i for i, a in listed.comments if a == reader_id))

    def items(self) -> list[dict[str, Any]]:
        """The comments as the API's JSON: each one's cached fragment (articles/fragments.py)
        with the reader's flag."""
        return fragments.comment_items(self.rows)

    def views(self) -> dict[int, CommentView]:
        """The comments by id as the reader sees them, in one statement. One deleted a moment
        ago has none."""
        following = {row.id: row.following for row in self.rows}
        read = core_rows(COMMENTS_BY_IDS, {"viewer_id": 0, "ids": list(following)})
        views = comment_views(read)  # as nobody in particular: the reader's flag goes on top
        for view in views:
            view.author.following = bool(following[view.id])
        return {view.id: view for view in views}


def _listed_comments(slug: str) -> ListedComments | tuple[()]:
    """The comments everyone sees under the article listed under ``slug``, cached; ``()`` if no
    article is listed there."""

    def read() -> ListedComments | tuple[()]:
        listed = _listed_article(slug)
        if not listed:
            return ()
        rows = core_rows(COMMENT_FLAGS_BY_SLUG, {"viewer_id": 0, "slug": slug}).all()
        comments = tuple((row.id, row.author_id) for row in rows)
        return ListedComments(listed[0], comments, frozenset(row.author_id for row in rows))

    return cached("listed-comments", read, slug, shared=True)


def list_comment_flags(slug: str, viewer: User | None) -> CommentFlags:
    """``list_comments`` as their ids and the viewer's flags. Under a listed article, the
    comments everyone sees are cached like its fragment, and the flags are the viewer's
    (articles/viewer_flags.py), unless the viewer sees more: staff, and an author whose comment
    there a moderator hid. Else one statement."""
    flags = None if viewer is not None and viewer.is_staff else viewer_flags(viewer)
    if flags is not None:
        listed = _listed_comments(slug)
        if listed and listed.article_id not in flags.hidden_comments_on:
            return CommentFlags(listed=listed, following=flags.following)
    params = {"viewer_id": viewer_id(viewer), "slug": slug}
    rows = core_rows(COMMENT_FLAGS_BY_SLUG, params).all()
    if not rows:
        _article_id(slug, viewer)  # none, or no such article? (NotFound)
    return CommentFlags(rows)


def add_comment(viewer: User, slug: str, body: str) -> CommentView:
    article = article_ref(slug, viewer)
    comment = Comment(article_id=article.id, author_id=viewer.id, body=body)
    db.session.add(comment)
    db.session.flush()
    # Read before the commit expires them: reloading would cost a statement each.
    params = {"viewer_id": viewer.id, "comment_id": comment.id}
    if article.notify_comments and article.author_id != viewer.id:
        outbox.comment_added(comment.id, article.id, article.author_id, viewer.id)
    db.session.commit()
    return comment_views(db.session.execute(COMMENT_BY_ID, params))[0]


def get_own_comment(viewer: User, slug: str, comment_id: int) -> CommentView:
    """The comment on the article under ``slug``, if ``viewer`` may see it (NotFound otherwise)
    and wrote it (Forbidden otherwise). Its author may still see and edit it once a moderator
    hid it; it stays hidden."""
    params = {"viewer_id": viewer.id, "slug": slug, "comment_id": comment_id}
    found = comment_views(db.session.execute(COMMENT_ON_ARTICLE, params))
    if not found:
        article_ref(slug, viewer)  # no such article, or no such comment on it?
        raise NotFound("comment", "not found")
    if found[0].author_id != viewer.id:
        raise Forbidden("comment", "is not yours")
    return found[0]


def edit_comment(viewer: User, slug: str, comment_id: int, body: str) -> CommentView:
    """Replace the body of the viewer's comment; its ``updated_at`` becomes now."""
    get_own_comment(viewer, slug, comment_id)
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment_id)
        .values(body=body, edited_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    params = {"viewer_id": viewer.id, "slug": slug, "comment_id": comment_id}
    return comment_views(db.session.execute(COMMENT_ON_ARTICLE, params))[0]


def delete_comment(viewer: User, slug: str, comment_id: int) -> None:
    get_own_comment(viewer, slug, comment_id)
    db.session.execute(delete(Comment).where(Comment.id == comment_id))
    db.session.commit()
