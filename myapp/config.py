"""Configuration: defaults per ``APP_ENV``, then the environment, read when an app is made.

The environment variables are a contract: ``APP_ENV``, ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY`` and the others listed in README.md (``ENVIRONMENT`` below maps them).
"""

import math
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from flask import Config as FlaskConfig

DRIVERS = {
    "postgres://": "postgresql+psycopg://",
    "postgresql://": "postgresql+psycopg://",
    "mysql://": "mysql+pymysql://",
    "mariadb://": "mariadb+pymysql://",
}


def normalize_database_url(url: str) -> str:
    """Give bare URLs our drivers: psycopg 3 for PostgreSQL, PyMySQL (utf8mb4) for MariaDB/MySQL."""
    for bare, full in DRIVERS.items():
        if url.startswith(bare):
            url = full + url[len(bare) :]
    if url.startswith(("mysql+", "mariadb+")) and "charset=" not in url:
        url += ("&" if "?" in url else "?") + "charset=utf8mb4"
    return url


def instance_secret_key(instance_path: str) -> str:
    """A random key made once per install and kept in the instance folder (development only)."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_urlsafe(48)
        f.write(key)
    return key


# Any key an attacker could guess is refused in production (and TestingConfig's, published here).
MIN_SECRET_KEY_ENTROPY_BITS = 80


def check_production_secret_key(key: str | None, min_length: int) -> None:
    """Refuse a missing, short, published or low-entropy ``SECRET_KEY`` (``"a" * 32``)."""
    advice = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if not key or len(key) < min_length:
        raise RuntimeError(
            f"SECRET_KEY must be set to a random value of at least {min_length} characters "
            f"in production, {advice}"
        )
    if key == TestingConfig.SECRET_KEY:
        raise RuntimeError(f"SECRET_KEY is the published testing key; make your own, {advice}")
    # Shannon entropy of the key's own characters: a crude bound, but it catches "a" * 32,
    # "abcabc..." and words repeated, which a real random key never resembles.
    counts = [key.count(char) for char in set(key)]
    bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts) * len(key)
    if bits < MIN_SECRET_KEY_ENTROPY_BITS:
        raise RuntimeError(f"SECRET_KEY is too predictable ({bits:.0f} bits); {advice}")


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")  # health checks on the machine itself


class Config:
    """Defaults. ``load_config`` puts the environment (``ENVIRONMENT``) and create_app's
    argument on top, when each app is made."""

    APP_ENV = "development"
    SECRET_KEY = None  # development: made once per install (instance/secret_key)
    SQLALCHEMY_DATABASE_URI = None  # unset: a SQLite file in the instance folder
    # Off for SQLite, and for PostgreSQL, whose connections are checked without a round trip
    # (myapp/database.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    REDIS_URL = None
    CACHE_TYPE = None  # unset: Redis with REDIS_URL, else in-process
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_RETRY_SECONDS = 5.0  # after a failure, before the cache is tried again
    # With Redis: how long a process trusts the content version it read (a lease), and how long
    # a write waits after replacing it before it answers (myapp.caching.VersionLease). 0: read
    # it on every request, and never wait.
    CACHE_VERSION_LEASE_SECONDS = 0.01
    # In-process only (myapp.caching.MemoryCache): the bytes its entries (fragments, whole
    # responses) may take; the least recently used go first.
    CACHE_MAX_BYTES = 8 * 1024 * 1024
    # Anonymous public reads answered before Flask runs (myapp/response_cache.py), and how long
    # a shared cache in front (nginx, a CDN) may keep them.
    RESPONSE_CACHE_ENABLED = True
    RESPONSE_CACHE_SHARED_SECONDS = 5

    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: larger bodies get 413

    # API tokens: signed JWTs that live this long from sign-in (myapp/users/tokens.py).
    API_TOKEN_TTL_SECONDS = 30 * 24 * 3600
    CORS_ORIGINS = "*"

    # Password hashing: argon2id at OWASP's equivalent minimum with the least memory (m=7 MiB,
    # t=5, p=1; the same work as m=19 MiB, t=2), at most 2 at once per process (issue 15).
    ARGON2_TIME_COST = 5
    ARGON2_MEMORY_COST_KIB = 7 * 1024
    ARGON2_PARALLELISM = 1
    ARGON2_MAX_CONCURRENT = 2  # per process: the hashing threads (myapp/users/passwords.py)

    # Remember me keeps the session cookie this long; without it the cookie ends with the browser.
    PERMANENT_SESSION_LIFETIME = 30 * 24 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # CSRF tokens live as long as the session: a form left open over lunch still submits.
    WTF_CSRF_TIME_LIMIT = None

    # The site's address (https://conduit.example.org): only its host is served.
    PUBLIC_URL = None
    # Proxies in front of the app (nginx: 1) whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = 0

    # Security headers (flask-talisman). No inline script or style anywhere.
    CONTENT_SECURITY_POLICY = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https: http:",  # avatars and article images live elsewhere
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }

    # Rate limits (Flask-Limiter): per client and per account; "N per minute;M per hour" syntax.
    RATELIMIT_ENABLED = True  # the one switch (myapp/limits.py)
    RATELIMIT_HEADERS_ENABLED = True  # X-RateLimit-* and Retry-After
    RATELIMIT_SWALLOW_ERRORS = True  # a failing store never fails a request...
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # ...it counts in memory until it is back
    RATELIMIT_KEY_PREFIX = "conduit"
    RATELIMIT_SIGN_IN = "10 per minute;100 per hour"
    RATELIMIT_SIGN_IN_FAILURES = "5 per minute;20 per hour"
    RATELIMIT_SIGN_IN_ACCOUNT = "10 per minute;50 per hour;200 per day"
    RATELIMIT_SIGN_UP = "5 per minute;50 per day"
    RATELIMIT_PASSWORD_CHANGE = "5 per hour"
    RATELIMIT_NEW_ARTICLE = "10 per minute;100 per day"
    RATELIMIT_NEW_COMMENT = "10 per minute;500 per day"
    # The editor's preview: the live one asks again after each pause in typing.
    RATELIMIT_PREVIEW = "60 per minute;2000 per day"

    # Logs and metrics (myapp/monitoring.py)
    LOG_FORMAT = "text"  # "json" in production
    LOG_LEVEL = "INFO"
    METRICS_ENABLED = True
    METRICS_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128"

    # The worker (myapp/worker.py, myapp/tasks.py). Broker: CELERY_BROKER_URL, else REDIS_URL,
    # else a SQLite file in the instance folder.
    CELERY_BROKER_URL = None
    # The broker queue the site's tasks go through: sites (or test runs) sharing a broker give
    # each theirs.
    WORKER_QUEUE = "conduit"
    CELERY_TASK_ALWAYS_EAGER = False  # run tasks in the caller: unit tests only
    WORKER_CONCURRENCY = 4  # threads per worker
    WORKER_METRICS_PORT = 9808  # the worker's own /metrics on 127.0.0.1; 0: none
    PUBLISH_INTERVAL_SECONDS = 30.0  # beat publishes due articles this often
    OUTBOX_SWEEP_SECONDS = 30.0  # ...and re-queues notifications the broker never got
    RELATED_SWEEP_SECONDS = 60.0  # ...and computes related articles a lost message left stale
    RELATED_INDEX_SECONDS = 3600.0  # a worker refits its related-articles vocabulary this often

    # Email (myapp/notifications/). Without SMTP_URL, messages are written to instance/mail/.
    SMTP_URL = None  # smtp://user:pass@host:587 (STARTTLS when offered), smtps://... for TLS
    SMTP_TIMEOUT_SECONDS = 10.0
    MAIL_FROM = "Conduit <conduit@localhost>"
    MAIL_FOLDER = None  # without SMTP_URL, emails are written here (default: instance/mail)
    NOTIFICATION_MAX_ATTEMPTS = 6
    NOTIFICATION_RETRY_SECONDS = 30.0  # the first retry's wait; each later one doubles it
    NOTIFICATION_LEASE_SECONDS = 120.0  # a claimed delivery unfinished after this is retried
    ARTICLE_DIGEST_SECONDS = 3600.0  # at most one "new articles" email per follower this often
    REPORT_DIGEST_SECONDS = 900.0  # at most one "new reports" email per moderator this often
    RATELIMIT_REPORT = "10 per minute;50 per day"
    PASSWORD_RESET_TTL_SECONDS = 3600
    RATELIMIT_PASSWORD_RESET = "5 per hour;20 per day"
    RATELIMIT_PASSWORD_RESET_CONFIRM = "10 per hour"

    # Text compression (Flask-Compress) where the app answers directly; behind nginx, nginx
    # compresses too (docs/nginx.conf). Brotli first, gzip for the rest; small bodies as they are.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]  # static files (send_file streams them)
    COMPRESS_MIN_SIZE = 500

    POPULAR_TAGS_LIMIT = 20
    PAGE_SIZE = 10  # articles per page on the HTML pages

    # OpenAPI (flask-smorest)
    API_TITLE = "Conduit API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False  # a test that checks limits turns them on
    CELERY_TASK_ALWAYS_EAGER = True  # a test that runs a real worker turns it off
    RELATED_INDEX_SECONDS = 0.0  # tests empty the database between them: refit every time
    # Every write would wait it out; the tests of the lease turn it on (tests/test_caching.py).
    CACHE_VERSION_LEASE_SECONDS = 0.0
    WORKER_METRICS_PORT = 0
    # Tests create many users; a cheap hash keeps the suite fast. Production uses the class default.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 64


class ProductionConfig(Config):
    APP_ENV = "production"
    LOG_FORMAT = "json"
    MIN_SECRET_KEY_LENGTH = 32


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Setting: (environment variable, how to read it). The variables are a contract (README.md).
# Most settings are read from the variable of the same name.
SAME_NAME: dict[Callable[[str], Any], tuple[str, ...]] = {
    str: (
        "SECRET_KEY", "REDIS_URL", "CACHE_TYPE", "CORS_ORIGINS", "PUBLIC_URL", "LOG_FORMAT",
        "LOG_LEVEL", "METRICS_ALLOWED_NETWORKS", "RATELIMIT_SIGN_IN", "RATELIMIT_SIGN_IN_FAILURES",
        "RATELIMIT_SIGN_IN_ACCOUNT", "RATELIMIT_SIGN_UP", "RATELIMIT_PASSWORD_CHANGE",
        "RATELIMIT_NEW_ARTICLE", "RATELIMIT_NEW_COMMENT", "RATELIMIT_PASSWORD_RESET",
        "RATELIMIT_PASSWORD_RESET_CONFIRM", "RATELIMIT_REPORT", "RATELIMIT_PREVIEW",
        "CELERY_BROKER_URL", "MAIL_FOLDER",
        "WORKER_QUEUE", "SMTP_URL", "MAIL_FROM",
    ),
    int: (
        "CACHE_DEFAULT_TIMEOUT", "API_TOKEN_TTL_SECONDS", "ARGON2_MAX_CONCURRENT", "PROXY_COUNT",
        "WORKER_CONCURRENCY", "WORKER_METRICS_PORT", "NOTIFICATION_MAX_ATTEMPTS",
        "PASSWORD_RESET_TTL_SECONDS", "RESPONSE_CACHE_SHARED_SECONDS", "CACHE_MAX_BYTES",
    ),
    float: (
        "CACHE_RETRY_SECONDS", "CACHE_VERSION_LEASE_SECONDS", "PUBLISH_INTERVAL_SECONDS",
        "OUTBOX_SWEEP_SECONDS",
        "RELATED_SWEEP_SECONDS", "RELATED_INDEX_SECONDS",
        "SMTP_TIMEOUT_SECONDS", "NOTIFICATION_RETRY_SECONDS", "NOTIFICATION_LEASE_SECONDS",
        "ARTICLE_DIGEST_SECONDS", "REPORT_DIGEST_SECONDS",
    ),
    parse_bool: (
        "RATELIMIT_ENABLED", "METRICS_ENABLED", "CELERY_TASK_ALWAYS_EAGER",
        "RESPONSE_CACHE_ENABLED",
    ),
}  # fmt: skip
ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
    "SQLALCHEMY_DATABASE_URI": ("DATABASE_URL", normalize_database_url),
    "PERMANENT_SESSION_LIFETIME": ("SESSION_LIFETIME_SECONDS", int),
    **{name: (name, read) for read, names in SAME_NAME.items() for name in names},
}


def read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment gives (empty variables count as unset)."""
    return {
        setting: read(environ[variable])
        for setting, (variable, read) in ENVIRONMENT.items()
        if environ.get(variable)
    }


