"""A table model over one ledger that pages rows from SQL as the view scrolls."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.clock import now
from desktop_app.services import ledgers
from desktop_app.services.context import ServiceContext

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex
OVERDUE = QColor("#b3261e")
DUE_SOON = QColor("#c25e00")
SOON = timedelta(days=3)
ROOT = QModelIndex()


class LedgerTableModel(QAbstractTableModel):
    def __init__(self, ctx: ServiceContext, ledger_key: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ledger = ledgers.LISTS[ledger_key]
        self.columns = list(self.ledger.columns)
        self.query = ledgers.Query()
        self.rows: list[dict[str, Any]] = []
        self.total = 0
        self._now = now()
        # Nothing is read until the list is first shown (refresh) or filtered: a
        # page builds its lists (and the hidden tabs theirs) without a query.
        self.loaded = False

    # --- loading ---------------------------------------------------------------

    def set_query(self, query: ledgers.Query) -> None:
        self.query = query
        self.reload()

    def reload(self, at_least: int = PAGE_SIZE) -> None:
        """Read the list again: the first page, or ``at_least`` rows when the view had
        scrolled further (a refresh keeps the clerk's place)."""
        self.loaded = True
        self.beginResetModel()
        self._now = now()
        self.total = ledgers.count(self.ctx, self.ledger.key, self.query)
        rows = max(PAGE_SIZE, at_least)
        self.rows = ledgers.page(self.ctx, self.ledger.key, self.query, 0, rows)
        self.endResetModel()

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = ROOT) -> None:
        if parent.isValid():
            return
        more = ledgers.page(self.ctx, self.ledger.key, self.query, len(self.rows), PAGE_SIZE)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # --- Qt model ----------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].label
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.columns[index.column()]
        value = row.get(col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return ledgers.display(col, value)
        if role == Qt.ItemDataRole.ToolTipRole and col.kind == "text" and value:
            text = str(value)
            return text if len(text) > 20 else None
        if role == Qt.ItemDataRole.ForegroundRole and col.key == "deadline_at" and value:
            if value < self._now:
                return QBrush(OVERDUE)
            if value <= self._now + SOON:
                return QBrush(DUE_SOON)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "deadline_at" and value:
            if value < self._now:
                return "已逾期"
            return "即将到期" if value <= self._now + SOON else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].key
        self.query = replace(
            self.query, sort_key=key, descending=order == Qt.SortOrder.DescendingOrder
        )
        if self.loaded:  # the view's initial sort only sets the order of the first load
            self.reload()

    def record_id(self, row: int) -> int:
        return int(self.rows[row]["id"])

    def row_of(self, record_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r["id"] == record_id:
                return i
        return None
