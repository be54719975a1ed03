"""行刑衔接 (criminal transfers) for the demo: cases that turn out to be crimes, walked
through the 310号令 steps up to now.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from desktop_app.domain.deadlines import (
    criminal_approval_deadline,
    criminal_transfer_deadline,
    handover_deadline,
    police_decision_deadline,
    reconsideration_deadline,
)
from desktop_app.domain.terms import (
    CaseClosure,
    CriminalTransferStatus,
    MaterialKind,
    PoliceDecision,
    RecordType,
)
from desktop_app.services.criminal_common import (
    RECON_RESULT_CLOCK,
    reconsideration_result_deadline,
)
from desktop_app.services.demo.cases import close_case, new_case
from desktop_app.services.demo.core import Demo, Row
from desktop_app.services.demo.text_matters import cn_date
from desktop_app.services.demo.text_people import place_for


def gen_criminal(g: Demo, count: int) -> None:
    today = g.today
    forced = [
        today - timedelta(days=3),  # head's decision due today
        today - timedelta(days=g.rng.randint(5, 9)),  # overdue
        today - timedelta(days=1),  # due in two days
    ][: max(0, count - 1)]
    for _ in range(count - len(forced)):
        _crime(g, None)
    for report_day in forced:
        _crime(g, report_day)


def _crime(g: Demo, report_day: date | None) -> None:
    rng = g.rng
    m, (_name, reason_t, title_t, lo, hi) = rng.choice(g.crime_matters)
    village, place = place_for(rng, m.text.place_kind)
    party = g.party(m, village)
    reason = reason_t.format(party=party["party_name"], place=place, n=rng.randint(lo, hi))
    if report_day is None:
        filed = g.work_day(g.rand_day(hi=4))
    else:
        filed = g.back_wd(report_day, rng.randint(3, 8))
    facts = f"{cn_date(filed)}，执法人员在调查中发现：{reason}"
    case, _close = new_case(g, filed, m, party, place, facts, crime=reason)
    flagged = min(g.later(case["created_at"], (1, 2, 3)), g.now)
    report = g.later(flagged, (1, 2))
    if report_day is not None:
        report = g.at(report_day)
        flagged = min(flagged, report - timedelta(hours=20))
    row = g.new(
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
        created_by_id=g.staff_id(g.officers),
    )
    team = g.officers if len(g.officers) >= 2 else g.staff_all
    for sid, _n in rng.sample(team, min(len(team), rng.choice((2, 2, 3)))):
        g.new("criminal_transfer_officers", criminal_transfer_id=row, staff_id=sid)
    end = _crime_flow(g, row, report, hold=report_day is not None)
    if end is not None:
        close = end.date() + timedelta(days=rng.randint(5, 30))
        closure = CaseClosure.CRIMINAL if row["police_decision"] == PoliceDecision.FILED else None
        if closure:
            close = end.date()
        if close <= g.today:
            close_case(g, case, close, m, closure)


def _crime_flow(g: Demo, row: Row, report: datetime, hold: bool) -> datetime | None:
    """Walk the 310号令 steps up to now; returns when the transfer ended, if it did."""
    rng, now = g.rng, g.now
    if report > now:
        return None
    due = criminal_approval_deadline(report, g.cal).due_at
    row.update(
        status=CriminalTransferStatus.REPORTED,
        report_at=report,
        deadline_at=due,
        deadline_what="负责人决定期限",
        updated_at=report,
    )
    decision = g.at(report.date() + timedelta(days=rng.randint(0, 2)))
    if decision <= report:
        decision = g.minutes(report, 40, 180)
    if hold or decision > now:
        return None
    approved = rng.random() < 0.9
    row.update(
        decision_at=decision,
        approver_id=g.staff_id(g.leaders),
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
    g.materials(
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
    transferred = g.later(decision, (0, 1))
    if transferred > decision + timedelta(hours=23):
        transferred = g.minutes(decision, 60, 180)
    if transferred > now:
        return None
    received = g.minutes(transferred, 10, 60)
    row.update(
        status=CriminalTransferStatus.TRANSFERRED,
        transferred_at=transferred,
        police_org_id=g.police.id,
        procuratorate_org_id=g.procuratorate.id,
        procuratorate_informed_at=transferred,  # 抄送 with the transfer (criminal_flow)
        police_received_at=g.past(received),
        deadline_at=police_decision_deadline(received, g.cal).due_at,
        deadline_what="公安立案决定期限",
        updated_at=transferred,
    )
    decided = g.at(received.date() + timedelta(days=rng.randint(1, 3)))
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
            deadline_at=handover_deadline(decided, g.cal).due_at,
            deadline_what="移交涉案物品期限",
        )
        handover = g.at(decided.date() + timedelta(days=rng.randint(1, 3)))
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
    recon_due = reconsideration_deadline(decided, g.cal).due_at
    row.update(deadline_at=recon_due, deadline_what="提请复议期限")
    if rng.random() < 0.5:
        recon = g.at(decided.date() + timedelta(days=rng.randint(1, 3)))
        if recon > now:
            return None
        row.update(
            status=CriminalTransferStatus.RECONSIDERATION,
            reconsideration_at=recon,
            deadline_at=reconsideration_result_deadline(recon).due_at,
            deadline_what=RECON_RESULT_CLOCK,
            updated_at=recon,
        )
        result = g.at(recon.date() + timedelta(days=rng.randint(3, 10)))
        if result > now:
            return None
        row.update(
            status=CriminalTransferStatus.CLOSED,
            reconsideration_result="公安机关复议后维持不予立案决定，由本镇依法作出行政处罚。",
            deadline_at=None,
            deadline_what=None,
            updated_at=result,
        )
        return result
    if recon_due >= now:
        return None
    row.update(status=CriminalTransferStatus.CLOSED, deadline_at=None, deadline_what=None)
    return recon_due
