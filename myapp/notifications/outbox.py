"""Writing notifications into the outbox, in the transaction of the write that causes them, and
queueing their delivery once that transaction has committed.

A row is queued after the commit (never before: the worker would look for a row that is not
there yet), once the response has gone out. If the broker is down then, the row stays pending
and the sweep (myapp/tasks.py) queues it later: the write never fails for it, and nothing is
lost. Article and report notifications are not queued one by one: the sweep sends each
recipient's as one digest (see services.send_digest).
"""

from datetime import datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, insert, literal, select, update

from myapp.articles.models import Article
from myapp.extensions import Session, db
from myapp.notifications.models import (
    ARTICLE,
    COMMENT,
    DIGESTS,
    FOLLOWER,
    PASSWORD_RESET,
    PENDING,
    REPORTS,
    SKIPPED,
    Notification,
)
from myapp.users.models import User, follows

QUEUE = "outbox_to_queue"
# The columns articles_published fills, in the order its SELECT gives them.
FOLLOWER_ROW_COLUMNS = [
    "kind",
    "recipient_id",
    "actor_id",
    "article_id",
    "next_attempt_at",
    "created_at",
    "request_id",
]


def _request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def comment_added(comment_id: int, article_id: int, article_author_id: int, actor_id: int) -> None:
    """Tell the article's author about a comment (the caller checked that they want to know,
    and that it is not their own)."""
    if article_author_id != actor_id:
        about = {"actor_id": actor_id, "article_id": article_id, "comment_id": comment_id}
        _add(COMMENT, article_author_id, **about)


def followed(follower_id: int, followed_id: int) -> None:
    _add(FOLLOWER, followed_id, actor_id=follower_id)


def report_filed(
    reporter_id: int, article_id: int, comment_id: int | None, staff_ids: list[int]
) -> None:
    """Tell the staff (but the reporter) about a new report; the sweep sends each of them one
    digest at most every ``REPORT_DIGEST_SECONDS``."""
    about = {"actor_id": reporter_id, "article_id": article_id, "comment_id": comment_id}
    for staff_id in staff_ids:
        if staff_id != reporter_id:
            _add(REPORTS, staff_id, **about)


def password_reset_requested(user_id: int) -> None:
    _add(PASSWORD_RESET, user_id)


def articles_published(article_ids: list[int], now: datetime) -> None:
    """One row per follower who wants them, for each newly published article, in one statement
    each (a writer with many followers costs one INSERT ... SELECT, not a row at a time)."""
    for article_id in article_ids:
        author_id = select(Article.author_id).where(Article.id == article_id).scalar_subquery()
        followers = (
            select(
                literal(ARTICLE),
                follows.c.follower_id,
                author_id,
                literal(article_id),
                literal(now, Notification.next_attempt_at.type),
                literal(now, Notification.created_at.type),
                literal(_request_id(), Notification.request_id.type),
            )
            .join(User, User.id == follows.c.follower_id)
            .where(follows.c.followed_id == author_id, User.notify_articles)
        )
        db.session.execute(insert(Notification).from_select(FOLLOWER_ROW_COLUMNS, followers))


def _add(kind: str, recipient_id: int, **about: Any) -> None:
    row = Notification(kind=kind, recipient_id=recipient_id, request_id=_request_id(), **about)
    db.session.add(row)


def discard_pending() -> int:
    """Mark every pending notification skipped (demo data emails nobody); how many."""
    result = db.session.execute(
        update(Notification).where(Notification.status == PENDING).values(status=SKIPPED)
    )
    db.session.commit()
    return result.rowcount


# --- queueing after commit -------------------------------------------------------------------


def _note_new(session: Session, flush_context: Any) -> None:
    ids = [
        instance.id
        for instance in session.new
        if isinstance(instance, Notification) and instance.kind not in DIGESTS
    ]
    if ids:
        session.info.setdefault(QUEUE, []).extend(ids)


def _queue_committed(session: Session) -> None:
    ids = session.info.pop(QUEUE, None)
    if ids:
        from myapp.worker import send_later  # the worker imports the services

        send_later("myapp.tasks.deliver_notifications", ids, _request_id())


def _forget(session: Session, *args: Any) -> None:
    session.info.pop(QUEUE, None)


# After the flush the new rows have their ids; only a commit makes them real.
event.listen(Session, "after_flush", _note_new)
event.listen(Session, "after_commit", _queue_committed)
event.listen(Session, "after_rollback", _forget)
