"""How a user's public profile is read: the columns ``ProfileSchema`` names, and the view built
from them. Articles and comments select their author's profile with the same function."""

from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, bindparam, exists, or_, select
from sqlalchemy.orm import aliased

from myapp.serialization import source_attributes
from myapp.users.models import STAFF, User, follows
from myapp.users.schemas import ProfileSchema

# The reader of a statement, 0 for nobody: a bound parameter, so statements are built once.
VIEWER = bindparam("viewer_id", type_=Integer)
FOLLOWING = "following"  # computed per viewer; every other profile field is a User column
PROFILE_FIELDS = [a for a in source_attributes(ProfileSchema).values() if a != FOLLOWING]


class ProfileView(SimpleNamespace):
    """A user as one viewer sees them: ``id`` and every ``ProfileSchema`` field."""

    id: int
    following: bool


def profile_columns(user_id: ColumnElement[int], prefix: str = "") -> list[Any]:
    """The profile columns of the user ``user_id`` names, labelled ``<prefix><field>``, with
    ``following`` computed for the reader ``VIEWER``."""
    following = exists().where(follows.c.follower_id == VIEWER, follows.c.followed_id == user_id)
    return [
        *(getattr(User, name).label(prefix + name) for name in PROFILE_FIELDS),
        following.label(prefix + FOLLOWING),
    ]


def profile_view(row: Row[Any], user_id: int) -> ProfileView:
    fields = {name: getattr(row, name) for name in PROFILE_FIELDS}
    return ProfileView(id=user_id, following=bool(getattr(row, FOLLOWING)), **fields)


# One profile by ``username``, as the reader ``viewer_id`` (0 for nobody) sees it. A suspended
# user's profile is gone with what they wrote, except to themselves and to staff.
_staff = aliased(User)
PROFILE_BY_USERNAME = select(User.id, *profile_columns(User.id)).where(
    User.username == bindparam("username"),
    or_(
        User.suspended_at.is_(None),
        User.id == VIEWER,
        exists().where(_staff.id == VIEWER, _staff.role.in_(STAFF)),
    ),
)
