"""Reference data for a demo run: calendar, organisations, staff and penalty matters."""

from __future__ import annotations

from collections import Counter
from itertools import accumulate

from sqlalchemy import select

from desktop_app.domain.calendar import CalendarOverride as DayOverride
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import OrgKind
from desktop_app.services.demo.core import Demo, Matter, Org
from desktop_app.services.demo.staff import load_staff
from desktop_app.services.demo.text_matters import (
    CRIMES,
    GENERIC_COMPLAINTS,
    MATTERS,
    MatterText,
    match_matter,
    short_matter_name,
)
from desktop_app.services.errors import ServiceError
from desktop_app.storage.models import (
    CalendarOverride,
    CalendarYear,
    Organisation,
    PenaltyMatter,
    Setting,
)


def _calendar(g: Demo) -> WorkCalendar:
    overrides = [
        DayOverride(o.day, o.working, o.note or "")
        for o in g.s.execute(select(CalendarOverride)).scalars()
    ]
    years = g.s.execute(select(CalendarYear.year).where(CalendarYear.confirmed.is_(True))).scalars()
    return WorkCalendar(overrides, list(years))


def load_reference(g: Demo) -> None:
    """Fill in the reference attributes of ``g`` (staff first made when there is none)."""
    g.cal = _calendar(g)
    s = g.s
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
    g.township = Org(township)
    team = by_id.get(settings.get("team_org_id") or -1)
    g.team_id = team.id if team else township.id
    g.depts = [Org(o) for o in depts]
    kinds = {k: [Org(o) for o in orgs if o.kind == k] for k in OrgKind}
    g.police = (kinds[OrgKind.PUBLIC_SECURITY] or g.depts)[0]
    g.procuratorate = (kinds[OrgKind.PROCURATORATE] or g.depts)[0]
    g.notice_orgs = g.depts + kinds[OrgKind.PUBLIC_SECURITY]
    load_staff(g)
    _load_matters(g)


def _load_matters(g: Demo) -> None:
    """Matters from the penalty catalogue when there is one, else the built-in list.

    A catalogue entry keeps its jurisdiction (transferred to the township
    before the demo window starts, or its department); the sentences come
    from the built-in matter it matches.
    """
    entries: list[tuple[MatterText, str, int | None, Org, bool]] = []
    dept_by_id = {o.id: o for o in g.depts}
    db = g.s.execute(
        select(PenaltyMatter).where(PenaltyMatter.active.is_(True)).order_by(PenaltyMatter.id)
    ).scalars()
    for pm in db:
        text = match_matter(pm.name)
        if text is None:
            short = short_matter_name(pm.name)
            text = MatterText(short, "", False, f"涉嫌{short}", "", GENERIC_COMPLAINTS, weight=1)
        dept = dept_by_id.get(pm.department_id or -1) or g.dept_for(text.dept)
        township = bool(pm.transferred) and (
            pm.transferred_on is None or pm.transferred_on <= g.first
        )
        entries.append((text, text.name, pm.id, dept, township))
    have = {e[4] for e in entries}
    if len(have) < 2:
        for t in MATTERS:
            if t.township not in have:
                entries.append((t, t.name, None, g.dept_for(t.dept), t.township))
    shared = Counter(id(e[0]) for e in entries)
    matters = [Matter(*e) for e in entries]
    weights = [e[0].weight / shared[id(e[0])] for e in entries]
    g.pools = {}
    for key, keep in (("all", None), ("township", True), ("dept", False)):
        chosen = [i for i, m in enumerate(matters) if keep is None or m.township == keep]
        g.pools[key] = (
            [matters[i] for i in chosen],
            list(accumulate(weights[i] for i in chosen)),
        )
    g.crime_matters = [
        (m, c) for c in CRIMES for m in matters if m.township and m.text.name == c[0]
    ] or [(g.pools["township"][0][0], CRIMES[0])]
