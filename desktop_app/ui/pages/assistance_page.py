"""执法协助: requests to county departments and the ledger."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.services.context import ServiceContext
from desktop_app.ui.dialogs.assistance_dialog import AssistanceDialog
from desktop_app.ui.dialogs.assistance_request_dialog import AssistanceRequestDialog
from desktop_app.ui.pages.base import Page
from desktop_app.ui.pages.ledger_page import LedgerList

INTRO = (
    "认定违法事项需要县级职能部门提供技术支撑的，书面函告该部门，部门一般应在5个工作日内"
    "提出书面意见和证据材料；情况紧急或证据可能灭失的，部门应及时派员现场处置；"
    "查阅、复制部门档案，部门应积极支持，不得推诿、刁难。"
)


class AssistancePage(Page):
    title = "执法协助"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel("执法协助")
        heading.setObjectName("pageTitle")
        intro = QLabel(INTRO)
        intro.setObjectName("pageIntro")
        intro.setWordWrap(True)
        self.new_button = QPushButton("新建协助请求…")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_request)
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        self.list = LedgerList(ctx, "assistance", self, on_open=self.open_request)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)

    def refresh(self) -> None:
        self.list.refresh()

    def show_record(self, ledger_key: str, record_id: int) -> None:
        self.refresh()
        self.list.select(record_id)
        self.open_request(record_id)

    def new_request(self) -> None:
        dialog = AssistanceRequestDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.request_id is not None:
            self.refresh()
            self.data_changed.emit()
            self.list.select(dialog.request_id)
            self.open_request(dialog.request_id)

    def open_request(self, request_id: int) -> None:
        dialog = AssistanceDialog(self.ctx, request_id, self)
        dialog.exec()
        if dialog.changed:
            self.refresh()
            self.data_changed.emit()
