"""auth attempts: failed logins and reset requests counted in the database, shared by every worker

Revision ID: 3b9e6d4c1a07
Revises: 7f3c2a91d0e5
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import core.db

revision = "3b9e6d4c1a07"
down_revision = "7f3c2a91d0e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_auth_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_auth_attempt")),
    )
    op.create_index("ix_core_auth_attempt_key_at", "core_auth_attempt", ["key", "at"])
    op.create_index(op.f("ix_core_auth_attempt_at"), "core_auth_attempt", ["at"])


def downgrade():
    op.drop_index(op.f("ix_core_auth_attempt_at"), table_name="core_auth_attempt")
    op.drop_index("ix_core_auth_attempt_key_at", table_name="core_auth_attempt")
    op.drop_table("core_auth_attempt")
