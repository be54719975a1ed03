"""投诉举报: quick intake and the ledger."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.services.context import ServiceContext
from desktop_app.ui.pages.system_page import SystemPage


class ComplaintsPage(SystemPage):
    title = "投诉举报"
    heading = "投诉举报受理告知"
    ledger_key = "complaints"
    intro = (
        "首问负责：率先接到投诉举报的单位作为第一责任人。经初步核实：未发现违法行为的直接答复；"
        "属本镇管辖需处罚的立案调查；无管辖权的移交有管辖权的部门。投诉举报人信息严格保密。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = self.add_button("登记投诉举报…", self.new_complaint)
        self.set_body(self.list)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.complaint_dialog import ComplaintDialog

        return ComplaintDialog(self.ctx, record_id, self)

    def new_complaint(self) -> None:
        from desktop_app.ui.dialogs.complaint_intake import ComplaintIntakeDialog

        dialog = ComplaintIntakeDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.complaint_id is not None:
            self.written(dialog.complaint_id)
