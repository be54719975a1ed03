"""争议协调: jurisdiction disputes and their ledger."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.services.context import ServiceContext
from desktop_app.ui.pages.system_page import SystemPage


class DisputesPage(SystemPage):
    title = "管辖争议"
    heading = "争议协调"
    ledger_key = "disputes"
    intro = (
        "乡镇与县级职能部门之间发生执法管辖争议的，由双方协商解决；"
        "协商不成的，提请县人民政府决定。案件移送被退回时可直接提出管辖争议。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = self.add_button("登记管辖争议…", self.new_dispute)
        self.set_body(self.list)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.dispute_dialogs import DisputeWindow

        return DisputeWindow(self.ctx, record_id, self)

    def new_dispute(self) -> None:
        from desktop_app.ui.dialogs.dispute_dialogs import DisputeDialog

        dialog = DisputeDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.dispute_id is not None:
            self.written(dialog.dispute_id, open_it=True)
