"""One 信息共享 item: its fields, files and history; 修改, 登记共享, 添加文件."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import RecordType, ShareMethod
from desktop_app.services import attachments, info_shares, records
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, Field
from desktop_app.ui.dialogs.info_share_dialog import LATE_HINT
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.record_panels import (
    AttachmentsPanel,
    DeadlineBanner,
    HistoryTable,
)


class InfoShareView(RecordWindow):
    ledger_key = "info_shares"
    name = "信息共享"

    def __init__(self, ctx: ServiceContext, share_id: int, parent: QWidget | None = None):
        super().__init__(ctx, share_id, (("edit", "修改…"), ("share", "登记共享…")), parent)
        self.share_id = share_id
        self.resize(820, 620)
        self.banner = DeadlineBanner()
        self.files = AttachmentsPanel(ctx, on_add=self.add_file)
        self.tabs.addTab(self.files, "附件")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.finish(self.banner)

    def reload(self) -> None:
        self.fill_basics()
        note, overdue = records.deadline_note(self.ctx, "info_shares", self.share_id)
        self.banner.show_note(f"尚未共享。{note}。{LATE_HINT}" if note else "", overdue)
        self.files.fill(attachments.list_for(self.ctx, RecordType.INFO_SHARE, self.share_id))
        self.history.fill(info_shares.history(self.ctx, self.share_id))
        allowed = info_shares.allowed_actions(self.ctx, self.share_id)
        self.show_steps(allowed)
        self.files.add_button.setVisible("files" in allowed)

    def step_edit(self) -> bool:
        from desktop_app.ui.dialogs.info_share_dialog import InfoShareDialog

        try:
            dialog = InfoShareDialog(self.ctx, self, share_id=self.share_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def step_share(self) -> bool:
        form = ActionForm(
            "登记共享",
            [
                Field("shared_on", "共享日期", "date", True, default=clock.today()),
                Field(
                    "method",
                    "共享方式",
                    "choice",
                    True,
                    [(label, code) for code, label in ShareMethod.choices()],
                ),
                Field("late_reason", "延期共享原因", hint="形成当日之后共享的，须说明原因。"),
            ],
            lambda v: info_shares.mark_shared(
                self.ctx,
                self.share_id,
                v["shared_on"],
                v["method"],
                v["late_reason"] or None,
            ),
            self,
            LATE_HINT,
        )
        return form.exec() == QDialog.DialogCode.Accepted

    def add_file(self) -> None:
        path = prompts.open_file(self, "选择要附上的文件", "所有文件 (*)")
        if path is None:
            return
        try:
            info_shares.add_files(self.ctx, self.share_id, [path])
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._changed()
