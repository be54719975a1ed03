"""执法协助: requests to county departments and the ledger."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.services.context import ServiceContext
from desktop_app.ui.pages.system_page import SystemPage


class AssistancePage(SystemPage):
    title = "执法协助"
    ledger_key = "assistance"
    intro = (
        "认定违法事项需要县级职能部门提供技术支撑的，书面函告该部门，部门一般应在5个工作日内"
        "提出书面意见和证据材料；情况紧急或证据可能灭失的，部门应及时派员现场处置；"
        "查阅、复制部门档案，部门应积极支持，不得推诿、刁难。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = self.add_button("新建协助请求…", self.new_request)
        self.set_body(self.list)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.assistance_dialog import AssistanceDialog

        return AssistanceDialog(self.ctx, record_id, self)

    def new_request(self) -> None:
        from desktop_app.ui.dialogs.assistance_request_dialog import AssistanceRequestDialog

        dialog = AssistanceRequestDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.request_id is not None:
            self.written(dialog.request_id, open_it=True)
