"""月度/年度汇总: writing the sheets (openpyxl write-only, rows streamed from SQL).

Ledger sheets take their columns from the ledger declarations
(:mod:`ledger_defs`); dates stay real date cells with a number format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.deadlines import is_end_of_day
from desktop_app.services.ledger_types import Col, Ledger
from desktop_app.services.summary_figures import SYSTEM_OF, TIMED_RULES, Figures, Timing
from desktop_app.storage.models import Complainant, Complaint

CHAR_WIDTH = 2.2  # Excel width units per Chinese character
DATE_FMT = "yyyy-mm-dd"
DATETIME_FMT = "yyyy-mm-dd hh:mm"
PERCENT_FMT = "0.0%"
WRAP_FROM = 20  # columns this wide (characters) wrap their text
CHART_ROWS = 20  # blank rows under a chart (10 cm)

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TITLE_FONT = Font(name="宋体", size=14, bold=True)
HEAD_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
NOTE_FONT = Font(name="宋体", size=9, italic=True, color="555555")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")


@dataclass(frozen=True)
class ExtraCol:
    """A column outside the ledger declaration (the complainant's identity)."""

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


class Sheet:
    """A write-only sheet with the house style; cells are built with :meth:`cell`."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.rows = 0
        self._styles: dict[tuple[Any, ...], Any] = {}

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
            if fill is not None:
                c.fill = fill
            self._styles[key] = copy(c._style)
        else:
            c._style = copy(style)
        return c

    def append(self, cells: Sequence[Any]) -> None:
        self.ws.append(list(cells))
        self.rows += 1

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
    stmt = select(*exprs).select_from(ledger.model)
    for target, onclause in ledger.joins:
        stmt = stmt.outerjoin(target, onclause)
    if extra:
        stmt = stmt.outerjoin(Complainant, Complainant.complaint_id == Complaint.id)
    when = ledger.column(ledger.date_col).expr
    stmt = stmt.where(where).order_by(when, ledger.model.id)
    yield from s.execute(stmt.execution_options(yield_per=2000))


def write_ledger_sheet(
    sheet: Sheet,
    ledger: Ledger,
    title: str,
    rows: Iterator[tuple[Any, ...]],
    extra: Sequence[ExtraCol] = (),
    tick: Callable[[], None] | None = None,
) -> int:
    """Title row, header row (frozen, filtered), one row per record. Returns the count."""
    cols = list(ledger.columns)
    labels = [c.label for c in cols] + [e.label for e in extra]
    widths = [c.width for c in cols] + [e.width for e in extra]
    sheet.widths(widths)
    fit_width(sheet)
    sheet.ws.freeze_panes = "A3"
    sheet.title(title)
    sheet.header(labels)
    aligns = [WRAP if w >= WRAP_FROM else TOP for w in widths]
    n_main = len(cols)
    n = 0
    for row in rows:
        out = []
        for i, value in enumerate(row):
            if i < n_main:
                v, fmt = _cell_value(cols[i], value)
            else:
                v, fmt = value, None
            out.append(sheet.cell(v, fmt=fmt, align=aligns[i]))
        sheet.append(out)
        n += 1
        if tick is not None:
            tick()
    last = get_column_letter(len(labels))
    sheet.ws.auto_filter.ref = f"A2:{last}{n + 2}"
    sheet.ws.print_title_rows = "2:2"
    return n


def fit_width(sheet: Sheet) -> None:
    """Print landscape on A4, all columns on one page width. Write-only sheets write
    their properties with the first row: call this before appending."""
    sheet.ws.page_setup.orientation = "landscape"
    sheet.ws.page_setup.paperSize = 9  # A4
    sheet.ws.page_setup.fitToWidth = 1
    sheet.ws.page_setup.fitToHeight = 0
    sheet.ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- 统计 ----------------------------------------------------------------------------


def _rate_cell(sheet: Sheet, t: Timing | None) -> WriteOnlyCell:
    rate = t.rate if t is not None else None
    if rate is None:
        return sheet.cell("—", align=CENTER)
    return sheet.cell(rate, fmt=PERCENT_FMT)


def _section(sheet: Sheet, text: str) -> None:
    sheet.blank()
    sheet.append([sheet.cell(text, font=HEAD_FONT, border=False)])


def write_stats_sheet(
    sheet: Sheet,
    title: str,
    fig: Figures,
    labels: dict[str, str],
    same_day: Any,
) -> None:
    """The 统计 sheet: counts, on-time rates, same-day sharing, overdue items, a chart."""
    sheet.widths([12, 10, 8, 8, 8, 8, 8, 28])
    fit_width(sheet)
    sheet.title(title)
    sheet.note(
        f"统计期间：{fig.start:%Y-%m-%d} 至 {fig.end:%Y-%m-%d}；"
        f"逾期按 {fig.as_of:%Y-%m-%d %H:%M} 计。本期记录 = 本期新增 + 上期结转（期初尚未办结）。"
    )

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

    _section(sheet, "二、各台账按状态统计（本期记录）")
    sheet.header(["工作制度", "台账", "状态", "件数"])
    for key, rows in fig.by_status.items():
        for label, count in rows:
            if count:
                sheet.append(
                    [
                        sheet.cell(SYSTEM_OF[key]),
                        sheet.cell(labels[key]),
                        sheet.cell(label),
                        sheet.cell(count),
                    ]
                )

    _section(sheet, "三、按时办理情况（按工作制度，本期新增记录）")
    sheet.header(
        ["工作制度", "应计件数", "按时", "逾期办理", "逾期未办", "未到期", "按时率", "计时规则"]
    )
    for key, t in fig.by_system.items():
        sheet.append(
            [
                sheet.cell(SYSTEM_OF[key]),
                sheet.cell(t.counted),
                sheet.cell(t.on_time),
                sheet.cell(t.late),
                sheet.cell(t.overdue),
                sheet.cell(t.pending),
                _rate_cell(sheet, t),
                sheet.cell(TIMED_RULES[key], align=WRAP),
            ]
        )

    timed = [k for k in fig.by_system if any(k in d for d in fig.by_department.values())]
    _section(sheet, "四、按时办理情况（按部门）")
    sheet.header(["部门", "应计件数", "按时", "按时率", *[f"{SYSTEM_OF[k]}按时率" for k in timed]])
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
    sheet.header(["台账", "台账编号", "期限", "逾期天数", "当前环节", "", "", "事项"])
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
                sheet.cell(item.what),
                sheet.cell(None),
                sheet.cell(None),
                sheet.cell(item.title, align=WRAP),
            ]
        )


def write_year_sheet(
    sheet: Sheet, title: str, year: int, months: list[Figures], labels: dict[str, str]
) -> None:
    """Per month (12 columns + 全年): new records per ledger, on-time rates, a line chart."""
    sheet.widths([12, *[5] * 12, 6])
    fit_width(sheet)
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
