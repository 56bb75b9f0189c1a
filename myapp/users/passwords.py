"""Password hashing with argon2id; the cost comes from the app's configuration.

Each hash takes ``ARGON2_MEMORY_COST_KIB`` (19 MiB) of memory for tens of milliseconds, so a
process runs at most ``ARGON2_MAX_CONCURRENT`` at once: a burst of sign-ins queues here instead
of multiplying a worker's memory (and the server's exposure to a flood of sign-in attempts).
"""

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


class _Argon2:
    def __init__(self, hasher: PasswordHasher, slots: int) -> None:
        self.hasher = hasher
        self.slots = threading.BoundedSemaphore(slots)
        # Verified when no account matches, so that an unknown email costs as long as a known one.
        self.dummy_hash = hasher.hash(secrets.token_urlsafe(16))


def _argon2() -> _Argon2:
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
    with argon2.slots:
        return argon2.hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no such account) it takes as long and fails."""
    argon2 = _argon2()
    try:
        with argon2.slots:
            matches = argon2.hasher.verify(password_hash or argon2.dummy_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the ones configured now."""
    return _argon2().hasher.check_needs_rehash(password_hash)
