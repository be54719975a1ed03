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
    MeetingStatus,
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
from desktop_app.services.meeting_forms import CLOCK as MEETING_CLOCK
from desktop_app.services.urgent_notice_flow import AT_ONCE_CLOCK as NOTICE_AT_ONCE
from desktop_app.services.urgent_notice_flow import AWAITING_COUNTY as NOTICE_AWAITING_COUNTY
from desktop_app.services.urgent_notice_flow import REPORT_CLOCK as NOTICE_REPORT
from desktop_app.services.urgent_notice_flow import refusal_note


def gen_meetings(g: Demo, count: int) -> None:
    rng, today = g.rng, g.today
    g.vice_mayor = person_name(rng, male=True)[0]
    q = date(g.first.year, (g.first.month - 1) // 3 * 3 + 1, 1)
    regular: list[date] = []
    while True:  # one regular meeting a quarter; the first not yet due is planned
        raw = q + timedelta(days=rng.randint(15, 45))
        if raw > today:
            next_regular = _ahead(g, raw)
            break
        d = g.work_day(raw)
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
        row = _action(g, meeting, max(due, held + timedelta(days=1)), m, hold=True)[1]
        if i == 0 and today > held + timedelta(days=2):  # done once, found unfinished
            back = held + timedelta(days=rng.randint(2, (today - held).days))
            row["note"] = f"{back:%Y-%m-%d}重新打开，原因：复查发现问题反弹，仍需继续整治。"
    _planned(g, datetime.combine(next_regular, time(9)), MeetingKind.REGULAR)
    soon = today if g.cal.is_working_day(today) else _ahead(g, today)
    _planned(g, datetime.combine(soon, time(14, 30)), MeetingKind.AD_HOC)
    _cancelled(g)


def _meeting(g: Demo, day: date, kind: MeetingKind) -> None:
    rng = g.rng
    m = g.pick_matter(day)
    village, place = place_for(rng, m.text.place_kind)
    case: Row | None = None
    # a special meeting studies a major case clue: linked to a case (meetings.plan/record)
    opened = [c for c, _d in g.case_rows if c["filed_on"] <= day][-50:]
    if kind == MeetingKind.SPECIAL and not opened:
        kind = MeetingKind.AD_HOC
    if kind == MeetingKind.REGULAR:
        held = datetime.combine(day, time(9) if rng.random() < 0.6 else time(14, 30))
        if held > g.now:  # held today: already over at the demo's "now"
            held = datetime.combine(day, time(8, 30))
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
        case = rng.choice(opened)
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
        _action(g, row, day + timedelta(days=rng.randint(7, 30)), x, place=place)[0]
        for x in matters
    ]
    row["decisions"] = (
        "；".join(f"{'一二三四五六'[i]}、{t}" for i, t in enumerate(dict.fromkeys(texts))) + "。"
    )


def _action(
    g: Demo, meeting: Row, due: date, m: Matter, hold: bool = False, place: str = ""
) -> tuple[str, Row]:
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
    note = None
    if done is not None:
        note = rng.choice(DONE_NOTES) if done <= due else f"{owner.short}因情况复杂延期完成。"
    row = g.new(
        "follow_up_actions",
        meeting_id=meeting,
        description=text,
        owner_org_id=owner.id,
        due_on=due,
        status=ActionStatus.DONE if done else ActionStatus.OPEN,
        done_on=done,
        note=note,
    )
    return text, row


DONE_NOTES = (
    None,
    "已按期完成，落实情况已书面报送。",
    "已完成，有关情况在下次会议上通报。",
)


def _ahead(g: Demo, d: date) -> date:
    """``d`` or the next working day (a day after today is fine: a planned meeting)."""
    return d if g.cal.is_working_day(d) else g.cal.next_working_day(d)


