"""The signed-in user is loaded from the cache (myapp/users/viewers.py): no SQL statement once
cached, and still every write that revokes or suspends is refused on the very next request,
whatever surface or process made it."""

import os
import time
import uuid
from datetime import timedelta

import pytest
from flask import Flask
from flask_login import current_user
from sqlalchemy import event, inspect, update

from myapp import create_app
from myapp.caching import content_version
from myapp.extensions import cache, db
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.users import viewers
from myapp.users.models import User
from tests.factories import Account, Factory
from tests.pages.conftest import PageClient

SUSPENDED = {"errors": {"account": ["is suspended"]}}


def viewer_reads(statements: list[str]) -> list[str]:
    """The statements that load a user by id: the viewer's, when it is not cached."""
    return [s for s in statements if "FROM users" in s and "WHERE users.id =" in s]


def refused(client, account: Account) -> int:
    return client.get("/api/user", headers=account.headers).status_code


def warm(client, account: Account) -> None:
    """Two signed-in requests: the first caches the viewer, the second is served from it."""
    for _ in range(2):
        assert client.get("/api/user", headers=account.headers).status_code == 200


def make_admin(app: Flask, factory: Factory, username: str = "boss") -> Account:
    account = factory.user(username)
    with app.app_context():
        moderation.set_role(None, username, "admin")
        db.session.remove()
    return account


# --- no statement once cached --------------------------------------------------------------


def test_a_cached_viewer_costs_no_statement_on_the_api(client, factory, count_queries):
    reader = factory.user()
    factory.article(factory.user())
    with count_queries() as cold:
        first = client.get("/api/user", headers=reader.headers)
    with count_queries() as hot:
        second = client.get("/api/user", headers=reader.headers)
    assert first.status_code == second.status_code == 200
    assert second.json == first.json  # the rebuilt user answers exactly as the loaded one
    assert len(viewer_reads(cold.statements)) == 1
    assert hot.count == cold.count - 1 and viewer_reads(hot.statements) == []

    with count_queries() as listing:
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    assert viewer_reads(listing.statements) == []


def test_a_cached_viewer_costs_no_statement_on_the_pages(app, factory, count_queries):
    reader = factory.user()
    factory.article(factory.user())
    pages = PageClient(app.test_client())
    pages.login(reader)
    with count_queries() as cold:
        first = pages.get("/settings")
    with count_queries() as hot:
        second = pages.get("/settings")
    assert first.status_code == second.status_code == 200
    assert reader.email in second.get_data(as_text=True)
    assert len(viewer_reads(cold.statements)) == 1
    assert hot.count == cold.count - 1 and viewer_reads(hot.statements) == []


def test_the_rebuilt_user_is_persistent_and_leaves_the_password_hash_out(
    app, factory, count_queries
):
    account = factory.user("Jake_Doe")
    with app.app_context():
        loaded = viewers.load_viewer(account.id)  # from the database, then cached
        columns = {attr.key: getattr(loaded, attr.key) for attr in inspect(User).column_attrs}
        db.session.remove()
        with count_queries() as queries:
            user = viewers.load_viewer(account.id)
            state = inspect(user)
            assert state.persistent and not state.modified
            assert "password_hash" in state.unloaded
            assert {key: getattr(user, key) for key in columns if key != "password_hash"} == {
                key: value for key, value in columns.items() if key != "password_hash"
            }
        assert queries.count == 0
        with count_queries() as queries:
            assert user.password_hash.startswith("$argon2id$")  # loaded when asked for
        assert queries.count == 1
        db.session.remove()


@pytest.mark.parametrize(
    ("method", "in_session"), [("GET", False), ("HEAD", False), ("PUT", True), ("POST", True)]
)
def test_a_cached_viewer_joins_the_session_only_on_a_request_that_may_write(
    app, factory, method, in_session
):
    account = factory.user()
    with app.app_context():
        viewers.load_viewer(account.id)  # cached
        db.session.remove()
    with app.test_request_context("/api/user", method=method, headers=account.headers):
        user = current_user._get_current_object()
        assert user.id == account.id and user.email == account.email
        assert (user in db.session) is in_session
        db.session.remove()


