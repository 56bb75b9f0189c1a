"""The settings page's "Export your data" and "Delete your account"."""

import json
import re

import pytest

from myapp.moderation import services as moderation
from tests.pages.conftest import text


def test_settings_offer_the_export_and_the_deletion(pages, factory):
    pages.login(factory.user("me"))
    body = text(pages.get("/settings"))
    assert "Export your data" in body
    assert 'href="/settings/export" download' in body
    assert "Delete your account" in body
    assert 'action="/settings/delete#delete-account"' in body
    assert "the reports you filed" in body


def test_export_downloads_your_data(pages, factory):
    me, friend = factory.user("me"), factory.user("friend")
    mine = factory.article(me, tag_list=["dragons"])
    factory.comment(friend, mine)
    factory.follow(friend, me)
    pages.login(me)
    response = pages.get("/settings/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.match(
        r'^attachment; filename="conduit-me-\d{4}-\d{2}-\d{2}\.json"$',
        response.headers["Content-Disposition"],
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data())
    assert data["profile"]["username"] == "me"
    assert [a["slug"] for a in data["articles"]] == [mine]
    assert data["comments"] == []  # the comment is the friend's
    assert data["followers"] == ["friend"]


def test_export_is_the_same_document_as_the_api(client, pages, factory):
    me = factory.user("me")
    factory.article(me)
    pages.login(me)
    page = json.loads(pages.get("/settings/export").get_data())
    api = client.get("/api/user/export", headers=me.headers).json
    page.pop("exportedAt"), api.pop("exportedAt")
    assert page == api


def test_export_needs_you_signed_in(pages):
    response = pages.get("/settings/export")
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize("size", [1, 8])
def test_export_runs_a_constant_number_of_queries(pages, factory, count_queries, size):
    me = factory.user("me")
    for _ in range(size):
        slug = factory.article(me, tag_list=["a", "b"])
        factory.comment(me, slug)
        factory.favorite(me, slug)
    pages.login(me)
    with count_queries() as queries:
        response = pages.get("/settings/export")
    assert len(json.loads(response.get_data())["articles"]) == size
    # the session user; articles, comments, favorites, following, followers
    assert queries.count == 6, queries.statements


def test_a_wrong_password_deletes_nothing(pages, factory):
    me = factory.user("me")
    factory.article(me, title="Still here")
    pages.login(me)
    response = pages.post("/settings/delete", {"password": "not my password"})
    assert response.status_code == 422
    body = text(response)
    assert '<ul class="error-messages" id="error-delete-password">' in body
    assert "Your password is wrong" in body
    assert 'aria-invalid="true" aria-describedby="error-delete-password"' in body
    # The settings form above is shown as saved, without the delete form's error.
    assert 'id="field-username" name="username" type="text" value="me"' in body
    assert "New password is wrong" not in body
    assert pages.get("/profile/me").status_code == 200
    assert pages.get("/settings").status_code == 200  # still signed in


def test_a_blank_password_is_asked_for(pages, factory):
    pages.login(factory.user("me"))
    response = pages.post("/settings/delete", {"password": ""})
    assert response.status_code == 422
    assert "Your password can&#39;t be blank" in text(response)


def test_the_right_password_deletes_the_account(pages, factory):
    me, friend = factory.user("me"), factory.user("friend")
    slug = factory.article(me)
    factory.follow(friend, me)
    pages.login(me)
    response = pages.post("/settings/delete", {"password": me.password})
    assert response.status_code == 302
    assert response.location == "/"
    home = text(pages.get("/"))
    assert "Your account is deleted." in home
    assert pages.get("/settings").status_code == 302  # signed out
    assert pages.get("/profile/me").status_code == 404
    assert pages.get(f"/article/{slug}").status_code == 404
    assert "0 following" in text(pages.get("/profile/friend"))
    failed = pages.post("/login", {"email": me.email, "password": me.password})
    assert failed.status_code == 422


def test_delete_needs_the_csrf_token(pages, factory):
    me = factory.user("me")
    pages.login(me)
    response = pages.client.post("/settings/delete", data={"password": me.password})
    assert response.status_code == 400
    assert pages.get("/profile/me").status_code == 200


def test_delete_needs_you_signed_in(pages, factory):
    me = factory.user("me")
    response = pages.post("/settings/delete", {"password": me.password})
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert pages.get("/profile/me").status_code == 200


def test_getting_the_delete_address_goes_to_the_form(pages, factory):
    pages.login(factory.user("me"))
    response = pages.get("/settings/delete")
    assert response.status_code == 302
    assert response.location == "/settings#delete-account"


def test_the_last_admin_is_told_why_not(app, pages, factory):
    boss = factory.user("boss")
    with app.app_context():
        moderation.set_role(None, "boss", "admin")
    pages.login(boss)
    response = pages.post("/settings/delete", {"password": boss.password})
    assert response.status_code == 422
    assert "Your account is the last admin&#39;s" in text(response)
    assert pages.get("/profile/boss").status_code == 200
