"""Password hashing with argon2id; the cost comes from the app's configuration.

Each hash takes ``ARGON2_MEMORY_COST_KIB`` (7 MiB) of memory for tens of milliseconds. Hashes
run on a pool of ``ARGON2_MAX_CONCURRENT`` threads of their own rather than on the request's
thread: a burst of sign-ins queues here, and the memory stays bounded. glibc may keep a freed
block in the arena of the thread that made it (gunicorn.conf.py makes a worker hand it back), so
with every request thread hashing a worker could hold one block per thread (8 threads at 19 MiB
held 244 MB after a benchmark run); with the pool it holds at most one per pool thread.
"""

import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

T = TypeVar("T")
_making = threading.Lock()  # one pool per app, even when its first sign-ins come at once


class _Argon2:
    def __init__(self, hasher: PasswordHasher, slots: int) -> None:
        self.hasher = hasher
        self.pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="argon2")
        # Verified when no account matches, so that an unknown email costs as long as a known one.
        self.dummy_hash = self.run(hasher.hash, secrets.token_urlsafe(16))

    def run(self, work: Callable[..., T], *args: str) -> T:
        """``work(*args)`` on a pool thread, once one is free; its exception is raised here."""
        return self.pool.submit(work, *args).result()


def _argon2() -> _Argon2:
    argon2 = current_app.extensions.get("argon2")
    if argon2 is None:
        with _making:
            argon2 = current_app.extensions.get("argon2")
            if argon2 is None:
                config = current_app.config
                hasher = PasswordHasher(
                    time_cost=config["ARGON2_TIME_COST"],
                    memory_cost=config["ARGON2_MEMORY_COST_KIB"],
                    parallelism=config["ARGON2_PARALLELISM"],
                )
                argon2 = _Argon2(hasher, config["ARGON2_MAX_CONCURRENT"])
                current_app.extensions["argon2"] = argon2
    return argon2


def hash_password(password: str) -> str:
    argon2 = _argon2()
    return argon2.run(argon2.hasher.hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no such account) it takes as long and fails.

    A hash made with earlier parameters verifies with its own (they are written in it)."""
    argon2 = _argon2()
    try:
        matches = argon2.run(argon2.hasher.verify, password_hash or argon2.dummy_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the ones configured now."""
    return _argon2().hasher.check_needs_rehash(password_hash)
