"""How articles and comments are read: what a reader may see, and the columns the output schemas
name, in one statement a page.

Every read starts from ``visible_articles(viewer)``: the one place that says which articles a
viewer may see (later: published only, not hidden by a moderator, author not suspended). The
columns come from the schemas (``ArticleSchema``, ``CommentSchema``, ``ProfileSchema``): a field
that is a column of the model is selected by its name, the computed ones are defined below. So
adding a column to an article and a field to ``ArticleListItemSchema`` is all it takes to show it
in the API, its OpenAPI document and the pages.
"""

from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, ColumnElement, Integer, Row, Select, bindparam, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from myapp.articles.models import Article, Comment, Tag, article_tags, favorites
from myapp.articles.schemas import ArticleListItemSchema, ArticleSchema, CommentSchema
from myapp.serialization import source_attributes
from myapp.users.models import User, follows
from myapp.users.queries import ProfileView, profile_columns, profile_view

# Reads select plain columns (no ORM entities to build) with the viewer as a bound parameter
# (0 for nobody), so SQLAlchemy compiles each statement shape once and reuses it.
VIEWER = bindparam("viewer_id", type_=Integer)
AUTHOR = "author__"  # the prefix of the author's profile columns (not author_id's)


def viewer_id(viewer: User | None) -> int:
    return viewer.id if viewer is not None else 0


def visible_articles(viewer: User | None, *columns: Any) -> Select[Any]:
    """``columns`` of the articles ``viewer`` may see. Every read starts here."""
    return select(*columns).select_from(Article)


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
FOLLOWING_AUTHOR = exists().where(
    follows.c.follower_id == VIEWER, follows.c.followed_id == Article.author_id
)


def _article_columns(schema: type, *extra: Any) -> tuple[Any, ...]:
    columns = [Article.id, Article.author_id, *extra]
    for attribute in source_attributes(schema).values():
        if attribute == "author":
            columns += profile_columns(FOLLOWING_AUTHOR, prefix=AUTHOR)
        elif attribute in COMPUTED:
            columns.append(COMPUTED[attribute].label(attribute))
        else:
            columns.append(getattr(Article, attribute))
    return tuple(columns)


# Lists never carry the body; one article carries it, and its HTML for the pages.
LIST_COLUMNS = _article_columns(ArticleListItemSchema)
ARTICLE_COLUMNS = _article_columns(ArticleSchema, Article.body_html)


class ArticleView(SimpleNamespace):
    """An article as one viewer sees it: ``id``, ``author_id``, every field of its schema
    (``author`` a ``ProfileView``) and, for one article, ``body_html``. What the pages render
    and the API dumps."""

    slug: str
    author: ProfileView


def article_views(rows: list[Row[Any]]) -> list[ArticleView]:
    views = []
    for row in rows:
        fields = {k: v for k, v in row._mapping.items() if not k.startswith(AUTHOR)}
        fields["author"] = profile_view(row, row.author_id, prefix=AUTHOR)
        fields["tag_list"] = sorted(row.tag_list or ())
        views.append(ArticleView(**fields))
    return views


def article_rows(viewer: User | None, *, with_body: bool = False) -> Select[Any]:
    """Visible articles with their author, counts, flags and tags, in one statement."""
    columns = ARTICLE_COLUMNS if with_body else LIST_COLUMNS
    return visible_articles(viewer, *columns).join(User, User.id == Article.author_id)


# --- comments --------------------------------------------------------------------------------

FOLLOWING_COMMENTER = exists().where(
    follows.c.follower_id == VIEWER, follows.c.followed_id == Comment.author_id
)


def _comment_columns() -> tuple[Any, ...]:
    columns: list[Any] = [Comment.author_id]
    for attribute in source_attributes(CommentSchema).values():
        if attribute == "author":
            columns += profile_columns(FOLLOWING_COMMENTER, prefix=AUTHOR)
        else:
            columns.append(getattr(Comment, attribute))
    return tuple(columns)


COMMENT_COLUMNS = _comment_columns()


class CommentView(SimpleNamespace):
    """A comment as one viewer sees it: ``author_id`` and every ``CommentSchema`` field."""

    id: int
    author: ProfileView


def comment_rows(viewer: User | None) -> Select[Any]:
    """Comments on visible articles, with their author's profile."""
    return (
        visible_articles(viewer, *COMMENT_COLUMNS)
        .join(Comment, Comment.article_id == Article.id)
        .join(User, User.id == Comment.author_id)
    )


def comment_views(rows: list[Row[Any]]) -> list[CommentView]:
    views = []
    for row in rows:
        fields = {k: v for k, v in row._mapping.items() if not k.startswith(AUTHOR)}
        fields["author"] = profile_view(row, row.author_id, prefix=AUTHOR)
        views.append(CommentView(**fields))
    return views
