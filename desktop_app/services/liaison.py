"""The liaison directory (联络人名单) of the joint-enforcement consultation mechanism.

Seed 三（四）: the township and the county departments each name a liaison
(联合执法联络人) who handles the contact work. Each organisation keeps one
named contact and phone in its settings; this module lists them in the
directory's order, finds who has none, and writes the list as an .xlsx and
as a printable A4 sheet. The sheet is a working list, not an official
letter: it has no document number and is not entered in the register.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from sqlalchemy import select

from desktop_app.documents.render import Rendered, render
from desktop_app.documents.template import FieldSpec, TableSpec, Template
from desktop_app.domain.clock import today
from desktop_app.domain.terms import OrgKind
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import RuleViolation, ServiceError
from desktop_app.services.letters import cn_date
from desktop_app.services.xlsx_safe import protect
from desktop_app.storage.models import Organisation

TITLE = "联合执法协商联络人名单"
HEADERS = ("序号", "单位", "联络人", "联系电话", "备注")
NO_LIAISON = "未指定联络人"
NO_PHONE = "缺联系电话"
XLSX_WIDTHS = (6, 44, 14, 18, 16)  # Excel character units; a Chinese character is about 2
PDF_COLUMNS_MM = (14.0, 59.0, 25.0, 38.0, 20.0)  # the type area's 156 mm; a phone on one line


@dataclass(frozen=True)
class LiaisonRow:
    org_id: int
    name: str
    short_name: str | None
    kind_label: str
    liaison_name: str
    liaison_phone: str
    missing: bool  # no liaison named, or no phone
    level: int = 0  # 1 for an internal unit listed under its parent
    active: bool = True

    @property
    def note(self) -> str:
        """备注: what is missing, in the words the list prints."""
        parts = []
        if not self.liaison_name:
            parts.append(NO_LIAISON)
        if not self.liaison_phone:
            parts.append(NO_PHONE)
        if not self.active:
            parts.append("已停用")
        return "、".join(parts)


def _row(org: Organisation, level: int) -> LiaisonRow:
    name = (org.liaison_name or "").strip()
    phone = (org.liaison_phone or "").strip()
    return LiaisonRow(
        org_id=org.id,
        name=org.name,
        short_name=org.short_name,
        kind_label=OrgKind.label_of(org.kind),
        liaison_name=name,
        liaison_phone=phone,
        missing=not name or not phone,
        level=level,
        active=bool(org.active),
    )


def rows(ctx: ServiceContext, include_inactive: bool = False) -> list[LiaisonRow]:
    """Every organisation in the directory's order (sort order, then id), each
    internal unit (内设机构/派出机构) right under its parent. A unit whose parent
    is not listed (inactive, deleted) keeps its own place in the order."""
    with ctx.read() as s:
        q = select(Organisation).order_by(Organisation.sort_order, Organisation.id)
        if not include_inactive:
            q = q.where(Organisation.active.is_(True))
        orgs = list(s.execute(q).scalars())
    listed = {o.id for o in orgs}
    children: dict[int, list[Organisation]] = {}
    for o in orgs:
        if o.parent_id in listed and o.parent_id != o.id:
            children.setdefault(o.parent_id, []).append(o)
    out: list[LiaisonRow] = []
    seen: set[int] = set()

    def add(org: Organisation, level: int) -> None:
        if org.id in seen:
            return
        seen.add(org.id)
        out.append(_row(org, min(level, 1)))
        for child in children.get(org.id, []):
            add(child, level + 1)

    for o in orgs:
        if o.parent_id not in listed or o.parent_id == o.id:
            add(o, 0)
    for o in orgs:  # a loop of parents (A under B under A): still listed, never lost
        add(o, 0)
    return out


def missing(ctx: ServiceContext) -> list[LiaisonRow]:
    """Active organisations with no liaison named or no phone (the GUI warns about them)."""
    return [r for r in rows(ctx) if r.missing]


def missing_message(found: list[LiaisonRow]) -> str:
    """One Chinese line naming the organisations without a complete liaison entry."""
    if not found:
        return ""
    names = "、".join(f"{r.name}（{r.note}）" for r in found)
    return f"以下{len(found)}个单位的联络人信息不全，请在“设置 → 单位”中补充：{names}"


def _township(ctx: ServiceContext) -> str:
    conf = settings_service.get_all(ctx)
    town_id = conf.get("township_org_id")
    if town_id:
        with ctx.read() as s:
            town = s.get(Organisation, int(town_id))
            if town is not None:
                return town.name
    return f"{conf.get('county_name') or ''}{conf.get('township_name') or ''}人民政府"


def as_of_line(on: date) -> str:
    return f"（截至{cn_date(on)}）"


# --- writing files --------------------------------------------------------------------------


def _check_target(path: Path, suffix: str, overwrite: bool) -> Path:
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise RuleViolation(f"导出的文件名应以 {suffix} 结尾：{path.name}")
    if path.exists() and not overwrite:
        raise RuleViolation(f"文件「{path}」已存在，未覆盖。请换一个文件名，或确认覆盖原文件。")
    if path.exists() and not path.is_file():
        raise RuleViolation(f"「{path}」是文件夹，不能作为导出文件。")
    if not path.parent.is_dir():
        raise ServiceError(f"文件夹不存在：{path.parent}")
    return path


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside ``path`` and move it into place: an
    error (or a power cut) never leaves half a file under the real name."""
    fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise ServiceError(
            f"无法写入「{path.name}」：文件可能正在被其他程序打开，请关闭后重试。"
        ) from exc
    except OSError as exc:
        raise ServiceError(f"保存「{path.name}」失败：{exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _clean(text: str) -> str:
    """Text a spreadsheet cell accepts (control characters dropped)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def build_workbook(found: list[LiaisonRow], on: date) -> Workbook:
    workbook = Workbook()
    ws: Any = workbook.active
    ws.title = "联络人名单"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    last = "E"
    ws.append([TITLE])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.append([as_of_line(on)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.append(list(HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    ws.row_dimensions[3].height = 22
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, r in enumerate(found, start=1):
        ws.append(
            [
                n,
                _clean(r.name),
                _clean(r.liaison_name),
                _clean(r.liaison_phone),
                _clean(r.note) if r.note else None,
            ]
        )
        cells = ws[ws.max_row]
        for index, cell in enumerate(cells):
            protect(cell)  # a name typed as =… or +… stays text
            cell.border = border
            cell.alignment = (
                centre
                if index in (0, 2, 3)
                else Alignment(vertical="center", wrap_text=True, indent=r.level)
            )
        phone = cells[3]
        phone.data_type = "s"  # a phone number is text: 0311-… keeps its leading zero
        phone.number_format = "@"
        if r.missing:
            cells[4].font = Font(color="C00000")
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[chr(ord("A") + index - 1)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return workbook


def export_xlsx(
    ctx: ServiceContext, path: Path, *, overwrite: bool = False, on: date | None = None
) -> Path:
    """The active organisations' liaisons as an .xlsx; refuses to replace a file
    unless ``overwrite``. Returns the path written."""
    path = _check_target(path, ".xlsx", overwrite)
    workbook = build_workbook(rows(ctx), on or today())
    _write_atomically(path, lambda tmp: workbook.save(tmp))
    return path


# --- the printable sheet --------------------------------------------------------------------

_SHEET_TEMPLATE = Template(
    code="liaison_directory",
    name=TITLE,
    layout="form",
    fields={
        "township": FieldSpec("township", "本乡镇"),
        "as_of": FieldSpec("as_of", "截至日期"),
        "rows": FieldSpec("rows", "联络人", "rows"),
    },
    blocks=(),
    numbered=False,
    number_code="",
    table=TableSpec(
        columns=PDF_COLUMNS_MM,
        rows=(
            (
                {"text": "{township}", "span": 3},
                {"text": "{as_of}", "span": 2, "align": "right"},
            ),
        ),
        items="rows",
        item_headers=HEADERS,
        item_keys=("seq", "name", "liaison", "phone", "note"),
    ),
)


def contact_sheet(ctx: ServiceContext, on: date | None = None) -> Rendered:
    """The list laid out on A4 by the letters' form engine (ruled table, bundled
    or office fonts embedded, header row repeated on every page)."""
    found = rows(ctx)
    values: dict[str, Any] = {
        "township": _township(ctx),
        "as_of": as_of_line(on or today()),
        "rows": [
            {
                "name": r.name,
                "liaison": r.liaison_name,
                "phone": r.liaison_phone,
                "note": r.note,
            }
            for r in found
        ],
    }
    return render(_SHEET_TEMPLATE, values, None, author=str(values["township"]))


def contact_sheet_pdf(ctx: ServiceContext, on: date | None = None) -> bytes:
    return contact_sheet(ctx, on).pdf


def export_pdf(
    ctx: ServiceContext, path: Path, *, overwrite: bool = False, on: date | None = None
) -> Rendered:
    """Save the printable sheet; the same refusal to overwrite as the .xlsx."""
    path = _check_target(path, ".pdf", overwrite)
    rendered = contact_sheet(ctx, on)
    _write_atomically(path, lambda tmp: tmp.write_bytes(rendered.pdf))
    return rendered
