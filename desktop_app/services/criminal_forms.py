"""行刑衔接: flagging a suspected crime, the form, the team and the materials
(国务院令第310号 arts. 4–6).

* :func:`flag`: a case, referral or complaint that exists is flagged 涉嫌犯罪 with
  a reason; one open transfer per source (a rejected or closed one does not
  count). A case source (or the case of the referral / complaint) is marked
  ``suspected_crime`` so the 以罚代刑 guard sees it.
* :func:`set_team`: the 专案组 of at least two active officers holding an
  enforcement certificate (执法证号), audited with the names before and after.
* :func:`add_material` / :func:`remove_material` / :func:`list_materials`: the
  art. 6 materials (移送书, 调查报告, 涉案物品清单, 检验报告或鉴定意见, 其他材料),
  each with its file when there is one; not changed once transferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, MaterialKind, RecordType, StaffRole
from desktop_app.services import audit, materials
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.criminal_common import (
    ENDED,
    RECORD,
    SOURCE_LABELS,
    SOURCE_MODELS,
    S,
    load,
    record_change,
    require,
    snapshot,
    source_case,
    source_record,
)
from desktop_app.services.errors import InvalidInput, NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.materials import MaterialRow
from desktop_app.services.referral_common import moment
from desktop_app.services.referral_forms import raise_problems
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import (
    CriminalTransfer,
    EnforcementCase,
    Material,
    Staff,
)

MIN_TEAM = 2  # 310号令 art. 5: 指定2名或者2名以上行政执法人员组成专案组
# 310号令 art. 6: what a transfer carries
MATERIAL_KINDS = (
    MaterialKind.CRIMINAL_TRANSFER_LETTER,
    MaterialKind.INVESTIGATION_REPORT,
    MaterialKind.SEIZED_ITEMS,
    MaterialKind.TEST_REPORT,
    MaterialKind.OTHER,
)
REQUIRED_MATERIALS = (MaterialKind.CRIMINAL_TRANSFER_LETTER, MaterialKind.INVESTIGATION_REPORT)
EDITABLE = (S.FLAGGED, S.REPORTED, S.APPROVED)


@dataclass
class FlagInput:
    source_type: str
    source_id: int | None
    title: str
    reason: str
    case_id: int | None = None
    note: str | None = None
    flagged_at: datetime | None = None  # when it was found; now when not given


# --- the form -----------------------------------------------------------------------------


def open_transfer(
    session: Session, source_type: str, source_id: int, skip: int | None = None
) -> CriminalTransfer | None:
    return (
        session.execute(
            select(CriminalTransfer).where(
                CriminalTransfer.source_type == source_type,
                CriminalTransfer.source_id == source_id,
                CriminalTransfer.status.not_in([s.value for s in ENDED]),
                CriminalTransfer.id != (skip or 0),
            )
        )
        .scalars()
        .first()
    )


def check_flag(
    session: Session, data: FlagInput, skip: int | None = None
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The clean values, the field problems and the rule problems of the form."""
    c = Checker()
    rules: dict[str, str] = {}
    kind = (data.source_type or "").strip()
    if kind not in SOURCE_MODELS:
        c.fail("source_type", "请选择来源：立案案件、案件移送或投诉举报")
    title = c.text("title", data.title, "案件名称", 200, required=True)
    reason = c.text("reason", data.reason, "涉嫌犯罪的理由", 5000, required=True)
    note = c.text("note", data.note, "备注", 2000)
    found_at = moment(c, "flagged_at", data.flagged_at, "发现涉嫌犯罪时间", required=False)
    source = None
    if kind in SOURCE_MODELS:
        if data.source_id is None:
            c.fail("source_id", "请选择来源记录")
        else:
            source = source_record(session, kind, data.source_id)
            if source is None:
                c.fail("source_id", f"所选{SOURCE_LABELS[kind]}不存在或已被删除，请重新选择。")
    case_id = data.case_id
    if case_id is not None and session.get(EnforcementCase, case_id) is None:
        c.fail("case_id", "所选案件不存在，请重新选择。")
    if source is not None:
        if case_id is None:
            case = source_case(session, kind, data.source_id)
            case_id = case.id if case is not None else None
        other = open_transfer(session, kind, int(data.source_id or 0), skip)
        if other is not None:
            rules["source_id"] = (
                f"该{SOURCE_LABELS[kind]}已有未办结的行刑衔接 {other.serial}"
                f"（{S.label_of(other.status)}），不能重复标记。"
            )
    values = {
        "source_type": kind,
        "source_id": data.source_id,
        "case_id": case_id,
        "title": title,
        "reason": reason,
        "note": note,
        "flagged_at": found_at or clock.now().replace(microsecond=0),
    }
    return values, c.problems, rules