def load_config(
    config: FlaskConfig, instance_path: str, overrides: Mapping[str, Any], environ=os.environ
) -> None:
    """Fill ``config``: the class for ``APP_ENV``, then the environment, then ``overrides``;
    then what follows from them."""
    app_env = overrides.get("APP_ENV") or environ.get("APP_ENV", "development")
    if app_env not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {app_env!r}")
    config.from_object(CONFIGS[app_env])
    config.update(read_environment(environ))
    config.update(overrides)
    _derive(config, instance_path)


def _derive(config: FlaskConfig, instance_path: str) -> None:
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(instance_path, "conduit.db")
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if config["APP_ENV"] == "production":
        check_production_secret_key(config.get("SECRET_KEY"), config["MIN_SECRET_KEY_LENGTH"])
        if not config.get("PUBLIC_URL"):
            # Emails carry links to the site: they must never be built from a request's Host.
            raise RuntimeError(
                "PUBLIC_URL must be set in production, e.g. https://conduit.example.org"
            )
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    if config.get("PUBLIC_URL") and not config.get("TRUSTED_HOSTS"):
        # Requests for any other host are refused (400): nothing is built from a forged Host.
        config["TRUSTED_HOSTS"] = [urlsplit(config["PUBLIC_URL"]).hostname, *LOCAL_HOSTS]
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    # JSON columns and aggregates (a page's tags) are read with orjson, as requests are.
    options.setdefault("json_deserializer", orjson.loads)
    if config["SQLALCHEMY_DATABASE_URI"].startswith(("sqlite", "postgres")):
        # A file next to the app never drops a connection; PostgreSQL's are checked as they
        # are handed out (myapp.database.check_connections_on_checkout).
        options["pool_pre_ping"] = False
    if config["SQLALCHEMY_DATABASE_URI"].startswith(("mysql", "mariadb")):
        # As on PostgreSQL: each statement sees what committed before it.
        options.setdefault("isolation_level", "READ COMMITTED")
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config.get("REDIS_URL"):
        config["CACHE_TYPE"] = config.get("CACHE_TYPE") or "RedisCache"
        config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
        # A Redis that stops answering must not hold requests up for long.
        config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
        config.setdefault("RATELIMIT_STORAGE_URI", config["REDIS_URL"])
        config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
    else:
        config["CACHE_TYPE"] = config.get("CACHE_TYPE") or "myapp.caching.MemoryCache"
        config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
