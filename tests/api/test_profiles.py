"""GET /api/profiles/<username> and (un)following."""

PROFILE_KEYS = {"username", "bio", "image", "following"}


def test_profile_anonymous(client, factory):
    factory.user("celeb", bio="famous")
    response = client.get("/api/profiles/celeb")
    assert response.status_code == 200
    assert response.json == {
        "profile": {"username": "celeb", "bio": "famous", "image": None, "following": False}
    }


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
        assert response.json == {
            "profile": {"username": "celeb", "bio": "famous", "image": None, "following": following}
        }


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
