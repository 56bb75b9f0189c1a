"""HTTP tests for /api/articles/:slug/comments."""

import time

import pytest

from tests.api.assertions import TIMESTAMP, assert_error

# RealWorld's fields, and whether a moderator hid the comment (beyond RealWorld).
COMMENT_KEYS = {"id", "createdAt", "updatedAt", "body", "author", "hiddenAt", "hiddenReason"}


def comment_ids(client, slug, headers=None):
    response = client.get(f"/api/articles/{slug}/comments", headers=headers)
    assert response.status_code == 200
    return [comment["id"] for comment in response.get_json()["comments"]]


# --- GET /api/articles/:slug/comments --------------------------------------------------------


def test_list_comments_is_empty_without_comments(client, factory):
    slug = factory.article(factory.user())

    response = client.get(f"/api/articles/{slug}/comments")

    assert response.status_code == 200
    assert response.get_json() == {"comments": []}


def test_list_comments_oldest_first(client, factory):
    author, reader = factory.user(), factory.user()
    slug = factory.article(author)
    first = factory.comment(reader, slug, "First")
    second = factory.comment(author, slug, "Second")
    third = factory.comment(reader, slug, "Third")

    response = client.get(f"/api/articles/{slug}/comments")

    comments = response.get_json()["comments"]
    assert [c["id"] for c in comments] == [first, second, third]
    assert [c["body"] for c in comments] == ["First", "Second", "Third"]
    for comment in comments:
        assert set(comment) == COMMENT_KEYS
        assert isinstance(comment["id"], int)
        assert TIMESTAMP.match(comment["createdAt"])
        assert TIMESTAMP.match(comment["updatedAt"])
        assert set(comment["author"]) == {"username", "bio", "image", "following"}


def test_list_comments_only_of_that_article(client, factory):
    author = factory.user()
    slug, other = factory.article(author), factory.article(author)
    mine = factory.comment(author, slug)
    factory.comment(author, other)

    assert comment_ids(client, slug) == [mine]


def test_list_comments_following_flag_follows_the_viewer(client, factory):
    author, commenter, follower, stranger = (factory.user() for _ in range(4))
    slug = factory.article(author)
    factory.comment(commenter, slug)
    factory.follow(follower, commenter)

    def following(headers=None):
        response = client.get(f"/api/articles/{slug}/comments", headers=headers)
        (comment,) = response.get_json()["comments"]
        assert comment["author"]["username"] == commenter.username
        return comment["author"]["following"]

    assert following(follower.headers) is True
    assert following(stranger.headers) is False
    assert following() is False


def test_list_comments_of_unknown_article_is_404(client):
    assert_error(client.get("/api/articles/no-such-article/comments"), 404)


# --- POST /api/articles/:slug/comments -------------------------------------------------------


def test_create_comment(client, factory):
    author, commenter = factory.user(), factory.user(bio="Reader")
    slug = factory.article(author)

    response = client.post(
        f"/api/articles/{slug}/comments",
        json={"comment": {"body": "Thank you so much!"}},
        headers=commenter.headers,
    )

    assert response.status_code == 200
    comment = response.get_json()["comment"]
    assert set(comment) == COMMENT_KEYS
    assert isinstance(comment["id"], int)
    assert comment["body"] == "Thank you so much!"
    assert TIMESTAMP.match(comment["createdAt"])
    assert TIMESTAMP.match(comment["updatedAt"])
    assert comment["author"] == {
        "username": commenter.username,
        "bio": "Reader",
        "image": None,
        "following": False,
    }
    assert comment_ids(client, slug) == [comment["id"]]


@pytest.mark.parametrize("body", ["", "   "])
def test_create_comment_with_blank_body_is_422(client, factory, body):
    author = factory.user()
    slug = factory.article(author)

    response = client.post(
        f"/api/articles/{slug}/comments",
        json={"comment": {"body": body}},
        headers=author.headers,
    )

    assert_error(response, 422, "body")
    assert comment_ids(client, slug) == []


@pytest.mark.parametrize("payload", [{"comment": {}}, {"comment": {"body": 7}}])
def test_create_comment_with_missing_or_wrong_body_is_422(client, factory, payload):
    author = factory.user()
    slug = factory.article(author)

    response = client.post(f"/api/articles/{slug}/comments", json=payload, headers=author.headers)

    assert_error(response, 422, "body")


@pytest.mark.parametrize("payload", [{}, {"comment": "text"}, ["comment"]])
def test_create_comment_with_body_not_an_object_is_422(client, factory, payload):
    author = factory.user()
    slug = factory.article(author)

    response = client.post(f"/api/articles/{slug}/comments", json=payload, headers=author.headers)

    assert_error(response, 422)


def test_create_comment_on_unknown_article_is_404(client, factory):
    response = client.post(
        "/api/articles/no-such-article/comments",
        json={"comment": {"body": "Hello"}},
        headers=factory.user().headers,
    )

    assert_error(response, 404)


def test_create_comment_requires_a_token(client, factory):
    slug = factory.article(factory.user())

    response = client.post(f"/api/articles/{slug}/comments", json={"comment": {"body": "Hi"}})

    assert_error(response, 401, "token")
    assert comment_ids(client, slug) == []


# --- DELETE /api/articles/:slug/comments/:id -------------------------------------------------


def test_delete_own_comment(client, factory):
    author, commenter = factory.user(), factory.user()
    slug = factory.article(author)
    doomed = factory.comment(commenter, slug)
    kept = factory.comment(commenter, slug)

    response = client.delete(f"/api/articles/{slug}/comments/{doomed}", headers=commenter.headers)

    assert response.status_code == 204
    assert response.data == b""
    assert comment_ids(client, slug) == [kept]


