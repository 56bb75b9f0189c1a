"""Profile counts, exporting your data and deleting your account, called directly (no HTTP)."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from myapp.articles.models import Article, Comment, favorites
from myapp.errors import Invalid
from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.moderation.models import Report
from myapp.notifications.models import Notification
from myapp.users import services as users
from myapp.users.export import export_data, export_filename
from myapp.users.models import User, follows


def counts(username: str, viewer: User | None = None) -> tuple[int, int, int]:
    profile = users.get_profile(username, viewer)
    return profile.followers_count, profile.following_count, profile.articles_count


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- profile counts ----------------------------------------------------------------------------


def test_a_profile_counts_followers_following_and_listed_articles(app, factory):
    writer, fan, other = factory.user("writer"), factory.user("fan"), factory.user("other")
    factory.follow(fan, writer)
    factory.follow(other, writer)
    factory.follow(writer, fan)
    factory.article(writer)
    factory.article(writer)
    factory.article(writer, status="draft")  # not listed: not counted
    with app.app_context():
        assert counts("writer") == (2, 1, 2)
        assert counts("fan") == (1, 1, 0)
        # The same for every reader, the writer included (their drafts have their own tab).
        assert counts("writer", users.get_user(writer.id)) == (2, 1, 2)
        joined = users.get_profile("writer", None).created_at
        assert abs(joined.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() < 60


def test_hidden_articles_and_suspended_people_are_not_counted(app, factory):
    writer, fan, idol = factory.user("writer"), factory.user("fan"), factory.user("idol")
    admin = factory.user("admin")
    factory.follow(fan, writer)
    factory.follow(writer, idol)
    hidden = factory.article(writer)
    factory.article(writer)
    with app.app_context():
        moderation.set_role(None, "admin", "admin")
        moderation.hide_article(users.get_user(admin.id), hidden, "Spam links")
        moderation.suspend(None, "fan", "Spam", None)
        moderation.suspend(None, "idol", "Spam", None)
        assert counts("writer") == (0, 0, 1)
        # A suspended writer's articles are gone with them: to themselves and staff, 0 listed.
        moderation.suspend(None, "writer", "Spam", None)
        assert counts("writer", users.get_user(admin.id)) == (0, 0, 0)


# --- export ------------------------------------------------------------------------------------


def test_the_export_holds_everything_the_account_holds(app, factory):
    me = factory.user("me", bio="I write", notifications={"comments": False})
    friend = factory.user("friend")
    mine = factory.article(me, title="Mine", body="My *body*", tag_list=["b", "a"])
    draft = factory.article(me, title="Draft", status="draft")
    theirs = factory.article(friend, title="Theirs")
    factory.comment(me, theirs, "Nice one.")
    factory.comment(friend, mine, "Thanks for this.")  # theirs, not mine
    factory.favorite(me, theirs)
    factory.follow(me, friend)
    factory.follow(friend, me)
    with app.app_context():
        data = export_data(users.get_user(me.id))
    assert set(data) == {
        "exportedAt", "profile", "articles", "comments", "favorites", "following", "followers"
    }  # fmt: skip
    assert data["profile"] == {
        "username": "me",
        "email": "me@example.com",
        "bio": "I write",
        "image": None,
        "createdAt": data["profile"]["createdAt"],
        "notifications": {"comments": False, "followers": True, "articles": True},
    }
    assert data["profile"]["createdAt"].endswith("Z")
    assert [a["slug"] for a in data["articles"]] == [mine, draft]
    first = data["articles"][0]
    assert first["body"] == "My *body*"
    assert first["tagList"] == ["a", "b"]
    assert first["status"] == "published"
    assert data["articles"][1]["status"] == "draft"
    assert data["articles"][1]["tagList"] == []
    assert [(c["article"], c["body"]) for c in data["comments"]] == [(theirs, "Nice one.")]
    assert data["favorites"] == [theirs]
    assert data["following"] == ["friend"]
    assert data["followers"] == ["friend"]
    text = json.dumps(data)
    assert "password" not in text.lower()
    assert "argon2" not in text
    assert me.token not in text


def test_the_export_costs_the_same_statements_whatever_the_account_holds(
    app, factory, count_queries
):
    """The articles (tags aggregated), comments, favorites, following, followers."""
    me = factory.user("me")
    costs = []
    for added in (1, 5):
        for _ in range(added):
            slug = factory.article(me, tag_list=["x", "y"])
            factory.comment(me, slug)
            factory.favorite(me, slug)
            factory.follow(factory.user(), me)
        with app.app_context():
            user = users.get_user(me.id)
            with count_queries() as queries:
                data = export_data(user)
        costs.append(queries.count)
    assert len(data["articles"]) == len(data["comments"]) == len(data["followers"]) == 6
    assert costs == [5, 5]


def test_the_export_filename_names_the_user_and_the_day(app, factory):
    me = factory.user("me.too")
    with app.app_context():
        name = export_filename(users.get_user(me.id), datetime(2026, 3, 4, 23, 59, tzinfo=UTC))
    assert name == "conduit-me.too-2026-03-04.json"


# --- delete ------------------------------------------------------------------------------------


def test_deleting_your_account_removes_everything_it_holds(app, factory, monkeypatch):
    monkeypatch.setattr("myapp.worker.send_later", lambda *args: None)
    me, friend = factory.user("me"), factory.user("friend")
    mine = factory.article(me)
    theirs = factory.article(friend)
    factory.comment(friend, mine)  # on my article: goes with it
    factory.comment(me, theirs)
    factory.favorite(me, theirs)
    factory.favorite(friend, mine)
    factory.follow(me, friend)
    factory.follow(friend, me)
    with app.app_context():
        moderation.report(users.get_user(me.id), theirs, None, {"reason": "spam"})
        users.delete_account(users.get_user(me.id), me.password)
        assert db.session.get(User, me.id) is None
        assert db.session.scalars(select(Article.slug)).all() == [theirs]
        assert rows(Comment) == 0
        assert rows(favorites) == 0
        assert rows(follows) == 0
        assert rows(Report) == 0
        assert (
            db.session.scalar(
                select(func.count()).where(
                    (Notification.recipient_id == me.id) | (Notification.actor_id == me.id)
                )
            )
            == 0
        )
        assert counts("friend") == (0, 0, 1)


def test_a_wrong_password_deletes_nothing(app, factory):
    me = factory.user("me")
    factory.article(me)
    with app.app_context():
        with pytest.raises(Invalid) as error:
            users.delete_account(users.get_user(me.id), "not my password")
        assert error.value.messages == {"password": ["is wrong"]}
        assert db.session.get(User, me.id) is not None
        assert rows(Article) == 1


def test_the_last_admin_cannot_delete_their_account(app, factory):
    boss, deputy = factory.user("boss"), factory.user("deputy")
    with app.app_context():
        moderation.set_role(None, "boss", "admin")
        with pytest.raises(Invalid) as error:
            users.delete_account(users.get_user(boss.id), boss.password)
        assert list(error.value.messages) == ["account"]
        assert db.session.get(User, boss.id) is not None
        # With another admin who can act, they can.
        moderation.set_role(None, "deputy", "admin")
        users.delete_account(users.get_user(boss.id), boss.password)
        assert db.session.get(User, boss.id) is None
        assert deputy
