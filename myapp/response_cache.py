"""The response cache: anonymous reads answered before Flask runs.

A WSGI layer around the app keeps whole responses (status, headers, body) of the public reads
listed in ``PUBLIC_ENDPOINTS``, for visitors who send no credentials, and answers the next such
request with the stored bytes without entering Flask: no routing, no hooks, no view. So that it
stays correct and safe:

- **Keyed by the content version** (``myapp/caching.py``), which every commit that touches a
  public table replaces, from any process: after a write nobody is served what was stored before
  it. The key also holds the method, scheme, host, path, query string, and the request headers the
  response varies on (``Accept-Encoding``, ``Origin``).
- **Never personal.** A request with an ``Authorization`` header or a session cookie is never
  answered from the cache nor stored. A response is stored only when a public endpoint answered
  200 to a request whose viewer was anonymous and it sets no cookie: a page that made a CSRF
  token (a form) writes it into the session, whose cookie it then sets, so it is never stored.
- **Conditional requests**: every stored response has an ``ETag`` (a hash of its bytes), and a
  request whose ``If-None-Match`` holds it gets 304. ``Cache-Control: public, max-age=0,
  s-maxage=N`` lets a shared cache (nginx, a CDN) keep it ``RESPONSE_CACHE_SHARED_SECONDS``
  while browsers revalidate every time, so a visitor who signs in never sees a stale page.
- **Operations**: a hit gets its own ``X-Request-ID``, one request log line (``cache=hit``) and
  the ``conduit_cached_responses`` metrics, as a request Flask handles gets its own.

A cache that fails (Redis gone) turns the layer off for that request: Flask answers.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram
from werkzeug.http import is_resource_modified, parse_date
from werkzeug.wsgi import ClosingIterator

from myapp import caching
from myapp.extensions import cache
from myapp.monitoring import REQUEST_ID, log_request, new_request_id

# Reads whose anonymous answer is the same for every visitor.
PUBLIC_ENDPOINTS = frozenset(
    {
        "api.list_articles",
        "api.get",
        "api.related",
        "api.list_comments",
        "api.profile",
        "api.list_tags",
        "pages.home",
        "pages.article",
        "pages.profile",
        "pages.profile_favorites",
        "pages.search",
        "pages.feed_atom",
        "pages.feed_rss",
        "pages.author_feed",
        "pages.tag_feed",
        "pages.sitemap_xml",
        "pages.sitemap_page",
        "pages.robots",
    }
)
# The request headers a public response may vary on; each is part of the key.
KEYED_HEADERS = ("HTTP_ACCEPT_ENCODING", "HTTP_ORIGIN")
VARY_ALLOWED = frozenset({"accept-encoding", "origin", "cookie"})  # Cookie: none is sent here
# Per request, never stored: each answer gets its own.
NOT_STORED = frozenset({"x-request-id", "set-cookie", "date", "server"})
PUBLIC_FLAG = "conduit.public_endpoint"  # set in the environ by ``mark_public``

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class StoredResponse:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: datetime | None
    endpoint: str

    def fresh_for(self, environ: dict[str, Any]) -> bool:
        """Whether the request's ``If-None-Match`` / ``If-Modified-Since`` say it has this."""
        given = environ.get("HTTP_IF_NONE_MATCH")
        if given == self.etag:  # the ETag it was sent, sent back: no header to parse
            return True
        if given is None and "HTTP_IF_MODIFIED_SINCE" not in environ:
            return False
        return not is_resource_modified(environ, self.etag, last_modified=self.last_modified)


def mark_public(response: Response) -> Response:
    """After a public endpoint answered an anonymous viewer: let the layer store it, and say that
    shared caches may keep it a moment; anything else is nobody's to share (an ``after_request``
    hook)."""
    answered = request._get_current_object()  # every response: one lookup, not five
    endpoint = answered.endpoint
    public = (
        endpoint in PUBLIC_ENDPOINTS
        and answered.method == "GET"
        and response.status_code == 200
        and not _signed_in()
    )
    if public:
        answered.environ[PUBLIC_FLAG] = endpoint
    # ``getlist``: werkzeug's ``in`` makes, raises and catches an exception on a miss.
    if endpoint != "static" and not response.headers.getlist("Cache-Control"):
        response.headers["Cache-Control"] = (
            f"public, max-age=0, s-maxage={_shared_seconds()}" if public else "private"
        )
    return response


def _signed_in() -> bool:
    user = g.get("_login_user")  # Flask-Login's, once someone asked who is signed in
    return bool(user is not None and user.is_authenticated)


def _shared_seconds() -> int:
    return current_app.config["RESPONSE_CACHE_SHARED_SECONDS"]


