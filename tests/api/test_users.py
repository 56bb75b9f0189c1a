"""POST /api/users, POST /api/users/login, GET and PUT /api/user."""

import pytest

USER_KEYS = {"email", "token", "username", "bio", "image", "notifications"}


def register(client, **fields):
    user = {"username": "jake", "email": "jake@jake.jake", "password": "jakejakejake"} | fields
    return client.post("/api/users", json={"user": user})


class TestRegister:
    def test_creates_user_with_token(self, client):
        response = register(client, email="Jake@Jake.JAKE")
        assert response.status_code == 201
        user = response.json["user"]
        assert set(user) == USER_KEYS
        assert user["username"] == "jake"
        assert user["email"] == "jake@jake.jake"
        assert user["bio"] is None and user["image"] is None
        me = client.get("/api/user", headers={"Authorization": f"Token {user['token']}"})
        assert me.json["user"]["username"] == "jake"

    def test_sets_no_cookie(self, client):
        assert "Set-Cookie" not in register(client).headers

    @pytest.mark.parametrize("field", ["username", "email", "password"])
    def test_missing_field(self, client, field):
        user = {"username": "jake", "email": "jake@jake.jake", "password": "jakejakejake"}
        del user[field]
        response = client.post("/api/users", json={"user": user})
        assert response.status_code == 422
        assert response.json == {"errors": {field: ["can't be blank"]}}

    @pytest.mark.parametrize(
        ("fields", "key"),
        [
            ({"username": "   "}, "username"),
            ({"username": "jake smith"}, "username"),
            ({"username": "../admin"}, "username"),
            ({"username": "x" * 41}, "username"),
            ({"username": 42}, "username"),
            ({"email": "not-an-email"}, "email"),
            ({"email": ["jake@jake.jake"]}, "email"),
            ({"password": "short"}, "password"),
            ({"password": "x" * 129}, "password"),
        ],
    )
    def test_invalid_field(self, client, fields, key):
        response = register(client, **fields)
        assert response.status_code == 422
        assert list(response.json["errors"]) == [key]

    def test_duplicate_username(self, client, factory):
        factory.user("jake")
        response = register(client, email="other@jake.jake")
        assert response.status_code == 422
        assert response.json == {"errors": {"username": ["has already been taken"]}}

    def test_duplicate_email_ignores_case(self, client, factory):
        factory.user("someone", email="jake@jake.jake")
        response = register(client, email="JAKE@jake.jake")
        assert response.status_code == 422
        assert response.json == {"errors": {"email": ["has already been taken"]}}

    def test_missing_envelope(self, client):
        response = client.post("/api/users", json={"username": "jake"})
        assert response.status_code == 422
        assert response.json == {"errors": {"user": ["is missing"]}}

    def test_unknown_keys_are_ignored(self, client):
        assert register(client, token="x", admin=True).status_code == 201


class TestLogin:
    def test_returns_user_with_token(self, client, factory):
        account = factory.user("jake", email="jake@jake.jake", password="jakejakejake")
        response = client.post(
            "/api/users/login",
            json={"user": {"email": "Jake@jake.jake", "password": "jakejakejake"}},
        )
        assert response.status_code == 200
        assert set(response.json["user"]) == USER_KEYS
        assert response.json["user"]["username"] == account.username

    @pytest.mark.parametrize(
        ("email", "password"),
        [("jake@jake.jake", "wrong-password"), ("nobody@jake.jake", "jakejakejake")],
    )
    def test_wrong_credentials_get_one_message(self, client, factory, email, password):
        factory.user("jake", email="jake@jake.jake", password="jakejakejake")
        response = client.post(
            "/api/users/login", json={"user": {"email": email, "password": password}}
        )
        assert response.status_code == 401
        assert response.json == {"errors": {"email or password": ["is invalid"]}}

    def test_blank_password(self, client):
        response = client.post(
            "/api/users/login", json={"user": {"email": "jake@jake.jake", "password": ""}}
        )
        assert response.status_code == 422
        assert response.json == {"errors": {"password": ["can't be blank"]}}


