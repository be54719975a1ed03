"""A system's page: one tab per ledger, each a searchable list paged from SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import ledgers, organisations, records
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.models.ledger_model import LedgerTableModel
from desktop_app.ui.widgets.form_helpers import open_date_edit, open_date_value

CHAR_PX = 15  # width of one Chinese character in the default font, roughly


# How often a shown list looks for changes made elsewhere (another user on a shared
# database, another window): a cheap stamp of the ledger (ledgers.stamp).
WATCH_MS = 5000


class LedgerList(QWidget):
    """Search box, status filter, count and the table of one ledger. While shown it
    reloads itself when someone else changes the ledger, keeping the selection and
    the scroll position."""

    def __init__(
        self,
        ctx: ServiceContext,
        ledger_key: str,
        parent: QWidget | None = None,
        on_open: Callable[[int], None] | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.on_open = on_open
        self.ledger = ledgers.LISTS[ledger_key]
        self.model = LedgerTableModel(ctx, ledger_key, self)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.ledger.search_hint)
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        if self.ledger.status_term is not None:
            for code, label in self.ledger.status_term.choices():
                self.status.addItem(label, code)
        else:
            self.status.setVisible(False)
        self.count = QLabel()
        self.count.setObjectName("countLabel")

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status)
        bar.addWidget(self.count)
        filters = QHBoxLayout()
        self.filter_widgets: dict[str, QComboBox | QCheckBox] = {}
        for f in self.ledger.all_filters:
            widget: QComboBox | QCheckBox
            if f.kind in ("overdue", "flag"):
                widget = QCheckBox(f.label)
                widget.toggled.connect(lambda _on: self.apply_filter())
            else:
                widget = QComboBox()
                widget.addItem(f"全部{f.label}", None)
                if f.kind == "term" and f.term is not None:
                    for code, label in f.term.choices():
                        widget.addItem(label, code)
                else:
                    for org in organisations.list_all(ctx):
                        widget.addItem(org.short_name or org.name, org.id)
                widget.currentIndexChanged.connect(lambda _i: self.apply_filter())
            self.filter_widgets[f.key] = widget
            filters.addWidget(widget)
        self.date_from = self._date_edit()
        self.date_to = self._date_edit()
        date_label = ledgers.LISTS[ledger_key].column(self.ledger.date_col).label
        filters.addWidget(QLabel(f"{date_label}："))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.date_to)
        filters.addStretch(1)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(
            [c.key for c in self.ledger.columns].index(self.ledger.date_col),
            Qt.SortOrder.DescendingOrder
            if self.ledger.newest_first
            else Qt.SortOrder.AscendingOrder,
        )
        for i, col in enumerate(self.ledger.columns):
            self.table.setColumnWidth(i, max(60, col.width * CHAR_PX))
        self.table.doubleClicked.connect(lambda idx: self.show_record(idx.row()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filter())

        self._seen: tuple[Any, ...] | None = None  # the stamp the rows were read at
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self.check_for_changes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._watch.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._watch.stop()

    def _stamp(self) -> tuple[Any, ...] | None:
        try:
            return ledgers.stamp(self.ctx, self.ledger.key)
        except ServiceError:
            return None

    def check_for_changes(self) -> bool:
        """Reload when the ledger changed since the rows were read; True if it did."""
        if not self.model.loaded:
            return False
        seen, self._seen = self._seen, self._stamp()
        if seen is None or self._seen is None or seen == self._seen:
            return False
        selected = self.table.currentIndex()
        record_id = self.model.record_id(selected.row()) if selected.isValid() else None
        scroll = self.table.verticalScrollBar().value()
        try:
            self.model.reload(at_least=len(self.model.rows))
        except ServiceError:
            return False
        self._update_count()
        row = self.model.row_of(record_id) if record_id is not None else None
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, max(selected.column(), 0)))
        self.table.verticalScrollBar().setValue(scroll)
        return True

    def filter_to(self, start: date | None, end: date | None, overdue: bool = False) -> None:
        """Show the records behind a figure: this date range (on the ledger's date
        column), only the overdue ones if asked; other filters are cleared."""
        widgets = [self.search, self.status, self.date_from, self.date_to]
        widgets += list(self.filter_widgets.values())
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        self.status.setCurrentIndex(0)
        for key, widget in self.filter_widgets.items():
            if isinstance(widget, QCheckBox):
                widget.setChecked(key == "overdue" and overdue)
            else:
                widget.setCurrentIndex(0)
        for edit, day in ((self.date_from, start), (self.date_to, end)):
            edit.setDate(QDate(day.year, day.month, day.day) if day else edit.minimumDate())
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def _date_edit(self) -> QDateEdit:
        edit = open_date_edit()
        edit.dateChanged.connect(lambda _d: self.apply_filter())
        return edit

    def current_query(self) -> ledgers.Query:
        q = self.model.query
        values: list[tuple[str, Any]] = []
        for key, widget in self.filter_widgets.items():
            if isinstance(widget, QCheckBox):
                values.append((key, widget.isChecked()))
            else:
                values.append((key, widget.currentData()))
        return ledgers.Query(
            self.search.text().strip(),
            self.status.currentData(),
            q.sort_key,
            q.descending,
            tuple(values),
            open_date_value(self.date_from),
            open_date_value(self.date_to),
        )

    def apply_filter(self) -> None:
        self._seen = self._stamp() if self._watch.isActive() else None
        try:
            self.model.set_query(self.current_query())
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._update_count()

    def refresh(self) -> None:
        self._seen = self._stamp() if self._watch.isActive() or self.isVisible() else None
        try:
            self.model.reload()
        except ServiceError as exc:
            prompts.warn(self, str(exc))
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(f"共 {self.model.total} 条")

    def show_record(self, row: int) -> None:
        record_id = self.model.record_id(row)
        self.open(record_id)

    def open(self, record_id: int) -> None:
        from desktop_app.ui.dialogs.record_dialog import RecordDialog  # letters: reportlab

        if self.on_open is not None:
            self.on_open(record_id)
            return
        try:
            fields = records.detail(self.ctx, self.ledger.key, record_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        serial = next((v for k, v in fields if k == "台账编号"), "")
        RecordDialog(
            f"{self.ledger.label} {serial}",
            fields,
            self,
            ctx=self.ctx,
            record_type=self.ledger.record_type,
            record_id=record_id,
        ).exec()

    def select(self, record_id: int) -> bool:
        """Show a record in the list: search its serial if it is not loaded."""
        row = self.model.row_of(record_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True