def _mark_case(uow: Any, session: Session, case_id: int | None, reason: str, serial: str) -> None:
    """The case is marked 涉嫌犯罪 (the 以罚代刑 guard reads it too)."""
    case = session.get(EnforcementCase, case_id) if case_id else None
    if case is None or case.suspected_crime:
        return
    before = audit.snapshot(case)
    case.suspected_crime, case.crime_reason = True, reason
    uow.flush()
    b, a = audit.diff(before, audit.snapshot(case))
    uow.audit(
        AuditAction.UPDATE,
        RecordType.CASE,
        case.id,
        f"{case.serial} 标记为涉嫌犯罪（行刑衔接 {serial}）",
        before=b,
        after=a,
    )


def flag(ctx: ServiceContext, data: FlagInput) -> int:
    """涉嫌犯罪: a new transfer (FLAGGED) with its 台账编号; no clock yet."""
    with ctx.uow() as uow:
        s = uow.session
        values, problems, rules = check_flag(s, data)
        raise_problems(problems, rules)
        t = CriminalTransfer(
            serial=next_serial(s, CriminalTransfer, values["flagged_at"].year),
            status=S.FLAGGED,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(t)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            t.id,
            f"{t.serial} 标记涉嫌犯罪：{t.title}",
            after=snapshot(t),
        )
        _mark_case(uow, s, t.case_id, t.reason, t.serial)
        return t.id


