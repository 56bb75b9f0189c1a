"""Configuration: class defaults, then the environment, then create_app's argument, read when
each app is made (so a test can change the environment without reloading anything)."""

import pytest

from myapp import create_app
from myapp.config import instance_secret_key, normalize_database_url


def test_the_environment_is_read_when_the_app_is_made(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/from-env.db")
    monkeypatch.setenv("PROXY_COUNT", "2")
    monkeypatch.setenv("RATELIMIT_ENABLED", "no")
    app = create_app({"APP_ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/from-env.db"
    assert app.config["PROXY_COUNT"] == 2
    assert app.config["RATELIMIT_ENABLED"] is False
    monkeypatch.setenv("PROXY_COUNT", "3")
    assert create_app({"APP_ENV": "development"}).config["PROXY_COUNT"] == 3


def test_the_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://env.example")
    app = create_app({"APP_ENV": "testing", "CORS_ORIGINS": "https://arg.example"})
    assert app.config["CORS_ORIGINS"] == "https://arg.example"


def test_empty_variables_count_as_unset(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("CACHE_TYPE", "")
    assert create_app({"APP_ENV": "testing"}).config["CACHE_TYPE"] == "myapp.caching.MemoryCache"


PRODUCTION = {"APP_ENV": "production", "PUBLIC_URL": "https://conduit.example.org"}


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app(PRODUCTION)
    monkeypatch.setenv("SECRET_KEY", "production-secret-from-env-Zq8vN3xK5mR2wT7yB4")
    assert create_app(PRODUCTION).config["SECRET_KEY"].startswith("production")


def test_production_refuses_to_start_without_its_public_url(monkeypatch):
    """Emails link to the site: in production the links must not come from a request's Host."""
    monkeypatch.setenv("SECRET_KEY", "production-secret-from-env-Zq8vN3xK5mR2wT7yB4")
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be set"):
        create_app({"APP_ENV": "production"})


def test_unknown_app_env_is_refused(monkeypatch):
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app({"APP_ENV": "staging"})
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app()


def test_development_makes_and_keeps_a_per_install_secret(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) >= 32
    assert instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/conduit.db"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


def test_cache_is_in_process_without_redis(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"APP_ENV": "testing"})
    assert app.config["CACHE_TYPE"] == "myapp.caching.MemoryCache"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_cache_and_limits_use_redis_when_given(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    app = create_app({"APP_ENV": "testing"})
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_making_an_app_changes_no_other_app():
    first = create_app({"APP_ENV": "testing"})
    create_app({"APP_ENV": "testing", "RATELIMIT_ENABLED": True, "LOG_FORMAT": "json"})
    assert first.config["RATELIMIT_ENABLED"] is False
    assert first.json.dumps({"a": 1}) == '{"a":1}'  # still its own JSON provider


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("mysql://root@h/db", "mysql+pymysql://root@h/db?charset=utf8mb4"),
        ("mariadb://root@h/db?x=1", "mariadb+pymysql://root@h/db?x=1&charset=utf8mb4"),
    ],
)
def test_database_url_gets_our_drivers(url, expected):
    assert normalize_database_url(url) == expected
