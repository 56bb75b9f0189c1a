"""Extensions, created unbound here and bound to the app in ``create_app``."""

from collections.abc import Callable
from functools import cache
from typing import Any

import flask_cors
import flask_login
import flask_smorest
import flask_sqlalchemy.session
import flask_talisman
from flask import Response, has_request_context, request, session
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from marshmallow import Schema, fields
from sqlalchemy import Connection, Engine, MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Stable constraint names, so Alembic can alter them on every backend.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ErrorSchema(Schema):
    """Every /api error: ``{"errors": {"field": ["message", ...]}}`` (myapp/api/errors.py)."""

    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class Api(flask_smorest.Api):
    """flask-smorest's OpenAPI and argument parsing, without its app-wide error handler:
    the factory routes errors to RealWorld JSON on /api and to HTML pages elsewhere."""

    ERROR_SCHEMA = ErrorSchema  # documents the errors as they are sent

    # flask-smorest has no public switch for its error handler; overriding this hook (a private
    # method, checked against each upgrade by tests/api/test_errors.py) is the documented way
    # round in its issue tracker.
    def _register_error_handlers(self) -> None:
        pass


class Session(flask_sqlalchemy.session.Session):
    """Our sessions: myapp/caching.py hooks cache invalidation to their commits.

    On PostgreSQL a request that only reads (GET, HEAD, OPTIONS: no view writes on them) runs
    its statements in autocommit, as Django runs every request: psycopg would otherwise send a
    BEGIN before its first read and a ROLLBACK after its last, two round trips of its four. At
    READ COMMITTED each statement sees what committed before it either way."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine | Connection:
        bind = super().get_bind(*args, **kwargs)
        # PostgreSQL alone: SQLite's and PyMySQL's drivers send no BEGIN, and switching would
        # cost them statements of its own (a PRAGMA, two SETs) at every checkout.
        if (
            isinstance(bind, Engine)
            and bind.dialect.name == "postgresql"
            and has_request_context()
            and request.method in READ_ONLY
        ):
            return _autocommit(bind)
        return bind


READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def headers_added_by(hook: Callable[[Response], Any]) -> list[tuple[str, str]]:
    """The headers an ``after_request`` hook adds to a blank response, in order."""
    blank = Response()
    own = set(blank.headers.keys())
    hook(blank)
    return [(name, value) for name, value in blank.headers.items() if name not in own]


class Talisman(flask_talisman.Talisman):
    """flask-talisman, its response headers worked out once for each endpoint and scheme.

    Talisman gives every response of an endpoint the same headers for the same scheme (they
    follow from the view's options and from whether the request came over HTTPS; nothing here
    uses a nonce), yet builds them again each time, parsing its policies: a tenth of a request
    that does little else. The first response of each kind gets them from Talisman itself, on a
    blank response; the next ones a copy (tests/test_security_headers.py compares the two). A
    view's options, which its hooks look up a few times a request, are looked up once."""

    def init_app(self, app: Any, **options: Any) -> None:
        self.headers_by_kind: dict[tuple[str | None, bool, bool], list[tuple[str, str]]] = {}
        self.options_by_endpoint: dict[str | None, dict[str, Any]] = {}
        super().init_app(app, **options)

    def _get_local_options(self) -> dict[str, Any]:
        options = self.options_by_endpoint.get(request.endpoint)
        if options is None:
            options = self.options_by_endpoint[request.endpoint] = super()._get_local_options()
        return options

    def _force_https(self) -> Any:
        # Talisman reads the request's scheme first, then whether to act on it.
        if self.session_cookie_secure or self._get_local_options()["force_https"]:
            return super()._force_https()
        return None

    def _set_response_headers(self, response: Response) -> Response:
        if getattr(request, "csp_nonce", None):  # a nonce is new each request
            return super()._set_response_headers(response)
        # What Talisman reads of the request: the view, and the two signs of HTTPS.
        proxied = request.environ.get("HTTP_X_FORWARDED_PROTO") == "https"
        kind = (request.endpoint, request.is_secure, proxied)
        headers = self.headers_by_kind.get(kind)
        if headers is None:
            headers = self.headers_by_kind[kind] = headers_added_by(super()._set_response_headers)
        for name, value in headers:
            response.headers[name] = value
        return response


class CORS(flask_cors.CORS):
    """flask-cors, its headers for a request other than a preflight worked out once for each
    endpoint and origin.

    They follow from the path (which resource it falls under: the API's endpoints' paths, and
    no other's), the ``Origin`` header and the private-network one. flask-cors works them out
    again each response, formatting debug messages that nobody logs on the way: a twentieth of
    a signed-in read. A preflight, and a path that no rule matched (a 404 or 405, of any path),
    get flask-cors itself every time; so do new kinds once ``KINDS`` are known, since a client
    chooses its ``Origin`` (tests/api/test_cors.py compares the two)."""

    KINDS = 1024

    def init_app(self, app: Any, **options: Any) -> None:
        super().init_app(app, **options)
        hooks = app.after_request_funcs[None]
        if hooks[-1].__name__ != "cors_after_request":
            raise RuntimeError("flask-cors no longer adds its headers in an after_request hook")
        add_headers = hooks[-1]
        headers_by_kind: dict[tuple[str | None, str | None, str | None], list[tuple[str, str]]] = {}

        def cors_after_request(response: Response) -> Response:
            if request.method == "OPTIONS" or request.url_rule is None:
                return add_headers(response)
            environ = request.environ
            kind = (
                request.endpoint,
                environ.get("HTTP_ORIGIN"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
            )
            headers = headers_by_kind.get(kind)
            if headers is None:
                if len(headers_by_kind) >= self.KINDS:
                    return add_headers(response)
                headers = headers_by_kind[kind] = headers_added_by(add_headers)
            if not headers or response.headers.get("Access-Control-Allow-Origin"):
                return response  # nothing to add, or set already (flask-cors leaves it then)
            for name, value in headers:
                response.headers.add(name, value)
            return response

        cors_after_request.flask_cors = add_headers  # type: ignore[attr-defined]  # for tests
        hooks[-1] = cors_after_request


class LoginManager(flask_login.LoginManager):
    """Flask-Login, which skips session protection where there is no session to protect (every
    API request): it worked out the browser's identifier, a SHA-512 of its address and agent,
    before finding the session empty."""

    def _session_protection_failed(self) -> bool:
        if not session:
            return False  # what Flask-Login decides for an empty session, after the hash
        return super()._session_protection_failed()


@cache
def _autocommit(engine: Engine) -> Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT")


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
login_manager = LoginManager()
cache = Cache()
compress = Compress()
cors = CORS()
csrf = CSRFProtect()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)
openapi = Api()
