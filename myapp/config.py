"""Configuration classes, read from the environment.

The environment variables are a contract: ``APP_ENV``, ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY`` and the others listed in README.md.
"""

import math
import os
import secrets
from pathlib import Path


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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


# The testing key below, and any key an attacker could guess, is refused in production.
PUBLIC_KEYS = {"testing-secret-key-not-for-production-use-0123456789"}
MIN_SECRET_KEY_ENTROPY_BITS = 80


def check_production_secret_key(key: str | None, min_length: int) -> None:
    """Refuse a missing, short, published or low-entropy ``SECRET_KEY`` (``"a" * 32``)."""
    advice = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if not key or len(key) < min_length:
        raise RuntimeError(
            f"SECRET_KEY must be set to a random value of at least {min_length} characters "
            f"in production, {advice}"
        )
    if key in PUBLIC_KEYS:
        raise RuntimeError(f"SECRET_KEY is the published testing key; make your own, {advice}")
    # Shannon entropy of the key's own characters: a crude bound, but it catches "a" * 32,
    # "abcabc..." and words repeated, which a real random key never resembles.
    counts = [key.count(char) for char in set(key)]
    bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts) * len(key)
    if bits < MIN_SECRET_KEY_ENTROPY_BITS:
        raise RuntimeError(f"SECRET_KEY is too predictable ({bits:.0f} bits); {advice}")


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")  # health checks on the machine itself


class Config:
    APP_ENV = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Unset means a SQLite file in the instance folder (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = (
        normalize_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else None
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_TYPE = os.environ.get("CACHE_TYPE")  # unset: Redis with REDIS_URL, else in-process
    CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "300"))
    CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "5"))  # after a failure

    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: larger bodies get 413

    # API tokens: signed JWTs, revoked by a password change.
    API_TOKEN_TTL_SECONDS = int(os.environ.get("API_TOKEN_TTL_SECONDS", str(30 * 24 * 3600)))
    CORS_ORIGINS = os.environ.get("CORS_ORIGINS", "*")

    # Password hashing: argon2id at OWASP's minimum (m=19 MiB, t=2, p=1).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1
    ARGON2_MAX_CONCURRENT = int(os.environ.get("ARGON2_MAX_CONCURRENT", "4"))  # per process

    # Remember me keeps the session cookie this long; without it the cookie ends with the browser.
    PERMANENT_SESSION_LIFETIME = int(
        os.environ.get("SESSION_LIFETIME_SECONDS", str(30 * 24 * 3600))
    )
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # CSRF tokens live as long as the session: a form left open over lunch still submits.
    WTF_CSRF_TIME_LIMIT = None

    # The site's address (https://conduit.example.org): only its host is served.
    PUBLIC_URL = os.environ.get("PUBLIC_URL")
    # Proxies in front of the app (nginx: 1) whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

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
    RATE_LIMITS_ENABLED = env_bool("RATELIMIT_ENABLED", True)  # this app's switch
    RATELIMIT_ENABLED = True  # Flask-Limiter's own, shared by every app: see myapp/limits.py
    RATELIMIT_HEADERS_ENABLED = True  # X-RateLimit-* and Retry-After
    RATELIMIT_SWALLOW_ERRORS = True  # a failing store never fails a request...
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # ...it counts in memory until it is back
    RATELIMIT_KEY_PREFIX = "conduit"
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "10 per minute;100 per hour")
    RATELIMIT_SIGN_IN_FAILURES = os.environ.get(
        "RATELIMIT_SIGN_IN_FAILURES", "5 per minute;20 per hour"
    )
    RATELIMIT_SIGN_IN_ACCOUNT = os.environ.get(
        "RATELIMIT_SIGN_IN_ACCOUNT", "10 per minute;50 per hour;200 per day"
    )
    RATELIMIT_SIGN_UP = os.environ.get("RATELIMIT_SIGN_UP", "5 per minute;50 per day")
    RATELIMIT_PASSWORD_CHANGE = os.environ.get("RATELIMIT_PASSWORD_CHANGE", "5 per hour")
    RATELIMIT_NEW_ARTICLE = os.environ.get("RATELIMIT_NEW_ARTICLE", "10 per minute;100 per day")
    RATELIMIT_NEW_COMMENT = os.environ.get("RATELIMIT_NEW_COMMENT", "10 per minute;500 per day")

    # Logs and metrics (myapp/monitoring.py)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json" in production
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
    METRICS_ALLOWED_NETWORKS = os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")

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
    RATE_LIMITS_ENABLED = False  # a test that checks limits turns them on
    # Tests create many users; a cheap hash keeps the suite fast. Production uses the class default.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 64


class ProductionConfig(Config):
    APP_ENV = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    MIN_SECRET_KEY_LENGTH = 32


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
