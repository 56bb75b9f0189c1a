"""Rate limits: per client and per account, one counter for pages and API, 429 with Retry-After."""

import os
import re
import time
import uuid

import flask_limiter
import pytest
import redis
from flask import request

from myapp import create_app
from tests.factories import Factory


@pytest.fixture
def limited(database_url):
    """An app with limits on (3 a minute), sharing the test database; Redis when given. Its own
    key prefix keeps its counters apart from every other test's."""
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "PROXY_COUNT": 1,  # lets a test speak from several client addresses
    }
    for name in (
        "SIGN_IN",
        "SIGN_IN_FAILURES",
        "SIGN_IN_ACCOUNT",
        "SIGN_UP",
        "PASSWORD_CHANGE",
        "NEW_ARTICLE",
        "NEW_COMMENT",
    ):
        settings[f"RATELIMIT_{name}"] = "3 per minute"
    if os.environ.get("REDIS_URL"):
        settings["REDIS_URL"] = os.environ["REDIS_URL"]
    # The limits count in fixed windows of a minute: a test that ran across the turn of a
    # minute would see its counts start again. Start each with at least 15 s of the window left.
    if (second := time.time() % 60) > 45:
        time.sleep(60 - second)
    return create_app(settings)


def test_a_read_skips_the_limiters_work_and_a_write_does_not(limited, monkeypatch):
    """Every limit is on a write, so on a read Flask-Limiter's hooks return at once
    (myapp/extensions.py): it never looks for the limits that apply."""
    checked = []
    check = flask_limiter.Limiter._check_request_limit

    def counted(self, *args, **kwargs):
        checked.append(request.method)
        return check(self, *args, **kwargs)

    monkeypatch.setattr(flask_limiter.Limiter, "_check_request_limit", counted)
    app = create_app(limited.config)  # its hooks bound after the spy
    client = app.test_client()
    assert client.get("/api/tags").status_code == 200
    assert client.get("/").status_code == 200
    assert client.head("/api/articles").status_code == 200
    assert client.options("/api/articles").status_code == 200
    assert checked == []
    sign_in = {"user": {"email": "nobody@example.com", "password": "wrong-password"}}
    assert client.post("/api/users/login", json=sign_in).status_code == 401
    assert checked and set(checked) == {"POST"}


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def api_login(client, email, address="198.51.100.1", origin=None, password="wrong-password"):
    body = {"user": {"email": email, "password": password}}
    headers = from_address(address) | ({"Origin": origin} if origin else {})
    return client.post("/api/users/login", json=body, headers=headers)


