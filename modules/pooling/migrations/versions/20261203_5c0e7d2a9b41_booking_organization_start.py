"""bookings indexed by organization and start

Revision ID: 5c0e7d2a9b41
Revises: e1d8af3d98cd
Create Date: 2026-12-03 17:10:00
"""

from alembic import op

revision = "5c0e7d2a9b41"
down_revision = "e1d8af3d98cd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pooling_booking", schema=None) as batch_op:
        batch_op.create_index("ix_pooling_booking_organization_start", ["organization_id", "start_at"], unique=False)
        batch_op.drop_index("ix_pooling_booking_organization_id")


def downgrade():
    with op.batch_alter_table("pooling_booking", schema=None) as batch_op:
        batch_op.create_index("ix_pooling_booking_organization_id", ["organization_id"], unique=False)
        batch_op.drop_index("ix_pooling_booking_organization_start")
