"""案件移送 (referrals) for the demo: outgoing to county departments and incoming from
them, walked through sending, delivery, signing and the result up to now.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from desktop_app.domain.deadlines import referral_deadline
from desktop_app.domain.terms import (
    Direction,
    FoundHow,
    MaterialKind,
    PreTransferState,
    RecordType,
    ReferralStatus,
    SendMethod,
    Urgency,
)
from desktop_app.services.demo.cases import new_case
from desktop_app.services.demo.core import Demo, Matter, Org, Row
from desktop_app.services.demo.text_ledgers import REFERRAL_LATE_REASONS, RETURN_REASONS
from desktop_app.services.demo.text_matters import cn_date, doing
from desktop_app.services.demo.text_people import PARTY_KEYS, person_name, place_for


def new_referral(
    g: Demo,
    *,
    outgoing: bool,
    found: datetime,
    m: Matter,
    party: Row,
    place: str,
    how: FoundHow = FoundHow.INSPECTION,
    urgency: Urgency | None = None,
    complaint: Row | None = None,
    hold: bool = False,
) -> tuple[Row, datetime]:
    """One referral; returns it and the planned time it is (or would be) sent."""
    rng = g.rng
    if urgency is None:
        r = rng.random()
        urgency = Urgency.NORMAL if r < 0.75 else Urgency.URGENT if r < 0.87 else Urgency.ONGOING
    due = referral_deadline(found, urgency, g.cal).due_at
    sender, receiver = (g.township, m.dept) if outgoing else (m.dept, g.township)
    finder = "我镇综合行政执法队" if outgoing else sender.short
    how_text = {
        FoundHow.INSPECTION: "在日常巡查中",
        FoundHow.COMPLAINT: "根据群众投诉举报现场核查时",
        FoundHow.OTHER: "在开展专项整治时",
    }[how]
    row = g.new(
        "referrals",
        direction=Direction.OUTGOING if outgoing else Direction.INCOMING,
        status=ReferralStatus.DRAFT,
        sender_id=sender.id,
        receiver_id=receiver.id,
        penalty_matter_id=m.matter_id,
        matter=m.name,
        facts=(
            f"{cn_date(found.date())}，{finder}{how_text}发现，"
            f"{doing(party['party_name'], place, m.text.act)}。"
            + (f"该行为涉嫌违反{m.text.law}的规定。" if m.text.law else "")
        ),
        place=place,
        found_at=found,
        found_how=how,
        urgency=urgency,
        complaint_id=complaint,
        pre_transfer=False,
        created_at=g.minutes(found, 5, 60) if outgoing else found,
        created_by_id=g.staff_id(),
        **party,
    )
    if urgency == Urgency.ONGOING:
        row.update(
            dissuaded_at=g.minutes(found, 0, 20),
            dissuasion_note="执法人员当场劝阻，当事人已停止违法行为。",
            notified_at=g.minutes(found, 15, 60),
            notice_method="电话告知",
            notice_person=receiver.liaison,
        )
    late = rng.random() < 0.08
    if urgency == Urgency.URGENT:
        sent = g.minutes(found, 26 * 60, 60 * 60) if late else g.minutes(found, 90, 1300)
    else:
        sent = g.later(found, rng.randint(4, 7) if late else (0, 1, 1, 2, 2, 3))
        if not late and sent > due:
            sent = due - timedelta(hours=rng.randint(1, 6))
    if not outgoing and sent > g.now:
        sent = g.minutes(found, 30, 300)
    ready = g.minutes(row["created_at"], 10, 180)
    if ready >= sent:
        ready = sent - timedelta(minutes=5)
        row["created_at"] = found + timedelta(minutes=(ready - found) // timedelta(minutes=2))
    if hold:
        sent = datetime.max
    row["created_at"] = min(row["created_at"], g.now)
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
    g.materials(row, RecordType.REFERRAL, kinds)
    if not outgoing:
        _incoming_flow(g, row, m, sent)
        return row, sent
    if ready <= g.now:
        row.update(status=ReferralStatus.READY, updated_at=ready)
    if sent > g.now:
        if not hold and rng.random() < 0.01:
            row.update(
                status=ReferralStatus.WITHDRAWN,
                note="经复核，该行为属本镇管辖，撤回移送，由本镇立案查处。",
            )
        else:
            row.update(deadline_at=due, deadline_what="移送期限")
        return row, sent
    _sent_flow(g, row, sent, late, receiver, m)
    return row, sent


def _sent_flow(g: Demo, row: Row, sent: datetime, late: bool, receiver: Org, m: Matter) -> None:
    rng = g.rng
    method = rng.choices(list(SendMethod), cum_weights=(60, 75, 95, 100))[0]
    row.update(
        status=ReferralStatus.SENT,
        sent_at=sent,
        sent_method=method,
        sent_by_id=g.staff_id(g.officers) if row["direction"] == Direction.OUTGOING else None,
        late_reason=rng.choice(REFERRAL_LATE_REASONS) if late else None,
        updated_at=sent,
    )
    if method == SendMethod.MAIL:
        delivered = g.later(sent, (1, 2, 3))
        signed = g.minutes(delivered, 0, 60 * 24) if rng.random() < 0.3 else delivered
    elif method == SendMethod.ELECTRONIC:
        delivered = g.minutes(sent, 1, 10)
        signed = g.later(delivered, (0, 0, 1))
    else:
        delivered = g.minutes(sent, 20, 90)
        signed = delivered
    if delivered > g.now:
        return
    row.update(delivered_at=delivered, updated_at=delivered)
    if signed > g.now:
        return
    row.update(status=ReferralStatus.SIGNED, signed_at=signed, updated_at=signed)
    if row["direction"] == Direction.OUTGOING:
        row["signed_by"] = receiver.liaison or person_name(rng)[0]
        if rng.random() < 0.06:
            returned = g.later(signed, (1, 2, 3, 5))
            reason, jurisdiction = rng.choice(RETURN_REASONS)
            if returned <= g.now:
                row.update(
                    status=ReferralStatus.RETURNED,
                    returned_at=returned,
                    return_reason=reason,
                    updated_at=returned,
                )
                if jurisdiction:
                    g.disputable.append((row, m, returned))
            return
        result = g.past(g.later(signed, rng.randint(4, 30)))
        if result:
            outcome = rng.choice(
                (
                    f"已立案查处，对当事人{g.penalty(m)}",
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


def _incoming_flow(g: Demo, row: Row, m: Matter, sent: datetime) -> None:
    rng = g.rng
    if rng.random() < 0.05 or not g.pre_transfer_made:
        g.pre_transfer_made = True
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
    _sent_flow(g, row, sent, False, g.township, m)
    signed: datetime | None = row["signed_at"]
    if signed is not None:
        row["signed_by"] = rng.choice(g.clerks)[1]
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
        returned = g.past(g.later(signed, (1, 2)))
        if returned:
            row.update(
                status=ReferralStatus.RETURNED,
                returned_at=returned,
                return_reason="经审查，该事项未划转乡镇，不属本镇管辖，予以退回。",
                updated_at=returned,
            )
        return
    case, close_day = new_case(
        g,
        g.cal.add_working_days(signed.date(), rng.choice((0, 1, 1, 2))),
        m,
        {k: row[k] for k in PARTY_KEYS},
        row["place"],
        row["facts"],
        after=signed,
    )
    row["case_id"] = case
    result = g.past(g.later(datetime.combine(close_day, time(17)), (1, 2, 3, 5)))
    if result:
        row.update(
            status=ReferralStatus.RESULT,
            result_at=result,
            result_summary=f"已将处理结果反馈{m.dept.short}：{case['penalty_summary']}。",
            updated_at=result,
        )


def gen_referrals(g: Demo, count: int) -> None:
    rng = g.rng
    made = len(g.rows["referrals"])
    incoming = max(1, round(count * 0.3))
    outgoing = max(1, count - made - incoming)
    forced = max(1, round(count * 0.01))
    for _ in range(outgoing - 3 * forced):
        day = g.rand_day()
        m = g.pick_matter(day, "dept")
        found = g.at(day, 7, 21) if rng.random() < 0.15 else g.at(day)
        _referral_at(g, True, found, m)
    for _ in range(incoming):
        day = g.work_day(g.rand_day(hi=5))
        m = g.pick_matter(day, "township")
        _referral_at(g, False, g.at(day), m)
    today, cal = g.today, g.cal
    for _ in range(forced):
        m = g.pick_matter(today, "dept")
        old = g.work_day(today - timedelta(days=rng.randint(6, 20)))
        _referral_at(g, True, g.at(old), m, Urgency.NORMAL, hold=True)
        if cal.is_working_day(today):
            _referral_at(g, True, g.at(g.back_wd(today, 3)), m, Urgency.NORMAL, True)
        else:
            found = g.at(today - timedelta(days=1), 17, 21)
            _referral_at(g, True, found, m, Urgency.URGENT, hold=True)
        soon = g.back_wd(today, rng.choice((0, 1))) if cal.is_working_day(today) else today
        _referral_at(g, True, g.at(soon), m, Urgency.NORMAL, hold=True)


def _referral_at(
    g: Demo,
    outgoing: bool,
    found: datetime,
    m: Matter,
    urgency: Urgency | None = None,
    hold: bool = False,
) -> None:
    village, place = place_for(g.rng, m.text.place_kind)
    how = FoundHow.INSPECTION if g.rng.random() < 0.85 else FoundHow.OTHER
    new_referral(
        g,
        outgoing=outgoing,
        found=found,
        m=m,
        party=g.party(m, village),
        place=place,
        how=how,
        urgency=urgency,
        hold=hold,
    )
