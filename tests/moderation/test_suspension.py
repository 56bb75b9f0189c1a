"""What a suspension does to signing in: the API token is refused on every request, the page
session is signed out, signing in is refused (only to whoever knows the password), and lifting
the suspension, by hand or when it expires, gives everything back."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from myapp.articles.models import Comment
from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.users.models import User
from tests.api.assertions import assert_error
from tests.moderation.conftest import user_row
from tests.pages.conftest import text

SUSPENDED = {"errors": {"account": ["is suspended"]}}


def login_body(account, password=None):
    return {"user": {"email": account.email, "password": password or account.password}}


def count_comments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment))


def test_a_suspended_users_token_is_refused_on_every_request(app, client, factory, staff):
    author, reader = factory.user(), factory.user()
    slug = factory.article(author)
    factory.follow(author, reader)
    staff.suspend(author)
    requests = [
        ("GET", "/api/articles", None),
        ("GET", f"/api/articles/{slug}", None),
        ("GET", f"/api/articles/{slug}/comments", None),
        ("GET", f"/api/profiles/{reader.username}", None),
        ("GET", "/api/articles/feed", None),
        ("GET", "/api/user", None),
        ("PUT", "/api/user", {"user": {"bio": "Still here"}}),
        ("POST", f"/api/articles/{slug}/comments", {"comment": {"body": "Let me in"}}),
        ("POST", f"/api/articles/{slug}/report", {"report": {"reason": "spam"}}),
        ("DELETE", f"/api/articles/{slug}", None),
    ]
    for method, url, body in requests:
        response = client.open(url, method=method, json=body, headers=author.headers)
        assert (response.status_code, response.get_json()) == (403, SUSPENDED), (method, url)
    assert count_comments(app) == 0
    assert user_row(app, author.username).bio is None
    # Their article is still there, hidden, for when the suspension ends.
    staff.unsuspend(author)
    assert client.get(f"/api/articles/{slug}").status_code == 200


def test_unsuspending_makes_the_same_token_work_again(app, client, factory, staff):
    author = factory.user()
    slug = factory.article(author)
    staff.suspend(author)
    assert client.get("/api/user", headers=author.headers).status_code == 403
    staff.unsuspend(author)
    me = client.get("/api/user", headers=author.headers)
    assert me.status_code == 200 and me.json["user"]["token"] == author.token
    comment = client.post(
        f"/api/articles/{slug}/comments",
        json={"comment": {"body": "Back again"}},
        headers=author.headers,
    )
    assert comment.status_code == 200


def test_a_suspended_user_cannot_sign_in_through_the_api(client, factory, staff):
    user = factory.user()
    staff.suspend(user, "Spam", utcnow() + timedelta(days=2))
    right = client.post("/api/users/login", json=login_body(user))
    assert (right.status_code, right.get_json()) == (403, SUSPENDED)
    assert "token" not in right.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "status"),
    [("not-the-password", 401), ("", 422)],
    ids=["wrong password", "no password"],
)
def test_without_the_password_a_suspension_is_not_told(client, factory, staff, password, status):
    user = factory.user()
    staff.suspend(user, "Spam")
    response = client.post(
        "/api/users/login", json={"user": {"email": user.email, "password": password}}
    )
    assert_error(response, status)
    assert "account" not in response.get_json()["errors"]
    assert "suspended" not in response.get_data(as_text=True)


def test_a_suspended_users_session_is_signed_out(pages, factory, staff):
    author = factory.user()
    slug = factory.article(author)
    pages.login(author)
    assert pages.get("/settings").status_code == 200
    staff.suspend(author)
    settings = pages.get("/settings")
    assert settings.status_code == 302 and "/login" in settings.headers["Location"]
    home = text(pages.get("/"))
    assert 'href="/settings"' not in home and 'href="/login"' in home
    # A form they had open does nothing either.
    response = pages.post(f"/article/{slug}/comments", {"body": "Can I still?"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count_comments(pages.client.application) == 0


@pytest.mark.parametrize(
    ("until", "said"),
    [
        (datetime(2031, 3, 4, 5, 6, tzinfo=UTC), "is suspended until March 4, 2031 at 05:06 UTC."),
        (None, "is suspended until a moderator lifts it."),
    ],
    ids=["until a date", "until lifted"],
)
def test_the_sign_in_page_names_the_reason_and_the_end(pages, factory, staff, until, said):
    user = factory.user()
    staff.suspend(user, "Posting <b>spam</b> links", until)
    response = pages.post("/login", {"email": user.email, "password": user.password})
    assert response.status_code == 403
    page = text(response)
    assert said in page
    assert "The reason given: Posting &lt;b&gt;spam&lt;/b&gt; links" in page
    assert pages.get("/settings").status_code == 302  # not signed in


def test_the_sign_in_page_tells_no_one_else(pages, factory, staff):
    user = factory.user()
    staff.suspend(user, "Posting spam links")
    response = pages.post("/login", {"email": user.email, "password": "not-the-password"})
    assert response.status_code == 422
    assert "suspended" not in text(response) and "spam links" not in text(response)


def test_an_expired_suspension_lets_them_back_in_and_is_then_lifted(app, client, factory, staff):
    user = factory.user()
    staff.suspend(user, "Cool off", utcnow() + timedelta(hours=1))
    assert client.get("/api/user", headers=user.headers).status_code == 403
    with app.app_context():  # an hour later
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(suspended_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert client.get("/api/user", headers=user.headers).status_code == 200
    assert client.post("/api/users/login", json=login_body(user)).status_code == 200
    with app.app_context():
        assert moderation.lift_expired_suspensions() == [user.username]
    row = user_row(app, user.username)
    assert (row.suspended_at, row.suspended_until, row.suspension_reason) == (None, None, None)
