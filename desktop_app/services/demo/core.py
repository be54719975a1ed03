"""Shared machinery of a demo run: the :class:`Demo` state and its helpers.

Rows are plain dicts (:data:`Row`) linked by reference until the builder
numbers them. The helpers draw days and office times in the demo window,
matters, parties, penalties and staff from the one ``random.Random`` of the
run; every caller must keep its order of calls for the data to stay the same
for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import PartyKind, RecordType
from desktop_app.services.demo.text_matters import MatterText
from desktop_app.services.demo.text_people import (
    business_name,
    credit_code,
    home_address,
    id_number,
    mobile,
    person_name,
)
from desktop_app.services.serials import PREFIXES
from desktop_app.storage.models import Base, Organisation
from desktop_app.storage.models.base import LedgerRecord

Row = dict[str, Any]

WINDOW_DAYS = 548  # 18 months
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


class Org:
    """An organisation as the demo uses it."""

    __slots__ = ("id", "liaison", "name", "short")

    def __init__(self, org: Organisation) -> None:
        self.id = org.id
        self.name = org.name
        self.short = org.short_name or org.name
        self.liaison = org.liaison_name


class Matter:
    """A penalty matter the demo writes about: its sentences, jurisdiction and department."""

    __slots__ = ("dept", "matter_id", "name", "text", "township")

    def __init__(
        self, text: MatterText, name: str, matter_id: int | None, dept: Org, township: bool
    ) -> None:
        self.text, self.name, self.matter_id = text, name, matter_id
        self.dept, self.township = dept, township


class Demo:
    """One generation run; ``rows`` collects the rows of every table.

    The reference data (calendar, organisations, staff, matters) is filled in by
    :func:`desktop_app.services.demo.reference.load_reference`; the ledgers by
    the ``gen_*`` functions of the other modules of this package, which share
    the random source and the helpers below.
    """

    # set by reference.load_reference
    cal: WorkCalendar
    township: Org
    team_id: int
    depts: list[Org]
    police: Org
    procuratorate: Org
    notice_orgs: list[Org]
    officers: list[tuple[int, str]]
    leaders: list[tuple[int, str]]
    clerks: list[tuple[int, str]]
    staff_all: list[tuple[int, str]]
    pools: dict[str, tuple[list[Matter], list[float]]]
    crime_matters: list[tuple[Matter, tuple[str, str, str, int, int]]]
    # set by consultation.gen_meetings
    vice_mayor: str

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
        self.case_rows: list[tuple[Row, date]] = []  # (case, planned closing day)
        self.disputable: list[tuple[Row, Matter, datetime]] = []
        self.pre_transfer_made = False

    # --- helpers ---------------------------------------------------------------

    def dept_for(self, keyword: str, pool: list[Org] | None = None) -> Org:
        pool = pool or self.depts
        for o in pool:
            if keyword and keyword in o.name:
                return o
        return pool[sum(map(ord, keyword)) % len(pool)]

    def max_id(self, table: str) -> int:
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

    def pick_matter(self, day: date, pool: str = "all") -> Matter:
        matters, cum = self.pools[pool]
        if not matters:
            matters, cum = self.pools["all"]
        m = self.rng.choices(matters, cum_weights=cum)[0]
        if m.text.months and day.month not in m.text.months and self.rng.random() < 0.8:
            m = self.rng.choices(matters, cum_weights=cum)[0]
        return m

    def party(self, m: Matter, village: str) -> Row:
        rng = self.rng
        owner, male = person_name(rng)
        if m.text.businesses and rng.random() >= m.text.person_share:
            kind = rng.choice(m.text.businesses)
            return {
                "party_kind": PartyKind.ORGANISATION,
                "party_name": business_name(rng, kind, owner),
                "party_id_number": None,
                "party_credit_code": credit_code(rng, kind) if rng.random() < 0.9 else None,
                "party_address": f"河北省深泽县赵八镇{village}",
                "party_phone": mobile(rng),
            }
        return {
            "party_kind": PartyKind.PERSON,
            "party_name": owner,
            "party_id_number": id_number(rng, male, self.today) if rng.random() < 0.8 else None,
            "party_credit_code": None,
            "party_address": home_address(rng, village),
            "party_phone": mobile(rng) if rng.random() < 0.85 else None,
        }

    def fmt(self, template: str, **kw: Any) -> str:
        rng = self.rng
        return template.format(n=rng.randint(2, 9), area=rng.randint(3, 30) * 10, **kw)

    def penalty(self, m: Matter) -> str:
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
