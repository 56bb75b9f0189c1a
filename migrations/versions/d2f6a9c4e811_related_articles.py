"""Related articles ("Read next").

- related_articles: an article's related articles, ranked, with their cosine similarity, as the
  worker computed them (myapp/articles/related.py). Both ends go with their article.
- related_computations: which version of an article (its updated_at) they were computed for;
  an article without one falls back to shared tags until the worker gets to it.

Revision ID: d2f6a9c4e811
Revises: c8a1d5e7f203
Create Date: 2026-11-23 04:30:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "d2f6a9c4e811"
down_revision = "c8a1d5e7f203"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)
TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def article_key(table, column):
    return sa.ForeignKeyConstraint(
        [column], ["articles.id"], name=op.f(f"fk_{table}_{column}_articles"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "related_articles",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("related_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        article_key("related_articles", "article_id"),
        article_key("related_articles", "related_id"),
        sa.PrimaryKeyConstraint("article_id", "rank", name=op.f("pk_related_articles")),
        **TABLE_ARGS,
    )
    with op.batch_alter_table("related_articles") as batch:
        batch.create_index("ix_related_articles_related_id", ["related_id"])
    op.create_table(
        "related_computations",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("computed_for", TIMESTAMP, nullable=False),
        sa.Column("computed_at", TIMESTAMP, nullable=False),
        article_key("related_computations", "article_id"),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_related_computations")),
        **TABLE_ARGS,
    )


def downgrade():
    op.drop_table("related_computations")
    op.drop_table("related_articles")
