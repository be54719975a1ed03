"""document number constraint name

The documents table had two unique constraints both named
``uq_documents_number``: one on ``number`` (from the naming convention) and one
on ``(prefix, year, serial)``. Same-named constraints make schema comparison
depend on set order and would collide on PostgreSQL. The second one is renamed
``uq_documents_prefix_year_serial``; the table is rebuilt with its rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _documents(triple_name: str | None) -> sa.Table:
    return sa.Table(
        'documents',
        sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('doc_type', sa.String(length=40), nullable=False),
        sa.Column('prefix', sa.String(length=40), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('serial', sa.Integer(), nullable=True),
        sa.Column('number', sa.String(length=80), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=True),
        sa.Column('recipient_name', sa.String(length=100), nullable=True),
        sa.Column('record_type', sa.String(length=32), nullable=True),
        sa.Column('record_id', sa.Integer(), nullable=True),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('void_reason', sa.Text(), nullable=True),
        sa.Column('voided_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name='fk_documents_created_by_id_staff', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['recipient_id'], ['organisations.id'], name='fk_documents_recipient_id_organisations', ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name='pk_documents'),
        sa.UniqueConstraint('number', name='uq_documents_number'),
        sa.UniqueConstraint('prefix', 'year', 'serial', name=triple_name),
        sa.Index('ix_documents_doc_type', 'doc_type'),
        sa.Index('ix_documents_issued_on', 'issued_on'),
        sa.Index('ix_documents_record', 'record_type', 'record_id'),
    )


def _sqlite() -> bool:
    # On PostgreSQL 0001 already created the constraint under its final name,
    # and a table rebuild would leave the id sequence behind the copied rows.
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    if not _sqlite():
        return
    with op.batch_alter_table(
        'documents', copy_from=_documents('uq_documents_prefix_year_serial'), recreate='always'
    ):
        pass


def downgrade() -> None:
    if not _sqlite():
        return
    with op.batch_alter_table(
        # unnamed: two constraints of one name cannot be rebuilt; the rule stays
        'documents', copy_from=_documents(None), recreate='always'
    ):
        pass
