"""How a request is authenticated: by the session cookie on pages, by a token on the API.

One Flask-Login manager serves both. API requests get an empty session that is never saved,
so a cookie alone can never authorize an API call, and the API never sets a cookie. The user comes
from ``myapp/users/viewers.py`` (cached under the content version); the keys and the suspension
are checked here on every request, against the row as it is now.
"""

import copy
import hmac
import threading
import time
from typing import Any

from cachetools import LRUCache
from flask import Flask, Request, Response, flash, g, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import BadSignature
from werkzeug.exceptions import Unauthorized

from myapp.application import is_api_request
from myapp.errors import AccountSuspended
from myapp.extensions import READ_ONLY, login_manager
from myapp.users.models import User
from myapp.users.tokens import MAX_ID, issue_token, read_token
from myapp.users.viewers import load_viewer

TOKEN_SCHEMES = {"token", "bearer"}


def viewer() -> User | None:
    """The signed-in user of this request, or None for an anonymous one: the user itself, not
    ``current_user``, which looks the request up again at every use."""
    user = current_user._get_current_object()
    return user if user.is_authenticated else None


class SessionInterface(SecureCookieSessionInterface):
    """Cookie sessions for pages; none at all for the API. HttpOnly, SameSite=Lax, and Secure
    over HTTPS.

    A cookie's signature is checked once per process, as a token's is (users/tokens.py): what it
    holds and when it was signed follow from its text and the keys, and are kept for the last
    ``VERIFIED`` cookies. Its age is checked on every request, as itsdangerous checks it:
    verifying was a twentieth of a signed-in page."""

    VERIFIED = 1024

    def __init__(self) -> None:
        self.verified: LRUCache[tuple[str, ...], tuple[dict[str, Any], int]] = LRUCache(
            self.VERIFIED
        )
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def open_session(self, app: Flask, request: Request):
        if is_api_request():
            return self.session_class()
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        key = (cookie, app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        with self.lock:
            verified = self.verified.get(key)
        if verified is None:
            try:
                data, signed = self.get_signing_serializer(app).loads(cookie, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            verified = (data, int(signed.timestamp()))
            with self.lock:
                self.verified[key] = verified
        data, signed_at = verified
        age = int(time.time()) - signed_at
        if not 0 <= age <= app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired (or signed in the future), as itsdangerous
        # A session is a dict of its own; a value it may change in place (the flash messages'
        # list) is copied too.
        if any(isinstance(value, list | dict) for value in data.values()):
            data = copy.deepcopy(data)
        return self.session_class(data)

    def save_session(self, app: Flask, session, response: Response) -> None:
        if not is_api_request():
            super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        # Secure whenever the browser reached us over HTTPS (through ProxyFix behind nginx).
        return request.is_secure or super().get_cookie_secure(app)


def _same(expected: str, given: str) -> bool:
    """Compare secrets in constant time (bytes: compare_digest refuses non-ASCII text)."""
    return hmac.compare_digest(expected.encode(), given.encode())


def _load_viewer(user_id: int) -> User | None:
    """The request's user: in its session only when the request may write (users/viewers.py)."""
    return load_viewer(user_id, attach=request.method not in READ_ONLY)


def load_session_user(session_id: str) -> User | None:
    """The user named by a session cookie, unless it was revoked since it was set: by signing
    out, "sign out everywhere" or a new password (each replaces a key ``get_id`` carries), or
    the user is suspended (then the browser is simply signed out)."""
    user_id = session_id.partition(":")[0]
    if not user_id.isdigit() or int(user_id) > MAX_ID:
        return None
    user = _load_viewer(int(user_id))
    if user is None or not _same(user.get_id(), session_id) or user.is_suspended:
        return None
    return user


def load_token_user(request: Request) -> User | None:
    """The user named by ``Authorization: Token <jwt>`` (or ``Bearer``), on API requests only.

    A header that is present but wrong is an error even where signing in is optional: the
    client believes it is signed in, and silently treating it as anonymous would mislead it.
    """
    header = request.headers.get("Authorization")
    if not header or not is_api_request():
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in TOKEN_SCHEMES or not token.strip():
        raise Unauthorized("must be sent as 'Authorization: Token <token>'")
    claims = read_token(token.strip())
    user = _load_viewer(claims.user_id) if claims else None
    if user is None or not _same(user.credentials_key, claims.credentials_key):
        raise Unauthorized("is invalid or expired")
    if user.is_suspended:
        raise AccountSuspended()
    g.api_token = (token.strip(), claims)
    return user


def authenticate_by_token(request: Request) -> None:
    """Make the token's user (``load_token_user``) the request's ``current_user``, which raises
    if the token is refused; a request without one is anonymous."""
    # How Flask-Login's own loaders end: its request loader, without its session and cookie.
    login_manager._update_request_context_with_user(load_token_user(request))


def token_for(user: User) -> str:
    """The token to answer with: the one this request presented while it is still valid (so a
    token's lifetime is never extended), else a new one (after sign-in or a password change)."""
    presented, claims = g.get("api_token", (None, None))
    if claims and claims.user_id == user.id and claims.credentials_key == user.credentials_key:
        return presented
    return issue_token(user)


def unauthorized() -> Response:
    if is_api_request():
        raise Unauthorized("is missing")
    flash("Please sign in to continue.", "info")
    # After signing in, come back to this page; for a form post, to the page the form was on.
    back = request.full_path.rstrip("?") if request.method == "GET" else request.form.get("next")
    return redirect(url_for("auth.login", next=back))
