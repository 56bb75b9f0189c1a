"""The response cache (myapp/response_cache.py): anonymous public reads answered before Flask,
with their own request id, log line and metrics; conditional requests; and never anything
personal: no form with a CSRF token is stored, and a signed-in reader (an API token, a page's
session) is only ever given the answers Flask gave those credentials, until a write or their
expiry."""

import logging
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from flask import request_started
from sqlalchemy import update

from myapp import create_app
from myapp.extensions import cache, db
from myapp.users import services as users
from myapp.users.models import User
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


def test_a_signed_in_reader_is_never_given_a_visitors_answer(app, client, factory):
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author)
    factory.favorite(reader, slug)
    factory.follow(reader, author)
    for path in ("/api/articles", f"/api/articles/{slug}", "/api/profiles/author"):
        client.get(path)  # the anonymous answer is stored
        with flask_requests(app) as seen:
            mine = client.get(path, headers=reader.headers)
        assert len(seen) == 1
        assert mine.headers["Cache-Control"] == "private"
    assert client.get("/api/articles", headers=reader.headers).json["articles"][0]["favorited"]
    profile = client.get("/api/profiles/author", headers=reader.headers).json["profile"]
    assert profile["following"] is True


# --- an API token's own answers ---------------------------------------------------------------


def test_a_token_is_given_its_own_answer_again_before_flask(app, client, factory, count_queries):
    author, reader, other = factory.user("author"), factory.user("reader"), factory.user("other")
    slug = factory.article(author)
    factory.favorite(reader, slug)
    factory.follow(reader, author)
    for path in ("/api/articles", f"/api/articles/{slug}", "/api/articles/feed"):
        first = client.get(path, headers=reader.headers)
        with flask_requests(app) as seen, count_queries() as queries:
            again = client.get(path, headers=reader.headers)
        assert (len(seen), queries.count) == (0, 0), path
        assert (again.data, again.headers["Cache-Control"]) == (first.data, "private")
        with flask_requests(app) as seen:
            theirs = client.get(path, headers=other.headers)  # another token: Flask answers
        assert len(seen) == 1 and theirs.data != first.data, path
    assert client.get("/api/articles", headers=reader.headers).json["articles"][0]["favorited"]
    assert not client.get("/api/articles", headers=other.headers).json["articles"][0]["favorited"]


def test_a_tokens_answer_is_dropped_by_its_own_write(client, factory):
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author)
    assert not client.get(f"/api/articles/{slug}", headers=reader.headers).json["article"][
        "favorited"
    ]
    assert client.post(f"/api/articles/{slug}/favorite", headers=reader.headers).status_code == 200
    article = client.get(f"/api/articles/{slug}", headers=reader.headers).json["article"]
    assert (article["favorited"], article["favoritesCount"]) == (True, 1)


@pytest.mark.parametrize("revoke", ["sign out everywhere", "suspension", "bare update"])
def test_a_revoked_token_is_refused_though_its_answer_was_stored(app, client, factory, revoke):
    reader = factory.user("reader")
    for _ in range(2):
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    if revoke == "suspension":
        result = app.test_cli_runner().invoke(args=["users", "suspend", "reader", "--reason", "R"])
        assert result.exit_code == 0, result.output
    else:
        with app.app_context():
            if revoke == "sign out everywhere":
                users.sign_out_everywhere(db.session.get(User, reader.id))
            else:
                db.session.execute(
                    update(User).where(User.id == reader.id).values(credentials_key="x" * 32)
                )
                db.session.commit()
    refused = client.get("/api/articles", headers=reader.headers)
    assert refused.status_code == (403 if revoke == "suspension" else 401)


def test_an_expired_token_is_not_answered_from_the_cache(app, client, factory):
    reader = factory.user("reader")
    now = datetime.now(UTC)
    with app.app_context():
        key = db.session.get(User, reader.id).credentials_key
    token = jwt.encode(
        {"sub": str(reader.id), "key": key, "iat": now, "exp": now + timedelta(seconds=1)},
        app.config["SECRET_KEY"],
        algorithm="HS256",
    )
    headers = {"Authorization": f"Token {token}"}
    for _ in range(2):
        assert client.get("/api/tags", headers=headers).status_code == 200
    time.sleep(1.1)
    with flask_requests(app) as seen:
        expired = client.get("/api/tags", headers=headers)
    assert (len(seen), expired.status_code) == (1, 401)


def test_a_token_sent_to_a_page_or_a_wrong_token_is_never_stored(app, client, factory, slug):
    reader = factory.user("reader")
    wrong = {"Authorization": "Token not-a-token"}
    for path, headers, status in (("/", reader.headers, 200), ("/api/articles", wrong, 401)):
        for _ in range(2):
            with flask_requests(app) as seen:
                assert client.get(path, headers=headers).status_code == status
            assert len(seen) == 1, path


# --- a page's session and its own pages ----------------------------------------------------


def test_a_session_is_never_given_a_visitors_or_another_sessions_page(app, factory, slug):
    reader, other = factory.user("reader"), factory.user("other")
    browsers = {}
    for account in (reader, other):
        browsers[account.username] = PageClient(app.test_client())
        browsers[account.username].login(account)
    app.test_client().get("/")  # the visitors' page is stored
    for name, browser in browsers.items():
        with flask_requests(app) as seen:
            page = browser.get("/")
        assert len(seen) == 1
        assert f'href="/profile/{name}"' in page.text  # their own header
        assert page.headers["Cache-Control"] == "private"


def test_a_session_is_given_its_own_page_again_before_flask(app, factory, slug, count_queries):
    reader = factory.user("reader")
    browser = PageClient(app.test_client())
    browser.login(reader)
    for path in ("/", f"/article/{slug}", "/profile/author"):
        browser.get(path)  # may show a flash, or make the CSRF token: each sets a new cookie
        first = browser.get(path)
        with flask_requests(app) as seen, count_queries() as queries:
            again = browser.get(path)
        assert (len(seen), queries.count) == (0, 0), path
        assert again.text == first.text and "Set-Cookie" not in again.headers
    # The same cookie from another browser or address is Flask's (its session protection).
    cookie = browser.client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    with flask_requests(app) as seen:
        thief.get("/", headers={"User-Agent": "elsewhere"})
    assert len(seen) == 1


def test_a_sessions_page_follows_its_writes_and_its_signing_out(app, factory, slug):
    reader = factory.user("reader")
    browser = PageClient(app.test_client())
    browser.login(reader)
    for _ in range(3):
        assert "Unfollow author" not in browser.get(f"/article/{slug}").text
    assert browser.post("/profile/author/follow", {"next": "/"}).status_code == 302
    assert "Unfollow author" in browser.get(f"/article/{slug}").text
    cookie = browser.client.get_cookie("session").value
    for _ in range(2):
        browser.get("/")
    assert browser.post("/logout").status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("session", cookie)
    assert 'href="/profile/reader"' not in stolen.get("/").text  # signed out everywhere it was


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
