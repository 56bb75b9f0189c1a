"""Caching of viewer-independent reads, correct first.

Every cached value's key carries the *content version*, a random token that each write changing
public content replaces (services call ``content_changed()`` once they have committed). Readers
look the token up first, so after a write no process anywhere serves what was cached before it;
old entries are simply never read again and expire. Rendered Markdown needs no version at all:
its key is a hash of the source.

With ``REDIS_URL`` the token and the values are shared by every process and host; without it the
cache lives in the process (which is why gunicorn runs a single worker then: see gunicorn.conf.py).
A cache that fails (Redis gone) never fails a request: the value is computed instead, a warning is
logged once, and the cache is left alone for a few seconds before it is tried again.
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
RETRY_AFTER_SECONDS = 5.0

log = logging.getLogger(__name__)


class CacheHealth:
    """Whether the app's cache answered lately; shared by the threads of one process."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.warned = False

    def usable(self) -> bool:
        return time.monotonic() >= self.down_until

    def failed(self, error: Exception) -> None:
        self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
        if not self.warned:
            self.warned = True
            log.warning("cache unavailable, serving without it: %s", error)

    def recovered(self) -> None:
        if self.warned:
            self.warned = False
            log.warning("cache available again")


def _health() -> CacheHealth:
    return current_app.extensions.setdefault("cache_health", CacheHealth())


def _call(operation: Callable[[], T], fallback: T) -> T:
    health = _health()
    if not health.usable():
        return fallback
    try:
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
    _call(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=0), None)


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