def test_sign_in_is_limited_with_json_and_retry_after(limited):
    client = limited.test_client()
    statuses = [api_login(client, "who@example.com").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    refused = api_login(client, "who@example.com", origin="http://localhost:4200")
    seconds = int(refused.headers["Retry-After"])
    assert 0 < seconds <= 60
    # A front end on another origin can read the wait in the message, and the headers too.
    [message] = refused.json["errors"]["requests"]
    waited = int(re.fullmatch(r"are too many; try again in (\d+) seconds?", message).group(1))
    assert abs(waited - seconds) <= 1
    exposed = {
        h.strip().lower() for h in refused.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= (
        exposed
    )


def test_an_attacker_cannot_lock_the_owner_out(limited):
    """Ten addresses hammer one account; its owner, from a new address, still signs in."""
    owner = Factory(limited).user()
    client = limited.test_client()
    for n in range(10):
        for _ in range(3):
            api_login(client, owner.email, address=f"198.51.100.{n + 10}")
    attacker = api_login(client, owner.email, address="198.51.100.10")
    assert attacker.status_code == 429
    owner_login = api_login(client, owner.email, address="203.0.113.7", password=owner.password)
    assert owner_login.status_code == 200


def test_failures_on_an_account_slow_every_client_that_failed(limited):
    account = Factory(limited).user()
    client = limited.test_client()
    # Two failures from each of three addresses. A client's first failure is not counted against
    # the account (so fresh clients are never refused), its later ones are: three reach the limit.
    for n in range(3):
        for _ in range(2):
            response = api_login(client, account.email, address=f"198.51.100.{n + 20}")
            assert response.status_code == 401
    # Those addresses are refused now, even with the right password; a fresh one is not.
    again = api_login(client, account.email, address="198.51.100.20", password=account.password)
    assert again.status_code == 429
    assert api_login(client, account.email, address="198.51.100.99").status_code == 401
    assert api_login(client, "someone-else@example.com", address="198.51.100.21").status_code == 401


def test_successful_sign_ins_do_not_count_against_the_account(limited):
    account = Factory(limited).user()
    client = limited.test_client()
    statuses = [
        api_login(client, account.email, address=f"192.0.2.{n}", password=account.password)
        for n in range(6)
    ]
    assert [s.status_code for s in statuses] == [200] * 6


def test_limits_are_per_client_across_accounts(limited):
    client = limited.test_client()
    for n in range(3):
        api_login(client, f"user{n}@example.com", address="203.0.113.5")
    assert api_login(client, "fresh@example.com", address="203.0.113.5").status_code == 429
    assert api_login(client, "fresh@example.com", address="203.0.113.6").status_code == 401


def test_pages_and_api_share_one_counter_and_pages_get_html(limited):
    client = limited.test_client()
    for _ in range(3):
        api_login(client, "who@example.com")
    page = client.get("/login", headers=from_address("198.51.100.1"))  # GET is not counted
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "email": "who@example.com", "password": "x"}
    response = client.post("/login", data=form, headers=from_address("198.51.100.1"))
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<title>Too many requests — Conduit</title>" in page
    seconds = int(response.headers["Retry-After"])
    waited = int(re.search(r"Please try again in (\d+) seconds?\.", page).group(1))
    assert abs(waited - seconds) <= 1


def test_sign_up_is_limited(limited):
    client = limited.test_client()

    def sign_up(n):
        user = {"username": f"new{n}", "email": f"new{n}@example.com", "password": "password-1"}
        return client.post("/api/users", json={"user": user}, headers=from_address("192.0.2.1"))

    assert [sign_up(n).status_code for n in range(4)] == [201, 201, 201, 429]


def test_password_changes_are_limited_other_updates_are_not(limited):
    account = Factory(limited).user()
    client = limited.test_client()

    def update(user):
        headers = account.headers | from_address("203.0.113.60")
        return client.put("/api/user", json={"user": user}, headers=headers)

    for n in range(5):
        assert update({"bio": f"bio {n}"}).status_code == 200
    token, password = account.token, account.password
    for n in range(3):
        response = client.put(
            "/api/user",
            json={"user": {"password": f"new-password-{n}", "currentPassword": password}},
            headers={"Authorization": f"Token {token}"} | from_address("203.0.113.60"),
        )
        assert response.status_code == 200
        token, password = response.json["user"]["token"], f"new-password-{n}"
    response = client.put(
        "/api/user",
        json={"user": {"password": "one-more-password", "currentPassword": password}},
        headers={"Authorization": f"Token {token}"} | from_address("203.0.113.60"),
    )
    assert response.status_code == 429


def test_article_and_comment_creation_are_limited_per_account(limited):
    factory = Factory(limited)
    author = factory.user()
    client = limited.test_client()
    article = {"title": "Title", "description": "d", "body": "b"}
    statuses = [
        client.post(
            "/api/articles",
            json={"article": article},
            headers=author.headers | from_address(f"192.0.2.{n}"),
        ).status_code
        for n in range(4)
    ]
    assert statuses == [201, 201, 201, 429]

    slug = factory.article(factory.user())
    comment = {"comment": {"body": "hi"}}
    statuses = [
        client.post(
            f"/api/articles/{slug}/comments",
            json=comment,
            headers=author.headers | from_address(f"192.0.2.{n}"),
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_limits_can_be_turned_off(client, factory):
    account = factory.user()
    body = {"user": {"email": account.email, "password": "wrong-password"}}
    assert {client.post("/api/users/login", json=body).status_code for _ in range(30)} == {401}


def test_a_failing_limiter_store_fails_no_request(database_url):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_SIGN_IN": "3 per minute",
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    )
    client = app.test_client()
    statuses = [api_login(client, "who@example.com").status_code for _ in range(5)]
    assert statuses[:3] == [401, 401, 401]  # counted in memory meanwhile
    assert 500 not in statuses


def test_an_app_counts_in_its_own_store_after_another_apps_store_failed(database_url, own_redis):
    """Flask-Limiter's one object serves every app in the process; a store that failed for one
    app must not send the next app's counts to the in-memory fallback (where they were split
    from those made after its first health check, so that neither reached the limit)."""
    settings = {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url}
    failing = create_app(
        settings | {"RATELIMIT_ENABLED": True, "REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    assert api_login(failing.test_client(), "who@example.com").status_code == 401

    prefix = f"test-{uuid.uuid4().hex}"
    app = create_app(
        settings
        | {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": prefix, "REDIS_URL": own_redis.url}
    )
    assert api_login(app.test_client(), "who@example.com").status_code == 401
    assert redis.Redis.from_url(own_redis.url).keys(f"*{prefix}/*")  # its counters


def test_guessing_the_current_password_through_email_changes_is_limited(limited):
    account = Factory(limited).user()
    client = limited.test_client()

    def guess(n):
        user = {"email": "thief@example.com", "currentPassword": f"guess-{n}"}
        headers = account.headers | from_address("203.0.113.61")
        return client.put("/api/user", json={"user": user}, headers=headers).status_code

    assert [guess(n) for n in range(4)] == [422, 422, 422, 429]
