"""Drafts and scheduled publishing through the API: status, publishAt, /publish, /user/articles,
and who can see an unpublished article (its author, and nobody else, anywhere)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from myapp.articles import services as articles
from myapp.extensions import db
from myapp.notifications.models import ARTICLE, Notification
from tests.api.assertions import TIMESTAMP, assert_error


def future(minutes: int = 60) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def create(client, account, **fields):
    article = {"title": "A title", "description": "D", "body": "B", "tagList": ["secret"]} | fields
    return client.post("/api/articles", json={"article": article}, headers=account.headers)


def article_notifications(app) -> list[tuple[int, int]]:
    with app.app_context():
        query = db.select(Notification.recipient_id, Notification.article_id)
        return [tuple(row) for row in db.session.execute(query.where(Notification.kind == ARTICLE))]


def test_an_article_without_status_is_published_at_once(client, factory):
    author = factory.user()
    article = create(client, author).json["article"]
    assert article["status"] == "published"
    assert TIMESTAMP.match(article["publishAt"])
    assert client.get("/api/articles").json["articlesCount"] == 1


def test_a_draft_is_kept_and_listed_only_for_its_author(client, factory):
    author = factory.user()
    response = create(client, author, status="draft")
    assert response.status_code == 201
    article = response.json["article"]
    assert (article["status"], article["publishAt"]) == ("draft", None)

    own = client.get("/api/user/articles?status=draft", headers=author.headers).json
    assert [a["slug"] for a in own["articles"]] == [article["slug"]]
    assert own["articlesCount"] == 1
    assert (
        client.get("/api/user/articles?status=published", headers=author.headers).json["articles"]
        == []
    )


def test_a_future_publish_at_schedules_the_article(client, factory):
    author = factory.user()
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    paris = when.astimezone(timezone(timedelta(hours=1))).isoformat()  # "...+01:00"
    article = create(client, author, publishAt=paris).json["article"]
    assert article["status"] == "scheduled"
    assert datetime.fromisoformat(article["publishAt"].replace("Z", "+00:00")) == when


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"publishAt": "2020-01-01T00:00:00Z"}, "must be in the future"),
        ({"publishAt": "2030-01-01T09:00:00"}, "must have a UTC offset"),
        ({"publishAt": "next tuesday"}, "must be an ISO 8601 date and time"),
        ({"publishAt": "9999-12-31T23:59:00-10:00"}, "is out of range"),  # no UTC time
        ({"status": "scheduled"}, "is needed to schedule"),
        ({"status": "draft", "publishAt": "2030-01-01T09:00:00Z"}, "can't be set on a draft"),
        ({"status": "archived"}, None),
    ],
)
def test_publication_mistakes_are_422_with_a_clear_message(client, factory, fields, message):
    response = create(client, factory.user(), **fields)
    assert_error(response, 422)
    errors = response.json["errors"]
    field = "status" if fields.get("status") == "archived" else "publishAt"
    assert field in errors, errors
    if message:
        assert any(message in m for m in errors[field]), errors
    assert client.get("/api/articles").json["articlesCount"] == 0


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_an_unpublished_article_is_invisible_to_everyone_else(client, factory, status):
    author, reader = factory.user("writer"), factory.user("reader")
    factory.follow(reader, author)
    fields = {"status": "draft"} if status == "draft" else {"publishAt": future()}
    slug = create(client, author, **fields).json["article"]["slug"]

    for headers in ({}, reader.headers):
        assert client.get(f"/api/articles/{slug}", headers=headers).status_code == 404
        assert client.get(f"/api/articles/{slug}/comments", headers=headers).status_code == 404
        assert client.get("/api/articles", headers=headers).json["articlesCount"] == 0
        assert client.get("/api/articles?author=writer", headers=headers).json["articles"] == []
        assert client.get("/api/articles?tag=secret", headers=headers).json["articles"] == []
        assert client.get("/api/tags", headers=headers).json["tags"] == []
    assert client.get("/api/articles/feed", headers=reader.headers).json["articles"] == []
    for method in ("POST", "DELETE"):
        favorite = client.open(f"/api/articles/{slug}/favorite", method=method,
                               headers=reader.headers)  # fmt: skip
        assert favorite.status_code == 404
    comment = {"comment": {"body": "First!"}}
    response = client.post(f"/api/articles/{slug}/comments", json=comment, headers=reader.headers)
    assert response.status_code == 404

    # Its author sees it by its slug, but not in the public lists either.
    assert client.get(f"/api/articles/{slug}", headers=author.headers).status_code == 200
    assert client.get("/api/articles", headers=author.headers).json["articlesCount"] == 0


def test_publish_makes_it_public_on_top_and_notifies_followers_once(app, client, factory):
    author, fan = factory.user("writer"), factory.user("fan")
    factory.follow(fan, author)
    slug = create(client, author, status="draft").json["article"]["slug"]
    factory.article(author, title="Older")

    response = client.post(f"/api/articles/{slug}/publish", headers=author.headers)
    assert response.status_code == 200
    assert response.json["article"]["status"] == "published"
    listed = client.get("/api/articles").json["articles"]
    assert listed[0]["slug"] == slug  # newest by publication, though created first
    # Publishing again changes nothing and tells nobody twice: one row for each article.
    assert client.post(f"/api/articles/{slug}/publish", headers=author.headers).status_code == 200
    rows = article_notifications(app)
    assert len(rows) == len({article for _, article in rows}) == 2
    assert {recipient for recipient, _ in rows} == {fan.id}


def test_someone_elses_draft_is_404_to_every_write_too(client, factory):
    """A 403 would tell that an unpublished slug exists."""
    author, other = factory.user(), factory.user()
    slug = create(client, author, status="draft").json["article"]["slug"]
    url = f"/api/articles/{slug}"
    assert client.post(f"{url}/publish", headers=other.headers).status_code == 404
    assert (
        client.put(url, json={"article": {"body": "x"}}, headers=other.headers).status_code == 404
    )
    assert client.delete(url, headers=other.headers).status_code == 404
    assert client.post(f"{url}/publish").status_code == 401


def test_put_changes_status_and_schedule(client, factory):
    author = factory.user()
    slug = create(client, author, status="draft").json["article"]["slug"]
    url = f"/api/articles/{slug}"

    scheduled = client.put(url, json={"article": {"publishAt": future()}}, headers=author.headers)
    assert scheduled.json["article"]["status"] == "scheduled"
    back = client.put(url, json={"article": {"status": "draft"}}, headers=author.headers)
    assert (back.json["article"]["status"], back.json["article"]["publishAt"]) == ("draft", None)
    live = client.put(url, json={"article": {"status": "published"}}, headers=author.headers)
    assert live.json["article"]["status"] == "published"
    again = client.put(url, json={"article": {"publishAt": future()}}, headers=author.headers)
    assert_error(again, 422, "publishAt")


def test_an_editor_posting_back_the_loaded_article_changes_nothing(client, factory):
    """Front ends PUT the whole article they loaded, its past publishAt included."""
    author = factory.user()
    slug = create(client, author).json["article"]["slug"]
    loaded = client.get(f"/api/articles/{slug}").json["article"]
    response = client.put(
        f"/api/articles/{slug}", json={"article": loaded | {"body": "Edited"}},
        headers=author.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.json
    assert (response.json["article"]["status"], response.json["article"]["body"]) == (
        "published",
        "Edited",
    )


def test_user_articles_needs_a_token_and_checks_the_status(client, factory):
    author = factory.user()
    assert client.get("/api/user/articles").status_code == 401
    assert_error(client.get("/api/user/articles?status=gone", headers=author.headers), 422)
    create(client, author, status="draft")
    create(client, author, publishAt=future())
    create(client, author)
    everything = client.get("/api/user/articles", headers=author.headers).json
    assert everything["articlesCount"] == 3
    assert {a["status"] for a in everything["articles"]} == {"draft", "scheduled", "published"}


def test_publish_due_publishes_each_due_article_exactly_once(app, client, factory):
    author, fan = factory.user("writer"), factory.user("fan")
    factory.follow(fan, author)
    slug = create(client, author, publishAt=future(minutes=1)).json["article"]["slug"]
    later = create(client, author, publishAt=future(minutes=90)).json["article"]["slug"]
    with app.app_context():
        assert articles.publish_due() == []  # not yet
        in_two_minutes = datetime.now(UTC) + timedelta(minutes=2)
        (published,) = articles.publish_due(in_two_minutes)
        assert articles.publish_due(in_two_minutes) == []  # a second tick finds nothing
    assert [a["slug"] for a in client.get("/api/articles").json["articles"]] == [slug]
    assert client.get(f"/api/articles/{later}").status_code == 404
    assert article_notifications(app) == [(fan.id, published)]
