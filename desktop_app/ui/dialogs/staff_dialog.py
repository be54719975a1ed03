"""Add or edit a member of staff (人员)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import StaffRole
from desktop_app.services import organisations, settings, staff
from desktop_app.services.context import ServiceContext
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    fill_combo,
    fill_term_combo,
    make_form,
    save_form,
    select_data,
)


class StaffDialog(QDialog):
    """Saves through :func:`staff.save`; ``saved_id`` is set when it succeeded."""

    def __init__(
        self, ctx: ServiceContext, staff_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.staff_id = staff_id
        self.loaded_version: int | None = None
        self.saved_id: int | None = None
        self.setWindowTitle("新增人员" if staff_id is None else "修改人员")
        self.setMinimumWidth(520)

        self.name = QLineEdit()
        self.organisation = QComboBox()
        self.position = QLineEdit()
        self.position.setPlaceholderText("如：队长、执法队员")
        self.role = QComboBox()
        fill_term_combo(self.role, StaffRole)
        self.certificate_number = QLineEdit()
        self.certificate_number.setPlaceholderText("执法人员必填，如：13010001234")
        self.phone = QLineEdit()
        self.active = QCheckBox("在职（停用后不再出现在经办人选择列表中）")
        self.active.setChecked(True)
        self.sees_complainants = QCheckBox("可以查看投诉举报人信息（姓名、电话、身份证号码、住址）")
        self.sort_order = QSpinBox()
        self.sort_order.setRange(0, 99999)
        self.sort_order.setToolTip("数字小的排在前面")
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)

        form = make_form()
        self.rows = FieldRows(form)
        self.rows.add("name", "姓名", self.name, required=True)
        self.rows.add("organisation_id", "所在单位", self.organisation)
        self.rows.add("position", "职务", self.position)
        self.rows.add("role", "角色", self.role, required=True)
        self.rows.add(
            "certificate_number",
            "执法证号",
            self.certificate_number,
            hint="行政执法人员持证上岗：角色为“执法人员”时必须填写执法证号。",
        )
        self.rows.add("phone", "联系电话", self.phone)
        self.rows.add("active", "状态", self.active)
        self.rows.add(
            "sees_complainants",
            "举报人信息",
            self.sees_complainants,
            hint="举报人信息保密：只有受理该件的首问责任人和勾选此项的人员能看到，每次查看都留痕。",
        )
        self.rows.add("sort_order", "排列顺序", self.sort_order)
        self.rows.add("note", "备注", self.note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self._load()
        self.role.currentIndexChanged.connect(self._role_changed)

    def _load(self) -> None:
        orgs = organisations.list_all(self.ctx)
        items = [(o.name if o.active else f"{o.name}（停用）", o.id) for o in orgs]
        fill_combo(self.organisation, items, empty="（未指定）")
        if self.staff_id is None:
            team = settings.get(self.ctx, "team_org_id")
            select_data(self.organisation, team if team in {o.id for o in orgs} else None)
            self._role_changed()
            return
        person = staff.get(self.ctx, self.staff_id)
        self.loaded_version = person.version
        self.name.setText(person.name)
        select_data(
            self.organisation,
            person.organisation_id,
            missing_label=f"（编号{person.organisation_id}）",
        )
        self.position.setText(person.position or "")
        select_data(self.role, str(person.role), missing_label=str(person.role))
        self.certificate_number.setText(person.certificate_number or "")
        self.phone.setText(person.phone or "")
        self.active.setChecked(bool(person.active))
        self.sees_complainants.setChecked(bool(person.sees_complainants))
        self.sort_order.setValue(person.sort_order or 0)
        self.note.setPlainText(person.note or "")
        self._role_changed()

    def _role_changed(self) -> None:
        officer = self.role.currentData() == StaffRole.OFFICER.value
        self.rows.set_required("certificate_number", officer)

    def staff_input(self) -> staff.StaffInput:
        return staff.StaffInput(
            name=self.name.text(),
            role=self.role.currentData() or "",
            organisation_id=self.organisation.currentData(),
            position=self.position.text(),
            certificate_number=self.certificate_number.text(),
            phone=self.phone.text(),
            active=self.active.isChecked(),
            sees_complainants=self.sees_complainants.isChecked(),
            sort_order=self.sort_order.value(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        self.saved_id = save_form(
            self,
            self.rows,
            lambda: staff.save(
                self.ctx, self.staff_input(), self.staff_id, expected_version=self.loaded_version
            ),
        )
