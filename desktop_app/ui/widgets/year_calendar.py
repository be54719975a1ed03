"""A year at a glance: twelve small month blocks (4 × 3), one cell per day.

Working days are plain, weekends grey, holidays and other days off red with
休, make-up working days (调休上班: a weekend day that is worked) blue with
班; a day the office set itself carries an orange dot in its corner. The
holiday name is the cell's tooltip. Clicking a day emits ``day_clicked``.
"""

from __future__ import annotations

import calendar as pycal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from desktop_app.domain import clock

WORKING = "working"
WEEKEND = "weekend"
HOLIDAY = "holiday"
MAKEUP = "makeup"

KIND_LABELS = {
    WORKING: "工作日",
    WEEKEND: "周末休息",
    HOLIDAY: "节假日、调休休息",
    MAKEUP: "调休上班",
}
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class _Style:
    background: str
    text: str
    mark: str = ""
    mark_colour: str = ""


STYLES = {
    WORKING: _Style("#ffffff", "#222222"),
    WEEKEND: _Style("#ececec", "#8a8a8a"),
    HOLIDAY: _Style("#fbe0dd", "#b3261e", "休", "#b3261e"),
    MAKEUP: _Style("#dce8fb", "#1f4e9c", "班", "#1f4e9c"),
}
OVERRIDE_DOT = QColor("#e67700")
TODAY_FRAME = QColor("#1e7b34")
HOVER_FRAME = QColor("#7a9cc6")
GRID_LINE = QColor("#d6d6d6")

CELL_W, CELL_H = 28, 22
TITLE_H, HEADER_H = 24, 20
GAP_X, GAP_Y, MARGIN = 20, 10, 4
COLUMNS, ROWS = 4, 3


class DayLike(Protocol):
    """What the grid needs of a day (``services.calendar.DayInfo``)."""

    @property
    def day(self) -> date: ...
    @property
    def working(self) -> bool: ...
    @property
    def name(self) -> str | None: ...
    @property
    def overridden(self) -> bool: ...


def day_kind(day: date, working: bool, name: str | None) -> str:
    weekend = day.weekday() >= 5
    if working:
        return MAKEUP if weekend else WORKING
    if weekend and not name:
        return WEEKEND
    return HOLIDAY


def describe(info: DayLike) -> str:
    """The tooltip of one day."""
    kind = day_kind(info.day, info.working, info.name)
    lines = [
        f"{info.day.year}年{info.day.month}月{info.day.day}日 星期{WEEKDAYS[info.day.weekday()]}"
    ]
    state = "工作日" if info.working else "休息日"
    if info.name and info.name not in (state, KIND_LABELS[MAKEUP]):
        lines.append(f"{info.name}（{state}）")
    elif kind == MAKEUP:
        lines.append("调休上班（工作日）")
    else:
        lines.append(state)
    if info.overridden:
        lines.append("● 本单位人工调整")
    lines.append("点击可调整")
    return "\n".join(lines)


