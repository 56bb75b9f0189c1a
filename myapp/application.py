"""The Flask class this app is made of, and which surface (API or pages) a request belongs to."""

from collections.abc import Callable, Iterable
from itertools import chain
from types import CodeType
from typing import Any

from flask import Flask, Response, request
from flask.globals import request_ctx
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
        self.idle_hooks: dict[str, frozenset[Callable[..., Any]]] = {}

    def skip_hooks(self, blueprint: str, *hooks: Callable[..., Any]) -> None:
        """Never run these app-wide ``before_request`` and ``after_request`` hooks on requests
        that ``blueprint`` answers: they have nothing to do there (the API has no session,
        cookie or CSRF token), yet Flask calls every one on every request, and under load
        each costs more than its few lines (docs/benchmarks.md)."""
        registered = [
            *self.before_request_funcs.get(None, ()),
            *self.after_request_funcs.get(None, ()),
        ]
        if unknown := [hook for hook in hooks if hook not in registered]:
            raise ValueError(f"not app-wide hooks of this app: {unknown}")
        self.idle_hooks[blueprint] = self.idle_hooks.get(blueprint, frozenset()) | set(hooks)

    def preprocess_request(self) -> Any:
        """Flask's, without the hooks idle on the request's blueprint (``skip_hooks``)."""
        idle = self.idle_hooks.get(request.blueprint)  # type: ignore[arg-type]
        if idle is None:
            return super().preprocess_request()
        names = (None, *reversed(request.blueprints))
        for name in names:
            for url_func in self.url_value_preprocessors.get(name, ()):
                url_func(request.endpoint, request.view_args)
        for name in names:
            for before_func in self.before_request_funcs.get(name, ()):
                if before_func not in idle and (rv := self.ensure_sync(before_func)()) is not None:
                    return rv
        return None

    def process_response(self, response: Response) -> Response:
        """Flask's, without the hooks idle on the request's blueprint (``skip_hooks``)."""
        idle = self.idle_hooks.get(request.blueprint)  # type: ignore[arg-type]
        if idle is None:
            return super().process_response(response)
        ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)
        for name in chain(request.blueprints, (None,)):
            for func in reversed(self.after_request_funcs.get(name, ())):
                if func not in idle:
                    response = self.ensure_sync(func)(response)
        if not self.session_interface.is_null_session(ctx._session):
            self.session_interface.save_session(self, ctx._session, response)
        return response

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
