"""Reading and writing the penalty catalogue as a spreadsheet (no database here).

Official lists differ in layout: title rows, notes below the table, merged
cells, synonym and two-row headers. The column table is declared once and
used both ways, so an exported file reads back unchanged.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop_app.domain.validators import ValidationError, check_text, parse_date
from desktop_app.services.errors import ImportFailed, RowProblem, ServiceError
from desktop_app.services.xlsx_safe import protect


@dataclass(frozen=True)
class CatalogueColumn:
    """One column of the list: the field, the header we write, the headers we read."""

    field: str
    label: str
    width: int
    max_len: int
    also: str = ""  # other headers official lists use, separated by spaces

    @property
    def synonyms(self) -> tuple[str, ...]:
        return (self.label, *self.also.split())


# Declared once: the importer's synonym table and the exporter's layout.
COLUMNS: tuple[CatalogueColumn, ...] = (
    CatalogueColumn("seq", "序号", 6, 0),
    CatalogueColumn("code", "事项编码", 16, 64, "编码 事项代码 职权编码 处罚事项编码"),
    CatalogueColumn(
        "name", "事项名称", 40, 300, "职权名称 处罚事项 行政处罚事项名称 处罚事项名称 行政处罚事项"
    ),
    CatalogueColumn("legal_basis", "设定依据", 40, 20000),
    CatalogueColumn("implementing_basis", "实施依据", 40, 20000, "法律依据 依据"),
    CatalogueColumn(
        "department_name", "原行使部门", 22, 100, "行业主管部门 主管部门 原实施部门 原行使主体"
    ),
    CatalogueColumn("transferred", "是否划转", 8, 0, "划转乡镇 是否下放 是否划转乡镇"),
    CatalogueColumn("transferred_on", "划转时间", 12, 0, "划转日期 下放时间 下放日期"),
    CatalogueColumn("discretion", "自由裁量标准", 36, 20000, "裁量基准 自由裁量基准 裁量标准"),
    CatalogueColumn("note", "备注", 20, 20000),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
HEADER_SEARCH_ROWS = 20
_TEXT_FIELDS = tuple(c.field for c in COLUMNS if c.max_len)

_YES = frozenset({"是", "y", "yes", "√", "✓", "✔", "已划转", "划转", "已下放", "下放", "1", "true"})
_NO = frozenset({"否", "n", "no", "×", "✗", "✘", "x", "未划转", "不划转", "未下放", "不下放", "0"})
_NO |= {"false", "无"}
_NOTE_ROW = re.compile(r"^(?:(?:备\s*注|注|说\s*明)(?:\s*$|\s*[:：\d（(、.．\s])|填\s*表|制\s*表)")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def norm_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\(.*?\)", "", text)  # 划转时间（年月日） → 划转时间
    return re.sub(r"[\s*:：、]", "", text)


SYNONYMS = {norm_header(s): c.field for c in COLUMNS for s in c.synonyms}


@dataclass
class SheetRow:
    excel_row: int
    values: dict[str, Any]


@dataclass
class SheetTable:
    sheet: str
    header_row: int  # as Excel shows it
    first_row: int  # Excel number of rows[0]
    mapping: dict[int, str]  # column index → field
    labels: dict[str, str]  # field → the header as the file wrote it
    rows: list[list[Any]]


def read_table(path: Path) -> SheetTable:
    workbook = _open_workbook(path)
    for ws in workbook.worksheets:
        rows = _sheet_rows(ws)
        found = _find_header(rows)
        if found is None:
            continue
        header_index, data_start, mapping = found
        labels = {}
        for col, fld in mapping.items():
            text = rows[header_index][col]
            if data_start - 1 > header_index:  # two-row header: the lower row names it
                lower = rows[data_start - 1][col]
                if isinstance(lower, str) and norm_header(lower) in SYNONYMS:
                    text = lower
            labels[fld] = re.sub(r"\s", "", str(text))
        return SheetTable(
            ws.title, header_index + 1, data_start + 1, mapping, labels, rows[data_start:]
        )
    names = "、".join(f"「{s}」" for s in COLUMN_BY_FIELD["name"].synonyms[:4])
    others = "、".join(f"「{c.label}」" for c in COLUMNS if c.field not in {"name", "seq"})
    raise ServiceError(
        f"在「{path.name}」中没有找到表头行。需要在某个工作表的前{HEADER_SEARCH_ROWS}行中"
        f"有一行包含事项名称列（{names}），以及至少一个其他列，如{others}。"
    )


def _open_workbook(path: Path) -> Any:
    if not path.exists():
        raise ServiceError(f"找不到文件：{path}")
    if not path.is_file():
        raise ServiceError(f"「{path.name}」不是文件。")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError(f"无法读取「{path.name}」：{exc.strerror or exc}") from exc
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ServiceError(
                f"「{path.name}」设置了打开密码，无法读取。"
                "请在 Excel 或 WPS 中取消密码并另存为 .xlsx 后再导入。"
            )
        raise ServiceError(
            f"「{path.name}」是旧版 Excel（.xls）或 WPS 表格文件，"
            "请在 Excel 或 WPS 中另存为 .xlsx 格式后再导入。"
        )
    if not data.startswith(b"PK"):
        raise ServiceError(f"「{path.name}」不是 .xlsx 格式的 Excel 文件，无法导入。")
    import openpyxl  # here, not at the top: the referral pages import this module

    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise ServiceError(
            f"「{path.name}」已损坏或不是有效的 .xlsx 文件，无法读取。"
            "请在 Excel 或 WPS 中打开后重新另存为 .xlsx 再导入。"
        ) from exc


def _sheet_rows(ws: Any) -> list[list[Any]]:
    """All cell values; a merged range repeats its value in every cell it covers
    (official lists merge a department cell over several rows)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        if rng.min_row > len(rows) or rng.min_col > len(rows[rng.min_row - 1]):
            continue
        value = rows[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(rows[r]))):
                rows[r][c] = value
    return rows


