"""Delivering the outbox: claim, build, send, record; retries, digests, the sweep, and the
operator's view of what failed.

Each delivery first *claims* its rows: one UPDATE marks them ``sending`` with a random token and
a lease, only if they are still due and unclaimed. So two workers handed the same task (a
redelivered message, a sweep that re-queued it) never both send: the second claims nothing.
A worker that dies mid-send leaves a claim that expires, after which the row is due again.
The Message-ID is the same for every attempt, so a receiving server can also recognise the
rare repeat: a worker killed after the SMTP server accepted a message but before it recorded
that.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from myapp.articles.models import PUBLISHED, Article, Comment
from myapp.extensions import db
from myapp.models import random_key, utcnow
from myapp.moderation import queries
from myapp.moderation.models import open_key
from myapp.monitoring import current_request_id
from myapp.notifications import mail, messages
from myapp.notifications.models import (
    ARTICLE,
    DIGESTS,
    FAILED,
    PASSWORD_RESET,
    PENDING,
    PREFERENCE,
    REPORTS,
    SENDING,
    SENT,
    SKIPPED,
    Notification,
)
from myapp.users.models import User
from myapp.users.tokens import password_reset_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What one delivery did: ``sent``, ``skipped``, ``failed``, ``retry`` (in ``wait``
    seconds) or ``nothing`` (no row was due, or another worker has it)."""

    status: str
    kind: str = ""
    wait: float = 0.0


NOTHING = Outcome("nothing")


def _seconds(setting: str) -> timedelta:
    return timedelta(seconds=current_app.config[setting])


def _due(now: datetime) -> Any:
    """Rows that may be claimed now: waiting, or claimed by a worker whose lease ran out, with
    an attempt left (a row whose worker died on its last attempt is given up: see ``due``)."""
    return and_(
        Notification.status.in_((PENDING, SENDING)),
        Notification.next_attempt_at <= now,
        or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
        Notification.attempts < current_app.config["NOTIFICATION_MAX_ATTEMPTS"],
    )