def update(
    ctx: ServiceContext, transfer_id: int, data: FlagInput, expected_version: int | None = None
) -> None:
    """Edit the title, reason, case and note before the transfer (the source stays)."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, EDITABLE, "修改")
        check_version(t, expected_version)
        if (data.source_type, data.source_id) != (t.source_type, t.source_id):
            raise RuleViolation(
                f"行刑衔接 {t.serial} 的来源记录不能修改；如标记错了，请办结后重新标记。"
            )
        values, problems, rules = check_flag(s, data, skip=t.id)
        raise_problems(problems, rules)
        if data.flagged_at is None:
            values.pop("flagged_at")
        before = snapshot(t)
        for key, value in values.items():
            setattr(t, key, value)
        uow.flush()
        if audit.diff(before, snapshot(t))[1]:
            record_change(uow, t, before, "修改", AuditAction.UPDATE)
            _mark_case(uow, s, t.case_id, t.reason, t.serial)


def get(ctx: ServiceContext, transfer_id: int) -> CriminalTransfer:
    """The transfer with its team and organisations loaded (usable after the read)."""
    with ctx.read() as s:
        t = s.get(
            CriminalTransfer,
            transfer_id,
            options=[
                selectinload(CriminalTransfer.officers),
                selectinload(CriminalTransfer.police_org),
            ],
        )
        if t is None:
            raise NotFound(f"行刑衔接记录 {transfer_id} 不存在或已被删除。")
        return t


def load_input(ctx: ServiceContext, transfer_id: int) -> tuple[FlagInput, int]:
    t = get(ctx, transfer_id)
    data = FlagInput(
        source_type=t.source_type or "",
        source_id=t.source_id,
        title=t.title,
        reason=t.reason,
        case_id=t.case_id,
        note=t.note,
        flagged_at=t.flagged_at,
    )
    return data, t.version


# --- the team (art. 5) ------------------------------------------------------------------


def team_problem(members: list[Staff | None], ids: list[int]) -> str | None:
    if len(set(ids)) < MIN_TEAM:
        return (
            f"专案组应由{MIN_TEAM}名或者{MIN_TEAM}名以上行政执法人员组成"
            "（国务院令第310号第五条），请至少选择两人。"
        )
    for sid, person in zip(ids, members, strict=True):
        if person is None:
            return f"所选人员（{sid}）不存在，请重新选择。"
        if not person.active:
            return f"「{person.name}」已停用，不能作为专案组成员。"
        if not (person.certificate_number or "").strip():
            return f"「{person.name}」没有登记执法证号，不能作为专案组成员（行政执法人员须持证）。"
    return None


def set_team(
    ctx: ServiceContext,
    transfer_id: int,
    staff_ids: list[int],
    expected_version: int | None = None,
) -> None:
    """专案组: at least two active officers with an enforcement certificate; before the
    head's decision only (the report names them)."""
    ids = list(dict.fromkeys(int(i) for i in staff_ids))
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.FLAGGED, S.REPORTED), "调整专案组")
        check_version(t, expected_version)
        members = [s.get(Staff, sid) for sid in ids]
        problem = team_problem(members, ids)
        if problem:
            raise InvalidInput({"staff_ids": problem})
        if t.approver_id is not None and t.approver_id in ids:
            raise InvalidInput({"staff_ids": "审批负责人不能同时是专案组成员。"})
        before = snapshot(t)
        t.officers = [m for m in members if m is not None]
        if before["team"] != snapshot(t)["team"]:
            t.updated_at = clock.now()  # the row changes too: its version moves on
        record_change(uow, t, before, f"组成专案组：{snapshot(t)['team']}", AuditAction.UPDATE)


# --- materials (art. 6) -------------------------------------------------------------------


def add_material(
    ctx: ServiceContext,
    transfer_id: int,
    kind: MaterialKind | str,
    title: str,
    pages: int | None = None,
    copies: int = 1,
    file: Path | None = None,
    note: str | None = None,
) -> int:
    """One line of the transfer's materials, with its file copied into the data folder."""
    c = Checker()
    line = materials.check_line(c, kind, title, pages, copies)
    if line is not None and line.kind not in MATERIAL_KINDS:
        c.fail("kind", f"「{line.kind.label}」不是行刑衔接的移送材料类别")
    text = c.text("note", note, "备注", 2000)
    c.raise_if_any()
    assert line is not None
    with ctx.uow() as uow:
        t = load(uow.session, transfer_id)
        require(t, EDITABLE, "添加移送材料")
        return materials.add(uow, RECORD, t.id, t.serial, line, file, text, "移送材料")


def remove_material(ctx: ServiceContext, material_id: int) -> None:
    """Only before the transfer; its attachment goes with it."""
    with ctx.uow() as uow:
        s = uow.session
        m = s.get(Material, material_id)
        if m is None or m.record_type != RECORD.value:
            raise NotFound("该材料不存在或已被删除。")
        t = load(s, m.record_id)
        require(t, EDITABLE, "删除移送材料")
        materials.remove(uow, RECORD, t.serial, m, "移送材料")


def list_materials(ctx: ServiceContext, transfer_id: int) -> list[MaterialRow]:
    with ctx.read() as s:
        load(s, transfer_id)
        return materials.rows(s, RECORD, transfer_id)


def missing_materials(session: Session, t: CriminalTransfer) -> list[MaterialKind]:
    kinds = set(
        session.execute(
            select(Material.kind).where(
                Material.record_type == RECORD.value, Material.record_id == t.id
            )
        ).scalars()
    )
    return [k for k in REQUIRED_MATERIALS if k not in kinds and k.value not in kinds]


def is_leader(person: Staff | None) -> bool:
    return person is not None and person.active and person.role == StaffRole.LEADER
