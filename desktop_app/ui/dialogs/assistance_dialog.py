"""One 执法协助 request: its clock, fields, letters, files and history, and the
next steps (发函, 部门到场, 延期, 答复, 推诿刁难, 催办, 撤回)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import RecordType, SendMethod
from desktop_app.services import assistance, attachments, letters, records
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import Field
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.record_panels import (
    AttachmentsPanel,
    DeadlineBanner,
    HistoryTable,
    LettersPanel,
)

STEP_BUTTONS: tuple[tuple[str, str], ...] = (
    ("edit", "修改…"),
    ("send", "发函…"),
    ("arrival", "登记部门到场…"),
    ("extend", "登记延期…"),
    ("reply", "登记部门答复…"),
    ("refuse", "登记推诿、刁难…"),
    ("remind", "催办…"),
    ("withdraw", "撤回…"),
)


class AssistanceDialog(RecordWindow):
    ledger_key = "assistance"
    name = "执法协助"
    record_type = RecordType.ASSISTANCE

    def __init__(self, ctx: ServiceContext, request_id: int, parent: QWidget | None = None):
        super().__init__(ctx, request_id, STEP_BUTTONS, parent)
        self.request_id = request_id
        self.banner = DeadlineBanner()
        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")
        self.files = AttachmentsPanel(ctx)
        self.tabs.addTab(self.files, "答复材料")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.finish(self.banner)

    def reload(self) -> None:
        self.fill_basics()
        self.banner.show_note(*records.deadline_note(self.ctx, "assistance", self.request_id))
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.ASSISTANCE, self.request_id),
            [(t.code, t.name) for t in letters.document_types(RecordType.ASSISTANCE)],
        )
        self.new_letter_menu = self.letters_panel.menu
        self.files.fill(attachments.list_for(self.ctx, RecordType.ASSISTANCE, self.request_id))
        self.history.fill(assistance.history(self.ctx, self.request_id))
        self.show_steps(assistance.allowed_actions(self.ctx, self.request_id))

    # --- actions ----------------------------------------------------------------------

    def step_edit(self) -> bool:
        from desktop_app.ui.dialogs.assistance_request_dialog import AssistanceRequestDialog

        try:
            dialog = AssistanceRequestDialog(self.ctx, self, request_id=self.request_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def step_send(self) -> bool:
        if not self.issue_first("assistance_letter", "执法协助函"):
            return False
        today = clock.today()
        return self._form(
            "发函",
            [
                Field("requested_on", "函告日期", "date", True, default=today),
                Field("sent_at", "送出时间", "datetime", True),
                Field(
                    "method",
                    "送达方式",
                    "choice",
                    True,
                    [(label, code) for code, label in SendMethod.choices()],
                ),
                Field("person", "经办人/接收人"),
            ],
            lambda v: assistance.mark_sent(
                self.ctx,
                self.request_id,
                v["requested_on"],
                v["sent_at"],
                v["method"],
                v["person"] or None,
            ),
            "书面函告后开始计时：部门一般应在5个工作日内提出书面意见和相关证据材料；"
            "情况紧急或证据可能灭失的，部门应当及时派执法人员现场处置（机制 三（五））。",
        )

    def step_arrival(self) -> bool:
        return self._form(
            "登记部门到场",
            [Field("arrived_at", "执法人员到场时间", "datetime", True)],
            lambda v: assistance.record_arrival(self.ctx, self.request_id, v["arrived_at"]),
        )

    def step_extend(self) -> bool:
        return self._form(
            "登记延期",
            [
                Field("told_on", "部门告知日期", "date", True, default=clock.today()),
                Field("new_due", "延长至", "date", True),
                Field("reason", "延期原因", "multiline", True),
            ],
            lambda v: assistance.extend(
                self.ctx, self.request_id, v["new_due"], v["reason"], v["told_on"]
            ),
            "情况特殊或认定过程所需时间较长的，部门应事先告知，可适当延长时间出具认定结论"
            "（机制 三（五））。原期限保留在操作记录中。",
        )

    def step_reply(self) -> bool:
        return self._form(
            "登记部门答复",
            [
                Field("replied_on", "答复日期", "date", True, default=clock.today()),
                Field("opinion_summary", "书面意见摘要", "multiline", True),
                Field("evidence_received", "移交的证据材料", "multiline"),
                Field("file", "扫描件", "file"),
            ],
            lambda v: assistance.record_reply(
                self.ctx,
                self.request_id,
                v["replied_on"],
                v["opinion_summary"],
                v["evidence_received"] or None,
                [v["file"]] if v["file"] else [],
            ),
            "部门提出的书面意见和证据材料作为实施行政处罚的证据（机制 三（五））。",
        )

    def step_refuse(self) -> bool:
        return self._form(
            "登记推诿、刁难",
            [
                Field("on", "日期", "date", True, default=clock.today()),
                Field("note", "情况说明", "multiline", True),
            ],
            lambda v: assistance.record_refusal(self.ctx, self.request_id, v["on"], v["note"]),
            "相关部门应积极支持，不得推诿、刁难（机制 三（五））。"
            "如实记录经过，部门之后答复的仍可登记。",
        )

    def step_remind(self) -> bool:
        if not self.issue_first("reminder_letter", "催办函"):
            return False
        return self._form(
            "催办",
            [Field("sent_on", "催办函送出日期", "date", True, default=clock.today())],
            lambda v: assistance.record_reminder(self.ctx, self.request_id, v["sent_on"]),
        )

    def step_withdraw(self) -> bool:
        return self._form(
            "撤回协助请求",
            [Field("reason", "撤回原因", "multiline", True)],
            lambda v: assistance.withdraw(self.ctx, self.request_id, v["reason"]),
        )