def test_delete_someone_elses_comment_is_403(client, factory):
    author, commenter = factory.user(), factory.user()
    slug = factory.article(author)
    comment = factory.comment(commenter, slug)

    response = client.delete(f"/api/articles/{slug}/comments/{comment}", headers=author.headers)

    assert_error(response, 403)
    assert comment_ids(client, slug) == [comment]


def test_delete_unknown_comment_is_404(client, factory):
    author = factory.user()
    slug = factory.article(author)

    response = client.delete(f"/api/articles/{slug}/comments/999999", headers=author.headers)

    assert_error(response, 404)


def test_delete_comment_with_non_numeric_id_is_404(client, factory):
    author = factory.user()
    slug = factory.article(author)

    response = client.delete(f"/api/articles/{slug}/comments/abc", headers=author.headers)

    assert_error(response, 404)


def test_delete_comment_of_another_article_is_404(client, factory):
    author = factory.user()
    slug, other = factory.article(author), factory.article(author)
    comment = factory.comment(author, other)

    response = client.delete(f"/api/articles/{slug}/comments/{comment}", headers=author.headers)

    assert_error(response, 404)
    assert comment_ids(client, other) == [comment]


def test_delete_comment_on_unknown_article_is_404(client, factory):
    author = factory.user()
    comment = factory.comment(author, factory.article(author))

    response = client.delete(
        f"/api/articles/no-such-article/comments/{comment}", headers=author.headers
    )

    assert_error(response, 404)


def test_delete_comment_requires_a_token(client, factory):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug)

    assert_error(client.delete(f"/api/articles/{slug}/comments/{comment}"), 401, "token")
    assert comment_ids(client, slug) == [comment]


# --- PUT /api/articles/:slug/comments/:id (beyond RealWorld) ---------------------------------


def edit(client, slug, comment_id, body, headers=None):
    return client.put(
        f"/api/articles/{slug}/comments/{comment_id}",
        json={"comment": {"body": body}},
        headers=headers,
    )


def test_edit_own_comment(client, factory):
    author, commenter = factory.user(), factory.user()
    slug = factory.article(author)
    created = client.post(
        f"/api/articles/{slug}/comments",
        json={"comment": {"body": "Frist"}},
        headers=commenter.headers,
    ).get_json()["comment"]
    assert created["updatedAt"] == created["createdAt"]
    time.sleep(0.002)  # timestamps have milliseconds

    response = edit(client, slug, created["id"], "  First  ", commenter.headers)

    assert response.status_code == 200
    comment = response.get_json()["comment"]
    assert set(comment) == COMMENT_KEYS
    assert comment["id"] == created["id"] and comment["body"] == "First"
    assert comment["createdAt"] == created["createdAt"]
    assert TIMESTAMP.match(comment["updatedAt"])
    assert comment["updatedAt"] > comment["createdAt"]  # same format and zone: ordered as text
    assert comment["author"]["username"] == commenter.username
    (listed,) = client.get(f"/api/articles/{slug}/comments").get_json()["comments"]
    assert listed == comment


def test_edit_someone_elses_comment_is_403(client, factory):
    author, commenter = factory.user(), factory.user()
    slug = factory.article(author)
    comment = factory.comment(commenter, slug, "Mine")

    assert_error(edit(client, slug, comment, "Yours now", author.headers), 403, "comment")
    (listed,) = client.get(f"/api/articles/{slug}/comments").get_json()["comments"]
    assert listed["body"] == "Mine"


def test_edit_comment_requires_a_token(client, factory):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug)

    assert_error(edit(client, slug, comment, "Changed"), 401, "token")


@pytest.mark.parametrize("where", ["unknown", "another article", "unknown article", "abc"])
def test_edit_a_comment_not_there_is_404(client, factory, where):
    author = factory.user()
    slug, other = factory.article(author), factory.article(author)
    comment = factory.comment(author, other)
    path = {
        "unknown": f"{slug}/comments/999999",
        "another article": f"{slug}/comments/{comment}",
        "unknown article": f"no-such-article/comments/{comment}",
        "abc": f"{slug}/comments/abc",
    }[where]

    response = client.put(
        f"/api/articles/{path}", json={"comment": {"body": "Hi"}}, headers=author.headers
    )

    assert_error(response, 404)


def test_edit_someone_elses_hidden_comment_is_404_and_its_author_may_edit_it(client, factory, app):
    from myapp.moderation import services as moderation
    from myapp.users import services as users

    author, commenter, mod = factory.user(), factory.user(), factory.user()
    slug = factory.article(author)
    comment = factory.comment(commenter, slug, "Rude")
    with app.app_context():
        moderation.set_role(None, mod.username, "moderator")
        moderation.hide_comment(users.get_user(mod.id), comment, "Rude")

    assert_error(edit(client, slug, comment, "Hmm", author.headers), 404, "comment")
    response = edit(client, slug, comment, "Sorry", commenter.headers)
    assert response.status_code == 200
    assert response.get_json()["comment"]["hiddenAt"] is not None  # it stays hidden
    assert comment_ids(client, slug) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"comment": {"body": ""}},
        {"comment": {"body": "   "}},
        {"comment": {"body": "x" * 10_001}},
        {"comment": {"body": None}},
        {"comment": {}},
        {"comment": {"body": 7}},
    ],
    ids=["empty", "blank", "too long", "null", "missing", "a number"],
)
def test_edit_comment_with_a_bad_body_is_422(client, factory, payload):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug, "Kept")

    response = client.put(
        f"/api/articles/{slug}/comments/{comment}", json=payload, headers=author.headers
    )

    assert_error(response, 422, "body")
    (listed,) = client.get(f"/api/articles/{slug}/comments").get_json()["comments"]
    assert listed["body"] == "Kept"
