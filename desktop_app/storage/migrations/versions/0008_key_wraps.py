"""Wrapped data key for the complainants' identity

key_wraps: the data key that encrypts complainants.name/phone/id_number/address,
wrapped under each account's password (argon2id) and, account_id NULL, under
the printed recovery key. The values themselves are encrypted by the program
(at the first administrator's set-up or log-in), not by this migration: it has
no key.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_wraps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("params", sa.String(length=200), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_key_wraps_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_wraps")),
        sa.UniqueConstraint("account_id", name=op.f("uq_key_wraps_account_id")),
    )


def downgrade() -> None:
    # Without the wrapped key the encrypted identities could never be read again.
    sealed = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM complainants WHERE name LIKE :enc OR phone LIKE :enc"
                " OR id_number LIKE :enc OR address LIKE :enc"
            ),
            {"enc": "enc1:%"},
        )
        .scalar()
    )
    if sealed:
        raise RuntimeError(
            "投诉举报人信息已加密，降级会丢失数据密钥、使其无法解密：请改为恢复升级前的备份。"
        )
    op.drop_table("key_wraps")
