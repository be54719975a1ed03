"""投诉举报 (complaints) for the demo: received, verified, then closed as no violation,
as a case of the township's own, or by a referral to the competent department.
"""

from __future__ import annotations

from datetime import datetime, time
from itertools import accumulate

from sqlalchemy import bindparam

from desktop_app.domain.terms import ComplaintChannel, ComplaintOutcome, ComplaintStatus, FoundHow
from desktop_app.services.demo.cases import new_case
from desktop_app.services.demo.core import Demo, Matter, Row
from desktop_app.services.demo.referrals import new_referral
from desktop_app.services.demo.text_ledgers import REPLY_METHODS
from desktop_app.services.demo.text_matters import cn_date, doing
from desktop_app.services.demo.text_people import (
    home_address,
    id_number,
    mobile,
    person_name,
    place_for,
)
from desktop_app.storage.models import Complaint


def gen_complaints(g: Demo, count: int) -> None:
    rng = g.rng
    channels = list(ComplaintChannel)
    cum = list(accumulate((25, 15, 5, 10, 30, 15)))
    office = (ComplaintChannel.VISIT, ComplaintChannel.LETTER, ComplaintChannel.DEPARTMENT)
    for _ in range(count):
        day = g.rand_day()
        channel = rng.choices(channels, cum_weights=cum)[0]
        if channel in office:
            day = g.work_day(day)
            received = g.at(day)
        else:
            received = g.at(day, 7, 21.5)
        dept_channel = channel == ComplaintChannel.DEPARTMENT
        m = g.pick_matter(day, "township" if dept_channel else "all")
        village, place = place_for(rng, m.text.place_kind)
        anonymous = rng.random() < (0.05 if channel in office[:1] else 0.22)
        content = g.fmt(rng.choice(m.text.complaints), place=place, name=m.name)
        if dept_channel:
            content = f"{m.dept.short}告知：{content}"
        elif channel == ComplaintChannel.HOTLINE_12345:
            content = "12345热线转办：" + content
        first = g.staff_id(g.clerks if channel != ComplaintChannel.VISIT else None)
        row = g.new(
            "complaints",
            received_at=received,
            channel=channel,
            first_contact_id=first,
            anonymous=anonymous,
            content=content,
            place=place,
            penalty_matter_id=m.matter_id,
            competent_org_id=g.township.id if m.township else m.dept.id,
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
            name, male = person_name(rng)
            g.new(
                "complainants",
                complaint_id=row,
                name=name,
                phone=mobile(rng) if rng.random() < 0.95 else None,
                id_number=id_number(rng, male, g.today) if rng.random() < 0.35 else None,
                address=home_address(rng, village) if rng.random() < 0.6 else None,
            )
        _complaint_flow(g, row, m, village, place, dept_channel)


def start_complaint_clocks(g: Demo) -> None:
    """Open complaints get the clock the services would be running (核实 / 答复 /
    移送期限), counted as the services count it; called once the rows are written."""
    from desktop_app.services import calendar, settings
    from desktop_app.services.complaint_common import clock_of

    s = g.s
    cal, conf = calendar.load(s), settings.read_all(s)
    clocks = []
    for row in g.rows["complaints"]:
        if row["status"] == ComplaintStatus.CLOSED:
            continue
        c = s.get(Complaint, row["id"])
        assert c is not None
        due, what = clock_of(s, c, cal, conf)
        # updated_at given: a demo record keeps its own history
        clocks.append({"cid": c.id, "due": due, "what": what, "upd": row["updated_at"]})
    if clocks:
        t = g.tables["complaints"]
        stmt = (
            t.update()
            .where(t.c.id == bindparam("cid"))
            .values(deadline_at=bindparam("due"), deadline_what=bindparam("what"))
            .values(updated_at=bindparam("upd"))
        )
        s.execute(stmt, clocks)
        s.expire_all()


def _complaint_flow(
    g: Demo, row: Row, m: Matter, village: str, place: str, dept_channel: bool
) -> None:
    rng = g.rng
    received: datetime = row["received_at"]
    if g.minutes(received, 20, 600) > g.now:
        return
    verified = g.later(received, (0, 0, 1, 1, 2, 3))
    if verified > g.now:
        row["updated_at"] = received
        return
    party = g.party(m, village)
    if rng.random() < 0.45:
        outcome = ComplaintOutcome.NO_VIOLATION
    else:
        outcome = ComplaintOutcome.CASE_FILED if m.township else ComplaintOutcome.TRANSFERRED
    officer = g.staff_id(g.officers)
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
        closed = g.later(verified, (0, 0, 1, 2))
        reply = "已告知投诉人核实情况，投诉人表示认可。"
    elif outcome == ComplaintOutcome.CASE_FILED:
        row["verification_note"] = f"经现场核实，反映情况属实，属本镇管辖的{m.name}事项，予以立案。"
        row.update(party)
        facts = (
            f"{cn_date(verified.date())}，执法人员根据群众投诉举报现场核查发现，"
            f"{doing(party['party_name'], place, m.text.act)}。"
        )
        case, close_day = new_case(g, verified.date(), m, party, place, facts, after=verified)
        row["case_id"] = case
        closed = g.later(datetime.combine(close_day, time(17)), (0, 1, 2, 3))
        reply = f"已告知投诉人调查处理结果：已对当事人立案查处，{case['penalty_summary']}。"
    else:
        row["verification_note"] = (
            f"经现场核实，反映情况基本属实，该事项属{m.dept.short}管辖，已形成书面材料移送。"
        )
        row.update(party)
        ref, sent = new_referral(
            g,
            outgoing=True,
            found=verified,
            m=m,
            party=party,
            place=place,
            how=FoundHow.COMPLAINT,
            complaint=row,
        )
        row["referral_id"] = ref
        closed = g.later(sent, (0, 1, 2))
        reply = f"已告知投诉人：该事项已移送{m.dept.short}处理。"
    if closed > g.now:
        return
    row["updated_at"] = closed
    if not row["anonymous"]:
        row.update(replied_at=closed, reply_method=rng.choice(REPLY_METHODS))
        row["reply_summary"] = reply
    elif row["channel"] == ComplaintChannel.HOTLINE_12345:
        row.update(
            replied_at=closed,
            reply_method="12345平台回复",
            reply_summary="已通过12345平台回复办理结果。",
        )
    done = closed
    if dept_channel:
        # the informing department is owed feedback before the complaint closes
        feedback = g.past(g.later(closed, (0, 1, 2, 3)))
        if not feedback:
            return
        row.update(
            feedback_at=feedback,
            feedback_summary=f"已将调查处理结果书面反馈{m.dept.short}。",
        )
        done = feedback
    row.update(status=ComplaintStatus.CLOSED, closed_at=done, updated_at=done)
