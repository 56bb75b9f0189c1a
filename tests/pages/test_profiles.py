"""Profile pages and following."""

import re
from datetime import UTC, datetime

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
    body = text(pages.get("/profile/celeb"))
    assert "Follow celeb" in body
    assert "Unfollow celeb" not in body


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


def stats(response) -> list[str]:
    """The profile header's counts and join date, as a reader sees them."""
    block = re.search(r'<ul class="profile-stats">(.*?)</ul>', text(response), re.S).group(1)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block)]


def test_the_header_shows_counts_and_the_join_date(pages, factory):
    writer, fan, other = factory.user("writer"), factory.user("fan"), factory.user("other")
    factory.follow(fan, writer)
    factory.article(writer)
    factory.article(writer, status="draft")  # not listed, not counted
    now = datetime.now(UTC)
    joined = f"Joined {now:%B %Y}"
    assert stats(pages.get("/profile/writer")) == ["1 follower", "0 following", "1 article", joined]

    factory.follow(other, writer)
    factory.follow(writer, fan)
    factory.article(writer)
    assert stats(pages.get("/profile/writer")) == [
        "2 followers",
        "1 following",
        "2 articles",
        joined,
    ]
    assert stats(pages.get("/profile/other")) == [
        "0 followers",
        "1 following",
        "0 articles",
        joined,
    ]
    assert re.search(
        r'Joined <time datetime="\d{4}-\d\d-\d\dT[^"]+Z">', text(pages.get("/profile/fan"))
    )


def test_the_counts_change_after_a_follow_or_a_new_article(pages, factory):
    """Whatever the pages cache (the list's total), a write shows at once."""
    writer = factory.user("writer")
    fan = factory.user("fan")
    for _ in range(2):
        assert stats(pages.get("/profile/writer"))[:3] == [
            "0 followers",
            "0 following",
            "0 articles",
        ]
    pages.login(fan)
    pages.post("/profile/writer/follow")
    factory.article(writer, title="Fresh")
    response = pages.get("/profile/writer")
    assert stats(response)[:3] == ["1 follower", "0 following", "1 article"]
    assert "Fresh" in text(response)


def test_the_first_tab_is_yours_only_on_your_profile(pages, factory):
    factory.user("writer")
    me = factory.user("me")
    tab = re.compile(r'<li><a href="/profile/(\w+)" aria-current="page">([^<]+)</a></li>')
    assert tab.search(text(pages.get("/profile/writer"))).groups() == ("writer", "Articles")
    pages.login(me)
    assert tab.search(text(pages.get("/profile/writer"))).groups() == ("writer", "Articles")
    assert tab.search(text(pages.get("/profile/me"))).groups() == ("me", "My Articles")
    assert "My Articles" not in text(pages.get("/profile/writer"))


def test_a_page_past_the_end_links_to_the_last(app, pages, factory):
    writer = factory.user("writer")
    for n in range(app.config["PAGE_SIZE"] + 1):
        factory.article(writer, title=f"Piece {n}")
    assert pages.get("/profile/writer?page=2").status_code == 200
    past = pages.get("/profile/writer?page=5")
    assert past.status_code == 404
    assert 'href="/profile/writer?page=2">Go to page 2</a>' in text(past)
    assert pages.get("/profile/writer/favorites").status_code == 200  # empty, but there
    assert pages.get("/profile/writer/favorites?page=2").status_code == 404
