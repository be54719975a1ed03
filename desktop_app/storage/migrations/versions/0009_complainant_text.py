"""The complainant's fields as TEXT: room for their encrypted form

An encrypted value ("enc1:" + base64 of nonce, ciphertext and tag) is several
times longer than the VARCHAR(18/40/200) the form's limits gave; SQLite never
enforced those lengths, PostgreSQL would.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (("name", 40), ("phone", 40), ("id_number", 18), ("address", 200))


def upgrade() -> None:
    with op.batch_alter_table("complainants", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.alter_column(
                name, existing_type=sa.String(length=length), type_=sa.Text(), existing_nullable=True
            )


def downgrade() -> None:
    with op.batch_alter_table("complainants", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.alter_column(
                name, existing_type=sa.Text(), type_=sa.String(length=length), existing_nullable=True
            )
