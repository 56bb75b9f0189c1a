"""Caching is correct first: every kind of write is seen at once by every reader, including
another app instance sharing the database and Redis, and a failing cache fails no request."""

import logging
import os
import uuid

import pytest

from myapp import create_app
from tests.factories import Factory

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture(params=["one instance", "two instances on one Redis"])
def instances(request, app, database_url):
    """(reader, writer) clients: the same app, or two apps sharing the database and Redis."""
    if request.param == "one instance":
        return app.test_client(), app.test_client()
    if not REDIS_URL:
        pytest.skip("set REDIS_URL to test two app instances sharing one Redis")
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"conduit-test-{uuid.uuid4().hex}:",
    }
    one, two = create_app(settings), create_app(settings)
    assert one.config["CACHE_TYPE"] == "RedisCache"
    return one.test_client(), two.test_client()


def snapshot(client, slug):
    """What an anonymous reader sees through every cached read."""
    listing = client.get("/api/articles").json
    article = client.get(f"/api/articles/{slug}")
    return {
        "list": listing,
        "article": article.json if article.status_code == 200 else article.status_code,
        "tags": client.get("/api/tags").json["tags"],
    }


WRITES = {
    "create article": lambda w, a, slug: w.post(
        "/api/articles",
        json={"article": {"title": "Brand new", "description": "d", "body": "b", "tagList": ["n"]}},
        headers=a.headers,
    ),
    "update article": lambda w, a, slug: w.put(
        f"/api/articles/{slug}", json={"article": {"body": "Changed body"}}, headers=a.headers
    ),
    "retag article": lambda w, a, slug: w.put(
        f"/api/articles/{slug}", json={"article": {"tagList": ["other"]}}, headers=a.headers
    ),
    "delete article": lambda w, a, slug: w.delete(f"/api/articles/{slug}", headers=a.headers),
    "favorite": lambda w, a, slug: w.post(f"/api/articles/{slug}/favorite", headers=a.headers),
    "rename author": lambda w, a, slug: w.put(
        "/api/user", json={"user": {"username": "renamed", "bio": "new bio"}}, headers=a.headers
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_is_seen_by_every_reader(app, instances, write):
    reader, writer = instances
    author = Factory(app).user("author")
    slug = Factory(app).article(author, tag_list=["cached"])

    before = snapshot(reader, slug)
    assert snapshot(reader, slug) == before  # served again, from the cache
    response = WRITES[write](writer, author, slug)
    assert response.status_code < 300, response.json
    after = snapshot(reader, slug)
    assert after != before
    assert after == snapshot(writer, slug)  # both instances agree


def test_unfavorite_is_seen(app, instances):
    reader, writer = instances
    factory = Factory(app)
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)
    factory.favorite(fan, slug)
    assert reader.get(f"/api/articles/{slug}").json["article"]["favoritesCount"] == 1
    writer.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)
    assert reader.get(f"/api/articles/{slug}").json["article"]["favoritesCount"] == 0


def test_cached_reads_skip_the_database(client, factory, count_queries):
    factory.article(factory.user(), tag_list=["t"])
    client.get("/api/articles")
    client.get("/api/tags")
    with count_queries() as queries:
        assert client.get("/api/articles").status_code == 200
        assert client.get("/api/tags").status_code == 200
    assert queries.count == 0


def test_signed_in_readers_are_never_served_from_the_cache(client, factory):
    author, reader = factory.user(), factory.user()
    slug = factory.article(author)
    client.get("/api/articles")  # cache the anonymous view
    assert client.get("/api/articles", headers=reader.headers).json["articlesCount"] == 1
    factory.favorite(reader, slug)
    factory.article(author)
    mine = client.get("/api/articles", headers=reader.headers).json
    assert mine["articles"][1]["favorited"] is True
    assert mine["articlesCount"] == 2  # the cached total moved on too


def test_unknown_articles_are_not_cached(client, factory):
    assert client.get("/api/articles/later").status_code == 404
    factory.article(factory.user(), title="Later")
    assert client.get("/api/articles/later").status_code == 200


def test_a_cache_that_fails_fails_no_request(app, database_url, factory, caplog):
    factory.article(factory.user(), tag_list=["t"])
    broken = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    )
    client = broken.test_client()
    with caplog.at_level(logging.WARNING, logger="myapp.caching"):
        for _ in range(3):
            assert client.get("/api/articles").json["articlesCount"] == 1
            assert client.get("/api/tags").json == {"tags": ["t"]}
            assert client.get("/").status_code == 200
    warnings = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(warnings) == 1
