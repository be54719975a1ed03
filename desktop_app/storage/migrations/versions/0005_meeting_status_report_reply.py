"""meeting status and the county government's answer to a refusal report

meetings.status: a meeting may be planned (计划召开), held (已召开) or cancelled
(已取消); the meetings recorded so far were held. urgent_notices gains
report_reply_at / report_reply: what the county government did after a
拒不处理情况报告, so the report is tracked to its end.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=32), server_default='held', nullable=False))
        batch_op.create_index(batch_op.f('ix_meetings_status'), ['status'], unique=False)
    with op.batch_alter_table('urgent_notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_reply_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('report_reply', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('urgent_notices', schema=None) as batch_op:
        batch_op.drop_column('report_reply')
        batch_op.drop_column('report_reply_at')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_status'))
        batch_op.drop_column('status')
