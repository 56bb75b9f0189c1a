"""How a user's public profile is read: the columns ``ProfileSchema`` names, and the view built
from them. Articles and comments select their author's profile with the same function; a profile
on its own adds the counts ``ProfileDetailSchema`` names, as scalar subqueries of the same
statement."""

from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from myapp.serialization import source_attributes
from myapp.users.models import STAFF, User, follows
from myapp.users.schemas import ProfileDetailSchema, ProfileSchema

# The reader of a statement, 0 for nobody: a bound parameter, so statements are built once.
VIEWER = bindparam("viewer_id", type_=Integer)
FOLLOWING = "following"  # computed per viewer; every other profile field is a User column
PROFILE_FIELDS = [a for a in source_attributes(ProfileSchema).values() if a != FOLLOWING]


class ProfileView(SimpleNamespace):
    """A user as one viewer sees them: ``id`` and every ``ProfileSchema`` field; read on its own
    (``get_profile``), every ``ProfileDetailSchema`` field too."""

    id: int
    following: bool
    followers_count: int
    following_count: int
    articles_count: int
    created_at: datetime


def profile_columns(user_id: ColumnElement[int], prefix: str = "") -> list[Any]:
    """The profile columns of the user ``user_id`` names, labelled ``<prefix><field>``, with
    ``following`` computed for the reader ``VIEWER``."""
    following = exists().where(follows.c.follower_id == VIEWER, follows.c.followed_id == user_id)
    return [
        *(getattr(User, name).label(prefix + name) for name in PROFILE_FIELDS),
        following.label(prefix + FOLLOWING),
    ]


def profile_view(row: Row[Any], user_id: int) -> ProfileView:
    """The view of a row of ``profile_by_username()``."""
    fields = {name: getattr(row, name) for name in PROFILE_FIELDS + DETAIL_FIELDS}
    return ProfileView(id=user_id, following=bool(getattr(row, FOLLOWING)), **fields)


# What a profile read on its own adds: counts, and the join date (a column).
DETAIL_FIELDS = [
    a
    for a in source_attributes(ProfileDetailSchema).values()
    if a not in source_attributes(ProfileSchema).values()
]
_staff, _other = aliased(User), aliased(User)


def _people_count(mine: str, theirs: str) -> Any:
    """How many people who are not suspended the profile's user is linked to through
    ``follows``: a suspended person's profile is gone, so they are not counted either."""
    return (
        select(func.count())
        .select_from(follows)
        .join(_other, _other.id == follows.c[theirs])
        .where(follows.c[mine] == User.id, _other.suspended_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )


@cache
def profile_by_username() -> Select[Any]:
    """One profile by the bound ``username``, with its counts, as the reader ``viewer_id`` (0
    for nobody) sees it. A suspended user's profile is gone with what they wrote, except to
    themselves and to staff. Built once, on first use: the articles count is the same
    ``LISTED`` condition as the profile's list of articles, and articles/queries.py imports
    this module."""
    from myapp.articles.models import Article
    from myapp.articles.queries import LISTED

    articles_count = (
        select(func.count(Article.id))
        .where(Article.author_id == User.id, LISTED)
        .correlate(User)
        .scalar_subquery()
    )
    return select(
        User.id,
        *profile_columns(User.id),
        _people_count("followed_id", "follower_id").label("followers_count"),
        _people_count("follower_id", "followed_id").label("following_count"),
        articles_count.label("articles_count"),
        User.created_at,
    ).where(
        User.username == bindparam("username"),
        or_(
            User.suspended_at.is_(None),
            User.id == VIEWER,
            exists().where(_staff.id == VIEWER, _staff.role.in_(STAFF)),
        ),
    )
