"""Rate limits on the actions worth abusing, shared by the pages and the API.

Each action is limited per client (its address, as ProxyFix sees it) and per account, with the
counters in Redis when ``REDIS_URL`` is set (so every process and host shares them) and in
memory otherwise. The limits are settings (``RATELIMIT_SIGN_IN`` ...); ``RATELIMIT_ENABLED=false``
turns them all off. A limiter store that fails falls back to memory rather than failing requests.

Flask-Limiter keeps its state on its one ``Limiter`` object, shared by every app in the process,
so each limit asks its own app's ``RATELIMIT_ENABLED`` when it is checked (``exempt_when``) and
puts its app's key prefix in its key: apps with and without limits (as in the tests) can share a
process without sharing counters.
"""

import contextlib
import hashlib
import time
from collections.abc import Callable
from functools import reduce
from typing import Any

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from myapp.extensions import READ_ONLY, cache, limiter
from myapp.identity import email_lookup_key

View = Callable[..., Any]


@limiter.request_filter
def _reads_are_never_limited() -> bool:
    """Every limit here is on a write: a read is never counted (and Flask-Limiter's own hooks
    leave it alone: ``extensions.Limiter``)."""
    return request.method in READ_ONLY


def _limits_off() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


def _limit(
    setting: str,
    scope: str,
    key_func: Callable[[], str],
    exempt_when: Callable[[], bool] | None = None,
    **options: Any,
) -> Callable[[View], View]:
    """One shared limit whose amounts come from the app's ``setting``; off with the switch.

    The key carries the app's ``RATELIMIT_KEY_PREFIX`` itself: Flask-Limiter keeps the first
    app's prefix for every app in the process."""
    return limiter.shared_limit(
        lambda: current_app.config[setting],
        scope=scope,
        key_func=lambda: f"{current_app.config['RATELIMIT_KEY_PREFIX']}/{key_func()}",
        exempt_when=(lambda: _limits_off() or exempt_when()) if exempt_when else _limits_off,
        error_message=_try_again,
        **options,
    )


def _submitted(field: str) -> str:
    """A field of the submitted user, from the API's ``{"user": {...}}`` or a page's form."""
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        user = body.get("user", body)  # the Vue front end sends the user unwrapped
        value = user.get(field) if isinstance(user, dict) else None
    else:
        value = request.form.get(field)
    return value if isinstance(value, str) else ""


def _account_by_email() -> str:
    return "email:" + email_lookup_key(_submitted("email"))


def _account() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _no_password_involved() -> bool:
    """Neither a new password nor the current one (which could be guessed through an email
    change) is in the request: such an update is not limited."""
    return not (_submitted("password") or _submitted("currentPassword"))


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
    """Limits on ``action`` per client and per account, one counter for both surfaces."""
    return [
        _limit(setting, f"{action}:client", get_remote_address, **options),
        _limit(setting, f"{action}:account", account_key, **options),
    ]


def _apply(decorators: list[Callable[[View], View]]) -> Callable[[View], View]:
    return lambda view: reduce(lambda wrapped, decorate: decorate(wrapped), decorators, view)


# --- sign-in: only failures count against an account, so nobody can lock a victim out --------
# Per client: every attempt (RATELIMIT_SIGN_IN). Per account and client together: failures
# (RATELIMIT_SIGN_IN_FAILURES). Per account from every client: failures, in tiers that tighten
# from minutes to a day (RATELIMIT_SIGN_IN_ACCOUNT). That one applies only to clients that have
# already failed on this account (and so counts their failures after the first): the clients
# guessing slow down, the owner's new one still gets in.
FAILED_SIGN_IN_SECONDS = 24 * 3600


def _client_and_account() -> str:
    return f"{get_remote_address()}/{_account_by_email()}"


def _failure_marker() -> str:
    digest = hashlib.sha256(_client_and_account().encode()).hexdigest()[:32]
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:sign-in-failed:{digest}"


def _sign_in_failed(response: Response) -> bool:
    """Wrong credentials (the API's 401, the page's re-shown form): counted, and remembered."""
    failed = response.status_code in (401, 422)
    if failed:
        # A failing cache only means the account limit applies to every client.
        with contextlib.suppress(Exception):
            cache.set(_failure_marker(), True, timeout=FAILED_SIGN_IN_SECONDS)
    return failed


def _never_failed_here() -> bool:
    try:
        return not cache.get(_failure_marker())
    except Exception:
        return False


POST = {"methods": ["POST"]}
sign_in = _apply(
    [
        _limit("RATELIMIT_SIGN_IN", "sign-in:client", get_remote_address, **POST),
        _limit(
            "RATELIMIT_SIGN_IN_FAILURES",
            "sign-in:client-account",
            _client_and_account,
            deduct_when=_sign_in_failed,
            **POST,
        ),
        _limit(
            "RATELIMIT_SIGN_IN_ACCOUNT",
            "sign-in:account",
            _account_by_email,
            exempt_when=_never_failed_here,
            deduct_when=_sign_in_failed,
            **POST,
        ),
    ]
)
sign_up = _apply(_limits("sign-up", "RATELIMIT_SIGN_UP", _account_by_email, **POST))
password_change = _apply(
    _limits(
        "password",
        "RATELIMIT_PASSWORD_CHANGE",
        _account,
        exempt_when=_no_password_involved,
    )
)
new_article = _apply(_limits("article", "RATELIMIT_NEW_ARTICLE", _account, **POST))
new_comment = _apply(_limits("comment", "RATELIMIT_NEW_COMMENT", _account, **POST))
preview = _apply(_limits("preview", "RATELIMIT_PREVIEW", _account, **POST))
# Asking for a reset email: per client and per email address. Using a link: per client (the
# link is signed, so guessing is hopeless; the limit bounds the password hashing it costs).
password_reset = _apply(
    _limits("password-reset", "RATELIMIT_PASSWORD_RESET", _account_by_email, **POST)
)
password_reset_confirm = _limit(
    "RATELIMIT_PASSWORD_RESET_CONFIRM", "password-reset-confirm:client", get_remote_address, **POST
)
report = _apply(_limits("report", "RATELIMIT_REPORT", _account, **POST))