class TestCurrentUser:
    def test_returns_user_with_fresh_token(self, client, factory):
        factory.user()  # others before and after, so that "some user" is not enough to pass
        account = factory.user()
        factory.user()
        response = client.get("/api/user", headers=account.headers)
        assert response.status_code == 200
        assert response.json["user"]["username"] == account.username
        assert response.json["user"]["email"] == account.email
        assert response.json["user"]["token"]

    def test_requires_token(self, client):
        response = client.get("/api/user")
        assert response.status_code == 401
        assert response.json == {"errors": {"token": ["is missing"]}}


class TestUpdate:
    def test_updates_fields(self, client, factory):
        other = factory.user()
        account = factory.user()
        changes = {"bio": "I like to skateboard", "image": "https://i.stack.imgur.com/xHWG8.jpg"}
        response = client.put("/api/user", json={"user": changes}, headers=account.headers)
        assert response.status_code == 200
        assert response.json["user"]["username"] == account.username
        assert response.json["user"]["bio"] == changes["bio"]
        assert response.json["user"]["image"] == changes["image"]
        again = client.get("/api/user", headers=account.headers).json["user"]
        assert (again["username"], again["bio"]) == (account.username, changes["bio"])
        # The change is the account's own: the other account is untouched.
        untouched = client.get(f"/api/profiles/{other.username}").json["profile"]
        assert (untouched["bio"], untouched["image"]) == (None, None)

    def test_own_unchanged_email_and_username_are_fine(self, client, factory):
        account = factory.user()
        factory.user()  # another account, so that "some user" is not enough to pass
        user = {"email": account.email, "username": account.username}
        response = client.put("/api/user", json={"user": user}, headers=account.headers)
        assert response.status_code == 200
        assert response.json["user"]["username"] == account.username
        assert response.json["user"]["email"] == account.email

    def test_blank_bio_and_image_clear_them(self, client, factory):
        account = factory.user(bio="bio", image="https://example.com/a.png")
        user = {"bio": "", "image": ""}
        response = client.put("/api/user", json={"user": user}, headers=account.headers)
        assert response.json["user"]["bio"] is None
        assert response.json["user"]["image"] is None

    @pytest.mark.parametrize(
        "image", ["javascript:alert(1)", "ftp://example.com/a.png", "not a url", 7]
    )
    def test_image_must_be_http_url(self, client, factory, image):
        account = factory.user()
        response = client.put("/api/user", json={"user": {"image": image}}, headers=account.headers)
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["image"]

    def test_taken_username_and_email(self, client, factory):
        factory.user("taken", email="taken@example.com")
        account = factory.user()
        for field, value in (("username", "taken"), ("email", "TAKEN@example.com")):
            user = {field: value, "currentPassword": account.password}
            response = client.put("/api/user", json={"user": user}, headers=account.headers)
            assert response.status_code == 422
            assert response.json == {"errors": {field: ["has already been taken"]}}

    def test_password_change_revokes_older_tokens(self, client, factory):
        factory.user()  # another account, so that "some user" is not enough to pass
        account = factory.user()
        user = {"password": "a-new-password", "currentPassword": account.password}
        response = client.put("/api/user", json={"user": user}, headers=account.headers)
        assert response.status_code == 200
        fresh = response.json["user"]["token"]
        assert client.get("/api/user", headers=account.headers).status_code == 401
        assert fresh != account.token
        fresh_headers = {"Authorization": f"Token {fresh}"}
        me = client.get("/api/user", headers=fresh_headers)
        assert me.status_code == 200
        assert me.json["user"]["username"] == account.username
        login = client.post(
            "/api/users/login",
            json={"user": {"email": account.email, "password": "a-new-password"}},
        )
        assert login.status_code == 200
        assert login.json["user"]["username"] == account.username

    def test_requires_token(self, client):
        response = client.put("/api/user", json={"user": {"bio": "x"}})
        assert response.status_code == 401
