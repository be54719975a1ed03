"""设置 → 单位 and 设置 → 人员: short lists with add / edit (/ delete)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import OrgKind, StaffRole
from desktop_app.services import organisations, settings, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.widgets.form_helpers import hint_label

ID_ROLE = Qt.ItemDataRole.UserRole + 1
WARNING = QColor("#a35a00")
INACTIVE = QColor("#8a8a8a")
WARN_MARK = "⚠ "


def _item(text: str | None, tooltip: str = "") -> QStandardItem:
    item = QStandardItem(text or "")
    item.setEditable(False)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _warning_item(text: str, tooltip: str) -> QStandardItem:
    item = _item(WARN_MARK + text, tooltip)
    item.setForeground(QBrush(WARNING))
    return item


class _ListTab(QWidget):
    """A filterable table over a short list, with buttons; subclasses fill rows."""

    changed = Signal()
    columns: tuple[str, ...] = ()
    noun = ""
    unit = "个"
    stretch_column = 0
    can_delete = False

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None

        self.model = QStandardItemModel(0, len(self.columns), self)
        self.model.setHorizontalHeaderLabels(list(self.columns))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton(f"新增{self.noun}…")
        self.edit_button = QPushButton("修改…")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_button.setVisible(self.can_delete)
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找（名称、电话等）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.count_label = QLabel()

        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        bar.addSpacing(16)
        bar.addWidget(self.search)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        hint = self.hint()
        if hint:
            layout.addWidget(hint_label(hint))
        self._update_buttons()

    # Subclasses provide rows() -> [(id, items, active)], make_dialog(id | None) and,
    # when can_delete, delete_record(id); hint() may add a line under the table.

    def hint(self) -> str:
        return ""

    def name_of(self, record_id: int) -> str:
        return self.model.item(self.row_of(record_id), 0).text()

    # --- common behaviour ------------------------------------------------------

    def refresh(self) -> None:
        keep = self.selected_id()
        self.model.removeRows(0, self.model.rowCount())
        for record_id, items, active in self.rows():
            items[0].setData(record_id, ID_ROLE)
            if not active:
                for item in items:
                    item.setForeground(QBrush(INACTIVE))
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            if col != self.stretch_column:
                header.resizeSection(col, min(max(header.sectionSize(col) + 20, 80), 360))
        self.count_label.setText(f"共 {self.model.rowCount()} {self.unit}")
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def row_of(self, record_id: int) -> int:
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(ID_ROLE) == record_id:
                return row
        return -1

    def select(self, record_id: int) -> None:
        row = self.row_of(record_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        source: QModelIndex = self.proxy.mapToSource(rows[0])
        value: Any = self.model.item(source.row(), 0).data(ID_ROLE)
        return int(value) if value is not None else None

    def _update_buttons(self, *_args: object) -> None:
        selected = self.selected_id() is not None
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)

    def add(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._open(record_id)

    def _open(self, record_id: int | None) -> None:
        """Window-modal but not blocking (``open``), so tests can fill it in."""
        try:
            dialog = self.make_dialog(record_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            self.refresh()
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self._saved(getattr(dialog, "saved_id", None)))
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.dialog = None

    def _saved(self, record_id: int | None) -> None:
        self.refresh()
        if record_id is not None:
            self.select(record_id)
        self.changed.emit()

    def delete_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            return
        name = self.name_of(record_id)
        question = (
            f"确定删除{self.noun}「{name}」吗？\n"
            f"已被案件等记录引用的{self.noun}不能删除，可以改为停用。"
        )
        if not prompts.confirm(self, question, title=f"删除{self.noun}"):
            return
        try:
            self.delete_record(record_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc), title="不能删除")
            return
        self.refresh()
        self.changed.emit()


class OrganisationsTab(_ListTab):
    columns = ("名称", "类别", "可否以自己名义", "联络人", "联络电话", "状态")
    noun = "单位"
    can_delete = True

    def hint(self) -> str:
        return (
            "双击一行可以修改。带 ⚠ 的单位缺少联络人或联络电话，"
            "移送、协助等文书需要这些信息，请尽快补全。"
            "不再使用的单位请改为“停用”，已有记录引用的单位不能删除。"
        )

    def rows(self) -> list[tuple[int, list[QStandardItem], bool]]:
        out = []
        for org in organisations.list_all(self.ctx):
            may, why = organisations.may_act_in_own_name(org)
            if may:
                own = _item(
                    "可以（有法定依据）" if org.kind == OrgKind.INTERNAL_UNIT else "可以",
                    org.own_name_legal_basis or "",
                )
            else:
                own = _item("不可以", why)
            liaison = (
                _item(org.liaison_name)
                if (org.liaison_name or "").strip()
                else _warning_item("未指定", "未指定联络人")
            )
            phone = (
                _item(org.liaison_phone)
                if (org.liaison_phone or "").strip()
                else _warning_item("未填写", "未填写联络电话")
            )
            name = _item(org.name, (org.short_name and f"简称：{org.short_name}") or "")
            items = [
                name,
                _item(OrgKind.label_of(org.kind)),
                own,
                liaison,
                phone,
                _item("在用" if org.active else "停用"),
            ]
            out.append((org.id, items, bool(org.active)))
        return out

    def make_dialog(self, record_id: int | None) -> QDialog:
        from desktop_app.ui.dialogs.organisation_dialog import OrganisationDialog

        return OrganisationDialog(self.ctx, record_id, self)

    def delete_record(self, record_id: int) -> None:
        values = settings.get_all(self.ctx)
        for key in ("township_org_id", "team_org_id"):
            if values.get(key) == record_id:
                label = settings.SPEC_BY_KEY[key].label
                raise ServiceError(
                    f"「{self.name_of(record_id)}」是“乡镇信息”中设定的「{label}」，不能删除。"
                    "如需更换，请先在“乡镇信息”中另选单位。"
                )
        organisations.delete(self.ctx, record_id)


class StaffTab(_ListTab):
    columns = ("姓名", "单位", "职务", "角色", "执法证号", "电话", "状态")
    noun = "人员"
    unit = "人"
    stretch_column = 1

    def hint(self) -> str:
        return (
            "双击一行可以修改。人员不能删除（操作记录要保留经办人），离职或调离的人员请改为“停用”。"
        )

    def rows(self) -> list[tuple[int, list[QStandardItem], bool]]:
        orgs = {o.id: o for o in organisations.list_all(self.ctx)}
        out = []
        for person in staff.list_all(self.ctx):
            org = orgs.get(person.organisation_id) if person.organisation_id else None
            org_item = _item((org.short_name or org.name) if org else "", org.name if org else "")
            if person.role == StaffRole.OFFICER and not person.certificate_number:
                cert = _warning_item("未填写", "执法人员须填写执法证号")
            else:
                cert = _item(person.certificate_number)
            items = [
                _item(person.name),
                org_item,
                _item(person.position),
                _item(StaffRole.label_of(person.role)),
                cert,
                _item(person.phone),
                _item("在职" if person.active else "停用"),
            ]
            out.append((person.id, items, bool(person.active)))
        return out

    def make_dialog(self, record_id: int | None) -> QDialog:
        from desktop_app.ui.dialogs.staff_dialog import StaffDialog

        return StaffDialog(self.ctx, record_id, self)
