"""The staff's report digest: each report tells every staff member (but the reporter); the sweep
sends each of them one email listing the reports still open, at most every 15 minutes.

Celery runs eagerly here and emails are files in the test's own mail folder (``mailbox``); the
sweep is the worker's task, called as beat would. Time is moved by editing the rows' times."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.notifications import services as notifications
from myapp.notifications.models import Notification
from myapp.tasks import sweep_outbox
from tests.moderation.conftest import make_staff

SUBJECT = "Reports to review on Conduit"


@pytest.fixture
def desk(app, factory, staff):
    """A moderator and an admin; an article with a comment, and two readers to report them."""
    moderator = staff.moderator
    admin = make_staff(app, factory.user("boss"), "admin")
    author, commenter = factory.user("author"), factory.user("commenter")
    reader, other = factory.user("reader"), factory.user("other")
    slug = factory.article(author, title="Cheap pills online")
    comment_id = factory.comment(commenter, slug, "You are all idiots, and here is why.")
    return {
        "moderator": moderator,
        "admin": admin,
        "reader": reader,
        "other": other,
        "slug": slug,
        "comment_id": comment_id,
    }


def sweep(app) -> None:
    """Beat's sweep, run by this app's Celery (a shared task called directly runs in the app
    that made the last Celery app, which in a full test run is another test's)."""
    with app.app_context():
        app.extensions["celery"].tasks[sweep_outbox.name].apply()


def digests(mailbox, account) -> list:
    return [m for m in mailbox.to(account.email) if m["Subject"] == SUBJECT]


def body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def report_rows(app, recipient_id: int) -> list[Notification]:
    with app.app_context():
        query = select(Notification).where(
            Notification.kind == "reports", Notification.recipient_id == recipient_id
        )
        rows = list(db.session.scalars(query.order_by(Notification.id)))
        db.session.expunge_all()
        return rows


def test_each_staff_member_gets_one_digest_of_the_open_reports(app, desk, staff, mailbox):
    first = staff.report(desk["reader"], desk["slug"], reason="spam", note="Sells pills")
    second = staff.report(desk["other"], desk["slug"], desk["comment_id"], reason="abuse")
    with app.app_context():
        due = set(notifications.due(grace_seconds=0).digests)
    assert due == {(desk["moderator"].id, "reports"), (desk["admin"].id, "reports")}
    assert mailbox.messages() == []  # nothing goes out before the sweep

    sweep(app)
    for member in (desk["moderator"], desk["admin"]):
        [digest] = digests(mailbox, member)
        text = body(digest)
        assert "2 reports to review on Conduit:" in text
        assert '- spam, by reader: the article "Cheap pills online"' in text
        assert "Their note: Sells pills" in text
        assert '- abuse, by other: a comment on "Cheap pills online": "You are all idiots' in text
        assert f"/admin/reports/{first}" in text and f"/admin/reports/{second}" in text
        assert text.index(f"/admin/reports/{second}") < text.index(f"/admin/reports/{first}")
        assert "/admin/reports\n" in text  # every open report
        assert "Cheap pills online" in digest.get_body(("html",)).get_content()
        assert {row.status for row in report_rows(app, member.id)} == {"sent"}
    for reader in (desk["reader"], desk["other"]):
        assert mailbox.to(reader.email) == []
    sweep(app)  # nothing is due any more
    assert len(digests(mailbox, desk["admin"])) == 1


def test_a_staff_member_is_not_told_of_their_own_report(app, desk, staff, mailbox):
    staff.report(desk["moderator"], desk["slug"], reason="spam")
    assert report_rows(app, desk["moderator"].id) == []
    sweep(app)
    assert digests(mailbox, desk["moderator"]) == []
    [digest] = digests(mailbox, desk["admin"])
    assert "1 report to review on Conduit:" in body(digest)
    assert "by mod: the article" in body(digest)


def test_updating_a_report_tells_nobody_again(app, desk, staff, mailbox):
    staff.report(desk["reader"], desk["slug"], reason="spam")
    staff.report(desk["reader"], desk["slug"], reason="other", note="Actually, worse")
    assert len(report_rows(app, desk["admin"].id)) == 1
    sweep(app)
    [digest] = digests(mailbox, desk["admin"])
    assert "- other, by reader" in body(digest) and "Actually, worse" in body(digest)


def test_a_second_report_within_15_minutes_waits_for_the_next_digest(app, desk, staff, mailbox):
    staff.report(desk["reader"], desk["slug"])
    sweep(app)
    [sent] = report_rows(app, desk["admin"].id)
    late = staff.report(desk["other"], desk["slug"], desk["comment_id"], reason="abuse")

    sweep(app)
    assert len(digests(mailbox, desk["admin"])) == 1
    [_, waiting] = report_rows(app, desk["admin"].id)
    assert waiting.status == "pending"
    assert waiting.next_attempt_at == sent.sent_at + timedelta(seconds=900)
    with app.app_context():
        assert notifications.due(grace_seconds=0).digests == []

    with app.app_context():  # 15 minutes later
        earlier = {"sent_at": utcnow() - timedelta(seconds=901)}
        db.session.execute(
            update(Notification).where(Notification.status == "sent").values(earlier)
        )
        db.session.execute(
            update(Notification)
            .where(Notification.status == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    sweep(app)
    first, second = digests(mailbox, desk["admin"])
    assert f"/admin/reports/{late}" in body(second)
    assert "1 report to review" in body(second) and "by reader" not in body(second)


def test_reports_closed_before_the_digest_are_left_out(app, desk, staff, mailbox):
    dismissed = staff.report(desk["reader"], desk["slug"], reason="spam")
    staff.report(desk["other"], desk["slug"], desk["comment_id"], reason="abuse")
    kept = staff.report(desk["other"], desk["slug"], reason="off-topic")
    staff.dismiss(dismissed)
    staff.hide_comment(desk["comment_id"], "Insults")  # resolves the report about it
    sweep(app)
    [digest] = digests(mailbox, desk["admin"])
    text = body(digest)
    assert "1 report to review on Conduit:" in text
    assert f"/admin/reports/{kept}" in text
    assert "by reader" not in text and "a comment on" not in text


def test_with_every_report_closed_the_digest_is_skipped(app, desk, staff, mailbox):
    on_article = staff.report(desk["reader"], desk["slug"])
    staff.report(desk["other"], desk["slug"], desk["comment_id"], reason="abuse")
    staff.dismiss(on_article)
    staff.hide_comment(desk["comment_id"], "Insults")
    sweep(app)
    assert mailbox.messages() == []
    for member in (desk["moderator"], desk["admin"]):
        assert {row.status for row in report_rows(app, member.id)} == {"skipped"}


def test_only_current_staff_are_told(app, desk, staff, factory, mailbox):
    dozing = make_staff(app, factory.user("dozing"), "moderator")
    staff.suspend(dozing, "On leave")
    staff.report(desk["reader"], desk["slug"])
    assert report_rows(app, dozing.id) == []  # a suspended moderator is not told
    with app.app_context():  # a moderator who stepped down before the sweep is not either
        moderation.set_role(None, desk["moderator"].username, "user")
    sweep(app)
    assert digests(mailbox, desk["moderator"]) == []
    assert {row.status for row in report_rows(app, desk["moderator"].id)} == {"skipped"}
    assert len(digests(mailbox, desk["admin"])) == 1
