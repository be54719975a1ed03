"""Ledger import target 行刑衔接 (criminal_transfers): an office's ledger of suspected
crimes transferred to the public security organ (国务院令第310号).

Each row goes through the flag form's own check (:func:`criminal_forms.check_flag`:
案件名称 and the reason required, lengths, 发现时间 not in the future) — except its
source rule: a historical transfer has no case, referral or complaint in the
app, so it is stored without a source. The organs are checked as
:func:`criminal_flow.record_transfer` checks them (接收机关 an active public
security organ, 抄送检察院 a procuratorate). The model has no columns of its own
for 当事人 and 涉嫌罪名: they open the stored reason (「涉嫌罪名：…；当事人：…」),
followed by 涉嫌犯罪的理由 when given; one of the three is required.

Status, as the service's steps would have left it (a 状态 column, when mapped,
must agree; 已办结 may close a record that could be closed):

* 公安机关决定 立案 → 公安机关已立案 (with 移交涉案物品时间 → 已办结); 不予立案 →
  公安机关不予立案 (with 提请复议时间 → 已提请复议; with 复议结果 as well → back
  to 不予立案, the 复议 settled). Needs 移送公安时间 and 公安机关决定时间;
* 移送公安时间 → 已移送公安机关 (接收机关 required; 抄送检察院 optional — not
  invented when the ledger does not say; informed at the transfer when given);
* 负责人决定时间 → 已批准移送，待移送, or with 不批准的理由 → 负责人不批准移送;
* 书面报告时间 → 已书面报告，待负责人决定;
* otherwise 涉嫌犯罪，待组成专案组.

The clock is :func:`criminal_common.clock_of` of that status (calendar or working
days as the ``criminal_working_days`` setting says). A transfer later than 24
hours after the approval is stored as it happened: 逾期原因 is kept when given,
and a missing one is noted in the audit entry, not invented. The 专案组, the
approving head and the materials are not in ledgers and are not imported.
Without a 发现涉嫌犯罪时间 the earliest date of the row (书面报告, 负责人决定, 移送)
stands for it. Dates in order: 发现 ≤ 书面报告 ≤ 负责人决定 ≤ 移送 ≤ 公安机关接收 ≤
公安机关决定 ≤ 提请复议; 移交涉案物品 not before 公安机关决定.

Duplicate key: (案件名称 folded, the day of 发现涉嫌犯罪时间).
Serial (刑YYYY-NNNN) in the year of 发现涉嫌犯罪时间.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    CriminalTransferStatus,
    OrgKind,
    PoliceDecision,
    RecordType,
)
from desktop_app.services.criminal_common import clock_of, working_days
from desktop_app.services.criminal_flow import CLOSABLE, check_org
from desktop_app.services.criminal_forms import FlagInput, check_flag
from desktop_app.services.forms import Checker
from desktop_app.services.ledger_import_base import (
    Prepared,
    Problems,
    Target,
    mine,
    moment_span,
    order,
    same_day_floor,
)
from desktop_app.services.ledger_import_fields import MOMENT, ORG, TERM, ImportField, norm
from desktop_app.services.referral_common import moment
from desktop_app.storage.models import CriminalTransfer

S = CriminalTransferStatus

FIELDS = (
    ImportField(
        "title",
        "案件名称",
        required=True,
        also="案由 移送案件名称 涉嫌犯罪案件名称 案件 名称",
    ),
    ImportField(
        "party",
        "当事人",
        also="当事人名称 当事人姓名 犯罪嫌疑人 嫌疑人 涉案人员 违法主体 当事人姓名或名称",
    ),
    ImportField("crime", "涉嫌罪名", also="罪名 涉嫌犯罪罪名 涉嫌犯罪名称"),
    ImportField(
        "reason",
        "涉嫌犯罪的理由",
        also="涉嫌犯罪理由 移送理由 涉嫌犯罪事实 简要案情 基本案情 案情 主要事实 违法事实",
    ),
    ImportField(
        "flagged_at",
        "发现涉嫌犯罪时间",
        MOMENT,
        also="发现涉嫌犯罪日期 发现时间 发现日期 标记时间",
    ),
    ImportField(
        "report_at",
        "书面报告时间",
        MOMENT,
        also="书面报告日期 报告时间 报告日期 报批时间 报批日期",
    ),
    ImportField(
        "decision_at",
        "负责人决定时间",
        MOMENT,
        also="负责人决定日期 负责人审批时间 审批时间 审批日期 批准时间 批准日期",
    ),
    ImportField("rejection_reason", "不批准的理由", also="不批准理由 不予移送理由 不予批准理由"),
    ImportField(
        "transferred_at",
        "移送公安时间",
        MOMENT,
        also="移送公安日期 移送公安机关时间 移送公安机关日期 移送日期 移送时间",
    ),
    ImportField(
        "police_org",
        "接收机关",
        ORG,
        also="接收公安机关 移送公安机关 受移送机关 移送机关 接收单位 公安机关",
    ),
    ImportField(
        "procuratorate",
        "抄送检察院",
        ORG,
        also="抄送人民检察院 抄送检察机关 人民检察院 检察院 检察机关",
    ),
    ImportField("late_reason", "逾期原因", also="逾期移送原因 超时原因 延期移送原因"),
    ImportField(
        "police_received_at",
        "公安机关接收时间",
        MOMENT,
        also="公安接收时间 公安机关接收日期 公安受理时间 受理时间 受理日期 接收时间 接收日期",
    ),
    ImportField(
        "police_decision",
        "公安机关决定",
        TERM,
        also="立案/不立案决定 立案不立案 是否立案 立案情况 立案决定 公安立案情况 公安机关立案情况",
        term=PoliceDecision,
        words={"已立案": "filed", "予以立案": "filed", "是": "filed"}
        | {"不立案": "not_filed", "未立案": "not_filed", "否": "not_filed"}
        | {"不予立案决定": "not_filed"},
    ),
    ImportField(
        "police_decision_at",
        "公安机关决定时间",
        MOMENT,
        also="公安机关决定日期 公安决定日期 立案决定日期 立案决定时间 立案日期 立案时间 "
        "不立案日期 不予立案日期 决定日期",
    ),
    ImportField(
        "reconsideration_at",
        "提请复议时间",
        MOMENT,
        also="提请复议日期 复议时间 复议日期",
    ),
    ImportField("reconsideration_result", "复议结果", also="复议决定 复议情况"),
    ImportField(
        "handover_at",
        "移交涉案物品时间",
        MOMENT,
        also="移交涉案物品日期 涉案物品移交时间 涉案物品移交日期 移交时间 移交日期",
    ),
    ImportField(
        "status",
        "状态",
        TERM,
        also="办理状态 当前状态 办理情况",
        term=CriminalTransferStatus,
        words={"办结": "closed", "已办结": "closed", "结案": "closed", "已结案": "closed"}
        | {"不批准": "rejected", "不予移送": "rejected", "已移送": "transferred"}
        | {"已立案": "filed", "不立案": "not_filed", "复议中": "reconsideration"},
    ),
    ImportField("note", "备注"),
)

_LABELS = {f.name: f.label for f in FIELDS}
_CHAIN = ("flagged_at", "report_at", "decision_at", "transferred_at", "police_received_at")


def _reason(v: dict[str, Any]) -> str:
    parts = []
    if v.get("crime"):
        parts.append(f"涉嫌罪名：{v['crime']}")
    if v.get("party"):
        parts.append(f"当事人：{v['party']}")
    head = "；".join(parts)
    body = v.get("reason") or ""
    return "。".join(x for x in (head, body) if x)


def _status(v: dict[str, Any], at: dict[str, datetime | None]) -> S:
    """The status the row's dates and decisions reach."""
    decision = v.get("police_decision")
    if decision == PoliceDecision.FILED:
        return S.CLOSED if at["handover_at"] else S.FILED
    if decision == PoliceDecision.NOT_FILED:
        if at["reconsideration_at"] and not v.get("reconsideration_result"):
            return S.RECONSIDERATION
        return S.NOT_FILED
    if at["transferred_at"]:
        return S.TRANSFERRED
    if at["decision_at"]:
        return S.REJECTED if v.get("rejection_reason") else S.APPROVED
    return S.REPORTED if at["report_at"] else S.FLAGGED


