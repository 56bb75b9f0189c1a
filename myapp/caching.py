"""Caching of viewer-independent reads, correct first.

Every cached value's key carries the *content version*, a random token that each write changing
public content replaces (services call ``content_changed()`` once they have committed). Readers
look the token up first, so after a write no process anywhere serves what was cached before it;
old entries are simply never read again and expire. Rendered Markdown needs no version at all:
its key is a hash of the source.

With ``REDIS_URL`` the token and the values are shared by every process and host; without it the
cache lives in the process (which is why gunicorn runs a single worker then: see gunicorn.conf.py).
A cache that fails (Redis gone) never fails a request: the value is computed instead, a warning is
logged once, and the cache is left alone for ``CACHE_RETRY_SECONDS`` before it is tried again. A
write made meanwhile could not replace the token, so the process replaces it as soon as the cache
answers again; until then (or until ``CACHE_DEFAULT_TIMEOUT``) another process that never saw
the outage may still serve an entry from before it.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

from myapp.extensions import cache

T = TypeVar("T")
VERSION_KEY = "content-version"

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


def _health() -> CacheHealth:
    health = current_app.extensions.get("cache_health")
    if health is None:
        health = CacheHealth(current_app.config["CACHE_RETRY_SECONDS"])
        current_app.extensions["cache_health"] = health
    return health


def _call(operation: Callable[[], T], fallback: T) -> T:
    health = _health()
    if not health.usable():
        return fallback
    try:
        if health.owes_invalidation:  # a write during the outage: forget what was cached before
            cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=0)
            health.owes_invalidation = False
        result = operation()
    except Exception as error:  # any backend failure means "no cache"
        health.failed(error)
        return fallback
    health.recovered()
    return result


def content_version() -> str | None:
    """The current content token (made on first use); None while the cache is unavailable."""

    def read() -> str:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=0)
            version = cache.get(VERSION_KEY)
        return version

    return _call(read, None)


def content_changed() -> None:
    """Forget every versioned cached value: call after committing a change to public content."""
    if not _call(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=0) or True, False):
        _health().owes_invalidation = True


def cached(namespace: str, build: Callable[[], T], *parts: Any, versioned: bool = True) -> T:
    """``build()``'s value, from the cache when it holds one for these parts."""
    version = content_version() if versioned else "-"
    if version is None:
        return build()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"{namespace}:{version}:{digest}"
    value = _call(lambda: cache.get(key), None)
    if value is None:
        value = build()
        _call(lambda: cache.set(key, value), None)
    return value
