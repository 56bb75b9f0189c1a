from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.extensions import db
from myapp.models import IDENTITY_TABLE_ARGS, UTCDateTime, utcnow

# What happened, and so which email it becomes (myapp/notifications/messages.py).
COMMENT, FOLLOWER, ARTICLE, PASSWORD_RESET = "comment", "follower", "article", "password_reset"
REPORTS = "reports"  # a report for the staff to review (myapp/moderation/)
# The kinds sent as digests by the sweep, each at most once per recipient per the setting named.
DIGESTS = {ARTICLE: "ARTICLE_DIGEST_SECONDS", REPORTS: "REPORT_DIGEST_SECONDS"}
# The preference (users.notify_<kind>) that turns each kind off; a password reset always goes.
PREFERENCE = {COMMENT: "comments", FOLLOWER: "followers", ARTICLE: "articles"}

# A row's life: pending -> sending (claimed by one worker for a lease) -> sent, or back to
# pending with a later next_attempt_at after a failure, or failed after the last attempt, or
# skipped when the recipient turned the kind off or what it was about is gone.
PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"


class Notification(db.Model):
    """One email to send: the outbox. The write that causes it adds the row in its own
    transaction, so a notification exists exactly when its cause does; the worker delivers it."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The sweep's and the digest's scans: what is due, and a recipient's rows of a kind.
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notifications_recipient_id_kind_status", "recipient_id", "kind", "status"),
        IDENTITY_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Who did it and to what; a row goes with any of them (nothing left to tell).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A worker's claim: its random token, until the lease ends (then another may take over).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The request that caused it: the worker's log lines carry it.
    request_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} {self.status}>"
