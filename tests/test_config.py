"""Configuration from the environment."""

import pytest

from myapp import create_app
from myapp.config import instance_secret_key, normalize_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SECRET_KEY": None})


def test_unknown_app_env_is_refused():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app({"APP_ENV": "staging"})


def test_development_makes_and_keeps_a_per_install_secret(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) >= 32
    assert instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/conduit.db"


def test_cache_is_in_process_without_redis():
    app = create_app({"APP_ENV": "testing", "REDIS_URL": None})
    assert app.config["CACHE_TYPE"] == "SimpleCache"


def test_cache_uses_redis_when_given():
    app = create_app({"APP_ENV": "testing", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/0"


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
