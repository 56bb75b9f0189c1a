"""Roles, reports and moderation.

- users: role (user, moderator or admin) and a suspension (since, until, why);
- articles and comments: hidden_at and hidden_reason, set by a moderator;
- reports: a reader's report of an article or comment, at most one open per reader and target
  (open_key is unique while the report is open, NULL after);
- audit_log: every staff action, with the values it changed.

Columns are added with plain ALTER TABLE (no batch copy on SQLite), so the search triggers on
articles stay as they are.

Revision ID: e5b8c3a1f702
Revises: d2f6a9c4e811
Create Date: 2026-11-23 07:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "e5b8c3a1f702"
down_revision = "d2f6a9c4e811"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)
TABLE_ARGS = {
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "sqlite_autoincrement": True,
}


def foreign_key(table, column, referred, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete=ondelete,
    )


def upgrade():
    op.add_column(
        "users", sa.Column("role", sa.String(16), server_default="user", nullable=False)
    )
    op.add_column("users", sa.Column("suspended_at", TIMESTAMP, nullable=True))
    op.add_column("users", sa.Column("suspended_until", TIMESTAMP, nullable=True))
    op.add_column("users", sa.Column("suspension_reason", sa.String(500), nullable=True))
    op.create_index(op.f("ix_users_suspended_at"), "users", ["suspended_at"])
    for table in ("articles", "comments"):
        op.add_column(table, sa.Column("hidden_at", TIMESTAMP, nullable=True))
        op.add_column(table, sa.Column("hidden_reason", sa.String(500), nullable=True))

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("open_key", sa.String(64), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        foreign_key("reports", "reporter_id", "users", "CASCADE"),
        foreign_key("reports", "article_id", "articles", "CASCADE"),
        foreign_key("reports", "comment_id", "comments", "CASCADE"),
        foreign_key("reports", "resolved_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("open_key", name=op.f("uq_reports_open_key")),
        **TABLE_ARGS,
    )
    for column in ("reporter_id", "article_id", "comment_id"):
        op.create_index(op.f(f"ix_reports_{column}"), "reports", [column])
    op.create_index("ix_reports_status_created_at", "reports", ["status", "created_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(40), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.String(255), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        foreign_key("audit_log", "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        **TABLE_ARGS,
    )
    for column in ("created_at", "actor_id", "action"):
        op.create_index(op.f(f"ix_audit_log_{column}"), "audit_log", [column])
    op.create_index(
        "ix_audit_log_target_type_target_id", "audit_log", ["target_type", "target_id"]
    )


def downgrade():
    op.drop_table("audit_log")
    op.drop_table("reports")
    for table in ("comments", "articles"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("hidden_reason")
            batch.drop_column("hidden_at")
    op.drop_index(op.f("ix_users_suspended_at"), table_name="users")
    with op.batch_alter_table("users") as batch:
        for column in ("suspension_reason", "suspended_until", "suspended_at", "role"):
            batch.drop_column(column)
