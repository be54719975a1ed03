"""Ledger import target 管辖争议 (disputes): an office's existing dispute ledger.

Each row is checked by the dispute form's own check (:func:`dispute_forms.check_dispute`:
the other side must be a county-level department acting in its own name, the
day not in the future…) and, when a negotiation is recorded, by the round's
check (:func:`dispute_forms.check_round`: 协商日期 not before the dispute, 参加人员
and 双方意见 required). The dispute is built in the import's unit of work.

* 争议各方 (or 争议部门) may list the township beside the department (「赵八镇、县水利局」):
  the township and its own units are left out; exactly one other party must
  remain (a dispute is between the township and one county department).
* Status, as the service would have set it step by step (a 状态 column, when
  mapped, must agree):

  - 决定日期 / 县人民政府决定 → 县人民政府已决定: needs 提请县政府日期, 决定日期,
    the decision's text and 负责查处单位 (the township or the department);
  - 提请县政府日期 → 已提请县人民政府决定; the record shows "等待县人民政府决定"
    without a due date, as :func:`dispute_forms.clock_of` sets it;
  - 负责查处单位 or 协商一致日期 → 协商一致: agreed on 协商一致日期, or, when that
    is blank, on the 协商日期 (the round in which they agreed);
  - otherwise 协商中, and no clock runs (the seed fixes no period for negotiating).

  An agreement or an escalation needs the negotiation round it follows (协商日期
  with 参加人员 and 双方意见), as :func:`dispute_flow.record_agreement` and
  :func:`dispute_flow.escalate` do. The 管辖争议提请决定函 of an escalation was
  issued outside the app: it is not required (the audit entry says so).
* Dates in order: 发生日期 ≤ 协商日期 ≤ 协商一致日期 / 提请县政府日期 ≤ 决定日期.
* Duplicate key: (争议事项 folded, 发生日期, 争议部门).
* Serial (争YYYY-NNNN) in the year of 发生日期.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import DisputeStatus, RecordType
from desktop_app.services.dispute_forms import (
    DisputeInput,
    RoundInput,
    check_dispute,
    check_round,
    clock_of,
    handler_problem,
)
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import own_units
from desktop_app.services.ledger_import_base import Prepared, Problems, Target, mine, order, rename
from desktop_app.services.ledger_import_fields import DATE, ORG, ORGS, TERM, ImportField, norm
from desktop_app.services.referral_common import day
from desktop_app.storage.models import Dispute, NegotiationRound

S = DisputeStatus

FIELDS = (
    ImportField(
        "matter",
        "争议事项",
        required=True,
        also="争议内容 争议事由 争议问题 争议案件 案件名称 违法事项 事项",
    ),
    ImportField(
        "department",
        "争议部门",
        ORGS,
        True,
        "争议各方 争议双方 争议单位 对方单位 对方部门 涉及部门 相关部门 争议对象 部门",
    ),
    ImportField(
        "opened_on",
        "发生日期",
        DATE,
        True,
        "争议发生日期 发生时间 提出日期 提出时间 争议日期 争议提出日期 登记日期",
    ),
    ImportField("held_on", "协商日期", DATE, also="协商时间 首次协商日期 协商会日期"),
    ImportField("people", "参加人员", also="协商参加人员 参加协商人员 协商人员 参会人员"),
    ImportField(
        "positions", "双方意见", also="各方意见 双方观点 各方观点 协商情况 协商过程 协商内容"
    ),
    ImportField("outcome", "协商结果", also="协商意见 处理结果 处理情况 结果"),
    ImportField(
        "handler",
        "负责查处单位",
        ORG,
        also="查处单位 负责单位 管辖单位 确定管辖单位 处理单位 承办单位 负责部门",
    ),
    ImportField("agreed_on", "协商一致日期", DATE, also="达成一致日期 协商一致时间"),
    ImportField(
        "escalated_on",
        "提请县政府日期",
        DATE,
        also="提请县人民政府决定日期 提请县人民政府日期 报请日期 报请县政府日期 提请日期 "
        "提请决定日期 报请时间 提请时间",
    ),
    ImportField("decided_on", "决定日期", DATE, also="县政府决定日期 县人民政府决定日期 决定时间"),
    ImportField(
        "decision", "县人民政府决定", also="县政府决定 决定内容 决定意见 决定情况 决定结果"
    ),
    ImportField(
        "status",
        "状态",
        TERM,
        also="办理状态 当前状态 处理状态",
        term=DisputeStatus,
        words={"处理中": "negotiating", "未解决": "negotiating", "已协商一致": "agreed"}
        | {"已提请": "escalated", "提请县政府": "escalated", "已报请": "escalated"}
        | {"已决定": "decided", "县政府已决定": "decided"},
    ),
    ImportField("note", "备注"),
)

FIELDS_BY_NAME = tuple(f.name for f in FIELDS)
_NAMES = {"department_id": "department", "handler_id": "handler"}


def _department(s: Session, c: Checker, ids: list[int]) -> int | None:
    """The one party that is not the township (or one of its own units)."""
    mine = own_units(s)
    others = [i for i in ids if i not in mine]
    if not others:
        c.fail("department", "请填写争议的县级职能部门（争议各方中本镇以外的一方）")
        return None
    if len(others) > 1:
        c.fail(
            "department",
            "管辖争议是本镇与一个县级职能部门之间的争议，争议各方中本镇以外只能有一个单位；"
            "涉及多个部门的，请按部门分行登记",
        )
        return None
    return others[0]


def _status(c: Checker, v: dict[str, Any], has: dict[str, bool]) -> DisputeStatus:
    """The status the dates reach, or the one the 状态 column says if it agrees."""
    if has["decided_on"] or has["decision"]:
        found = S.DECIDED
    elif has["escalated_on"]:
        found = S.ESCALATED
    elif has["handler"] or has["agreed_on"]:
        found = S.AGREED
    else:
        found = S.NEGOTIATING
    given = v.get("status")
    if given and S(given) != found:
        wants = {
            S.NEGOTIATING: "协商中的争议不应填写负责查处单位、协商一致、提请或决定的日期",
            S.AGREED: "协商一致的争议请填写负责查处单位（及协商一致日期），不应填写提请或决定",
            S.ESCALATED: "已提请县人民政府决定的争议请填写提请县政府日期，尚无决定",
            S.DECIDED: "县人民政府已决定的争议请填写提请县政府日期、决定日期、决定内容和"
            "负责查处单位",
        }
        c.fail(
            "status",
            f"状态为「{S.label_of(given)}」，与所填内容（应为「{found.label}」）不符："
            f"{wants[S(given)]}",
        )
    return found


def _check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    c = Checker()
    dept = _department(s, c, v.get("department") or [])
    data = DisputeInput(
        department_id=dept,
        matter=v.get("matter") or "",
        opened_on=v.get("opened_on"),
        note=v.get("note"),
    )
    values, problems, rules = check_dispute(s, data)
    for fld, message in rename({**rules, **problems}, _NAMES).items():
        if fld == "department" and dept is None:
            continue  # already said why
        c.fail(fld, message)
    opened: date | None = values["opened_on"]
    has = {k: v.get(k) not in (None, "") for k in FIELDS_BY_NAME}
    status = _status(c, v, has)
    draft = Dispute(department_id=dept, opened_on=opened)  # for the round and handler checks

    round_values: dict[str, Any] | None = None
    if has["held_on"]:
        round_values = check_round(
            c,
            draft,
            RoundInput(v["held_on"], v.get("people"), v.get("positions"), v.get("outcome")),
        )
    else:
        for fld, label in (
            ("people", "参加人员"),
            ("positions", "双方意见"),
            ("outcome", "协商结果"),
        ):
            if has[fld]:
                c.fail("held_on", f"填写了{label}，请同时填写协商日期")
                break
        if status != S.NEGOTIATING and "held_on" not in c.problems:
            what = "协商一致" if status == S.AGREED else "提请县人民政府决定"
            c.fail(
                "held_on",
                f"管辖争议应先由双方协商（机制 三（六）），{what}前应有协商记录："
                "请填写协商日期、参加人员和双方意见",
            )
    held = round_values["held_on"] if round_values else None

    agreed = escalated = decided = None
    handler = v.get("handler")
    decision = c.text("decision", v.get("decision"), "县人民政府决定", 5000)
    if status == S.AGREED:
        agreed = day(c, "agreed_on", v["agreed_on"], "协商一致日期") if has["agreed_on"] else held
        order(c, "agreed_on", held, agreed, "协商日期", "协商一致日期")
    if status in (S.ESCALATED, S.DECIDED):
        if has["agreed_on"]:
            c.fail("agreed_on", "已提请县人民政府决定的争议不是协商一致，请不要填写协商一致日期")
        escalated = day(c, "escalated_on", v.get("escalated_on"), "提请县政府日期")
        order(c, "escalated_on", held, escalated, "协商日期", "提请县政府日期")
    if status == S.ESCALATED and has["handler"]:
        c.fail(
            "handler", "县人民政府尚未决定，「负责查处单位」应为空（或请填写决定日期和决定内容）"
        )
    if status == S.DECIDED:
        decided = day(c, "decided_on", v.get("decided_on"), "决定日期")
        order(c, "decided_on", escalated, decided, "提请县政府日期", "决定日期")
        if not decision and "decision" not in c.problems:
            c.fail("decision", "请填写县人民政府决定的内容")
    if status in (S.AGREED, S.DECIDED) and "department" not in c.problems:
        why = handler_problem(s, draft, handler)
        if why:
            c.fail("handler", why)
    if c.problems:
        return None, dict(c.problems)
    assert opened is not None
    values.update(
        status=status,
        agreed_handler_id=handler if status == S.AGREED else None,
        agreed_on=agreed,
        escalated_on=escalated,
        decided_on=decided,
        decided_handler_id=handler if status == S.DECIDED else None,
        decision=decision if status == S.DECIDED else None,
    )
    key = (norm(values["matter"]), opened, dept)
    return Prepared(0, key, opened.year, values, {"round": round_values}), {}


def _existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    days = {k[1] for k in keys}
    if not days:
        return {}
    rows = s.execute(
        select(Dispute).where(Dispute.opened_on.in_(days), *mine(s, Dispute))
    ).scalars()
    return {(norm(d.matter), d.opened_on, d.department_id): d.serial for d in rows}


def _build(p: Prepared, cal: WorkCalendar) -> Dispute:
    d = Dispute(**p.values)
    d.rounds = [NegotiationRound(**p.extra["round"])] if p.extra.get("round") else []
    d.deadline_at, d.deadline_what = clock_of(d)
    return d


def _note(d: Dispute, cal: WorkCalendar) -> str:
    if d.status in (S.ESCALATED, S.DECIDED):
        return "（原台账记载已提请县人民政府决定，提请决定函未在本系统出具）"
    return ""


TARGETS: dict[str, Target] = {
    "disputes": Target(
        "disputes",
        "管辖争议",
        RecordType.DISPUTE,
        Dispute,
        FIELDS,
        {},
        _check,
        _existing,
        _build,
        note=_note,
    ),
}