def _times(c: Checker, v: dict[str, Any]) -> dict[str, datetime | None]:
    """Every date-time of the row, checked (not in the future) and, when only the
    day is known, not before the step it follows on that day."""
    at: dict[str, datetime | None] = {}
    names = (*_CHAIN, "police_decision_at", "reconsideration_at", "handover_at")
    for name in names:
        raw = v.get(name)
        at[name] = moment(c, name, raw, _LABELS[name]) if raw is not None else None
    if at["flagged_at"] is None and "flagged_at" not in c.problems:
        known = [at[n] for n in _CHAIN[1:4] if at[n] is not None]
        if not known:
            c.fail(
                "flagged_at",
                "请填写「发现涉嫌犯罪时间」（或至少填写书面报告、负责人决定、移送公安的时间之一）",
            )
        else:
            at["flagged_at"] = min(known)  # type: ignore[type-var]
    previous: str | None = None
    for name in (*_CHAIN, "police_decision_at", "reconsideration_at"):
        if at[name] is None:
            continue
        if previous is not None:
            at[name] = same_day_floor(at[name], at[previous])
            order(c, name, at[previous], at[name], _LABELS[previous], _LABELS[name])
        previous = name
    if at["handover_at"] is not None:
        at["handover_at"] = same_day_floor(at["handover_at"], at["police_decision_at"])
        order(
            c,
            "handover_at",
            at["police_decision_at"],
            at["handover_at"],
            _LABELS["police_decision_at"],
            _LABELS["handover_at"],
        )
    return at


