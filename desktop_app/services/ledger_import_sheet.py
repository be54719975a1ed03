"""Reading an existing Excel ledger (台账) for import: the workbook, the header row,
the data rows and the cell values (no database here).

Offices' ledgers start with a title row (often merged across the table, e.g.
「赵八镇2025年案件移送台账」) and sometimes a line such as 「填报单位：…」; the
header is the first row with at least three non-empty text cells. The workbook
is opened read-only (a ledger of years may be large); in that mode openpyxl
does not expand merged cells, so a merged title is one cell (which is what the
header search wants). Ledgers often merge a cell down over the rows of one day
or one department (「日期」 merged over three rows): :func:`_vertical_merges`
reads the sheet's merge list from the file and the value is carried down into
each covered data row (in the range's first column; a range merged across
columns too is not spread sideways, where it would land in another field).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel

from desktop_app.domain.validators import ValidationError, parse_date
from desktop_app.services.errors import InvalidInput

HEADER_SEARCH_ROWS = 20
PREVIEW_ROWS = 20
MIN_HEADER_CELLS = 3
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOTE_ROW = re.compile(r"^(?:(?:备\s*注|注|说\s*明)(?:\s*$|\s*[:：\d（(、.．\s])|填\s*表|制\s*表)")
_TIME_TAIL = re.compile(r"^(.*?)[\sT]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
_CN_TIME_TAIL = re.compile(r"^(.*?日)\s*(\d{1,2})[时点:：](?:(\d{1,2})分?)?$")


@dataclass
class SheetPreview:
    sheets: list[str]
    sheet: str
    header_row: int  # as Excel numbers it (1-based)
    headers: list[str]
    rows: list[list[Any]]  # the first PREVIEW_ROWS data rows
    total_rows: int  # data rows (blank rows not counted)


@dataclass
class DataRow:
    excel_row: int
    cells: list[Any]


def _bad(message: str) -> InvalidInput:
    return InvalidInput({"file": message})


def open_workbook(path: Path) -> Any:
    """The workbook, read-only; a clear Chinese message for what is not an .xlsx."""
    path = Path(path)
    if not path.is_file():
        raise _bad(f"找不到文件：{path}")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _bad(f"无法读取「{path.name}」：{exc.strerror or exc}") from exc
    if not head:
        raise _bad(f"「{path.name}」是空文件，无法导入。")
    if head.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in path.read_bytes():
            raise _bad(
                f"「{path.name}」设置了打开密码，无法读取。"
                "请在 Excel 或 WPS 中取消密码并另存为 .xlsx 后再导入。"
            )
        raise _bad(
            f"「{path.name}」是旧版 Excel（.xls）或 WPS 表格文件，"
            "请在 Excel 或 WPS 中另存为 .xlsx 格式后再导入。"
        )
    if not head.startswith(b"PK") or not zipfile.is_zipfile(path):
        raise _bad(f"「{path.name}」不是 .xlsx 格式的 Excel 文件，无法导入。")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise _bad(
            f"「{path.name}」已损坏或不是有效的 .xlsx 文件，无法读取。"
            "请在 Excel 或 WPS 中打开后重新另存为 .xlsx 再导入。"
        ) from exc


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_note(value: Any) -> bool:
    return isinstance(value, str) and bool(
        _NOTE_ROW.match(unicodedata.normalize("NFKC", value).strip())
    )


def _worksheet(workbook: Any, path: Path, sheet: str | None) -> Any:
    names = list(workbook.sheetnames)
    if not names:
        raise _bad(f"「{path.name}」中没有工作表。")
    if sheet is None:
        return workbook[names[0]]
    if sheet not in names:
        listed = "、".join(f"「{n}」" for n in names)
        raise _bad(f"「{path.name}」中没有名为「{sheet}」的工作表（有：{listed}）。")
    return workbook[sheet]


def _locate(ws: Any, path: Path) -> tuple[int, list[str], Iterator[tuple[int, list[Any]]]]:
    """(header row number, headers, the rows after it as (excel row, values))."""
    rows = enumerate(ws.iter_rows(values_only=True), start=1)
    seen_any = False
    for number, values in rows:
        cells = list(values)
        seen_any = seen_any or any(not blank(v) for v in cells)
        if sum(_is_text(v) for v in cells) >= MIN_HEADER_CELLS:
            while cells and blank(cells[-1]):
                cells.pop()
            headers = [header_text(v) for v in cells]
            return number, headers, ((n, list(v)) for n, v in rows)
        if number >= HEADER_SEARCH_ROWS:
            break
    if not seen_any:
        raise _bad(f"工作表「{ws.title}」是空的，没有可导入的数据。")
    raise _bad(
        f"在工作表「{ws.title}」的前{HEADER_SEARCH_ROWS}行中没有找到表头行"
        f"（至少{MIN_HEADER_CELLS}个填有文字的列名，如「序号」「信息名称」「形成日期」）。"
    )


_MERGE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
Merges = dict[tuple[int, int], int]  # (row, column) covered → last row of its range


def _merge_refs(ws: Any) -> list[str]:
    """The merged ranges of the sheet ("A5:A7"), also from a read-only worksheet."""
    if hasattr(ws, "merged_cells"):
        return [str(r) for r in ws.merged_cells.ranges]
    archive, member = getattr(ws.parent, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or member is None:
        return []
    refs: list[str] = []
    with archive.open(member) as fh:
        for _event, element in ElementTree.iterparse(fh):
            if element.tag == _MERGE_TAG:
                refs.append(element.get("ref", ""))
            element.clear()
    return refs


def _vertical_merges(ws: Any) -> Merges:
    """The first cell of each range merged over several rows → its last row."""
    found: Merges = {}
    for ref in _merge_refs(ws):
        try:
            min_col, min_row, _max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if min_col and min_row and max_row and max_row > min_row:
            found[(min_row, min_col - 1)] = max_row
    return found


def header_text(value: Any) -> str:
    return "" if value is None else re.sub(r"\s+", "", str(value))


def data_rows(
    headers: list[str], rows: Iterator[tuple[int, list[Any]]], merges: Merges | None = None
) -> Iterator[DataRow]:
    """The data rows: blank rows skipped, the header repeated (a ledger printed
    over several pages) skipped, stops at a notes row (备注：…, 填表人：…); a value
    merged down over several rows is given to each of them."""
    width = len(headers)
    starts: dict[int, list[tuple[int, int]]] = {}  # row → [(column, last row)]
    for (row, col), last in (merges or {}).items():
        if col < width:
            starts.setdefault(row, []).append((col, last))
    carried: dict[int, tuple[int, Any]] = {}  # column → (last row, value)
    for number, values in rows:
        cells = (values + [None] * width)[:width]
        for col, last in starts.get(number, ()):
            carried[col] = (last, cells[col])
        filled = [v for v in cells if not blank(v)]
        if not filled:  # a blank row, even inside a merged range, is not a record
            continue
        for col, (last, value) in list(carried.items()):
            if number > last:
                del carried[col]
            elif blank(cells[col]):
                cells[col] = value
        if _is_note(filled[0]) and len(filled) <= 2:
            break
        if [header_text(v) for v in cells] == headers:
            continue
        yield DataRow(number, cells)


def read_sheet(path: Path, sheet: str | None = None) -> SheetPreview:
    """The sheets of the workbook, the header of ``sheet`` (default the first) and
    its first data rows, for the mapping step."""
    path = Path(path)
    workbook = open_workbook(path)
    try:
        ws = _worksheet(workbook, path, sheet)
        header_row, headers, rest = _locate(ws, path)
        first: list[list[Any]] = []
        total = 0
        for row in data_rows(headers, rest, _vertical_merges(ws)):
            if total < PREVIEW_ROWS:
                first.append(row.cells)
            total += 1
        return SheetPreview(list(workbook.sheetnames), ws.title, header_row, headers, first, total)
    finally:
        workbook.close()


def iter_sheet(path: Path, sheet: str | None) -> tuple[str, list[str], list[DataRow]]:
    """(sheet name, headers, every data row) for the import itself."""
    path = Path(path)
    workbook = open_workbook(path)
    try:
        ws = _worksheet(workbook, path, sheet)
        _, headers, rest = _locate(ws, path)
        return ws.title, headers, list(data_rows(headers, rest, _vertical_merges(ws)))
    finally:
        workbook.close()


# --- cell values ------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value: Any) -> date | None:
    """A real date cell, an Excel serial number, or 2025-03-04, 2025/3/4,
    2025年3月4日, 2025.3.4, 20250304 (a time after the date is ignored)."""
    moment = cell_moment(value)
    return moment.date() if moment is not None else None


def cell_moment(value: Any) -> datetime | None:
    """Like :func:`cell_date`, keeping a time of day when there is one (else 00:00)."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000_000 <= value <= 99_999_999 and float(value).is_integer():
            return datetime.combine(parse_date(str(int(value))), time())
        if 1 <= value < 100_000:
            result = from_excel(value)
            if isinstance(result, datetime):
                return result.replace(microsecond=0)
            if isinstance(result, date):
                return datetime.combine(result, time())
        raise ValidationError(f"无法识别的日期「{cell_text(value)}」")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    at = time()
    m = _TIME_TAIL.match(text) or _CN_TIME_TAIL.match(text)
    if m:
        text = m.group(1).strip()
        hour, minute = int(m.group(2)), int(m.group(3) or 0)
        second = int(m.group(4)) if m.re is _TIME_TAIL and m.group(4) else 0
        if hour > 23 or minute > 59 or second > 59:
            raise ValidationError(f"无法识别的时间「{value}」")
        at = time(hour, minute, second)
    return datetime.combine(parse_date(text), at)


_YES = frozenset({"是", "y", "yes", "√", "✓", "✔", "1", "true", "紧急", "急"})
_NO = frozenset({"否", "n", "no", "×", "✗", "x", "0", "false", "不紧急", "一般", "无"})


def cell_bool(value: Any) -> bool | None:
    """是/否 and its spellings; raises on anything else."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(f"「{cell_text(value)}」无法识别，请填写“是”或“否”")
