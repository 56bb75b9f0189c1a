"""POST /api/articles/<slug>/report and /api/articles/<slug>/comments/<id>/report: any signed-in
reader reports what they can see and did not write; reporting it again updates the open
report; the answers and their errors are the API's usual ones; and it is rate-limited."""

import os
import uuid

import pytest

from myapp import create_app
from myapp.moderation.models import REASONS
from tests.api.assertions import TIMESTAMP, assert_error
from tests.api.test_openapi import documented, validator
from tests.factories import Factory
from tests.moderation.conftest import Staff, reports
from tests.pages.conftest import PageClient


@pytest.fixture
def staff(app, factory):
    return Staff(app, factory)


@pytest.fixture
def scene(factory, staff, monkeypatch):
    """An author's article with a reader's comment; a bystander to report them; moderated
    things nobody else can see. (No worker: the emails and "Read next" are not tested here.)"""
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)
    author, reader, bystander = factory.user("author"), factory.user("reader"), factory.user()
    slug = factory.article(author)
    comment_id = factory.comment(reader, slug)
    hidden = factory.article(author)
    staff.hide_article(hidden)
    hidden_comment = factory.comment(author, slug, "Hidden")
    staff.hide_comment(hidden_comment)
    outcast = factory.user("outcast")
    outcasts_article = factory.article(outcast)
    outcasts_comment = factory.comment(outcast, slug, "Spam spam")
    staff.suspend(outcast)
    return {
        "author": author,
        "reader": reader,
        "bystander": bystander,
        "slug": slug,
        "comment_id": comment_id,
        "hidden": hidden,
        "hidden_comment": hidden_comment,
        "outcasts_article": outcasts_article,
        "outcasts_comment": outcasts_comment,
        "draft": factory.article(author, status="draft"),
        "elsewhere": factory.article(author),
    }


def report(client, account, slug, comment_id=None, body=None, **fields):
    url = f"/api/articles/{slug}" + (f"/comments/{comment_id}" if comment_id else "") + "/report"
    payload = body if body is not None else {"report": {"reason": "spam", **fields}}
    return client.post(url, json=payload, headers=account.headers if account else {})


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").json


@pytest.mark.parametrize("on", ["article", "comment"])
def test_a_report_is_accepted_with_what_was_filed(app, client, scene, spec, on):
    comment_id = scene["comment_id"] if on == "comment" else None
    reporter = scene["bystander"]
    response = report(client, reporter, scene["slug"], comment_id, reason="abuse", note="Rude")
    assert response.status_code == 202
    data = response.get_json()
    assert list(data) == ["report"]
    filed = data["report"]
    assert set(filed) == {"id", "reason", "note", "status", "createdAt", "updatedAt"}
    assert (filed["reason"], filed["note"], filed["status"]) == ("abuse", "Rude", "open")
    assert TIMESTAMP.match(filed["createdAt"]) and TIMESTAMP.match(filed["updatedAt"])
    path = "/api/articles/<slug>" + ("/comments/<comment_id>" if comment_id else "") + "/report"
    validator(spec, documented(spec, "POST", path, 202)).validate(data)
    [row] = reports(app)
    assert (row.id, row.reporter_id, row.comment_id) == (filed["id"], reporter.id, comment_id)


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_is_accepted_and_the_note_is_optional(client, scene, reason):
    response = report(client, scene["bystander"], scene["slug"], reason=reason)
    assert response.status_code == 202
    assert response.json["report"]["reason"] == reason
    assert response.json["report"]["note"] is None


def test_reporting_again_updates_the_open_report(app, client, scene):
    first = report(client, scene["bystander"], scene["slug"], reason="spam").json["report"]
    again = report(client, scene["bystander"], scene["slug"], reason="other", note="Not spam")
    assert again.status_code == 202
    updated = again.json["report"]
    assert updated["id"] == first["id"]
    assert (updated["reason"], updated["note"]) == ("other", "Not spam")
    assert updated["createdAt"] == first["createdAt"]
    assert [(r.id, r.reason, r.note) for r in reports(app)] == [(first["id"], "other", "Not spam")]
    # Another reader's report of the same article is theirs.
    other = report(client, scene["reader"], scene["slug"]).json["report"]
    assert other["id"] != first["id"]


