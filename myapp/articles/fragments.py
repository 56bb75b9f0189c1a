"""Each listed article's JSON as nobody in particular sees it, cached, with a reader's flags laid
over it: what makes a signed-in list, feed, article or its comments cheap.

An article's API JSON is the same for every reader but for two flags, ``favorited`` and the
author's ``following``. So a signed-in page is one statement giving the page's ids in order and
the reader's flags (``queries.flag_page_statement``), then each article's *fragment*, the JSON
``dumper(ArticleListItemSchema)`` (or ``ArticleSchema``, with the body) makes for viewer 0, from
the cache, with the flags overlaid: the same bytes as dumping the full rows for that reader.

Fragments are cached per article under a key carrying the content version
(``myapp.caching.content_version``), which every commit touching a public table replaces, from
any surface and process: so no fragment outlives a write. They are fetched all at once
(``get_many``); the misses are read in one statement (viewer 0) and stored (``set_many``). While
the cache is unavailable, every fragment is read from the database.

Only *listed* articles (published and shown) have fragments: they alone look the same to every
reader. A draft, or a hidden article seen by its author or staff, takes the ordinary path.
Comments work the same way, with one flag (``following`` of their author): the statement that
finds which comments a reader may see gives their ids, so a hidden comment's fragment, the same
for everyone who may see it, is served to them alone.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Result, Row, Select

from myapp.articles.queries import (
    ARTICLES_BY_IDS,
    COMMENTS_BY_IDS,
    LIST_ITEMS_BY_IDS,
    article_views,
    comment_views,
    core_rows,
)
from myapp.articles.schemas import ArticleListItemSchema, ArticleSchema, CommentSchema
from myapp.caching import content_version, get_many, guarded, set_many
from myapp.serialization import dumper, source_attributes
from myapp.users.schemas import ProfileSchema

JSON = dict[str, Any]

# The JSON keys of the reader's flags, as the schemas name them.
_ARTICLE_KEYS = {attribute: key for key, attribute in source_attributes(ArticleSchema).items()}
_PROFILE_KEYS = {attribute: key for key, attribute in source_attributes(ProfileSchema).items()}
FAVORITED, AUTHOR = _ARTICLE_KEYS["favorited"], _ARTICLE_KEYS["author"]
FOLLOWING = _PROFILE_KEYS["following"]


@dataclass(frozen=True)
class Kind:
    """One kind of fragment: its cache namespace, the statement reading them by the bound
    ``ids`` as viewer 0, how its rows become views, and the schema dumping each."""

    namespace: str
    statement: Select[Any]
    views: Callable[[Result[Any]], list[Any]]
    schema: type


LIST_ITEM = Kind("fragment:item", LIST_ITEMS_BY_IDS, article_views, ArticleListItemSchema)
ARTICLE = Kind("fragment:article", ARTICLES_BY_IDS, article_views, ArticleSchema)
# Any comment the reader was found to see (a hidden one too, to its author and to staff): its
# JSON does not depend on who reads it either, but for ``following``.
COMMENT = Kind("fragment:comment", COMMENTS_BY_IDS, comment_views, CommentSchema)


def _read(kind: Kind, ids: list[int]) -> dict[int, JSON]:
    """The fragments of ``ids`` from the database, read as viewer 0."""
    dump = dumper(kind.schema)
    views = kind.views(core_rows(kind.statement, {"viewer_id": 0, "ids": ids}))
    return {view.id: dump(view) for view in views}


def fragments(kind: Kind, ids: list[int]) -> dict[int, JSON]:
    """The fragments of ``ids`` by id: from the cache, the misses from the database in one
    statement. One that is gone (an article deleted, or no longer listed, a moment ago) has
    none."""
    version = content_version()
    if version is None:
        return _read(kind, ids)
    keys = [f"{kind.namespace}:{version}:{each}" for each in ids]
    found = guarded(lambda: get_many(keys), [None] * len(keys))
    known = {each: value for each, value in zip(ids, found, strict=True) if value is not None}
    missing = [each for each in ids if each not in known]
    if missing:
        read = _read(kind, missing)
        new = {f"{kind.namespace}:{version}:{each}": value for each, value in read.items()}
        if new:
            guarded(lambda: set_many(new), None)
        known |= read
    return known


def with_flags(fragment: JSON, favorited: Any, following: Any) -> JSON:
    """``fragment`` as a reader who (un)favorited it and (un)follows its author sees it: the
    same keys in the same order, so the same bytes as a dump made for that reader."""
    author = {**fragment[AUTHOR], FOLLOWING: bool(following)}
    return {**fragment, FAVORITED: bool(favorited), AUTHOR: author}


def with_following(fragment: JSON, following: Any) -> JSON:
    """A comment's ``fragment`` as a reader who (un)follows its author sees it."""
    return {**fragment, AUTHOR: {**fragment[AUTHOR], FOLLOWING: bool(following)}}


def list_items(rows: Iterable[Row[Any]]) -> list[JSON]:
    """The list items of a page's ``rows`` (``queries.FLAG_COLUMNS``: ``id``, ``favorited``,
    ``following``, in the page's order), each its fragment with the row's flags."""
    rows = list(rows)
    found = fragments(LIST_ITEM, [row.id for row in rows])
    return [
        with_flags(found[row.id], row.favorited, row.following) for row in rows if row.id in found
    ]


def article_item(row: Row[Any]) -> JSON | None:
    """One listed article with its body, for the reader of ``row`` (``id`` and the flags);
    None if it is no longer listed."""
    fragment = fragments(ARTICLE, [row.id]).get(row.id)
    return None if fragment is None else with_flags(fragment, row.favorited, row.following)


def article_json(article: Any) -> JSON:
    """One article (an ``ArticleView``) as the API's JSON: what ``article_item`` makes from a
    fragment, for articles that have none."""
    return dumper(ArticleSchema)(article)


def comment_items(rows: Iterable[Row[Any]]) -> list[JSON]:
    """The comments of ``rows`` (``queries.COMMENT_FLAGS_BY_SLUG``: ``id`` and ``following``,
    in order), each its fragment with the reader's flag."""
    rows = list(rows)
    found = fragments(COMMENT, [row.id for row in rows])
    return [with_following(found[row.id], row.following) for row in rows if row.id in found]
