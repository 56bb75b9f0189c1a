"""What a reader favorited and whom they follow, cached: their flags on any article or comment
without a statement.

A signed-in list, feed, article or comment is the same JSON for every reader but for its flags,
``favorited`` and the author's ``following`` (articles/fragments.py). Which articles a page
holds and who wrote them, and which comments an article shows, are the same for every reader
too (a feed's, for its reader), and are cached under the content version (``services``). What
is left is the reader's own: the ids of the articles they favorited and of the users they
follow, read in one statement and cached under the content version for that reader. One entry
serves every list, article and comment they read until the next write. Favoriting and following
commit to public tables, and every such commit replaces the version (myapp/caching.py) from any
surface and process, so a reader never sees their own click undone.

The same statement finds the articles under which a moderator hid one of the reader's comments:
there the reader sees a comment others do not, so those comments are read for them.

A reader with more than ``LIMIT`` of any of these is not kept: the entry would grow with their
history. Their flags are read with each page, in the page's own statement, as they are while the
cache is unavailable.
"""

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, literal, select, union_all

from myapp.articles.models import Comment, favorites
from myapp.articles.queries import core_rows
from myapp.caching import cached, content_version
from myapp.users.models import User, follows
from myapp.users.queries import VIEWER

LIMIT = 1000


class FlagRow(NamedTuple):
    """An article's id and a reader's flags on it, as ``queries.FLAG_COLUMNS`` names them."""

    id: int
    favorited: bool
    following: bool


class CommentFlagRow(NamedTuple):
    """A comment's id, its author's, and whether the reader follows them, as
    ``queries.COMMENT_FLAGS_BY_SLUG`` names them."""

    id: int
    author_id: int
    following: bool


@dataclass(frozen=True)
class ViewerFlags:
    favorited: frozenset[int]
    following: frozenset[int]
    # The articles under which a moderator hid one of the reader's comments: the reader still
    # sees it there, so those articles' comments are not everyone's.
    hidden_comments_on: frozenset[int] = frozenset()
    complete: bool = True  # False: over LIMIT, not to be used

    def row(self, article_id: int, author_id: int) -> FlagRow:
        return FlagRow(article_id, article_id in self.favorited, author_id in self.following)


NOBODY = ViewerFlags(frozenset(), frozenset())
TOO_MANY = ViewerFlags(frozenset(), frozenset(), complete=False)

FAVORITE, FOLLOW, HIDDEN_COMMENT = 0, 1, 2


def _first(kind: int, column: Any, *conditions: Any) -> Select[Any]:
    """(``kind``, ``column``) of up to LIMIT + 1 rows meeting ``conditions``."""
    some = select(column.label("id")).where(*conditions).limit(LIMIT + 1).subquery()
    return select(literal(kind).label("kind"), some.c.id)


# The three sets in one statement, each row (kind, id).
RELATIONS = union_all(
    _first(FAVORITE, favorites.c.article_id, favorites.c.user_id == VIEWER),
    _first(FOLLOW, follows.c.followed_id, follows.c.follower_id == VIEWER),
    _first(
        HIDDEN_COMMENT,
        Comment.article_id,
        Comment.author_id == VIEWER,
        Comment.hidden_at.is_not(None),
    ),
)


def _read(viewer_id: int) -> ViewerFlags:
    found: dict[int, set[int]] = {FAVORITE: set(), FOLLOW: set(), HIDDEN_COMMENT: set()}
    for kind, each in core_rows(RELATIONS, {"viewer_id": viewer_id}):
        found[kind].add(each)
    if any(len(ids) > LIMIT for ids in found.values()):
        return TOO_MANY
    return ViewerFlags(*(frozenset(found[kind]) for kind in (FAVORITE, FOLLOW, HIDDEN_COMMENT)))


def viewer_flags(viewer: User | None) -> ViewerFlags | None:
    """The reader's flags (none for a visitor), from the cache; None when they are not to be
    had that way (over ``LIMIT``, or the cache unavailable): then read them with the page."""
    if viewer is None:
        return NOBODY
    if content_version() is None:
        return None
    flags = cached("viewer-flags", lambda: _read(viewer.id), viewer.id, shared=True)
    return flags if flags.complete else None
