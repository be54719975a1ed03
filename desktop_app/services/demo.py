"""演示数据: fill a database with realistic records in every ledger.

For trying the app, screenshots and benchmarks. Records span the 18 months
before ``today``: older ones completed, recent ones in progress, and some
open items due today, soon or overdue so the dashboard has something to
show. Deterministic for a given seed and day.

Fast enough for 100,000 records: rows are built as plain dicts linked by
reference, then numbered (primary keys after the current maximum, ledger
serials per year in chronological order) and inserted in batches inside one
unit of work. One audit entry records the run.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.calendar import CalendarOverride as DayOverride
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.deadlines import (
    assistance_deadline,
    criminal_approval_deadline,
    criminal_transfer_deadline,
    end_of_day,
    handover_deadline,
    info_share_deadline,
    police_decision_deadline,
    reconsideration_deadline,
    referral_deadline,
)
from desktop_app.domain.terms import (
    ActionStatus,
    AssistanceKind,
    AssistanceStatus,
    AuditAction,
    CaseClosure,
    CaseStatus,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    CriminalTransferStatus,
    Direction,
    DisputeStatus,
    FoundHow,
    InfoCategory,
    MaterialKind,
    MeetingKind,
    MeetingTopic,
    OrgKind,
    PartyKind,
    PoliceDecision,
    PreTransferState,
    RecordType,
    ReferralStatus,
    SendMethod,
    ShareDirection,
    StaffRole,
    Urgency,
    UrgentNoticeStatus,
)
from desktop_app.services import demo_text as tx
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.services.seed import seed_reference_data
from desktop_app.services.serials import PREFIXES
from desktop_app.storage.models import (
    Base,
    CalendarOverride,
    CalendarYear,
    Organisation,
    PenaltyMatter,
    Setting,
    Staff,
)
from desktop_app.storage.models.base import LedgerRecord

Row = dict[str, Any]

MAX_RECORDS = 1_000_000
WINDOW_DAYS = 548  # 18 months
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
LEDGER_MODELS: dict[str, type[LedgerRecord]] = {
    model.__tablename__: model  # type: ignore[attr-defined]
    for model in PREFIXES
}
# Insert order (foreign keys are checked at once); complaints.referral_id is set afterwards.
INSERT_ORDER = (
    "staff cases complaints complainants referrals info_shares info_share_counterparts "
    "meetings meeting_organisations follow_up_actions urgent_notices joint_actions "
    "joint_action_organisations assistance_requests assistance_extensions disputes "
    "negotiation_rounds criminal_transfers criminal_transfer_officers materials"
).split()
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
_RECORD_TYPES = {
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


class _Org:
    __slots__ = ("id", "liaison", "name", "short")

    def __init__(self, org: Organisation) -> None:
        self.id = org.id
        self.name = org.name
        self.short = org.short_name or org.name
        self.liaison = org.liaison_name


class _Matter:
    __slots__ = ("dept", "matter_id", "name", "text", "township")

    def __init__(
        self, text: tx.MatterText, name: str, matter_id: int | None, dept: _Org, township: bool
    ) -> None:
        self.text, self.name, self.matter_id = text, name, matter_id
        self.dept, self.township = dept, township


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
    seed_reference_data(ctx)
    day = today or clock.today()
    report = progress or (lambda done, total: None)
    with ctx.uow() as uow:
        demo = _Demo(uow.session, random.Random(seed), day, records, report)
        counts = demo.run()
        ledgers = {n: counts.get(n, 0) for n in LEDGER_MODELS}
        total = sum(ledgers.values())
        detail = "、".join(f"{_RECORD_TYPES[n].label}{c}" for n, c in ledgers.items() if c)
        uow.audit(
            AuditAction.IMPORT,
            None,
            None,
            f"生成演示数据：台账记录 {total} 条（{detail}），截至 {day:%Y-%m-%d}，随机种子 {seed}",
        )
    report(2 * records, 2 * records)
    return counts


class _Demo:
    """One generation run; ``rows`` collects the rows of every table."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        today: date,
        records: int,
        progress: Callable[[int, int], None],
    ) -> None:
        self.s, self.rng, self.today, self.records = session, rng, today, records
        self.progress = progress
        self.now = datetime.combine(today, time(9, 0))
        self.first = today - timedelta(days=WINDOW_DAYS)
        self.tables: dict[str, Table] = dict(Base.metadata.tables)
        self.blank: dict[str, Row] = {}
        for name in INSERT_ORDER:
            cols: Row = {}
            for c in self.tables[name].columns:
                d = c.default
                cols[c.name] = d.arg if d is not None and d.is_scalar else None  # type: ignore[attr-defined]
            if "version" in cols:
                cols["version"] = 1
            self.blank[name] = cols
        self.rows: dict[str, list[Row]] = {name: [] for name in INSERT_ORDER}
        self.cal = self._calendar()
        self._load_reference()
        self.case_rows: list[tuple[Row, date]] = []  # (case, planned closing day)
        self.disputable: list[tuple[Row, _Matter, datetime]] = []
        self.pre_transfer_made = False

    # --- reference data ------------------------------------------------------

    def _calendar(self) -> WorkCalendar:
        overrides = [
            DayOverride(o.day, o.working, o.note or "")
            for o in self.s.execute(select(CalendarOverride)).scalars()
        ]
        years = self.s.execute(
            select(CalendarYear.year).where(CalendarYear.confirmed.is_(True))
        ).scalars()
        return WorkCalendar(overrides, list(years))

    def _load_reference(self) -> None:
        s = self.s
        orgs = list(
            s.execute(
                select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.id)
            ).scalars()
        )
        settings = {x.key: x.value for x in s.execute(select(Setting)).scalars()}
        by_id = {o.id: o for o in orgs}
        township = by_id.get(settings.get("township_org_id") or -1) or next(
            (o for o in orgs if o.kind == OrgKind.TOWNSHIP), None
        )
        depts = [o for o in orgs if o.kind == OrgKind.COUNTY_DEPARTMENT]
        if township is None or not depts:
            raise ServiceError("单位名录中缺少本乡镇或县级职能部门，无法生成演示数据。")
        self.township = _Org(township)
        team = by_id.get(settings.get("team_org_id") or -1)
        self.team_id = team.id if team else township.id
        self.depts = [_Org(o) for o in depts]
        kinds = {k: [_Org(o) for o in orgs if o.kind == k] for k in OrgKind}
        self.police = (kinds[OrgKind.PUBLIC_SECURITY] or self.depts)[0]
        self.procuratorate = (kinds[OrgKind.PROCURATORATE] or self.depts)[0]
        self.notice_orgs = self.depts + kinds[OrgKind.PUBLIC_SECURITY]
        self._load_staff()
        self._load_matters()

    def dept_for(self, keyword: str, pool: list[_Org] | None = None) -> _Org:
        pool = pool or self.depts
        for o in pool:
            if keyword and keyword in o.name:
                return o
        return pool[sum(map(ord, keyword)) % len(pool)]

    def _load_staff(self) -> None:
        staff = list(
            self.s.execute(select(Staff).where(Staff.active.is_(True)).order_by(Staff.id)).scalars()
        )
        people = [p for p in staff if p.role != StaffRole.ADMIN]
        if not people:
            people_rows = self._make_staff()
            self.officers = [
                (r["id"], r["name"])
                for r in people_rows
                if r["role"] in (StaffRole.OFFICER, StaffRole.LEADER)
            ]
            self.leaders = [
                (r["id"], r["name"]) for r in people_rows if r["role"] == StaffRole.LEADER
            ]
            self.clerks = [
                (r["id"], r["name"]) for r in people_rows if r["role"] == StaffRole.CLERK
            ]
        else:
            pick = lambda *roles: [(p.id, p.name) for p in people if p.role in roles]  # noqa: E731
            self.officers = pick(StaffRole.OFFICER, StaffRole.LEADER) or pick(*StaffRole)
            self.leaders = pick(StaffRole.LEADER) or self.officers
            self.clerks = pick(StaffRole.CLERK) or self.officers
        self.staff_all = self.officers + self.clerks

    def _make_staff(self) -> list[Row]:
        rng = self.rng
        n = rng.randint(8, 12)
        positions = ["队长", "副队长"] + ["执法队员"] * (n - 4) + ["内勤", "内勤"]
        if rng.random() < 0.5:
            positions[2] = "副队长"
        roles = {"队长": StaffRole.LEADER, "副队长": StaffRole.OFFICER, "内勤": StaffRole.CLERK}
        next_id = self._max_id("staff") + 1
        created = datetime.combine(self.first, time(8, 30))
        seen: list[str] = []
        rows = []
        for i, position in enumerate(positions):
            name, _male = tx.person_name(rng)
            while name in seen:
                name, _male = tx.person_name(rng)
            seen.append(name)
            role = roles.get(position, StaffRole.OFFICER)
            cert = None
            if role != StaffRole.CLERK:
                cert = f"{tx.REGION}{rng.randint(2019, 2024)}{rng.randint(1, 60):04d}"
            row = dict(self.blank["staff"])
            row.update(
                id=next_id + i,
                name=name,
                organisation_id=self.team_id,
                position=position,
                role=role,
                certificate_number=cert,
                phone=tx.mobile(rng),
                active=True,
                sort_order=(i + 1) * 10,
                created_at=created,
                updated_at=created,
            )
            rows.append(row)
        self.rows["staff"] = rows
        return rows

    def _load_matters(self) -> None:
        """Matters from the penalty catalogue when there is one, else the built-in list.

        A catalogue entry keeps its jurisdiction (transferred to the township
        before the demo window starts, or its department); the sentences come
        from the built-in matter it matches.
        """
        entries: list[tuple[tx.MatterText, str, int | None, _Org, bool]] = []
        dept_by_id = {o.id: o for o in self.depts}
        db = self.s.execute(
            select(PenaltyMatter).where(PenaltyMatter.active.is_(True)).order_by(PenaltyMatter.id)
        ).scalars()
        for pm in db:
            text = tx.match_matter(pm.name)
            if text is None:
                short = tx.short_matter_name(pm.name)
                text = tx.MatterText(
                    short, "", False, f"涉嫌{short}", "", tx.GENERIC_COMPLAINTS, weight=1
                )
            dept = dept_by_id.get(pm.department_id or -1) or self.dept_for(text.dept)
            township = bool(pm.transferred) and (
                pm.transferred_on is None or pm.transferred_on <= self.first
            )
            entries.append((text, text.name, pm.id, dept, township))
        have = {e[4] for e in entries}
        if len(have) < 2:
            for t in tx.MATTERS:
                if t.township not in have:
                    entries.append((t, t.name, None, self.dept_for(t.dept), t.township))
        shared = Counter(id(e[0]) for e in entries)
        matters = [_Matter(*e) for e in entries]
        weights = [e[0].weight / shared[id(e[0])] for e in entries]
        self.pools: dict[str, tuple[list[_Matter], list[float]]] = {}
        for key, keep in (("all", None), ("township", True), ("dept", False)):
            chosen = [i for i, m in enumerate(matters) if keep is None or m.township == keep]
            self.pools[key] = (
                [matters[i] for i in chosen],
                list(accumulate(weights[i] for i in chosen)),
            )
        self.crime_matters = [
            (m, c) for c in tx.CRIMES for m in matters if m.township and m.text.name == c[0]
        ] or [(self.pools["township"][0][0], tx.CRIMES[0])]

    # --- helpers ---------------------------------------------------------------

    def _max_id(self, table: str) -> int:
        col = self.tables[table].c.id
        return int(self.s.execute(select(func.max(col))).scalar() or 0)

    def new(self, table: str, **values: Any) -> Row:
        row = dict(self.blank[table])
        row.update(values)
        self.rows[table].append(row)
        return row

    def rand_day(self, lo: int = 0, hi: int = 0) -> date:
        """A day from ``first + lo`` to ``today - hi``."""
        span = WINDOW_DAYS - lo - hi
        return self.first + timedelta(days=lo + self.rng.randrange(max(span, 0) + 1))

    def work_day(self, d: date) -> date:
        """``d`` or the next working day, but never after today (then the previous one)."""
        cal = self.cal
        if cal.is_working_day(d):
            return d
        nxt = cal.next_working_day(d)
        if nxt <= self.today:
            return nxt
        while not cal.is_working_day(d) and d > self.first:
            d -= timedelta(days=1)
        return d

    def back_wd(self, d: date, k: int) -> date:
        """The k-th working day before ``d``."""
        count = 0
        while count < k:
            d -= timedelta(days=1)
            if self.cal.is_working_day(d):
                count += 1
        return d

    def at(self, d: date, lo: float = 8, hi: float = 17.5) -> datetime:
        """A time on ``d`` between the hours lo and hi (not after now)."""
        start = int(lo * 60)
        end = int(hi * 60)
        if d == self.today:
            end = min(end, 9 * 60 - 1)
            start = min(start, end - 30)
        minute = self.rng.randrange(start, end)
        return datetime.combine(d, time(minute // 60, minute % 60))

    def later(self, base: datetime, working_days: Iterable[int] | int) -> datetime:
        """Office time ``k`` working days after ``base`` (strictly after it)."""
        k = working_days if isinstance(working_days, int) else self.rng.choice(list(working_days))
        d = self.cal.add_working_days(base.date(), k) if k else base.date()
        dt = datetime.combine(d, time(0)) + timedelta(minutes=self.rng.randrange(480, 1050))
        if dt <= base + timedelta(minutes=20):
            dt = base + timedelta(minutes=self.rng.randint(20, 150))
        return dt

    def minutes(self, base: datetime, lo: int, hi: int) -> datetime:
        return base + timedelta(minutes=self.rng.randint(lo, hi))

    def past(self, dt: datetime | None) -> datetime | None:
        return dt if dt is not None and dt <= self.now else None

    def pick_matter(self, day: date, pool: str = "all") -> _Matter:
        matters, cum = self.pools[pool]
        if not matters:
            matters, cum = self.pools["all"]
        m = self.rng.choices(matters, cum_weights=cum)[0]
        if m.text.months and day.month not in m.text.months and self.rng.random() < 0.8:
            m = self.rng.choices(matters, cum_weights=cum)[0]
        return m

    def party(self, m: _Matter, village: str) -> Row:
        rng = self.rng
        owner, male = tx.person_name(rng)
        if m.text.businesses and rng.random() >= m.text.person_share:
            kind = rng.choice(m.text.businesses)
            return {
                "party_kind": PartyKind.ORGANISATION,
                "party_name": tx.business_name(rng, kind, owner),
                "party_id_number": None,
                "party_credit_code": tx.credit_code(rng, kind) if rng.random() < 0.9 else None,
                "party_address": f"河北省深泽县赵八镇{village}",
                "party_phone": tx.mobile(rng),
            }
        return {
            "party_kind": PartyKind.PERSON,
            "party_name": owner,
            "party_id_number": tx.id_number(rng, male, self.today) if rng.random() < 0.8 else None,
            "party_credit_code": None,
            "party_address": tx.home_address(rng, village),
            "party_phone": tx.mobile(rng) if rng.random() < 0.85 else None,
        }

    def fmt(self, template: str, **kw: Any) -> str:
        rng = self.rng
        return template.format(n=rng.randint(2, 9), area=rng.randint(3, 30) * 10, **kw)

    def penalty(self, m: _Matter) -> str:
        lo, hi = m.text.fine
        step = 50 if hi <= 2000 else 500
        amount = self.rng.randrange(lo // step, hi // step + 1) * step
        return self.rng.choice(m.text.penalty).format(n=max(amount, step))

    def staff_id(self, pool: list[tuple[int, str]] | None = None) -> int:
        return self.rng.choice(pool or self.staff_all)[0]

    def materials(self, record: Row, record_type: RecordType, kinds: list[tuple[Any, str]]) -> None:
        for order, (kind, title) in enumerate(kinds, start=1):
            self.new(
                "materials",
                record_type=record_type.value,
                record_id=record,
                kind=kind,
                title=title,
                copies=1,
                pages=self.rng.randint(1, 6),
                sort_order=order,
            )

    # --- run -----------------------------------------------------------------

    def run(self) -> dict[str, int]:
        n = {k: max(1, round(v * self.records)) for k, v in SHARES.items()}
        total, done = 2 * self.records, 0
        steps: list[tuple[str, Callable[[int], None]]] = [
            ("complaints", self.gen_complaints),
            ("referrals", self.gen_referrals),
            ("criminal_transfers", self.gen_criminal),
            ("cases", self.gen_cases),
            ("assistance_requests", self.gen_assistance),
            ("disputes", self.gen_disputes),
            ("info_shares", self.gen_info_shares),
            ("meetings", self.gen_meetings),
            ("urgent_notices", self.gen_urgent),
            ("joint_actions", self.gen_joint_actions),
        ]
        self.progress(0, total)
        for key, step in steps:
            step(n[key])
            done += n[key]
            self.progress(min(done, self.records), total)
        self.finish()
        return self.insert(total)

    # --- complaints ---------------------------------------------------------

    def gen_complaints(self, count: int) -> None:
        rng = self.rng
        channels = list(ComplaintChannel)
        cum = list(accumulate((25, 15, 5, 10, 30, 15)))
        office = (ComplaintChannel.VISIT, ComplaintChannel.LETTER, ComplaintChannel.DEPARTMENT)
        for _ in range(count):
            day = self.rand_day()
            channel = rng.choices(channels, cum_weights=cum)[0]
            if channel in office:
                day = self.work_day(day)
                received = self.at(day)
            else:
                received = self.at(day, 7, 21.5)
            dept_channel = channel == ComplaintChannel.DEPARTMENT
            m = self.pick_matter(day, "township" if dept_channel else "all")
            village, place = tx.place_for(rng, m.text.place_kind)
            anonymous = rng.random() < (0.05 if channel in office[:1] else 0.22)
            content = self.fmt(rng.choice(m.text.complaints), place=place, name=m.name)
            if dept_channel:
                content = f"{m.dept.short}告知：{content}"
            elif channel == ComplaintChannel.HOTLINE_12345:
                content = "12345热线转办：" + content
            first = self.staff_id(self.clerks if channel != ComplaintChannel.VISIT else None)
            row = self.new(
                "complaints",
                received_at=received,
                channel=channel,
                first_contact_id=first,
                anonymous=anonymous,
                content=content,
                place=place,
                penalty_matter_id=m.matter_id,
                competent_org_id=self.township.id if m.township else m.dept.id,
                materials_handed_over=dept_channel and rng.random() < 0.5,
                status=ComplaintStatus.REGISTERED,
                created_at=received,
                updated_at=received,
                created_by_id=first,
            )
            if dept_channel:
                row["informing_org_id"] = m.dept.id
                row["informed_on"] = received.date()
            if not anonymous:
                name, male = tx.person_name(rng)
                self.new(
                    "complainants",
                    complaint_id=row,
                    name=name,
                    phone=tx.mobile(rng) if rng.random() < 0.95 else None,
                    id_number=tx.id_number(rng, male, self.today) if rng.random() < 0.35 else None,
                    address=tx.home_address(rng, village) if rng.random() < 0.6 else None,
                )
            self._complaint_flow(row, m, village, place, dept_channel)

    def _complaint_flow(
        self, row: Row, m: _Matter, village: str, place: str, dept_channel: bool
    ) -> None:
        rng = self.rng
        received: datetime = row["received_at"]
        if self.minutes(received, 20, 600) > self.now:
            return
        row["status"] = ComplaintStatus.VERIFYING
        verified = self.later(received, (0, 0, 1, 1, 2, 3))
        if verified > self.now:
            row["updated_at"] = received
            return
        party = self.party(m, village)
        if rng.random() < 0.45:
            outcome = ComplaintOutcome.NO_VIOLATION
        else:
            outcome = ComplaintOutcome.CASE_FILED if m.township else ComplaintOutcome.TRANSFERRED
        officer = self.staff_id(self.officers)
        row.update(
            status=ComplaintStatus.HANDLING,
            outcome=outcome,
            verified_at=verified,
            verified_by_id=officer,
            updated_at=verified,
        )
        if outcome == ComplaintOutcome.NO_VIOLATION:
            row["verification_note"] = rng.choice(
                (
                    f"经执法人员现场核实，反映的{m.name}问题已不存在，未发现违法行为。",
                    "经现场核实，系正常生产生活活动，未发现违法行为。",
                    "经现场核实，当事人已自行整改完毕，未发现违法行为。",
                )
            )
            if rng.random() < 0.4:
                row.update(party)
            closed = self.later(verified, (0, 0, 1, 2))
            reply = "已告知投诉人核实情况，投诉人表示认可。"
        elif outcome == ComplaintOutcome.CASE_FILED:
            row["verification_note"] = (
                f"经现场核实，反映情况属实，属本镇管辖的{m.name}事项，予以立案。"
            )
            row.update(party)
            facts = (
                f"{tx.cn_date(verified.date())}，执法人员根据群众投诉举报现场核查发现，"
                f"{tx.doing(party['party_name'], place, m.text.act)}。"
            )
            case, close_day = self.new_case(verified.date(), m, party, place, facts, after=verified)
            row["case_id"] = case
            closed = self.later(datetime.combine(close_day, time(17)), (0, 1, 2, 3))
            reply = f"已告知投诉人调查处理结果：已对当事人立案查处，{case['penalty_summary']}。"
        else:
            row["verification_note"] = (
                f"经现场核实，反映情况基本属实，该事项属{m.dept.short}管辖，已形成书面材料移送。"
            )
            row.update(party)
            ref, sent = self.new_referral(
                outgoing=True,
                found=verified,
                m=m,
                party=party,
                place=place,
                how=FoundHow.COMPLAINT,
                complaint=row,
            )
            row["referral_id"] = ref
            closed = self.later(sent, (0, 1, 2))
            reply = f"已告知投诉人：该事项已移送{m.dept.short}处理。"
        if closed > self.now:
            return
        row.update(status=ComplaintStatus.CLOSED, closed_at=closed, updated_at=closed)
        if not row["anonymous"]:
            row.update(replied_at=closed, reply_method=rng.choice(tx.REPLY_METHODS))
            row["reply_summary"] = reply
        elif row["channel"] == ComplaintChannel.HOTLINE_12345:
            row.update(
                replied_at=closed,
                reply_method="12345平台回复",
                reply_summary="已通过12345平台回复办理结果。",
            )
        if dept_channel:
            feedback = self.past(self.later(closed, (0, 1, 2, 3)))
            if feedback:
                row.update(
                    feedback_at=feedback,
                    feedback_summary=f"已将调查处理结果书面反馈{m.dept.short}。",
                    updated_at=feedback,
                )

    # --- cases --------------------------------------------------------------

    def new_case(
        self,
        filed: date,
        m: _Matter,
        party: Row,
        place: str,
        facts: str,
        crime: str = "",
        after: datetime | None = None,
    ) -> tuple[Row, date]:
        """A case filed on ``filed`` (not before ``after``, the event that led to it)."""
        rng = self.rng
        filed = self.work_day(filed)
        created = self.at(filed)
        if after is not None:
            filed = max(filed, after.date())
            created = min(max(self.at(filed), self.minutes(after, 10, 90)), self.now)
        close_day = filed + timedelta(days=rng.randint(12, 75))
        row = self.new(
            "cases",
            title=f"{party['party_name']}{m.name}案",
            penalty_matter_id=m.matter_id,
            place=place,
            facts=facts,
            filed_on=filed,
            status=CaseStatus.OPEN,
            suspected_crime=bool(crime),
            crime_reason=crime or None,
            created_at=created,
            created_by_id=self.staff_id(self.officers),
            **party,
        )
        row["updated_at"] = row["created_at"]
        if close_day <= self.today and not crime:
            self.close_case(row, close_day, m)
        self.case_rows.append((row, close_day))
        return row, close_day

    def close_case(self, row: Row, day: date, m: _Matter | None, closure: Any = None) -> None:
        if closure is None:
            closure = CaseClosure.PENALTY if self.rng.random() < 0.8 else CaseClosure.NO_PENALTY
        if closure == CaseClosure.PENALTY and m is not None:
            summary = self.penalty(m)
        elif closure == CaseClosure.CRIMINAL:
            summary = "涉嫌犯罪，已移送公安机关，公安机关已立案侦查"
        else:
            summary = "违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚"
        row.update(
            status=CaseStatus.CLOSED,
            closed_on=day,
            closure=closure,
            penalty_summary=summary,
            updated_at=self.at(day),
        )

    def gen_cases(self, count: int) -> None:
        """Cases found by the team's own inspections, to reach the ledger's share."""
        rng = self.rng
        for _ in range(max(0, count - len(self.case_rows))):
            day = self.work_day(self.rand_day(hi=1))
            m = self.pick_matter(day, "township")
            village, place = tx.place_for(rng, m.text.place_kind)
            party = self.party(m, village)
            facts = (
                f"{tx.cn_date(day)}，执法人员在日常巡查中发现"
                f"{tx.doing(party['party_name'], place, m.text.act)}，现场制作检查笔录并拍照取证。"
            )
            self.new_case(day, m, party, place, facts)

    # --- referrals -----------------------------------------------------------

    def new_referral(
        self,
        *,
        outgoing: bool,
        found: datetime,
        m: _Matter,
        party: Row,
        place: str,
        how: FoundHow = FoundHow.INSPECTION,
        urgency: Urgency | None = None,
        complaint: Row | None = None,
        hold: bool = False,
    ) -> tuple[Row, datetime]:
        """One referral; returns it and the planned time it is (or would be) sent."""
        rng = self.rng
        if urgency is None:
            r = rng.random()
            urgency = (
                Urgency.NORMAL if r < 0.75 else Urgency.URGENT if r < 0.87 else Urgency.ONGOING
            )
        due = referral_deadline(found, urgency, self.cal).due_at
        sender, receiver = (self.township, m.dept) if outgoing else (m.dept, self.township)
        finder = "我镇综合行政执法队" if outgoing else sender.short
        how_text = {
            FoundHow.INSPECTION: "在日常巡查中",
            FoundHow.COMPLAINT: "根据群众投诉举报现场核查时",
            FoundHow.OTHER: "在开展专项整治时",
        }[how]
        row = self.new(
            "referrals",
            direction=Direction.OUTGOING if outgoing else Direction.INCOMING,
            status=ReferralStatus.DRAFT,
            sender_id=sender.id,
            receiver_id=receiver.id,
            penalty_matter_id=m.matter_id,
            matter=m.name,
            facts=(
                f"{tx.cn_date(found.date())}，{finder}{how_text}发现，"
                f"{tx.doing(party['party_name'], place, m.text.act)}。"
                + (f"该行为涉嫌违反{m.text.law}的规定。" if m.text.law else "")
            ),
            place=place,
            found_at=found,
            found_how=how,
            urgency=urgency,
            complaint_id=complaint,
            pre_transfer=False,
            created_at=self.minutes(found, 5, 60) if outgoing else found,
            created_by_id=self.staff_id(),
            **party,
        )
        if urgency == Urgency.ONGOING:
            row.update(
                dissuaded_at=self.minutes(found, 0, 20),
                dissuasion_note="执法人员当场劝阻，当事人已停止违法行为。",
                notified_at=self.minutes(found, 15, 60),
                notice_method="电话告知",
                notice_person=receiver.liaison,
            )
        late = rng.random() < 0.08
        if urgency == Urgency.URGENT:
            sent = self.minutes(found, 26 * 60, 60 * 60) if late else self.minutes(found, 90, 1300)
        else:
            sent = self.later(found, rng.randint(4, 7) if late else (0, 1, 1, 2, 2, 3))
            if not late and sent > due:
                sent = due - timedelta(hours=rng.randint(1, 6))
        if not outgoing and sent > self.now:
            sent = self.minutes(found, 30, 300)
        ready = self.minutes(row["created_at"], 10, 180)
        if ready >= sent:
            ready = sent - timedelta(minutes=5)
            row["created_at"] = found + timedelta(minutes=(ready - found) // timedelta(minutes=2))
        if hold:
            sent = datetime.max
        row["created_at"] = min(row["created_at"], self.now)
        row["updated_at"] = row["created_at"]
        kinds: list[tuple[Any, str]] = [
            (MaterialKind.REFERRAL_LETTER, "涉嫌违法案件移送函"),
            (
                (MaterialKind.COMPLAINT_MATERIAL, "投诉举报登记表")
                if complaint is not None
                else (MaterialKind.INSPECTION_RECORD, "现场检查记录")
            ),
            (MaterialKind.EVIDENCE, "现场照片及说明"),
        ]
        if rng.random() < 0.5:
            kinds.append((MaterialKind.EVIDENCE, "询问笔录"))
        self.materials(row, RecordType.REFERRAL, kinds)
        if not outgoing:
            self._incoming_flow(row, m, sent)
            return row, sent
        if ready <= self.now:
            row.update(status=ReferralStatus.READY, updated_at=ready)
        if sent > self.now:
            if not hold and rng.random() < 0.01:
                row.update(
                    status=ReferralStatus.WITHDRAWN,
                    note="经复核，该行为属本镇管辖，撤回移送，由本镇立案查处。",
                )
            else:
                row.update(deadline_at=due, deadline_what="移送期限")
            return row, sent
        self._sent_flow(row, sent, late, receiver, m)
        return row, sent

    def _sent_flow(self, row: Row, sent: datetime, late: bool, receiver: _Org, m: _Matter) -> None:
        rng = self.rng
        method = rng.choices(list(SendMethod), cum_weights=(60, 75, 95, 100))[0]
        row.update(
            status=ReferralStatus.SENT,
            sent_at=sent,
            sent_method=method,
            sent_by_id=self.staff_id(self.officers)
            if row["direction"] == Direction.OUTGOING
            else None,
            late_reason=rng.choice(tx.REFERRAL_LATE_REASONS) if late else None,
            updated_at=sent,
        )
        if method == SendMethod.MAIL:
            delivered = self.later(sent, (1, 2, 3))
            signed = self.minutes(delivered, 0, 60 * 24) if rng.random() < 0.3 else delivered
        elif method == SendMethod.ELECTRONIC:
            delivered = self.minutes(sent, 1, 10)
            signed = self.later(delivered, (0, 0, 1))
        else:
            delivered = self.minutes(sent, 20, 90)
            signed = delivered
        if delivered > self.now:
            return
        row.update(delivered_at=delivered, updated_at=delivered)
        if signed > self.now:
            return
        row.update(status=ReferralStatus.SIGNED, signed_at=signed, updated_at=signed)
        if row["direction"] == Direction.OUTGOING:
            row["signed_by"] = receiver.liaison or tx.person_name(rng)[0]
            if rng.random() < 0.06:
                returned = self.later(signed, (1, 2, 3, 5))
                reason, jurisdiction = rng.choice(tx.RETURN_REASONS)
                if returned <= self.now:
                    row.update(
                        status=ReferralStatus.RETURNED,
                        returned_at=returned,
                        return_reason=reason,
                        updated_at=returned,
                    )
                    if jurisdiction:
                        self.disputable.append((row, m, returned))
                return
            result = self.past(self.later(signed, rng.randint(4, 30)))
            if result:
                outcome = rng.choice(
                    (
                        f"已立案查处，对当事人{self.penalty(m)}",
                        "经调查核实，已责令当事人限期整改，整改已完成",
                        "经调查，违法事实不成立，不予处罚",
                    )
                )
                row.update(
                    status=ReferralStatus.RESULT,
                    result_at=result,
                    result_summary=f"{receiver.short}反馈：{outcome}。",
                    updated_at=result,
                )

    def _incoming_flow(self, row: Row, m: _Matter, sent: datetime) -> None:
        rng = self.rng
        if rng.random() < 0.05 or not self.pre_transfer_made:
            self.pre_transfer_made = True
            state = rng.choice(list(PreTransferState))
            row.update(
                pre_transfer=True,
                pre_transfer_state=state,
                archive_holder=f"{m.dept.short}档案室",
                consultation_note=(
                    f"经{m.dept.short}与赵八镇协商，该历史遗留问题移交赵八镇依法处理。"
                    if state == PreTransferState.LEFTOVER
                    else None
                ),
                facts=f"该案系处罚事项划转乡镇前{m.dept.short}受理的案件。{row['facts']}",
            )
        self._sent_flow(row, sent, False, self.township, m)
        signed: datetime | None = row["signed_at"]
        if signed is not None:
            row["signed_by"] = rng.choice(self.clerks)[1]
        row["created_at"] = row["delivered_at"] or sent
        if signed is None:
            return
        state = row["pre_transfer_state"]
        if state in (PreTransferState.CLOSED, PreTransferState.OPEN):
            keeps = (
                "已结案，案卷由其归档保存"
                if state == PreTransferState.CLOSED
                else "已立案未结案，由其作出处理决定"
            )
            row.update(
                status=ReferralStatus.RESULT,
                result_at=signed,
                result_summary=f"该案划转前{m.dept.short}{keeps}，本镇登记备查。",
            )
            return
        if rng.random() < 0.05:
            returned = self.past(self.later(signed, (1, 2)))
            if returned:
                row.update(
                    status=ReferralStatus.RETURNED,
                    returned_at=returned,
                    return_reason="经审查，该事项未划转乡镇，不属本镇管辖，予以退回。",
                    updated_at=returned,
                )
            return
        case, close_day = self.new_case(
            self.cal.add_working_days(signed.date(), rng.choice((0, 1, 1, 2))),
            m,
            {k: row[k] for k in tx.PARTY_KEYS},
            row["place"],
            row["facts"],
            after=signed,
        )
        row["case_id"] = case
        result = self.past(self.later(datetime.combine(close_day, time(17)), (1, 2, 3, 5)))
        if result:
            row.update(
                status=ReferralStatus.RESULT,
                result_at=result,
                result_summary=f"已将处理结果反馈{m.dept.short}：{case['penalty_summary']}。",
                updated_at=result,
            )

    def gen_referrals(self, count: int) -> None:
        rng = self.rng
        made = len(self.rows["referrals"])
        incoming = max(1, round(count * 0.3))
        outgoing = max(1, count - made - incoming)
        forced = max(1, round(count * 0.01))
        for _ in range(outgoing - 3 * forced):
            day = self.rand_day()
            m = self.pick_matter(day, "dept")
            found = self.at(day, 7, 21) if rng.random() < 0.15 else self.at(day)
            self._referral_at(True, found, m)
        for _ in range(incoming):
            day = self.work_day(self.rand_day(hi=5))
            m = self.pick_matter(day, "township")
            self._referral_at(False, self.at(day), m)
        today, cal = self.today, self.cal
        for _ in range(forced):
            m = self.pick_matter(today, "dept")
            old = self.work_day(today - timedelta(days=rng.randint(6, 20)))
            self._referral_at(True, self.at(old), m, Urgency.NORMAL, hold=True)
            if cal.is_working_day(today):
                self._referral_at(True, self.at(self.back_wd(today, 3)), m, Urgency.NORMAL, True)
            else:
                found = self.at(today - timedelta(days=1), 17, 21)
                self._referral_at(True, found, m, Urgency.URGENT, hold=True)
            soon = self.back_wd(today, rng.choice((0, 1))) if cal.is_working_day(today) else today
            self._referral_at(True, self.at(soon), m, Urgency.NORMAL, hold=True)

    def _referral_at(
        self,
        outgoing: bool,
        found: datetime,
        m: _Matter,
        urgency: Urgency | None = None,
        hold: bool = False,
    ) -> None:
        village, place = tx.place_for(self.rng, m.text.place_kind)
        how = FoundHow.INSPECTION if self.rng.random() < 0.85 else FoundHow.OTHER
        self.new_referral(
            outgoing=outgoing,
            found=found,
            m=m,
            party=self.party(m, village),
            place=place,
            how=how,
            urgency=urgency,
            hold=hold,
        )

    # --- criminal transfers (行刑衔接) ------------------------------------------

    def gen_criminal(self, count: int) -> None:
        today = self.today
        forced = [
            today - timedelta(days=3),  # head's decision due today
            today - timedelta(days=self.rng.randint(5, 9)),  # overdue
            today - timedelta(days=1),  # due in two days
        ][: max(0, count - 1)]
        for _ in range(count - len(forced)):
            self._crime(None)
        for report_day in forced:
            self._crime(report_day)

    def _crime(self, report_day: date | None) -> None:
        rng = self.rng
        m, (_name, reason_t, title_t, lo, hi) = rng.choice(self.crime_matters)
        village, place = tx.place_for(rng, m.text.place_kind)
        party = self.party(m, village)
        reason = reason_t.format(party=party["party_name"], place=place, n=rng.randint(lo, hi))
        if report_day is None:
            filed = self.work_day(self.rand_day(hi=4))
        else:
            filed = self.back_wd(report_day, rng.randint(3, 8))
        facts = f"{tx.cn_date(filed)}，执法人员在调查中发现：{reason}"
        case, _close = self.new_case(filed, m, party, place, facts, crime=reason)
        flagged = min(self.later(case["created_at"], (1, 2, 3)), self.now)
        report = self.later(flagged, (1, 2))
        if report_day is not None:
            report = self.at(report_day)
            flagged = min(flagged, report - timedelta(hours=20))
        row = self.new(
            "criminal_transfers",
            source_type=RecordType.CASE.value,
            source_id=case,
            case_id=case,
            title=f"{party['party_name']}{title_t}",
            reason=reason,
            status=CriminalTransferStatus.FLAGGED,
            flagged_at=flagged,
            created_at=flagged,
            updated_at=flagged,
            created_by_id=self.staff_id(self.officers),
        )
        team = self.officers if len(self.officers) >= 2 else self.staff_all
        for sid, _n in rng.sample(team, min(len(team), rng.choice((2, 2, 3)))):
            self.new("criminal_transfer_officers", criminal_transfer_id=row, staff_id=sid)
        end = self._crime_flow(row, report, hold=report_day is not None)
        if end is not None:
            close = end.date() + timedelta(days=rng.randint(5, 30))
            closure = (
                CaseClosure.CRIMINAL if row["police_decision"] == PoliceDecision.FILED else None
            )
            if closure:
                close = end.date()
            if close <= self.today:
                self.close_case(case, close, m, closure)

    def _crime_flow(self, row: Row, report: datetime, hold: bool) -> datetime | None:
        """Walk the 310号令 steps up to now; returns when the transfer ended, if it did."""
        rng, now = self.rng, self.now
        if report > now:
            return None
        due = criminal_approval_deadline(report, self.cal).due_at
        row.update(
            status=CriminalTransferStatus.REPORTED,
            report_at=report,
            deadline_at=due,
            deadline_what="负责人决定期限",
            updated_at=report,
        )
        decision = self.at(report.date() + timedelta(days=rng.randint(0, 2)))
        if decision <= report:
            decision = self.minutes(report, 40, 180)
        if hold or decision > now:
            return None
        approved = rng.random() < 0.9
        row.update(
            decision_at=decision,
            approver_id=self.staff_id(self.leaders),
            approved=approved,
            updated_at=decision,
        )
        if not approved:
            row.update(
                status=CriminalTransferStatus.REJECTED,
                rejection_reason="经审查，涉案数额未达到刑事立案追诉标准，由本镇依法作出行政处罚。",
                deadline_at=None,
                deadline_what=None,
            )
            return decision
        row.update(
            status=CriminalTransferStatus.APPROVED,
            deadline_at=criminal_transfer_deadline(decision).due_at,
            deadline_what="移送公安期限",
        )
        self.materials(
            row,
            RecordType.CRIMINAL_TRANSFER,
            [
                (MaterialKind.CRIMINAL_TRANSFER_LETTER, "涉嫌犯罪案件移送书"),
                (MaterialKind.INVESTIGATION_REPORT, "涉嫌犯罪案件情况的调查报告"),
                (MaterialKind.SEIZED_ITEMS, "涉案物品清单"),
                (MaterialKind.TEST_REPORT, "检验报告或鉴定意见"),
                (MaterialKind.OTHER, "现场笔录、询问笔录及照片"),
            ],
        )
        transferred = self.later(decision, (0, 1))
        if transferred > decision + timedelta(hours=23):
            transferred = self.minutes(decision, 60, 180)
        if transferred > now:
            return None
        received = self.minutes(transferred, 10, 60)
        row.update(
            status=CriminalTransferStatus.TRANSFERRED,
            transferred_at=transferred,
            police_org_id=self.police.id,
            procuratorate_org_id=self.procuratorate.id,
            procuratorate_informed_at=self.past(self.minutes(transferred, 0, 240)),
            police_received_at=self.past(received),
            deadline_at=police_decision_deadline(received, self.cal).due_at,
            deadline_what="公安立案决定期限",
            updated_at=transferred,
        )
        decided = self.at(received.date() + timedelta(days=rng.randint(1, 3)))
        if decided > now or row["police_received_at"] is None:
            return None
        filed = rng.random() < 0.75
        row.update(
            police_decision=PoliceDecision.FILED if filed else PoliceDecision.NOT_FILED,
            police_decision_at=decided,
            status=CriminalTransferStatus.FILED if filed else CriminalTransferStatus.NOT_FILED,
            updated_at=decided,
        )
        if filed:
            row.update(
                deadline_at=handover_deadline(decided, self.cal).due_at,
                deadline_what="移交涉案物品期限",
            )
            handover = self.at(decided.date() + timedelta(days=rng.randint(1, 3)))
            if handover > now:
                return None
            row.update(
                status=CriminalTransferStatus.CLOSED,
                handover_at=handover,
                deadline_at=None,
                deadline_what=None,
                updated_at=handover,
            )
            return handover
        recon_due = reconsideration_deadline(decided, self.cal).due_at
        row.update(deadline_at=recon_due, deadline_what="提请复议期限")
        if rng.random() < 0.5:
            recon = self.at(decided.date() + timedelta(days=rng.randint(1, 3)))
            if recon > now:
                return None
            row.update(
                status=CriminalTransferStatus.RECONSIDERATION,
                reconsideration_at=recon,
                deadline_at=None,
                deadline_what=None,
                updated_at=recon,
            )
            result = self.at(recon.date() + timedelta(days=rng.randint(3, 10)))
            if result > now:
                return None
            row.update(
                status=CriminalTransferStatus.CLOSED,
                reconsideration_result="公安机关复议后维持不予立案决定，由本镇依法作出行政处罚。",
                updated_at=result,
            )
            return result
        if recon_due >= now:
            return None
        row.update(status=CriminalTransferStatus.CLOSED, deadline_at=None, deadline_what=None)
        return recon_due

    # --- assistance (执法协助) -------------------------------------------------

    def gen_assistance(self, count: int) -> None:
        rng, today, cal = self.rng, self.today, self.cal
        forced = max(1, round(count * 0.02)) if count >= 4 else 0
        for _ in range(count - 3 * forced):
            if rng.random() < 0.02:
                self._assistance(None, None)
                continue
            case: Row | None = None
            req: date | None = None
            if self.case_rows and rng.random() < 0.7:
                case, close_day = rng.choice(self.case_rows)
                req = self.work_day(case["filed_on"] + timedelta(days=rng.randint(1, 10)))
                if req > today or req >= close_day or req < case["filed_on"]:
                    case, req = None, None
            self._assistance(req or self.work_day(self.rand_day()), case)
        for _ in range(forced):
            self._assistance(self.back_wd(today, rng.randint(7, 15)), None, stuck=True)
            if cal.is_working_day(today):
                self._assistance(self.back_wd(today, 5), None, stuck=True)
            else:
                self._assistance(self.back_wd(today, 6), None, stuck=True)
            self._assistance(self.back_wd(today, rng.choice((2, 3, 4))), None, stuck=True)

    def _assistance(self, req: date | None, case: Row | None, stuck: bool = False) -> None:
        rng, cal = self.rng, self.cal
        kinds = list(AssistanceKind)
        kind = rng.choices(kinds, cum_weights=(55, 85, 100))[0]
        if stuck and kind == AssistanceKind.ON_SITE:
            kind = AssistanceKind.TECHNICAL
        dept_kw, subject_t, questions_t = rng.choice(tx.ASSISTANCE_SUBJECTS[kind.value])
        dept = self.dept_for(dept_kw)
        village, place = tx.village_place(rng)
        party_name = tx.person_name(rng)[0]
        if case is not None:
            party_name, place = case["party_name"], case["place"]
            village = next((v for v in tx.VILLAGES if v in place), village)
        names = {"party": party_name, "place": place, "village": village}
        row = self.new(
            "assistance_requests",
            kind=kind,
            status=AssistanceStatus.DRAFT,
            department_id=dept.id,
            subject=subject_t.format(**names),
            questions=questions_t.format(**names),
            materials_sent=rng.choice(
                ("现场勘验笔录、照片8张", "现场检查笔录、询问笔录各1份", "测绘示意图、现场照片12张")
            ),
            urgent=kind == AssistanceKind.ON_SITE,
            created_by_id=self.staff_id(),
        )
        if case is not None:
            row.update(linked_type=RecordType.CASE.value, linked_id=case)
        if req is None:
            created = self.at(self.work_day(self.rand_day(lo=WINDOW_DAYS - 7)))
            row.update(created_at=created, updated_at=created)
            return
        sent = self.at(req)
        due = assistance_deadline(req, cal).due_at
        row.update(
            status=AssistanceStatus.SENT,
            requested_on=req,
            sent_at=sent,
            sent_method=SendMethod.IN_PERSON if rng.random() < 0.7 else SendMethod.ELECTRONIC,
            created_at=sent - timedelta(minutes=rng.randint(20, 120)),
            updated_at=sent,
        )
        if kind == AssistanceKind.ON_SITE:
            row["officers_arrived_at"] = self.past(self.minutes(sent, 30, 120))
        r = rng.random()
        reply_day: date | None
        if stuck:
            reply_day = None
        elif kind == AssistanceKind.ON_SITE:
            reply_day = cal.add_working_days(req, rng.randint(0, 3))
        elif r < 0.06:
            told = cal.add_working_days(req, rng.randint(1, 3))
            new_day = cal.add_working_days(due.date(), rng.randint(3, 10))
            if told <= self.today:
                new_due = assistance_deadline(req, cal, extended_to=new_day).due_at
                self.new(
                    "assistance_extensions",
                    request_id=row,
                    old_deadline_at=due,
                    new_deadline_at=new_due,
                    reason="需委托第三方机构检测，认定所需时间较长，已事先告知",
                    told_on=told,
                    created_at=self.at(told),
                    created_by_id=self.staff_id(),
                )
                due = new_due
            reply_day = cal.add_working_days(req, rng.randint(6, 12))
        elif r < 0.18:
            reply_day = cal.add_working_days(due.date(), rng.randint(1, 6))
        elif r < 0.21:
            refused = self.later(sent, (2, 3, 4, 5))
            if refused <= self.now:
                row.update(
                    status=AssistanceStatus.REFUSED,
                    refusal_note=rng.choice(
                        (
                            f"{dept.short}以人员不足为由拖延，经催办仍未答复，已报告县人民政府。",
                            f"{dept.short}称该事项不属其职责，拒绝出具书面意见。",
                        )
                    ),
                    updated_at=refused,
                )
                return
            reply_day = None
        else:
            reply_day = cal.add_working_days(req, rng.randint(1, 5))
        reminder = cal.add_working_days(due.date(), 1)
        if reminder <= self.today and (reply_day is None or reply_day > reminder):
            row["reminder_sent_on"] = reminder
        if reply_day is not None and reply_day <= self.today:
            replied = self.at(reply_day)
            row.update(
                status=AssistanceStatus.REPLIED,
                replied_on=reply_day,
                opinion_summary=f"{dept.short}出具书面意见："
                + rng.choice(tx.ASSISTANCE_OPINIONS[kind.value]),
                evidence_received=rng.choice(tx.ASSISTANCE_EVIDENCE[kind.value]),
                updated_at=max(replied, sent),
            )
            return
        row.update(deadline_at=due, deadline_what="书面答复期限")

    # --- disputes (争议协调) ---------------------------------------------------

    def gen_disputes(self, count: int) -> None:
        rng = self.rng
        cands = self.disputable
        chosen = sorted(rng.sample(range(len(cands)), min(count, len(cands))))
        for i in chosen:
            ref, m, returned = cands[i]
            opened = self.later(returned, (1, 2, 3)).date()
            if opened > self.today:
                opened = self.today
            self._dispute(opened, m.dept, m, ref, ref["place"])
        for _ in range(count - len(chosen)):
            day = self.work_day(self.rand_day())
            m = self.pick_matter(day)
            self._dispute(day, m.dept, m, None, tx.place_for(rng, m.text.place_kind)[1])

    def _dispute(self, opened: date, dept: _Org, m: _Matter, ref: Row | None, place: str) -> None:
        rng, today = self.rng, self.today
        created = self.at(opened)
        row = self.new(
            "disputes",
            department_id=dept.id,
            matter=f"{place}{m.name}行为的管辖争议",
            referral_id=ref,
            opened_on=opened,
            status=DisputeStatus.NEGOTIATING,
            created_at=created,
            updated_at=created,
            created_by_id=self.staff_id(),
        )
        planned = rng.choice((1, 1, 2, 2, 3))
        agreed = rng.random() < 0.6
        officers = rng.sample(self.officers, min(2, len(self.officers)))
        ours = "、".join(n for _i, n in officers)
        people = f"赵八镇：{ours}；{dept.short}：{dept.liaison or '联络人'}"
        day = opened
        held = 0
        for i in range(planned):
            day = day + timedelta(days=rng.randint(0, 3) if i == 0 else rng.randint(5, 15))
            if day > today:
                break
            last = i == planned - 1
            if last and agreed:
                handler = self.township if m.township else dept
                outcome = f"双方协商一致，由{handler.short}负责查处。"
            elif last:
                outcome = "双方仍未达成一致意见，同意提请县人民政府决定。"
            else:
                outcome = "双方未达成一致意见，约定补充材料后再次协商。"
            self.new(
                "negotiation_rounds",
                dispute_id=row,
                held_on=day,
                people=people,
                positions=(
                    f"镇方认为该事项未列入划转乡镇的行政处罚事项清单，属{dept.short}行业监管职责；"
                    f"{dept.short}认为该事项已划转乡镇，应由乡镇查处。"
                ),
                outcome=outcome,
            )
            held += 1
            row["updated_at"] = max(self.at(day), created)
        if held < planned:
            return
        if agreed:
            handler = self.township if m.township else dept
            row.update(status=DisputeStatus.AGREED, agreed_handler_id=handler.id, agreed_on=day)
            return
        escalated = day + timedelta(days=rng.randint(2, 7))
        if escalated > today:
            return
        row.update(
            status=DisputeStatus.ESCALATED, escalated_on=escalated, updated_at=self.at(escalated)
        )
        decided = escalated + timedelta(days=rng.randint(10, 40))
        if decided > today:
            return
        handler = self.township if m.township else dept
        row.update(
            status=DisputeStatus.DECIDED,
            decision=f"经县人民政府研究，该事项由{handler.name}负责查处，相关单位予以配合。",
            decided_on=decided,
            decided_handler_id=handler.id,
            updated_at=self.at(decided),
        )

    # --- information sharing (信息共享) ----------------------------------------

    def gen_info_shares(self, count: int) -> None:
        rng, today = self.rng, self.today
        cats = [InfoCategory(c) for c, _w in tx.INFO_CATEGORY_WEIGHTS]
        cum = list(accumulate(w for _c, w in tx.INFO_CATEGORY_WEIGHTS))
        forced = max(1, round(count * 0.004)) if count >= 4 else 0
        for _ in range(count - 2 * forced):
            day = self.work_day(self.rand_day())
            self._info_share(day, rng.choices(cats, cum_weights=cum)[0])
        for _ in range(forced):
            self._info_share(today, InfoCategory.DYNAMIC, hold=True)
            self._info_share(self.back_wd(today, rng.randint(1, 4)), InfoCategory.STATISTICS, True)

    def _info_share(self, formed: date, category: InfoCategory, hold: bool = False) -> None:
        rng, today, cal = self.rng, self.today, self.cal
        templates = tx.INFO_TEMPLATES[category.value]
        if hold:
            templates = tuple(t for t in templates if t[0]) or templates
        ours, title_t, summary_t = rng.choice(templates)
        depts = rng.sample(self.depts, min(len(self.depts), rng.choice((1, 1, 1, 2, 3))))
        m = self.pick_matter(formed)
        values = {
            "y": formed.year,
            "m": formed.month,
            "q": tx.quarter_name(formed),
            "dept": depts[0].short,
            "law": rng.choice(tx.LAWS),
            "n": rng.randint(3, 40),
            "matter": m.name,
        }
        created = self.at(formed)
        row = self.new(
            "info_shares",
            direction=ShareDirection.SHARED if ours else ShareDirection.RECEIVED,
            category=category,
            title=title_t.format(**values),
            summary=summary_t.format(**values),
            formed_on=formed,
            created_at=created,
            updated_at=created,
            created_by_id=self.staff_id(self.clerks),
        )
        for o in depts:
            self.new("info_share_counterparts", info_share_id=row, organisation_id=o.id)
        r = rng.random()
        shared: date | None = formed
        if hold:
            shared = None
        elif r < 0.10:
            shared = min(cal.add_working_days(formed, rng.randint(1, 4)), today)
        if shared is None:
            row.update(deadline_at=info_share_deadline(formed).due_at, deadline_what="共享期限")
            return
        row["shared_on"] = shared
        if shared > formed:
            row.update(late_reason=rng.choice(tx.SHARE_LATE_REASONS), updated_at=self.at(shared))

    # --- consultation: meetings, urgent notices, joint actions -----------------

    def gen_meetings(self, count: int) -> None:
        rng, today = self.rng, self.today
        self.vice_mayor = tx.person_name(rng, male=True)[0]
        q = date(self.first.year, (self.first.month - 1) // 3 * 3 + 1, 1)
        regular: list[date] = []
        while q <= today:
            d = self.work_day(q + timedelta(days=rng.randint(15, 45)))
            if self.first <= d <= today and d >= q:
                regular.append(d)
            q = date(q.year + (q.month + 2) // 12, (q.month + 2) % 12 + 1, 1)
        for d in regular:
            self._meeting(d, MeetingKind.REGULAR)
        for _ in range(max(2, count - len(regular))):
            kind = MeetingKind.AD_HOC if rng.random() < 0.7 else MeetingKind.SPECIAL
            self._meeting(self.work_day(self.rand_day()), kind)
        # open follow-up actions due today, soon and overdue
        meetings = sorted(self.rows["meetings"], key=lambda r: r["held_at"])
        recent = [r for r in meetings if r["held_at"].date() >= today - timedelta(days=40)]
        recent = recent or meetings[-1:]
        for i in range(3 * max(1, round(count * 0.05))):
            meeting = recent[i % len(recent)]
            held = meeting["held_at"].date()
            due = (
                today - timedelta(days=rng.randint(1, 10)),
                today,
                today + timedelta(days=rng.randint(1, 3)),
            )[i % 3]
            m = self.pick_matter(held)
            self._action(meeting, max(due, held + timedelta(days=1)), m, hold=True)

    def _meeting(self, day: date, kind: MeetingKind) -> None:
        rng = self.rng
        m = self.pick_matter(day)
        village, place = tx.place_for(rng, m.text.place_kind)
        case: Row | None = None
        if kind == MeetingKind.REGULAR:
            held = datetime.combine(day, time(9) if rng.random() < 0.6 else time(14, 30))
            matters = [m] + [self.pick_matter(day) for _ in range(rng.randint(1, 3))]
            orgs = [x.dept for x in matters]
            orgs += rng.sample(self.depts, min(len(self.depts), rng.randint(3, 6)))
            subject = f"{tx.quarter_name(day)}综合行政执法协调联动定期会议"
            topics = [MeetingTopic.GENERAL, MeetingTopic.HOTSPOT, MeetingTopic.SUPERVISION_LAW]
            if rng.random() < 0.4:
                topics.append(MeetingTopic.MAJOR_JOINT)
            host = f"{self.vice_mayor}（分管副镇长）"
            names = "、".join(dict.fromkeys(x.name for x in matters))
            discussion = (
                "通报上季度案件移送、投诉举报办理和信息共享情况；"
                f"研究{names}等问题的监管衔接和法律适用。"
            )
        elif kind == MeetingKind.AD_HOC:
            held = self.at(day)
            matters = [m] * rng.randint(1, 2)
            orgs = [m.dept, *rng.sample(self.depts, min(len(self.depts), rng.randint(0, 2)))]
            subject = f"关于{place}{m.name}问题的协商会议"
            topics = [rng.choice((MeetingTopic.HOTSPOT, MeetingTopic.SUPERVISION_LAW))]
            host = f"{rng.choice(self.leaders)[1]}（综合行政执法队队长）"
            discussion = f"{place}{m.name}问题群众反映集中，研究联合处置措施和职责分工。"
        else:
            held = self.at(day)
            matters = [m] * rng.randint(1, 2)
            orgs = [m.dept, self.police]
            party = self.party(m, village)["party_name"]
            subject = f"关于{party}涉嫌{m.name}重大案件线索的专题会议"
            topics = [MeetingTopic.MAJOR_JOINT]
            host = f"{self.vice_mayor}（分管副镇长）"
            discussion = f"研究{party}涉嫌{m.name}案件线索的具体案情，商讨调查取证和联合执法对策。"
            opened = [c for c, _d in self.case_rows[-50:] if c["filed_on"] <= day]
            case = rng.choice(opened) if opened and rng.random() < 0.5 else None
        orgs = list({o.id: o for o in orgs}.values())
        team = rng.sample(self.officers, min(2, len(self.officers)))
        participants = "；".join(
            [f"赵八镇：{self.vice_mayor}、{'、'.join(n for _i, n in team)}"]
            + [f"{o.short}：{o.liaison or '联络人'}" for o in orgs]
        )
        row = self.new(
            "meetings",
            kind=kind,
            subject=subject,
            held_at=held,
            place=rng.choice(("赵八镇人民政府三楼会议室", "赵八镇人民政府一楼会议室")),
            host=host,
            participants=participants,
            topics=[t.value for t in topics],
            discussion=discussion,
            created_at=held,
            updated_at=held,
            created_by_id=self.staff_id(self.clerks),
        )
        if case is not None:
            row.update(linked_type=RecordType.CASE.value, linked_id=case)
        for o in [self.township, *orgs]:
            self.new("meeting_organisations", meeting_id=row, organisation_id=o.id)
        texts = [
            self._action(row, day + timedelta(days=rng.randint(7, 30)), x, place=place)
            for x in matters
        ]
        row["decisions"] = (
            "；".join(f"{'一二三四五六'[i]}、{t}" for i, t in enumerate(dict.fromkeys(texts)))
            + "。"
        )

    def _action(
        self, meeting: Row, due: date, m: _Matter, hold: bool = False, place: str = ""
    ) -> str:
        rng = self.rng
        template, ours, _for = rng.choice(
            [t for t in tx.ACTION_TEMPLATES if t[2] is None or t[2] == m.township]
        )
        owner = self.township if ours else m.dept
        place = place or tx.place_for(rng, m.text.place_kind)[1]
        text = template.format(dept=m.dept.short, matter=m.name, place=place)
        held = meeting["held_at"].date()
        done: date | None = None
        if not hold:
            done = due - timedelta(days=rng.randint(0, 6))
            if rng.random() < 0.12:
                done = due + timedelta(days=rng.randint(1, 10))
            done = max(done, held + timedelta(days=1))
            if done > self.today:
                done = None
        self.new(
            "follow_up_actions",
            meeting_id=meeting,
            description=text,
            owner_org_id=owner.id,
            due_on=due,
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            done_on=done,
        )
        return text

    def gen_urgent(self, count: int) -> None:
        rng, today, cal = self.rng, self.today, self.cal
        forced = max(1, round(count * 0.03)) if count >= 4 else 0
        for _ in range(count - 3 * forced):
            day = self.rand_day()
            self._urgent(self.at(day, 6, 22))
        for _ in range(forced):
            self._urgent(self.at(today - timedelta(days=rng.randint(1, 5)), 8, 16), "notified")
            yesterday = self.back_wd(today, 1) if cal.is_working_day(today) else today
            self._urgent(self.at(yesterday, 9, 16), "refused")
            self._urgent(self.at(today, 7, 8.5), "refused")

    def _urgent(self, found: datetime, stuck: str = "") -> None:
        rng, now = self.rng, self.now
        keyword, hazard_t = rng.choice(tx.URGENT_HAZARDS)
        dept = self.dept_for(keyword, self.notice_orgs)
        village = rng.choice(tx.VILLAGES)
        place = village + rng.choice(("村东", "村西", "村南", "村北", "村内", "村口"))
        notified = self.minutes(found, 5, 40)
        if notified > now:
            notified = now
        row = self.new(
            "urgent_notices",
            department_id=dept.id,
            status=UrgentNoticeStatus.NOTIFIED,
            hazard=self.fmt(hazard_t, place=place, village=village),
            place=place,
            found_at=found,
            notified_at=notified,
            notice_method=rng.choice(("电话通知", "电话通知", "当面通知", "微信工作群通知")),
            notified_person=dept.liaison,
            created_at=notified,
            updated_at=notified,
            created_by_id=self.staff_id(),
        )
        r = rng.random()
        if stuck == "notified" or (not stuck and r < 0.85):
            arrived = self.minutes(notified, 20, 150)
            if stuck or arrived > now:
                row.update(deadline_at=notified + timedelta(hours=2), deadline_what="立即派员处置")
                return
            row.update(
                status=UrgentNoticeStatus.RESPONDED,
                officers_arrived_at=arrived,
                response_note=f"{dept.short}执法人员{rng.randint(2, 5)}人到场，已采取管控措施。",
                updated_at=arrived,
            )
            return
        refused = self.minutes(notified, 60, 180)
        if not stuck and r < 0.93:
            row.update(
                status=UrgentNoticeStatus.REFUSED_WITH_REASON,
                refusal_reason=f"{dept.short}称该事项不属本部门职责，已建议通知相关部门。",
                updated_at=min(refused, now),
            )
            return
        row.update(
            status=UrgentNoticeStatus.REFUSED,
            response_note=f"{dept.short}接到通知后未说明理由，拒不派员处理。",
            updated_at=min(refused, now),
        )
        report_due = end_of_day(self.cal.add_working_days(refused.date(), 1))
        reported = self.later(refused, (0, 1))
        if stuck or reported > now:
            row.update(deadline_at=report_due, deadline_what="报告县人民政府")
            return
        row.update(status=UrgentNoticeStatus.REPORTED, reported_at=reported, updated_at=reported)

    def gen_joint_actions(self, count: int) -> None:
        rng = self.rng
        meetings = sorted(self.rows["meetings"], key=lambda r: r["held_at"])
        held = [r["held_at"].date() for r in meetings]
        for _ in range(count):
            day = self.work_day(self.rand_day())
            title, keyword, targets = rng.choice(tx.JOINT_THEMES)
            dept = self.dept_for(keyword)
            others = rng.sample(self.depts, min(len(self.depts), rng.randint(0, 2)))
            orgs = list({o.id: o for o in [self.township, dept, *others]}.values())
            checked = rng.randint(8, 60)
            found = rng.randint(1, min(12, checked))
            fixed = rng.randint(0, found)
            created = datetime.combine(day, time(7, 30)) - timedelta(days=rng.randint(0, 3))
            row = self.new(
                "joint_actions",
                title=f"{day.year}年{day.month}月{title}",
                action_on=day,
                targets=targets,
                findings=f"共检查{checked}家（处），发现问题{found}处。",
                results=(
                    f"现场责令整改{fixed}处，立案查处{found - fixed}起；"
                    f"参加人员{rng.randint(6, 25)}人次。"
                ),
                created_at=max(created, datetime.combine(self.first, time(8))),
                updated_at=min(datetime.combine(day, time(18)), self.now),
                created_by_id=self.staff_id(),
            )
            i = bisect_right(held, day) - 1
            if i >= 0 and (day - held[i]).days <= 30 and rng.random() < 0.6:
                row["meeting_id"] = meetings[i]
            for o in orgs:
                self.new("joint_action_organisations", joint_action_id=row, organisation_id=o.id)

    # --- numbering and writing ----------------------------------------------------

    def finish(self) -> None:
        """Primary keys, ledger serials in chronological order, references → ids."""
        for name, rows in self.rows.items():
            if name == "staff" or "id" not in self.tables[name].c:
                continue
            if name in LEDGER_MODELS:
                rows.sort(key=lambda r: r["created_at"])
                self._serials(name, rows)
            start = self._max_id(name) + 1
            for i, row in enumerate(rows):
                row["id"] = start + i
        for name, cols in LINKS.items():
            for row in self.rows[name]:
                for col in cols:
                    v = row[col]
                    if type(v) is dict:
                        row[col] = v["id"]

    def _serials(self, name: str, rows: list[Row]) -> None:
        model = LEDGER_MODELS[name]
        prefix = PREFIXES[model]
        counters: dict[int, int] = {}
        col = self.tables[name].c.serial
        for serial in self.s.execute(select(col).where(col.like(prefix + "%"))).scalars():
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

    def insert(self, total: int) -> dict[str, int]:
        s = self.s
        links = [
            {"cid": r["id"], "rid": r["referral_id"], "upd": r["updated_at"]}
            for r in self.rows["complaints"]
            if r["referral_id"]
        ]
        for row in self.rows["complaints"]:
            row["referral_id"] = None
        all_rows = sum(len(v) for v in self.rows.values()) or 1
        written = 0
        for name in INSERT_ORDER:
            rows = self.rows[name]
            table = self.tables[name]
            for i in range(0, len(rows), BATCH):
                batch = rows[i : i + BATCH]
                s.execute(table.insert(), batch)
                written += len(batch)
                self.progress(self.records + self.records * written // all_rows, total)
            if name == "referrals" and links:
                c = self.tables["complaints"].c
                stmt = (
                    self.tables["complaints"]
                    .update()
                    .where(c.id == bindparam("cid"))
                    .values(referral_id=bindparam("rid"), updated_at=bindparam("upd"))
                )
                for i in range(0, len(links), BATCH):
                    s.execute(stmt, links[i : i + BATCH])
        return {name: len(rows) for name, rows in self.rows.items() if rows}
