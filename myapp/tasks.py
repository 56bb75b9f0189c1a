"""The worker's tasks: thin, like every surface. Each calls one service, and is idempotent: a
task run twice (redelivered, or queued again by the sweep) does its work once.

Beat runs ``publish_due_articles``, ``lift_expired_suspensions``, ``sweep_outbox`` and
``refresh_related`` on the schedule in myapp/worker.py.
"""

import logging

from celery import shared_task
from flask import current_app
from prometheus_client import Counter

from myapp.articles import services as articles
from myapp.moderation import services as moderation
from myapp.notifications import services as notifications
from myapp.worker import forget_consumed_messages, queue, registry

log = logging.getLogger(__name__)
NOTIFICATIONS = Counter(
    "conduit_notifications",
    "Notification deliveries by kind and outcome",
    ["kind", "outcome"],
    registry=registry,
)


@shared_task(name="myapp.tasks.publish_due_articles", ignore_result=True)
def publish_due_articles() -> int:
    """Publish every scheduled article whose time has come (in one transaction)."""
    return len(articles.publish_due())


@shared_task(name="myapp.tasks.lift_expired_suspensions", ignore_result=True)
def lift_expired_suspensions() -> int:
    """End the suspensions whose end date has come (each on the audit log, as the system)."""
    return len(moderation.lift_expired_suspensions())


# No retry limit of Celery's: the row counts its attempts (NOTIFICATION_MAX_ATTEMPTS).
@shared_task(
    name="myapp.tasks.deliver_notification", bind=True, ignore_result=True, max_retries=None
)
def deliver_notification(self, notification_id: int) -> str:
    outcome = notifications.deliver(notification_id)
    if outcome.kind:
        NOTIFICATIONS.labels(kind=outcome.kind, outcome=outcome.status).inc()
    if outcome.status == "retry":  # the row is pending again; this brings it back on time
        raise self.retry(countdown=outcome.wait)
    return outcome.status


@shared_task(name="myapp.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    """The web's batch of new notifications, fanned out into one delivery task each (each
    retried on its own schedule)."""
    for notification_id in notification_ids:
        queue(deliver_notification, notification_id)
    return len(notification_ids)


@shared_task(name="myapp.tasks.send_digest", ignore_result=True)
def send_digest(recipient_id: int, kind: str = "article") -> str:
    outcome = notifications.send_digest(recipient_id, kind)
    if outcome.kind:
        NOTIFICATIONS.labels(kind=outcome.kind, outcome=outcome.status).inc()
    return outcome.status


@shared_task(name="myapp.tasks.refresh_related", ignore_result=True)
def refresh_related(article_ids: list[int] | None = None) -> int:
    """Compute the related articles of these articles (just published or edited); without
    ids, of those a lost message left stale (beat's sweep)."""
    # Imported here: scikit-learn's memory belongs to the worker, not to every web process.
    from myapp.articles import related

    return related.refresh(related.stale() if article_ids is None else article_ids)


@shared_task(name="myapp.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Queue what is due and was never delivered (the broker was down at commit, a worker
    died, a retry was lost), and the article digests that are due. Also keeps the embedded
    broker's file from growing."""
    due = notifications.due(grace_seconds=current_app.config["OUTBOX_SWEEP_SECONDS"])
    for notification_id in due.notifications:
        queue(deliver_notification, notification_id)
    for recipient_id, kind in due.digests:
        queue(send_digest, recipient_id, kind)
    try:
        forget_consumed_messages(current_app.extensions["celery"])
    except Exception as error:  # the broker's file is busy: next time
        log.warning("consumed messages not deleted: %s: %s", type(error).__name__, error)
    return len(due.notifications) + len(due.digests)