def _planned(g: Demo, held: datetime, kind: MeetingKind) -> Row:
    """A meeting planned but not held (yet): no minutes, no actions; while planned its
    clock is the planned time (as :func:`meetings.plan` leaves it)."""
    rng = g.rng
    m = g.pick_matter(held.date())
    orgs = [m.dept]
    if kind == MeetingKind.REGULAR:
        orgs += rng.sample(g.depts, min(len(g.depts), rng.randint(3, 6)))
        subject = f"{quarter_name(held.date())}综合行政执法协调联动定期会议"
        topics = [MeetingTopic.GENERAL, MeetingTopic.HOTSPOT, MeetingTopic.SUPERVISION_LAW]
        host = f"{g.vice_mayor}（分管副镇长）"
    else:
        place = place_for(rng, m.text.place_kind)[1]
        subject = f"关于{place}{m.name}问题的协商会议"
        topics = [MeetingTopic.HOTSPOT]
        host = f"{rng.choice(g.leaders)[1]}（综合行政执法队队长）"
    created = min(g.now, held) - timedelta(hours=rng.randint(2, 24 * 6))
    row = g.new(
        "meetings",
        kind=kind,
        status=MeetingStatus.PLANNED,
        subject=subject,
        held_at=held,
        place="赵八镇人民政府三楼会议室",
        host=host,
        topics=[t.value for t in topics],
        deadline_at=held,
        deadline_what=MEETING_CLOCK,
        created_at=created,
        updated_at=created,
        created_by_id=g.staff_id(g.clerks),
    )
    for o in {o.id: o for o in [g.township, *orgs]}.values():
        g.new("meeting_organisations", meeting_id=row, organisation_id=o.id)
    return row


def _cancelled(g: Demo) -> None:
    """An ad-hoc meeting that was called off before its time (as :func:`meetings.cancel`)."""
    rng = g.rng
    held = g.at(g.work_day(g.rand_day(lo=10, hi=20)), 14, 16)
    row = _planned(g, held, MeetingKind.AD_HOC)
    row["created_at"] = row["updated_at"] = held - timedelta(days=rng.randint(1, 3))
    off = held - timedelta(hours=rng.randint(2, 20))
    reason = rng.choice(CANCEL_REASONS)
    row.update(
        status=MeetingStatus.CANCELLED,
        deadline_at=None,
        deadline_what=None,
        note=f"{off:%Y-%m-%d}取消会议，原因：{reason}",
        updated_at=max(off, row["created_at"]),
    )


CANCEL_REASONS = (
    "主要参会部门有紧急任务，改期召开",
    "问题已由相关部门当日现场处置完毕，无需再行协商",
)


def gen_urgent(g: Demo, count: int) -> None:
    """Urgent notices in the states :mod:`urgent_notice_flow` leaves them: most
    answered by officers on site, some refused with a reason, a few refused without
    one, reported to the county government and (some) handled by it. For the
    dashboard: one still waiting for officers (the at-once clock, overdue), and
    refusals whose same-day report is overdue (yesterday's) or due today; for the
    ledger: one reported and waiting for the county, one settled."""
    rng, today, cal = g.rng, g.today, g.cal
    forced = max(1, round(count * 0.03)) if count >= 6 else 0
    for _ in range(count - 5 * forced):
        day = g.rand_day()
        _urgent(g, g.at(day, 6, 22))
    for _ in range(forced):
        _urgent(g, g.at(today - timedelta(days=rng.randint(1, 5)), 8, 16), "notified")
        yesterday = g.back_wd(today, 1) if cal.is_working_day(today) else today
        _urgent(g, g.at(yesterday, 9, 16), "refused")
        _urgent(g, g.at(today, 7, 8.5), "refused")
        _urgent(g, g.at(today - timedelta(days=rng.randint(3, 8)), 8, 12), "reported")
        _urgent(g, g.at(today - timedelta(days=rng.randint(15, 40)), 8, 12), "settled")


COUNTY_REPLIES = (
    "县人民政府办公室督促{dept}立即派员处置，{dept}当日派员到场，隐患已整改到位。",
    "县人民政府分管领导约谈{dept}主要负责人，责令其依法履行职责；{dept}已派员处置完毕。",
    "县人民政府召集{dept}和赵八镇协调，明确由{dept}牵头处置，现已处置完毕并书面报告县政府。",
)


