"""协商 (consultation) for the demo: meetings with their follow-up actions, urgent
notices and joint enforcement actions.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta

from desktop_app.domain.deadlines import end_of_day
from desktop_app.domain.terms import (
    ActionStatus,
    MeetingKind,
    MeetingTopic,
    RecordType,
    UrgentNoticeStatus,
)
from desktop_app.services.demo.core import Demo, Matter, Row
from desktop_app.services.demo.text_ledgers import (
    ACTION_TEMPLATES,
    JOINT_THEMES,
    URGENT_HAZARDS,
    quarter_name,
)
from desktop_app.services.demo.text_people import VILLAGES, person_name, place_for


def gen_meetings(g: Demo, count: int) -> None:
    rng, today = g.rng, g.today
    g.vice_mayor = person_name(rng, male=True)[0]
    q = date(g.first.year, (g.first.month - 1) // 3 * 3 + 1, 1)
    regular: list[date] = []
    while q <= today:
        d = g.work_day(q + timedelta(days=rng.randint(15, 45)))
        if g.first <= d <= today and d >= q:
            regular.append(d)
        q = date(q.year + (q.month + 2) // 12, (q.month + 2) % 12 + 1, 1)
    for d in regular:
        _meeting(g, d, MeetingKind.REGULAR)
    for _ in range(max(2, count - len(regular))):
        kind = MeetingKind.AD_HOC if rng.random() < 0.7 else MeetingKind.SPECIAL
        _meeting(g, g.work_day(g.rand_day()), kind)
    # open follow-up actions due today, soon and overdue
    meetings = sorted(g.rows["meetings"], key=lambda r: r["held_at"])
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
        m = g.pick_matter(held)
        _action(g, meeting, max(due, held + timedelta(days=1)), m, hold=True)


def _meeting(g: Demo, day: date, kind: MeetingKind) -> None:
    rng = g.rng
    m = g.pick_matter(day)
    village, place = place_for(rng, m.text.place_kind)
    case: Row | None = None
    if kind == MeetingKind.REGULAR:
        held = datetime.combine(day, time(9) if rng.random() < 0.6 else time(14, 30))
        matters = [m] + [g.pick_matter(day) for _ in range(rng.randint(1, 3))]
        orgs = [x.dept for x in matters]
        orgs += rng.sample(g.depts, min(len(g.depts), rng.randint(3, 6)))
        subject = f"{quarter_name(day)}综合行政执法协调联动定期会议"
        topics = [MeetingTopic.GENERAL, MeetingTopic.HOTSPOT, MeetingTopic.SUPERVISION_LAW]
        if rng.random() < 0.4:
            topics.append(MeetingTopic.MAJOR_JOINT)
        host = f"{g.vice_mayor}（分管副镇长）"
        names = "、".join(dict.fromkeys(x.name for x in matters))
        discussion = (
            "通报上季度案件移送、投诉举报办理和信息共享情况；"
            f"研究{names}等问题的监管衔接和法律适用。"
        )
    elif kind == MeetingKind.AD_HOC:
        held = g.at(day)
        matters = [m] * rng.randint(1, 2)
        orgs = [m.dept, *rng.sample(g.depts, min(len(g.depts), rng.randint(0, 2)))]
        subject = f"关于{place}{m.name}问题的协商会议"
        topics = [rng.choice((MeetingTopic.HOTSPOT, MeetingTopic.SUPERVISION_LAW))]
        host = f"{rng.choice(g.leaders)[1]}（综合行政执法队队长）"
        discussion = f"{place}{m.name}问题群众反映集中，研究联合处置措施和职责分工。"
    else:
        held = g.at(day)
        matters = [m] * rng.randint(1, 2)
        orgs = [m.dept, g.police]
        party = g.party(m, village)["party_name"]
        subject = f"关于{party}涉嫌{m.name}重大案件线索的专题会议"
        topics = [MeetingTopic.MAJOR_JOINT]
        host = f"{g.vice_mayor}（分管副镇长）"
        discussion = f"研究{party}涉嫌{m.name}案件线索的具体案情，商讨调查取证和联合执法对策。"
        opened = [c for c, _d in g.case_rows[-50:] if c["filed_on"] <= day]
        case = rng.choice(opened) if opened and rng.random() < 0.5 else None
    orgs = list({o.id: o for o in orgs}.values())
    team = rng.sample(g.officers, min(2, len(g.officers)))
    participants = "；".join(
        [f"赵八镇：{g.vice_mayor}、{'、'.join(n for _i, n in team)}"]
        + [f"{o.short}：{o.liaison or '联络人'}" for o in orgs]
    )
    row = g.new(
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
        created_by_id=g.staff_id(g.clerks),
    )
    if case is not None:
        row.update(linked_type=RecordType.CASE.value, linked_id=case)
    for o in [g.township, *orgs]:
        g.new("meeting_organisations", meeting_id=row, organisation_id=o.id)
    texts = [
        _action(g, row, day + timedelta(days=rng.randint(7, 30)), x, place=place) for x in matters
    ]
    row["decisions"] = (
        "；".join(f"{'一二三四五六'[i]}、{t}" for i, t in enumerate(dict.fromkeys(texts))) + "。"
    )


def _action(
    g: Demo, meeting: Row, due: date, m: Matter, hold: bool = False, place: str = ""
) -> str:
    rng = g.rng
    template, ours, _for = rng.choice(
        [t for t in ACTION_TEMPLATES if t[2] is None or t[2] == m.township]
    )
    owner = g.township if ours else m.dept
    place = place or place_for(rng, m.text.place_kind)[1]
    text = template.format(dept=m.dept.short, matter=m.name, place=place)
    held = meeting["held_at"].date()
    done: date | None = None
    if not hold:
        done = due - timedelta(days=rng.randint(0, 6))
        if rng.random() < 0.12:
            done = due + timedelta(days=rng.randint(1, 10))
        done = max(done, held + timedelta(days=1))
        if done > g.today:
            done = None
    g.new(
        "follow_up_actions",
        meeting_id=meeting,
        description=text,
        owner_org_id=owner.id,
        due_on=due,
        status=ActionStatus.DONE if done else ActionStatus.OPEN,
        done_on=done,
    )
    return text


def gen_urgent(g: Demo, count: int) -> None:
    rng, today, cal = g.rng, g.today, g.cal
    forced = max(1, round(count * 0.03)) if count >= 4 else 0
    for _ in range(count - 3 * forced):
        day = g.rand_day()
        _urgent(g, g.at(day, 6, 22))
    for _ in range(forced):
        _urgent(g, g.at(today - timedelta(days=rng.randint(1, 5)), 8, 16), "notified")
        yesterday = g.back_wd(today, 1) if cal.is_working_day(today) else today
        _urgent(g, g.at(yesterday, 9, 16), "refused")
        _urgent(g, g.at(today, 7, 8.5), "refused")


def _urgent(g: Demo, found: datetime, stuck: str = "") -> None:
    rng, now = g.rng, g.now
    keyword, hazard_t = rng.choice(URGENT_HAZARDS)
    dept = g.dept_for(keyword, g.notice_orgs)
    village = rng.choice(VILLAGES)
    place = village + rng.choice(("村东", "村西", "村南", "村北", "村内", "村口"))
    notified = g.minutes(found, 5, 40)
    if notified > now:
        notified = now
    row = g.new(
        "urgent_notices",
        department_id=dept.id,
        status=UrgentNoticeStatus.NOTIFIED,
        hazard=g.fmt(hazard_t, place=place, village=village),
        place=place,
        found_at=found,
        notified_at=notified,
        notice_method=rng.choice(("电话通知", "电话通知", "当面通知", "微信工作群通知")),
        notified_person=dept.liaison,
        created_at=notified,
        updated_at=notified,
        created_by_id=g.staff_id(),
    )
    r = rng.random()
    if stuck == "notified" or (not stuck and r < 0.85):
        arrived = g.minutes(notified, 20, 150)
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
    refused = g.minutes(notified, 60, 180)
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
    report_due = end_of_day(g.cal.add_working_days(refused.date(), 1))
    reported = g.later(refused, (0, 1))
    if stuck or reported > now:
        row.update(deadline_at=report_due, deadline_what="报告县人民政府")
        return
    row.update(status=UrgentNoticeStatus.REPORTED, reported_at=reported, updated_at=reported)


def gen_joint_actions(g: Demo, count: int) -> None:
    rng = g.rng
    meetings = sorted(g.rows["meetings"], key=lambda r: r["held_at"])
    held = [r["held_at"].date() for r in meetings]
    for _ in range(count):
        day = g.work_day(g.rand_day())
        title, keyword, targets = rng.choice(JOINT_THEMES)
        dept = g.dept_for(keyword)
        others = rng.sample(g.depts, min(len(g.depts), rng.randint(0, 2)))
        orgs = list({o.id: o for o in [g.township, dept, *others]}.values())
        checked = rng.randint(8, 60)
        found = rng.randint(1, min(12, checked))
        fixed = rng.randint(0, found)
        created = datetime.combine(day, time(7, 30)) - timedelta(days=rng.randint(0, 3))
        row = g.new(
            "joint_actions",
            title=f"{day.year}年{day.month}月{title}",
            action_on=day,
            targets=targets,
            findings=f"共检查{checked}家（处），发现问题{found}处。",
            results=(
                f"现场责令整改{fixed}处，立案查处{found - fixed}起；"
                f"参加人员{rng.randint(6, 25)}人次。"
            ),
            created_at=max(created, datetime.combine(g.first, time(8))),
            updated_at=min(datetime.combine(day, time(18)), g.now),
            created_by_id=g.staff_id(),
        )
        i = bisect_right(held, day) - 1
        if i >= 0 and (day - held[i]).days <= 30 and rng.random() < 0.6:
            row["meeting_id"] = meetings[i]
        for o in orgs:
            g.new("joint_action_organisations", joint_action_id=row, organisation_id=o.id)
