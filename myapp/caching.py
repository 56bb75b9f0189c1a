"""Caching of viewer-independent reads, correct first.

Every cached value's key carries the *content version*, a random token replaced whenever a
transaction that wrote a public table commits, whoever made it: a view, the shell, a CLI command,
a worker (a hook on the session's commit, at the end of this module). Readers look the token up
first, so after a write no process anywhere serves what was cached before it; old entries are
simply never read again and expire. A request looks it up once and keeps it (its reads are then
one snapshot), until its own commit replaces it; work outside a request looks it up every time.

With ``REDIS_URL`` the token and the values are shared by every process and host. A process
trusts the token it read for ``CACHE_VERSION_LEASE_SECONDS`` (``VersionLease``), and a process
that replaces it waits as long before going on, so the rule above holds without a Redis command
a request. Without Redis the values live in each process, and the token in a file in the
instance folder (``instance/content-version``), which every process on the host maps into its
memory (``VersionFile``): however many gunicorn workers run, none serves what another's write
replaced.

A cache that fails (Redis gone) never fails a request: the value is computed instead, a warning is
logged once, and the cache is left alone for ``CACHE_RETRY_SECONDS`` before it is tried again. A
write made meanwhile could not replace the token, so the process replaces it as soon as the cache
answers again; until then (or until ``CACHE_DEFAULT_TIMEOUT``) another process that never saw
the outage may still serve an entry from before it.
"""

import hashlib
import logging
import math
import mmap
import os
import pickle
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cachetools import TLRUCache, TTLCache
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_caching.backends.base import BaseCache
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, object_mapper

from myapp.extensions import Session, cache

T = TypeVar("T")
VERSION_KEY = "content-version"
SEEN_VERSION = "content_version"  # where a request keeps the token it read (on ``g``)

log = logging.getLogger(__name__)