def test_reads_share_the_user_rebuilt_under_the_version_and_a_write_gets_its_own(app, factory):
    account, follower = factory.user(), factory.user()

    def viewer_of(method: str) -> User:
        with app.test_request_context("/api/user", method=method, headers=account.headers):
            user = current_user._get_current_object()
            db.session.remove()
            return user

    viewer_of("GET")  # loaded from the database, then cached
    first = viewer_of("GET")
    assert viewer_of("GET") is first and viewer_of("HEAD") is first
    assert inspect(first).detached
    assert viewer_of("PUT") is not first  # a write's own, in its session
    factory.follow(follower, account)  # a write to a public table: a new content version
    viewer_of("GET")
    again = viewer_of("GET")
    assert again is not first and viewer_of("GET") is again


def test_the_sessions_own_copy_is_never_overwritten_by_the_cache(app, factory):
    account = factory.user()
    with app.app_context():
        viewers.load_viewer(account.id)  # cached
        db.session.remove()
        mine = db.session.get(User, account.id)
        mine.bio = "Not saved yet"
        assert viewers.load_viewer(account.id) is mine
        assert mine.bio == "Not saved yet" and inspect(mine).modified
        db.session.remove()


def test_an_unknown_id_is_nobody(app, factory):
    with app.app_context():
        assert viewers.load_viewer(123456) is None
        assert viewers.load_viewer(123456) is None


def test_writes_through_a_cached_viewer_are_saved_and_seen(client, factory):
    account = factory.user()
    warm(client, account)
    changes = {"user": {"bio": "Cached, then changed", "image": "https://example.com/me.png"}}
    response = client.put("/api/user", json=changes, headers=account.headers)
    assert response.status_code == 200, response.json
    me = client.get("/api/user", headers=account.headers).json["user"]
    assert (me["bio"], me["image"]) == ("Cached, then changed", "https://example.com/me.png")


def test_the_entry_lives_viewer_cache_seconds_at_most(app, client, factory, count_queries):
    account = factory.user()
    warm(client, account)
    if app.config["CACHE_TYPE"] == "RedisCache":  # Redis: the entry expires by itself
        with app.app_context():
            redis = cache.cache._write_client
            pattern = f"*viewer:{content_version()}:*"  # this test's, not another run's
            ttls = [redis.ttl(key) for key in redis.scan_iter(pattern)]
        assert ttls and all(0 < ttl <= viewers.VIEWER_CACHE_SECONDS for ttl in ttls)
        return
    memory = app.extensions["cache"][cache]
    later = time.monotonic() + viewers.VIEWER_CACHE_SECONDS + 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(memory, "clock", lambda: later)
        with count_queries() as queries:
            assert client.get("/api/user", headers=account.headers).status_code == 200
    assert len(viewer_reads(queries.statements)) == 1


# --- revocations and suspensions, seen on the very next request ----------------------------


def test_a_password_change_revokes_a_cached_token(client, factory):
    account = factory.user()
    warm(client, account)
    user = {"password": "a-new-password", "currentPassword": account.password}
    response = client.put("/api/user", json={"user": user}, headers=account.headers)
    assert response.status_code == 200, response.json
    assert refused(client, account) == 401
    fresh = {"Authorization": f"Token {response.json['user']['token']}"}
    assert client.get("/api/user", headers=fresh).status_code == 200


