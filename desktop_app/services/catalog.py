"""The responsibility boundary list (职责边界清单): the penalty catalogue.

Seed 二 divides jurisdiction between the township and the county departments
"以清单形式逐项界定"; SPEC §0 turns that into: import and export the official
list as .xlsx (all or nothing), and a look-up "who has jurisdiction over
this?" that every referral and complaint form uses.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, or_, select

from desktop_app.domain.clock import now, today
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import scope, settings
from desktop_app.services.catalog_sheet import (
    build_workbook,
    parse_rows,
    read_table,
)
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.services.organisations import match_name
from desktop_app.storage.models import Organisation, PenaltyMatter

# --- import -------------------------------------------------------------------


@dataclass
class ImportReport:
    file_name: str
    sheet: str
    header_row: int
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    unmatched_departments: list[str] = field(default_factory=list)

    def message(self) -> str:
        text = (
            f"已导入「{self.file_name}」（工作表「{self.sheet}」）：共{self.rows}项，"
            f"新增{self.created}项，更新{self.updated}项，未变{self.unchanged}项"
        )
        if self.deactivated:
            text += f"，停用{self.deactivated}项"
        if self.unmatched_departments:
            text += "。以下部门未在单位名录中找到：" + "、".join(self.unmatched_departments)
        return text + "。"


def import_catalogue(ctx: ServiceContext, path: Path, *, replace: bool = False) -> ImportReport:
    """Read an official list (.xlsx) and write it as one unit of work.

    Any bad row aborts everything (:class:`ImportFailed` lists them all).
    Existing matters are matched by code, else by exact name, and updated;
    columns the file does not have are left as they are. ``replace=True``
    deactivates matters the file does not list (records may refer to them).
    """
    ctx.require_admin("导入职责清单")
    path = Path(path)
    table = read_table(path)
    report = ImportReport(file_name=path.name, sheet=table.sheet, header_row=table.header_row)
    parsed = parse_rows(table)
    if not parsed:
        raise ServiceError(
            f"工作表「{table.sheet}」第{table.header_row}行是表头，但下面没有任何事项数据，未导入。"
        )
    # Columns the file lacks are left alone on update; a date implies 是否划转.
    present = set(table.mapping.values()) | {"active"}
    if "transferred_on" in present:
        present.add("transferred")
    if "department_name" in present:
        present.add("department_id")
    with ctx.uow() as uow:
        s = uow.session
        existing = list(s.execute(select(PenaltyMatter).order_by(PenaltyMatter.id)).scalars())
        by_code: dict[str, PenaltyMatter] = {}
        by_name: dict[str, list[PenaltyMatter]] = {}
        for m in existing:
            if m.code:
                by_code.setdefault(m.code, m)
            by_name.setdefault(m.name, []).append(m)
        orgs: dict[str, Organisation | None] = {}
        claimed: set[int] = set()
        unmatched: dict[str, None] = {}
        for row in parsed:
            values = dict(row.values, active=True, department_id=None)
            dept = values["department_name"]
            if dept:
                key = re.sub(r"\s", "", unicodedata.normalize("NFKC", dept))
                if key not in orgs:
                    orgs[key] = match_name(s, key)
                org = orgs[key]
                if org is None:
                    unmatched[dept] = None
                else:
                    values["department_id"] = org.id
            matter = _find_existing(values, by_code, by_name, claimed)
            if matter is None:
                s.add(PenaltyMatter(**values))
                report.created += 1
                continue
            claimed.add(matter.id)
            changed = False
            for key, value in values.items():
                if key in present and getattr(matter, key) != value:
                    setattr(matter, key, value)
                    changed = True
            if not matter.transferred and matter.transferred_on is not None:
                matter.transferred_on = None  # only 是否划转 given, and it says 否
                changed = True
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        if replace:
            for m in existing:
                if m.id not in claimed and m.active:
                    m.active = False
                    report.deactivated += 1
        report.rows = len(parsed)
        report.unmatched_departments = list(unmatched)
        uow.flush()
        uow.audit(
            AuditAction.IMPORT,
            RecordType.PENALTY_MATTER,
            None,
            report.message(),
            after={**asdict(report), "replace": replace},
        )
    return report


def _find_existing(
    values: dict[str, Any],
    by_code: dict[str, PenaltyMatter],
    by_name: dict[str, list[PenaltyMatter]],
    claimed: set[int],
) -> PenaltyMatter | None:
    code = values["code"]
    if code:
        hit = by_code.get(code)
        if hit is not None:
            return hit if hit.id not in claimed else None
        # A list without codes imported earlier: the same name gains its code.
        same = [m for m in by_name.get(values["name"], []) if not m.code]
    else:
        same = sorted(by_name.get(values["name"], []), key=lambda m: bool(m.code))
    return next((m for m in same if m.id not in claimed), None)


# --- export -------------------------------------------------------------------


def export_catalogue(ctx: ServiceContext, path: Path, *, overwrite: bool = False) -> int:
    """Write the active matters as an .xlsx the importer reads back unchanged.

    Written to a temporary file in the same folder and moved into place, so a
    power cut never leaves half a file. Returns the number of matters.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ServiceError("导出的文件名应以 .xlsx 结尾。")
    if path.exists() and not overwrite:
        raise ServiceError(f"文件「{path.name}」已存在，未覆盖。请换一个文件名，或确认覆盖原文件。")
    if not path.parent.is_dir():
        raise ServiceError(f"文件夹不存在：{path.parent}")
    conf = settings.get_all(ctx)
    with ctx.read() as s:
        org_names = {i: n for i, n in s.execute(select(Organisation.id, Organisation.name))}
        matters = list(
            s.execute(
                select(PenaltyMatter)
                .where(PenaltyMatter.active.is_(True))
                .order_by(PenaltyMatter.seq.is_(None), PenaltyMatter.seq, PenaltyMatter.id)
            ).scalars()
        )
        rows = [
            [
                m.seq,
                m.code,
                m.name,
                m.legal_basis,
                m.implementing_basis,
                m.department_name or org_names.get(m.department_id or 0),
                "是" if m.transferred else "否",
                m.transferred_on,
                m.discretion,
                m.note,
            ]
            for m in matters
        ]
    title = f"{conf.get('county_name') or ''}{conf.get('township_name') or ''}行政处罚事项清单"
    subtitle = f"导出时间：{now():%Y-%m-%d %H:%M}　　共{len(rows)}项"
    workbook = build_workbook(title, subtitle, rows)
    fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        workbook.save(tmp)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise ServiceError(
            f"无法写入「{path.name}」：文件可能正在被 Excel 或 WPS 打开，请关闭后重试。"
        ) from exc
    except OSError as exc:
        raise ServiceError(f"保存「{path.name}」失败：{exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)


# --- look-up ------------------------------------------------------------------


@dataclass(frozen=True)
class JurisdictionHit:
    """A matter and who is competent for it on a given day (seed 二, 三（一）1–2)."""

    matter_id: int
    code: str | None
    name: str
    department_name: str | None
    department_id: int | None
    transferred: bool
    transferred_on: date | None
    competent_org_id: int | None
    competent_name: str
    reason: str
    by_township: bool


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def lookup(
    ctx: ServiceContext, keyword: str, on: date | None = None, limit: int = 20
) -> list[JurisdictionHit]:
    """ "Who has jurisdiction over this?" Every whitespace-separated part of the
    keyword must occur in the name, code or legal basis; name hits come first.
    ``on`` is the day the conduct was found (default today)."""
    parts = (keyword or "").split()
    if not parts:
        return []
    on = on or today()
    conf = settings.get_all(ctx)
    cols = (
        PenaltyMatter.name,
        PenaltyMatter.code,
        PenaltyMatter.legal_basis,
        PenaltyMatter.implementing_basis,
    )
    wanted = [or_(*(c.icontains(p, autoescape=True) for c in cols)) for p in parts]
    in_name = and_(*(PenaltyMatter.name.icontains(p, autoescape=True) for p in parts))
    query = (
        select(PenaltyMatter)
        .where(PenaltyMatter.active.is_(True), *wanted)
        .order_by(
            case((in_name, 0), else_=1),
            PenaltyMatter.seq.is_(None),
            PenaltyMatter.seq,
            PenaltyMatter.id,
        )
        .limit(max(1, limit))
    )
    with ctx.read() as s:
        matters = list(s.execute(query).scalars())
        org_ids = {m.department_id for m in matters if m.department_id}
        township_id = scope.acting_org_id(s)  # the logged-in account's, else the settings'
        if township_id:
            org_ids.add(township_id)
        query_names = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        names = {i: n for i, n in s.execute(query_names)}
        township_name = names.get(township_id or 0) or str(conf.get("township_name") or "本乡镇")
        return [_hit(m, on, township_id, township_name, names) for m in matters]


def _hit(
    m: PenaltyMatter, on: date, township_id: int | None, township: str, names: dict[int, str]
) -> JurisdictionHit:
    dept_id = m.department_id
    dept = (names.get(dept_id) if dept_id else None) or m.department_name
    dept_text = dept or "原行业主管部门（清单未填写）"
    if dept and not dept_id:
        dept_text += "（未在单位名录中找到，请核对）"
    by_township = m.transferred and (m.transferred_on is None or on >= m.transferred_on)
    if by_township and m.transferred_on is None:
        reason = f"该事项已划转乡镇（划转日期未填写），由{township}管辖"
    elif by_township and m.transferred_on is not None:
        reason = f"该事项于{_cn_date(m.transferred_on)}划转乡镇，由{township}管辖"
    elif m.transferred and m.transferred_on is not None:
        reason = (
            f"该事项划转日期为{_cn_date(m.transferred_on)}，发现时间（{_cn_date(on)}）早于划转，"
            f"仍由原部门{dept_text}管辖"
        )
    else:
        reason = f"该事项未划转，由{dept_text}管辖"
    return JurisdictionHit(
        matter_id=m.id,
        code=m.code,
        name=m.name,
        department_name=dept,
        department_id=dept_id,
        transferred=m.transferred,
        transferred_on=m.transferred_on,
        competent_org_id=township_id if by_township else dept_id,
        competent_name=township if by_township else (dept or "原行业主管部门"),
        reason=reason,
        by_township=by_township,
    )
