"""Password hashing with argon2id; the cost comes from the app's configuration.

Each hash takes ``ARGON2_MEMORY_COST_KIB`` (19 MiB) of memory for tens of milliseconds, so a
process runs at most ``ARGON2_MAX_CONCURRENT`` at once: a burst of sign-ins queues here instead
of multiplying a worker's memory (and the server's exposure to a flood of sign-in attempts).
"""

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> tuple[PasswordHasher, threading.BoundedSemaphore]:
    pair = current_app.extensions.get("argon2")
    if pair is None:
        config = current_app.config
        hasher = PasswordHasher(
            time_cost=config["ARGON2_TIME_COST"],
            memory_cost=config["ARGON2_MEMORY_COST_KIB"],
            parallelism=config["ARGON2_PARALLELISM"],
        )
        pair = hasher, threading.BoundedSemaphore(config["ARGON2_MAX_CONCURRENT"])
        current_app.extensions["argon2"] = pair
    return pair


def hash_password(password: str) -> str:
    hasher, slots = _hasher()
    with slots:
        return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    hasher, slots = _hasher()
    try:
        with slots:
            return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the ones configured now."""
    return _hasher()[0].check_needs_rehash(password_hash)
