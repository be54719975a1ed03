"""联合执法行动: the form (when, with whom, against what, what was found and done)
and the action's window (files such as photos and records, history)."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import RecordType
from desktop_app.services import attachments, info_shares, joint_actions, ledgers
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    date_edit,
    make_form,
    save_cancel_buttons,
    save_form,
    scrolling,
)
from desktop_app.ui.widgets.org_checklist import OrganisationChecklist
from desktop_app.ui.widgets.record_link import LinkField
from desktop_app.ui.widgets.record_panels import AttachmentsPanel, HistoryTable


def _text_box(placeholder: str, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


class JointActionDialog(QDialog):
    """A new joint action (``action_id`` None) or its correction."""

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, action_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.action_id = ctx, action_id
        self.version: int | None = None
        self.setWindowTitle("修改联合执法行动" if action_id else "登记联合执法行动")
        self.resize(720, 720)
        self.title = QLineEdit()
        self.title.setPlaceholderText("如：滹沱河沿线非法采砂联合整治")
        self.action_on = date_edit(clock.today())
        self.organisations = OrganisationChecklist(
            [(o.id, o.name) for o in info_shares.counterpart_choices(ctx)]
        )
        self.targets = _text_box("检查对象、区域")
        self.findings = _text_box("发现的问题")
        self.results = _text_box("处理结果：责令整改、立案、移送等")
        self.meeting = QComboBox()
        self.meeting.addItem("（无）", None)
        for row in ledgers.page(ctx, "meetings", ledgers.Query(), limit=200):
            self.meeting.addItem(f"{row['serial']}　{row['subject']}", row["id"])
        self.link = LinkField(ctx)
        self.note = QLineEdit()
        holder = QWidget()
        form = make_form(holder)
        self.rows = FieldRows(form)
        r = self.rows
        r.add("title", "行动名称", self.title, required=True)
        r.add("action_on", "行动日期", self.action_on, required=True)
        r.add("organisation_ids", "参加单位", self.organisations, required=True)
        r.add("targets", "检查对象", self.targets)
        r.add("findings", "发现问题", self.findings, hint="行动结束后填写。")
        r.add("results", "处理结果", self.results)
        r.add("meeting_id", "议定该行动的会议", self.meeting)
        r.add("linked_id", "关联记录", self.link)
        r.add("note", "备注", self.note)
        scroll = scrolling(holder)
        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        if action_id is not None:
            data, self.version = joint_actions.load_input(ctx, action_id)
            self._fill(data)

    def _fill(self, data: joint_actions.JointActionInput) -> None:
        self.title.setText(data.title or "")
        d = data.action_on
        self.action_on.setDate(QDate(d.year, d.month, d.day))
        assert self.action_id is not None
        kept = {o.id: o.name for o in joint_actions.get(self.ctx, self.action_id).organisations}
        self.organisations.set_ids(list(data.organisation_ids), kept)
        self.targets.setPlainText(data.targets or "")
        self.findings.setPlainText(data.findings or "")
        self.results.setPlainText(data.results or "")
        self.meeting.setCurrentIndex(max(self.meeting.findData(data.meeting_id), 0))
        self.link.set_link(data.linked_type, data.linked_id)
        self.note.setText(data.note or "")

    def collect(self) -> joint_actions.JointActionInput:
        return joint_actions.JointActionInput(
            title=self.title.text().strip(),
            action_on=self.action_on.date().toPython(),  # type: ignore[arg-type]
            organisation_ids=self.organisations.ids(),
            targets=self.targets.toPlainText().strip() or None,
            findings=self.findings.toPlainText().strip() or None,
            results=self.results.toPlainText().strip() or None,
            meeting_id=self.meeting.currentData(),
            linked_type=self.link.linked_type,
            linked_id=self.link.linked_id,
            note=self.note.text().strip() or None,
        )

    def save(self) -> None:
        def run() -> int:
            data = self.collect()
            if self.action_id is None:
                return joint_actions.create(self.ctx, data)
            joint_actions.update(self.ctx, self.action_id, data, self.version)
            return self.action_id

        self.action_id = save_form(self, self.rows, run) or self.action_id


class JointActionWindow(RecordWindow):
    ledger_key = "joint_actions"
    name = "联合执法行动"

    def __init__(self, ctx: ServiceContext, action_id: int, parent: QWidget | None = None):
        super().__init__(ctx, action_id, (("edit", "修改…"),), parent)
        self.action_id = action_id
        self.files = AttachmentsPanel(ctx, on_add=self.add_file)
        self.tabs.addTab(self.files, "附件")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.finish()

    def reload(self) -> None:
        self.fill_basics()
        self.files.fill(attachments.list_for(self.ctx, RecordType.JOINT_ACTION, self.action_id))
        self.history.fill(joint_actions.history(self.ctx, self.action_id))
        allowed = joint_actions.allowed_actions(self.ctx, self.action_id)
        self.show_steps(allowed)
        self.files.add_button.setVisible("files" in allowed)

    def step_edit(self) -> bool:
        try:
            dialog = JointActionDialog(self.ctx, self, action_id=self.action_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add_file(self) -> None:
        path = prompts.open_file(self, "选择要附上的文件（照片、检查记录等）", "所有文件 (*)")
        if path is None:
            return
        try:
            joint_actions.add_files(self.ctx, self.action_id, [path])
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._changed()