class HitMetrics:
    """What the layer answered, in the app's metrics registry (Flask's own request metrics
    never see these requests)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.total = Counter(
            "conduit_cached_responses_total",
            "Requests answered by the response cache, before Flask",
            ["method", "endpoint", "status"],
            registry=registry,
        )
        self.seconds = Histogram(
            "conduit_cached_response_duration_seconds",
            "Time to answer a request from the response cache",
            ["endpoint"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
            registry=registry,
        )

        self.children: dict[tuple[str, str], tuple[Any, Any]] = {}

    def observe(self, endpoint: str, status: str, seconds: float) -> None:
        # A labelled child is looked up under a lock: keep each one.
        children = self.children.get((endpoint, status))
        if children is None:
            children = self.total.labels("GET", endpoint, status), self.seconds.labels(endpoint)
            self.children[endpoint, status] = children
        children[0].inc()
        children[1].observe(seconds)


class ResponseCache:
    """The WSGI layer (see the module's docstring)."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.content_version = caching.version_reader(app)
        self.backend = app.extensions["cache"][cache]
        # With a shared cache, each process also keeps copies of the answers it served last
        # (caching.NEARBY_SECONDS): a hit then costs one Redis command (the content version), not
        # two and the body's transfer.
        self.nearby: caching.MemoryCache | None = app.extensions.get("nearby_copies")
        self.health = caching.health_of(app)
        registry = app.extensions.get("metrics_registry")
        self.metrics = HitMetrics(registry) if registry is not None else None
        self.credentials = (
            app.config["SESSION_COOKIE_NAME"] + "=",
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token") + "=",
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._anonymous_read(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        key = self._key(environ)
        stored = self._get(key) if key else None
        if stored is not None:
            return self._answer(stored, environ, start_response, started)
        return self._store_on_the_way(key, environ, start_response)

    def _anonymous_read(self, environ: dict[str, Any]) -> bool:
        """A GET that carries no credentials (a false alarm on the cookie only skips the cache)."""
        if environ["REQUEST_METHOD"] != "GET" or "HTTP_AUTHORIZATION" in environ:
            return False
        cookies = environ.get("HTTP_COOKIE", "")
        return not any(name in cookies for name in self.credentials)

    def _key(self, environ: dict[str, Any]) -> str | None:
        version = self.content_version()
        if version is None:  # the cache is unavailable: Flask answers
            return None
        parts = "\0".join(
            (
                environ["wsgi.url_scheme"],
                environ.get("HTTP_HOST", ""),
                environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                *(environ.get(name, "") for name in KEYED_HEADERS),
            )
        )
        return f"response:{version}:{hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()}"

    def _get(self, key: str) -> StoredResponse | None:
        try:
            return caching.read_through(self.backend, self.nearby, [key])[0]
        except Exception as error:  # a failing cache is no cache: Flask answers
            self.health.failed(error)
            return None

    def _set(self, key: str, stored: StoredResponse) -> None:
        try:
            self.backend.set(key, stored)
        except Exception as error:  # not kept this time
            self.health.failed(error)

    def _answer(
        self,
        stored: StoredResponse,
        environ: dict[str, Any],
        start_response: StartResponse,
        started: float,
    ) -> Iterable[bytes]:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if REQUEST_ID.match(given) else new_request_id()
        if stored.fresh_for(environ):
            status, body = "304 NOT MODIFIED", b""
            headers = [(k, v) for k, v in stored.headers if k.lower() != "content-length"]
        else:
            status, body, headers = stored.status, stored.body, list(stored.headers)
        headers.append(("X-Request-ID", request_id))
        start_response(status, headers)
        seconds = time.perf_counter() - started
        status_code = status[:3]
        if self.metrics is not None:
            self.metrics.observe(stored.endpoint, status_code, seconds)
        write_batch = log_request(
            {
                "method": "GET",
                "path": environ.get("PATH_INFO", ""),
                "status": int(status_code),
                "duration_ms": round(seconds * 1000, 2),
                "request_id": request_id,
                "remote_addr": environ.get("REMOTE_ADDR"),
                "cache": "hit",
            }
        )
        return [body] if write_batch is None else ClosingIterator([body], write_batch)

    def _store_on_the_way(
        self, key: str | None, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Let Flask answer; keep the answer when ``mark_public`` said it may be kept."""
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if PUBLIC_FLAG not in environ or not status.startswith("200"):
                return start_response(status, headers, exc_info)
            captured[:] = [status, headers]
            return lambda data: None  # the body comes back through the iterable

        iterable = self.wsgi_app(environ, capture)
        if not captured:
            return iterable
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        status, headers = captured
        stored = self._stored(status, headers, body, environ[PUBLIC_FLAG])
        if stored is None:
            start_response(status, headers)
            return [body]
        if key is not None:
            self._set(key, stored)
        if stored.fresh_for(environ):
            return self._answer(stored, environ, start_response, time.perf_counter())
        start_response(status, [*stored.headers, *_per_request(headers)])
        return [body]

    @staticmethod
    def _stored(
        status: str, headers: list[tuple[str, str]], body: bytes, endpoint: str
    ) -> StoredResponse | None:
        """What to keep of a response, or None when it must not be kept."""
        vary = {
            part.strip().lower()
            for name, value in headers
            if name.lower() == "vary"
            for part in value.split(",")
        }
        if any(n.lower() == "set-cookie" for n, _ in headers) or not vary <= VARY_ALLOWED:
            return None
        kept = [(n, v) for n, v in headers if n.lower() not in NOT_STORED]
        given = {n.lower(): v for n, v in headers}
        etag = given.get("etag")
        if etag is None:
            etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
            kept.append(("ETag", etag))
        last_modified = parse_date(given.get("last-modified"))
        return StoredResponse(status, kept, body, etag, last_modified, endpoint)


def _per_request(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(n, v) for n, v in headers if n.lower() in NOT_STORED]


def init_app(app: Flask) -> None:
    """Put the layer around the app (inside the proxy fixes, so it sees the real scheme and
    client), and mark public answers on their way out."""
    app.after_request(mark_public)
    if app.config["RESPONSE_CACHE_ENABLED"]:
        app.wsgi_app = app.extensions["response_cache"] = ResponseCache(app.wsgi_app, app)
