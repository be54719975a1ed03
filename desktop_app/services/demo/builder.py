"""The demo's entry point: one run of every ledger generator, then numbering and writing.

Rows are built as plain dicts linked by reference, then numbered (primary
keys after the current maximum, ledger serials per year in chronological
order) and inserted in batches inside one unit of work. One audit entry
records the run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import bindparam, func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import identity, scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo.assistance import gen_assistance
from desktop_app.services.demo.cases import gen_cases
from desktop_app.services.demo.complaints import gen_complaints, start_complaint_clocks
from desktop_app.services.demo.consultation import gen_joint_actions, gen_meetings, gen_urgent
from desktop_app.services.demo.core import INSERT_ORDER, LEDGER_MODELS, Demo, Row
from desktop_app.services.demo.criminal import gen_criminal
from desktop_app.services.demo.disputes import gen_disputes
from desktop_app.services.demo.info_shares import gen_info_shares
from desktop_app.services.demo.reference import load_reference
from desktop_app.services.demo.referrals import gen_referrals
from desktop_app.services.errors import ServiceError
from desktop_app.services.seed import seed_reference_data
from desktop_app.services.serials import PREFIXES
from desktop_app.storage import postgres

MAX_RECORDS = 1_000_000
BATCH = 5000

# Share of the requested number of records per ledger (cases: derived + standalone).
SHARES: dict[str, float] = {
    "complaints": 0.28,
    "info_shares": 0.28,
    "referrals": 0.14,
    "cases": 0.14,
    "assistance_requests": 0.065,
    "joint_actions": 0.025,
    "urgent_notices": 0.025,
    "meetings": 0.02,
    "disputes": 0.008,
    "criminal_transfers": 0.007,
}
# Columns that may hold a reference to another generated row until ids are known.
LINKS: dict[str, tuple[str, ...]] = {
    "complaints": ("case_id", "referral_id"),
    "complainants": ("complaint_id",),
    "referrals": ("complaint_id", "case_id"),
    "info_share_counterparts": ("info_share_id",),
    "meetings": ("linked_id",),
    "meeting_organisations": ("meeting_id",),
    "follow_up_actions": ("meeting_id",),
    "joint_actions": ("meeting_id",),
    "joint_action_organisations": ("joint_action_id",),
    "assistance_requests": ("linked_id",),
    "assistance_extensions": ("request_id",),
    "disputes": ("referral_id",),
    "negotiation_rounds": ("dispute_id",),
    "criminal_transfers": ("case_id", "source_id"),
    "criminal_transfer_officers": ("criminal_transfer_id",),
    "materials": ("record_id",),
}
RECORD_TYPES = {
    "referrals": RecordType.REFERRAL,
    "complaints": RecordType.COMPLAINT,
    "info_shares": RecordType.INFO_SHARE,
    "meetings": RecordType.MEETING,
    "urgent_notices": RecordType.URGENT_NOTICE,
    "joint_actions": RecordType.JOINT_ACTION,
    "assistance_requests": RecordType.ASSISTANCE,
    "disputes": RecordType.DISPUTE,
    "criminal_transfers": RecordType.CRIMINAL_TRANSFER,
    "cases": RecordType.CASE,
}


def generate_demo(
    ctx: ServiceContext,
    *,
    records: int = 2000,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
) -> dict[str, int]:
    """Fill the database with about ``records`` ledger records; returns rows per table.

    Records span the 18 months before ``today`` (default: the clock's today),
    as of 09:00 that day. Reference data is seeded first when the database
    is empty; a township team is added when only the administrator exists.
    ``progress(done, total)`` is called now and then (``done == total`` at
    the end). Refuses (:class:`ServiceError`) when the database already holds
    ledger records, unless ``force`` — a demo must never be mixed into a real
    office database by accident.
    """
    if not 1 <= records <= MAX_RECORDS:
        raise ServiceError(f"演示数据条数应在 1 至 {MAX_RECORDS:,} 之间（现为 {records}）。")
    if not force:
        with ctx.read() as s:
            existing = sum(
                s.execute(select(func.count()).select_from(m)).scalar_one()
                for m in LEDGER_MODELS.values()
            )
        if existing:
            raise ServiceError(
                f"数据库中已有 {existing} 条台账记录。为防止演示数据混入正式数据，未生成演示数据；"
                "请在新的数据库中生成，或明确选择强制生成。"
            )
    with ctx.read() as s:  # the complainants are encrypted once the database has a key
        if identity.has_data_key(s) and ctx.data_key is None:
            raise identity.LoginRequired()
    seed_reference_data(ctx)
    day = today or clock.today()
    report = progress or (lambda done, total: None)
    with ctx.uow() as uow:
        demo = Demo(uow.session, random.Random(seed), day, records, report)
        load_reference(demo)
        counts = run(demo)
        start_complaint_clocks(demo)
        ledgers = {n: counts.get(n, 0) for n in LEDGER_MODELS}
        total = sum(ledgers.values())
        detail = "、".join(f"{RECORD_TYPES[n].label}{c}" for n, c in ledgers.items() if c)
        uow.audit(
            AuditAction.IMPORT,
            None,
            None,
            f"生成演示数据：台账记录 {total} 条（{detail}），截至 {day:%Y-%m-%d}，随机种子 {seed}",
        )
    report(2 * records, 2 * records)
    return counts


def run(g: Demo) -> dict[str, int]:
    """Generate every ledger in turn (the order fixes the random calls), then write."""
    n = {k: max(1, round(v * g.records)) for k, v in SHARES.items()}
    total, done = 2 * g.records, 0
    steps: list[tuple[str, Callable[[Demo, int], None]]] = [
        ("complaints", gen_complaints),
        ("referrals", gen_referrals),
        ("criminal_transfers", gen_criminal),
        ("cases", gen_cases),
        ("assistance_requests", gen_assistance),
        ("disputes", gen_disputes),
        ("info_shares", gen_info_shares),
        ("meetings", gen_meetings),
        ("urgent_notices", gen_urgent),
        ("joint_actions", gen_joint_actions),
    ]
    g.progress(0, total)
    for key, step in steps:
        step(g, n[key])
        done += n[key]
        g.progress(min(done, g.records), total)
    finish(g)
    return insert(g, total)


# --- numbering and writing ---------------------------------------------------


def finish(g: Demo) -> None:
    """Primary keys, ledger serials in chronological order, references → ids."""
    for name, rows in g.rows.items():
        if name == "staff" or "id" not in g.tables[name].c:
            continue
        if name in LEDGER_MODELS:
            rows.sort(key=lambda r: r["created_at"])
            _serials(g, name, rows)
        start = g.max_id(name) + 1
        for i, row in enumerate(rows):
            row["id"] = start + i
    for name, cols in LINKS.items():
        for row in g.rows[name]:
            for col in cols:
                v = row[col]
                if type(v) is dict:
                    row[col] = v["id"]


def _serials(g: Demo, name: str, rows: list[Row]) -> None:
    model = LEDGER_MODELS[name]
    prefix = PREFIXES[model]
    counters: dict[int, int] = {}
    col = g.tables[name].c.serial
    for serial in g.s.execute(select(col).where(col.like(prefix + "%"))).scalars():
        year, _sep, number = serial[len(prefix) :].partition("-")
        if year.isdigit() and number.isdigit():
            counters[int(year)] = max(counters.get(int(year), 0), int(number))
    for row in rows:
        year = row["created_at"].year
        n = counters.get(year, 0) + 1
        counters[year] = n
        row["serial"] = f"{prefix}{year}-{n:04d}"
        if name == "cases":
            row["case_number"] = f"赵八综执立字〔{year}〕第{n:03d}号"


def insert(g: Demo, total: int) -> dict[str, int]:
    s = g.s
    links = [
        {"cid": r["id"], "rid": r["referral_id"], "upd": r["updated_at"]}
        for r in g.rows["complaints"]
        if r["referral_id"]
    ]
    for row in g.rows["complaints"]:
        row["referral_id"] = None
    identity.seal_rows(s, g.rows["complainants"])  # with the key, when the database has one
    all_rows = sum(len(v) for v in g.rows.values()) or 1
    written = 0
    owner = scope.settings_township(s)  # the records are the settings' township's
    for name in INSERT_ORDER:
        rows = g.rows[name]
        table = g.tables[name]
        if "owner_org_id" in table.c:
            for row in rows:
                row.setdefault("owner_org_id", owner)
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            s.execute(table.insert(), batch)
            written += len(batch)
            g.progress(g.records + g.records * written // all_rows, total)
        if name == "referrals" and links:
            c = g.tables["complaints"].c
            stmt = (
                g.tables["complaints"]
                .update()
                .where(c.id == bindparam("cid"))
                .values(referral_id=bindparam("rid"), updated_at=bindparam("upd"))
            )
            for i in range(0, len(links), BATCH):
                s.execute(stmt, links[i : i + BATCH])
    numbered = [name for name, rows in g.rows.items() if rows and "id" in g.tables[name].c]
    postgres.sync_id_sequences(s.connection(), numbered)
    return {name: len(rows) for name, rows in g.rows.items() if rows}