def test_a_password_change_on_the_pages_signs_out_other_cached_sessions(app, factory):
    account = factory.user()
    laptop, phone = PageClient(app.test_client()), PageClient(app.test_client())
    laptop.login(account)
    phone.login(account)
    for _ in range(2):
        assert phone.get("/settings").status_code == 200
    response = laptop.post(
        "/settings", {"password": "a-new-password", "currentPassword": account.password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert phone.get("/settings").status_code == 302  # back to the sign-in page
    assert laptop.get("/settings").status_code == 200  # the session that changed it stays


def test_sign_out_everywhere_ends_cached_sessions_and_tokens(app, factory):
    account = factory.user()
    laptop, phone = PageClient(app.test_client()), PageClient(app.test_client())
    api = app.test_client()
    laptop.login(account)
    phone.login(account)
    for _ in range(2):
        assert phone.get("/settings").status_code == 200
    warm(api, account)
    assert laptop.post("/logout-everywhere").status_code == 302
    assert phone.get("/settings").status_code == 302
    assert refused(api, account) == 401


def test_signing_out_ends_the_cached_session(app, factory):
    account = factory.user()
    browser = PageClient(app.test_client())
    browser.login(account)
    stolen = browser.client.get_cookie("session").value
    for _ in range(2):
        assert browser.get("/settings").status_code == 200
    assert browser.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/settings").status_code == 302


def test_a_suspension_by_an_admin_is_applied_at_once(app, factory):
    victim = factory.user("victim")
    admin = PageClient(app.test_client())
    admin.login(make_admin(app, factory))
    browser, api = PageClient(app.test_client()), app.test_client()
    browser.login(victim)
    for _ in range(2):
        assert browser.get("/settings").status_code == 200
    warm(api, victim)

    response = admin.post("/admin/users/victim/suspend", {"reason": "Spamming"})
    assert response.status_code == 302
    answer = api.get("/api/user", headers=victim.headers)
    assert (answer.status_code, answer.json) == (403, SUSPENDED)
    assert browser.get("/settings").status_code == 302

    assert admin.post("/admin/users/victim/unsuspend").status_code == 302
    assert refused(api, victim) == 200


def test_a_suspension_from_the_command_line_is_applied_at_once(app, client, factory):
    victim = factory.user("victim")
    warm(client, victim)
    result = app.test_cli_runner().invoke(args=["users", "suspend", "victim", "--reason", "R"])
    assert result.exit_code == 0, result.output
    assert refused(client, victim) == 403
    result = app.test_cli_runner().invoke(args=["users", "unsuspend", "victim"])
    assert result.exit_code == 0, result.output
    assert refused(client, victim) == 200


@pytest.mark.parametrize(
    "values",
    [{"credentials_key": "x" * 32}, {"suspended_at": utcnow()}],
    ids=["new credentials key", "suspended"],
)
def test_a_bare_update_statement_invalidates_the_cached_viewer(app, client, factory, values):
    victim = factory.user()
    warm(client, victim)
    with app.app_context():
        db.session.execute(update(User).where(User.id == victim.id).values(**values))
        db.session.commit()
    assert refused(client, victim) in (401, 403)


def test_a_suspension_that_ends_by_time_ends_for_a_cached_viewer(
    app, client, factory, count_queries, monkeypatch
):
    victim = factory.user("victim")
    until = utcnow() + timedelta(hours=1)
    with app.app_context():
        moderation.suspend(None, "victim", "A break", until)
    assert refused(client, victim) == 403  # caches the suspended row
    monkeypatch.setattr("myapp.users.models.utcnow", lambda: until + timedelta(seconds=1))
    with count_queries() as queries:
        assert refused(client, victim) == 200  # the same cached row, judged at a later time
    assert viewer_reads(queries.statements) == []


# --- several processes, and no cache --------------------------------------------------------


@pytest.fixture
def two_apps(database_url: str) -> tuple[Flask, Flask]:
    """Two apps sharing the database and Redis (without Redis: each its own in-process cache
    and the instance folder's content version), as two gunicorn workers or hosts do."""
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "CACHE_KEY_PREFIX": f"conduit-test-{uuid.uuid4().hex}:",
    }
    return create_app(settings), create_app(settings)


def test_a_suspension_through_one_app_is_seen_by_the_other_at_once(app, factory, two_apps):
    one, two = two_apps
    victim = factory.user("victim")
    admin = PageClient(one.test_client())
    admin.login(make_admin(app, factory))
    reader = two.test_client()
    warm(reader, victim)

    assert admin.post("/admin/users/victim/suspend", {"reason": "Spamming"}).status_code == 302
    assert refused(reader, victim) == 403
    assert admin.post("/admin/users/victim/unsuspend").status_code == 302
    assert refused(reader, victim) == 200


def test_a_password_change_through_one_app_revokes_the_token_on_the_other(factory, two_apps):
    one, two = two_apps
    account = factory.user()
    reader = two.test_client()
    warm(reader, account)
    user = {"password": "a-new-password", "currentPassword": account.password}
    response = one.test_client().put("/api/user", json={"user": user}, headers=account.headers)
    assert response.status_code == 200
    assert refused(reader, account) == 401


def test_without_a_cache_the_viewer_comes_from_the_database(app, database_url, factory):
    broken = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    )
    with broken.app_context():
        engine = db.engine
    reads: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda c, cur, s, *a: reads.append(s))
    victim = factory.user("victim")
    client = broken.test_client()
    for _ in range(2):
        assert refused(client, victim) == 200
    assert len(viewer_reads(reads)) == 2  # one a request: nothing was cached
    with app.app_context():
        moderation.suspend(None, "victim", "R", None)
    assert refused(client, victim) == 403
