"""登录: the first administrator on first start, the log-in at every start, a
password change (forced after an administrator's reset), the screen lock after
inactivity.

Each dialog calls one service function and keeps its result in ``self.who``
(a :class:`accounts.LoggedIn`); problems are shown under their fields, a
refused log-in in the red line above the buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME_ZH
from desktop_app.security.passwords import MIN_LENGTH
from desktop_app.services import accounts
from desktop_app.services import staff as staff_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.ui.widgets.form_helpers import ERROR_STYLE, FieldRows, make_form

RULE = f"密码至少{MIN_LENGTH}个字符，须同时包含字母和数字，不能包含登录名。"
NEW_PERSON = "（新建人员）"


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


def _buttons(dialog: QDialog, ok: str, cancel: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.rejected.connect(dialog.reject)
    return buttons


class _Dialog(QDialog):
    """Heading, explanation, a form with messages under the fields, a red line for
    what belongs to no field, the buttons."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME_ZH} — {title}")
        self.setMinimumWidth(480)
        self.who: accounts.LoggedIn | None = None
        heading = QLabel(APP_NAME_ZH)
        heading.setObjectName("pageTitle")
        explain = QLabel(text)
        explain.setWordWrap(True)
        self.form = make_form()
        self.rows = FieldRows(self.form)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 20, 24, 16)
        self.layout_.setSpacing(12)
        self.layout_.addWidget(heading)
        self.layout_.addWidget(explain)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)

    def finish(self, buttons: QDialogButtonBox) -> None:
        buttons.accepted.connect(self.submit)
        self.layout_.addWidget(buttons)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def run(self, call: object) -> bool:
        """Call the service; True on success, else the problems are shown."""
        self.rows.clear()
        self.say("")
        try:
            self.who = call()  # type: ignore[operator]
        except InvalidInput as exc:
            self.say("\n".join(self.rows.show(exc.problems)))
            return False
        except ServiceError as exc:
            self.say(str(exc))
            return False
        return True

    def submit(self) -> None:
        raise NotImplementedError


