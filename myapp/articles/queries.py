"""How articles and comments are read: what a reader may see, and the columns the output schemas
name, in one statement a page.

Every read starts from ``visible_articles``: the one place that says which articles a reader
may see (published, not hidden by a moderator and by an author who is not suspended; their
own; and for staff, the hidden ones). The columns come from the schemas (``ArticleSchema``,
``CommentSchema``, ``ProfileSchema``): a field that is a column of the model is selected by its
name, the computed ones are defined below. So adding a column to an article and a field to
``ArticleListItemSchema`` is all it takes to show it in the API, its OpenAPI document and the
pages. Every statement is built once, at import, with its values bound at execution.
"""

from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Result,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from myapp.articles import search
from myapp.articles.models import (
    PUBLISHED,
    Article,
    ArticleSlug,
    Comment,
    RelatedArticle,
    RelatedComputation,
    Tag,
    article_tags,
    favorites,
)
from myapp.articles.schemas import ArticleListItemSchema, ArticleSchema, CommentSchema
from myapp.extensions import db
from myapp.serialization import source_attributes
from myapp.users.models import STAFF, User, follows
from myapp.users.queries import VIEWER, ProfileView, profile_columns

# Reads select plain columns (no ORM entities to build) with the viewer as a bound parameter
# (VIEWER, 0 for nobody), so each statement is built, keyed and compiled once.
AUTHOR = "author__"  # the prefix of the author's profile columns (not author_id's)


def viewer_id(viewer: User | None) -> int:
    return viewer.id if viewer is not None else 0


class unindexed(FunctionElement[Any]):  # noqa: N801 - a column, as the statement names it
    """A column that SQLite must not reach through an index for this condition (``+column``, its
    documented way). Keeping no statistics, it takes an equality on an indexed column for a
    selective one: to look up a page's ids it would walk the status index through every
    published article. Other databases measure, and get the column as it is."""

    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


# Moderation (myapp/moderation/): what a moderator hid, and everything a suspended user
# wrote, is seen only by its author and by staff. Both tests are uncorrelated subqueries on
# their own aliases of users (never the statement's author join), which the databases
# evaluate once per statement.
_suspended, _staff = aliased(User), aliased(User)
SUSPENDED_USERS = select(_suspended.id).where(_suspended.suspended_at.is_not(None))
# The roles as plain bound values, not an "expanding" IN list, which SQLAlchemy re-renders into
# the SQL at every execution.
VIEWER_IS_STAFF = exists().where(_staff.id == VIEWER, _staff.role.in_([literal(r) for r in STAFF]))
ARTICLE_SHOWN = and_(Article.hidden_at.is_(None), Article.author_id.not_in(SUSPENDED_USERS))

# Lists, feeds, tag counts, search, related articles and profiles show published articles that
# everyone may see, to everyone: to their authors too (whose drafts have their own list), and to
# staff (whose admin area lists the rest). So a list's total is the same for every reader.
LISTED = and_(Article.status == PUBLISHED, ARTICLE_SHOWN)


def visible_articles(*columns: Any) -> Select[Any]:
    """``columns`` of the articles the reader may see: published ones that are shown, their own
    whatever their state (drafts, scheduled, hidden), and for staff the hidden ones too. Every
    read starts here; lists add ``LISTED``.

    The reader is the bound parameter ``viewer_id`` (``VIEWER``, 0 for nobody), so a condition
    that depends on who reads is written here once, and each statement is built once, at
    import, and reused for every request.
    """
    # Unindexed: an index for one side of this OR would take SQLite into a union of both; a
    # list tests the status on its own index (LISTED).
    published = and_(unindexed(Article.status) == PUBLISHED, or_(ARTICLE_SHOWN, VIEWER_IS_STAFF))
    return select(*columns).select_from(Article).where(or_(published, Article.author_id == VIEWER))


