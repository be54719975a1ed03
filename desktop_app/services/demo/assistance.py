"""执法协助 (assistance requests) for the demo: technical, archive and on-site requests
to county departments, replied, extended, refused or still waiting.

The rows end in states the assistance services produce: on-site requests are
urgent, a running clock is the one :func:`assistance_common.clock_of` keeps
(officers at once until they arrive, then the written answer; extended and
chased marks), a reminder only after the due date, a refusal note dated.
The letters (执法协助函, 催办函) are not generated: the document register stays empty.
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop_app.domain.deadlines import assistance_deadline, cn_date
from desktop_app.domain.terms import AssistanceKind, AssistanceStatus, RecordType, SendMethod
from desktop_app.services.assistance_common import (
    AT_ONCE_CLOCK,
    EXTENDED_MARK,
    REMINDED_MARK,
    WRITTEN_CLOCK,
)
from desktop_app.services.demo.core import WINDOW_DAYS, Demo, Row
from desktop_app.services.demo.text_ledgers import (
    ASSISTANCE_EVIDENCE,
    ASSISTANCE_OPINIONS,
    ASSISTANCE_SUBJECTS,
)
from desktop_app.services.demo.text_people import VILLAGES, person_name, village_place


def gen_assistance(g: Demo, count: int) -> None:
    rng, today, cal = g.rng, g.today, g.cal
    forced = max(1, round(count * 0.02)) if count >= 4 else 0
    for _ in range(count - 3 * forced):
        if rng.random() < 0.02:
            _assistance(g, None, None)
            continue
        case: Row | None = None
        req: date | None = None
        if g.case_rows and rng.random() < 0.7:
            case, close_day = rng.choice(g.case_rows)
            req = g.work_day(case["filed_on"] + timedelta(days=rng.randint(1, 10)))
            if req > today or req >= close_day or req < case["filed_on"]:
                case, req = None, None
        _assistance(g, req or g.work_day(g.rand_day()), case)
    for _ in range(forced):
        _assistance(g, g.back_wd(today, rng.randint(7, 15)), None, stuck=True)
        if cal.is_working_day(today):
            _assistance(g, g.back_wd(today, 5), None, stuck=True)
        else:
            _assistance(g, g.back_wd(today, 6), None, stuck=True)
        _assistance(g, g.back_wd(today, rng.choice((2, 3, 4))), None, stuck=True)


def _assistance(g: Demo, req: date | None, case: Row | None, stuck: bool = False) -> None:
    rng, cal = g.rng, g.cal
    kinds = list(AssistanceKind)
    kind = rng.choices(kinds, cum_weights=(55, 85, 100))[0]
    if stuck and kind == AssistanceKind.ON_SITE:
        kind = AssistanceKind.TECHNICAL
    dept_kw, subject_t, questions_t = rng.choice(ASSISTANCE_SUBJECTS[kind.value])
    dept = g.dept_for(dept_kw)
    village, place = village_place(rng)
    party_name = person_name(rng)[0]
    if case is not None:
        party_name, place = case["party_name"], case["place"]
        village = next((v for v in VILLAGES if v in place), village)
    names = {"party": party_name, "place": place, "village": village}
    row = g.new(
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
        created_by_id=g.staff_id(),
    )
    if case is not None:
        row.update(linked_type=RecordType.CASE.value, linked_id=case)
    if req is None:
        created = g.at(g.work_day(g.rand_day(lo=WINDOW_DAYS - 7)))
        row.update(created_at=created, updated_at=created)
        return
    sent = g.at(req)
    due = written = assistance_deadline(req, cal).due_at
    row.update(
        status=AssistanceStatus.SENT,
        requested_on=req,
        sent_at=sent,
        sent_method=SendMethod.IN_PERSON if rng.random() < 0.7 else SendMethod.ELECTRONIC,
        created_at=sent - timedelta(minutes=rng.randint(20, 120)),
        updated_at=sent,
    )
    if kind == AssistanceKind.ON_SITE:
        row["officers_arrived_at"] = g.past(g.minutes(sent, 30, 120))
    r = rng.random()
    reply_day: date | None
    if stuck:
        reply_day = None
    elif kind == AssistanceKind.ON_SITE:
        reply_day = cal.add_working_days(req, rng.randint(0, 3))
    elif r < 0.06:
        told = cal.add_working_days(req, rng.randint(1, 3))
        new_day = cal.add_working_days(due.date(), rng.randint(3, 10))
        if told <= g.today:
            new_due = assistance_deadline(req, cal, extended_to=new_day).due_at
            g.new(
                "assistance_extensions",
                request_id=row,
                old_deadline_at=due,
                new_deadline_at=new_due,
                reason="需委托第三方机构检测，认定所需时间较长，已事先告知",
                told_on=told,
                created_at=g.at(told),
                created_by_id=g.staff_id(),
            )
            due = new_due
        reply_day = cal.add_working_days(req, rng.randint(6, 12))
    elif r < 0.18:
        reply_day = cal.add_working_days(due.date(), rng.randint(1, 6))
    elif r < 0.21:
        refused = g.later(sent, (2, 3, 4, 5))
        if refused <= g.now:
            row.update(
                status=AssistanceStatus.REFUSED,
                refusal_note=f"{cn_date(refused.date())}："
                + rng.choice(
                    (
                        f"{dept.short}以人员不足为由拖延，经多次电话联系仍未答复，"
                        "已报告县人民政府。",
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
    if reminder <= g.today and (reply_day is None or reply_day > reminder):
        row["reminder_sent_on"] = reminder
    if reply_day is not None and reply_day <= g.today:
        replied = g.at(reply_day)
        row.update(
            status=AssistanceStatus.REPLIED,
            replied_on=reply_day,
            opinion_summary=f"{dept.short}出具书面意见："
            + rng.choice(ASSISTANCE_OPINIONS[kind.value]),
            evidence_received=rng.choice(ASSISTANCE_EVIDENCE[kind.value]),
            updated_at=max(replied, sent),
        )
        return
    # the clock as assistance_common.clock_of keeps it
    marks = [EXTENDED_MARK] if due != written else []
    if row["reminder_sent_on"] is not None:
        marks.append(REMINDED_MARK)
    tail = f"（{'、'.join(marks)}）" if marks else ""
    if row["urgent"] and row["officers_arrived_at"] is None:
        row.update(deadline_at=sent, deadline_what=AT_ONCE_CLOCK + tail)
    else:
        row.update(deadline_at=due, deadline_what=WRITTEN_CLOCK + tail)
