"""Rate limits on the actions worth abusing, shared by the pages and the API.

Each action is limited per client (its address, as ProxyFix sees it) and per account, with the
counters in Redis when ``REDIS_URL`` is set (so every process and host shares them) and in
memory otherwise. The limits are settings (``RATELIMIT_SIGN_IN`` ...); ``RATELIMIT_ENABLED=false``
turns them all off. A limiter store that fails falls back to memory rather than failing requests.

Flask-Limiter keeps its state on its one ``Limiter`` object, so its own switch stays on and each
app's ``RATE_LIMITS_ENABLED`` is asked per request: apps with and without limits (as in the
tests) can share a process.
"""

import time
from collections.abc import Callable
from functools import reduce
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from myapp.extensions import limiter

View = Callable[..., Any]


@limiter.request_filter
def _limits_off() -> bool:
    return not current_app.config["RATE_LIMITS_ENABLED"]


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _submitted(field: str) -> str:
    """A field of the submitted user, from the API's ``{"user": {...}}`` or a page's form."""
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict) and isinstance(body.get("user"), dict):
        value = body["user"].get(field)
    else:
        value = request.form.get(field)
    return value if isinstance(value, str) else ""


def _account_by_email() -> str:
    return "email:" + _submitted("email").strip().lower()


def _account() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _keeps_password() -> bool:
    return not _submitted("password")


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets it through again (as in Retry-After)."""
    breached = limiter.current_limit
    if breached is None:  # pragma: no cover - asked only once a limit is broken
        return 1
    try:
        seconds = int(breached.reset_at - time.time())
    except Exception:  # the limiter's store is failing: its window is the safe answer
        seconds = breached.limit.get_expiry()
    return max(seconds, 1)


def _try_again() -> str:
    """The 429 message. It says the wait itself: a front end on another origin may not be
    allowed to read the Retry-After header."""
    seconds = retry_after_seconds()
    return f"try again in {seconds} second{'s' if seconds != 1 else ''}"


def _limits(action: str, setting: str, account_key: Callable[[], str], **options: Any):
    """Decorators limiting ``action`` per client and per account, one counter for both surfaces."""
    options.setdefault("error_message", _try_again)
    return [
        limiter.shared_limit(
            _setting(setting), scope=f"{action}:client", key_func=get_remote_address, **options
        ),
        limiter.shared_limit(
            _setting(setting), scope=f"{action}:account", key_func=account_key, **options
        ),
    ]


def _apply(decorators: list[Callable[[View], View]]) -> Callable[[View], View]:
    return lambda view: reduce(lambda wrapped, decorate: decorate(wrapped), decorators, view)


POST = {"methods": ["POST"]}
sign_in = _apply(_limits("sign-in", "RATELIMIT_SIGN_IN", _account_by_email, **POST))
sign_up = _apply(_limits("sign-up", "RATELIMIT_SIGN_UP", _account_by_email, **POST))
password_change = _apply(
    _limits(
        "password",
        "RATELIMIT_PASSWORD_CHANGE",
        _account,
        exempt_when=_keeps_password,
    )
)
new_article = _apply(_limits("article", "RATELIMIT_NEW_ARTICLE", _account, **POST))
new_comment = _apply(_limits("comment", "RATELIMIT_NEW_COMMENT", _account, **POST))