class CacheHealth:
    """Whether the app's cache answered lately; shared by the threads of one process."""

    def __init__(self, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        self.down_until = 0.0
        self.warned = False
        self.owes_invalidation = False

    def usable(self) -> bool:
        return time.monotonic() >= self.down_until

    def failed(self, error: Exception) -> None:
        self.down_until = time.monotonic() + self.retry_seconds
        if not self.warned:
            self.warned = True
            log.warning("cache unavailable, serving without it: %s", error)

    def recovered(self) -> None:
        if self.warned:
            self.warned = False
            log.warning("cache available again")


def health_of(app: Flask) -> CacheHealth:
    health = app.extensions.get("cache_health")
    if health is None:
        health = CacheHealth(app.config["CACHE_RETRY_SECONDS"])
        app.extensions["cache_health"] = health
    return health


def _health() -> CacheHealth:
    return health_of(current_app._get_current_object())  # type: ignore[attr-defined]


def guarded(operation: Callable[[], T], fallback: T) -> T:
    """``operation()`` on the cache, or ``fallback`` while the cache is failing (see above)."""
    return _guarded(_health(), operation, fallback)


def _guarded(health: CacheHealth, operation: Callable[[], T], fallback: T) -> T:
    if not health.usable():
        return fallback
    try:
        if health.owes_invalidation:  # a write during the outage: forget what was cached before
            _replace_version()
            health.owes_invalidation = False
            _forget_seen_version()
        result = operation()
    except Exception as error:  # any backend failure means "no cache"
        health.failed(error)
        return fallback
    health.recovered()
    return result


class VersionFile:
    """The content version in a file every process on the host maps into its memory: for
    per-process caches.

    Reading the token is reading that shared memory, with no system call (a ``stat`` a request
    made every hit of the response cache pay for a switch between threads). A new token is
    written into the mapping in place, and every process sees it at once. A reader that meets a
    write half done reads a token that no process keeps using: it only misses. The file is
    never replaced, so that every process keeps mapping the same one.
    """

    SIZE = 32  # a token: 32 hex digits

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mapping: mmap.mmap | None = None
        self.lock = threading.Lock()

    def read(self) -> str:
        return self._mapped()[: self.SIZE].decode("latin-1")

    def replace(self) -> None:
        self._mapped()[: self.SIZE] = uuid.uuid4().hex.encode()

    def _mapped(self) -> mmap.mmap:
        if self.mapping is None:
            with self.lock:
                if self.mapping is None:
                    self.mapping = self._map()
        return self.mapping

    def _map(self) -> mmap.mmap:
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            made = os.fstat(descriptor).st_size < self.SIZE
            if made:  # new (or cut short): a first token before anyone maps it
                os.ftruncate(descriptor, self.SIZE)
            mapping = mmap.mmap(descriptor, self.SIZE)
        finally:
            os.close(descriptor)
        if made:
            mapping[: self.SIZE] = uuid.uuid4().hex.encode()
        return mapping


class VersionLease:
    """With Redis: the content version this process read last, trusted for ``seconds`` from the
    moment it asked for it (a lease, as Gray and Cheriton's for file caches).

    A process that replaces the token waits as long before it goes on (so a request answers
    only after that), by when every lease on the tokens before has run out: after a write, no
    process serves what was cached before it. A busy process asks Redis for the version about
    once a lease instead of once a request; a hit of the response cache then makes no Redis
    command at all, where the version's ``GET`` was a third of its time. A write answers that
    much later.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.held: tuple[str, float] | None = None  # (token, trusted until)
        self.clock = time.monotonic

    def read(self, fetch: Callable[[], str | None]) -> str | None:
        held, asked = self.held, self.clock()
        if held is not None and asked < held[1]:
            return held[0]
        version = fetch()
        if version is not None:
            self.held = (version, asked + self.seconds)
        return version

    def replace(self, store: Callable[[], Any]) -> None:
        store()
        self.held = None  # this process reads the new token at once, not after its lease
        if self.seconds > 0:
            time.sleep(self.seconds)  # every lease on the old token runs out meanwhile


def _lease() -> VersionLease:
    return current_app.extensions["version_lease"]


def _replace_version() -> None:
    _lease().replace(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=0))


def _version_file() -> VersionFile | None:
    return current_app.extensions.get("content_version_file")


def content_version() -> str | None:
    """The current content token (made on first use); None while the cache is unavailable.

    A request reads it once: its every cached read (the viewer, the lists, the fragments) then
    costs no extra Redis command or ``stat`` for it."""
    in_request = has_request_context()
    if in_request and (seen := g.get(SEEN_VERSION)) is not None:
        return seen
    version = _read_version()
    if in_request and version is not None:
        setattr(g, SEEN_VERSION, version)
    return version


def _forget_seen_version() -> None:
    if has_request_context():
        g.pop(SEEN_VERSION, None)


def _read_version() -> str | None:
    if (shared := _version_file()) is not None:
        return shared.read()
    return guarded(lambda: _lease().read(lambda: _fetch_version(cache)), None)


def _fetch_version(store: Any) -> str | None:
    """The token in the shared cache; the first read anywhere makes it."""
    version = store.get(VERSION_KEY)
    if version is None:
        store.add(VERSION_KEY, uuid.uuid4().hex, timeout=0)
        version = store.get(VERSION_KEY)
    return version


def version_reader(app: Flask) -> Callable[[], str | None]:
    """``content_version`` for code outside an app context (the response cache), reading the
    same token; None while the cache is unavailable."""
    if (shared := app.extensions.get("content_version_file")) is not None:
        return shared.read
    backend, health = app.extensions["cache"][cache], health_of(app)
    lease: VersionLease = app.extensions["version_lease"]

    def read() -> str | None:
        # After an outage that owes an invalidation, only Flask's side may read (it pays it).
        if not health.usable() or health.owes_invalidation:
            return None
        try:
            return lease.read(lambda: _fetch_version(backend))
        except Exception as error:  # any backend failure means "no cache"
            health.failed(error)
            return None

    return read


def content_changed() -> None:
    """Forget every versioned cached value (the commit hook below calls it)."""
    _forget_seen_version()
    if (shared := _version_file()) is not None:
        shared.replace()
    elif not guarded(lambda: _replace_version() or True, False):
        _health().owes_invalidation = True


# --- invalidation on commit ------------------------------------------------------------------

# The tables whose rows anonymous readers see (lists, articles, comments, tags, profiles and
# their follower counts).
PUBLIC_TABLES = frozenset(
    {"articles", "comments", "tags", "article_tags", "favorites", "users", "follows"}
    | {"related_articles", "related_computations"}  # the worker's "Read next"
)
CHANGED = "changed_tables"


def _note_flush(session: Session, flush_context: Any, instances: Any) -> None:
    changed = session.info.setdefault(CHANGED, set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        changed.update(table.name for table in object_mapper(instance).tables)


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            state.session.info.setdefault(CHANGED, set()).add(table.name)


def _after_commit(session: Session) -> None:
    changed = session.info.pop(CHANGED, set())
    if changed & PUBLIC_TABLES and has_app_context():
        content_changed()


def _forget(session: Session, *args: Any) -> None:
    session.info.pop(CHANGED, None)


# Hooked to our own session class (myapp/extensions.py), so every session of every app, and no
# other, invalidates on commit.
for _name, _hook in (
    ("before_flush", _note_flush),
    ("do_orm_execute", _note_statement),
    ("after_commit", _after_commit),
    ("after_rollback", _forget),
):
    event.listen(Session, _name, _hook)


def init_app(app: Flask) -> None:
    """With per-process values, keep the version where every process on the host sees it; with
    Redis, give the process its copies of what it reads (``get_many``). Either way, a place for
    the objects the process shares between requests (``kept_objects``)."""
    if app.config["CACHE_TYPE"].startswith("Redis"):
        local = app.extensions["nearby_copies"] = MemoryCache(
            NEARBY_BYTES, NEARBY_SECONDS, largest=NEARBY_LARGEST
        )
        app.extensions["version_lease"] = VersionLease(app.config["CACHE_VERSION_LEASE_SECONDS"])
    else:
        path = Path(app.instance_path) / "content-version"
        app.extensions["content_version_file"] = VersionFile(path)
        local = app.extensions["cache"][cache]
    # On the clock of the process's cache (its copies of Redis's entries, or the cache itself),
    # by which the entries these objects come from expire.
    timer = (lambda: local.clock()) if hasattr(local, "clock") else time.monotonic
    app.extensions["kept_objects"] = KeptObjects(KEPT_BYTES, KEPT_LARGEST, timer)


class KeptObjects:
    """Objects this process keeps for its requests to share, never changed by any: each under
    a key that names the content version, for ``NEARBY_SECONDS`` (``cached(shared=True)``, and
    the users rebuilt for reads, users/viewers.py). A shared value is then neither read from
    the cache nor unpickled again: a signed-in read asks for two or three.

    Bounded by their size pickled, as the process's other copies are (``MemoryCache``): a
    reader's flags can hold 3,000 ids, and an article thousands of comments. One over
    ``largest`` is not kept: only its key is, so that it is not pickled again to be measured
    each time it is read."""

    TOO_LARGE = 64  # what the key of a value too large to keep counts for

    def __init__(self, max_bytes: int, largest: int, timer: Callable[[], float]) -> None:
        self.largest = largest
        self.entries: TTLCache[Any, tuple[Any, int]] = TTLCache(
            max_bytes, ttl=NEARBY_SECONDS, timer=timer, getsizeof=lambda entry: entry[1]
        )
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def get(self, key: Any) -> Any:
        with self.lock:
            entry = self.entries.get(key)
        return None if entry is None else entry[0]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def keep(self, key: Any, value: Any, size: int | None = None) -> None:
        """Keep ``value``, whose size is ``size`` bytes (else its pickle's)."""
        with self.lock:
            if key in self.entries:  # kept, or known to be too large
                return
        size = len(pickle.dumps(value)) if size is None else size
        entry = (value, size) if size <= self.largest else (None, self.TOO_LARGE)
        with self.lock:
            self.entries[key] = entry


def kept_objects(app: Flask) -> KeptObjects:
    return app.extensions["kept_objects"]


def cached(
    namespace: str,
    build: Callable[[], T],
    *parts: Any,
    timeout: int | None = None,
    shared: bool = False,
) -> T:
    """``build()``'s value, from the cache when it holds one for these parts under the content
    version (at most ``timeout`` seconds, else ``CACHE_DEFAULT_TIMEOUT``). ``shared``: the
    value is never changed, so later calls in this process get the same object, with no cache
    read, for ``NEARBY_SECONDS`` (until a commit replaces the version; ``kept_objects``)."""
    version = content_version()
    if version is None:
        return build()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"{namespace}:{version}:{digest}"
    # The app once, not in each step: this runs a few times on every request.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    kept = kept_objects(app) if shared else None
    if kept is not None and (value := kept.get(key)) is not None:
        return value
    nearby: MemoryCache | None = app.extensions.get("nearby_copies")
    # The process's copy first: it cannot fail, so it needs none of the guarding below.
    value = None if nearby is None else nearby.get_many(key)[0]
    if value is None:
        health = health_of(app)
        value = _guarded(health, lambda: _get_many(app, [key])[0], None)
        if value is None:
            value = build()
            _guarded(health, lambda: set_many({key: value}, timeout=timeout), None)
    if kept is not None:
        kept.keep(key, value)
    return value


# --- in the process: the cache without Redis, and the copies of Redis's entries -------------


class MemoryCache(BaseCache):
    """A cache in the process, bounded in bytes: the cache without Redis (``CACHE_TYPE``'s
    default then) and each process's copies of what it read from Redis.

    cachelib's ``SimpleCache`` bounds the *number* of entries, whatever their size: an article
    page can be 368 KB, and the response cache keys the query string, so one long page asked
    for with 2,000 made-up queries would have held 700 MB in a worker. Here the least recently
    used entries go first once they take ``max_bytes``, an entry over ``largest`` is not kept,
    each expires after its own timeout (0: never), and values are kept pickled, so that a caller
    never changes what another reads.
    """

    def __init__(self, max_bytes: int, default_timeout: int = 300, largest: int = 0) -> None:
        super().__init__(default_timeout=default_timeout)
        self.largest = largest or max_bytes // 16
        self.clock = time.monotonic
        self.entries: TLRUCache[str, tuple[float, bytes]] = TLRUCache(
            max_bytes, ttu=_expiry, timer=lambda: self.clock(), getsizeof=_size
        )
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    @classmethod
    def factory(cls, app: Flask, config: dict, args: list, kwargs: dict) -> "MemoryCache":
        return cls(config["CACHE_MAX_BYTES"], kwargs["default_timeout"])

    def get(self, key: str) -> Any:
        return self.get_many(key)[0]

    def get_many(self, *keys: str) -> list[Any]:
        # One lookup a key: TLRUCache.get looks twice, and reads the clock each time.
        entries, found = self.entries, []
        with self.lock:
            for key in keys:
                try:
                    found.append(entries[key])  # KeyError when missing or expired
                except KeyError:
                    found.append(None)
        return [None if entry is None else pickle.loads(entry[1]) for entry in found]

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._store(key, value, timeout, replace=True)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._store(key, value, timeout, replace=False)

    def _store(self, key: str, value: Any, timeout: int | None, replace: bool) -> bool:
        timeout = self._normalize_timeout(timeout)
        data = pickle.dumps(value)
        with self.lock:
            if not replace and key in self.entries:
                return False
            if timeout < 0 or len(data) > self.largest:
                self.entries.pop(key, None)
                return False
            self.entries[key] = (timeout, data)
        return True

    def delete(self, key: str) -> bool:
        with self.lock:
            return self.entries.pop(key, None) is not None

    def has(self, key: str) -> bool:
        with self.lock:
            return key in self.entries

    def clear(self) -> bool:
        with self.lock:
            self.entries.clear()
        return True


def _expiry(key: str, entry: tuple[float, bytes], now: float) -> float:
    return now + entry[0] if entry[0] > 0 else math.inf


def _size(entry: tuple[float, bytes]) -> int:
    return len(entry[1])


# Each process's copies of the versioned entries and answers it read from Redis. Every such key
# names its content version, so a copy is never stale for a write made through a session: it is
# simply not read again. A copy lives NEARBY_SECONDS, which is all it adds to an entry's life in
# Redis.
NEARBY_SECONDS = 5
NEARBY_BYTES = 4 * 1024 * 1024  # a fragment or a viewer's row is about 1 KB
NEARBY_LARGEST = 64 * 1024  # an article with a long body is read from Redis every time
KEPT_BYTES = 1024 * 1024  # shared values and users rebuilt for reads (``KeptObjects``)
KEPT_LARGEST = 16 * 1024


def get_many(keys: list[str]) -> list[Any]:
    """The values of versioned ``keys`` (None where there is none). With Redis, the process's own
    copies first, then one command for the rest, which the process then keeps."""
    return _get_many(current_app._get_current_object(), keys)  # type: ignore[attr-defined]


def _get_many(app: Flask, keys: list[str]) -> list[Any]:
    # The app's backend itself, not through ``cache``: it looks the app up again on each call.
    extensions = app.extensions
    return read_through(extensions["cache"][cache], extensions.get("nearby_copies"), keys)


def read_through(backend: Any, nearby: MemoryCache | None, keys: list[str]) -> list[Any]:
    """``get_many`` for a given backend and copies (the response cache runs outside the app)."""
    if nearby is None:
        return backend.get_many(*keys)
    values = nearby.get_many(*keys)
    missing = [key for key, value in zip(keys, values, strict=True) if value is None]
    if not missing:
        return values
    found = dict(zip(keys, values, strict=True))
    fetched = dict(zip(missing, backend.get_many(*missing), strict=True))
    nearby.set_many({key: value for key, value in fetched.items() if value is not None})
    found |= fetched
    return [found[key] for key in keys]


def set_many(values: dict[str, Any], timeout: int | None = None) -> None:
    """Store versioned entries (and, with Redis, keep this process's copies)."""
    cache.set_many(values, timeout=timeout)
    if (nearby := current_app.extensions.get("nearby_copies")) is not None:
        nearby.set_many(values)
