"""导入已有台账 (issue 9, item 6): import a sheet of an office's Excel ledger into
one of the ledgers, with a column-mapping step, a preview and all-or-nothing.

The steps the GUI (and a headless command) follow:

1. :func:`read_sheet` — the sheets, the header row, the first rows;
2. :func:`recall_mapping` (the mapping confirmed last time for the same
   headers) or :func:`guess_mapping` (from the labels and synonyms of
   :data:`TARGETS`); the user confirms, :func:`remember_mapping` stores it;
3. :func:`preview_import` — how many rows are fine, the problems with their
   Excel row numbers, the duplicates; nothing written;
4. :func:`run_import` — one unit of work: any problem and nothing is written.

Remembered mappings are kept in the settings table under
``import_mapping:<target>:<hash of the headers>`` through the Setting model
directly: ``services.settings`` only knows its declared keys, and these are
not settings a user edits.

How each target sets status and dates: see :mod:`ledger_import_targets`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction
from desktop_app.domain.validators import ValidationError
from desktop_app.services import audit
from desktop_app.services import calendar as calendar_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.services.ledger_import_fields import ImportField, OrgCache, convert, norm
from desktop_app.services.ledger_import_sheet import SheetPreview, iter_sheet, read_sheet
from desktop_app.services.ledger_import_targets import (
    TARGETS,
    Prepared,
    SerialCounter,
    Target,
)
from desktop_app.storage.models import Setting

__all__ = [
    "TARGETS",
    "Duplicate",
    "ImportCancelled",
    "ImportPreview",
    "ImportResult",
    "RowProblem",
    "SheetPreview",
    "guess_mapping",
    "preview_import",
    "read_sheet",
    "recall_mapping",
    "remember_mapping",
    "run_import",
]

MAX_LISTED = 30
REPORT_EVERY = 200  # rows between two progress reports

Report = Callable[[int, int], None]  # (rows done, rows in all)
Cancelled = Callable[[], bool]


class ImportCancelled(ServiceError):
    """The user cancelled a running preview or import: nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消导入，未写入任何数据。")


