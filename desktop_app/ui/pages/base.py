"""What every page of the main window has."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop_app.services.context import ServiceContext


class Page(QWidget):
    """A page receives the service context; it never reaches into the main window.

    ``open_record(ledger_key, record_id)`` asks the window to show a record;
    ``data_changed()`` tells it something was written (other pages refresh).
    """

    title = ""
    open_record = Signal(str, int)
    # show a ledger's list filtered: (ledger key, start date or None, end date or None, overdue)
    open_list = Signal(str, object, object, bool)
    data_changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Reload from the database; called each time the page is shown."""

    def list_for(self, ledger_key: str) -> Any:
        """The LedgerList that shows ``ledger_key`` on this page (made current), or None."""
        return None
