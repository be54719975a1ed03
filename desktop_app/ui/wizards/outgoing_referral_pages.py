"""The pages of the 新建案件移送 wizard (see outgoing_referral.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop_app.domain import clock
from desktop_app.domain.deadlines import is_end_of_day
from desktop_app.domain.terms import (
    FoundHow,
    MaterialKind,
    OrgKind,
    PartyKind,
    RecordType,
    SendMethod,
    Urgency,
)
from desktop_app.services import letters, organisations, referrals, staff
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, Field, to_qdatetime
from desktop_app.ui.widgets.form_helpers import FieldRows, make_form, problems_summary

if TYPE_CHECKING:
    from desktop_app.ui.wizards.outgoing_referral import OutgoingReferralWizard

QUICK_MATERIALS = (
    (MaterialKind.INSPECTION_RECORD, "现场检查记录"),
    (MaterialKind.COMPLAINT_MATERIAL, "投诉举报材料"),
    (MaterialKind.EVIDENCE, "现场照片"),
)


def _datetime_edit(value: datetime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit(to_qdatetime(value or clock.now()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


def when(edit: QDateTimeEdit) -> datetime:
    return edit.dateTime().toPython().replace(second=0, microsecond=0)


class _Page(QWizardPage):
    step: str | None = None

    def __init__(self, wizard: OutgoingReferralWizard, title: str, subtitle: str) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = make_form()
        self.rows = FieldRows(self.form)

    def validatePage(self) -> bool:
        if self.step is None:
            return True
        problems = referrals.validate_outgoing(self.w.ctx, self.w.collect(), self.step)
        self.rows.show(problems)
        if problems:
            prompts.warn(self, problems_summary(problems, "请修改以下内容后再继续："))
            return False
        return True


class FoundPage(_Page):
    step = "found"

    def __init__(self, wizard: OutgoingReferralWizard) -> None:
        super().__init__(wizard, "发现的违法行为", "记录基本违法事实（移送须形成书面材料）。")
        self.matter = QLineEdit()
        self.matter.setPlaceholderText("如：露天焚烧秸秆、河道内擅自采砂")
        self.facts = QPlainTextEdit()
        self.facts.setPlaceholderText("时间、地点、经过、情节等基本违法事实")
        self.facts.setFixedHeight(110)
        self.party_kind = QComboBox()
        for code, label in PartyKind.choices():
            self.party_kind.addItem(label, code)
        self.party_name = QLineEdit()
        self.party_code = QLineEdit()
        self.party_address = QLineEdit()
        self.party_phone = QLineEdit()
        self.place = QLineEdit()
        self.found_at = _datetime_edit()
        self.found_how = QComboBox()
        for code, label in FoundHow.choices():
            self.found_how.addItem(label, code)
        rows = self.rows
        rows.add("matter", "违法事项", self.matter, required=True)
        rows.add("facts", "基本违法事实", self.facts)
        rows.add("party.kind", "当事人类型", self.party_kind, required=True)
        rows.add("party.name", "当事人", self.party_name, required=True)
        rows.add(
            "party.code",
            "证件号码",
            self.party_code,
            hint="自然人填身份证号码；单位填统一社会信用代码。",
        )
        rows.add("party.address", "当事人地址", self.party_address)
        rows.add("party.phone", "联系电话", self.party_phone)
        rows.add("place", "发现地点", self.place, required=True)
        rows.add("found_at", "发现时间", self.found_at, required=True)
        rows.add("found_how", "发现途径", self.found_how, required=True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        ok = super().validatePage()
        # the shared code field answers to either validator's key
        for key in ("party.id_number", "party.credit_code"):
            message = self.w.last_problems.get(key)
            if message:
                self.rows.show({"party.code": message})
        return ok


class JurisdictionPage(_Page):
    step = "jurisdiction"

    def __init__(self, wizard: OutgoingReferralWizard) -> None:
        super().__init__(
            wizard,
            "有管辖权的部门",
            "根据行政处罚事项清单建议有管辖权的县级职能部门，请确认或另选。",
        )
        self.keyword = QLineEdit()
        search = QPushButton("查询清单")
        search.clicked.connect(self.search)
        self.keyword.returnPressed.connect(self.search)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("关键词："))
        bar.addWidget(self.keyword, 1)
        bar.addWidget(search)
        self.hits_table = QTableWidget(0, 3)
        self.hits_table.setHorizontalHeaderLabels(["行政处罚事项", "有管辖权的单位", "说明"])
        self.hits_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.hits_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.hits_table.setColumnWidth(1, 210)
        self.hits_table.setColumnWidth(2, 300)
        self.hits_table.verticalHeader().setVisible(False)
        self.hits_table.itemSelectionChanged.connect(self.pick_hit)
        self.hits: list[Any] = []
        self.receiver = QComboBox()
        self.receiver.addItem("（请选择）", None)
        for org in organisations.list_all(wizard.ctx, active_only=True):
            if org.kind in (OrgKind.COUNTY_DEPARTMENT, OrgKind.INTERNAL_UNIT):
                self.receiver.addItem(org.name, org.id)
        self.penalty_matter_id: int | None = None
        self.sender = QLabel()
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.rows.add(
            "receiver_id",
            "接收单位",
            self.receiver,
            required=True,
            hint="案件移送应当以县级职能部门或乡镇的名义进行，不得以内设机构"
            "（直属机构、派出机构）的名义移送（机制 三（一）4）。",
        )
        self.rows.add("sender_id", "移送单位", self.sender)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.hits_table, 1)
        layout.addWidget(self.note)
        layout.addLayout(self.form)

    def initializePage(self) -> None:
        us = organisations.acting(self.w.ctx)  # the logged-in township, else the settings'
        self.sender.setText(us.name if us is not None else "（未设置）")
        if not self.keyword.text():
            self.keyword.setText(self.w.found.matter.text().strip())
            self.search()

    def search(self) -> None:
        text = self.keyword.text().strip()
        on = when(self.w.found.found_at).date()
        try:
            self.hits = referrals.suggest_receivers(self.w.ctx, text, on) if text else []
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            self.hits = []
        self.hits_table.setRowCount(len(self.hits))
        for r, hit in enumerate(self.hits):
            for c, value in enumerate((hit.name, hit.competent_name, hit.reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.hits_table.setItem(r, c, item)
        if not self.hits:
            self.note.setText("清单中没有找到匹配的事项，请换个关键词，或直接选择接收单位。")
        else:
            self.note.setText(
                "选中一行即可带出接收单位。事项已划转乡镇的，应由本镇立案查处，无需移送。"
            )
            if len(self.hits) == 1:
                self.hits_table.selectRow(0)

    def pick_hit(self) -> None:
        row = self.hits_table.currentRow()
        if row < 0 or row >= len(self.hits):
            return
        hit = self.hits[row]
        self.penalty_matter_id = hit.matter_id
        if getattr(hit, "by_township", False):
            self.note.setText(
                f"“{hit.name}”已划转乡镇：{hit.reason}。本镇有管辖权，应立案查处，不需移送。"
            )
            return
        index = self.receiver.findData(hit.competent_org_id)
        if index >= 0:
            self.receiver.setCurrentIndex(index)


class UrgencyPage(_Page):
    step = "urgency"

    def __init__(self, wizard: OutgoingReferralWizard) -> None:
        super().__init__(
            wizard,
            "紧急程度与移送期限",
            "一般情况3个工作日内移送；情况紧急的24小时内移送；违法行为正在进行的，"
            "应当立即劝阻，并及时告知有管辖权的部门。",
        )
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        choices = QVBoxLayout()
        for code, label in Urgency.choices():
            radio = QRadioButton(label)
            self.group.addButton(radio)
            self.radios[code] = radio
            choices.addWidget(radio)
            radio.toggled.connect(self.update_state)
        self.radios[Urgency.NORMAL.value].setChecked(True)
        self.deadline = QLabel()
        self.deadline.setObjectName("warningBanner")
        self.deadline.setWordWrap(True)
        self.dissuaded_at = _datetime_edit()
        self.dissuasion_note = QLineEdit()
        self.dissuasion_note.setPlaceholderText("如：当事人已停止焚烧")
        self.notified_at = _datetime_edit()
        self.notice_method = QComboBox()
        self.notice_method.setEditable(True)
        self.notice_method.addItems(["电话", "当面", "书面", "微信工作群"])
        self.notice_person = QLineEdit()
        self.ongoing_box = QWidget()
        box_form = make_form(self.ongoing_box)
        self.ongoing_rows = FieldRows(box_form)
        self.ongoing_rows.add("dissuaded_at", "劝阻时间", self.dissuaded_at, required=True)
        self.ongoing_rows.add("dissuasion_note", "劝阻情况", self.dissuasion_note)
        self.ongoing_rows.add("notified_at", "告知部门时间", self.notified_at, required=True)
        self.ongoing_rows.add("notice_method", "告知方式", self.notice_method, required=True)
        self.ongoing_rows.add("notice_person", "部门接收人", self.notice_person)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(self.deadline)
        layout.addWidget(self.ongoing_box)
        layout.addStretch(1)

    def initializePage(self) -> None:
        found = when(self.w.found.found_at)
        if not self.w.editing:
            self.dissuaded_at.setDateTime(to_qdatetime(found))
            self.notified_at.setDateTime(to_qdatetime(found))
        self.update_state()

    def urgency(self) -> str:
        return next(code for code, radio in self.radios.items() if radio.isChecked())

    def update_state(self) -> None:
        if not hasattr(self, "ongoing_box"):
            return  # a radio toggled while the page is still being built
        self.ongoing_box.setVisible(self.urgency() == Urgency.ONGOING.value)
        try:
            due = referrals.deadline_preview(
                self.w.ctx, when(self.w.found.found_at), self.urgency()
            )
        except ServiceError:
            self.deadline.setText("")
            return
        due_text = (
            f"{due.due_at:%Y年%m月%d日}"
            if is_end_of_day(due.due_at)
            else f"{due.due_at:%Y年%m月%d日 %H:%M}"
        )
        text = f"应于 {due_text} 前移送（{due.rule}）。"
        if due.unconfirmed_year:
            text += f" 注意：{due.unconfirmed_year}年的节假日安排尚未确认，期限可能不准。"
        self.deadline.setText(text)

    def validatePage(self) -> bool:
        problems = referrals.validate_outgoing(self.w.ctx, self.w.collect(), "urgency")
        self.ongoing_rows.show(problems)
        if problems:
            prompts.warn(self, problems_summary(problems, "请修改以下内容后再继续："))
            return False
        return self.w.save_draft()


class MaterialsPage(QWizardPage):
    def __init__(self, wizard: OutgoingReferralWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("移送材料")
        self.setSubTitle(
            "移送的案件材料包括：涉嫌违法案件移送函、案源材料（现场检查记录、"
            "投诉举报材料等）、初步证明违法事实的证据材料。至少要有一份案源材料。"
        )
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["类别", "材料名称", "页数", "附件"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        quick = QHBoxLayout()
        for kind, title in QUICK_MATERIALS:
            button = QPushButton(f"+ {title}")
            button.clicked.connect(lambda _=False, k=kind, t=title: self.add(k, t))
            quick.addWidget(button)
        more = QPushButton("添加其他材料…")
        more.clicked.connect(lambda: self.add(MaterialKind.EVIDENCE, ""))
        remove = QPushButton("删除所选")
        remove.clicked.connect(self.remove)
        quick.addWidget(more)
        quick.addStretch(1)
        quick.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.addLayout(quick)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        assert self.w.referral_id is not None
        self.rows = referrals.list_materials(self.w.ctx, self.w.referral_id)
        self.table.setRowCount(len(self.rows))
        for r, m in enumerate(self.rows):
            for c, text in enumerate(
                (m.kind_label, m.title, str(m.pages or ""), m.original_name or "（纸质）")
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def add(self, kind: MaterialKind, title: str) -> None:
        assert self.w.referral_id is not None
        rid = self.w.referral_id
        form = ActionForm(
            "添加移送材料",
            [
                Field(
                    "kind",
                    "类别",
                    "choice",
                    True,
                    [(m.label, m.value) for m in MaterialKind],
                    kind.value,
                ),
                Field("title", "材料名称", required=True, default=title),
                Field("pages", "页数", "int"),
                Field("file", "附件（扫描件、照片）", "file"),
            ],
            lambda v: referrals.add_material(
                self.w.ctx, rid, v["kind"], v["title"], v["pages"] or None, 1, v["file"]
            ),
            self,
        )
        self.w.last_form = form
        if form.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        try:
            referrals.remove_material(self.w.ctx, self.rows[row].id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
        self.refresh()

    def validatePage(self) -> bool:
        assert self.w.referral_id is not None
        try:
            referrals.mark_ready(self.w.ctx, self.w.referral_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return True


class LettersPage(QWizardPage):
    def __init__(self, wizard: OutgoingReferralWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("出具文书")
        self.setSubTitle(
            "预览并发出《涉嫌违法案件移送函》（发文时自动编号、登记）；"
            "可同时打印移送材料清单和送达回证。"
        )
        self.list = QLabel()
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        for code, label in (
            ("referral_letter", "预览、发出移送函…"),
            ("referral_materials", "移送材料清单…"),
            ("service_receipt", "送达回证…"),
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, c=code: self.open(c))
            layout.addWidget(button)
        layout.addWidget(self.list)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        assert self.w.referral_id is not None
        docs = letters.for_record(self.w.ctx, RecordType.REFERRAL, self.w.referral_id)
        issued = [d for d in docs if str(d.status) == "issued"]
        self.list.setText(
            "已出具：" + "；".join(f"{d.title} {d.number or ''}" for d in issued)
            if issued
            else "尚未出具文书。"
        )

    def open(self, code: str) -> None:
        from desktop_app.ui.dialogs.letter_dialog import LetterDialog

        dialog = LetterDialog(self.w.ctx, code=code, record_id=self.w.referral_id, parent=self)
        if not dialog.loaded:
            prompts.warn(self, dialog.status.text())
            return
        dialog.exec()
        self.refresh()


class SendPage(QWizardPage):
    def __init__(self, wizard: OutgoingReferralWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("发送")
        self.setSubTitle(
            "已送出的，登记发送时间和方式；暂不发送的，直接点“完成”，"
            "记录留在台账中待发送，工作台会按期限提醒。"
        )
        self.now_sent = QCheckBox("现在登记发送")
        self.sent_at = _datetime_edit()
        self.method = QComboBox()
        for code, label in SendMethod.choices():
            self.method.addItem(label, code)
        self.sent_by = QComboBox()
        for person in staff.list_all(wizard.ctx, active_only=True):
            self.sent_by.addItem(person.name, person.id)
        self.late_reason = QPlainTextEdit()
        self.late_reason.setFixedHeight(70)
        self.late_reason.setPlaceholderText("超过移送期限发送的，须说明理由")
        self.box = QWidget()
        form = make_form(self.box)
        self.rows = FieldRows(form)
        self.rows.add("sent_at", "发送时间", self.sent_at, required=True)
        self.rows.add("method", "送达方式", self.method, required=True)
        self.rows.add("sent_by", "发送人", self.sent_by)
        self.rows.add("late_reason", "逾期原因", self.late_reason)
        self.now_sent.toggled.connect(self.box.setEnabled)
        self.box.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.now_sent)
        layout.addWidget(self.box)
        layout.addStretch(1)

    def initializePage(self) -> None:
        index = self.sent_by.findData(self.w.ctx.operator_id)
        if index >= 0:
            self.sent_by.setCurrentIndex(index)

    def validatePage(self) -> bool:
        if not self.now_sent.isChecked():
            return True
        assert self.w.referral_id is not None
        try:
            referrals.mark_sent(
                self.w.ctx,
                self.w.referral_id,
                when(self.sent_at),
                self.method.currentData(),
                self.sent_by.currentData(),
                self.late_reason.toPlainText().strip() or None,
            )
        except ServiceError as exc:
            problems = getattr(exc, "problems", None)
            if problems:
                self.rows.show(problems)
            prompts.warn(self, str(exc))
            return False
        return True