def _tick(done: int, total: int, progress: Report | None, cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None and (done % REPORT_EVERY == 0 or done == total):
        progress(done, total)


Mapping = dict[int, str | None]


@dataclass(frozen=True)
class RowProblem:
    row_number: int  # as Excel numbers the row
    field: str | None  # the import field, None for the row as a whole
    message: str

    def __str__(self) -> str:
        return f"第{self.row_number}行：{self.message}"


class Duplicate(NamedTuple):
    row_number: int
    existing: str  # the serial of the record already there, or 「本文件第N行」


@dataclass
class ImportPreview:
    ok_rows: int
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int
    skipped_duplicates: int
    serials: list[str]


def _target(code: str) -> Target:
    found = TARGETS.get(code)
    if found is None:
        names = "、".join(t.label for t in TARGETS.values())
        raise InvalidInput({"target": f"无法导入到「{code}」：只能导入{names}台账"})
    return found


# --- mapping ------------------------------------------------------------------------------


def guess_mapping(target: str, headers: list[str]) -> Mapping:
    """Column index → field, from the field labels and synonyms; a field at most
    once. Exact matches (after folding) first, then a header containing a synonym
    (the longest wins); anything else None."""
    t = _target(target)
    exact = {norm(s): f.name for f in t.fields for s in f.synonyms}
    mapping: Mapping = dict.fromkeys(range(len(headers)))
    used: set[str] = set()
    for i, h in enumerate(headers):
        name = exact.get(norm(h))
        if name and name not in used:
            mapping[i] = name
            used.add(name)
    pairs = sorted(
        ((norm(s), f.name) for f in t.fields for s in f.synonyms), key=lambda p: -len(p[0])
    )
    for i, h in enumerate(headers):
        key = norm(h)
        if mapping[i] is not None or not key:
            continue
        for syn, name in pairs:
            if len(syn) >= 2 and syn in key and name not in used:
                mapping[i] = name
                used.add(name)
                break
    return mapping


def _mapping_key(target: str, headers: list[str]) -> str:
    digest = hashlib.sha256(json.dumps([norm(h) for h in headers]).encode()).hexdigest()
    return f"import_mapping:{target}:{digest[:16]}"


def _check_mapping(t: Target, mapping: Mapping) -> dict[str, int]:
    """field → column; refuses unknown fields, a field twice, a required field missing."""
    by_name = t.by_name
    problems: dict[str, str] = {}
    columns: dict[str, int] = {}
    for col, name in sorted(mapping.items()):
        if not name:
            continue
        if name not in by_name:
            problems[name] = f"「{t.label}」台账没有可导入的字段「{name}」"
        elif name in columns:
            problems[name] = f"「{by_name[name].label}」对应了多个列，请只保留一列"
        else:
            columns[name] = int(col)
    for f in t.fields:
        if f.required and f.name not in columns:
            problems[f.name] = f"请为「{f.label}」指定对应的列"
    if problems:
        raise InvalidInput(problems)
    return columns


def remember_mapping(
    ctx: ServiceContext, target: str, headers: list[str], mapping: Mapping
) -> None:
    """Keep the confirmed mapping for the next file with the same headers."""
    _check_mapping(_target(target), mapping)
    value = {
        "headers": list(headers),
        "mapping": {str(k): v for k, v in mapping.items() if v},
    }
    with ctx.uow() as uow:
        key = _mapping_key(target, headers)
        row = uow.session.get(Setting, key)
        if row is None:
            uow.session.add(Setting(key=key, value=value))
        else:
            row.value = value


def recall_mapping(ctx: ServiceContext, target: str, headers: list[str]) -> Mapping | None:
    """The mapping remembered for these headers, or None."""
    t = _target(target)
    with ctx.read() as s:
        row = s.get(Setting, _mapping_key(target, headers))
        stored = row.value if row is not None else None
    if not isinstance(stored, dict):
        return None
    names = t.by_name
    mapping: Mapping = dict.fromkeys(range(len(headers)))
    for k, v in (stored.get("mapping") or {}).items():
        if str(k).isdigit() and int(k) < len(headers) and v in names:
            mapping[int(k)] = v
    return mapping


# --- evaluation ---------------------------------------------------------------------------


@dataclass
class _Evaluated:
    sheet: str
    prepared: list[Prepared]
    problems: list[RowProblem]
    duplicates: list[Duplicate]


def _row_values(
    t: Target, columns: dict[str, int], cells: list[Any], orgs: OrgCache
) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = dict(t.defaults)
    problems: dict[str, str] = {}
    for name, col in columns.items():
        f: ImportField = t.by_name[name]
        try:
            values[name] = convert(f, cells[col] if col < len(cells) else None, orgs)
        except ValidationError as exc:
            problems[name] = f"「{f.label}」{exc}"
            values[name] = None
    return values, problems


def _evaluate(
    s: Session,
    t: Target,
    path: Path,
    sheet: str | None,
    mapping: Mapping,
    progress: Report | None = None,
    cancelled: Cancelled | None = None,
) -> _Evaluated:
    columns = _check_mapping(t, mapping)
    name, _headers, rows = iter_sheet(path, sheet)
    cal = calendar_service.load(s)
    orgs = OrgCache(s)
    prepared: list[Prepared] = []
    problems: list[RowProblem] = []
    for done, row in enumerate(rows, start=1):
        _tick(done, len(rows), progress, cancelled)
        values, found = _row_values(t, columns, row.cells, orgs)
        checked, more = t.check(s, {k: v for k, v in values.items() if k not in found}, cal)
        for fld, message in {**more, **found}.items():
            problems.append(RowProblem(row.excel_row, fld, message))
        if checked is not None and not found:
            checked.excel_row = row.excel_row
            prepared.append(checked)
    if not rows:
        problems.append(RowProblem(0, None, f"工作表「{name}」表头下面没有数据行"))
    existing = t.existing(s, [p.key for p in prepared])
    seen: dict[tuple[Any, ...], int] = {}
    duplicates: list[Duplicate] = []
    for p in prepared:
        if p.key in existing:
            duplicates.append(Duplicate(p.excel_row, existing[p.key]))
        elif p.key in seen:
            duplicates.append(Duplicate(p.excel_row, f"本文件第{seen[p.key]}行"))
        else:
            seen[p.key] = p.excel_row
    problems.sort(key=lambda p: p.row_number)
    return _Evaluated(name, prepared, problems, duplicates)


def preview_import(
    ctx: ServiceContext,
    target: str,
    path: Path,
    sheet: str | None,
    mapping: Mapping,
    *,
    progress: Report | None = None,
    cancelled: Cancelled | None = None,
) -> ImportPreview:
    """What :func:`run_import` would do; nothing is written. ``progress`` hears
    (rows checked, rows in all); ``cancelled`` returning True stops with
    :class:`ImportCancelled`."""
    t = _target(target)
    with ctx.read() as s:
        found = _evaluate(s, t, Path(path), sheet, mapping, progress, cancelled)
    dup_rows = {d.row_number for d in found.duplicates}
    ok = sum(1 for p in found.prepared if p.excel_row not in dup_rows)
    return ImportPreview(ok, found.problems, found.duplicates)


def _refuse(problems: list[RowProblem], what: str) -> InvalidInput:
    listed = {f"row{p.row_number}.{p.field or ''}.{i}": str(p) for i, p in enumerate(problems)}
    shown = dict(list(listed.items())[:MAX_LISTED])
    if len(listed) > MAX_LISTED:
        shown["more"] = f"……另有{len(listed) - MAX_LISTED}处问题"
    error = InvalidInput({"import": f"{what}，未导入任何数据：", **shown})
    return error


def run_import(
    ctx: ServiceContext,
    target: str,
    path: Path,
    sheet: str | None,
    mapping: Mapping,
    skip_duplicates: bool = True,
    *,
    progress: Report | None = None,
    cancelled: Cancelled | None = None,
) -> ImportResult:
    """Import every row in one unit of work, or nothing (InvalidInput listing the
    problems with their Excel row numbers). Duplicates are skipped, or with
    ``skip_duplicates=False`` refused like problems. Each record gets its
    creation entry in the audit trail; one more entry summarises the import.
    ``progress``/``cancelled`` as in :func:`preview_import`; a cancel rolls all back."""
    t = _target(target)
    path = Path(path)
    with ctx.uow() as uow:
        s = uow.session
        # progress runs twice: checking the rows, then storing them
        found = _evaluate(s, t, path, sheet, mapping, progress, cancelled)
        if found.problems:
            raise _refuse(found.problems, f"「{path.name}」中有{len(found.problems)}处问题")
        if found.duplicates and not skip_duplicates:
            dups = [
                RowProblem(d.row_number, None, f"与已有记录 {d.existing} 重复")
                for d in found.duplicates
            ]
            raise _refuse(dups, f"「{path.name}」中有{len(dups)}行与已有记录重复")
        dup_rows = {d.row_number for d in found.duplicates}
        cal = calendar_service.load(s)
        counter = SerialCounter(s, t.model)
        serials: list[str] = []
        for done, p in enumerate(found.prepared, start=1):
            _tick(done, len(found.prepared), progress, cancelled)
            if p.excel_row in dup_rows:
                continue
            record = t.build(p, cal)
            record.serial = counter.take(p.year)
            record.created_by_id = ctx.operator_id
            if t.claimed is not None:
                t.claimed(record)
            s.add(record)
            uow.flush()
            note = t.note(record, cal) if t.note else ""
            uow.audit(
                AuditAction.CREATE,
                t.record_type,
                record.id,
                f"{record.serial} 从台账导入（{path.name} 第{p.excel_row}行）{note}",
                after=audit.snapshot(record),
            )
            serials.append(record.serial)
        if cancelled is not None and cancelled():  # the last moment nothing is kept
            raise ImportCancelled()
        summary = (
            f"导入{t.label}台账「{path.name}」（工作表「{found.sheet}」）：新增{len(serials)}条，"
            f"跳过重复{len(dup_rows)}条"
        )
        if serials:
            summary += f"，编号 {serials[0]}—{serials[-1]}"
        uow.audit(
            AuditAction.IMPORT,
            t.record_type,
            None,
            summary,
            after={
                "file": path.name,
                "sheet": found.sheet,
                "created": len(serials),
                "skipped_duplicates": len(dup_rows),
                "serials": serials,
            },
        )
        return ImportResult(len(serials), len(dup_rows), serials)
