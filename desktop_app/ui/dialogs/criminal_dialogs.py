"""行刑衔接: marking a record as a suspected crime (涉嫌犯罪), and the transfer's
window through the steps of 国务院令第310号: the team of at least two officers,
the written report, the head's decision within 3 日, the transfer to the public
security organ within 24 hours with the procuratorate informed, the materials,
then receipt, the police decision, reconsideration and supervision."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import (
    MaterialKind,
    OrgKind,
    PoliceDecision,
    RecordType,
)
from desktop_app.services import criminal, letters, organisations, records, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, Field
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.form_helpers import FieldRows, make_form, save_cancel_buttons, save_form
from desktop_app.ui.widgets.org_checklist import OrganisationChecklist
from desktop_app.ui.widgets.record_link import LinkField
from desktop_app.ui.widgets.record_panels import DeadlineBanner, HistoryTable, LettersPanel

FLAG_HINT = (
    "发现违法行为涉嫌犯罪的，应当依照国务院令第310号移送公安机关，"
    "不得以行政处罚代替移送（以罚代刑）。"
)


class FlagDialog(QDialog):
    """Mark a case, transfer or complaint as a suspected crime (or correct the mark)."""

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, transfer_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.transfer_id = ctx, transfer_id
        self.version: int | None = None
        self.setWindowTitle("修改涉嫌犯罪标记" if transfer_id else "标记涉嫌犯罪")
        self.resize(680, 460)
        self.source = LinkField(ctx)
        self.title = QLineEdit()
        self.title.setPlaceholderText("如：王某某涉嫌非法采矿案")
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(
            "涉嫌犯罪的事实和理由，如：采砂量经认定约1.2万立方米，涉嫌非法采矿罪"
        )
        self.reason.setFixedHeight(100)
        self.note = QLineEdit()
        form = make_form()
        self.rows = FieldRows(form)
        r = self.rows
        r.add("source_id", "来源记录", self.source, required=True, hint=FLAG_HINT)
        r.add("title", "案件名称", self.title, required=True)
        r.add("reason", "涉嫌犯罪的理由", self.reason, required=True)
        r.add("note", "备注", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(save_cancel_buttons(self, self.save))
        if transfer_id is not None:
            data, self.version = criminal.load_input(ctx, transfer_id)
            self.source.set_link(data.source_type, data.source_id)
            self.title.setText(data.title)
            self.reason.setPlainText(data.reason)
            self.note.setText(data.note or "")

    def collect(self) -> criminal.FlagInput:
        return criminal.FlagInput(
            source_type=self.source.linked_type or "",
            source_id=self.source.linked_id,
            title=self.title.text().strip(),
            reason=self.reason.toPlainText().strip(),
            note=self.note.text().strip() or None,
        )

    def save(self) -> None:
        def run() -> int:
            data = self.collect()
            if self.transfer_id is None:
                return criminal.flag(self.ctx, data)
            criminal.update(self.ctx, self.transfer_id, data, self.version)
            return self.transfer_id

        self.transfer_id = save_form(self, self.rows, run) or self.transfer_id


class TeamDialog(QDialog):
    """专案组: at least two officers holding enforcement certificates."""

    def __init__(self, ctx: ServiceContext, transfer_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.transfer_id = ctx, transfer_id
        self.setWindowTitle("确定专案组成员")
        self.resize(520, 420)
        people = [
            (
                p.id,
                f"{p.name}（执法证号 {p.certificate_number}）" if p.certificate_number else p.name,
            )
            for p in staff.list_all(ctx, active_only=True)
        ]
        self.members = OrganisationChecklist(people)
        t = criminal.get(ctx, transfer_id)
        self.version = t.version
        self.members.set_ids([p.id for p in t.officers])
        form = make_form()
        self.rows = FieldRows(form)
        self.rows.add(
            "staff_ids",
            "专案组成员",
            self.members,
            required=True,
            hint="应当由两名以上持有行政执法证件的人员组成专案组（国务院令第310号第五条）。",
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        def run() -> int:
            criminal.set_team(self.ctx, self.transfer_id, self.members.ids(), self.version)
            return self.transfer_id

        save_form(self, self.rows, run)


CRIMINAL_STEPS: tuple[tuple[str, str], ...] = (
    ("edit", "修改…"),
    ("team", "专案组…"),
    ("report", "登记书面报告…"),
    ("decide", "登记负责人决定…"),
    ("transfer", "移送公安机关…"),
    ("receipt", "登记公安机关接收…"),
    ("police_decision", "登记公安机关决定…"),
    ("reconsider", "提请复议…"),
    ("reconsideration_result", "登记复议结果…"),
    ("supervision", "登记检察监督…"),
    ("close", "办结…"),
)
DECREE_310_MATERIALS = (  # 国务院令第310号第六条
    MaterialKind.CRIMINAL_TRANSFER_LETTER,
    MaterialKind.INVESTIGATION_REPORT,
    MaterialKind.SEIZED_ITEMS,
    MaterialKind.TEST_REPORT,
    MaterialKind.OTHER,
)
MATERIAL_COLUMNS = ["类别", "材料名称", "页数", "份数", "附件"]


class CriminalWindow(RecordWindow):
    ledger_key = "criminal_transfers"
    name = "涉嫌犯罪案件移送"
    record_type = RecordType.CRIMINAL_TRANSFER

    def __init__(self, ctx: ServiceContext, transfer_id: int, parent: QWidget | None = None):
        super().__init__(ctx, transfer_id, CRIMINAL_STEPS, parent)
        self.transfer_id = transfer_id
        self.resize(980, 700)
        self.banner = DeadlineBanner()
        self.materials = QTableWidget(0, len(MATERIAL_COLUMNS))
        self.materials.setHorizontalHeaderLabels(MATERIAL_COLUMNS)
        self.materials.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.materials.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.materials.verticalHeader().setVisible(False)
        self.materials.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_material_button = QPushButton("添加材料…")
        self.add_material_button.clicked.connect(self.add_material)
        tab = QWidget()
        box = QVBoxLayout(tab)
        row = QHBoxLayout()
        hint = QLabel(
            "移送材料：涉嫌犯罪案件移送书、涉嫌犯罪案件情况的调查报告、涉案物品清单、"
            "有关检验报告或者鉴定结论、其他有关涉嫌犯罪的材料。"
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        row.addWidget(hint, 1)
        row.addWidget(self.add_material_button)
        box.addLayout(row)
        box.addWidget(self.materials)
        self.tabs.addTab(tab, "移送材料")
        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.finish(self.banner)

    def reload(self) -> None:
        self.fill_basics()
        note = records.deadline_note(self.ctx, "criminal_transfers", self.transfer_id)
        self.banner.show_note(*note)
        rows = criminal.list_materials(self.ctx, self.transfer_id)
        self.materials.setRowCount(len(rows))
        for r, m in enumerate(rows):
            cells = (
                m.kind_label,
                m.title,
                str(m.pages or ""),
                str(m.copies),
                m.original_name or "（纸质）",
            )
            for c, text in enumerate(cells):
                self.materials.setItem(r, c, QTableWidgetItem(text))
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.CRIMINAL_TRANSFER, self.transfer_id),
            [(t.code, t.name) for t in letters.document_types(RecordType.CRIMINAL_TRANSFER)],
        )
        self.new_letter_menu = self.letters_panel.menu
        self.history.fill(criminal.history(self.ctx, self.transfer_id))
        allowed = criminal.allowed_actions(self.ctx, self.transfer_id)
        self.show_steps(allowed)
        self.add_material_button.setEnabled(bool({"report", "decide", "transfer"} & allowed))

    # --- helpers ------------------------------------------------------------------------

    def _orgs(self, kind: OrgKind) -> list[tuple[str, Any]]:
        return [
            (o.name, o.id)
            for o in organisations.list_all(self.ctx, active_only=True)
            if o.kind == kind
        ]

    def _leaders(self) -> list[tuple[str, Any]]:
        return [(p.name, p.id) for p in staff.list_all(self.ctx, active_only=True)]

    def add_material(self) -> None:
        kinds = [(m.label, m.value) for m in DECREE_310_MATERIALS]
        form = ActionForm(
            "添加移送材料",
            [
                Field("kind", "类别", "choice", True, kinds),
                Field("title", "材料名称", required=True),
                Field("pages", "页数", "int"),
                Field("copies", "份数", "int", default=1),
                Field("file", "扫描件", "file"),
            ],
            lambda v: criminal.add_material(
                self.ctx,
                self.transfer_id,
                v["kind"],
                v["title"],
                v["pages"] or None,
                v["copies"] or 1,
                v["file"] or None,
            ),
            self,
        )
        if form.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    # --- steps --------------------------------------------------------------------------

    def step_edit(self) -> bool:
        try:
            dialog = FlagDialog(self.ctx, self, transfer_id=self.transfer_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def step_team(self) -> bool:
        return TeamDialog(self.ctx, self.transfer_id, self).exec() == QDialog.DialogCode.Accepted

    def step_report(self) -> bool:
        return self._form(
            "登记书面报告",
            [Field("report_at", "报告时间", "datetime", True)],
            lambda v: criminal.record_report(self.ctx, self.transfer_id, v["report_at"]),
            "专案组写出涉嫌犯罪案件情况的调查报告，报经本机关正职负责人或者主持工作的负责人审批；"
            "负责人应当自接到报告之日起3日内作出批准移送或者不批准移送的决定。",
        )

    def step_decide(self) -> bool:
        return self._form(
            "登记负责人决定",
            [
                Field("decision_at", "决定时间", "datetime", True),
                Field("approver_id", "负责人", "choice", True, self._leaders()),
                Field(
                    "approved", "决定", "choice", True, [("批准移送", True), ("不批准移送", False)]
                ),
                Field("reason", "不批准的理由", "multiline"),
            ],
            lambda v: criminal.record_decision(
                self.ctx,
                self.transfer_id,
                v["decision_at"],
                v["approver_id"],
                bool(v["approved"]),
                v["reason"] or None,
            ),
            "批准移送的，应当在24小时内向同级公安机关移送；不批准移送的，应当将不予批准的理由记录在案。",
        )

    def step_transfer(self) -> bool:
        if not self.issue_first("criminal_transfer", "涉嫌犯罪案件移送书"):
            return False
        return self._form(
            "移送公安机关",
            [
                Field("transferred_at", "移送时间", "datetime", True),
                Field(
                    "police_org_id", "公安机关", "choice", True, self._orgs(OrgKind.PUBLIC_SECURITY)
                ),
                Field(
                    "procuratorate_org_id",
                    "抄送人民检察院",
                    "choice",
                    True,
                    self._orgs(OrgKind.PROCURATORATE),
                ),
                Field("late_reason", "超过24小时移送的理由", "multiline"),
            ],
            lambda v: criminal.record_transfer(
                self.ctx,
                self.transfer_id,
                v["transferred_at"],
                v["police_org_id"],
                v["procuratorate_org_id"],
                v["late_reason"] or None,
            ),
            "移送时抄送同级人民检察院。",
        )

    def step_receipt(self) -> bool:
        return self._form(
            "登记公安机关接收",
            [Field("received_at", "接收时间", "datetime", True)],
            lambda v: criminal.record_receipt(self.ctx, self.transfer_id, v["received_at"]),
        )

    def step_police_decision(self) -> bool:
        choices = [(d.label, d.value) for d in PoliceDecision]
        return self._form(
            "登记公安机关决定",
            [
                Field("decided_at", "决定时间", "datetime", True),
                Field("decision", "决定", "choice", True, choices),
                Field("note", "说明", "multiline"),
            ],
            lambda v: criminal.record_police_decision(
                self.ctx, self.transfer_id, v["decided_at"], v["decision"], v["note"] or None
            ),
        )

    def step_reconsider(self) -> bool:
        return self._form(
            "提请复议",
            [Field("requested_at", "提请复议时间", "datetime", True)],
            lambda v: criminal.request_reconsideration(
                self.ctx, self.transfer_id, v["requested_at"]
            ),
            "对公安机关不予立案决定有异议的，可以自接到通知之日起3日内提请复议。",
        )

    def step_reconsideration_result(self) -> bool:
        return self._form(
            "登记复议结果",
            [
                Field("at", "时间", "datetime", True),
                Field(
                    "filed", "结果", "choice", True, [("维持不予立案", False), ("改为立案", True)]
                ),
                Field("text", "复议决定内容", "multiline", True),
            ],
            lambda v: criminal.record_reconsideration_result(
                self.ctx, self.transfer_id, v["at"], v["text"], bool(v["filed"])
            ),
        )

    def step_supervision(self) -> bool:
        return self._form(
            "登记检察监督",
            [
                Field("at", "时间", "datetime", True),
                Field("text", "人民检察院立案监督情况", "multiline", True),
            ],
            lambda v: criminal.record_procuratorate_supervision(
                self.ctx, self.transfer_id, v["at"], v["text"]
            ),
        )

    def step_close(self) -> bool:
        return self._form(
            "办结",
            [
                Field("at", "办结时间", "datetime", True),
                Field("note", "办结情况", "multiline", True),
            ],
            lambda v: criminal.close(self.ctx, self.transfer_id, v["at"], v["note"]),
        )
