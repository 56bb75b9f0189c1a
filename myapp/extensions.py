"""Extensions, created unbound here and bound to the app in ``create_app``."""

import functools
from collections.abc import Callable
from functools import cache
from typing import Any

import flask_cors
import flask_limiter
import flask_login
import flask_smorest
import flask_sqlalchemy.session
import flask_talisman
from flask import Response, has_request_context, request, session
from flask_caching import Cache
from flask_compress import Compress
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
    """flask-talisman, a view's options looked up once: its hooks look them up a few times a
    request. Its headers are added by ``ResponseHeaders``."""

    def init_app(self, app: Any, **options: Any) -> None:
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


SecurityAndCors = tuple[list[tuple[str, str]], list[tuple[str, str]]]


class ResponseHeaders:
    """flask-talisman's security headers and flask-cors's CORS headers, added in one pass after
    the view, each kind of request's worked out once.

    Each extension gives every response of a kind the same headers. Talisman's follow from the
    view's options and from whether the request came over HTTPS (nothing here uses a nonce);
    flask-cors's from the view (the resource its path falls under), the ``Origin`` header and
    the private-network one. Yet each builds them again every response, parsing its policies
    and formatting debug messages nobody logs. Here the first response of each kind gets them
    from the two extensions themselves, run on a blank response, and the next ones a copy
    (tests/test_security_headers.py and tests/api/test_cors.py compare them), in one hook that
    looks at the request once: a signed-in read served by gunicorn spent 13 µs less CPU than
    with a copy in each extension's own hook (docs/benchmarks.md).

    The extensions themselves answer every request of another shape: a CSP nonce (new each
    request), a CORS preflight, a path no rule matched (a 404 or 405, of any path), and new
    kinds once ``KINDS`` are known, since a client chooses its ``Origin``."""

    KINDS = 1024

    def __init__(self, app: Any, talisman: Talisman) -> None:
        """Take the two extensions' hooks out of ``app`` (bound already) and put this one's
        where flask-cors's was: they ran one after the other, Talisman's second."""
        hooks = app.after_request_funcs[None]
        names = [getattr(hook, "__name__", "") for hook in hooks]
        if "cors_after_request" not in names or talisman._set_response_headers not in hooks:
            raise RuntimeError("flask-talisman or flask-cors no longer add their headers in hooks")
        self.security = talisman._set_response_headers
        self.cors = hooks[names.index("cors_after_request")]
        self.by_kind: dict[tuple[Any, ...], SecurityAndCors] = {}
        hooks[hooks.index(self.cors)] = self.add_headers
        hooks.remove(self.security)
        app.extensions["response_headers"] = self

    def add_headers(self, response: Response) -> Response:
        security, cors = self.security, self.cors
        answered = request._get_current_object()  # type: ignore[attr-defined]
        if (
            answered.method == "OPTIONS"
            or answered.url_rule is None
            or getattr(answered, "csp_nonce", None)
        ):
            return security(cors(response))
        environ = answered.environ
        kind = (
            answered.endpoint,
            answered.is_secure,
            environ.get("HTTP_X_FORWARDED_PROTO") == "https",  # Talisman reads this too
            environ.get("HTTP_ORIGIN"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        )
        made = self.by_kind.get(kind)
        if made is None:
            if len(self.by_kind) >= self.KINDS:
                return security(cors(response))
            made = self.by_kind[kind] = (headers_added_by(security), headers_added_by(cors))
        headers = response.headers
        # flask-cors adds its headers unless the view set its own; Talisman sets (replaces).
        # (``getlist``: werkzeug's ``in`` makes, raises and catches an exception on a miss.)
        if made[1] and not headers.getlist("Access-Control-Allow-Origin"):
            for name, value in made[1]:
                headers.add(name, value)
        for name, value in made[0]:
            headers[name] = value
        return response


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, whose hooks leave a read alone.

    Every limit here is on a write (myapp/limits.py, whose request filter exempts reads), yet
    before each request Flask-Limiter found the view and its limits, after it the limit to
    report in headers, and at its end reset what it kept for the request, before and after
    asking the filter: 33 µs of a signed-in read's 200 in-process. On GET, HEAD and OPTIONS its
    three hooks now return at once; a decorated view's own check is unchanged.

    Its one object serves every app in the process, and each ``init_app`` gives it that app's
    store; the mark that the store failed stays on the object. An app thus started counting in
    the in-memory fallback, then moved to its own store at the first health check, splitting
    its counts between the two so that neither reached the limit (seen in the tests, after an
    app whose Redis was down). A new store starts as alive."""

    def init_app(self, app: Any, *args: Any, **kwargs: Any) -> None:
        super().init_app(app, *args, **kwargs)
        self._storage_dead = False
        own = (self._check_request_limit, self._Limiter__release_context)  # type: ignore[attr-defined]
        wrapped = 0
        for hooks in (
            app.before_request_funcs[None],
            app.after_request_funcs[None],
            app.teardown_request_funcs[None],
        ):
            for index, hook in enumerate(hooks):
                if hook in own or getattr(hook, "args", None) == (self,):  # its after_request
                    hooks[index] = _on_writes(hook)
                    wrapped += 1
        if wrapped != 3:
            raise RuntimeError("Flask-Limiter no longer checks requests in three hooks")


def _on_writes(hook: Callable[..., Any]) -> Callable[..., Any]:
    """``hook`` on a request that may write; on a read, what it returns when it has nothing to
    do: the response it was given, if any."""

    @functools.wraps(hook)
    def on_writes(*args: Any) -> Any:
        if request.method in READ_ONLY:
            return args[0] if args and isinstance(args[0], Response) else None
        return hook(*args)

    return on_writes


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
cors = flask_cors.CORS()
csrf = CSRFProtect()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)
openapi = Api()
