"""Hardening: stored article HTML, look-alike-proof usernames, random credential keys, and
ids that SQLite never reuses.

- articles.body_html: the body rendered once, when written (existing rows are rendered here).
- users.username_key: the username with case, width and separators folded; unique.
- users.credentials_key / users.session_key replace credentials_version: random values that
  tokens and session cookies carry. Every token and session from before this revision ends.
- SQLite: users, articles, comments and tags become AUTOINCREMENT tables, so a deleted row's id
  is never handed out again (PostgreSQL's and MariaDB's sequences already never reuse one).

Revision ID: 3c1e0f2a9d47
Revises: 7fddc48a9b19
Create Date: 2026-11-22 23:20:00

"""

import html
import re
import secrets
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "3c1e0f2a9d47"
down_revision = "7fddc48a9b19"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL)
IDENTITY_TABLES = ("tags", "users", "articles", "comments")


def case_sensitive(length):
    return sa.String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), *MYSQL)


def username_key(username: str) -> str:
    # As myapp.identity.username_key, frozen here: a migration must not change with the app.
    return re.sub(r"[._-]", "", unicodedata.normalize("NFKC", username).casefold())


def render(body: str) -> str:
    from myapp.articles.markdown import render_markdown
    from myapp.errors import Invalid

    try:
        return render_markdown(body)
    except Invalid:  # too costly to render: shown as plain text
        return f"<p>{html.escape(body)}</p>"


def upgrade():
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("body_html", LONG_TEXT, nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_key", case_sensitive(40), nullable=True))
        batch.add_column(sa.Column("credentials_key", sa.String(32), nullable=True))
        batch.add_column(sa.Column("session_key", sa.String(32), nullable=True))

    articles = sa.table("articles", sa.column("id"), sa.column("body"), sa.column("body_html"))
    for row in conn.execute(sa.select(articles.c.id, articles.c.body)).all():
        conn.execute(
            articles.update().where(articles.c.id == row.id).values(body_html=render(row.body))
        )
    users = sa.table(
        "users",
        sa.column("id"),
        sa.column("username"),
        sa.column("username_key"),
        sa.column("credentials_key"),
        sa.column("session_key"),
    )
    taken = set()
    for row in conn.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all():
        key = username_key(row.username)
        if key in taken:  # an older look-alike keeps the name; this one stays unique by id
            key = f"{key[:30]}~{row.id}"
        taken.add(key)
        conn.execute(
            users.update()
            .where(users.c.id == row.id)
            .values(
                username_key=key,
                credentials_key=secrets.token_urlsafe(16),
                session_key=secrets.token_urlsafe(16),
            )
        )

    with op.batch_alter_table("articles") as batch:
        batch.alter_column("body_html", existing_type=LONG_TEXT, nullable=False)
    with op.batch_alter_table("users") as batch:
        batch.alter_column("username_key", existing_type=case_sensitive(40), nullable=False)
        batch.alter_column("credentials_key", existing_type=sa.String(32), nullable=False)
        batch.alter_column("session_key", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint(batch.f("uq_users_username_key"), ["username_key"])
        batch.drop_column("credentials_version")

    if sqlite:
        # Rebuild each table as AUTOINCREMENT (migrations/env.py turns foreign keys off while
        # it migrates SQLite, so rebuilding a table does not cascade into its dependants).
        for table in IDENTITY_TABLES:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("credentials_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch.drop_constraint(batch.f("uq_users_username_key"), type_="unique")
        batch.drop_column("session_key")
        batch.drop_column("credentials_key")
        batch.drop_column("username_key")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("body_html")
