"""Drafts and scheduled publishing; email preferences; the notification outbox.

- articles.status (draft, scheduled, published) and articles.publish_at, the moment an article
  went or goes live, which lists are ordered by. Existing articles are published as of their
  creation, so every list keeps its order.
- users.notify_comments / notify_followers / notify_articles: all on.
- notifications: the transactional outbox the worker delivers from.

Revision ID: 5b7e2c9d4f10
Revises: 3c1e0f2a9d47
Create Date: 2026-11-23 01:05:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "5b7e2c9d4f10"
down_revision = "3c1e0f2a9d47"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)
TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
# SQLite rebuilds a table to alter it: keep users and articles AUTOINCREMENT (ids never reused).
IDENTITY = {"sqlite_autoincrement": True}
NOTIFICATION_FKS = (("recipient_id", "users"), ("actor_id", "users"), ("article_id", "articles"), ("comment_id", "comments"))  # fmt: skip


def upgrade():
    with op.batch_alter_table("articles", table_kwargs=IDENTITY) as batch:
        batch.add_column(
            sa.Column("status", sa.String(16), server_default="published", nullable=False)
        )
        batch.add_column(sa.Column("publish_at", TIMESTAMP, nullable=True))
    op.execute("UPDATE articles SET publish_at = created_at")
    # New indexes first: MariaDB keeps an index on author_id for its foreign key.
    with op.batch_alter_table("articles", table_kwargs=IDENTITY) as batch:
        batch.create_index("ix_articles_author_id_publish_at", ["author_id", "publish_at"])
        batch.create_index("ix_articles_publish_at_id", ["publish_at", "id"])
        batch.create_index("ix_articles_status_publish_at", ["status", "publish_at"])
        batch.drop_index("ix_articles_author_id_created_at")
        batch.drop_index("ix_articles_created_at_id")

    with op.batch_alter_table("users", table_kwargs=IDENTITY) as batch:
        for kind in ("comments", "followers", "articles"):
            batch.add_column(
                sa.Column(f"notify_{kind}", sa.Boolean(), server_default=sa.true(), nullable=False)
            )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("claimed_until", TIMESTAMP, nullable=True),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        *(
            sa.ForeignKeyConstraint(
                [column],
                [f"{table}.id"],
                name=op.f(f"fk_notifications_{column}_{table}"),
                ondelete="CASCADE",
            )
            for column, table in NOTIFICATION_FKS
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sqlite_autoincrement=True,
        **TABLE_ARGS,
    )
    with op.batch_alter_table("notifications") as batch:
        for column in ("actor_id", "article_id", "comment_id"):
            batch.create_index(f"ix_notifications_{column}", [column])
        batch.create_index(
            "ix_notifications_status_next_attempt_at", ["status", "next_attempt_at"]
        )
        batch.create_index(
            "ix_notifications_recipient_id_kind_status", ["recipient_id", "kind", "status"]
        )


def downgrade():
    op.drop_table("notifications")
    with op.batch_alter_table("users", table_kwargs=IDENTITY) as batch:
        for kind in ("comments", "followers", "articles"):
            batch.drop_column(f"notify_{kind}")
    with op.batch_alter_table("articles", table_kwargs=IDENTITY) as batch:
        batch.create_index("ix_articles_created_at_id", ["created_at", "id"])
        batch.create_index("ix_articles_author_id_created_at", ["author_id", "created_at"])
        batch.drop_index("ix_articles_status_publish_at")
        batch.drop_index("ix_articles_publish_at_id")
        batch.drop_index("ix_articles_author_id_publish_at")
        batch.drop_column("publish_at")
        batch.drop_column("status")
