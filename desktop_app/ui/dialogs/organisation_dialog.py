"""Add or edit an organisation (单位)."""

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

from desktop_app.domain.terms import OrgKind
from desktop_app.services import organisations
from desktop_app.services.context import ServiceContext
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    fill_combo,
    fill_term_combo,
    make_form,
    save_form,
    select_data,
)

OWN_NAME_RULE = (
    "依据《赵八镇综合行政执法协调联动机制》三（一）4：案件移送应当以县级职能部门或乡镇的名义进行，"
    "不得以内设机构（直属机构、派出机构）的名义移送，法律法规规章明确规定的除外。"
    "内设机构勾选“可以以自己的名义办理”时，必须在此填写该法律、法规或规章的具体条款。"
)


class OrganisationDialog(QDialog):
    """Saves through :func:`organisations.save`; ``saved_id`` is set when it succeeded."""

    def __init__(
        self, ctx: ServiceContext, org_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.org_id = org_id
        self.loaded_version: int | None = None
        self.saved_id: int | None = None
        self.setWindowTitle("新增单位" if org_id is None else "修改单位")
        self.setMinimumWidth(620)

        self.name = QLineEdit()
        self.name.setPlaceholderText("全称，如：深泽县市场监督管理局")
        self.short_name = QLineEdit()
        self.short_name.setPlaceholderText("如：县市场监管局")
        self.kind = QComboBox()
        fill_term_combo(self.kind, OrgKind)
        self.parent_org = QComboBox()
        self.acts_in_own_name = QCheckBox("可以以自己的名义办理（移送、接收案件）")
        self.legal_basis = QPlainTextEdit()
        self.legal_basis.setPlaceholderText(
            "内设机构以自己名义办理时必填：法律、法规或规章的名称和条款"
        )
        self.legal_basis.setFixedHeight(72)
        self.liaison_name = QLineEdit()
        self.liaison_phone = QLineEdit()
        self.liaison_phone.setPlaceholderText("如：0311-83522501 或 13800000000")
        self.address = QLineEdit()
        self.postal_code = QLineEdit()
        self.active = QCheckBox("在用（停用的单位不再出现在新登记的选择列表中）")
        self.active.setChecked(True)
        self.sort_order = QSpinBox()
        self.sort_order.setRange(0, 99999)
        self.sort_order.setToolTip("数字小的排在前面")
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)

        form = make_form()
        self.rows = FieldRows(form)
        self.rows.add("name", "单位名称", self.name, required=True)
        self.rows.add("short_name", "简称", self.short_name)
        self.rows.add("kind", "单位类别", self.kind, required=True)
        self.rows.add("parent_id", "上级单位", self.parent_org)
        self.rows.add("acts_in_own_name", "", self.acts_in_own_name)
        self.rows.add(
            "own_name_legal_basis", "以自己名义办理的依据", self.legal_basis, hint=OWN_NAME_RULE
        )
        self.rows.add("liaison_name", "联络人", self.liaison_name)
        self.rows.add("liaison_phone", "联络电话", self.liaison_phone)
        self.rows.add("address", "地址", self.address)
        self.rows.add("postal_code", "邮政编码", self.postal_code)
        self.rows.add("active", "状态", self.active)
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
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.acts_in_own_name.toggled.connect(self._update_basis)
        self._update_basis()

    # --- loading ---------------------------------------------------------------

    def _load(self) -> None:
        orgs = organisations.list_all(self.ctx)
        parents = [(o.name, o.id) for o in orgs if o.id != self.org_id]
        fill_combo(self.parent_org, parents, empty="（无）")
        if self.org_id is None:
            select_data(self.kind, OrgKind.COUNTY_DEPARTMENT.value)
            self.acts_in_own_name.setChecked(True)
            self.sort_order.setValue(max((o.sort_order or 0 for o in orgs), default=0) + 10)
            return
        org = organisations.get(self.ctx, self.org_id)
        self.loaded_version = org.version
        self.name.setText(org.name)
        self.short_name.setText(org.short_name or "")
        select_data(self.kind, str(org.kind), missing_label=str(org.kind))
        select_data(self.parent_org, org.parent_id, missing_label=f"（编号{org.parent_id}）")
        self.acts_in_own_name.setChecked(bool(org.acts_in_own_name))
        self.legal_basis.setPlainText(org.own_name_legal_basis or "")
        self.liaison_name.setText(org.liaison_name or "")
        self.liaison_phone.setText(org.liaison_phone or "")
        self.address.setText(org.address or "")
        self.postal_code.setText(org.postal_code or "")
        self.active.setChecked(bool(org.active))
        self.sort_order.setValue(org.sort_order or 0)
        self.note.setPlainText(org.note or "")

    def _is_internal(self) -> bool:
        return self.kind.currentData() == OrgKind.INTERNAL_UNIT.value

    def _kind_changed(self) -> None:
        if self.org_id is None:
            # a new internal unit does not act in its own name unless a law says so
            self.acts_in_own_name.setChecked(not self._is_internal())
        self._update_basis()

    def _update_basis(self) -> None:
        required = self._is_internal() and self.acts_in_own_name.isChecked()
        self.rows.set_required("own_name_legal_basis", required)

    # --- saving ----------------------------------------------------------------

    def org_input(self) -> organisations.OrgInput:
        return organisations.OrgInput(
            name=self.name.text(),
            kind=self.kind.currentData() or "",
            short_name=self.short_name.text(),
            parent_id=self.parent_org.currentData(),
            acts_in_own_name=self.acts_in_own_name.isChecked(),
            own_name_legal_basis=self.legal_basis.toPlainText(),
            liaison_name=self.liaison_name.text(),
            liaison_phone=self.liaison_phone.text(),
            address=self.address.text(),
            postal_code=self.postal_code.text(),
            active=self.active.isChecked(),
            sort_order=self.sort_order.value(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        self.saved_id = save_form(
            self,
            self.rows,
            lambda: organisations.save(
                self.ctx, self.org_input(), self.org_id, expected_version=self.loaded_version
            ),
        )
