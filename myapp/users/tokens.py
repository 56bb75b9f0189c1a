"""API tokens: signed, expiring JWTs naming the user and their credentials version.

A password change bumps ``User.credentials_version``, which revokes every token issued before it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app

from myapp.users.models import User

ALGORITHM = "HS256"
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    credentials_version: int


def issue_token(user: User) -> str:
    now = datetime.now(UTC)
    ttl = timedelta(seconds=current_app.config["API_TOKEN_TTL_SECONDS"])
    claims = {
        "sub": str(user.id),
        "ver": user.credentials_version,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm=ALGORITHM)


def read_token(token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["SECRET_KEY"],
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.InvalidTokenError:
        return None
    user_id, version = claims["sub"], claims.get("ver", 0)
    # Only what we issue: a database id as a string, and an integer version.
    if not (isinstance(user_id, str) and user_id.isdigit() and int(user_id) <= MAX_ID):
        return None
    if not isinstance(version, int) or isinstance(version, bool):
        return None
    return TokenClaims(int(user_id), version)
