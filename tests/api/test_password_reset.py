"""POST /api/users/password-reset and /confirm: the same answer for every email; a link that
works once, for an hour, and dies with any password change."""

import time

import pytest

from myapp.extensions import db
from myapp.notifications.models import PASSWORD_RESET, Notification
from myapp.users.models import User
from myapp.users.tokens import password_reset_token
from tests.api.assertions import assert_error

NEW_PASSWORD = "a-brand-new-password"


def ask(client, email):
    return client.post("/api/users/password-reset", json={"user": {"email": email}})


def confirm(client, token, password=NEW_PASSWORD):
    return client.post(
        "/api/users/password-reset/confirm", json={"token": token, "password": password}
    )


def token_for(app, account) -> str:
    with app.app_context():
        return password_reset_token(db.session.get(User, account.id))


def reset_requests(app) -> list[int]:
    with app.app_context():
        query = db.select(Notification.recipient_id).where(Notification.kind == PASSWORD_RESET)
        return list(db.session.scalars(query))


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(app, client, factory):
    account = factory.user(email="known@example.com")
    known, unknown = ask(client, "Known@Example.com"), ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json
    assert reset_requests(app) == [account.id]  # one email, to the account's owner only


def test_a_missing_email_is_422(client):
    assert_error(client.post("/api/users/password-reset", json={"user": {}}), 422, "email")
    assert_error(client.post("/api/users/password-reset", json={}), 422, "user")


def test_the_link_sets_a_new_password_and_signs_in(app, client, factory):
    account = factory.user()
    response = confirm(client, token_for(app, account))
    assert response.status_code == 200, response.json
    user = response.json["user"]
    assert user["username"] == account.username
    assert client.get("/api/user", headers={"Authorization": f"Token {user['token']}"}).json
    login = {"user": {"email": account.email, "password": NEW_PASSWORD}}
    assert client.post("/api/users/login", json=login).status_code == 200
    login["user"]["password"] = account.password
    assert client.post("/api/users/login", json=login).status_code in (401, 422)


def test_resetting_revokes_every_older_token(app, client, factory):
    account = factory.user()
    assert client.get("/api/user", headers=account.headers).status_code == 200
    assert confirm(client, token_for(app, account)).status_code == 200
    assert client.get("/api/user", headers=account.headers).status_code == 401


def test_the_link_works_once(app, client, factory):
    token = token_for(app, account := factory.user())
    assert confirm(client, token).status_code == 200
    second = confirm(client, token, password="yet-another-password")
    assert_error(second, 422, "token")
    assert "expired" in second.json["errors"]["token"][0]
    login = {"user": {"email": account.email, "password": NEW_PASSWORD}}
    assert client.post("/api/users/login", json=login).status_code == 200


def test_the_link_dies_with_any_password_change(app, client, factory):
    account = factory.user()
    token = token_for(app, account)
    change = {"user": {"password": "changed-in-settings", "currentPassword": account.password}}
    assert client.put("/api/user", json=change, headers=account.headers).status_code == 200
    assert_error(confirm(client, token), 422, "token")


def test_the_link_expires(app, client, factory, monkeypatch):
    token = token_for(app, factory.user())
    monkeypatch.setitem(app.config, "PASSWORD_RESET_TTL_SECONDS", 1)
    time.sleep(2.1)  # itsdangerous counts whole seconds
    assert_error(confirm(client, token), 422, "token")


@pytest.mark.parametrize("token", ["", "garbage", "a" * 400, "eyJ1IjoxfQ.abc.def"])
def test_forged_tokens_are_refused(client, factory, token):
    factory.user()
    response = confirm(client, token)
    assert_error(response, 422, "token")


def test_the_new_password_follows_the_rules(app, client, factory):
    response = confirm(client, token_for(app, factory.user()), password="short")
    assert_error(response, 422, "password")
