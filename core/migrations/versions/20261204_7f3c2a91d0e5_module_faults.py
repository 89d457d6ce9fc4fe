"""module faults: hooks that failed or ran slow on shared pages, for the Modules page

Revision ID: 7f3c2a91d0e5
Revises: df795ec724e1
Create Date: 2026-12-04 17:20:00
"""

import sqlalchemy as sa
from alembic import op

import core.db

revision = "7f3c2a91d0e5"
down_revision = "df795ec724e1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_module_fault",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=60), nullable=False),
        sa.Column("hook", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("first_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_module_fault")),
        sa.UniqueConstraint("module", "hook", "kind", name=op.f("uq_core_module_fault_module_hook_kind")),
    )


def downgrade():
    op.drop_table("core_module_fault")
