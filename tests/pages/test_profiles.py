"""Profile pages and following."""

import re

from tests.pages.conftest import text
from tests.pages.test_articles import titles


def test_my_articles_and_favorited_tabs(pages, factory):
    writer, other = factory.user("writer", bio="Writes things"), factory.user("other")
    factory.article(writer, title="By writer")
    liked = factory.article(other, title="By other")
    factory.favorite(writer, liked)

    mine = pages.get("/profile/writer")
    assert mine.status_code == 200
    assert "<title>writer — Conduit</title>" in text(mine)
    assert "Writes things" in text(mine)
    assert titles(mine) == ["By writer"]

    favorites = pages.get("/profile/writer/favorites")
    assert titles(favorites) == ["By other"]
    assert "<title>Articles favorited by writer — Conduit</title>" in text(favorites)


def test_unknown_profile(pages):
    assert pages.get("/profile/nobody").status_code == 404


def test_own_profile_links_to_settings(pages, factory):
    me = factory.user("me")
    pages.login(me)
    body = text(pages.get("/profile/me"))
    assert "Edit Profile Settings" in body
    assert "Follow me" not in body


def test_follow_and_unfollow(pages, factory):
    factory.user("celeb")
    pages.login(factory.user("fan"))
    response = pages.post("/profile/celeb/follow")
    assert response.location == "/profile/celeb"
    body = text(pages.get("/profile/celeb"))
    assert "You follow celeb now." in body
    assert "Unfollow celeb" in body
    pages.post("/profile/celeb/unfollow")
    assert "+ Follow celeb" in text(pages.get("/profile/celeb"))


def test_follow_yourself_is_refused(pages, factory):
    pages.login(factory.user("me"))
    response = pages.post("/profile/me/follow")
    assert response.status_code == 422
    assert "cannot follow yourself" in text(response)


def test_page_links_ignore_hostile_query_keys(app, pages, factory):
    # "endpoint" and "_method" from the query once reached url_for: a 500 for anyone.
    writer = factory.user("writer")
    for _ in range(app.config["PAGE_SIZE"] + 1):
        factory.favorite(writer, factory.article(writer))
    for path in ("/profile/writer", "/profile/writer/favorites"):
        response = pages.get(f"{path}?endpoint=x&_method=POST&page=2")
        assert response.status_code == 200
        assert re.findall(r'<a href="([^"]*\?page=\d+)"', text(response)) == [
            f"{path}?page=1",
            f"{path}?page=1",
            f"{path}?page=2",
        ]


def test_follow_with_newline_in_next_goes_to_the_profile(pages, factory):
    # The follow was saved, then a CR/LF ``next`` made the redirect header invalid: a 500.
    factory.user("celeb")
    pages.login(factory.user("fan"))
    response = pages.post("/profile/celeb/follow", {"next": "/\r\nSet-Cookie: x=y"})
    assert response.status_code == 302
    assert response.location == "/profile/celeb"
