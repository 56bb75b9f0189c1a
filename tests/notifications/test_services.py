"""Delivering the outbox, one step at a time: the claim, preferences, digests, and the retry
state machine (moved along by editing the rows' times, not by waiting)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp import create_app
from myapp.extensions import db
from myapp.models import utcnow
from myapp.notifications import messages, services
from myapp.notifications.models import Notification
from myapp.tasks import deliver_notification
from myapp.users import services as users
from myapp.worker import queue
from tests.factories import Factory
from tests.workers import unique_queue


def rows(**where) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).filter_by(**where).order_by(Notification.id)
    return list(db.session.scalars(query))


def make_due(notification_id: int) -> None:
    """As if its wait were over."""
    db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def comment_notification(factory: Factory):
    author, reader = factory.user(), factory.user()
    factory.comment(reader, factory.article(author))
    [row] = rows(recipient_id=author.id, kind="comment")
    return author, row


def test_the_recipients_preference_is_read_at_delivery(mail_app, mail_ctx, mailbox):
    author, row = comment_notification(Factory(mail_app))
    users.update_user(users.get_user(author.id), {"notifications": {"comments": False}})
    assert services.deliver(row.id).status == "skipped"
    assert rows(id=row.id)[0].status == "skipped"
    assert mailbox.received == []


def test_nobody_is_told_about_their_own_actions(mail_app, mail_ctx):
    factory = Factory(mail_app)
    author, follower = factory.user(), factory.user()
    factory.follow(follower, author)
    factory.comment(author, factory.article(author))  # on their own article
    assert rows(recipient_id=author.id, kind="comment") == []
    assert rows(recipient_id=author.id, kind="article") == []  # their own publication
    assert len(rows(recipient_id=follower.id, kind="article")) == 1


def test_a_delivery_claimed_by_another_worker_is_not_sent_twice(mail_app, mail_ctx, mailbox):
    _, row = comment_notification(Factory(mail_app))
    lease = utcnow() + timedelta(seconds=60)
    db.session.execute(
        update(Notification)
        .where(Notification.id == row.id)
        .values(status="sending", claim_token="another", claimed_until=lease, attempts=1)
    )
    db.session.commit()
    assert services.deliver(row.id).status == "nothing"
    assert services.due(grace_seconds=0).notifications == []
    assert mailbox.received == []

    # That worker died: once its lease is over the row is delivered, as a second attempt.
    db.session.execute(
        update(Notification)
        .where(Notification.id == row.id)
        .values(claimed_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert services.due(grace_seconds=0).notifications == [row.id]
    assert services.deliver(row.id).status == "sent"
    assert (rows(id=row.id)[0].status, rows(id=row.id)[0].attempts) == ("sent", 2)
    assert len(mailbox.received) == 1


def test_a_refused_email_backs_off_fails_and_is_sent_when_retried(mail_app, mail_ctx, mailbox):
    _, row = comment_notification(Factory(mail_app))
    mailbox.handler.refuse_rcpt = "451 4.3.0 Try again later"

    outcome = services.deliver(row.id)
    assert (outcome.status, outcome.wait) == ("retry", 10.0)  # NOTIFICATION_RETRY_SECONDS
    [first] = rows(id=row.id)
    assert (first.status, first.attempts, first.claim_token) == ("pending", 1, None)
    assert "451" in first.last_error
    waited = first.next_attempt_at - utcnow()
    assert timedelta(seconds=9) < waited <= timedelta(seconds=10)
    assert services.deliver(row.id).status == "nothing"  # not before its time
    assert services.due(grace_seconds=0).notifications == []

    make_due(row.id)
    outcome = services.deliver(row.id)
    assert (outcome.status, outcome.wait) == ("retry", 20.0)  # doubled
    assert rows(id=row.id)[0].attempts == 2

    make_due(row.id)
    assert services.deliver(row.id).status == "failed"  # NOTIFICATION_MAX_ATTEMPTS
    [failed] = rows(id=row.id)
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert [r.id for r in services.failed()] == [row.id]
    make_due(row.id)
    assert services.deliver(row.id).status == "nothing"
    assert services.due(grace_seconds=0).notifications == []

    mailbox.reset()
    assert services.retry(None) == ([row.id], [row.id])
    assert services.deliver(row.id).status == "sent"
    [message] = mailbox.received
    assert message["Message-ID"] == messages.message_id([row.id])
    assert services.failed() == []


def test_a_permanent_refusal_fails_at_once(mail_app, mail_ctx, mailbox):
    _, row = comment_notification(Factory(mail_app))
    mailbox.handler.refuse_data = "550 5.1.1 No such user"
    assert services.deliver(row.id).status == "failed"
    [failed] = rows(id=row.id)
    assert (failed.attempts, failed.last_error[:3]) == (1, "550")


def test_a_bug_while_building_an_email_is_retried_not_left_claimed(
    mail_app, mail_ctx, mailbox, monkeypatch
):
    _, row = comment_notification(Factory(mail_app))

    def broken(*args, **kwargs):
        raise RuntimeError("a template is broken")

    monkeypatch.setattr(messages, "build", broken)
    assert services.deliver(row.id).status == "retry"
    [pending] = rows(id=row.id)
    assert (pending.status, pending.attempts, pending.claim_token) == ("pending", 1, None)
    assert pending.last_error == "RuntimeError: a template is broken"


def test_a_row_whose_worker_died_on_its_last_attempt_is_failed(mail_app, mail_ctx, mailbox):
    _, row = comment_notification(Factory(mail_app))
    db.session.execute(
        update(Notification)
        .where(Notification.id == row.id)
        .values(status="sending", claim_token="gone", attempts=3,
                claimed_until=utcnow() - timedelta(seconds=1))
    )  # fmt: skip
    db.session.commit()
    assert services.deliver(row.id).status == "nothing"
    assert services.due(grace_seconds=0).notifications == []
    [failed] = rows(id=row.id)
    assert (failed.status, failed.claim_token) == ("failed", None)
    assert mailbox.received == []


def test_articles_within_the_digest_period_make_one_email(mail_app, mail_ctx, mailbox):
    factory = Factory(mail_app)
    author, follower = factory.user(), factory.user()
    factory.follow(follower, author)
    first = factory.article(author, title="First news")
    second = factory.article(author, title="Second news")
    assert services.due(grace_seconds=0).digests == [(follower.id, "article")]

    assert services.send_digest(follower.id).status == "sent"
    [digest] = mailbox.received
    text = digest.get_body(("plain",)).get_content()
    assert "First news" in text and "Second news" in text
    assert f"/article/{first}" in text and f"/article/{second}" in text
    sent = rows(recipient_id=follower.id, kind="article")
    assert [r.status for r in sent] == ["sent", "sent"]
    assert {r.message_id for r in sent} == {digest["Message-ID"]}

    # A third within the hour waits for the hour to be over: no second email now.
    factory.article(author, title="Third news")
    assert services.send_digest(follower.id).status == "nothing"
    [third] = [r for r in rows(recipient_id=follower.id, kind="article") if r.status == "pending"]
    assert third.next_attempt_at == sent[0].sent_at + timedelta(seconds=3600)
    assert services.due(grace_seconds=0).digests == []
    assert len(mailbox.received) == 1


@pytest.mark.parametrize("eager_first", [True, False])
def test_queue_uses_the_celery_of_the_current_app(app, database_url, mailbox, eager_first):
    """Two apps in one process: a task queued in one goes through that one's Celery, whichever
    was made last (``shared_task`` alone would pick the last)."""

    def make(eager: bool):
        return create_app(
            {
                "APP_ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "CELERY_TASK_ALWAYS_EAGER": eager,
                "CELERY_BROKER_URL": "memory://",
                "WORKER_QUEUE": unique_queue(),
                "SMTP_URL": mailbox.url,
            }
        )

    mailbox.reset()
    eager, lazy = (make(True), make(False)) if eager_first else reversed((make(False), make(True)))
    with lazy.app_context():
        _, row = comment_notification(Factory(lazy))
        assert queue(deliver_notification, row.id)
        assert mailbox.received == []  # on the broker, for a worker
    with eager.app_context():
        assert queue(deliver_notification, row.id)
        assert rows(id=row.id)[0].status == "sent"  # run here and now
        db.session.remove()
    assert len(mailbox.received) == 1
