"""Extensions, created unbound here and bound to the app in ``create_app``."""

from functools import cache
from typing import Any

import flask_smorest
import flask_sqlalchemy.session
import flask_talisman
from flask import Response, has_request_context, request
from flask_caching import Cache
from flask_compress import Compress
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
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


class Talisman(flask_talisman.Talisman):
    """flask-talisman, its response headers worked out once for each endpoint and scheme.

    Talisman gives every response of an endpoint the same headers for the same scheme (they
    follow from the view's options and from whether the request came over HTTPS; nothing here
    uses a nonce), yet builds them again each time, parsing its policies: a tenth of a request
    that does little else. The first response of each kind gets them from Talisman itself, on a
    blank response; the next ones a copy (tests/test_security_headers.py compares the two)."""

    def init_app(self, app: Any, **options: Any) -> None:
        self.headers_by_kind: dict[tuple[str | None, bool, bool], list[tuple[str, str]]] = {}
        super().init_app(app, **options)

    def _set_response_headers(self, response: Response) -> Response:
        if getattr(request, "csp_nonce", None):  # a nonce is new each request
            return super()._set_response_headers(response)
        # What Talisman reads of the request: the view, and the two signs of HTTPS.
        proxied = request.environ.get("HTTP_X_FORWARDED_PROTO") == "https"
        kind = (request.endpoint, request.is_secure, proxied)
        headers = self.headers_by_kind.get(kind)
        if headers is None:
            blank = Response()
            own = set(blank.headers.keys())
            super()._set_response_headers(blank)
            headers = [(name, value) for name, value in blank.headers.items() if name not in own]
            self.headers_by_kind[kind] = headers
        for name, value in headers:
            response.headers[name] = value
        return response


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
