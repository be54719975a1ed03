"""文书登记: every issued letter; reopen, print, save a copy, void."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.pages.base import Page
from desktop_app.ui.pages.ledger_page import LedgerList


class DocumentsPage(Page):
    title = "文书登记"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        intro = QLabel(
            "每一份发出的文书都在此登记：文号、日期、主送单位、所属记录和文件校验值。"
            "作废的文号保留在登记中，不再使用。新文书请在各台账的记录中点“出具文书”。"
        )
        intro.setObjectName("pageIntro")
        intro.setWordWrap(True)
        self.list = LedgerList(ctx, "documents", self, on_open=self.open_document)
        self.open_button = QPushButton("查看 / 打印…")
        self.void_button = QPushButton("作废…")
        self.open_button.clicked.connect(self._open_selected)
        self.void_button.clicked.connect(self.void_selected)
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.void_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)

    def refresh(self) -> None:
        self.list.refresh()

    def selected_id(self) -> int | None:
        index = self.list.table.currentIndex()
        return self.list.model.record_id(index.row()) if index.isValid() else None

    def _open_selected(self) -> None:
        doc_id = self.selected_id()
        if doc_id is None:
            prompts.info(self, "请先在列表中选中一份文书。")
            return
        self.open_document(doc_id)

    def open_document(self, document_id: int) -> None:
        from desktop_app.ui.dialogs.letter_dialog import LetterDialog

        dialog = LetterDialog(self.ctx, document_id=document_id, parent=self)
        if not dialog.loaded:
            prompts.warn(self, dialog.status.text())
            return
        dialog.exec()

    def void_selected(self) -> None:
        doc_id = self.selected_id()
        if doc_id is None:
            prompts.info(self, "请先在列表中选中要作废的文书。")
            return
        try:
            doc = letters.get(self.ctx, doc_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        label = doc.number or doc.title
        reason = prompts.ask_text(self, "作废文书", f"作废“{label}”的原因（文号保留，不再使用）：")
        if reason is None:
            return
        try:
            letters.void(self.ctx, doc_id, reason)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self.refresh()
        self.data_changed.emit()