def _header_cells(row: list[Any]) -> dict[int, str]:
    return {
        i: SYNONYMS[norm_header(v)]
        for i, v in enumerate(row)
        if isinstance(v, str) and norm_header(v) in SYNONYMS
    }


def _find_header(rows: list[list[Any]]) -> tuple[int, int, dict[int, str]] | None:
    """(header index, first data index, column → field); the header may span
    two rows (划转情况 over 是否划转 | 划转时间)."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = _header_cells(row)
        if "name" not in cells.values() or len(set(cells.values())) < 2:
            continue
        data_start = i + 1
        if data_start < len(rows):
            below = rows[data_start]
            sub = _header_cells(below)
            if sub and len(sub) == sum(1 for v in below if not _blank(v)):
                cells.update(sub)
                data_start += 1
        mapping: dict[int, str] = {}
        for col in sorted(cells):
            if cells[col] not in mapping.values():
                mapping[col] = cells[col]
        return i, data_start, mapping
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_note(value: Any) -> bool:
    return isinstance(value, str) and bool(
        _NOTE_ROW.match(unicodedata.normalize("NFKC", value).strip())
    )


def parse_rows(table: SheetTable) -> list[SheetRow]:
    """Rows up to the first empty or notes row (备注：…); problems of every row at once."""
    problems: list[RowProblem] = []
    parsed: list[SheetRow] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    gap: int | None = None
    seq_cols = {c for c, f in table.mapping.items() if f == "seq"}  # pre-numbered empty rows
    for index, row in enumerate(table.rows):
        excel_row = table.first_row + index
        filled = [v for c, v in enumerate(row) if c not in seq_cols and not _blank(v)]
        if filled and _is_note(filled[0]):
            break
        if gap is not None:
            cells = [row[c] for c in table.mapping if c < len(row)]
            if sum(not _blank(v) for v in cells) >= 2:  # data after a gap: do not drop it
                problems.append(
                    RowProblem(
                        excel_row,
                        f"表格第{gap}行是空行，但空行之后仍有事项数据。"
                        "请删除表格中间的空行后重新导入。",
                    )
                )
                break
            continue
        if not filled:
            gap = excel_row
            continue
        if all(isinstance(v, str) and norm_header(v) in SYNONYMS for v in filled):
            continue  # the header repeated (a list printed over several pages)
        cells_by_field = {f: (row[c] if c < len(row) else None) for c, f in table.mapping.items()}
        values = _parse_row(cells_by_field, table.labels, excel_row, problems)
        if values is None:
            continue
        code, name = values["code"], values["name"]
        if code and code in seen_codes:
            problems.append(
                RowProblem(excel_row, f"事项编码「{code}」与第{seen_codes[code]}行重复")
            )
        elif not code and name in seen_names:
            problems.append(
                RowProblem(
                    excel_row,
                    f"事项名称与第{seen_names[name]}行相同，且两行都没有事项编码，无法区分",
                )
            )
        else:
            if code:
                seen_codes[code] = excel_row
            else:
                seen_names[name] = excel_row
            parsed.append(SheetRow(excel_row, values))
    if problems:
        raise ImportFailed(problems)
    return parsed


def _parse_row(
    cells: dict[str, Any], labels: dict[str, str], excel_row: int, problems: list[RowProblem]
) -> dict[str, Any] | None:
    found: list[str] = []
    values: dict[str, Any] = {"seq": _cell_int(cells.get("seq"))}
    for fld in _TEXT_FIELDS:
        col = COLUMN_BY_FIELD[fld]
        label = labels.get(fld, col.label)
        try:
            text = check_text(
                _cell_text(cells.get(fld)), label, max_len=col.max_len, required=fld == "name"
            )
        except ValidationError as exc:
            found.append(str(exc))
            text = ""
        values[fld] = text or None
    flag: bool | None = None
    raw_flag = cells.get("transferred")
    if not _blank(raw_flag):
        flag = _cell_bool(raw_flag)
        if flag is None:
            found.append(
                f"「{labels.get('transferred', '是否划转')}」的值「{_cell_text(raw_flag).strip()}」"
                "无法识别，请填写“是”或“否”"
            )
    on: date | None = None
    try:
        on = _cell_date(cells.get("transferred_on"))
    except ValidationError as exc:
        found.append(f"「{labels.get('transferred_on', '划转时间')}」填写有误：{exc}")
    if on is not None and flag is False:
        found.append("划转时间与是否划转矛盾：“是否划转”填的是“否”，却填写了划转时间")
    values["transferred"] = bool(flag) or (on is not None and flag is None)
    values["transferred_on"] = on
    problems.extend(RowProblem(excel_row, message) for message in found)
    return None if found else values


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _cell_int(value: Any) -> int | None:
    text = unicodedata.normalize("NFKC", _cell_text(value)).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _cell_bool(value: Any) -> bool | None:
    """是/否 and its many spellings; ``None`` when it cannot be read."""
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", _cell_text(value)).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _cell_date(value: Any) -> date | None:
    """A real date cell, an Excel serial number, or text parse_date reads."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000_000 <= value <= 99_999_999 and float(value).is_integer():
            return parse_date(str(int(value)))  # 20210715 typed as a number
        if 1 <= value < 100_000:
            from openpyxl.utils.datetime import from_excel

            result = from_excel(value)
            if isinstance(result, datetime):
                return result.date()
        raise ValidationError(f"无法识别的日期「{_cell_text(value)}」")
    if not isinstance(value, str):
        raise ValidationError(f"无法识别的日期「{value}」")
    text = re.sub(r"\s+\d{1,2}:\d{2}(?::\d{2})?$", "", value.strip())  # "2021-07-15 00:00:00"
    return parse_date(text)


def build_workbook(title: str, subtitle: str, rows: list[list[Any]]) -> Any:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "行政处罚事项清单"
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    protect(ws["A1"])  # the title comes from the settings
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.append([subtitle])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="right")
    ws.append([c.label for c in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    wrap = Alignment(vertical="top", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    narrow = {"seq", "transferred", "transferred_on"}
    for values in rows:
        ws.append(values)
        for col, cell in zip(COLUMNS, ws[ws.max_row], strict=True):
            protect(cell)  # text typed as =… or +… stays text
            cell.alignment = centre if col.field in narrow else wrap
            cell.border = border
            if col.field == "transferred_on":
                cell.number_format = "yyyy-mm-dd"
    for index, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = col.width * 2 + 2
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook
