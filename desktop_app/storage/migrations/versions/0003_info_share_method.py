"""info share method

How an item of 信息共享 was shared (信息化网络平台, 电子邮件, 纸质函件…).
Existing rows keep NULL: the method was not recorded then.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('info_shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('info_shares', schema=None) as batch_op:
        batch_op.drop_column('method')
