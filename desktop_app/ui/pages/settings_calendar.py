"""设置 → 工作日历: the year's working days, office overrides, confirmation."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.services import calendar
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.widgets.form_helpers import OK_STYLE, hint_label
from desktop_app.ui.widgets.year_calendar import WEEKDAYS, YearCalendar

BANNER_STYLE = (
    "background: #fff4c2; border: 1px solid #e2c25c; border-radius: 4px;"
    " padding: 8px 10px; color: #4d3a00;"
)
MAKE_WORKING = "working"
MAKE_OFF = "off"
CLEAR = "clear"


def _day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


class CalendarTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day_menu: QMenu | None = None
        self.days: dict[date, calendar.DayInfo] = {}

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(clock.today().year)
        self.year.setSuffix(" 年")
        self.year.setMinimumWidth(100)
        self.year.valueChanged.connect(lambda _year: self.refresh())
        this_year = QPushButton("回到今年")
        this_year.clicked.connect(lambda: self.year.setValue(clock.today().year))
        self.confirmed = QCheckBox()
        self.confirmed.setToolTip("对照国务院办公厅当年的节假日安排通知逐日核对后勾选")
        self.confirmed.clicked.connect(self._confirm_clicked)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addWidget(this_year)
        top.addSpacing(28)
        top.addWidget(self.confirmed)
        top.addStretch(1)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.result = QLabel()
        self.result.setStyleSheet(OK_STYLE)

        self.view = YearCalendar()
        self.view.day_clicked.connect(self.day_clicked)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.view)
        scroll.setMinimumWidth(360)

        self.overrides = QTableWidget(0, 3)
        self.overrides.setHorizontalHeaderLabels(["日期", "调整为", "说明"])
        self.overrides.verticalHeader().hide()
        self.overrides.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overrides.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overrides.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.overrides.setWordWrap(False)
        header = self.overrides.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.overrides.doubleClicked.connect(self._jump_to_override)
        self.remove_button = QPushButton("取消所选调整")
        self.remove_button.clicked.connect(self._remove_selected)
        side = QGroupBox("人工调整记录")
        side_col = QVBoxLayout(side)
        side_col.addWidget(self.overrides, 1)
        side_col.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        side_col.addWidget(
            hint_label(
                "点击日历中的某一天，可以把它设为工作日（调休上班）或休息日，或取消人工调整。"
                "调整后，所有未到期事项的期限会按新的日历重新计算。\n\n"
                "带橙色圆点的日子是本单位人工调整的，优先于软件自带的节假日安排。"
                "双击列表中的一行可跳到该年份。"
            )
        )
        side.setMinimumWidth(260)
        side.setMaximumWidth(380)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(scroll, 1)
        body.addWidget(side)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addLayout(body, 1)
        layout.addWidget(self.result)

    # --- loading ---------------------------------------------------------------

    def refresh(self) -> None:
        year = self.year.value()
        today = clock.today()
        infos = calendar.year_view(self.ctx, year)
        self.days = {i.day: i for i in infos}
        self.view.set_days(year, infos, today)
        cal = calendar.get_calendar(self.ctx)
        office = year in cal.confirmed_years
        package = cal.has_package_schedule(year)
        self.confirmed.setText(f"{year}年节假日安排已核对确认")
        self.confirmed.setChecked(office)
        parts = [
            f"软件自带的节假日数据已收录国务院办公厅公布的{year}年节假日和调休安排。"
            if package
            else f"软件自带的节假日数据尚未收录{year}年的国务院节假日安排，"
            "目前只按周末和法定节日推算，没有调休上班日。",
            "本单位已核对确认。" if office else "本单位尚未核对确认。",
        ]
        if not cal.is_confirmed(year):
            parts.append("落在该年的期限可能不准确，请在国务院公布安排后逐日核对。")
            self.status.setStyleSheet("color: #a35a00;")
        else:
            self.status.setStyleSheet("")
        self.status.setText("".join(parts))
        warning = calendar.next_year_warning(self.ctx, today)
        self.banner.setText("⚠ " + warning if warning else "")
        self.banner.setVisible(bool(warning))
        self._fill_overrides()

    def _fill_overrides(self) -> None:
        rows = calendar.list_overrides(self.ctx)
        self.overrides.setRowCount(len(rows))
        for r, o in enumerate(rows):
            cells = [
                f"{o.day:%Y-%m-%d} 周{WEEKDAYS[o.day.weekday()]}",
                "工作日" if o.working else "休息日",
                o.note or "",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, o.day)
                if c == 2 and text:
                    item.setToolTip(text)
                self.overrides.setItem(r, c, item)
        self.remove_button.setEnabled(bool(rows))

    # --- changing days ---------------------------------------------------------

    def day_clicked(self, day: date) -> None:
        info = self.days.get(day)
        if info is None:
            return
        menu = QMenu(self)
        title = menu.addAction(f"{_day_text(day)}：{'工作日' if info.working else '休息日'}")
        title.setEnabled(False)
        menu.addSeparator()
        actions: list[tuple[str, str, bool]] = [
            (MAKE_WORKING, "设为工作日（调休上班）", not info.working),
            (MAKE_OFF, "设为休息日", info.working),
            (CLEAR, "取消人工调整", info.overridden),
        ]
        for code, text, enabled in actions:
            action = QAction(text, menu)
            action.setData(code)
            action.setEnabled(enabled)
            action.triggered.connect(lambda _checked=False, c=code: self.apply(day, c))
            menu.addAction(action)
        menu.aboutToHide.connect(menu.deleteLater)
        self.day_menu = menu
        menu.popup(QCursor.pos())

    def apply(self, day: date, code: str) -> None:
        """Carry out one of the day menu's choices."""
        try:
            if code == CLEAR:
                moved = calendar.remove_override(self.ctx, day)
                done = f"已取消{_day_text(day)}的人工调整。"
            else:
                working = code == MAKE_WORKING
                what = "工作日（调休上班）" if working else "休息日"
                note = prompts.ask_text(
                    self,
                    "调整说明",
                    f"把{_day_text(day)}设为{what}。\n说明（可以不填，例如所依据的通知文号）：",
                )
                if note is None:
                    return
                moved = calendar.set_override(self.ctx, day, working, note)
                done = f"已把{_day_text(day)}设为{what}。"
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self.refresh()
        self.result.setText(f"{done}已重新计算 {moved} 项未到期的期限。")
        self.changed.emit()

    def _selected_override(self) -> date | None:
        rows = self.overrides.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.overrides.item(rows[0].row(), 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        return value if isinstance(value, date) else None

    def _remove_selected(self) -> None:
        day = self._selected_override()
        if day is None:
            prompts.info(self, "请先在列表中选中要取消的调整。")
            return
        if prompts.confirm(self, f"取消{_day_text(day)}的人工调整，恢复软件自带的安排吗？"):
            self.apply(day, CLEAR)

    def _jump_to_override(self) -> None:
        day = self._selected_override()
        if day is not None:
            self.year.setValue(day.year)

    # --- confirmation ----------------------------------------------------------

    def _confirm_clicked(self, checked: bool) -> None:
        year = self.year.value()
        cal = calendar.get_calendar(self.ctx)
        if (
            checked
            and not cal.has_package_schedule(year)
            and not prompts.confirm(
                self,
                f"请确认：已经对照国务院办公厅关于{year}年部分节假日安排的通知，"
                "把该年全部放假日和调休上班日都在日历中调整好了。",
            )
        ):
            self.confirmed.setChecked(False)
            return
        try:
            calendar.set_confirmed(self.ctx, year, checked)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            self.refresh()
            return
        self.refresh()
        self.result.setText(
            f"{year}年节假日安排{'已标记为核对确认' if checked else '已取消确认'}。"
        )
        self.changed.emit()
