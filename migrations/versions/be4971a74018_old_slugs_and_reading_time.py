"""Old slugs keep working; reading time.

- article_slugs: the slugs an article had before its title changed, each naming the article
  (unique, gone with the article). Their pages answer 301 to the article's current slug.
- articles.reading_minutes: how long the body takes to read, set when the body is written.
  Existing articles are counted here.

Revision ID: be4971a74018
Revises: 5b7e2c9d4f10
Create Date: 2026-11-24 10:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "be4971a74018"
down_revision = "5b7e2c9d4f10"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)
TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
# SQLite rebuilds a table to alter it: keep articles AUTOINCREMENT (ids never reused).
IDENTITY = {"sqlite_autoincrement": True}
BATCH = 500


def case_sensitive(length):
    return sa.String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), *MYSQL)


def reading_minutes(body: str) -> int:
    # As myapp.articles.services.reading_minutes, frozen here: a migration must not change
    # with the app. Words at 230 a minute, to the nearest minute, at least one.
    return max(1, (len(body.split()) + 115) // 230)


def upgrade():
    op.create_table(
        "article_slugs",
        sa.Column("slug", case_sensitive(255), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_slugs_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_article_slugs")),
        **TABLE_ARGS,
    )
    with op.batch_alter_table("article_slugs") as batch:
        batch.create_index("ix_article_slugs_article_id", ["article_id"])

    with op.batch_alter_table("articles", table_kwargs=IDENTITY) as batch:
        batch.add_column(
            sa.Column("reading_minutes", sa.Integer(), server_default="1", nullable=False)
        )

    # Counted in Python (no database counts words), a batch of bodies at a time; the
    # articles of a minute or less keep the default.
    conn = op.get_bind()
    articles = sa.table(
        "articles", sa.column("id"), sa.column("body"), sa.column("reading_minutes")
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.body)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            minutes = reading_minutes(row.body)
            if minutes != 1:
                conn.execute(
                    articles.update().where(articles.c.id == row.id).values(reading_minutes=minutes)
                )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table("articles", table_kwargs=IDENTITY) as batch:
        batch.drop_column("reading_minutes")
    op.drop_table("article_slugs")