def _urgent(g: Demo, found: datetime, stuck: str = "") -> None:
    """One notice; ``stuck``: the state it must end in (notified / refused / reported /
    settled), else a random one. Clocks as :func:`urgent_notice_flow.clock_of`."""
    rng, now = g.rng, g.now
    keyword, hazard_t = rng.choice(URGENT_HAZARDS)
    dept = g.dept_for(keyword, g.notice_orgs)
    village = rng.choice(VILLAGES)
    place = village + rng.choice(("村东", "村西", "村南", "村北", "村内", "村口"))
    notified = min(g.minutes(found, 5, 40), now)
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
        deadline_at=notified,  # officers at once: due at the moment of notice
        deadline_what=NOTICE_AT_ONCE,
        created_at=notified,
        updated_at=notified,
        created_by_id=g.staff_id(),
    )
    r = rng.random()
    if stuck == "notified" or (not stuck and r < 0.85):
        arrived = g.minutes(notified, 20, 150)
        if stuck or arrived > now:
            return
        row.update(
            status=UrgentNoticeStatus.RESPONDED,
            officers_arrived_at=arrived,
            response_note=f"{dept.short}执法人员{rng.randint(2, 5)}人到场，已采取管控措施。",
            deadline_at=None,
            deadline_what=None,
            updated_at=arrived,
        )
        return
    refused = min(g.minutes(notified, 60, 180), now)
    if not stuck and r < 0.93:
        row.update(
            status=UrgentNoticeStatus.REFUSED_WITH_REASON,
            refusal_reason=f"{dept.short}称该事项不属本部门职责，已建议通知相关部门。",
            response_note=refusal_note(refused, dept.short, True),
            deadline_at=None,
            deadline_what=None,
            updated_at=refused,
        )
        return
    row.update(
        status=UrgentNoticeStatus.REFUSED,
        response_note=refusal_note(refused, dept.short, False),
        deadline_at=end_of_day(refused.date()),  # reported the same day
        deadline_what=NOTICE_REPORT,
        updated_at=refused,
    )
    reported = g.later(refused, 0 if stuck else (0, 0, 1))
    if stuck == "refused" or reported > now:
        return
    row.update(
        status=UrgentNoticeStatus.REPORTED,
        reported_at=reported,
        deadline_at=None,
        deadline_what=NOTICE_AWAITING_COUNTY,
        updated_at=reported,
    )
    replied = g.later(reported, (2, 3, 5))
    if stuck == "reported" or replied > now or (not stuck and rng.random() < 0.4):
        return
    row.update(
        status=UrgentNoticeStatus.SETTLED,
        report_reply_at=replied,
        report_reply=rng.choice(COUNTY_REPLIES).format(dept=dept.short),
        deadline_what=None,
        updated_at=replied,
    )


def gen_joint_actions(g: Demo, count: int) -> None:
    """Joint actions held (with what was found and done), each with at least one
    county department, some decided by a meeting held before them (never a
    cancelled or planned one); and one planned ahead, with nothing found yet."""
    rng = g.rng
    meetings = sorted(
        (r for r in g.rows["meetings"] if r["status"] == MeetingStatus.HELD),
        key=lambda r: r["held_at"],
    )
    held = [r["held_at"].date() for r in meetings]
    planned = 1 if count >= 4 else 0
    if planned:
        _planned_action(g)
    for _ in range(count - planned):
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


def _planned_action(g: Demo) -> None:
    """A joint action planned a few days ahead: organisations and targets, no results."""
    rng = g.rng
    day = g.today + timedelta(days=rng.randint(3, 10))
    while not g.cal.is_working_day(day):
        day += timedelta(days=1)
    title, keyword, targets = rng.choice(JOINT_THEMES)
    dept = g.dept_for(keyword)
    row = g.new(
        "joint_actions",
        title=f"{day.year}年{day.month}月{title}",
        action_on=day,
        targets=targets,
        note="计划开展，参加单位各派执法人员不少于2人。",
        created_at=g.now - timedelta(days=rng.randint(1, 3)),
        updated_at=g.now - timedelta(hours=rng.randint(1, 20)),
        created_by_id=g.staff_id(),
    )
    for o in {o.id: o for o in (g.township, dept)}.values():
        g.new("joint_action_organisations", joint_action_id=row, organisation_id=o.id)
