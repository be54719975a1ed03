"""立案案件 (cases) for the demo: filed from complaints, referrals and crimes, or found
on the team's own inspections; closed with a penalty when their day has come.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from desktop_app.domain.terms import CaseClosure, CaseStatus
from desktop_app.services.demo.core import Demo, Matter, Row
from desktop_app.services.demo.text_matters import cn_date, doing
from desktop_app.services.demo.text_people import place_for


def new_case(
    g: Demo,
    filed: date,
    m: Matter,
    party: Row,
    place: str,
    facts: str,
    crime: str = "",
    after: datetime | None = None,
) -> tuple[Row, date]:
    """A case filed on ``filed`` (not before ``after``, the event that led to it)."""
    rng = g.rng
    filed = g.work_day(filed)
    created = g.at(filed)
    if after is not None:
        filed = max(filed, after.date())
        created = min(max(g.at(filed), g.minutes(after, 10, 90)), g.now)
    close_day = filed + timedelta(days=rng.randint(12, 75))
    row = g.new(
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
        created_by_id=g.staff_id(g.officers),
        **party,
    )
    row["updated_at"] = row["created_at"]
    if close_day <= g.today and not crime:
        close_case(g, row, close_day, m)
    g.case_rows.append((row, close_day))
    return row, close_day


def close_case(g: Demo, row: Row, day: date, m: Matter | None, closure: Any = None) -> None:
    if closure is None:
        closure = CaseClosure.PENALTY if g.rng.random() < 0.8 else CaseClosure.NO_PENALTY
    if closure == CaseClosure.PENALTY and m is not None:
        summary = g.penalty(m)
    elif closure == CaseClosure.CRIMINAL:
        summary = "涉嫌犯罪，已移送公安机关，公安机关已立案侦查"
    else:
        summary = "违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚"
    row.update(
        status=CaseStatus.CLOSED,
        closed_on=day,
        closure=closure,
        penalty_summary=summary,
        updated_at=g.at(day),
    )


def gen_cases(g: Demo, count: int) -> None:
    """Cases found by the team's own inspections, to reach the ledger's share."""
    rng = g.rng
    for _ in range(max(0, count - len(g.case_rows))):
        day = g.work_day(g.rand_day(hi=1))
        m = g.pick_matter(day, "township")
        village, place = place_for(rng, m.text.place_kind)
        party = g.party(m, village)
        facts = (
            f"{cn_date(day)}，执法人员在日常巡查中发现"
            f"{doing(party['party_name'], place, m.text.act)}，现场制作检查笔录并拍照取证。"
        )
        new_case(g, day, m, party, place, facts)