class SetupDialog(_Dialog):
    """首次使用: the first administrator (an existing member of staff or a new one)."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(
            "首次使用：设置管理员",
            "这是本程序第一次在这台计算机上使用。请设置管理员账户：管理员负责设置、"
            "人员账户和数据恢复。以后每次打开程序都要登录，每一项操作都以登录人的名义留痕。",
            parent,
        )
        self.ctx = ctx
        self.person = QComboBox()
        self.person.addItem(NEW_PERSON, None)
        for p in staff_service.list_all(ctx, active_only=True):
            self.person.addItem(p.name, p.id)
        self.name = QLineEdit()
        self.name.setPlaceholderText("例如：张丽华")
        self.person.currentIndexChanged.connect(
            lambda _i: self.name.setEnabled(self.person.currentData() is None)
        )
        self.login = QLineEdit()
        self.login.setPlaceholderText("例如：zhanglh（登录时输入）")
        self.password, self.confirm = _password(), _password()
        self.rows.add("person", "人员", self.person, "已在人员名单中的，直接选择。")
        self.rows.add("staff", "姓名", self.name, required=True)
        self.rows.add("login_name", "登录名", self.login, required=True)
        self.rows.add("password", "密码", self.password, RULE, required=True)
        self.rows.add("confirm", "再次输入密码", self.confirm, required=True)
        self.finish(_buttons(self, "设置并进入", "退出"))

    def submit(self) -> None:
        staff_id = self.person.currentData()
        if self.run(
            lambda: accounts.set_up_first_admin(
                self.ctx,
                self.name.text(),
                self.login.text(),
                self.password.text(),
                self.confirm.text(),
                staff_id=staff_id,
            )
        ):
            self.accept()


class LoginDialog(_Dialog):
    def __init__(
        self, ctx: ServiceContext, last_login: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__("登录", "请输入登录名和密码。忘记密码的，请管理员重置。", parent)
        self.ctx = ctx
        self.login = QLineEdit(last_login)
        self.password = _password()
        self.rows.add("login_name", "登录名", self.login)
        self.rows.add("password", "密码", self.password)
        self.finish(_buttons(self, "登录", "退出"))
        (self.password if last_login else self.login).setFocus()

    def submit(self) -> None:
        if self.run(lambda: accounts.log_in(self.ctx, self.login.text(), self.password.text())):
            self.accept()
        else:
            self.password.clear()
            self.password.setFocus()


class ChangePasswordDialog(_Dialog):
    """修改密码; ``forced`` after an administrator's reset: no way round it."""

    def __init__(
        self,
        ctx: ServiceContext,
        account_id: int,
        forced: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        text = (
            "管理员为您设置了临时密码，请先改成只有您自己知道的密码。"
            if forced
            else "请输入原密码和新密码。"
        )
        super().__init__("修改密码", text, parent)
        self.ctx, self.account_id = ctx, account_id
        self.old, self.new, self.confirm = _password(), _password(), _password()
        self.rows.add("old", "原密码", self.old, required=True)
        self.rows.add("password", "新密码", self.new, RULE, required=True)
        self.rows.add("confirm", "再次输入新密码", self.confirm, required=True)
        self.finish(_buttons(self, "修改", "退出" if forced else "取消"))

    def submit(self) -> None:
        def change() -> None:
            accounts.change_password(
                self.ctx, self.account_id, self.old.text(), self.new.text(), self.confirm.text()
            )

        if self.run(change):
            self.accept()


class LockDialog(_Dialog):
    """屏幕已锁定: the same account's password unlocks; 退出登录 ends the session."""

    LOG_OUT = 2  # ``exec`` result of 退出登录

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(
            "已锁定",
            f"较长时间没有操作，程序已锁定，以免他人看到或改动数据。\n"
            f"请 {ctx.operator_name or ''} 输入密码解锁；换人使用请点“退出登录”。",
            parent,
        )
        self.ctx = ctx
        self.password = _password()
        self.rows.add("password", "密码", self.password)
        buttons = _buttons(self, "解锁", "退出登录")
        buttons.rejected.disconnect()
        buttons.rejected.connect(lambda: self.done(self.LOG_OUT))
        self.finish(buttons)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

    def submit(self) -> None:
        if accounts.check_password(self.ctx, self.password.text()):
            self.accept()
        else:
            self.password.clear()
            self.say("密码不正确。连续输错多次账户会被锁定。")

    def reject(self) -> None:  # Esc does not unlock
        pass


class RecoveryKeyDialog(QDialog):
    """恢复密钥: shown once, to be printed or copied by hand and locked away. Without it
    and without any administrator's password, the complainants' identities cannot
    be read again (the key is stored nowhere)."""

    def __init__(self, key: str, township: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.township = township
        self.setWindowTitle(f"{APP_NAME_ZH} — 恢复密钥")
        self.setMinimumWidth(560)
        heading = QLabel("请抄写或打印恢复密钥，并锁入文件柜")
        heading.setObjectName("pageTitle")
        text = QLabel(
            "投诉举报人的个人信息在数据库中加密保存，只有登录后才能查看。"
            "如果所有管理员都忘记了密码，只有凭这个恢复密钥才能重新打开这些信息"
            "（命令 reset-admin --recovery-key）。\n"
            "恢复密钥只显示这一次，程序不保存它。请勿拍照或存在这台电脑上。"
        )
        text.setWordWrap(True)
        self.shown = QLabel(key)
        self.shown.setObjectName("recoveryKey")
        self.shown.setStyleSheet(
            "font: bold 20px monospace; padding: 12px; border: 1px solid #888;"
        )
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.kept = QCheckBox("我已抄写（或打印）恢复密钥，并交给负责人妥善保管")
        print_button = QPushButton("打印…")
        print_button.clicked.connect(self.print_key)
        self.ok = QPushButton("继续")
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.accept)
        self.kept.toggled.connect(self.ok.setEnabled)
        buttons = QHBoxLayout()
        buttons.addWidget(print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        for w in (heading, text, self.shown, self.kept):
            layout.addWidget(w)
        layout.addLayout(buttons)

    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrinter

        from desktop_app.ui import prompts

        printer = QPrinter()
        if not prompts.choose_printer(self, printer):
            return
        doc = QTextDocument()
        doc.setHtml(
            f"<h2>{APP_NAME_ZH} 恢复密钥</h2>"
            f"<p>{self.township}</p>"
            f"<p style='font-size:20pt; font-family:monospace'><b>{self.key}</b></p>"
            "<p>用途：所有管理员都忘记密码时，用它恢复管理员账户并重新打开投诉举报人信息。</p>"
            "<p>保管：锁入文件柜，勿拍照、勿存电脑。保管人：__________ 日期：__________</p>"
        )
        doc.print_(printer)

    def reject(self) -> None:  # not closed by Esc before the key is kept
        if self.kept.isChecked():
            super().reject()
