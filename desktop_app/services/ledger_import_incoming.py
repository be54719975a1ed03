"""Ledger import: 案件移送（部门移入）— cases county departments transferred to the township.

Each row is checked as :func:`referrals.register_incoming` checks its
:class:`IncomingInput` (the sending department: a county department in its own
name, not the township itself; the party's ID number / credit code / phone with
the domain validators; 发现时间 not after 接收时间), then built in the import's
own unit of work as that function builds it: receiver the township, 签收时间 =
接收时间, 发现途径 日常检查 and 紧急程度 一般 (the department's own clock is not
the township's), 发现时间 = 接收时间 when the sheet has none.

Historical states:

* 接收时间 only → 已签收, as registered; the service sets no clock for a
  transfer received (立案 or 退回 follow), so none runs;
* 反馈时间 + 处理结果 (the result reported back to the sender) → 已反馈结果;
* 退回时间 + 退回理由 → 已退回 (the township sent it back).

Either date needs its text and the other way round, not before 接收时间, and a
row cannot be both returned and answered. A 状态 column may say 已签收 / 已反馈结果
/ 已退回; it must agree with the dates. No case record is created for a result:
the case itself is not in the sheet.

Duplicates: the same 违法事项 (letters and digits compared), the same day of
接收时间 and the same sending department — against incoming transfers already
in the ledger and within the file. Serial (移…): in the year of 接收时间.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    Direction,
    FoundHow,
    RecordType,
    ReferralStatus,
    Urgency,
)
from desktop_app.services.forms import Checker
from desktop_app.services.ledger_import_base import (
    Prepared,
    Problems,
    Target,
    mine,
    moment_span,
    order,
    rename,
    same_day_floor,
)
from desktop_app.services.ledger_import_fields import (
    MATTER_AND_PARTY,
    MOMENT,
    ORG,
    TERM,
    ImportField,
    norm,
)
from desktop_app.services.referral_common import (
    moment,
)
from desktop_app.services.referral_forms import IncomingInput, PartyInput
from desktop_app.services.referrals import check_incoming
from desktop_app.storage.models import Referral

S = ReferralStatus

INCOMING_FIELDS = (
    ImportField(
        "sender",
        "移送单位",
        ORG,
        True,
        "移送部门 移出单位 移出部门 移送机关 来文单位 来文部门 发文单位 交办部门 来源部门 部门",
    ),
    ImportField(
        "received_at",
        "接收时间",
        MOMENT,
        True,
        "接收日期 收到时间 收到日期 签收时间 签收日期 移入时间 移入日期 收案时间 收案日期",
    ),
    *MATTER_AND_PARTY,
    ImportField("place", "地点", also="违法地点 发生地点 案发地点 发现地点"),
    ImportField("found_at", "发现时间", MOMENT, also="发现日期 案发时间 案发日期"),
    ImportField("facts", "基本违法事实", also="违法事实 案情 简要案情 基本案情 主要事实"),
    ImportField("signed_by", "签收人", also="接收人 经办人"),
    ImportField(
        "result_at",
        "反馈时间",
        MOMENT,
        also="反馈日期 结果反馈时间 处理结果反馈时间 办结时间 办结日期 结案日期",
    ),
    ImportField(
        "result_summary",
        "处理结果",
        also="办理结果 处理情况 反馈结果 查处结果 反馈情况 反馈内容 办理情况",
    ),
    ImportField("returned_at", "退回时间", MOMENT, also="退回日期"),
    ImportField("return_reason", "退回理由", also="退回原因 退回说明"),
    ImportField(
        "status",
        "状态",
        TERM,
        also="办理状态 当前状态",
        term=ReferralStatus,
        words={"签收": "signed", "办理中": "signed", "在办": "signed", "待处理": "signed"}
        | {"已立案": "signed", "立案": "signed", "已办结": "result", "办结": "result"}
        | {"反馈": "result", "已反馈": "result", "退回": "returned", "已退回": "returned"},
    ),
    ImportField("note", "备注"),
)

_NAMES = {f"party.{k}": f"party_{k}" for k in ("name", "id_number", "credit_code", "kind")}
_NAMES |= {"party.address": "party_address", "party.phone": "party_phone"}
_NAMES |= {"sender_id": "sender"}
_FINAL = (S.SIGNED, S.RESULT, S.RETURNED)


def _check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    party = PartyInput(
        v.get("party_kind"),
        v.get("party_name"),
        v.get("party_id_number"),
        v.get("party_credit_code"),
        v.get("party_address"),
        v.get("party_phone"),
    )
    data = IncomingInput(
        sender_id=v.get("sender"),
        received_at=v.get("received_at"),  # type: ignore[arg-type]
        matter=v.get("matter") or "",
        party=party,
        place=v.get("place"),
        found_at=v.get("found_at"),
        facts=v.get("facts"),
        signed_by=v.get("signed_by"),
        note=v.get("note"),
    )
    values, problems, rules = check_incoming(s, data)
    c = Checker()
    c.problems.update(rename({**rules, **problems}, _NAMES))
    received = values["signed_at"]
    result = returned = None
    if v.get("result_at") is not None:
        result = same_day_floor(moment(c, "result_at", v["result_at"], "反馈时间"), received)
        order(c, "result_at", received, result, "接收时间", "反馈时间")
    if v.get("returned_at") is not None:
        returned = same_day_floor(moment(c, "returned_at", v["returned_at"], "退回时间"), received)
        order(c, "returned_at", received, returned, "接收时间", "退回时间")
    summary = c.text("result_summary", v.get("result_summary"), "处理结果", 5000)
    reason = c.text("return_reason", v.get("return_reason"), "退回理由", 2000)
    for when, text, w_fld, t_fld, w_label, t_label in (
        (v.get("result_at"), summary, "result_at", "result_summary", "反馈时间", "处理结果"),
        (v.get("returned_at"), reason, "returned_at", "return_reason", "退回时间", "退回理由"),
    ):
        if when is not None and not text and t_fld not in c.problems:
            c.fail(t_fld, f"填写了{w_label}，请同时填写{t_label}")
        if text and when is None and w_fld not in c.problems:
            c.fail(w_fld, f"填写了{t_label}，请同时填写{w_label}")
    if v.get("result_at") is not None and v.get("returned_at") is not None:
        c.fail("returned_at", "同一件移入案件不能既退回移送单位、又反馈处理结果，请核对")
    status = S.SIGNED
    if v.get("result_at") is not None or summary:
        status = S.RESULT
    elif v.get("returned_at") is not None or reason:
        status = S.RETURNED
    given = v.get("status")
    if given is not None and "status" not in c.problems:
        given = S(given)
        if given not in _FINAL:
            allowed = "、".join(f"“{x.label}”" for x in _FINAL)
            c.fail("status", f"部门移入的案件状态只能是{allowed}，不能是“{given.label}”")
        elif given == S.RESULT and status != S.RESULT:
            c.fail("result_at", "状态为“已反馈结果”，请填写反馈时间和处理结果")
        elif given == S.RETURNED and status != S.RETURNED:
            c.fail("returned_at", "状态为“已退回”，请填写退回时间和退回理由")
        elif given != status:
            c.fail("status", f"填写的日期表明是“{status.label}”，状态却是“{given.label}”")
    if c.problems:
        return None, dict(c.problems)
    assert received is not None
    values.update(
        status=status,
        result_at=result,
        result_summary=summary,
        returned_at=returned,
        return_reason=reason,
    )
    key = (norm(values["matter"]), received.date(), values["sender_id"])
    return Prepared(0, key, received.year, values), {}


def _existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    span = moment_span(k[1] for k in keys)
    if span is None:
        return {}
    start, end = span
    rows = s.execute(
        select(Referral).where(
            Referral.direction == Direction.INCOMING,
            Referral.signed_at >= start,
            Referral.signed_at < end,
            *mine(s, Referral),
        )
    ).scalars()
    return {
        (norm(r.matter), r.signed_at.date(), r.sender_id): r.serial
        for r in rows
        if r.signed_at is not None
    }


def _build(p: Prepared, cal: WorkCalendar) -> Referral:
    # As register_incoming: no clock runs for a transfer received (nor after it).
    return Referral(
        direction=Direction.INCOMING,
        found_how=FoundHow.INSPECTION,
        urgency=Urgency.NORMAL,
        pre_transfer=False,
        deadline_at=None,
        deadline_what=None,
        **p.values,
    )


TARGETS: dict[str, Target] = {
    "referrals_incoming": Target(
        "referrals_incoming",
        "案件移送（部门移入）",
        RecordType.REFERRAL,
        Referral,
        INCOMING_FIELDS,
        {},
        _check,
        _existing,
        _build,
        ledger="referrals",
    ),
}