def core_rows(statement: Select[Any], params: dict[str, Any]) -> Result[Any]:
    """The rows of one of these statements (plain columns, no ORM entity), executed by Core on
    the session's connection, in its transaction. The ORM's execution path, which they do not
    need, costs more than SQLite takes to answer a small one (0.17 ms of 0.43 for a page of
    flags)."""
    return db.session.connection().execute(statement, params)


class json_array_agg(FunctionElement[Any]):  # noqa: N801 - named like the SQL functions
    """The values of a column as one JSON array, in each database's own words."""

    type = JSON()
    inherit_cache = True


@compiles(json_array_agg, "sqlite")
def _json_array_agg_sqlite(element: json_array_agg, compiler: Any, **kw: Any) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


@compiles(json_array_agg, "postgresql")
def _json_array_agg_postgresql(element: json_array_agg, compiler: Any, **kw: Any) -> str:
    return f"json_agg({compiler.process(element.clauses, **kw)})"


@compiles(json_array_agg, "mysql")
@compiles(json_array_agg, "mariadb")
def _json_array_agg_mysql(element: json_array_agg, compiler: Any, **kw: Any) -> str:
    return f"JSON_ARRAYAGG({compiler.process(element.clauses, **kw)})"


# The fields no column holds, computed per article (and per viewer).
COMPUTED: dict[str, ColumnElement[Any]] = {
    "favorites_count": (
        select(func.count())
        .select_from(favorites)
        .where(favorites.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    ),
    "favorited": exists().where(
        favorites.c.article_id == Article.id, favorites.c.user_id == VIEWER
    ),
    "tag_list": (
        select(json_array_agg(Tag.name))
        .select_from(article_tags)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    ),
}


def _article_columns(schema: type, *extra: Any) -> tuple[Any, ...]:
    columns = [Article.id, Article.author_id, *extra]
    for attribute in source_attributes(schema).values():
        if attribute == "author":
            columns += profile_columns(Article.author_id, prefix=AUTHOR)
        elif attribute in COMPUTED:
            columns.append(COMPUTED[attribute].label(attribute))
        else:
            columns.append(getattr(Article, attribute))
    return tuple(columns)


# Lists never carry the body; one article carries it, and its HTML for the pages.
LIST_COLUMNS = _article_columns(ArticleListItemSchema)
# One article as the API shows it (articles/fragments.py): the body, not its HTML.
API_ARTICLE_COLUMNS = _article_columns(ArticleSchema)
# Whether the worker has computed its related articles (``RELATED_PAGE``, else
# ``SHARED_TAGS_PAGE``).
RELATED_COMPUTED = exists().where(RelatedComputation.article_id == Article.id)
ARTICLE_COLUMNS = _article_columns(
    ArticleSchema, Article.body_html, RELATED_COMPUTED.label("related_computed")
)


class ArticleView(SimpleNamespace):
    """An article as one viewer sees it: ``id``, ``author_id``, every field of its schema
    (``author`` a ``ProfileView``) and, for one article, ``body_html``. What the pages render
    and the API dumps."""

    slug: str
    author: ProfileView


def _views(result: Result[Any], view: type[SimpleNamespace]) -> list[Any]:
    """One ``view`` per row, its ``author__*`` columns gathered into a ``ProfileView``."""
    keys = list(result.keys())
    own = [(i, key) for i, key in enumerate(keys) if not key.startswith(AUTHOR)]
    author = [(i, key[len(AUTHOR) :]) for i, key in enumerate(keys) if key.startswith(AUTHOR)]
    author_id = keys.index("author_id")
    return [
        view(
            **{key: row[i] for i, key in own},
            author=ProfileView(id=row[author_id], **{key: row[i] for i, key in author}),
        )
        for row in result
    ]


def article_views(result: Result[Any]) -> list[ArticleView]:
    views = _views(result, ArticleView)
    for article in views:
        article.tag_list = sorted(article.tag_list or ())
    return views


def article_rows(*, with_body: bool = False, columns: tuple[Any, ...] = ()) -> Select[Any]:
    """Visible articles with their author, counts, flags and tags, in one statement."""
    columns = columns or (ARTICLE_COLUMNS if with_body else LIST_COLUMNS)
    return visible_articles(*columns).join(User, User.id == Article.author_id)


# One article by its slug (the bound parameter ``slug``).
ARTICLE_BY_SLUG = article_rows(with_body=True).where(Article.slug == bindparam("slug"))
# What writing about an article needs: its id, its author, whether they want comment emails.
ARTICLE_REF_BY_SLUG = (
    visible_articles(Article.id, Article.author_id, User.notify_comments)
    .join(User, User.id == Article.author_id)
    .where(Article.slug == bindparam("slug"))
)

# The current slug of the visible article that had the bound ``slug`` before.
CURRENT_SLUG = (
    visible_articles(Article.slug)
    .join(ArticleSlug, ArticleSlug.article_id == Article.id)
    .where(ArticleSlug.slug == bindparam("slug"))
)

# The list filters, each a condition on the bound parameter of its name (``feed`` on the
# reader). They are correlated EXISTS tests, so the database walks the newest-first index and
# stops after one page instead of sorting every match.
_writer, _fan = aliased(User), aliased(User)
FILTERS: dict[str, ColumnElement[bool]] = {
    "tag": (
        select(article_tags.c.article_id)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id == Article.id, Tag.name == bindparam("tag"))
        .exists()
    ),
    "author": Article.author_id
    == select(_writer.id).where(_writer.username == bindparam("author")).scalar_subquery(),
    "favorited": (
        select(favorites.c.article_id)
        .join(_fan, _fan.id == favorites.c.user_id)
        .where(
            favorites.c.article_id == Article.id,
            _fan.username == bindparam("favorited"),
            _fan.suspended_at.is_(None),  # a suspended reader's favorites go with their profile
        )
        .exists()
    ),
    "feed": Article.author_id.in_(
        select(follows.c.followed_id).where(follows.c.follower_id == VIEWER)
    ),
}


