"""Conduit: a publishing platform with server-rendered pages and a RealWorld JSON API."""

import os
import sqlite3
from collections.abc import Mapping
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

from myapp import caching, response_cache
from myapp.application import Conduit, is_api_request, trust_only_the_scheme_seen
from myapp.config import load_config
from myapp.database import check_connections_on_checkout, queue_writers_on_sqlite
from myapp.errors import DomainError
from myapp.extensions import (
    ResponseHeaders,
    cache,
    compress,
    cors,
    csrf,
    db,
    limiter,
    login_manager,
    openapi,
    talisman,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides the settings read from the environment."""
    app = Conduit(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app.config, app.instance_path, config or {})
    app.json.sort_keys = False  # keep the schemas' field order
    # "/api//user" is a 404, not a redirect to a URL built from the Host header.
    app.url_map.merge_slashes = False

    register_monitoring(app)
    register_extensions(app)
    response_cache.init_app(app)  # around the app, inside the proxy fixes
    register_proxies(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_worker(app)
    return app


def register_proxies(app: Flask) -> None:
    """Trust ``X-Forwarded-*`` from exactly ``PROXY_COUNT`` proxies, and nobody else."""
    app.wsgi_app = trust_only_the_scheme_seen(app.wsgi_app)
    if count := app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE needs it
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_extensions(app: Flask) -> None:
    from myapp.authentication import (
        SessionInterface,
        load_session_user,
        load_token_user,
        unauthorized,
    )

    # First, so that its after_request hook runs after every other that changes the body.
    compress.init_app(app)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            queue_writers_on_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            check_connections_on_checkout(db.engine)
    register_migrations(app)
    cache.init_app(app)
    caching.init_app(app)
    if app.config["RATELIMIT_ENABLED"]:
        limiter.init_app(app)
    csrf.init_app(app)
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy; HSTS is sent on requests that came over HTTPS
        content_security_policy=app.config["CONTENT_SECURITY_POLICY"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=False,  # Secure is set per request: see authentication
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"].split(",")}},
        send_wildcard=True,
        max_age=86400,
        # A browser app may read how long to wait after a 429.
        expose_headers=[
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
    )
    ResponseHeaders(app, talisman)

    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    login_manager.request_loader(load_token_user)
    login_manager.unauthorized_handler(unauthorized)

    openapi.init_app(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "Token": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": "Token <token from sign-in>",
                    }
                }
            }
        },
    )


def register_migrations(app: Flask) -> None:
    """Flask-Migrate where migrations run: a command line (``flask db``; the app is built inside
    click's context) and the tests. A web worker never migrates, and Alembic's import costs each
    one 11 MB; a script that migrates calls ``bind_migrations`` itself."""
    if click.get_current_context(silent=True) is not None or app.testing:
        bind_migrations(app)


def bind_migrations(app: Flask) -> None:
    """Give the app ``flask db`` and ``flask_migrate.upgrade()``."""
    from flask_migrate import Migrate

    Migrate(app, db, render_as_batch=True)


def register_monitoring(app: Flask) -> None:
    from myapp import monitoring

    monitoring.init_app(app)


def register_blueprints(app: Flask) -> None:
    from myapp.admin import bp as admin_bp
    from myapp.api import bp as api_bp
    from myapp.api.docs import assets as api_docs_assets
    from myapp.auth import bp as auth_bp
    from myapp.pages import bp as pages_bp

    openapi.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # token-authenticated: no cookie, so no cross-site request forgery
    app.register_blueprint(api_docs_assets)
    app.register_blueprint(auth_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(admin_bp)
    skip_page_hooks_on_the_api(app)


def skip_page_hooks_on_the_api(app: Conduit) -> None:
    """The API's requests skip the hooks that serve only pages: it is exempt from CSRF, its
    session is always empty and never saved (so Flask-Login has no remember cookie to renew),
    it answers no /admin path, and it renders no HTML that a CSP nonce could be for."""
    from myapp.admin import staff_only

    (csrf_protect,) = (
        f for f in app.before_request_funcs[None] if getattr(f, "__name__", "") == "csrf_protect"
    )
    app.skip_hooks(
        "api",
        csrf_protect,
        staff_only,
        talisman._make_nonce,
        login_manager._update_remember_cookie,
    )


def register_errorhandlers(app: Flask) -> None:
    from myapp.api.errors import handle_error as api_error
    from myapp.pages.errors import handle_error as page_error

    def handle_error(error: Exception):
        return api_error(error) if is_api_request() else page_error(error)

    def database_unavailable(error: Exception):
        current_app.logger.warning("database unavailable: %s", type(error).__name__)
        unavailable = ServiceUnavailable("is unavailable; try again in a moment", retry_after=5)
        return handle_error(unavailable)

    app.register_error_handler(DomainError, handle_error)
    app.register_error_handler(HTTPException, handle_error)
    # The database went away (or SQLite is busy): 503 with a clear message. The pool checks
    # connections before use (not on SQLite), so service resumes by itself when it is back.
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)


def register_commands(app: Flask) -> None:
    from myapp.commands import notifications, related, seed, users_group

    app.cli.add_command(seed)
    app.cli.add_command(notifications)
    app.cli.add_command(related)
    app.cli.add_command(users_group)


def register_worker(app: Flask) -> None:
    from myapp.worker import celery_init_app

    celery_init_app(app)
