"""行刑衔接: the procuratorate's supervision and the 以罚代刑 override

criminal_transfers gains supervision_at / supervision_note (检察机关立案监督,
国务院令第310号 art. 14) and override_reason / override_by_id / override_at:
the audited exception that lets a record flagged as a suspected crime be
closed with an administrative penalty (reason and a second officer).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("criminal_transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supervision_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("supervision_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("override_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("override_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_criminal_transfers_override_by_id_staff"),
            "staff",
            ["override_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("criminal_transfers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_criminal_transfers_override_by_id_staff"), type_="foreignkey"
        )
        batch_op.drop_column("override_at")
        batch_op.drop_column("override_by_id")
        batch_op.drop_column("override_reason")
        batch_op.drop_column("supervision_note")
        batch_op.drop_column("supervision_at")