# The reader's flags on an article: whether they favorited it and follow its author. The rest
# of what a list shows is the same for every reader (articles/fragments.py caches it).
FOLLOWS_AUTHOR = exists().where(
    follows.c.follower_id == VIEWER, follows.c.followed_id == Article.author_id
)
FLAG_COLUMNS = (
    Article.id,
    COMPUTED["favorited"].label("favorited"),
    FOLLOWS_AUTHOR.label("following"),
)


def _newest_first_page(statement: Select[Any]) -> Select[Any]:
    return (
        statement.order_by(Article.publish_at.desc(), Article.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def page_statements(filters: tuple[str, ...]) -> tuple[Select[Any], Select[Any]]:
    """(the total, one page newest first) of the listed articles passing the named
    ``FILTERS``, with ``limit`` and ``offset`` bound; built once for each combination."""
    conditions = [LISTED, *(FILTERS[name] for name in filters)]
    total = visible_articles(func.count(Article.id)).where(*conditions)
    return total, _newest_first_page(article_rows().where(*conditions))


@cache
def flag_page_statement(filters: tuple[str, ...]) -> Select[Any]:
    """The same page as ``page_statements``' as ``FLAG_COLUMNS`` only (ids in order and the
    reader's flags), for a page made of cached fragments: no author join, no counts, no tags."""
    conditions = [LISTED, *(FILTERS[name] for name in filters)]
    return _newest_first_page(visible_articles(*FLAG_COLUMNS).where(*conditions))


@cache
def page_ids_statement(filters: tuple[str, ...]) -> Select[Any]:
    """The same page as ``page_statements``' as each article's ``id`` and ``author_id``: what
    the page holds, the same for every reader (a feed's, for its reader)."""
    conditions = [LISTED, *(FILTERS[name] for name in filters)]
    return _newest_first_page(visible_articles(Article.id, Article.author_id).where(*conditions))


@cache
def search_statements(dialect: str, filters: tuple[str, ...]) -> tuple[Select[Any], Select[Any]]:
    """(the total, one page by relevance, with highlights) of the listed articles matching the
    bound ``match`` (``search.engine_query``) and passing the named ``FILTERS``; built once for
    each database and combination. Only what a reader may see is found: both start from
    ``visible_articles`` and ``LISTED``."""
    conditions = [LISTED, *(FILTERS[name] for name in filters)]
    total = visible_articles(func.count(Article.id)).where(*conditions, search.condition(dialect))
    page = (
        search.ranked(dialect, article_rows().where(*conditions))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return total, page


# Related articles ("Read next") of the article the reader may see under the bound ``slug``:
# its id and whether the worker has computed them, then the stored ones (``RELATED_PAGE``), or
# until then those sharing the most tags with it (``SHARED_TAGS_PAGE``), for ``article_id``.
RELATED_REF_BY_SLUG = visible_articles(
    Article.id, RELATED_COMPUTED.label("related_computed")
).where(Article.slug == bindparam("slug"))
RELATED_PAGE = (
    article_rows()
    .join(RelatedArticle, RelatedArticle.related_id == Article.id)
    .where(LISTED, RelatedArticle.article_id == bindparam("article_id"))
    .order_by(RelatedArticle.rank)
    .limit(bindparam("limit"))
)
_its, _theirs = aliased(article_tags), aliased(article_tags)
_shared = (
    select(_theirs.c.article_id, func.count().label("shared"))
    .join(_its, _its.c.tag_id == _theirs.c.tag_id)
    .where(
        _its.c.article_id == bindparam("article_id"),
        _theirs.c.article_id != bindparam("article_id"),
    )
    .group_by(_theirs.c.article_id)
    .subquery()
)
SHARED_TAGS_PAGE = (
    article_rows()
    .join(_shared, _shared.c.article_id == Article.id)
    .where(LISTED)
    .order_by(_shared.c.shared.desc(), Article.publish_at.desc(), Article.id.desc())
    .limit(bindparam("limit"))
)

# The reader's flags on the bound ``ids`` articles: what a viewer-independent page (a cached
# search) lacks.
VIEWER_FLAGS = select(*FLAG_COLUMNS).where(Article.id.in_(bindparam("ids", expanding=True)))

# The article the reader may see under the bound ``slug``: its id, the reader's flags, and
# whether it is listed (published and shown), so the same for every reader: then its JSON is
# the cached fragment's (articles/fragments.py).
ARTICLE_FLAGS_BY_SLUG = visible_articles(*FLAG_COLUMNS, LISTED.label("listed")).where(
    Article.slug == bindparam("slug")
)
# The listed article under the bound ``slug``: its ``id`` and ``author_id``, the same for every
# reader.
LISTED_ARTICLE_BY_SLUG = select(Article.id, Article.author_id).where(
    LISTED, Article.slug == bindparam("slug")
)
# The listed articles of the bound ``ids`` as nobody in particular sees them (read with viewer
# 0): what articles/fragments.py caches, for lists, and for one article with its body.
_IDS = Article.id.in_(bindparam("ids", expanding=True))
# LISTED, with its status tested on the rows the ids name, never walked on its index.
_LISTED_BY_ID = and_(unindexed(Article.status) == PUBLISHED, ARTICLE_SHOWN)
LIST_ITEMS_BY_IDS = article_rows().where(_LISTED_BY_ID, _IDS)
ARTICLES_BY_IDS = article_rows(columns=API_ARTICLE_COLUMNS).where(_LISTED_BY_ID, _IDS)

# The reader's own articles in the bound ``status`` (None: all), last edited first.
_status = bindparam("status", type_=String)
_OWN = (Article.author_id == VIEWER, or_(_status.is_(None), Article.status == _status))
OWN_ARTICLES_TOTAL = visible_articles(func.count(Article.id)).where(*_OWN)
OWN_ARTICLES_PAGE = (
    article_rows()
    .where(*_OWN)
    .order_by(Article.updated_at.desc(), Article.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)

POPULAR_TAGS = (
    visible_articles(Tag.name)
    .where(LISTED)
    .join(article_tags, article_tags.c.article_id == Article.id)
    .join(Tag, Tag.id == article_tags.c.tag_id)
    .group_by(Tag.id, Tag.name)
    .order_by(func.count().desc(), Tag.name)
    .limit(bindparam("limit"))
)


# --- comments --------------------------------------------------------------------------------


# A comment's ``updated_at`` is when its author last edited it, else when it was written: the
# row's own ``updated_at`` also moves when a moderator hides it (models.Comment.edited_at).
COMMENT_COMPUTED: dict[str, ColumnElement[Any]] = {
    "updated_at": func.coalesce(Comment.edited_at, Comment.created_at),
}


def _comment_columns() -> tuple[Any, ...]:
    columns: list[Any] = [Comment.author_id]
    for attribute in source_attributes(CommentSchema).values():
        if attribute == "author":
            columns += profile_columns(Comment.author_id, prefix=AUTHOR)
        elif attribute in COMMENT_COMPUTED:
            columns.append(COMMENT_COMPUTED[attribute].label(attribute))
        else:
            columns.append(getattr(Comment, attribute))
    return tuple(columns)


COMMENT_COLUMNS = _comment_columns()


class CommentView(SimpleNamespace):
    """A comment as one viewer sees it: ``author_id`` and every ``CommentSchema`` field."""

    id: int
    author: ProfileView


def comment_rows(*columns: Any) -> Select[Any]:
    """Comments on visible articles (``columns``, by default their fields and their author's
    profile) that the reader may see: those shown (not hidden, by an author who is not
    suspended), and for their author and for staff the others too."""
    shown = and_(Comment.hidden_at.is_(None), User.suspended_at.is_(None))
    return (
        visible_articles(*(columns or COMMENT_COLUMNS))
        .join(Comment, Comment.article_id == Article.id)
        .join(User, User.id == Comment.author_id)
        .where(or_(shown, Comment.author_id == VIEWER, VIEWER_IS_STAFF))
    )


# Oldest first, as a conversation reads; one comment by its ``comment_id``.
COMMENTS_BY_SLUG = (
    comment_rows().where(Article.slug == bindparam("slug")).order_by(Comment.created_at, Comment.id)
)
COMMENT_BY_ID = comment_rows().where(Comment.id == bindparam("comment_id"))
# One comment by ``comment_id`` on the article under ``slug``.
COMMENT_ON_ARTICLE = COMMENT_BY_ID.where(Article.slug == bindparam("slug"))
# What writing about a comment needs: its article and its author, by ``slug`` and ``comment_id``.
COMMENT_REF = comment_rows(Comment.article_id, Comment.author_id).where(
    Article.slug == bindparam("slug"), Comment.id == bindparam("comment_id")
)


def comment_views(result: Result[Any]) -> list[CommentView]:
    return _views(result, CommentView)


# The comments the reader may see on the article under the bound ``slug``, oldest first: their
# ids and whether the reader follows each one's author. The rest of a comment's JSON is the same
# for every reader who may see it (articles/fragments.py caches it).
COMMENT_FLAGS_BY_SLUG = (
    comment_rows(
        Comment.id,
        Comment.author_id,
        exists()
        .where(follows.c.follower_id == VIEWER, follows.c.followed_id == Comment.author_id)
        .label("following"),
    )
    .where(Article.slug == bindparam("slug"))
    .order_by(Comment.created_at, Comment.id)
)
# The comments of the bound ``ids`` with their author, read with viewer 0: the source of their
# cached fragments. Not from ``comment_rows``: the ids come from ``COMMENT_FLAGS_BY_SLUG``, which
# checked that the reader may see them (a hidden comment, to its author and to staff, too).
COMMENTS_BY_IDS = (
    select(*COMMENT_COLUMNS)
    .select_from(Comment)
    .join(User, User.id == Comment.author_id)
    .where(Comment.id.in_(bindparam("ids", expanding=True)))
)