@pytest.mark.parametrize("on", ["article", "comment"])
def test_reporting_needs_a_token(app, client, scene, on):
    comment_id = scene["comment_id"] if on == "comment" else None
    assert_error(report(client, None, scene["slug"], comment_id), 401, "token")
    assert reports(app) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"report": {"reason": "rude"}}, "reason"),
        ({"report": {"reason": "Spam"}}, "reason"),
        ({"report": {"reason": None}}, "reason"),
        ({"report": {"note": "No reason given"}}, "reason"),
        ({"report": {"reason": "spam", "note": "x" * 1001}}, "note"),
        ({"reason": "spam"}, "report"),
        ({}, "report"),
        ({"report": "spam"}, "report"),
    ],
    ids=[
        "unknown reason",
        "capitalised reason",
        "null reason",
        "no reason",
        "note too long",
        "no envelope",
        "empty body",
        "envelope not an object",
    ],
)
def test_a_malformed_report_is_422(app, client, scene, body, field):
    assert_error(report(client, scene["bystander"], scene["slug"], body=body), 422, field)
    assert reports(app) == []


@pytest.mark.parametrize(("on", "field"), [("article", "article"), ("comment", "comment")])
def test_reporting_your_own_writing_is_422(app, client, scene, on, field):
    reporter, comment_id = (
        (scene["author"], None) if on == "article" else (scene["reader"], scene["comment_id"])
    )
    response = report(client, reporter, scene["slug"], comment_id)
    assert_error(response, 422, field)
    assert "yours" in response.json["errors"][field][0]
    assert reports(app) == []


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ("no such article", "article"),
        ("a draft", "article"),
        ("a hidden article", "article"),
        ("a suspended author's article", "article"),
        ("no such comment", "comment"),
        ("a comment of another article", "comment"),
        ("a hidden comment", "comment"),
        ("a suspended author's comment", "comment"),
    ],
)
def test_reporting_what_you_cannot_see_is_404(app, client, scene, target, field):
    slug, comment_id = {
        "no such article": ("no-such-article", None),
        "a draft": (scene["draft"], None),
        "a hidden article": (scene["hidden"], None),
        "a suspended author's article": (scene["outcasts_article"], None),
        "no such comment": (scene["slug"], 2_000_000_000),
        "a comment of another article": (scene["elsewhere"], scene["comment_id"]),
        "a hidden comment": (scene["slug"], scene["hidden_comment"]),
        "a suspended author's comment": (scene["slug"], scene["outcasts_comment"]),
    }[target]
    assert_error(report(client, scene["bystander"], slug, comment_id), 404, field)
    assert reports(app) == []


def test_the_staff_can_report_what_they_see(app, client, scene, staff):
    """A moderator sees the hidden comment, so may report it (to the other staff)."""
    response = report(client, staff.moderator, scene["slug"], scene["hidden_comment"])
    assert response.status_code == 202


# --- rate limit -------------------------------------------------------------------------------


@pytest.fixture
def limited(database_url):
    """An app with reports limited to 3 a minute, its counters its own (Redis when given)."""
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_REPORT": "3 per minute",
        "PROXY_COUNT": 1,  # lets a test speak from several client addresses
    }
    if os.environ.get("REDIS_URL"):
        settings["REDIS_URL"] = os.environ["REDIS_URL"]
    return create_app(settings)


def test_reports_are_rate_limited_per_account_on_both_surfaces(limited, monkeypatch):
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)
    factory = Factory(limited)
    author, reader = factory.user(), factory.user()
    slugs = [factory.article(author) for _ in range(4)]
    client = limited.test_client()
    statuses = [
        client.post(
            f"/api/articles/{slug}/report",
            json={"report": {"reason": "spam"}},
            headers=reader.headers | {"X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n, slug in enumerate(slugs[:3])
    ]
    assert statuses == [202, 202, 202]
    refused = client.post(
        f"/api/articles/{slugs[3]}/report",
        json={"report": {"reason": "spam"}},
        headers=reader.headers | {"X-Forwarded-For": "192.0.2.9"},
    )
    assert_error(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # The report form, from yet another address, counts against the same account.
    pages = PageClient(limited.test_client())
    pages.login(reader)
    page = pages.post(f"/article/{slugs[3]}/report", {"reason": "spam"})
    assert page.status_code == 429
    assert page.mimetype == "text/html"
    assert len(reports(limited, reporter_id=reader.id)) == 3
    # Another reader is not held back.
    other = factory.user()
    response = client.post(
        f"/api/articles/{slugs[3]}/report",
        json={"report": {"reason": "spam"}},
        headers=other.headers | {"X-Forwarded-For": "198.51.100.7"},
    )
    assert response.status_code == 202
