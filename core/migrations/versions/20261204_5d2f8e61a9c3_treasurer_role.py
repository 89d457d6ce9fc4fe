"""treasurer role: a membership may carry the role of the network's treasurer

Revision ID: 5d2f8e61a9c3
Revises: 3b9e6d4c1a07
Create Date: 2026-12-04 17:35:00
"""

from alembic import op

revision = "5d2f8e61a9c3"
down_revision = "3b9e6d4c1a07"
branch_labels = None
depends_on = None

BEFORE = (
    "'network_admin', 'board_member', 'member_manager', 'member_staff', 'trainer', 'host_referent', 'project_holder'"
)


def _roles(roles: str) -> None:
    with op.batch_alter_table("core_membership") as batch:
        batch.drop_constraint(op.f("ck_core_membership_role"), type_="check")
        batch.create_check_constraint("role", f"role IN ({roles})")


def upgrade():
    _roles(BEFORE + ", 'treasurer'")


def downgrade():
    op.execute("DELETE FROM core_membership WHERE role = 'treasurer'")
    _roles(BEFORE)
