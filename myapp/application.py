"""The Flask class this app is made of, and which surface (API or pages) a request belongs to."""

from collections.abc import Callable, Iterable
from types import CodeType
from typing import Any

from flask import Flask, request
from werkzeug.routing import Rule

from myapp.json_provider import OrjsonProvider

API_PREFIX = "/api"


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def is_api_request() -> bool:
    return is_api_path(request.path)


class ApiRule(Rule):
    """A URL rule that, under /api, also matches its path with a trailing slash.

    Published RealWorld front ends call ``POST /api/articles/``. Werkzeug's ``strict_slashes=False``
    matches both forms without a redirect, which would break CORS preflights and drop bodies.
    Pages keep strict slashes: one address per page.
    """

    def __init__(self, string: str, **options) -> None:
        if is_api_path(string):
            options.setdefault("strict_slashes", False)
        super().__init__(string, **options)


class Conduit(Flask):
    """Per-class settings, so that making an app changes nothing for other apps in the process."""

    json_provider_class = OrjsonProvider
    url_rule_class = ApiRule

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sync_code: set[CodeType] = set()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's answer, remembered for the code of a function that is not a coroutine
        function: Flask asks for every hook and view on every request, and ``inspect`` unwraps
        the function again each time to find out. Whether a function is a coroutine function
        is a property of its code, which a request's own callbacks (``after_this_request``)
        share with every other made by the same ``def``: the set is as large as the code. A
        callable without code of its own (a ``partial``) gets Flask's answer every time."""
        code = getattr(func, "__code__", None)  # a bound method gives its function's
        if code in self.sync_code:
            return func
        sync = super().ensure_sync(func)
        if sync is func and code is not None:
            self.sync_code.add(code)
        return sync


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def trust_only_the_scheme_seen(wsgi_app: WSGIApp) -> WSGIApp:
    """Make ``X-Forwarded-Proto`` say the scheme the app decided on (``wsgi.url_scheme``, set by
    ProxyFix from trusted proxies only). flask-talisman reads that header directly, so without
    this a client could make it send HSTS over plain HTTP."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["HTTP_X_FORWARDED_PROTO"] = environ["wsgi.url_scheme"]
        return wsgi_app(environ, start_response)

    return app
