"""Several organisations in one database: every ledger record and document has an owner

``owner_org_id`` (the township or county department that registered the record)
on every ledger table and on the document register, filled in from the
``township_org_id`` setting where one is chosen. Ledger serials and document
numbers become unique per owner; rows without an owner keep them unique among
themselves (a partial unique index, as NULLs are distinct in a constraint).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

LEDGER_TABLES = (
    "cases",
    "referrals",
    "complaints",
    "info_shares",
    "assistance_requests",
    "disputes",
    "criminal_transfers",
    "meetings",
    "urgent_notices",
    "joint_actions",
)
UNOWNED = sa.text("owner_org_id IS NULL")

# documents: (old constraint, its columns) → (new constraint, partial index)
DOCUMENT_RULES = (
    (
        "uq_documents_number",
        ("number",),
        "uq_documents_owner_number",
        "uq_documents_unowned_number",
    ),
    (
        "uq_documents_prefix_year_serial",
        ("prefix", "year", "serial"),
        "uq_documents_owner_prefix_year_serial",
        "uq_documents_unowned_prefix_year_serial",
    ),
)


def _add_owner(batch_op: "op.BatchOperations", table: str) -> None:  # type: ignore[name-defined]
    batch_op.add_column(sa.Column("owner_org_id", sa.Integer(), nullable=True))
    batch_op.create_index(f"ix_{table}_owner_org_id", ["owner_org_id"], unique=False)
    batch_op.create_foreign_key(
        f"fk_{table}_owner_org_id_organisations",
        "organisations",
        ["owner_org_id"],
        ["id"],
        ondelete="RESTRICT",
    )


def _drop_owner(batch_op: "op.BatchOperations", table: str) -> None:  # type: ignore[name-defined]
    batch_op.drop_constraint(f"fk_{table}_owner_org_id_organisations", type_="foreignkey")
    batch_op.drop_index(f"ix_{table}_owner_org_id")
    batch_op.drop_column("owner_org_id")


def _partial_index(name: str, table: str, columns: list[str]) -> None:
    op.create_index(
        name, table, columns, unique=True, sqlite_where=UNOWNED, postgresql_where=UNOWNED
    )


def _township_id(conn: sa.Connection) -> int | None:
    value = conn.execute(
        sa.text("SELECT value FROM settings WHERE key = 'township_org_id'")
    ).scalar()
    if isinstance(value, str):  # SQLite hands the JSON text back
        value = json.loads(value) if value.strip() else None
    if value in (None, ""):
        return None
    try:
        org_id = int(value)
    except (TypeError, ValueError):
        return None
    found = conn.execute(
        sa.text("SELECT id FROM organisations WHERE id = :id"), {"id": org_id}
    ).scalar()
    return int(found) if found is not None else None


def upgrade() -> None:
    for table in LEDGER_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            _add_owner(batch_op, table)
            batch_op.drop_constraint(f"uq_{table}_serial", type_="unique")
            batch_op.create_unique_constraint(
                f"uq_{table}_owner_serial", ["owner_org_id", "serial"]
            )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        _add_owner(batch_op, "documents")
        for old, columns, new, _partial in DOCUMENT_RULES:
            batch_op.drop_constraint(old, type_="unique")
            batch_op.create_unique_constraint(new, ["owner_org_id", *columns])

    conn = op.get_bind()
    town = _township_id(conn)
    if town is not None:
        for table in (*LEDGER_TABLES, "documents"):
            conn.execute(
                sa.text(f"UPDATE {table} SET owner_org_id = :town WHERE owner_org_id IS NULL"),
                {"town": town},
            )

    for table in LEDGER_TABLES:
        _partial_index(f"uq_{table}_unowned_serial", table, ["serial"])
    for _old, columns, _new, partial in DOCUMENT_RULES:
        _partial_index(partial, "documents", list(columns))


def downgrade() -> None:
    for _old, _columns, _new, partial in DOCUMENT_RULES:
        op.drop_index(partial, table_name="documents")
    for table in LEDGER_TABLES:
        op.drop_index(f"uq_{table}_unowned_serial", table_name=table)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        for old, columns, new, _partial in DOCUMENT_RULES:
            batch_op.drop_constraint(new, type_="unique")
            batch_op.create_unique_constraint(old, list(columns))
        _drop_owner(batch_op, "documents")
    for table in LEDGER_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_owner_serial", type_="unique")
            batch_op.create_unique_constraint(f"uq_{table}_serial", ["serial"])
            _drop_owner(batch_op, table)
