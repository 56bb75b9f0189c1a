"""The response cache (myapp/response_cache.py): anonymous public reads answered before Flask,
with their own request id, log line and metrics; conditional requests; and never anything
personal: nothing that carries a session, a token, or a form with a CSRF token."""

import logging
from contextlib import contextmanager

import pytest
from flask import request_started

from myapp import create_app
from myapp.extensions import cache
from tests.pages.conftest import PageClient

PUBLIC_API = ["/api/articles", "/api/articles/{slug}", "/api/tags", "/api/profiles/author"]
PUBLIC_PAGES = ["/", "/article/{slug}", "/profile/author"]


@contextmanager
def flask_requests(app):
    """How many requests reached Flask (the layer answers the others)."""
    seen = []

    def started(sender, **extra):
        seen.append(1)

    request_started.connect(started, app)
    try:
        yield seen
    finally:
        request_started.disconnect(started, app)


@pytest.fixture
def slug(factory):
    author = factory.user("author")
    return factory.article(author, tag_list=["cached"])


@pytest.mark.parametrize("path", PUBLIC_API + PUBLIC_PAGES)
def test_an_anonymous_public_read_is_answered_before_flask(app, client, slug, path, count_queries):
    path = path.format(slug=slug)
    first = client.get(path)
    assert first.status_code == 200
    with flask_requests(app) as seen, count_queries() as queries:
        again = client.get(path)
    assert (len(seen), queries.count) == (0, 0)
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"
    # Every guarantee of a response Flask makes, on the stored one too.
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type", "Vary"):
        assert again.headers[header] == first.headers[header]
    assert "Set-Cookie" not in again.headers


def test_a_matching_if_none_match_gets_304(client, slug):
    etag = client.get("/api/articles").headers["ETag"]
    fresh = client.get("/api/articles", headers={"If-None-Match": etag})
    assert (fresh.status_code, fresh.data, fresh.headers["ETag"]) == (304, b"", etag)
    other = client.get("/api/articles", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.json["articlesCount"] == 1


def test_the_request_that_stores_it_already_answers_a_conditional_one(app, client, slug):
    etag = client.get("/api/tags").headers["ETag"]
    with app.app_context():
        cache.clear()  # the next request goes through Flask, and is stored on the way
    with flask_requests(app) as seen:
        assert client.get("/api/tags", headers={"If-None-Match": etag}).status_code == 304
    assert len(seen) == 1


def test_each_answer_has_its_own_request_id(client, slug):
    client.get("/api/articles")
    ids = {client.get("/api/articles").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    given = client.get("/api/articles", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"


def test_an_answer_from_the_cache_is_logged_and_counted(app, client, slug, caplog):
    client.get("/api/tags")
    with caplog.at_level(logging.INFO, logger="myapp.requests"):
        response = client.get("/api/tags", headers={"X-Request-ID": "from-cache"})
    (line,) = [r for r in caplog.records if getattr(r, "request_id", None) == "from-cache"]
    assert (line.method, line.path, line.status, line.cache) == ("GET", "/api/tags", 200, "hit")
    assert response.status_code == 200
    metrics = app.extensions["metrics_registry"]
    hits = metrics.get_sample_value(
        "conduit_cached_responses_total",
        {"method": "GET", "endpoint": "api.list_tags", "status": "200"},
    )
    assert hits >= 1


def test_signed_in_readers_are_never_answered_from_it(app, client, factory):
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author)
    factory.favorite(reader, slug)
    factory.follow(reader, author)
    for path in ("/api/articles", f"/api/articles/{slug}", "/api/profiles/author"):
        client.get(path)  # the anonymous answer is stored
        with flask_requests(app) as seen:
            mine = client.get(path, headers=reader.headers)
        assert len(seen) == 1
        assert "s-maxage" not in mine.headers["Cache-Control"]
        assert "ETag" not in mine.headers
    assert client.get("/api/articles", headers=reader.headers).json["articles"][0]["favorited"]
    profile = client.get("/api/profiles/author", headers=reader.headers).json["profile"]
    assert profile["following"] is True


def test_a_session_cookie_is_never_answered_from_it(app, factory, slug):
    reader = factory.user("reader")
    browser = app.test_client()
    PageClient(browser).login(reader)
    anonymous = app.test_client()
    anonymous.get("/")
    with flask_requests(app) as seen:
        page = browser.get("/")
    assert len(seen) == 1
    assert "reader" in page.text  # the signed-in header, not the stored anonymous page
    assert page.headers["Cache-Control"] == "private"


def test_a_page_with_a_csrf_token_is_never_stored(app, client):
    for path in ("/login", "/register", "/forgot-password"):
        first = client.get(path)
        assert "csrf_token" in first.text
        with flask_requests(app) as seen:
            client.get(path)
        assert len(seen) == 1, path
        assert "ETag" not in first.headers


def test_anonymous_public_pages_carry_no_csrf_token_or_cookie(client, slug):
    for path in PUBLIC_PAGES:
        page = client.get(path.format(slug=slug))
        assert "csrf_token" not in page.text, path
        assert "Set-Cookie" not in page.headers, path


def test_only_the_public_endpoints_are_stored(app, client, slug):
    for path in ("/healthz", "/api/docs", "/search?q=x&page=0"):
        client.get(path)
        with flask_requests(app) as seen:
            client.get(path)
        if path == "/healthz":
            assert len(seen) == 1  # not a public read: never stored
    assert client.get("/healthz").headers["Cache-Control"] == "private"


def test_the_answer_depends_on_the_encoding_and_the_origin(client, factory):
    author = factory.user("author")
    for n in range(10):  # a body long enough to compress
        factory.article(author, title=f"Article {n}", description="Words, " * 20)
    plain = client.get("/api/articles")
    brotli = client.get("/api/articles", headers={"Accept-Encoding": "br"})
    assert brotli.headers["Content-Encoding"] == "br" and "Content-Encoding" not in plain.headers
    assert brotli.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/api/articles").data == plain.data
    cors = client.get("/api/articles", headers={"Origin": "https://app.example"})
    assert cors.headers["Access-Control-Allow-Origin"] == "*"


def test_a_write_is_seen_at_once(client, factory, slug):
    author = factory.user("writer")
    before = client.get("/").text
    factory.article(author, title="Just published")
    assert "Just published" in client.get("/").text
    assert client.get("/").text != before


def test_it_can_be_turned_off(database_url):
    off = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RESPONSE_CACHE_ENABLED": False,
        }
    )
    client = off.test_client()
    client.get("/api/tags")
    with flask_requests(off) as seen:
        response = client.get("/api/tags")
    assert len(seen) == 1
    assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"
