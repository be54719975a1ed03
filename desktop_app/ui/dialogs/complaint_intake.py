"""登记投诉举报: one quick form, built for a clerk on the phone.

The first contact (首问责任人) defaults to the operator; an anonymous complaint
hides the complainant's fields; "县级部门告知" shows the informing department;
while typing, open complaints about the same place and matter are pointed
out. Ctrl+S saves.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import ComplaintChannel, OrgKind, PartyKind
from desktop_app.services import complaints, organisations, referrals, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import to_qdatetime
from desktop_app.ui.widgets.form_helpers import FieldRows, make_form, problems_summary


class ComplaintIntakeDialog(QDialog):
    """New complaint; or, given ``existing`` (id, data, version from
    :func:`complaints.edit_input`), the correction of one not yet verified."""

    def __init__(
        self,
        ctx: ServiceContext,
        parent: QWidget | None = None,
        existing: tuple[int, complaints.ComplaintInput, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.complaint_id: int | None = None
        self.existing = existing
        self.materials: list[Path] = []
        self.penalty_matter_id: int | None = None
        self.setWindowTitle("登记投诉举报")
        self.resize(760, 820)

        self.received_at = QDateTimeEdit(to_qdatetime(clock.now()))
        self.received_at.setCalendarPopup(True)
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.channel = QComboBox()
        for code, label in ComplaintChannel.choices():
            self.channel.addItem(label, code)
        self.first_contact = QComboBox()
        for person in staff.list_all(ctx, active_only=True):
            self.first_contact.addItem(person.name, person.id)
        index = self.first_contact.findData(ctx.operator_id)
        if index >= 0:
            self.first_contact.setCurrentIndex(index)

        self.anonymous = QCheckBox("匿名（不留姓名和联系方式）")
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.id_number = QLineEdit()
        self.address = QLineEdit()

        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("反映的问题：时间、地点、什么人、什么行为")
        self.content.setFixedHeight(110)
        self.place = QLineEdit()
        self.respondent_kind = QComboBox()
        self.respondent_kind.addItem("（不清楚）", None)
        for code, label in PartyKind.choices():
            self.respondent_kind.addItem(label, code)
        self.respondent = QLineEdit()
        self.matter = QLineEdit()
        self.matter.setPlaceholderText("输入关键词查职责清单，如：焚烧、占道、采砂")
        self.matter_button = QPushButton("查询")
        self.matter_button.clicked.connect(self.lookup)
        self.matter.returnPressed.connect(self.lookup)
        matter_row = QWidget()
        row = QHBoxLayout(matter_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.matter, 1)
        row.addWidget(self.matter_button)
        self.jurisdiction = QLabel()
        self.jurisdiction.setWordWrap(True)
        self.jurisdiction.setObjectName("hint")

        self.informing = QComboBox()
        self.informing.addItem("（请选择）", None)
        for org in organisations.list_all(ctx, active_only=True):
            if org.kind == OrgKind.COUNTY_DEPARTMENT:
                self.informing.addItem(org.name, org.id)
        self.informed_on = QDateEdit()
        self.informed_on.setCalendarPopup(True)
        self.informed_on.setDisplayFormat("yyyy-MM-dd")
        self.informed_on.setDate(self.received_at.date())
        self.handed_over = QCheckBox("已移交书面材料")
        self.files_label = QLabel("（未添加）")
        add_files = QPushButton("添加材料文件…")
        add_files.clicked.connect(self.add_files)
        files_row = QWidget()
        row = QHBoxLayout(files_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.files_label, 1)
        row.addWidget(add_files)

        self.duplicates = QLabel()
        self.duplicates.setObjectName("warningBanner")
        self.duplicates.setWordWrap(True)
        self.duplicates.setVisible(False)

        body = QWidget()
        form = make_form(body)
        self.rows = FieldRows(form)
        r = self.rows
        r.add("received_at", "受理时间", self.received_at, required=True)
        r.add("channel", "受理渠道", self.channel, required=True)
        r.add(
            "first_contact_id",
            "首问责任人",
            self.first_contact,
            required=True,
            hint="首问负责：率先接到投诉举报的单位作为第一责任人予以处理。",
        )
        r.add("anonymous", "投诉举报人", self.anonymous)
        r.add("complainant.name", "姓名", self.name)
        r.add("complainant.phone", "联系电话", self.phone)
        r.add("complainant.id_number", "身份证号码", self.id_number)
        r.add(
            "complainant.address",
            "住址",
            self.address,
            hint="投诉举报人信息严格保密，不出现在发往其他单位的任何文书中。",
        )
        r.add("content", "投诉举报内容", self.content, required=True)
        r.add("place", "地点", self.place)
        r.add("respondent.kind", "被投诉举报对象类型", self.respondent_kind)
        r.add("respondent.name", "被投诉举报对象", self.respondent)
        r.add("penalty_matter_id", "涉及事项", matter_row)
        form.addRow("", self.jurisdiction)
        r.add("informing_org_id", "告知部门", self.informing)
        r.add("informed_on", "告知日期", self.informed_on)
        r.add("materials_handed_over", "书面材料", self.handed_over)
        r.add("materials", "材料文件", files_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存（Ctrl+S）")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.duplicates)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

        self.anonymous.toggled.connect(self._update_visibility)
        self.channel.currentIndexChanged.connect(lambda _i: self._update_visibility())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self.check_duplicates)
        self.place.textChanged.connect(lambda _t: self._timer.start())
        self.content.textChanged.connect(self._timer.start)
        self._update_visibility()
        if existing is not None:
            self._fill(existing[1])
            self.setWindowTitle("修改投诉举报登记内容")
            # handed-over files are added at intake; later ones go with the record's letters
            self.rows.labels["materials"].setVisible(False)
            self.rows.widgets["materials"].parentWidget().setVisible(False)
        self.content.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill(self, data: complaints.ComplaintInput) -> None:
        self.received_at.setDateTime(to_qdatetime(data.received_at))
        self.channel.setCurrentIndex(max(self.channel.findData(str(data.channel)), 0))
        if self.first_contact.findData(data.first_contact_id) < 0 and data.first_contact_id:
            names = {p.id: p.name for p in staff.list_all(self.ctx)}
            self.first_contact.addItem(
                names.get(data.first_contact_id, "（已停用）"), data.first_contact_id
            )
        self.first_contact.setCurrentIndex(self.first_contact.findData(data.first_contact_id))
        self.anonymous.setChecked(data.anonymous)
        p = data.complainant
        self.name.setText(p.name or "")
        self.phone.setText(p.phone or "")
        self.id_number.setText(p.id_number or "")
        self.address.setText(p.address or "")
        self.content.setPlainText(data.content)
        self.place.setText(data.place or "")
        r = data.respondent
        kind = str(r.kind) if r.kind else None
        self.respondent_kind.setCurrentIndex(max(self.respondent_kind.findData(kind), 0))
        self.respondent.setText(r.name or "")
        self.penalty_matter_id = data.penalty_matter_id
        if data.penalty_matter_id is not None:
            self.jurisdiction.setText("已选定职责清单事项；如需更换，请输入关键词重新查询。")
        if data.informing_org_id is not None:
            self.informing.setCurrentIndex(max(self.informing.findData(data.informing_org_id), 0))
        if data.informed_on is not None:
            self.informed_on.setDate(data.informed_on)
        self.handed_over.setChecked(data.materials_handed_over)
        self._update_visibility()

    # --- behaviour ----------------------------------------------------------------------

    def _update_visibility(self) -> None:
        named = not self.anonymous.isChecked()
        for key in (
            "complainant.name",
            "complainant.phone",
            "complainant.id_number",
            "complainant.address",
        ):
            self.rows.widgets[key].setEnabled(named)
        informed = self.channel.currentData() == ComplaintChannel.DEPARTMENT.value
        for key in ("informing_org_id", "informed_on", "materials_handed_over", "materials"):
            self.rows.labels[key].setVisible(informed)
            self.rows.widgets[key].parentWidget().setVisible(informed)
        self.rows.set_required("informing_org_id", informed)

    def lookup(self) -> None:
        text = self.matter.text().strip()
        if not text:
            return
        on = self.received_at.dateTime().toPython().date()
        try:
            hits = complaints.suggest_jurisdiction(self.ctx, text, on)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        if not hits:
            self.penalty_matter_id = None
            self.jurisdiction.setText("职责清单中没有找到，请换个关键词。")
            return
        hit = hits[0]
        self.penalty_matter_id = hit.matter_id
        more = f"（另有{len(hits) - 1}项相近事项）" if len(hits) > 1 else ""
        self.jurisdiction.setText(f"{hit.name}：{hit.reason}。{more}")
        self._timer.start()

    def add_files(self) -> None:
        path = prompts.open_file(self, "选择部门移交的书面材料", "所有文件 (*)")
        if path is not None:
            self.materials.append(path)
            self.files_label.setText("；".join(p.name for p in self.materials))

    def collect(self) -> complaints.ComplaintInput:
        informed = self.channel.currentData() == ComplaintChannel.DEPARTMENT.value
        anonymous = self.anonymous.isChecked()
        kind = self.respondent_kind.currentData()
        return complaints.ComplaintInput(
            received_at=self.received_at.dateTime().toPython().replace(second=0, microsecond=0),
            channel=self.channel.currentData(),
            content=self.content.toPlainText().strip(),
            place=self.place.text().strip() or None,
            first_contact_id=self.first_contact.currentData(),
            anonymous=anonymous,
            complainant=complaints.ComplainantInput()
            if anonymous
            else complaints.ComplainantInput(
                name=self.name.text().strip() or None,
                phone=self.phone.text().strip() or None,
                id_number=self.id_number.text().strip() or None,
                address=self.address.text().strip() or None,
            ),
            respondent=self._respondent(kind),
            penalty_matter_id=self.penalty_matter_id,
            informing_org_id=self.informing.currentData() if informed else None,
            informed_on=self.informed_on.date().toPython() if informed else None,
            materials_handed_over=self.handed_over.isChecked() if informed else False,
        )

    def _respondent(self, kind: str | None) -> referrals.PartyInput:
        name = self.respondent.text().strip() or None
        if self.existing is None:
            return referrals.PartyInput(kind=kind, name=name)
        # the quick form shows kind and name; what else the record holds is kept
        old = self.existing[1].respondent
        return dataclasses.replace(old, kind=kind, name=name)

    def check_duplicates(self) -> None:
        data = self.collect()
        if not data.place and len(data.content) < 4:
            self.duplicates.setVisible(False)
            return
        try:
            rows = complaints.find_duplicates(
                self.ctx,
                data.place,
                data.penalty_matter_id,
                data.content,
                exclude_id=self.existing[0] if self.existing else None,
            )
        except ServiceError:
            rows = []
        if not rows:
            self.duplicates.setVisible(False)
            return
        lines = [
            f"{r.serial}（{r.received_at:%m-%d %H:%M}，{r.status_label}）：{r.content[:30]}"
            for r in rows[:3]
        ]
        self.duplicates.setText(
            "可能是重复投诉——同一地点、同一事项还有未办结的：\n" + "\n".join(lines)
        )
        self.duplicates.setVisible(True)

    def save(self) -> None:
        self.rows.clear()
        data = self.collect()
        try:
            if self.existing is None:
                self.complaint_id = complaints.register(self.ctx, data, self.materials)
            else:
                complaint_id, old, version = self.existing
                data.note = old.note
                complaints.update(self.ctx, complaint_id, data, version)
                self.complaint_id = complaint_id
        except InvalidInput as exc:
            unplaced = self.rows.show(exc.problems)
            prompts.warn(self, problems_summary(exc.problems))
            del unplaced
            return
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self.accept()
