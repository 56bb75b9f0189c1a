"""The signed-in user of a request, loaded from the cache when it holds them.

Every signed-in request (a token or a session cookie) loads its user before anything else; from
the database that is one statement per request. The cache holds the user's row under the
content version (``myapp/caching.py``), which every commit that touches ``users`` replaces,
whoever makes it (API, pages, admin, CLI, worker): a suspension, a new password, "sign out
everywhere" or a signing out is seen by every process on the very next request. An entry also
lives at most ``VIEWER_CACHE_SECONDS`` (with Redis, and a process's copy up to
``caching.NEARBY_SECONDS`` more), which bounds what a write that bypasses our sessions (an
operator's SQL) or a cache outage could leave behind.

The cache holds the row's column values, never an ORM object tied to another session; a hit
rebuilds a ``User`` without SQL. For a request that may write, it is added to the request's
session, so services can write through it and load what was not cached (the password hash). A
request that only reads (GET, HEAD, OPTIONS: no view writes on them) leaves it detached: adding
it, and closing the session over it, took a tenth of a signed-in read in-process.

A request that only reads gets, moreover, the very ``User`` its process rebuilt for an earlier
read under the same content version, for up to ``caching.NEARBY_SECONDS``
(``caching.kept_objects``): reading its row from the process's copy and rebuilding it took
12 µs in a loop, of a signed-in read's 160. Such a user is detached and never attached to a
session, and nothing on a read changes a user: a request that may write gets its own.

The callers keep checking the keys and the suspension on the row every request:
``is_suspended`` depends on the time, so a suspension that ends by itself ends on time.
"""

from typing import Any

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from myapp.caching import cached, content_version, kept_objects
from myapp.extensions import db
from myapp.users.models import User
from myapp.users.services import get_user

VIEWER_CACHE_SECONDS = 60
USER_BYTES = 2048  # a rebuilt user, as ``caching.KeptObjects`` counts it (its row pickles to ~1 KB)

# A secret only signing in and changing the password read; they load it (one statement) then.
NOT_CACHED = frozenset({"password_hash"})
_USERS = inspect(User).class_manager


def _row(user: User) -> dict[str, Any]:
    """The user's column values, as the cache keeps them."""
    return {
        column.key: getattr(user, column.key)
        for column in inspect(User).column_attrs
        if column.key not in NOT_CACHED
    }


def _rebuild(row: dict[str, Any], attach: bool) -> User:
    """A User from cached column values, without SQL: detached, or persistent in this session.

    Built as the ORM builds a loaded row (the instance without ``__init__``, its values as
    loaded: no validators, no change history), made detached under its identity, then added
    if ``attach``. Half the time of ``merge(load=False)`` on a copy made with ``User(**row)``:
    this runs on every signed-in request."""
    user = _USERS.new_instance()
    user.__dict__.update(row)
    make_transient_to_detached(user)  # what is not in the row (the password hash) is expired
    if attach:
        db.session.add(user)
    return user


def load_viewer(user_id: int, attach: bool = True) -> User | None:
    """The user with this id for authenticating a request (None if there is none), from the
    cache when it holds their row for the current content version, else from the database.
    ``attach=False``, for a request that only reads: a user from the cache stays detached, and
    is the one an earlier read in this process got under the same version."""
    # This session's own copy: never overwrite it with the cache's. (A request that has not
    # opened its session yet has none, and a warm read never opens one.)
    if db.session.registry.has() and identity_key(User, user_id) in db.session.identity_map:
        return get_user(user_id)
    version = None if attach else content_version()
    if version is None:
        return _load(user_id, attach)
    kept = kept_objects(current_app)
    user = kept.get(("viewer", version, user_id))
    if user is None:
        user = _load(user_id, attach)
        if user is not None and inspect(user).detached:  # rebuilt, not loaded into the session
            kept.keep(("viewer", version, user_id), user, USER_BYTES)
    return user


def _load(user_id: int, attach: bool) -> User | None:
    loaded: User | None = None

    def load() -> dict[str, Any] | None:
        nonlocal loaded
        loaded = get_user(user_id)
        return _row(loaded) if loaded is not None else None

    row = cached("viewer", load, user_id, timeout=VIEWER_CACHE_SECONDS)
    if loaded is not None or row is None:  # loaded now (a miss, or no cache), or no such user
        return loaded
    return _rebuild(row, attach)
