"""What published RealWorld front ends send beyond the spec's letter, and that we accept it.

docs/compatibility.md lists the request shapes of the Angular, React/Redux, Vue and other front
ends, read from their source; each habit here is one of theirs.
"""

import json

import pytest

from tests.api.samples import SAMPLES, api_routes, fill, send

ORIGIN = "http://localhost:4200"


def test_every_route_has_a_sample(app):
    assert api_routes(app) == {(m, p) for m, p in SAMPLES}


@pytest.mark.parametrize(("method", "path"), sorted(SAMPLES))
@pytest.mark.parametrize("slash", [False, True], ids=["bare", "trailing-slash"])
def test_every_route_answers_with_and_without_a_trailing_slash(client, world, method, path, slash):
    response, expected = send(client, world, method, path, slash)
    assert response.status_code == expected, response.get_data(as_text=True)
    assert "Location" not in response.headers  # no redirect: it would drop the body


@pytest.mark.parametrize(("method", "path"), sorted(SAMPLES))
@pytest.mark.parametrize("slash", [False, True], ids=["bare", "trailing-slash"])
@pytest.mark.parametrize("asks_headers", [True, False], ids=["with-headers", "no-headers"])
def test_every_route_answers_its_preflight(client, world, method, path, slash, asks_headers):
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": method}
    if asks_headers:
        headers["Access-Control-Request-Headers"] = "authorization,content-type"
    response = client.options(fill(path, world) + ("/" if slash else ""), headers=headers)
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert method in response.headers["Access-Control-Allow-Methods"]
    if asks_headers:
        allowed = response.headers["Access-Control-Allow-Headers"].lower()
        assert {"authorization", "content-type"} <= {h.strip() for h in allowed.split(",")}


def test_unknown_paths_stay_404_with_a_slash(client):
    assert client.get("/api/nothing/").status_code == 404
    assert client.get("/api/articles/x/nothing/").status_code == 404


def test_pages_keep_one_address(client):
    assert client.get("/login/").status_code == 404


class TestSettingsForm:
    """Front ends send the whole settings form to PUT /api/user."""

    def put(self, client, account, **fields):
        return client.put("/api/user", json={"user": fields}, headers=account.headers)

    @pytest.mark.parametrize("blank", ["", None])
    def test_blank_username_email_and_password_keep_them(self, client, factory, blank):
        account = factory.user("jake", bio="Old bio", image="https://example.com/a.png")
        response = self.put(
            client, account, username=blank, email=blank, password=blank, bio="New bio", image=""
        )
        assert response.status_code == 200, response.json
        user = response.json["user"]
        assert (user["username"], user["email"]) == ("jake", account.email)
        assert user["bio"] == "New bio"
        assert user["image"] is None  # an empty image clears it
        # The password did not change: the old token and password still work.
        assert client.get("/api/user", headers=account.headers).status_code == 200
        login = {"user": {"email": account.email, "password": account.password}}
        assert client.post("/api/users/login", json=login).status_code == 200

    def test_empty_bio_clears_it(self, client, factory):
        account = factory.user(bio="Old bio")
        assert self.put(client, account, bio="").json["user"]["bio"] is None

    def test_non_blank_fields_are_still_validated(self, client, factory):
        account = factory.user()
        response = self.put(client, account, username="no spaces allowed", password="short")
        assert response.status_code == 422
        assert set(response.json["errors"]) == {"username", "password"}

    def test_the_whole_user_object_can_be_sent_back(self, client, factory):
        account = factory.user()
        me = client.get("/api/user", headers=account.headers).json["user"]
        response = self.put(client, account, **me | {"bio": "Edited", "password": ""})
        assert response.status_code == 200
        assert response.json["user"]["bio"] == "Edited"

    def test_the_vue_front_end_sends_the_settings_unwrapped(self, client, factory):
        account = factory.user("jake")
        body = {"email": account.email, "username": "jake", "bio": "From Vue", "image": None}
        response = client.put("/api/user", json=body, headers=account.headers)
        assert response.status_code == 200, response.json
        assert response.json["user"]["bio"] == "From Vue"

    def test_a_password_change_rotates_the_token(self, client, factory):
        account = factory.user()
        response = self.put(
            client, account, password="a-new-password", currentPassword=account.password
        )
        assert response.status_code == 200
        fresh = response.json["user"]["token"]
        assert client.get("/api/user", headers=account.headers).status_code == 401
        me = client.get("/api/user", headers={"Authorization": f"Token {fresh}"})
        assert me.status_code == 200


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "token", "bearer"])
def test_token_and_bearer_schemes(client, factory, scheme):
    account = factory.user()
    response = client.get("/api/user", headers={"Authorization": f"{scheme} {account.token}"})
    assert response.status_code == 200
    assert response.json["user"]["username"] == account.username


ARTICLE = {"article": {"title": "Typed", "description": "D", "body": "B", "tagList": ["x"]}}


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "text/plain;charset=UTF-8",  # fetch() with a string body and no header
    ],
)
def test_bodies_with_any_json_content_type(client, factory, content_type):
    account = factory.user()
    headers = account.headers | ({"Content-Type": content_type} if content_type else {})
    response = client.post("/api/articles", data=json.dumps(ARTICLE), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["article"]["title"] == "Typed"


def test_article_bodies_may_carry_the_whole_article_back(client, factory):
    """Editors post back the article they loaded: slug, author, dates and counts are ignored."""
    account = factory.user()
    slug = factory.article(account, title="Original")
    loaded = client.get(f"/api/articles/{slug}").json["article"]
    response = client.put(
        f"/api/articles/{slug}/",
        json={"article": loaded | {"body": "Edited", "favoritesCount": 99, "extra": {"a": 1}}},
        headers=account.headers,
    )
    assert response.status_code == 200, response.json
    article = response.json["article"]
    assert (article["slug"], article["body"], article["favoritesCount"]) == (slug, "Edited", 0)


def test_unknown_fields_are_ignored_everywhere(client, factory):
    account = factory.user()
    body = {"user": {"email": account.email, "password": account.password, "remember": True}}
    assert client.post("/api/users/login", json=body | {"client": "angular"}).status_code == 200
    slug = factory.article(account)
    comment = {"comment": {"body": "Hi", "id": 7, "author": {}}, "extra": 1}
    response = client.post(f"/api/articles/{slug}/comments/", json=comment, headers=account.headers)
    assert response.status_code == 200
    assert response.json["comment"]["body"] == "Hi"


def test_body_less_requests_may_say_json(client, factory):
    """Angular posts favorites and follows with {} and a JSON type; older versions send a JSON
    Content-Type on GET and DELETE with no body at all."""
    author, reader = factory.user("writer"), factory.user()
    slug = factory.article(author)
    json_type = reader.headers | {"Content-Type": "application/json"}
    assert client.post(f"/api/articles/{slug}/favorite", json={}, headers=reader.headers).json[
        "article"
    ]["favorited"]
    assert client.post("/api/profiles/writer/follow", data="", headers=json_type).status_code == 200
    assert client.get("/api/articles/feed", headers=json_type).status_code == 200
    assert client.delete(f"/api/articles/{slug}/favorite", headers=json_type).status_code == 200


def test_lists_without_limit_or_offset(client, factory):
    account = factory.user()
    factory.article(account, tag_list=["x"])
    assert client.get("/api/articles?tag=x").json["articlesCount"] == 1
    assert client.get("/api/articles/feed", headers=account.headers).status_code == 200
