"""The "Report" forms on the article page: offered to signed-in readers on what they did not
write; a report goes to the moderators and the reader is taken back with a message."""

import re

import pytest

from myapp.moderation.models import REASON_LABELS
from tests.moderation.conftest import Staff, reports
from tests.pages.conftest import text


@pytest.fixture
def scene(factory, monkeypatch):
    """An author's article with a comment by the author and one by a reader. (No worker:
    emails and "Read next" are not tested here.)"""
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author)
    return {
        "author": author,
        "reader": reader,
        "slug": slug,
        "authors_comment": factory.comment(author, slug, "Thanks for reading"),
        "readers_comment": factory.comment(reader, slug, "Great read"),
    }


def forms(page: str) -> set[str]:
    """The ids of the report forms on a page."""
    return set(re.findall(r'<details class="report" id="([^"]+)"', page))


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        (None, set()),
        ("author", {"report-comment-{readers_comment}"}),
        ("reader", {"report-article", "report-comment-{authors_comment}"}),
        (
            "bystander",
            {
                "report-article",
                "report-comment-{authors_comment}",
                "report-comment-{readers_comment}",
            },
        ),
    ],
)
def test_report_forms_are_offered_on_what_the_reader_did_not_write(
    pages, factory, scene, who, offered
):
    if who == "bystander":
        pages.login(factory.user())
    elif who is not None:
        pages.login(scene[who])
    page = text(pages.get(f"/article/{scene['slug']}"))
    assert forms(page) == {name.format(**scene) for name in offered}


def test_the_article_form_names_every_reason(pages, factory, scene):
    pages.login(factory.user())
    page = text(pages.get(f"/article/{scene['slug']}"))
    form = page.split('id="report-article"', 1)[1].split("</details>", 1)[0]
    assert f'action="/article/{scene["slug"]}/report"' in form
    assert 'name="csrf_token"' in form
    for value, label in REASON_LABELS.items():
        assert f'name="reason" value="{value}"' in form
        assert f">{label}</label>" in form
    assert 'name="note"' in form


def test_reporting_an_article_thanks_the_reader(app, pages, factory, scene):
    bystander = factory.user()
    pages.login(bystander)
    response = pages.post(
        f"/article/{scene['slug']}/report", {"reason": "spam", "note": "Links to a shop"}
    )
    assert response.status_code == 302
    assert response.location == f"/article/{scene['slug']}#report-article"
    assert "Thank you: a moderator will look at your report." in text(pages.get(response.location))
    [filed] = reports(app)
    assert (filed.reporter_id, filed.comment_id) == (bystander.id, None)
    assert (filed.reason, filed.note, filed.status) == ("spam", "Links to a shop", "open")


def test_reporting_a_comment_goes_back_to_it(app, pages, scene):
    pages.login(scene["reader"])
    comment_id = scene["authors_comment"]
    response = pages.post(
        f"/article/{scene['slug']}/comments/{comment_id}/report", {"reason": "off-topic"}
    )
    assert response.location == f"/article/{scene['slug']}#comment-{comment_id}"
    [filed] = reports(app)
    assert (filed.comment_id, filed.reason, filed.note) == (comment_id, "off-topic", None)


def test_reporting_again_updates_the_report(app, pages, scene):
    pages.login(scene["reader"])
    url = f"/article/{scene['slug']}/report"
    pages.post(url, {"reason": "spam"})
    pages.post(url, {"reason": "abuse", "note": "Insulting"})
    assert [(r.reason, r.note) for r in reports(app)] == [("abuse", "Insulting")]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose a reason, then send the report again."),
        ({"reason": "bogus"}, "Choose a reason, then send the report again."),
        (
            {"reason": "spam", "note": "x" * 1001},
            "Your note is too long (maximum is 1000 characters): shorten it and send it again.",
        ),
    ],
    ids=["no reason", "unknown reason", "note too long"],
)
def test_a_form_that_cannot_be_read_says_why(app, pages, scene, form, message):
    pages.login(scene["reader"])
    response = pages.post(f"/article/{scene['slug']}/report", form)
    assert response.status_code == 302
    page = text(pages.get(response.location))
    assert message in page and 'class="flash flash-error"' in page
    assert reports(app) == []


def test_your_own_writing_cannot_be_reported(app, pages, scene):
    pages.login(scene["reader"])
    url = f"/article/{scene['slug']}/comments/{scene['readers_comment']}/report"
    response = pages.post(url, {"reason": "spam"})
    assert "You cannot report what you wrote yourself." in text(pages.get(response.location))
    assert reports(app) == []


def test_reporting_needs_signing_in(app, pages, scene):
    response = pages.post(f"/article/{scene['slug']}/report", {"reason": "spam"})
    assert response.status_code == 302 and response.location.startswith("/login")
    assert reports(app) == []


def test_a_report_without_the_forms_token_is_refused(app, pages, scene):
    pages.login(scene["reader"])
    response = pages.client.post(f"/article/{scene['slug']}/report", data={"reason": "spam"})
    assert response.status_code == 400
    assert reports(app) == []


def test_what_is_hidden_cannot_be_reported(app, factory, pages, scene):
    staff = Staff(app, factory)
    staff.hide_comment(scene["authors_comment"])
    pages.login(scene["reader"])
    page = text(pages.get(f"/article/{scene['slug']}"))
    assert f"report-comment-{scene['authors_comment']}" not in forms(page)
    url = f"/article/{scene['slug']}/comments/{scene['authors_comment']}/report"
    assert pages.post(url, {"reason": "spam"}).status_code == 404
    staff.hide_article(scene["slug"])
    assert pages.post(f"/article/{scene['slug']}/report", {"reason": "spam"}).status_code == 404
    assert reports(app) == []
