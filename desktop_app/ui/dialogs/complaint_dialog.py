"""One complaint: its fields, the complainant (masked; revealed only when allowed,
and audited), the duties still open, letters, history and the next steps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import ComplaintOutcome, RecordType
from desktop_app.services import complaints, letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import Field
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.record_panels import HistoryTable, LettersPanel

STEP_BUTTONS: tuple[tuple[str, str], ...] = (
    ("edit", "修改登记内容…"),
    ("verify", "登记核实结果…"),
    ("file_case", "立案…"),
    ("case_result", "登记查处结果…"),
    ("transfer", "移送有管辖权部门…"),
    ("reply", "答复投诉举报人…"),
    ("feedback", "反馈告知部门…"),
)


class ComplaintDialog(RecordWindow):
    ledger_key = "complaints"
    name = "投诉举报"

    def __init__(self, ctx: ServiceContext, complaint_id: int, parent: QWidget | None = None):
        super().__init__(ctx, complaint_id, STEP_BUTTONS, parent)
        self.complaint_id = complaint_id
        self.revealed = False
        self.resize(860, 700)
        self.duties = QLabel()
        self.duties.setObjectName("warningBanner")
        self.duties.setWordWrap(True)

        self.person_box = QGroupBox("投诉举报人（保密）")
        person_layout = QVBoxLayout(self.person_box)
        self.person_form = QFormLayout()
        person_layout.addLayout(self.person_form)
        self.reveal_button = QPushButton("查看完整信息…")
        self.reveal_button.setToolTip("查看完整的投诉举报人信息；每次查看都记入操作日志")
        self.reveal_button.clicked.connect(self.reveal)
        person_layout.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")

        self.finish(self.duties, self.person_box)

    # --- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        self.fill_basics()
        duties = complaints.pending_duties(self.ctx, self.complaint_id)
        self.duties.setText("尚待办理：" + "；".join(duties) if duties else "")
        self.duties.setVisible(bool(duties))
        self.revealed = False
        person = complaints.complainant_masked(self.ctx, self.complaint_id)
        self._show_person(person)
        allowed = complaints.allowed_actions(self.ctx, self.complaint_id)
        # letters showing the complainant are for those who may see them
        self._fill_letters(personal=person.anonymous or "reveal" in allowed)
        self._fill_history()
        self.show_steps(allowed)
        self.reveal_button.setVisible("reveal" in allowed)

    def _show_person(self, view: complaints.ComplainantView) -> None:
        self.reveal_button.setText("查看完整信息…" if view.masked else "隐藏完整信息")
        self.person_box.setTitle(
            "投诉举报人（保密）"
            if view.masked
            else "投诉举报人（保密，已显示完整信息，本次查看已记录）"
        )
        while self.person_form.rowCount():
            self.person_form.removeRow(0)
        if view.anonymous:
            self.person_form.addRow(QLabel("匿名投诉举报，无投诉举报人信息。"))
            return
        for label, value in (
            ("姓名", view.name),
            ("联系电话", view.phone),
            ("身份证号码", view.id_number),
            ("住址", view.address),
        ):
            if value:  # what was not given is not listed
                self.person_form.addRow(f"{label}：", QLabel(value))

    def _fill_letters(self, personal: bool) -> None:
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.COMPLAINT, self.complaint_id),
            [
                (t.code, t.name)
                for t in letters.document_types(RecordType.COMPLAINT)
                if personal or t.code not in letters.PERSONAL_TYPES
            ],
        )
        self.new_letter_menu = self.letters_panel.menu

    def _fill_history(self) -> None:
        self.history.fill(complaints.history(self.ctx, self.complaint_id))

    # --- actions ------------------------------------------------------------------------

    def reveal(self) -> None:
        if self.revealed:  # the button hides it again
            self.revealed = False
            self._show_person(complaints.complainant_masked(self.ctx, self.complaint_id))
            return
        purpose = prompts.ask_text(
            self, "查看投诉举报人信息", "查看原因（将记入操作留痕，如：电话回访）："
        )
        if purpose is None:
            return
        try:
            view = complaints.reveal_complainant(self.ctx, self.complaint_id, purpose)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._show_person(view)
        self.revealed = True
        self._fill_history()

    def step_edit(self) -> bool:
        from desktop_app.ui.dialogs.complaint_intake import ComplaintIntakeDialog

        try:
            data, version = complaints.edit_input(self.ctx, self.complaint_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        dialog = ComplaintIntakeDialog(self.ctx, self, (self.complaint_id, data, version))
        dialog.exec()
        return True  # saved or not, loading it was an audited view: the history shows it

    def step_verify(self) -> bool:
        outcomes = [(m.label, m.value) for m in ComplaintOutcome]
        return self._form(
            "登记核实结果",
            [
                Field("verified_at", "核实时间", "datetime", True),
                Field("note", "核实情况", "multiline", True),
                Field("outcome", "核实结果", "choice", True, outcomes),
            ],
            lambda v: complaints.record_verification(
                self.ctx,
                self.complaint_id,
                v["verified_at"],
                self.ctx.operator_id,
                v["note"],
                v["outcome"],
            ),
            "经初步核实：未发现违法行为的，直接答复；需要实施行政处罚且属本镇管辖的，立案调查；"
            "无管辖权的，形成书面材料移交有管辖权的部门（机制 三（二）1）。",
        )

    def step_file_case(self) -> bool:
        return self._form(
            "立案",
            [
                Field("case_number", "案号", required=True),
                Field("filed_on", "立案日期", "date", True, default=clock.today()),
            ],
            lambda v: complaints.file_case(
                self.ctx, self.complaint_id, v["case_number"], v["filed_on"]
            ),
        )

    def step_case_result(self) -> bool:
        return self._form(
            "登记查处结果",
            [
                Field("summary", "查处结果", "multiline", True),
                Field("closed_on", "结案日期", "date", True, default=clock.today()),
            ],
            lambda v: complaints.record_case_result(
                self.ctx, self.complaint_id, v["summary"], v["closed_on"]
            ),
        )

    def step_transfer(self) -> bool:
        from desktop_app.ui.wizards.outgoing_referral import OutgoingReferralWizard

        try:
            prefill = complaints.transfer_prefill(self.ctx, self.complaint_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        wizard = OutgoingReferralWizard(
            self.ctx, self, complaint_id=self.complaint_id, prefill=prefill
        )
        wizard.exec()
        if wizard.referral_id is None:
            return False
        try:
            complaints.link_transfer(self.ctx, self.complaint_id, wizard.referral_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
        return True

    def step_reply(self) -> bool:
        return self._form(
            "答复投诉举报人",
            [
                Field("replied_at", "答复时间", "datetime", True),
                Field(
                    "method",
                    "答复方式",
                    "choice",
                    True,
                    [
                        (m, m)
                        for m in ("电话", "当面", "书面（处理结果告知书）", "短信", "网络平台")
                    ],
                ),
                Field("summary", "答复内容", "multiline", True),
            ],
            lambda v: complaints.record_reply(
                self.ctx, self.complaint_id, v["replied_at"], v["method"], v["summary"]
            ),
            "乡镇告知投诉人或举报人调查处理结果（机制 三（二）3）。"
            "书面答复可出具《处理结果告知书》。",
        )

    def step_feedback(self) -> bool:
        return self._form(
            "反馈告知部门",
            [
                Field("feedback_at", "反馈时间", "datetime", True),
                Field("summary", "反馈内容", "multiline", True),
            ],
            lambda v: complaints.record_feedback(
                self.ctx, self.complaint_id, v["feedback_at"], v["summary"]
            ),
            "乡镇应向告知的县级职能部门反馈调查处理结果（机制 三（二）3），"
            "可出具《处理结果反馈函》。",
        )
