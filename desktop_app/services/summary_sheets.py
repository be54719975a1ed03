"""月度/年度汇总: writing the sheets (openpyxl write-only, rows streamed from SQL).

Ledger sheets take their columns from the ledger declarations
(:mod:`ledger_defs`); dates stay real date cells with a number format.

Every sheet is set up for printing on A4 as an office prints a ledger
(:func:`page_layout`): ledger sheets (and the 年度统计 sheet) landscape,
the 统计 sheet portrait; all columns on one page width, as many pages tall as
needed, the header row repeated on every page, centred, "第 N 页，共 M 页" in
the footer, the print area the written cells. Column widths are print widths
(:func:`print_chars`): a date or time column as wide as its value, text
columns narrower than on screen and wrapped, widened again when the sheet has
room to spare on the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.deadlines import is_end_of_day
from desktop_app.services import identity
from desktop_app.services.ledger_types import Col, Ledger
from desktop_app.services.summary_figures import (
    FEEDBACK_STEP,
    REPLY_STEP,
    SYSTEM_OF,
    TIMED_RULES,
    VERIFY_STEP,
    Figures,
    Timing,
)
from desktop_app.services.xlsx_safe import is_risky, protect
from desktop_app.storage.models import Complainant, Complaint

CHAR_WIDTH = 1.9  # Excel width units per Chinese character of 10 pt (13.3 px / 7 px)
DATE_FMT = "yyyy-mm-dd"
DATETIME_FMT = "yyyy-mm-dd hh:mm"
PERCENT_FMT = "0.0%"
CHART_ROWS = 20  # blank rows under a chart (10 cm)

# Printing (A4). Widths below are in Chinese characters of the 10-point body font.
PAPER_A4 = 9
FOOTER = "第 &P 页，共 &N 页"
CM = 1 / 2.54  # openpyxl page margins are in inches
LANDSCAPE_CHARS = 68  # what fits across A4 landscape between the margins at 100 %
DATETIME_CHARS = 8.0  # "2026-10-05 09:30"
DATE_CHARS = 5.0  # "2026-10-05"
SERIAL_CHARS = 5.5  # "移2025-0001"
NARROW_CAP = 6  # a text column declared narrower than LONG_TEXT prints this wide at most
LONG_TEXT = 20  # a text column declared this wide (matter, content, result) …
LONG_CAP = 10  # … prints this wide at most, wrapped
LINE_PT = 13.5  # height of one line of 10-point text
MAX_LINES = 12  # a row never grows taller than this many lines


def text_chars(text: str) -> float:
    """Width of ``text`` in Chinese characters (Latin letters and digits are half):
    from its UTF-8 length, as CJK characters take three bytes and ASCII one (an
    estimate, fast enough for every cell of a 100,000-record export)."""
    n = len(text)
    wide = (len(text.encode("utf-8")) - n) / 2
    return wide + 0.55 * (n - wide)


def lines_of(text: str, chars: float) -> int:
    """How many lines ``text`` wraps to in a column ``chars`` wide (an estimate)."""
    room = max(chars, 1.0)
    if len(text) <= room and "\n" not in text:  # no character is wider than one
        return 1
    return sum(max(1, math.ceil(text_chars(part) / room)) for part in text.split("\n"))


_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TITLE_FONT = Font(name="宋体", size=14, bold=True)
HEAD_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
NOTE_FONT = Font(name="宋体", size=9, italic=True, color="555555")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
MIDDLE = Alignment(vertical="center")


@dataclass(frozen=True)
class ExtraCol:
    """A column outside the ledger declaration (the complainant's identity:
    ``key`` "complainant_<column>", the value opened by :func:`ledger_rows`)."""

    key: str
    label: str
    expr: Any
    width: int


def personal_columns() -> list[ExtraCol]:
    p = Complainant
    return [
        ExtraCol("complainant_name", "投诉举报人", p.name, 8),
        ExtraCol("complainant_phone", "联系电话", p.phone, 12),
        ExtraCol("complainant_id_number", "身份证号码", p.id_number, 18),
        ExtraCol("complainant_address", "住址", p.address, 20),
    ]


def _placed(cells: Sequence[Cell], row: int) -> Iterator[Cell]:
    """The cells of a :class:`Sheet` row, numbered, as openpyxl's write-only sheet
    hands them to its writer. Its own ``_values_to_row`` first tries each item as a
    plain value, and for a styled cell that try fails with an exception (and a
    formatted message) and a spare cell: a fifth of a large export. Every row a
    :class:`Sheet` appends is a list of cells made by :meth:`Sheet.cell`."""
    for column, cell in enumerate(cells, 1):
        if not isinstance(cell, Cell):
            raise TypeError(f"Sheet rows are cells (Sheet.cell), not {cell!r}")
        cell.column = column
        cell.row = row
        yield cell


class Sheet:
    """A write-only sheet with the house style; cells are built with :meth:`cell`
    and a row (:meth:`append`) is a list of such cells."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.rows = 0
        self.cols = 0  # the widest row written
        self.chars: list[float] = []  # column widths in Chinese characters
        self._styles: dict[tuple[Any, ...], Any] = {}
        self._wrapping: set[int] = set()  # alignment ids that wrap
        self._heights: dict[int, RowDimension] = {}  # lines → the row height of that many
        ws._values_to_row = _placed

    def cell(
        self,
        value: Any,
        *,
        font: Font = BODY_FONT,
        fmt: str | None = None,
        align: Alignment | None = None,
        border: bool = True,
        fill: PatternFill | None = None,
    ) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws, value)
        align = align or MIDDLE
        key = (id(font), fmt, id(align), border, id(fill))
        style = self._styles.get(key)
        if style is None:
            # Registering a style hashes it (slow); do it once per combination and
            # give every further cell a copy of the resulting index array.
            c.font = font
            if border:
                c.border = BORDER
            if fmt:
                c.number_format = fmt
            if align is not None:
                c.alignment = align
                if align.wrap_text:
                    self._wrapping.add(c._style.alignmentId)
            if fill is not None:
                c.fill = fill
            self._styles[key] = copy(c._style)
        elif is_risky(value):  # its own style array: the quote prefix is set on it
            c._style = copy(style)
        else:  # written at once and dropped: cells of one look share one array
            c._style = style
        return protect(c)  # text never runs as a formula

    def append(
        self, cells: Sequence[Cell], spans: dict[int, int] | None = None, lines: int | None = None
    ) -> None:
        """One row; ``spans`` (column index → columns) merges a cell with the next ones.
        A row whose wrapped text needs more than one line is given that height, so it
        prints whole in any program (none measures wrapped Chinese text reliably);
        ``lines``, when the caller has counted them, saves looking at every cell."""
        if lines is None:
            lines = 1
            for i, c in enumerate(cells):
                if (
                    isinstance(c, Cell)
                    and isinstance(c.value, str)
                    and c._style.alignmentId in self._wrapping
                ):
                    n = (spans or {}).get(i, 1)
                    width = sum(self.chars[i : i + n]) if i < len(self.chars) else 8.43 / CHAR_WIDTH
                    lines = max(lines, lines_of(c.value, width))
        if lines > 1:
            self._height(lines)
        self.ws.append(cells if isinstance(cells, list) else list(cells))
        self.rows += 1
        self.cols = max(self.cols, len(cells))
        for i, n in (spans or {}).items():
            first, last = get_column_letter(i + 1), get_column_letter(i + n)
            self.ws.merged_cells.add(f"{first}{self.rows}:{last}{self.rows}")

    def _height(self, lines: int) -> None:
        """The next row ``lines`` lines tall (at most :data:`MAX_LINES`). Rows of one
        height share one dimension object: a write-only sheet only reads it while
        writing the row, and making one per row is a good part of a large export."""
        lines = min(lines, MAX_LINES)
        dim = self._heights.get(lines)
        if dim is None:
            dim = self._heights[lines] = RowDimension(self.ws, ht=lines * LINE_PT + 2)
        self.ws.row_dimensions[self.rows + 1] = dim

    def title(self, text: str, height: float = 24) -> None:
        self.ws.row_dimensions[self.rows + 1].height = height
        self.append([self.cell(text, font=TITLE_FONT, border=False)])

    def note(self, text: str) -> None:
        self.append([self.cell(text, font=NOTE_FONT, border=False)])

    def blank(self) -> None:
        self.append([])

    def header(self, labels: Sequence[str]) -> None:
        self.append([self.cell(x, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL) for x in labels])

    def widths(self, chars: Sequence[float]) -> None:
        self.chars = list(chars)
        for i, w in enumerate(chars, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = round(w * CHAR_WIDTH + 1, 1)


# --- ledger sheets -------------------------------------------------------------------


def _cell_value(col: Col, value: Any) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    if col.kind == "datetime" and isinstance(value, datetime):
        if is_end_of_day(value):
            return value.date(), DATE_FMT
        return value, DATETIME_FMT
    if col.kind == "date" and isinstance(value, date):
        return value, DATE_FMT
    if col.kind == "term" and col.term is not None:
        return col.term.label_of(value), None
    if col.kind == "bool":
        return ("是" if value else "否"), None
    if col.kind == "int":
        return value, None
    return str(value), None


def ledger_rows(
    s: Session, ledger: Ledger, where: Any, extra: Sequence[ExtraCol] = ()
) -> Iterator[tuple[Any, ...]]:
    """The ledger's declared columns (plus ``extra``) of the records matching ``where``,
    streamed in the ledger's date order."""
    exprs = [c.expr for c in ledger.columns] + [e.expr for e in extra]
    if extra:  # the complaint id: the encrypted identity opens only in its own row
        exprs.append(Complaint.id)
    stmt = select(*exprs).select_from(ledger.model)
    for target, onclause in ledger.joins:
        stmt = stmt.outerjoin(target, onclause)
    if extra:
        stmt = stmt.outerjoin(Complainant, Complainant.complaint_id == Complaint.id)
    when = ledger.column(ledger.date_col).expr
    stmt = stmt.where(where).order_by(when, ledger.model.id)
    rows = s.execute(stmt.execution_options(yield_per=2000))
    if not extra:
        yield from rows
        return
    yield from _opened(identity.key_of(s), rows, len(ledger.columns), extra)


def _opened(
    key: bytes | None, rows: Iterable[Any], n_main: int, extra: Sequence[ExtraCol]
) -> Iterator[tuple[Any, ...]]:
    """The identity columns in clear (services/identity.py), the complaint id
    dropped. Encrypted and no key: :class:`identity.LoginRequired`, no file."""
    for row in rows:
        *values, complaint_id = row
        for i, e in enumerate(extra, start=n_main):
            column = e.key.removeprefix("complainant_")
            values[i], locked = identity.open_field(key, column, complaint_id, values[i])
            if locked:
                raise identity.LoginRequired()
        yield tuple(values)


def print_chars(col: Col) -> float:
    """A ledger column's print width in Chinese characters: dates and times as wide
    as their value, the serial as wide as a serial, a short text or term as declared
    up to :data:`NARROW_CAP`, a long text up to :data:`LONG_CAP` (both wrap)."""
    if col.kind == "datetime":
        return DATETIME_CHARS
    if col.kind == "date":
        return DATE_CHARS
    if col.key == "serial":
        return SERIAL_CHARS
    if col.kind in ("int", "bool"):
        return max(min(col.width, 4), 3)
    return float(min(col.width, LONG_CAP if col.width >= LONG_TEXT else NARROW_CAP))


def _fill_page(chars: list[float], declared: list[float], flexible: list[bool]) -> list[float]:
    """Widen the wrapped columns (up to their declared width) while the sheet is
    narrower than A4 landscape, so a sheet of few columns does not print narrow."""
    room = LANDSCAPE_CHARS - sum(chars)
    grow = [
        max(d - c, 0.0) if f else 0.0 for c, d, f in zip(chars, declared, flexible, strict=True)
    ]
    if room <= 0 or not sum(grow):
        return chars
    share = min(room / sum(grow), 1.0)
    return [round(c + g * share, 1) for c, g in zip(chars, grow, strict=True)]


def ledger_widths(cols: Sequence[Col], extra: Sequence[ExtraCol] = ()) -> list[float]:
    """The print widths (Chinese characters) of a ledger sheet's columns."""
    chars = [print_chars(c) for c in cols] + [float(min(e.width, 12)) for e in extra]
    declared = [float(c.width) for c in cols] + [float(e.width) for e in extra]
    flexible = [c.kind in ("text", "term") and c.key != "serial" for c in cols] + [
        True for _ in extra
    ]
    return _fill_page(chars, declared, flexible)


def write_ledger_sheet(
    sheet: Sheet,
    ledger: Ledger,
    title: str,
    rows: Iterator[tuple[Any, ...]],
    extra: Sequence[ExtraCol] = (),
    tick: Callable[[], None] | None = None,
) -> int:
    """Title row, header row (frozen, filtered, repeated on every printed page), one
    row per record. Returns the count."""
    cols = list(ledger.columns)
    labels = [c.label for c in cols] + [e.label for e in extra]
    sheet.widths(ledger_widths(cols, extra))
    page_layout(sheet, landscape=True, title_rows="2:2")
    sheet.ws.freeze_panes = "A3"
    sheet.title(title)
    sheet.header(labels)
    kinds = [c.kind for c in cols] + ["text" for _ in extra]
    aligns = [MIDDLE if k in ("date", "datetime", "int") else WRAP for k in kinds]
    # the wrapped columns and their widths, for the row heights
    wrapped = [(i, sheet.chars[i]) for i, a in enumerate(aligns) if a.wrap_text]
    n_main = len(cols)
    # One cell per column and number format, given each row's value in turn: a
    # write-only sheet writes a row as it is appended, so the next row may reuse
    # the cells (making and styling ~10 cells a row is the bulk of a large export).
    reused: dict[tuple[int, str | None], Cell] = {}
    n = 0
    for row in rows:
        out: list[Cell] = []
        lines = 1
        for i, value in enumerate(row):
            if i < n_main:
                v, fmt = _cell_value(cols[i], value)
            else:
                v, fmt = value, None
            if is_risky(v):  # its own cell: the quote prefix is set on its style
                out.append(sheet.cell(v, fmt=fmt, align=aligns[i]))
                continue
            c = reused.get((i, fmt))
            if c is None:
                c = reused[i, fmt] = sheet.cell(None, fmt=fmt, align=aligns[i])
                c._style = copy(c._style)  # never shared with the other cells
            c.value = v
            out.append(c)
        for i, chars in wrapped:
            v = out[i].value
            if isinstance(v, str):
                lines = max(lines, lines_of(v, chars))
        sheet.append(out, lines=lines)
        n += 1
        if tick is not None:
            tick()
    last = get_column_letter(len(labels))
    sheet.ws.auto_filter.ref = f"A2:{last}{n + 2}"
    print_area(sheet, len(labels))
    return n


def page_layout(sheet: Sheet, *, landscape: bool, title_rows: str | None = None) -> None:
    """A4, one page wide and as many tall as needed, centred, with margins for
    binding and the page number in the footer; ``title_rows`` ("2:2") repeat on
    every page. Write-only sheets write ``fitToPage`` with the first row: call
    this before appending."""
    ws = sheet.ws
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(
        left=1.5 * CM, right=1.5 * CM, top=1.8 * CM, bottom=2.0 * CM,
        header=0.8 * CM, footer=0.9 * CM,
    )  # fmt: skip
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.evenFooter.center.text = FOOTER
    if title_rows:
        ws.print_title_rows = title_rows


def print_area(sheet: Sheet, cols: int | None = None) -> None:
    """Print exactly the written cells (call after the last row)."""
    last = get_column_letter(max(cols or sheet.cols, 1))
    sheet.ws.print_area = f"A1:{last}{max(sheet.rows, 1)}"


# --- 统计 ----------------------------------------------------------------------------


def _rate_cell(sheet: Sheet, t: Timing | None) -> WriteOnlyCell:
    rate = t.rate if t is not None else None
    if rate is None:
        return sheet.cell("—", align=CENTER)
    return sheet.cell(rate, fmt=PERCENT_FMT)


def _section(sheet: Sheet, text: str) -> None:
    sheet.blank()
    sheet.append([sheet.cell(text, font=HEAD_FONT, border=False)])


# 统计: 工作制度/部门, 台账/件数, 期限 (a date and time), five figures, 规则/事项, one more rate
STATS_WIDTHS = [8, 6.5, DATETIME_CHARS, 4.5, 4.5, 4.5, 4.5, 11, 4.5]

STEP_RULES = {
    VERIFY_STEP: "受理后按设置的核实期限",
    REPLY_STEP: "受理后按设置的答复期限（立案查处的自查处结果之日起）；匿名的不计",
    FEEDBACK_STEP: "同答复期限；仅县级部门告知的事项",
}


def _timing_row(sheet: Sheet, name: str, t: Timing, rule: str) -> None:
    sheet.append(
        [
            sheet.cell(name, align=WRAP),
            sheet.cell(t.counted),
            sheet.cell(t.on_time),
            sheet.cell(t.late),
            sheet.cell(t.overdue),
            sheet.cell(t.pending),
            _rate_cell(sheet, t),
            sheet.cell(rule, align=WRAP),
        ]
    )


def write_stats_sheet(
    sheet: Sheet,
    title: str,
    fig: Figures,
    labels: dict[str, str],
    same_day: Any,
) -> None:
    """The 统计 sheet: counts, on-time rates, same-day sharing, overdue items, a chart.
    Printed A4 portrait (nine narrow columns; long text wraps)."""
    sheet.widths(STATS_WIDTHS)
    page_layout(sheet, landscape=False)
    sheet.title(title)
    sheet.note(
        f"统计期间：{fig.start:%Y-%m-%d} 至 {fig.end:%Y-%m-%d}；"
        f"逾期按 {fig.as_of:%Y-%m-%d %H:%M} 计。"
    )
    sheet.note("本期记录 = 本期新增 + 上期结转（期初尚未办结）。")

    _section(sheet, "一、各台账记录数")
    sheet.header(["工作制度", "台账", "本期新增", "上期结转", "本期合计"])
    first = sheet.rows + 1
    keys = list(fig.new)
    for key in keys:
        sheet.append(
            [
                sheet.cell(SYSTEM_OF[key]),
                sheet.cell(labels[key]),
                sheet.cell(fig.new[key]),
                sheet.cell(fig.carried[key]),
                sheet.cell(fig.active(key)),
            ]
        )
    last = sheet.rows
    sheet.append(
        [
            sheet.cell("合计", font=HEAD_FONT),
            sheet.cell(""),
            sheet.cell(sum(fig.new.values()), font=HEAD_FONT),
            sheet.cell(sum(fig.carried.values()), font=HEAD_FONT),
            sheet.cell(sum(fig.active(k) for k in keys), font=HEAD_FONT),
        ]
    )
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "本期各台账记录数"
    chart.y_axis.title = "件数"
    chart.add_data(
        Reference(sheet.ws, min_col=3, max_col=4, min_row=first - 1, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet.ws, min_col=2, min_row=first, max_row=last))
    chart.height, chart.width = 10, 17
    chart.x_axis.tickLblSkip = 1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    sheet.ws.add_chart(chart, f"A{sheet.rows + 2}")
    for _ in range(CHART_ROWS):
        sheet.blank()
    print_area(sheet)
    for _ in range(CHART_ROWS):
        sheet.blank()

    _section(sheet, "二、各台账按状态统计（本期记录）")
    sheet.header(["工作制度", "台账", "状态", "件数"])
    for key, rows in fig.by_status.items():
        for label, count in rows:
            if count:
                sheet.append(
                    [
                        sheet.cell(SYSTEM_OF[key]),
                        sheet.cell(labels[key]),
                        sheet.cell(label, align=WRAP),
                        sheet.cell(count),
                    ]
                )

    _section(sheet, "三、按时办理情况（按工作制度，本期新增记录）")
    sheet.header(
        ["工作制度", "应计件数", "按时", "逾期办理", "逾期未办", "未到期", "按时率", "计时规则"]
    )
    for key, t in fig.by_system.items():
        _timing_row(sheet, SYSTEM_OF[key], t, TIMED_RULES[key])
        for step, st in fig.by_step.get(key, {}).items():
            _timing_row(sheet, f"　其中：{step}", st, STEP_RULES.get(step, ""))
    sheet.note("投诉举报按初步核实、答复投诉举报人、向告知部门反馈分别计数（一件可计多次）。")

    timed = [k for k in fig.by_system if any(k in d for d in fig.by_department.values())]
    _section(sheet, "四、按时办理情况（按部门，本镇与该部门之间的事项）")
    sheet.header(["部门", "应计件数", "按时", "按时率", *[f"{SYSTEM_OF[k]}按时率" for k in timed]])
    sheet.note("投诉举报计入告知本镇的部门和移送的有管辖权部门；行刑衔接计入接收移送的公安机关。")
    for dept in sorted(fig.by_department):
        per = fig.by_department[dept]
        total = Timing(
            sum(t.on_time for t in per.values()),
            sum(t.late for t in per.values()),
            sum(t.overdue for t in per.values()),
        )
        sheet.append(
            [
                sheet.cell(dept, align=WRAP),
                sheet.cell(total.counted),
                sheet.cell(total.on_time),
                _rate_cell(sheet, total),
                *[_rate_cell(sheet, per.get(k)) for k in timed],
            ]
        )

    _section(sheet, "五、信息当日共享率（按信息类别）")
    sheet.header(["信息类别", "信息数", "当日共享", "延期共享", "未共享", "当日共享率"])
    for row in [*same_day.by_category, same_day.total]:
        sheet.append(
            [
                sheet.cell(row.name, align=WRAP),
                sheet.cell(row.total),
                sheet.cell(row.same_day),
                sheet.cell(row.late),
                sheet.cell(row.unshared),
                sheet.cell(row.rate, fmt=PERCENT_FMT)
                if row.rate is not None
                else sheet.cell("—", align=CENTER),
            ]
        )

    _section(sheet, f"六、逾期未办事项（共 {len(fig.overdue)} 项）")
    sheet.append(
        [
            sheet.cell(x, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
            for x in ["台账", "台账编号", "期限", "逾期天数", "当前环节", None, None, "事项"]
        ],
        spans={4: 3},
    )
    for item in fig.overdue:
        due, fmt = (
            (item.deadline_at.date(), DATE_FMT)
            if is_end_of_day(item.deadline_at)
            else (item.deadline_at, DATETIME_FMT)
        )
        sheet.append(
            [
                sheet.cell(item.ledger),
                sheet.cell(item.serial),
                sheet.cell(due, fmt=fmt),
                sheet.cell(item.days),
                sheet.cell(item.what, align=WRAP),
                sheet.cell(None),
                sheet.cell(None),
                sheet.cell(item.title, align=WRAP),
            ],
            spans={4: 3},
        )
    print_area(sheet)


def write_year_sheet(
    sheet: Sheet, title: str, year: int, months: list[Figures], labels: dict[str, str]
) -> None:
    """Per month (12 columns + 全年): new records per ledger, on-time rates, a line chart."""
    sheet.widths([7, *[4.5] * 12, 5])
    page_layout(sheet, landscape=True)
    sheet.title(title)
    sheet.note("各月“新增”为当月登记（发现、受理、形成……）的记录数；按时率按各月新增记录计。")
    _section(sheet, "一、各台账每月新增记录数")
    sheet.header(["台账", *[f"{m}月" for m in range(1, 13)], "全年"])
    first = sheet.rows + 1
    keys = list(months[0].new)
    for key in keys:
        values = [f.new[key] for f in months]
        sheet.append(
            [sheet.cell(labels[key]), *[sheet.cell(v) for v in values], sheet.cell(sum(values))]
        )
    last = sheet.rows
    totals = [sum(f.new.values()) for f in months]
    sheet.append(
        [
            sheet.cell("合计", font=HEAD_FONT),
            *[sheet.cell(v, font=HEAD_FONT) for v in totals],
            sheet.cell(sum(totals), font=HEAD_FONT),
        ]
    )
    chart = LineChart()
    chart.title = f"{year}年各台账每月新增记录数"
    chart.y_axis.title = "件数"
    chart.x_axis.title = "月份"
    chart.add_data(
        Reference(sheet.ws, min_col=1, max_col=13, min_row=first, max_row=last),
        from_rows=True,
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet.ws, min_col=2, max_col=13, min_row=first - 1))
    for series in chart.series:
        series.smooth = False
    chart.height, chart.width = 10, 24
    chart.x_axis.delete = False
    chart.y_axis.delete = False

    _section(sheet, "二、各工作制度每月按时率")
    sheet.header(["工作制度", *[f"{m}月" for m in range(1, 13)], "全年"])
    for key in TIMED_RULES:
        year_t = Timing(
            sum(f.by_system[key].on_time for f in months),
            sum(f.by_system[key].late for f in months),
            sum(f.by_system[key].overdue for f in months),
        )
        sheet.append(
            [
                sheet.cell(SYSTEM_OF[key]),
                *[_rate_cell(sheet, f.by_system[key]) for f in months],
                _rate_cell(sheet, year_t),
            ]
        )
    sheet.ws.add_chart(chart, f"A{sheet.rows + 2}")
    for _ in range(CHART_ROWS):
        sheet.blank()
    print_area(sheet)