def _claim(condition: Any, now: datetime) -> list[Notification]:
    token = random_key()
    db.session.execute(
        update(Notification)
        .where(condition, _due(now))
        .values(
            status=SENDING,
            claim_token=token,
            claimed_until=now + _seconds("NOTIFICATION_LEASE_SECONDS"),
            attempts=Notification.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    query = select(Notification).where(Notification.claim_token == token)
    return list(db.session.scalars(query.order_by(Notification.id)))


def _finish(rows: list[Notification], **values: Any) -> None:
    """Record the outcome of a claim, if the claim is still ours."""
    token = rows[0].claim_token
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_([row.id for row in rows]), Notification.claim_token == token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver(notification_id: int) -> Outcome:
    """Send one notification, once."""
    # Article and report notifications go out together, as digests (send_digest).
    single = and_(Notification.id == notification_id, Notification.kind.not_in(DIGESTS))
    rows = _claim(single, utcnow())
    return _send(rows) if rows else NOTHING


def _send(rows: list[Notification]) -> Outcome:
    # The delivery's log lines carry the id of the request that caused it, however it was
    # queued (the sweep's tasks carry none).
    token = current_request_id.set(current_request_id.get() or rows[0].request_id)
    try:
        return _send_claimed(rows)
    finally:
        current_request_id.reset(token)


def _send_claimed(rows: list[Notification]) -> Outcome:
    first = rows[0]
    try:
        recipient = db.session.get(User, first.recipient_id)
        message = _build(first, rows, recipient) if recipient is not None else None
        if message is None:
            _finish(rows, status=SKIPPED)
            log.info("notification skipped", extra={"task": f"notification {first.id}"})
            return Outcome(SKIPPED, first.kind)
        mail.send(message)
    except mail.TemporaryFailure as error:
        return _failed(rows, str(error), permanent=False)
    except mail.PermanentFailure as error:
        return _failed(rows, str(error), permanent=True)
    except Exception as error:
        # A bug of ours (a template, a link that cannot be built): on record and retried like a
        # refusal, then failed, rather than claimed again at every lease for ever.
        log.exception("notification %d could not be sent", first.id)
        db.session.rollback()
        return _failed(rows, f"{type(error).__name__}: {error}", permanent=False)
    _finish(rows, status=SENT, sent_at=utcnow(), message_id=message["Message-ID"])
    log.info("email sent: %s", message["Subject"], extra={"task": f"notification {first.id}"})
    return Outcome(SENT, first.kind)


def _failed(rows: list[Notification], error: str, permanent: bool) -> Outcome:
    attempts, kind = rows[0].attempts, rows[0].kind
    if permanent or attempts >= current_app.config["NOTIFICATION_MAX_ATTEMPTS"]:
        _finish(rows, status=FAILED, last_error=error[:500])
        log.warning("email failed for good after %d attempts: %s", attempts, error)
        return Outcome(FAILED, kind)
    wait = current_app.config["NOTIFICATION_RETRY_SECONDS"] * 2 ** (attempts - 1)
    next_attempt_at = utcnow() + timedelta(seconds=wait)
    _finish(rows, status=PENDING, last_error=error[:500], next_attempt_at=next_attempt_at)
    log.warning("email not sent (attempt %d), retrying in %.0f s: %s", attempts, wait, error)
    return Outcome("retry", kind, wait)


def _build(first: Notification, rows: list[Notification], recipient: User) -> Any:
    """The message for a claim, or None when there is nothing to tell any more: the recipient
    turned the kind off since, or the article stopped being public."""
    preference = PREFERENCE.get(first.kind)
    if preference is not None and not getattr(recipient, f"notify_{preference}"):
        return None
    ids = [row.id for row in rows]
    if first.kind == PASSWORD_RESET:
        ttl_minutes = current_app.config["PASSWORD_RESET_TTL_SECONDS"] // 60
        reset_link = messages.link("auth.reset_password", token=password_reset_token(recipient))
        return messages.build(
            first.kind, recipient, ids, reset_link=reset_link, ttl_minutes=ttl_minutes
        )
    if first.kind == REPORTS:
        reports = _open_reports(rows) if recipient.is_staff else []
        return messages.build(first.kind, recipient, ids, reports=reports) if reports else None
    actor = db.session.get(User, first.actor_id) if first.actor_id else None
    if first.kind == ARTICLE:
        articles = _published_articles([row.article_id for row in rows])
        return messages.build(first.kind, recipient, ids, articles=articles) if articles else None
    article = db.session.get(Article, first.article_id) if first.article_id else None
    comment = db.session.get(Comment, first.comment_id) if first.comment_id else None
    about = {"actor": actor, "article": article, "comment": comment}
    return messages.build(first.kind, recipient, ids, **about)


def _published_articles(article_ids: list[int]) -> list[Any]:
    query = (
        select(Article.slug, Article.title, Article.description, User.username.label("author"))
        .join(User, User.id == Article.author_id)
        .where(Article.id.in_(article_ids), Article.status == PUBLISHED)
        .order_by(Article.publish_at)
    )
    return list(db.session.execute(query))


def _open_reports(rows: list[Notification]) -> list[Any]:
    """The reports these notifications are about that are still open, newest first."""
    keys = {open_key(row.actor_id, row.article_id, row.comment_id) for row in rows}
    return queries.open_reports(keys)


# --- digests: at most one email of a kind per recipient per its DIGESTS setting ---------------


def send_digest(recipient_id: int, kind: str = ARTICLE) -> Outcome:
    """Send ``recipient_id`` one email for all their due notifications of ``kind`` (articles,
    reports), unless they had one less than its ``DIGESTS`` setting ago: then the rows wait
    until that time is over."""
    now = utcnow()
    mine = and_(Notification.recipient_id == recipient_id, Notification.kind == kind)
    last = db.session.scalar(select(func.max(Notification.sent_at)).where(mine))
    if last is not None and (ready := last + _seconds(DIGESTS[kind])) > now:
        db.session.execute(
            update(Notification)
            .where(mine, Notification.status == PENDING, Notification.next_attempt_at < ready)
            .values(next_attempt_at=ready)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return NOTHING
    rows = _claim(mine, now)
    return _send(rows) if rows else NOTHING


# --- the sweep ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    notifications: list[int]  # to deliver one by one
    digests: list[tuple[int, str]]  # (recipient, kind) with digest notifications due


def due(grace_seconds: float) -> Due:
    """What is due and has waited ``grace_seconds`` past its time (so a task already queued
    for it has had its chance): rows the broker never got, whose worker died, or whose retry
    was lost, and the recipients whose article digest is due."""
    _give_up_abandoned(utcnow())
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    waiting = _due(utcnow()) & (Notification.next_attempt_at <= cutoff)
    single = select(Notification.id).where(waiting, Notification.kind.not_in(DIGESTS))
    digests = select(Notification.recipient_id, Notification.kind).where(
        _due(utcnow()), Notification.kind.in_(DIGESTS)
    )
    return Due(
        list(db.session.scalars(single.order_by(Notification.id).limit(1000))),
        [tuple(row) for row in db.session.execute(digests.distinct().limit(1000))],
    )


def _give_up_abandoned(now: datetime) -> None:
    """Fail the rows whose worker was lost during their last attempt (their lease ran out): a
    message that kills its worker is not tried for ever."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.status == SENDING,
            Notification.claimed_until < now,
            Notification.attempts >= current_app.config["NOTIFICATION_MAX_ATTEMPTS"],
        )
        .values(
            status=FAILED,
            claim_token=None,
            claimed_until=None,
            last_error="the worker was lost during the last attempt",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def backlog() -> dict[str, int]:
    """How many notifications are in each state (the metrics' outbox backlog)."""
    query = select(Notification.status, func.count()).group_by(Notification.status)
    return {status: count for status, count in db.session.execute(query)}


# --- the operator's view -----------------------------------------------------------------------


def failed(limit: int = 100) -> list[Notification]:
    query = select(Notification).where(Notification.status == FAILED)
    return list(db.session.scalars(query.order_by(Notification.id).limit(limit)))


def retry(notification_ids: list[int] | None) -> tuple[list[int], list[int]]:
    """Make failed notifications (these, or all with None) pending again: (all their ids, the
    ids to queue now). Digest notifications wait for the sweep, which sends them as digests."""
    query = select(Notification.id, Notification.kind).where(Notification.status == FAILED)
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    rows = db.session.execute(query).all()
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.status == FAILED)
            .values(status=PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return ids, [row.id for row in rows if row.kind not in DIGESTS]


def unsubscribe(token: str) -> str | None:
    """Turn off the kind of email a signed unsubscribe link names; the preference's name, or
    None for a link we did not sign."""
    read = messages.read_unsubscribe_token(token)
    if read is None:
        return None
    user_id, preference = read
    db.session.execute(
        update(User).where(User.id == user_id).values({f"notify_{preference}": False})
    )
    db.session.commit()
    return preference
