"""Relative majority (plurality) as a majority rule of polls.

Revision ID: c5a1e7d0f3b2
Revises: b41812ebde02
"""

from alembic import op

revision = "c5a1e7d0f3b2"
down_revision = "b41812ebde02"
branch_labels = None
depends_on = None

OLD = "rule IN ('simple', 'absolute', 'two_thirds', 'three_quarters', 'unanimity')"
NEW = "rule IN ('simple', 'absolute', 'two_thirds', 'three_quarters', 'unanimity', 'relative')"


def _replace(check: str) -> None:
    # batch mode: SQLite changes a CHECK constraint by copying the table
    with op.batch_alter_table("governance_poll") as batch:
        batch.drop_constraint(op.f("ck_governance_poll_rule"), type_="check")
        batch.create_check_constraint(op.f("ck_governance_poll_rule"), check)


def upgrade():
    _replace(NEW)


def downgrade():
    _replace(OLD)
