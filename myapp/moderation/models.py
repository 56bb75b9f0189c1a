from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.extensions import db
from myapp.models import IDENTITY_TABLE_ARGS, Timestamps, UTCDateTime, utcnow

# Why a reader reports something, and how the pages put it.
REASON_LABELS = {
    "spam": "Spam or advertising",
    "abuse": "Abuse or harassment",
    "off-topic": "Off-topic",
    "other": "Something else",
}
REASONS = tuple(REASON_LABELS)
# A report's life: open until a moderator acts on its target (resolved) or decides to leave
# it (dismissed).
OPEN, RESOLVED, DISMISSED = "open", "resolved", "dismissed"
REPORT_STATUSES = (OPEN, RESOLVED, DISMISSED)


class Report(Timestamps, db.Model):
    """A reader's report of an article (``comment_id`` None) or of a comment on it."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_created_at", "status", "created_at"),
        IDENTITY_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    # "<reporter>:<article>:<comment>" while open, None once closed: unique, so a reader has at
    # most one open report per target on every database (reporting again updates it).
    open_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.status}>"


def open_key(reporter_id: int, article_id: int, comment_id: int | None) -> str:
    return f"{reporter_id}:{article_id}:{comment_id or 0}"


class AuditEntry(db.Model):
    """One staff action: who did what to which target, why, when, and the values it changed
    (``changes``: field -> [before, after]). Written in the action's own transaction; nothing
    edits or deletes it (the actor's name is kept for when the actor is deleted)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target_type_target_id", "target_type", "target_id"),
        IDENTITY_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(32), index=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None] = mapped_column()
    target_label: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"
