"""Regression tests for what an outside security review found (issue 9), one section a finding.

Markdown rendering (finding 1) is in tests/articles/test_markdown.py, rate limits (finding 4)
in tests/test_rate_limits.py, page fuzzing (finding 7) in tests/pages/test_fuzz.py.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import jwt
import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, insert, select

from myapp import create_app
from myapp.extensions import db
from myapp.users import tokens
from myapp.users.models import User
from myapp.users.tokens import ALGORITHM
from tests.pages.conftest import PageClient

# --- 2. Signing out ends the session on the server ----------------------------------------------


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_copied_session_cookie_dies_with_sign_out(app, factory):
    account = factory.user()
    browser = PageClient(app.test_client())
    browser.login(account)
    stolen = session_cookie(browser.client)
    assert browser.post("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/settings")
    assert response.status_code == 302 and response.location.startswith("/login")
    # Forms posted with it are refused too (the CSRF token it carries is no help).
    thief_pages = PageClient(thief)
    assert thief_pages.post("/settings", {"bio": "pwned"}).status_code in (302, 400)
    with app.app_context():
        assert db.session.get(User, account.id).bio is None


def test_sign_out_everywhere_ends_sessions_and_tokens(app, factory):
    account = factory.user()
    laptop, phone = PageClient(app.test_client()), PageClient(app.test_client())
    laptop.login(account)
    phone.login(account)
    api = app.test_client()
    assert api.get("/api/user", headers=account.headers).status_code == 200

    assert laptop.post("/logout-everywhere").status_code == 302

    assert phone.get("/settings").status_code == 302
    assert api.get("/api/user", headers=account.headers).status_code == 401
    # Signing in again works, with a new session and a new token.
    laptop.login(account)
    assert laptop.get("/settings").status_code == 200


# --- 3. A deleted user's credentials never act as someone else ----------------------------------


def test_ids_are_not_reused_after_a_delete(app, factory):
    first = factory.user("first")
    with app.app_context():
        db.session.execute(delete(User).where(User.id == first.id))
        db.session.commit()
    second = factory.user("second")
    assert second.id != first.id
    assert app.test_client().get("/api/user", headers=first.headers).status_code == 401


def test_credentials_are_bound_to_a_random_key_not_only_the_id(app, factory):
    """Even a new row given the old id explicitly does not accept the old token or cookie."""
    old = factory.user("old")
    browser = PageClient(app.test_client())
    browser.login(old)
    with app.app_context():
        row = db.session.execute(select(User.__table__).where(User.id == old.id)).mappings().one()
        db.session.execute(delete(User).where(User.id == old.id))
        db.session.execute(
            insert(User),
            [
                dict(row)
                | {
                    "username": "newcomer",
                    "username_key": "newcomer",
                    "email": "newcomer@example.com",
                    "credentials_key": "a-different-random-key",
                    "session_key": "another-random-key",
                }
            ],
        )
        db.session.commit()
    assert app.test_client().get("/api/user", headers=old.headers).status_code == 401
    assert browser.get("/settings").status_code == 302


# --- 5. Racing password changes cannot leave two live tokens --------------------------------------


def test_racing_password_changes_leave_one_password_and_one_token(app, factory):
    account = factory.user()
    passwords = [f"racing-password-{n}" for n in range(4)]

    def change(password):
        body = {"user": {"password": password, "currentPassword": account.password}}
        return app.test_client().put("/api/user", json=body, headers=account.headers)

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        responses = list(pool.map(change, passwords))
    winners = [r for r in responses if r.status_code == 200]
    # The others find the password changed under them (422), or their token already revoked.
    assert len(winners) == 1
    assert all(r.status_code in (200, 401, 422) for r in responses)

    client = app.test_client()
    live = [
        r.json["user"]["token"]
        for r in winners
        if client.get(
            "/api/user", headers={"Authorization": f"Token {r.json['user']['token']}"}
        ).status_code
        == 200
    ]
    working = [
        p
        for p in passwords
        if client.post(
            "/api/users/login", json={"user": {"email": account.email, "password": p}}
        ).status_code
        == 200
    ]
    assert len(live) == 1 and len(working) == 1


# --- 6. Signing in takes as long for an unknown email as for a known one --------------------------


def test_an_unknown_email_is_checked_against_a_dummy_hash(client, factory, monkeypatch):
    account = factory.user()
    checked = []
    real_verify = PasswordHasher.verify

    def verify(self, password_hash, password):
        checked.append(password_hash)
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    unknown = {"user": {"email": "nobody@example.com", "password": account.password}}
    assert client.post("/api/users/login", json=unknown).status_code == 401
    known = {"user": {"email": account.email, "password": "wrong-password"}}
    assert client.post("/api/users/login", json=known).status_code == 401
    assert len(checked) == 2  # one argon2 verification each: the same work, the same time
    assert checked[0].startswith("$argon2id$")


def test_the_dummy_hash_never_signs_anyone_in(client, app):
    with app.app_context():
        from myapp.users.passwords import verify_password

        assert verify_password(None, "") is False


# --- 8. Redirects never echo the Host header; unknown hosts are refused in production -----------


def test_double_slashes_are_not_redirected_to_the_host_sent(client):
    response = client.get("/api//user", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "evil.example" not in response.headers.get("Location", "")


def test_redirects_are_relative(app, factory):
    pages = PageClient(app.test_client())
    response = pages.login(factory.user())
    assert response.location == "/"  # no scheme or host to take from the request


def production_app(database_url, **settings):
    return create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "x7Qp2-ZkVd9sLm4RtY8uWb3NcJf6HgAe1oPiKyTs",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": "https://conduit.example.org",
            **settings,
        }
    )


def test_production_answers_only_its_own_host(database_url):
    app = production_app(database_url, PUBLIC_URL="https://conduit.example.org")
    client = app.test_client()
    good = client.get("/api/tags", headers={"Host": "conduit.example.org"})
    assert good.status_code == 200
    bad = client.get("/api/tags", headers={"Host": "evil.example"})
    assert bad.status_code == 400


# --- 9. Look-alike identities ---------------------------------------------------------------------


def register(client, username, email=None):
    email = email or f"{re.sub(r'[^a-z0-9]', '', username.lower()) or 'x'}@example.com"
    user = {"username": username, "email": email, "password": "password-123"}
    return client.post("/api/users", json={"user": user})


@pytest.mark.parametrize(
    "look_alike", ["alice", "ALICE", "alice.", "a.lice", "al_ice", "ａｌｉｃｅ"]
)
def test_usernames_are_unique_whatever_their_case_width_or_separators(client, look_alike):
    assert register(client, "Alice", "alice@example.com").status_code == 201
    response = register(client, look_alike, "other@example.com")
    assert response.status_code == 422
    assert response.json["errors"]["username"] == ["has already been taken"]


def test_full_width_usernames_are_stored_normalised(client):
    response = register(client, "ｂｏｂ", "bob@example.com")
    assert response.status_code == 201
    assert response.json["user"]["username"] == "bob"


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("python\u200b", "may not contain invisible characters such as zero-width spaces"),
        ("py\u2060thon", "may not contain invisible characters such as zero-width spaces"),
        ("pyth\u043en", "mixes scripts in a way that imitates another name"),
    ],
)
def test_look_alike_tags_are_refused(client, factory, tag, message):
    account = factory.user()
    article = {"title": "T", "description": "D", "body": "B", "tagList": [tag]}
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    assert response.status_code == 422
    assert message in str(response.json["errors"])


def test_tags_are_nfkc_normalised(client, factory):
    account = factory.user()
    article = {"title": "T", "description": "D", "body": "B", "tagList": ["ｐｙｔｈｏｎ", "日本語"]}
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    assert response.status_code == 201
    assert response.json["article"]["tagList"] == ["python", "日本語"]


def test_email_domains_are_idna_normalised(client):
    response = register(client, "hans", "Hans@Bücher.example")
    assert response.status_code == 201
    assert response.json["user"]["email"] == "hans@xn--bcher-kva.example"
    again = register(client, "hans2", "hans@xn--bcher-kva.example")
    assert again.json == {"errors": {"email": ["has already been taken"]}}
    login = {"user": {"email": "HANS@bücher.example", "password": "password-123"}}
    assert client.post("/api/users/login", json=login).status_code == 200


# --- 10. Sensitive changes need the current password; tokens have a fixed end ---------------------


@pytest.mark.parametrize(
    "change", [{"email": "new@example.com"}, {"password": "a-new-password"}], ids=["email", "pw"]
)
def test_api_sensitive_changes_need_the_current_password(client, factory, change):
    account = factory.user()

    def put(user):
        return client.put("/api/user", json={"user": user}, headers=account.headers)

    missing = put(change)
    assert missing.status_code == 422
    assert missing.json == {
        "errors": {"currentPassword": ["is needed to change the email or password"]}
    }
    wrong = put(change | {"currentPassword": "not-the-password"})
    assert wrong.json == {"errors": {"currentPassword": ["is wrong"]}}
    assert put(change | {"currentPassword": account.password}).status_code == 200


def test_api_bio_image_and_username_need_no_password(client, factory):
    account = factory.user()
    user = {"bio": "b", "image": "https://example.com/i.png", "username": "renamed"}
    response = client.put("/api/user", json={"user": user}, headers=account.headers)
    assert response.status_code == 200


def test_page_sensitive_changes_need_the_current_password(client, factory):
    pages = PageClient(client)
    account = factory.user("jane")
    pages.login(account)
    form = {"username": "jane", "email": "jane.new@example.com"}
    refused = pages.post("/settings", form)
    assert refused.status_code == 422
    assert "is needed to change the email or password" in refused.get_data(as_text=True)
    accepted = pages.post("/settings", form | {"currentPassword": account.password})
    assert accepted.status_code == 302


def test_get_user_hands_back_the_token_it_was_shown(client, factory):
    account = factory.user()
    response = client.get("/api/user", headers=account.headers)
    assert response.json["user"]["token"] == account.token


def test_tokens_expire_at_a_fixed_time_that_use_does_not_extend(app, client, factory):
    account = factory.user()
    claims = jwt.decode(account.token, options={"verify_signature": False})
    issued = datetime.fromtimestamp(claims["iat"], UTC)
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    assert expires - issued == timedelta(seconds=app.config["API_TOKEN_TTL_SECONDS"])
    update = client.put("/api/user", json={"user": {"bio": "x"}}, headers=account.headers)
    refreshed = jwt.decode(update.json["user"]["token"], options={"verify_signature": False})
    assert refreshed["exp"] == claims["exp"]


def test_an_expired_token_is_refused(app, client, factory):
    account = factory.user()
    claims = jwt.decode(account.token, options={"verify_signature": False})
    claims["exp"] = claims["iat"] - 1
    expired = jwt.encode(claims, app.config["SECRET_KEY"], algorithm=ALGORITHM)
    assert client.get("/api/user", headers={"Authorization": f"Token {expired}"}).status_code == 401


def test_a_token_accepted_while_valid_is_refused_once_it_expires(client, factory, monkeypatch):
    # A process verifies each token's signature once (myapp/users/tokens.py); its times are
    # checked on every request all the same.
    account = factory.user()
    assert client.get("/api/user", headers=account.headers).status_code == 200
    expires = jwt.decode(account.token, options={"verify_signature": False})["exp"]
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: expires))
    refused = client.get("/api/user", headers=account.headers)
    assert refused.status_code == 401
    assert refused.json == {"errors": {"token": ["is invalid or expired"]}}
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: expires - 1))
    assert client.get("/api/user", headers=account.headers).status_code == 200


def test_a_token_issued_in_the_future_is_refused(app, client, factory):
    account = factory.user()
    claims = jwt.decode(account.token, options={"verify_signature": False})
    claims["iat"] += 60
    early = jwt.encode(claims, app.config["SECRET_KEY"], algorithm=ALGORITHM)
    assert client.get("/api/user", headers={"Authorization": f"Token {early}"}).status_code == 401


def test_a_token_with_times_that_are_not_whole_seconds_is_refused(app, client, factory):
    account = factory.user()
    claims = jwt.decode(account.token, options={"verify_signature": False})
    for odd in ({"exp": str(claims["exp"])}, {"iat": float(claims["iat"])}, {"exp": True}):
        token = jwt.encode(claims | odd, app.config["SECRET_KEY"], algorithm=ALGORITHM)
        refused = client.get("/api/user", headers={"Authorization": f"Token {token}"})
        assert refused.status_code == 401, odd


# --- 11. Operations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "testing-secret-key-not-for-production-use-0123456789",  # the published testing key
        "a" * 32,
        "abcd" * 8,
    ],
)
def test_production_refuses_guessable_secret_keys(database_url, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production_app(database_url, SECRET_KEY=key)


def test_production_accepts_generated_secret_keys(database_url):
    import secrets

    for key in (secrets.token_urlsafe(48), secrets.token_hex(16), secrets.token_urlsafe(24)):
        production_app(database_url, SECRET_KEY=key)


@pytest.mark.parametrize("proxies", [0, 1])
def test_hsts_only_over_https_as_the_trusted_proxies_say(database_url, proxies):
    client = production_app(database_url, PROXY_COUNT=proxies).test_client()
    forged = client.get(
        "/api/tags", headers={"X-Forwarded-Proto": "https"}, base_url="http://conduit.example.org"
    )
    if proxies == 0:  # nobody is trusted to say the request came over HTTPS
        assert "Strict-Transport-Security" not in forged.headers
    else:  # the one proxy in front said so
        assert "Strict-Transport-Security" in forged.headers
    direct = client.get("/api/tags", base_url="https://conduit.example.org")
    assert "Strict-Transport-Security" in direct.headers


def test_table_alignment_survives_the_csp(client, factory):
    account = factory.user()
    body = "| left | mid | right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |"
    article = {"title": "Table", "description": "D", "body": body}
    slug = client.post("/api/articles", json={"article": article}, headers=account.headers).json[
        "article"
    ]["slug"]
    page = client.get(f"/article/{slug}").get_data(as_text=True)
    assert '<th class="text-align-left">' in page and '<td class="text-align-right">' in page
    assert "style=" not in page.split('class="article-body"')[1].split("</div>")[0]
