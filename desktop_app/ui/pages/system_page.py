"""The page of one of the seven systems: heading, the seed's rule in a sentence,
the buttons that start a record, and the ledger (or tabs around it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.context import ServiceContext
from desktop_app.ui.pages.base import Page
from desktop_app.ui.pages.ledger_page import LedgerList


class SystemPage(Page):
    """Subclasses set ``title``, ``ledger_key`` and ``intro``, add their buttons with
    :meth:`add_button` and give the record's view in :meth:`view`."""

    ledger_key = ""
    heading = ""  # when the page's heading is longer than its name in the navigation
    intro = ""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel(self.heading or self.title)
        heading.setObjectName("pageTitle")
        note = QLabel(self.intro)
        note.setObjectName("pageIntro")
        note.setWordWrap(True)
        self.bar = QHBoxLayout()
        self.bar.addWidget(heading)
        self.bar.addStretch(1)
        self.list = LedgerList(ctx, self.ledger_key, self, on_open=self.open_item)
        self.page_layout = QVBoxLayout(self)
        self.page_layout.addLayout(self.bar)
        self.page_layout.addWidget(note)

    def add_button(self, label: str, slot: Callable[[], None]) -> QPushButton:
        """A button at the top right; the first one is the page's default."""
        button = QPushButton(label)
        button.setDefault(self.bar.count() == 2)  # heading and stretch only
        if self.ctx.read_only:  # a 查阅 account starts nothing
            button.setEnabled(False)
            button.setToolTip("「查阅」账户只能查看")
        button.clicked.connect(lambda _=False: slot())
        self.bar.addWidget(button)
        return button

    def set_body(self, body: QWidget) -> None:
        from desktop_app.services import ledger_import

        # offices bring years of Excel 台账: one entry per ledger (or direction) it can fill
        targets = [t for t in ledger_import.TARGETS.values() if t.ledger_key == self.ledger_key]
        if targets:
            only = targets[0].code if len(targets) == 1 else None
            self.import_button = self.add_button(
                "从Excel导入…", lambda: self.import_sheet(only) if only else None
            )
            if only is None:  # the button opens a menu of the targets
                menu = QMenu(self.import_button)
                for t in targets:
                    action = menu.addAction(t.label)
                    action.triggered.connect(lambda _=False, code=t.code: self.import_sheet(code))
                self.import_button.setMenu(menu)
        self.page_layout.addWidget(body, 1)

    def import_sheet(self, target: str) -> None:
        from desktop_app.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.ctx, target, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.written()

    def view(self, record_id: int) -> QDialog:
        """The record's own window; it sets ``changed`` when it wrote something."""
        raise NotImplementedError

    def refresh(self) -> None:
        self.list.refresh()

    def list_for(self, ledger_key: str) -> LedgerList | None:
        """This page's list of ``ledger_key``; a page with tabs shows its tab."""
        lists = [w for w in self.findChildren(LedgerList) if w.ledger.key == ledger_key]
        if not lists:
            return None
        tabs = getattr(self, "tabs", None)
        if tabs is not None:
            tabs.setCurrentWidget(lists[0])
        return lists[0]

    def show_record(self, ledger_key: str, record_id: int) -> None:
        self.refresh()
        self.list.select(record_id)
        self.open_item(record_id)

    def open_item(self, record_id: int) -> None:
        dialog = self.view(record_id)
        dialog.exec()
        if getattr(dialog, "changed", False):
            self.written()

    def written(self, record_id: int | None = None, open_it: bool = False) -> None:
        """Something was saved: reload, tell the other pages, show the record."""
        self.refresh()
        self.data_changed.emit()
        if record_id is not None:
            self.list.select(record_id)
            if open_it:
                self.open_item(record_id)
