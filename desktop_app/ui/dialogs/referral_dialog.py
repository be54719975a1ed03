"""One case transfer: its fields, materials, letters, history, and the next steps."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import MaterialKind, RecordType, SendMethod
from desktop_app.services import attachments, letters, records, referrals, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, Field
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.record_panels import (
    DeadlineBanner,
    HistoryTable,
    LettersPanel,
)

STEP_BUTTONS: tuple[tuple[str, str], ...] = (
    ("edit", "修改"),
    ("ready", "材料已备齐"),
    ("send", "登记发送…"),
    ("deliver", "登记送达…"),
    ("sign", "登记签收…"),
    ("result", "登记处理结果…"),
    ("return", "登记退回…"),
    ("dispute", "提出管辖争议"),
    ("file_case", "立案…"),
    ("return_incoming", "退回移送单位…"),
    ("incoming_result", "登记办理结果…"),
    ("withdraw", "撤回…"),
)


class ReferralDialog(RecordWindow):
    ledger_key = "referrals"
    name = "案件移送"

    def __init__(self, ctx: ServiceContext, referral_id: int, parent: QWidget | None = None):
        super().__init__(ctx, referral_id, STEP_BUTTONS, parent)
        self.referral_id = referral_id

        self.materials = QTableWidget(0, 5)
        self.materials.setHorizontalHeaderLabels(["类别", "材料名称", "页数", "份数", "附件"])
        self.materials.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.materials.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.materials.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.materials.verticalHeader().setVisible(False)
        self.materials.doubleClicked.connect(lambda idx: self.open_attachment(idx.row()))
        self.add_material_button = QPushButton("添加材料…")
        self.remove_material_button = QPushButton("删除所选材料")
        self.add_material_button.clicked.connect(self.add_material)
        self.remove_material_button.clicked.connect(self.remove_material)
        materials_tab = QWidget()
        box = QVBoxLayout(materials_tab)
        row = QHBoxLayout()
        hint = QLabel(
            "移送材料：移送函、案源材料（现场检查记录、投诉举报材料等）、证据材料。"
            "双击有附件的材料可打开文件。"
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        row.addWidget(hint, 1)
        row.addWidget(self.add_material_button)
        row.addWidget(self.remove_material_button)
        box.addLayout(row)
        box.addWidget(self.materials)
        self.tabs.addTab(materials_tab, "移送材料")

        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")

        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")

        self.deadline = DeadlineBanner()
        self.finish(self.deadline)

    # --- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self.fill_basics()
        self.deadline.show_note(*records.deadline_note(self.ctx, "referrals", self.referral_id))
        self._fill_materials()
        self._fill_letters()
        self._fill_history()
        allowed = referrals.allowed_actions(self.ctx, self.referral_id)
        self.show_steps(allowed)
        editable = "materials" in allowed
        self.add_material_button.setEnabled(editable)
        self.remove_material_button.setEnabled(editable)

    def _fill_materials(self) -> None:
        self.material_rows = referrals.list_materials(self.ctx, self.referral_id)
        self.materials.setRowCount(len(self.material_rows))
        for r, m in enumerate(self.material_rows):
            cells = (
                m.kind_label,
                m.title,
                str(m.pages or ""),
                str(m.copies or ""),
                m.original_name or "（纸质）",
            )
            for c, text in enumerate(cells):
                self.materials.setItem(r, c, QTableWidgetItem(text))

    def _fill_letters(self) -> None:
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.REFERRAL, self.referral_id),
            [(t.code, t.name) for t in letters.document_types(RecordType.REFERRAL)],
        )
        self.new_letter_menu = self.letters_panel.menu

    def _fill_history(self) -> None:
        self.history.fill(referrals.history(self.ctx, self.referral_id))

    # --- materials and letters -------------------------------------------------------

    def add_material(self) -> None:
        kinds = [(m.label, m.value) for m in MaterialKind]
        form = ActionForm(
            "添加移送材料",
            [
                Field("kind", "类别", "choice", True, kinds, MaterialKind.INSPECTION_RECORD.value),
                Field("title", "材料名称", required=True),
                Field("pages", "页数", "int"),
                Field("copies", "份数", "int", default=1),
                Field(
                    "file",
                    "附件（扫描件、照片）",
                    "file",
                    hint="选了文件会复制到数据文件夹保存；纸质材料可不选。",
                ),
            ],
            lambda v: referrals.add_material(
                self.ctx,
                self.referral_id,
                v["kind"],
                v["title"],
                v["pages"] or None,
                v["copies"] or 1,
                v["file"],
            ),
            self,
        )
        if form.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def remove_material(self) -> None:
        row = self.materials.currentRow()
        if row < 0:
            prompts.info(self, "请先选中要删除的材料。")
            return
        material = self.material_rows[row]
        if not prompts.confirm(self, f"删除材料“{material.title}”？"):
            return
        try:
            referrals.remove_material(self.ctx, material.id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._changed()

    def open_attachment(self, row: int) -> None:
        material = self.material_rows[row]
        if material.attachment_id is None:
            return
        try:
            path = attachments.path_of(self.ctx, material.attachment_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- workflow steps ---------------------------------------------------------------

    def step_edit(self) -> bool:
        from desktop_app.ui.wizards.outgoing_referral import OutgoingReferralWizard

        wizard = OutgoingReferralWizard(self.ctx, self, referral_id=self.referral_id)
        return wizard.exec() == QDialog.DialogCode.Accepted

    def step_ready(self) -> bool:
        try:
            referrals.mark_ready(self.ctx, self.referral_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return True

    def step_send(self) -> bool:
        people = [(p.name, p.id) for p in staff.list_all(self.ctx, active_only=True)]
        return self._form(
            "登记发送",
            [
                Field("sent_at", "发送时间", "datetime", True),
                Field(
                    "method",
                    "送达方式",
                    "choice",
                    True,
                    [(m.label, m.value) for m in SendMethod],
                    SendMethod.IN_PERSON.value,
                ),
                Field("sent_by", "发送人", "choice", False, people, self.ctx.operator_id),
                Field(
                    "late_reason", "逾期原因", "multiline", hint="超过移送期限发送的，须说明理由。"
                ),
            ],
            lambda v: referrals.mark_sent(
                self.ctx,
                self.referral_id,
                v["sent_at"],
                v["method"],
                v["sent_by"],
                v["late_reason"] or None,
            ),
            "发送前须已出具《涉嫌违法案件移送函》并备齐至少一份案源材料。",
        )

    def step_deliver(self) -> bool:
        return self._form(
            "登记送达",
            [Field("delivered_at", "送达时间", "datetime", True)],
            lambda v: referrals.mark_delivered(self.ctx, self.referral_id, v["delivered_at"]),
        )

    def step_sign(self) -> bool:
        return self._form(
            "登记签收",
            [
                Field("signed_at", "签收时间", "datetime", True),
                Field("signed_by", "签收人", required=True),
            ],
            lambda v: referrals.mark_signed(
                self.ctx, self.referral_id, v["signed_at"], v["signed_by"]
            ),
            "以送达回证上对方签收的时间和签收人为准。",
        )

    def step_result(self) -> bool:
        return self._form(
            "登记处理结果",
            [
                Field("result_at", "反馈日期", "datetime", True),
                Field("summary", "处理结果", "multiline", True),
                Field("file", "反馈材料（可选）", "file"),
            ],
            lambda v: referrals.record_result(
                self.ctx, self.referral_id, v["result_at"], v["summary"], v["file"]
            ),
        )

    def step_return(self) -> bool:
        done = self._form(
            "登记退回",
            [
                Field("returned_at", "退回时间", "datetime", True),
                Field("reason", "退回理由", "multiline", True),
            ],
            lambda v: referrals.mark_returned(
                self.ctx, self.referral_id, v["returned_at"], v["reason"]
            ),
        )
        if done and prompts.confirm(
            self, "对方退回了移送的案件。是否就管辖问题提出争议（进入争议协调）？"
        ):
            self.step_dispute()
        return done

    def step_dispute(self) -> bool:
        try:
            dispute_id = referrals.open_dispute(self.ctx, self.referral_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        prompts.info(self, f"已登记管辖争议（记录 {dispute_id}），可在“管辖争议”中继续协商。")
        return True

    def step_withdraw(self) -> bool:
        return self._form(
            "撤回移送",
            [Field("reason", "撤回原因", "multiline", True)],
            lambda v: referrals.withdraw(self.ctx, self.referral_id, v["reason"]),
        )

    def step_file_case(self) -> bool:
        return self._form(
            "立案",
            [
                Field("case_number", "案号", required=True),
                Field("filed_on", "立案日期", "date", True, default=clock.today()),
            ],
            lambda v: referrals.file_case(
                self.ctx, self.referral_id, v["case_number"], v["filed_on"]
            ),
        )

    def step_return_incoming(self) -> bool:
        return self._form(
            "退回移送单位",
            [
                Field("returned_at", "退回时间", "datetime", True),
                Field("reason", "退回理由", "multiline", True),
            ],
            lambda v: referrals.return_incoming(
                self.ctx, self.referral_id, v["returned_at"], v["reason"]
            ),
            "不属于本镇管辖的，应书面说明理由退回移送单位。",
        )

    def step_incoming_result(self) -> bool:
        done = self._form(
            "登记办理结果",
            [
                Field("result_at", "办结时间", "datetime", True),
                Field("summary", "处理结果", "multiline", True),
            ],
            lambda v: referrals.record_incoming_result(
                self.ctx, self.referral_id, v["result_at"], v["summary"]
            ),
        )
        if done and prompts.confirm(self, "是否现在出具《案件处理结果反馈函》反馈移送单位？"):
            self.open_letter(code="referral_feedback")
        return done
