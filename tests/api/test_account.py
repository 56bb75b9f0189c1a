"""GET /api/user/export and DELETE /api/user: your data to take away, and your account gone."""

import re

import pytest

from myapp.moderation import services as moderation
from tests.pages.conftest import PageClient

FILENAME = re.compile(r'^attachment; filename="conduit-me-\d{4}-\d{2}-\d{2}\.json"$')


# --- export ------------------------------------------------------------------------------------


def test_export_is_a_json_download_of_your_data(client, factory):
    me, friend = factory.user("me"), factory.user("friend")
    mine = factory.article(me, tag_list=["dragons"])
    theirs = factory.article(friend)
    factory.comment(me, theirs, "Great read.")
    factory.favorite(me, theirs)
    factory.follow(friend, me)
    response = client.get("/api/user/export", headers=me.headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert FILENAME.match(response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    data = response.json
    assert data["profile"]["email"] == "me@example.com"
    assert [(a["slug"], a["tagList"]) for a in data["articles"]] == [(mine, ["dragons"])]
    assert [(c["article"], c["body"]) for c in data["comments"]] == [(theirs, "Great read.")]
    assert data["favorites"] == [theirs]
    assert (data["following"], data["followers"]) == ([], ["friend"])
    assert me.token not in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True).lower()


def test_export_needs_a_token(client, factory):
    assert client.get("/api/user/export").status_code == 401


def test_export_ignores_the_session_cookie(client, factory):
    """A cookie alone never authorizes an API call."""
    pages = PageClient(client)
    pages.login(factory.user("me"))
    assert pages.get("/settings").status_code == 200  # signed in on the pages
    assert client.get("/api/user/export").status_code == 401


@pytest.mark.parametrize("size", [1, 8])
def test_export_runs_a_constant_number_of_queries(client, factory, count_queries, size):
    me = factory.user("me")
    for _ in range(size):
        slug = factory.article(me, tag_list=["a", "b"])
        factory.comment(me, slug)
        factory.favorite(me, slug)
    with count_queries() as queries:
        response = client.get("/api/user/export", headers=me.headers)
    assert len(response.json["articles"]) == size
    # the viewer; articles, comments, favorites, following, followers
    assert queries.count == 6, queries.statements


# --- delete ------------------------------------------------------------------------------------


def delete(client, account, body) -> object:
    return client.delete("/api/user", json=body, headers=account.headers)


def test_delete_your_account(client, factory):
    me, friend = factory.user("me"), factory.user("friend")
    slug = factory.article(me)
    factory.comment(friend, slug)
    factory.follow(friend, me)
    response = delete(client, me, {"user": {"password": me.password}})
    assert response.status_code == 204
    assert response.get_data() == b""
    # The old token is refused, the profile and the articles are gone.
    assert client.get("/api/user", headers=me.headers).status_code == 401
    assert client.get("/api/profiles/me").status_code == 404
    assert client.get(f"/api/articles/{slug}").status_code == 404
    assert client.get("/api/profiles/friend").json["profile"]["followingCount"] == 0
    login = {"user": {"email": me.email, "password": me.password}}
    assert client.post("/api/users/login", json=login).status_code == 401


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"user": {"password": "not my password"}}, {"password": ["is wrong"]}),
        ({"user": {"password": ""}}, {"password": ["can't be blank"]}),
        ({"user": {}}, {"password": ["can't be blank"]}),
        ({"user": {"password": 12}}, {"password": ["must be a string"]}),
        ({}, {"user": ["is missing"]}),
    ],
)
def test_delete_needs_your_password(client, factory, body, errors):
    me = factory.user("me")
    slug = factory.article(me)
    response = delete(client, me, body)
    assert response.status_code == 422
    assert response.json == {"errors": errors}
    assert client.get("/api/user", headers=me.headers).status_code == 200
    assert client.get(f"/api/articles/{slug}").status_code == 200


def test_delete_needs_a_token(client, factory):
    me = factory.user("me")
    response = client.delete("/api/user", json={"user": {"password": me.password}})
    assert response.status_code == 401
    assert client.get("/api/profiles/me").status_code == 200


def test_the_last_admin_cannot_delete_their_account(app, client, factory):
    boss = factory.user("boss")
    with app.app_context():
        moderation.set_role(None, "boss", "admin")
    response = delete(client, boss, {"user": {"password": boss.password}})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["account"]
    assert client.get("/api/profiles/boss").status_code == 200


def test_the_openapi_document_describes_export_and_delete(client):
    spec = client.get("/api/openapi.json").json
    assert "204" in spec["paths"]["/api/user"]["delete"]["responses"]
    export = spec["paths"]["/api/user/export"]["get"]["responses"]["200"]
    schema = export["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"profile", "articles", "comments", "favorites", "following", "followers"} <= set(
        spec["components"]["schemas"][schema]["properties"]
    )
