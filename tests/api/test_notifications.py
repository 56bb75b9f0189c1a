"""Email preferences on /api/user, and the outbox rows that comments, follows and publishing
write in their own transaction."""

import pytest

from myapp.extensions import db
from myapp.notifications.models import COMMENT, FOLLOWER, Notification
from tests.api.assertions import assert_error

ALL_ON = {"comments": True, "followers": True, "articles": True}


def rows(app) -> list[tuple[str, int, int | None]]:
    with app.app_context():
        query = db.select(Notification.kind, Notification.recipient_id, Notification.actor_id)
        return [tuple(row) for row in db.session.execute(query.order_by(Notification.id))]


def test_preferences_are_all_on_by_default(client, factory):
    account = factory.user()
    assert client.get("/api/user", headers=account.headers).json["user"]["notifications"] == ALL_ON


def test_preferences_change_one_kind_at_a_time(client, factory):
    account = factory.user()
    body = {"user": {"notifications": {"followers": False}}}
    response = client.put("/api/user", json=body, headers=account.headers)
    assert response.status_code == 200
    expected = ALL_ON | {"followers": False}
    assert response.json["user"]["notifications"] == expected
    assert client.get("/api/user", headers=account.headers).json["user"]["notifications"] == (
        expected
    )


@pytest.mark.parametrize("value", ["yes please", [], {"comments": "maybe"}])
def test_malformed_preferences_are_422(client, factory, value):
    account = factory.user()
    response = client.put("/api/user", json={"user": {"notifications": value}},
                          headers=account.headers)  # fmt: skip
    assert_error(response, 422)
    assert all(key.startswith("notifications") for key in response.json["errors"])


def test_a_comment_writes_one_row_for_the_articles_author(app, client, factory):
    author, reader = factory.user(), factory.user()
    slug = factory.article(author)
    body = {"comment": {"body": "Hi"}}
    assert client.post(f"/api/articles/{slug}/comments", json=body, headers=reader.headers)
    assert rows(app) == [(COMMENT, author.id, reader.id)]


def test_nobody_is_told_about_their_own_comment(app, client, factory):
    author = factory.user()
    slug = factory.article(author)
    client.post(f"/api/articles/{slug}/comments", json={"comment": {"body": "Me"}},
                headers=author.headers)  # fmt: skip
    assert rows(app) == []


def test_a_follow_writes_one_row_and_following_again_none(app, client, factory):
    author, fan = factory.user("writer"), factory.user()
    for _ in range(2):
        assert client.post("/api/profiles/writer/follow", headers=fan.headers).status_code == 200
    assert rows(app) == [(FOLLOWER, author.id, fan.id)]


def test_a_comment_that_fails_leaves_no_row(app, client, factory):
    """The row is part of the comment's transaction: no comment, no notification."""
    reader = factory.user()
    response = client.post("/api/articles/no-such-article/comments",
                           json={"comment": {"body": "Hi"}}, headers=reader.headers)  # fmt: skip
    assert response.status_code == 404
    assert rows(app) == []


def test_an_email_is_written_for_a_comment_in_development(app, client, factory):
    """Without SMTP_URL the email lands in MAIL_FOLDER as an .eml file (eager in tests)."""
    from pathlib import Path

    author, reader = factory.user(), factory.user()
    slug = factory.article(author, title="Dragons")
    folder = Path(app.config["MAIL_FOLDER"])
    before = set(folder.glob("*.eml"))
    client.post(f"/api/articles/{slug}/comments", json={"comment": {"body": "<b>Hi</b>"}},
                headers=reader.headers)  # fmt: skip
    (written,) = set(folder.glob("*.eml")) - before
    text = written.read_text()
    assert f"To: {author.username} <{author.email}>" in text
    assert "Dragons" in text and "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text


def test_turned_off_kinds_write_no_rows(app, client, factory):
    author, fan = factory.user("writer"), factory.user()
    off = {"user": {"notifications": {"comments": False, "followers": False}}}
    assert client.put("/api/user", json=off, headers=author.headers).status_code == 200
    slug = factory.article(author)
    client.post(f"/api/articles/{slug}/comments", json={"comment": {"body": "Hi"}},
                headers=fan.headers)  # fmt: skip
    client.post("/api/profiles/writer/follow", headers=fan.headers)
    assert rows(app) == []