def _needs(c: Checker, v: dict[str, Any], at: dict[str, datetime | None]) -> None:
    """What each step needs from the steps before it."""

    def need(fld: str, present: bool, what: str) -> None:
        if present and fld not in c.problems:
            c.fail(fld, what)

    decision = v.get("police_decision")
    transferred = at["transferred_at"] is not None or "transferred_at" in c.problems
    decided_at = at["police_decision_at"] is not None or "police_decision_at" in c.problems
    need(
        "police_decision_at",
        decision is not None and not decided_at,
        "填写了公安机关决定，请同时填写公安机关决定时间",
    )
    need(
        "police_decision",
        decision is None and at["police_decision_at"] is not None,
        "填写了公安机关决定时间，请同时填写公安机关决定（立案或不予立案）",
    )
    for fld in ("police_decision", "police_received_at", "police_org", "procuratorate"):
        given = v.get(fld) is not None
        need(
            "transferred_at",
            given and not transferred,
            f"填写了{_LABELS[fld]}，请同时填写移送公安时间",
        )
    need(
        "police_org",
        at["transferred_at"] is not None and v.get("police_org") is None,
        "请填写接收移送的公安机关（接收机关）",
    )
    need(
        "decision_at",
        v.get("rejection_reason") is not None and at["decision_at"] is None,
        "填写了不批准的理由，请同时填写负责人决定时间",
    )
    need(
        "rejection_reason",
        v.get("rejection_reason") is not None and transferred,
        "负责人不批准移送的案件不应有移送公安时间",
    )
    need(
        "reconsideration_at",
        at["reconsideration_at"] is not None and decision != PoliceDecision.NOT_FILED,
        "只有公安机关不予立案的案件才能提请复议",
    )
    need(
        "reconsideration_at",
        bool(v.get("reconsideration_result")) and at["reconsideration_at"] is None,
        "填写了复议结果，请同时填写提请复议时间",
    )
    need(
        "handover_at",
        at["handover_at"] is not None and decision != PoliceDecision.FILED,
        "只有公安机关立案的案件才移交涉案物品",
    )


def _late(t: CriminalTransfer) -> bool:
    """Transferred later than 24 hours after the approval (by day when only the
    day is known)."""
    if t.transferred_at is None or t.decision_at is None:
        return False
    due = deadlines.criminal_transfer_deadline(t.decision_at).due_at
    if t.transferred_at.time() == time() or t.decision_at.time() == time():
        return t.transferred_at.date() > due.date()
    return t.transferred_at > due


