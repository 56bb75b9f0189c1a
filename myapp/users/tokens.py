"""API tokens: signed, expiring JWTs naming the user and their credentials key.

A token carries the user's random ``credentials_key``: a password change or "sign out
everywhere" replaces it, which revokes every token issued before, and a new account that gets a
deleted account's id can never match it. A token lives ``API_TOKEN_TTL_SECONDS`` from sign-in
and is never extended: the API hands back the token it was shown, and only signing in (or
changing the password, which needs the current one) mints a new one.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from myapp.users.models import User

ALGORITHM = "HS256"
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    credentials_key: str


def issue_token(user: User) -> str:
    now = datetime.now(UTC)
    ttl = timedelta(seconds=current_app.config["API_TOKEN_TTL_SECONDS"])
    claims = {
        "sub": str(user.id),
        "key": user.credentials_key,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm=ALGORITHM)


def read_token(token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    verified = _verified(token, current_app.config["SECRET_KEY"])
    if verified is None:
        return None
    claims, issued_at, expires_at = verified
    return claims if issued_at <= time.time() < expires_at else None


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[TokenClaims, int, int] | None:
    """A token's claims and when it was issued and expires, if we signed it; None if not.

    All of that follows from the token's text and the key, so a process verifies each token
    once: PyJWT's HMAC and JSON parsing were 7 % of a signed-in read in-process. Only the time
    is checked on every request (``read_token``), as PyJWT checks it: valid from ``iat`` to
    just before ``exp``.
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={
                "require": ["sub", "key", "exp", "iat"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidTokenError:
        return None
    user_id, key, issued_at, expires_at = claims["sub"], claims["key"], claims["iat"], claims["exp"]
    # Only what we issue: a database id as a string, a string key, and times in whole seconds.
    if not (isinstance(user_id, str) and user_id.isdigit() and int(user_id) <= MAX_ID):
        return None
    if not isinstance(key, str):
        return None
    if not all(type(moment) is int for moment in (issued_at, expires_at)):
        return None
    return TokenClaims(int(user_id), key), issued_at, expires_at


# --- password reset links ---------------------------------------------------------------------
# Signed and timed (PASSWORD_RESET_TTL_SECONDS), naming the user and a digest of their
# credentials key: any password change (this reset included) replaces the key, so a link works
# once and dies with the password it was sent for.


def _reset_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _key_digest(user: User) -> str:
    return hashlib.sha256(user.credentials_key.encode()).hexdigest()[:32]


def password_reset_token(user: User) -> str:
    return _reset_signer().dumps([user.id, _key_digest(user)])


def read_password_reset_token(token: str) -> tuple[int, str] | None:
    """(user id, key digest) from an unexpired link we signed; None for anything else."""
    try:
        user_id, digest = _reset_signer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_TTL_SECONDS"]
        )
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(user_id, int) and 0 < user_id <= MAX_ID and isinstance(digest, str)):
        return None
    return user_id, digest


def reset_token_matches(user: User, digest: str) -> bool:
    return hmac.compare_digest(_key_digest(user).encode(), digest.encode())
