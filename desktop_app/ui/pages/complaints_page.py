"""投诉举报: quick intake and the ledger."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.services.context import ServiceContext
from desktop_app.ui.dialogs.complaint_dialog import ComplaintDialog
from desktop_app.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from desktop_app.ui.pages.base import Page
from desktop_app.ui.pages.ledger_page import LedgerList

INTRO = (
    "首问负责：率先接到投诉举报的单位作为第一责任人。经初步核实：未发现违法行为的直接答复；"
    "属本镇管辖需处罚的立案调查；无管辖权的移交有管辖权的部门。投诉举报人信息严格保密。"
)


class ComplaintsPage(Page):
    title = "投诉举报"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel("投诉举报受理告知")
        heading.setObjectName("pageTitle")
        intro = QLabel(INTRO)
        intro.setObjectName("pageIntro")
        intro.setWordWrap(True)
        self.new_button = QPushButton("登记投诉举报…")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_complaint)
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        self.list = LedgerList(ctx, "complaints", self, on_open=self.open_complaint)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)

    def refresh(self) -> None:
        self.list.refresh()

    def show_record(self, ledger_key: str, record_id: int) -> None:
        self.refresh()
        self.list.select(record_id)
        self.open_complaint(record_id)

    def new_complaint(self) -> None:
        dialog = ComplaintIntakeDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.complaint_id is not None:
            self.refresh()
            self.data_changed.emit()
            self.list.select(dialog.complaint_id)

    def open_complaint(self, complaint_id: int) -> None:
        dialog = ComplaintDialog(self.ctx, complaint_id, self)
        dialog.exec()
        if dialog.changed:
            self.refresh()
            self.data_changed.emit()
