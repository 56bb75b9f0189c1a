"""GET /api/profiles/<username> and (un)following."""

import re

from sqlalchemy import select

from myapp.extensions import db
from myapp.schemas import format_timestamp
from myapp.users.models import User

REALWORLD_KEYS = {"username", "bio", "image", "following"}
COUNT_KEYS = {"followersCount", "followingCount", "articlesCount", "createdAt"}
PROFILE_KEYS = REALWORLD_KEYS | COUNT_KEYS
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def realworld(profile: dict) -> dict:
    """The fields RealWorld defines, which must stay exactly as they are."""
    return {key: profile[key] for key in REALWORLD_KEYS}


def test_profile_anonymous(client, factory):
    factory.user("celeb", bio="famous")
    response = client.get("/api/profiles/celeb")
    assert response.status_code == 200
    profile = response.json["profile"]
    assert set(profile) == PROFILE_KEYS
    assert realworld(profile) == {
        "username": "celeb",
        "bio": "famous",
        "image": None,
        "following": False,
    }
    assert (profile["followersCount"], profile["followingCount"], profile["articlesCount"]) == (
        0,
        0,
        0,
    )
    assert TIMESTAMP.match(profile["createdAt"])


def test_profile_unknown(client):
    response = client.get("/api/profiles/nobody")
    assert response.status_code == 404
    assert response.json == {"errors": {"profile": ["not found"]}}


def test_follow_and_unfollow(client, factory):
    celeb, fan = factory.user("celeb"), factory.user("fan")
    response = client.post("/api/profiles/celeb/follow", headers=fan.headers)
    assert response.status_code == 200
    assert set(response.json["profile"]) == PROFILE_KEYS
    assert response.json["profile"]["username"] == "celeb"
    assert response.json["profile"]["following"] is True
    assert client.get("/api/profiles/celeb", headers=fan.headers).json["profile"]["following"]
    # Others, and the celeb, do not see the fan's follow as theirs.
    assert not client.get("/api/profiles/celeb").json["profile"]["following"]
    assert not client.get("/api/profiles/celeb", headers=celeb.headers).json["profile"]["following"]

    response = client.delete("/api/profiles/celeb/follow", headers=fan.headers)
    assert response.status_code == 200
    assert response.json["profile"]["username"] == "celeb"
    assert response.json["profile"]["following"] is False
    assert not client.get("/api/profiles/celeb", headers=fan.headers).json["profile"]["following"]


def test_profile_for_a_signed_in_viewer(client, factory):
    celeb = factory.user("celeb", bio="famous")
    fan, other = factory.user("fan"), factory.user("other")
    factory.follow(fan, celeb)
    for viewer, following in ((fan, True), (other, False), (celeb, False)):
        response = client.get("/api/profiles/celeb", headers=viewer.headers)
        assert response.status_code == 200
        assert realworld(response.json["profile"]) == {
            "username": "celeb",
            "bio": "famous",
            "image": None,
            "following": following,
        }
        assert response.json["profile"]["followersCount"] == 1


def test_follow_twice_is_harmless(client, factory):
    factory.user("celeb")
    fan = factory.user("fan")
    for _ in range(2):
        response = client.post("/api/profiles/celeb/follow", headers=fan.headers)
        assert response.status_code == 200
        assert response.json["profile"]["username"] == "celeb"
        assert response.json["profile"]["following"] is True
    for _ in range(2):
        response = client.delete("/api/profiles/celeb/follow", headers=fan.headers)
        assert response.status_code == 200
        assert response.json["profile"]["username"] == "celeb"
        assert response.json["profile"]["following"] is False


def test_follow_ignores_a_stray_body(client, factory):
    factory.user("celeb")
    fan = factory.user("fan")
    response = client.post(
        "/api/profiles/celeb/follow", json={"user": {"email": "x@y.z"}}, headers=fan.headers
    )
    assert response.status_code == 200
    assert response.json["profile"]["username"] == "celeb"
    assert response.json["profile"]["following"] is True
    assert client.get("/api/profiles/celeb", headers=fan.headers).json["profile"]["following"]


def test_cannot_follow_yourself(client, factory):
    me = factory.user("me")
    response = client.post("/api/profiles/me/follow", headers=me.headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["username"]


def test_follow_unknown_and_anonymous(client, factory):
    fan = factory.user("fan")
    assert client.post("/api/profiles/nobody/follow", headers=fan.headers).status_code == 404
    assert client.post("/api/profiles/fan/follow").status_code == 401


def counts(profile: dict) -> tuple[int, int, int]:
    return profile["followersCount"], profile["followingCount"], profile["articlesCount"]


def test_counts_follow_the_follows_and_the_published_articles(client, factory):
    writer, fan, other = factory.user("writer"), factory.user("fan"), factory.user("other")
    factory.follow(writer, other)
    factory.article(writer)
    factory.article(writer, status="draft")  # only listed articles count
    assert counts(client.get("/api/profiles/writer").json["profile"]) == (0, 1, 1)

    response = client.post("/api/profiles/writer/follow", headers=fan.headers)
    assert counts(response.json["profile"]) == (1, 1, 1)
    response = client.delete("/api/profiles/writer/follow", headers=fan.headers)
    assert counts(response.json["profile"]) == (0, 1, 1)


def test_the_join_date_is_the_account_creation(app, client, factory):
    factory.user("writer")
    with app.app_context():
        created = db.session.scalar(select(User.created_at).where(User.username == "writer"))
    assert client.get("/api/profiles/writer").json["profile"]["createdAt"] == format_timestamp(
        created
    )


def test_embedded_authors_have_no_counts(client, factory, world):
    article = client.get(f"/api/articles/{world['slug']}").json["article"]
    assert set(article["author"]) == REALWORLD_KEYS
    comments = client.get(f"/api/articles/{world['slug']}/comments").json["comments"]
    assert set(comments[0]["author"]) == REALWORLD_KEYS
    listed = client.get("/api/articles").json["articles"]
    assert set(listed[0]["author"]) == REALWORLD_KEYS


def test_profile_responses_change_after_a_follow_or_a_new_article(client, factory):
    """Each read is answered afresh or from a cache keyed by the content version: either way
    a write shows at once, to anonymous readers and to signed-in ones."""
    writer, fan = factory.user("writer"), factory.user("fan")
    for _ in range(2):  # the second read may come from a cache
        assert counts(client.get("/api/profiles/writer").json["profile"]) == (0, 0, 0)
        assert client.get("/api/articles?author=writer").json["articlesCount"] == 0

    client.post("/api/profiles/writer/follow", headers=fan.headers)
    assert counts(client.get("/api/profiles/writer").json["profile"]) == (1, 0, 0)
    assert counts(client.get("/api/profiles/fan").json["profile"]) == (0, 1, 0)

    article = {"article": {"title": "New", "description": "d", "body": "b", "tagList": []}}
    assert client.post("/api/articles", json=article, headers=writer.headers).status_code == 201
    assert counts(client.get("/api/profiles/writer").json["profile"]) == (1, 0, 1)
    assert counts(client.get("/api/profiles/writer", headers=fan.headers).json["profile"]) == (
        1,
        0,
        1,
    )
    assert client.get("/api/articles?author=writer").json["articlesCount"] == 1