def _check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    c = Checker()
    at = _times(c, v)
    data = FlagInput(
        source_type="",
        source_id=None,
        title=v.get("title") or "",
        reason=_reason(v),
        note=v.get("note"),
        flagged_at=at["flagged_at"],
    )
    values, problems, rules = check_flag(s, data)
    for fld, message in {**rules, **problems}.items():
        if fld in ("source_type", "source_id"):
            continue  # a historical transfer has no source record in the app
        if fld == "reason" and not data.reason:
            message = "请填写涉嫌罪名或涉嫌犯罪的理由"
        if fld not in c.problems:
            c.fail(fld, message)
    _needs(c, v, at)
    if v.get("police_org") is not None:
        check_org(c, s, "police_org", v["police_org"], OrgKind.PUBLIC_SECURITY, "公安机关")
    if v.get("procuratorate") is not None:
        check_org(c, s, "procuratorate", v["procuratorate"], OrgKind.PROCURATORATE, "人民检察院")
    rejection = c.text("rejection_reason", v.get("rejection_reason"), "不批准的理由", 2000)
    late = c.text("late_reason", v.get("late_reason"), "逾期原因", 2000)
    result = c.text("reconsideration_result", v.get("reconsideration_result"), "复议结果", 2000)
    status = _status(v, at)
    given = v.get("status")
    if given and S(given) != status:
        closable = S(given) == S.CLOSED and status in CLOSABLE
        if not closable:
            c.fail(
                "status",
                f"状态为「{S.label_of(given)}」，与所填的时间和决定（应为「{status.label}」）不符",
            )
        else:
            status = S.CLOSED
    if c.problems:
        return None, dict(c.problems)
    flagged = at["flagged_at"]
    assert flagged is not None
    decision = v.get("police_decision")
    transferred = at["transferred_at"]
    values.update(
        source_type=None,
        source_id=None,
        flagged_at=flagged,
        status=status,
        report_at=at["report_at"],
        decision_at=at["decision_at"],
        approved=(not rejection) if at["decision_at"] else None,
        rejection_reason=rejection,
        transferred_at=transferred,
        late_reason=None,
        police_org_id=v.get("police_org") if transferred else None,
        procuratorate_org_id=v.get("procuratorate") if transferred else None,
        procuratorate_informed_at=transferred if v.get("procuratorate") else None,
        police_received_at=at["police_received_at"],
        police_decision=PoliceDecision(decision) if decision else None,
        police_decision_at=at["police_decision_at"],
        reconsideration_at=at["reconsideration_at"],
        reconsideration_result=result,
        handover_at=at["handover_at"],
    )
    probe = CriminalTransfer(**values)
    if _late(probe):
        values["late_reason"] = late
    key = (norm(values["title"]), flagged.date())
    return Prepared(0, key, flagged.year, values, {"working": working_days(s)}), {}


def _existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    span = moment_span(k[1] for k in keys)
    if span is None:
        return {}
    start, end = span
    rows = s.execute(
        select(CriminalTransfer).where(
            CriminalTransfer.flagged_at >= start,
            CriminalTransfer.flagged_at < end,
            *mine(s, CriminalTransfer),
        )
    ).scalars()
    return {(norm(t.title), t.flagged_at.date()): t.serial for t in rows}


def _build(p: Prepared, cal: WorkCalendar) -> CriminalTransfer:
    t = CriminalTransfer(**p.values)
    t.officers = []
    t.deadline_at, t.deadline_what = clock_of(t, cal, p.extra["working"])
    return t


def _note(t: CriminalTransfer, cal: WorkCalendar) -> str:
    notes = []
    if _late(t) and not t.late_reason:
        notes.append("逾期移送，原台账未记录逾期原因")
    if t.status == S.CLOSED and t.police_decision == PoliceDecision.FILED and not t.handover_at:
        notes.append("原台账未记录移交涉案物品时间")
    return f"（{'；'.join(notes)}）" if notes else ""


TARGETS: dict[str, Target] = {
    "criminal_transfers": Target(
        "criminal_transfers",
        "行刑衔接",
        RecordType.CRIMINAL_TRANSFER,
        CriminalTransfer,
        FIELDS,
        {},
        _check,
        _existing,
        _build,
        note=_note,
    ),
}
