"""How the API authenticates: the Authorization header only, never a cookie."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "token"])
def test_token_schemes(client, factory, scheme):
    factory.user()  # others before and after, so that "some user" is not enough to pass
    account = factory.user()
    factory.user()
    response = client.get("/api/user", headers={"Authorization": f"{scheme} {account.token}"})
    assert response.status_code == 200
    assert response.json["user"]["username"] == account.username
    assert response.json["user"]["email"] == account.email


def test_each_token_names_its_own_user(client, factory):
    ann, bob = factory.user("ann"), factory.user("bob")
    for account in (ann, bob, ann):
        response = client.get("/api/user", headers=account.headers)
        assert response.status_code == 200
        assert (response.json["user"]["username"], response.json["user"]["email"]) == (
            account.username,
            account.email,
        )
        assert response.json["user"]["token"] == account.token


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic dXNlcjpwYXNz", "must be sent as 'Authorization: Token <token>'"),
        ("Token", "must be sent as 'Authorization: Token <token>'"),
        ("Token not-a-jwt", "is invalid or expired"),
    ],
)
def test_bad_header(client, header, message):
    response = client.get("/api/user", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json == {"errors": {"token": [message]}}


def test_bad_token_on_optional_endpoint_is_refused(client):
    response = client.get("/api/articles", headers={"Authorization": "Token nope"})
    assert response.status_code == 401


def _token(app, **claims):
    now = datetime.now(UTC)
    payload = {"sub": "1", "ver": 0, "iat": now, "exp": now + timedelta(hours=1)} | claims
    return jwt.encode(payload, app.config["SECRET_KEY"], algorithm="HS256")


def test_expired_token(app, client, factory):
    account = factory.user()
    past = datetime.now(UTC) - timedelta(hours=2)
    token = _token(app, sub=str(account.id), iat=past, exp=past + timedelta(hours=1))
    response = client.get("/api/user", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401


def test_token_signed_with_another_key(client, factory):
    account = factory.user()
    now = datetime.now(UTC)
    claims = {"sub": str(account.id), "ver": 0, "iat": now, "exp": now + timedelta(hours=1)}
    token = jwt.encode(claims, "another-key-of-sufficient-length-0123456789", algorithm="HS256")
    assert client.get("/api/user", headers={"Authorization": f"Token {token}"}).status_code == 401


def test_token_of_unknown_user(app, client):
    token = _token(app, sub="999999")
    assert client.get("/api/user", headers={"Authorization": f"Token {token}"}).status_code == 401


def test_session_cookie_never_authorizes_the_api(client, factory):
    account = factory.user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{account.id}:0"
        session["_fresh"] = True
    article = {"title": "t", "description": "d", "body": "b"}
    response = client.post("/api/articles", json={"article": article})
    assert response.status_code == 401
    assert client.get("/api/user").status_code == 401
    assert client.get("/api/articles").status_code == 200


def test_api_never_sets_a_cookie(client, factory):
    account = factory.user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{account.id}:0"
    for response in (
        client.get("/api/articles"),
        client.get("/api/user", headers=account.headers),
        client.post("/api/users/login", json={"user": {"email": account.email, "password": "x"}}),
    ):
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "claims",
    [{"sub": "99999999999999999999"}, {"sub": 1}, {"ver": float("inf")}, {"ver": "0"}],
    ids=["huge-id", "numeric-sub", "infinite-version", "string-version"],
)
def test_signed_tokens_with_claims_we_never_issue(app, client, factory, claims):
    account = factory.user()
    token = _token(app, **({"sub": str(account.id)} | claims))
    response = client.get("/api/user", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401
