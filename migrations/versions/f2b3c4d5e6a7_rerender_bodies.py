"""Re-render every article's body with the current renderer.

Bodies are rendered once, when written (myapp/articles/markdown.py), so the articles written
before code highlighting, focusable code blocks and table scrollers keep the old HTML until
they are rendered again: here, a batch at a time. Unlike the frozen helpers of other data
migrations, this one uses the app's renderer on purpose: its job is to bring the stored HTML
up to whatever the app renders now. A body the renderer now refuses keeps its HTML.

Only ``body_html`` changes: the search triggers watch title, description and body (PostgreSQL)
or index the Markdown (SQLite, MariaDB), so the search index is untouched.

Downgrade does nothing: the new HTML is as safe as the old and shows the same content, and the
old renderer is gone, so there is nothing to go back to.

Revision ID: f2b3c4d5e6a7
Revises: f1a2c3d4e5b6
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from myapp.articles.markdown import render_markdown
from myapp.errors import Invalid

revision = "f2b3c4d5e6a7"
down_revision = "f1a2c3d4e5b6"
branch_labels = None
depends_on = None

BATCH = 200


def upgrade():
    conn = op.get_bind()
    articles = sa.table("articles", sa.column("id"), sa.column("body"), sa.column("body_html"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.body, articles.c.body_html)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            try:
                html = render_markdown(row.body)
            except Invalid:
                continue
            if html != row.body_html:
                conn.execute(
                    articles.update().where(articles.c.id == row.id).values(body_html=html)
                )
        last = rows[-1].id


def downgrade():
    pass
