"""Faults: the site keeps serving without Redis, answers 503 without its database, and recovers
from both without a restart. Each test runs its own Redis or PostgreSQL and kills it."""

import logging
import time

import flask_migrate
import psycopg
import redis
from flask.testing import FlaskClient

from myapp import create_app
from tests.factories import Account, Factory


def publish(client, account, title):
    article = {"title": title, "description": "d", "body": "b", "tagList": ["fault"]}
    return client.post("/api/articles", json={"article": article}, headers=account.headers)


def test_redis_going_away_and_coming_back(own_redis, database_url, caplog):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": own_redis.url,
            "RATELIMIT_ENABLED": True,  # the limiter uses this Redis too
            "CACHE_RETRY_SECONDS": 0.1,
        }
    )
    client = app.test_client()
    author = Factory(app).user()
    assert publish(client, author, "Before").status_code == 201
    assert client.get("/api/articles").json["articlesCount"] == 1
    assert redis.Redis.from_url(own_redis.url).dbsize() > 0  # the cache is in use

    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="myapp.caching"):
        for n in range(3):
            assert publish(client, author, f"During {n}").status_code == 201
            assert client.get("/api/articles").json["articlesCount"] == 2 + n
            assert client.get("/").status_code == 200
            assert client.get("/api/tags").json == {"tags": ["fault"]}
    assert client.get("/readyz").status_code == 503
    warnings = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once, not per request

    own_redis.start()  # empty, as a restarted Redis without persistence is
    time.sleep(0.2)  # CACHE_RETRY_SECONDS
    assert client.get("/api/articles").json["articlesCount"] == 4
    assert client.get("/readyz").status_code == 200
    assert redis.Redis.from_url(own_redis.url).dbsize() > 0  # used again, without a restart


def on_postgres(server) -> tuple[FlaskClient, Account]:
    """A client of an app on ``server``, migrated, and an author who has published "Kept"."""
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": server.url})
    with app.app_context():
        flask_migrate.upgrade()
    client = app.test_client()
    author = Factory(app).user()
    assert publish(client, author, "Kept").status_code == 201
    return client, author


def test_postgres_going_away_and_coming_back(own_postgres):
    client, author = on_postgres(own_postgres)

    own_postgres.stop()
    response = client.get("/api/articles")
    assert response.status_code == 503
    assert response.json == {"errors": {"database": ["is unavailable; try again in a moment"]}}
    assert publish(client, author, "Lost").status_code == 503
    page = client.get("/")
    assert page.status_code == 503 and "Temporarily unavailable" in page.get_data(as_text=True)
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200  # the process itself is fine

    own_postgres.start()
    listing = client.get("/api/articles").json
    assert [a["title"] for a in listing["articles"]] == ["Kept"]
    assert publish(client, author, "After").status_code == 201
    assert client.get("/readyz").status_code == 200


def test_a_connection_the_database_closed_is_replaced_without_an_error(own_postgres):
    """Connections are not pinged while in steady use (myapp/database.py): one the server has
    closed since its last request (here ``pg_terminate_backend``) is still never handed out."""
    client, author = on_postgres(own_postgres)
    assert client.get("/api/articles").status_code == 200

    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with psycopg.connect(own_postgres.url, autocommit=True) as admin:
        ended = admin.execute(f"SELECT count(pg_terminate_backend(pid)) {others}").fetchone()[0]
        # pg_terminate_backend only signals: wait until those backends have gone, so that
        # what follows meets connections the server has closed, not ones it is closing.
        for _ in range(100):
            if admin.execute(f"SELECT count(*) {others}").fetchone()[0] == 0:
                break
            time.sleep(0.05)
    assert ended >= 1  # the app's pooled connections

    listing = client.get("/api/articles")
    assert listing.status_code == 200
    assert [a["title"] for a in listing.json["articles"]] == ["Kept"]
    assert publish(client, author, "After").status_code == 201
