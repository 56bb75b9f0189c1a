"""Comment edits: comments.edited_at, when the author last changed the body (NULL: never).

``updated_at`` moves with any change to the row (a moderator hiding it, say), so the edit time
has a column of its own. Added with a plain ALTER TABLE, like the columns before it.

Revision ID: f1a2c3d4e5b6
Revises: e5b8c3a1f702
Create Date: 2026-11-23 11:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "f1a2c3d4e5b6"
down_revision = "e5b8c3a1f702"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    op.add_column("comments", sa.Column("edited_at", TIMESTAMP, nullable=True))


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