class YearGrid(QWidget):
    """The painted twelve-month grid."""

    day_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = clock.today().year
        self.today: date | None = None
        self.days: dict[date, DayLike] = {}
        self.cells: dict[date, QRect] = {}
        self.titles: list[tuple[QRect, str, QRect]] = []
        self.hover: date | None = None
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        self._layout()

    # --- data ------------------------------------------------------------------

    def set_days(self, year: int, days: Iterable[DayLike], today: date | None = None) -> None:
        self.year = year
        self.today = today
        self.days = {d.day: d for d in days}
        self._layout()
        self.update()

    def kind_of(self, day: date) -> str:
        info = self.days[day]
        return day_kind(info.day, info.working, info.name)

    def is_overridden(self, day: date) -> bool:
        return bool(self.days[day].overridden)

    def cell_rect(self, day: date) -> QRect:
        return QRect(self.cells[day])

    def day_at(self, pos: QPoint) -> date | None:
        for day, rect in self.cells.items():
            if rect.contains(pos):
                return day
        return None

    # --- geometry --------------------------------------------------------------

    def _layout(self) -> None:
        self.cells.clear()
        self.titles.clear()
        block_w = 7 * CELL_W
        block_h = TITLE_H + HEADER_H + 6 * CELL_H
        for month in range(1, 13):
            col, row = (month - 1) % COLUMNS, (month - 1) // COLUMNS
            x0 = MARGIN + col * (block_w + GAP_X)
            y0 = MARGIN + row * (block_h + GAP_Y)
            self.titles.append(
                (
                    QRect(x0, y0, block_w, TITLE_H),
                    f"{month}月",
                    QRect(x0, y0 + TITLE_H, block_w, HEADER_H),
                )
            )
            first_weekday, length = pycal.monthrange(self.year, month)
            for d in range(1, length + 1):
                slot = first_weekday + d - 1
                x = x0 + (slot % 7) * CELL_W
                y = y0 + TITLE_H + HEADER_H + (slot // 7) * CELL_H
                self.cells[date(self.year, month, d)] = QRect(x, y, CELL_W, CELL_H)

    def sizeHint(self) -> QSize:
        block_w = 7 * CELL_W
        block_h = TITLE_H + HEADER_H + 6 * CELL_H
        return QSize(
            2 * MARGIN + COLUMNS * block_w + (COLUMNS - 1) * GAP_X,
            2 * MARGIN + ROWS * block_h + (ROWS - 1) * GAP_Y,
        )

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    # --- painting --------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        base = QFont(self.font())
        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(base.pointSizeF() + 1)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 2.5, 6))
        for title_rect, title, header_rect in self.titles:
            p.setFont(title_font)
            p.setPen(QColor("#333333"))
            p.drawText(
                title_rect.adjusted(4, 0, 0, -2),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                title,
            )
            p.setFont(base)
            for i, ch in enumerate(WEEKDAYS):
                r = QRect(header_rect.x() + i * CELL_W, header_rect.y(), CELL_W, HEADER_H)
                p.setPen(QColor("#b3261e" if i >= 5 else "#666666"))
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, ch)
            p.setPen(QPen(GRID_LINE, 1))
            p.drawLine(header_rect.bottomLeft(), header_rect.bottomRight())
        for day, rect in self.cells.items():
            info = self.days.get(day)
            kind = (
                day_kind(day, info.working, info.name)
                if info
                else (WEEKEND if day.weekday() >= 5 else WORKING)
            )
            style = STYLES[kind]
            cell = rect.adjusted(1, 1, -1, -1)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(style.background))
            p.drawRoundedRect(cell, 3, 3)
            p.setFont(base)
            p.setPen(QColor(style.text))
            number = cell.adjusted(0, 1, -6, 0) if style.mark and day.day > 9 else cell
            p.drawText(number, Qt.AlignmentFlag.AlignCenter, str(day.day))
            if style.mark:
                p.setFont(small)
                p.setPen(QColor(style.mark_colour))
                p.drawText(
                    cell.adjusted(0, 0, -1, 0),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                    style.mark,
                )
            if info is not None and info.overridden:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(OVERRIDE_DOT)
                p.drawEllipse(QPoint(cell.left() + 5, cell.top() + 5), 3, 3)
            frame = TODAY_FRAME if day == self.today else HOVER_FRAME if day == self.hover else None
            if frame is not None:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(frame, 2))
                p.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 3, 3)
        p.end()

    # --- interaction -----------------------------------------------------------

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            day = self.day_at(e.pos())
            if day is not None and day in self.days:
                QToolTip.showText(e.globalPos(), describe(self.days[day]), self, self.cells[day])
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        if e.type() == QEvent.Type.Leave and self.hover is not None:
            self.hover = None
            self.update()
        return super().event(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        day = self.day_at(e.position().toPoint())
        if day != self.hover:
            self.hover = day
            self.setCursor(Qt.CursorShape.PointingHandCursor if day else Qt.CursorShape.ArrowCursor)
            self.update()
        super().mouseMoveEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            day = self.day_at(e.position().toPoint())
            if day is not None:
                self.day_clicked.emit(day)
                return
        super().mouseReleaseEvent(e)


def _swatch(kind: str | None, text: str) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(5)
    mark = QLabel()
    mark.setFixedSize(22, 18)
    mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
    if kind is None:
        mark.setText("●")
        mark.setStyleSheet(f"color: {OVERRIDE_DOT.name()};")
    elif kind == "today":
        mark.setStyleSheet(f"border: 2px solid {TODAY_FRAME.name()}; border-radius: 3px;")
    else:
        style = STYLES[kind]
        mark.setText(style.mark)
        mark.setStyleSheet(
            f"background: {style.background}; color: {style.text}; border: 1px solid #cccccc;"
            " border-radius: 3px; font-size: 9pt;"
        )
    row.addWidget(mark)
    row.addWidget(QLabel(text))
    return box


class YearCalendar(QWidget):
    """The grid plus its legend."""

    day_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = YearGrid()
        self.grid.day_clicked.connect(self.day_clicked)
        legend = QHBoxLayout()
        legend.setSpacing(18)
        for kind in (WORKING, WEEKEND, HOLIDAY, MAKEUP):
            legend.addWidget(_swatch(kind, KIND_LABELS[kind]))
        legend.addWidget(_swatch(None, "本单位人工调整"))
        legend.addWidget(_swatch("today", "今天"))
        legend.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.grid, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addLayout(legend)
        layout.addStretch(1)

    def set_days(self, year: int, days: Iterable[DayLike], today: date | None = None) -> None:
        self.grid.set_days(year, days, today)

    def kind_of(self, day: date) -> str:
        return self.grid.kind_of(day)

    def is_overridden(self, day: date) -> bool:
        return self.grid.is_overridden(day)
