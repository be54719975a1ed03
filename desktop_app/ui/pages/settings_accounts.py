"""设置 › 登录账户 (管理员 only): who may log in and with what role; a temporary
password for whoever forgot theirs; unlocking an account locked by wrong passwords."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import AccountRole
from desktop_app.services import accounts
from desktop_app.services import staff as staff_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.login_dialog import RULE
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    hint_label,
    make_form,
    save_cancel_buttons,
    save_form,
)

HEADERS = ("登录名", "姓名", "角色", "状态", "上次登录")
ROLE_HINT = "管理员：设置、账户和数据恢复；执法人员：登记和办理各项记录；查阅：只能查看。"


def _role_combo(current: AccountRole | None = None) -> QComboBox:
    combo = QComboBox()
    for role in AccountRole:
        combo.addItem(role.label, role.value)
    combo.setCurrentIndex(max(combo.findData((current or AccountRole.OFFICER).value), 0))
    return combo


def _password(text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setMaxLength(128)
    return edit


class NewAccountDialog(QDialog):
    """添加账户: a member of staff without a login, a login name, a role and a first
    password the administrator hands over (changed at the first log-in)."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved_id: int | None = None
        self.setWindowTitle("添加登录账户")
        self.setMinimumWidth(520)
        taken = {a.staff_id for a in accounts.list_accounts(ctx)}
        self.person = QComboBox()
        for p in staff_service.list_all(ctx, active_only=True):
            if p.id not in taken:
                self.person.addItem(p.name, p.id)
        self.login = QLineEdit()
        self.role = _role_combo()
        first = accounts.temporary_password()
        self.password = _password(first)
        form = make_form()
        self.rows = FieldRows(form)
        self.rows.add("staff", "人员", self.person, "人员名单中还没有账户的人。", required=True)
        self.rows.add("login_name", "登录名", self.login, required=True)
        self.rows.add("role", "角色", self.role, ROLE_HINT, required=True)
        self.rows.add(
            "password", "初始密码", self.password, RULE + "请把初始密码告诉本人。", required=True
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        password = self.password.text()
        save_form(
            self,
            self.rows,
            lambda: accounts.create_account(
                self.ctx,
                self.person.currentData(),
                self.login.text(),
                self.role.currentData(),
                password,
                password,
            ),
        )


class EditAccountDialog(QDialog):
    def __init__(
        self, ctx: ServiceContext, row: accounts.AccountRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.row = ctx, row
        self.saved_id: int | None = None
        self.setWindowTitle(f"修改账户：{row.login_name}（{row.staff_name}）")
        self.setMinimumWidth(460)
        self.role = _role_combo(row.role)
        self.active = QCheckBox("启用（停用后不能登录，记录和留痕保留）")
        self.active.setChecked(row.active)
        form = make_form()
        self.rows = FieldRows(form)
        self.rows.add("role", "角色", self.role, ROLE_HINT)
        self.rows.add("active", "状态", self.active)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        def call() -> int:
            accounts.update_account(
                self.ctx,
                self.row.id,
                self.role.currentData(),
                self.active.isChecked(),
                self.row.version,
            )
            return self.row.id

        save_form(self, self.rows, call)


class ResetPasswordDialog(QDialog):
    def __init__(
        self, ctx: ServiceContext, row: accounts.AccountRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.row = ctx, row
        self.saved_id: int | None = None
        self.setWindowTitle(f"重置密码：{row.login_name}（{row.staff_name}）")
        self.setMinimumWidth(460)
        self.password = _password(accounts.temporary_password())
        form = make_form()
        self.rows = FieldRows(form)
        self.rows.add("password", "临时密码", self.password, RULE)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "请把临时密码当面告诉本人；本人下次登录时必须改成自己的密码。"
                "重置的同时会解除账户锁定。"
            )
        )
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        password = self.password.text()

        def call() -> int:
            accounts.reset_password(self.ctx, self.row.id, password, password)
            return self.row.id

        save_form(self, self.rows, call)


class AccountsTab(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[accounts.AccountRow] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.edit())
        self.add_button = QPushButton("添加账户…")
        self.edit_button = QPushButton("修改角色/停用…")
        self.reset_button = QPushButton("重置密码…")
        self.unlock_button = QPushButton("解锁")
        self.recovery_button = QPushButton("重新生成恢复密钥…")
        self.recovery_button.setToolTip("恢复密钥遗失时：生成新的，旧的随即作废")
        bar = QHBoxLayout()
        for button, slot in (
            (self.add_button, self.add),
            (self.edit_button, self.edit),
            (self.reset_button, self.reset),
            (self.unlock_button, self.unlock),
        ):
            button.clicked.connect(lambda _=False, f=slot: f())
            bar.addWidget(button)
        bar.addStretch(1)
        self.recovery_button.clicked.connect(lambda _=False: self.new_recovery_key())
        bar.addWidget(self.recovery_button)
        note = QLabel(
            ROLE_HINT + "\n忘记密码的，由管理员重置；唯一的管理员忘记密码时，"
            "按使用说明中“忘记管理员密码”的步骤恢复。"
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        self.refresh()

    def refresh(self) -> None:
        self.rows = accounts.list_accounts(self.ctx)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            last = f"{row.last_login_at:%Y-%m-%d %H:%M}" if row.last_login_at else "从未登录"
            for c, text in enumerate(
                (row.login_name, row.staff_name, row.role.label, row.state, last)
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._update_buttons()

    def selected(self) -> accounts.AccountRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def select(self, login_name: str) -> None:
        for r, row in enumerate(self.rows):
            if row.login_name == login_name:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        row = self.selected()
        for b in (self.edit_button, self.reset_button):
            b.setEnabled(row is not None)
        self.unlock_button.setEnabled(row is not None and row.state.startswith("已锁定"))

    def _run(self, dialog: QDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def add(self) -> None:
        self._run(NewAccountDialog(self.ctx, self))

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(EditAccountDialog(self.ctx, row, self))

    def reset(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(ResetPasswordDialog(self.ctx, row, self))

    def unlock(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            accounts.unlock(self.ctx, row.id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
        self.refresh()

    def new_recovery_key(self) -> None:
        from desktop_app.ui.dialogs.login_dialog import RecoveryKeyDialog

        if not prompts.confirm(
            self,
            "生成新的恢复密钥后，原来抄写或打印的恢复密钥即作废。\n"
            "只在原恢复密钥遗失或可能泄露时才需要这样做。继续吗？",
        ):
            return
        try:
            key = accounts.new_recovery_key(self.ctx)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        RecoveryKeyDialog(key, parent=self).exec()
