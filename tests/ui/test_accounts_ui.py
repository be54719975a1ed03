"""登录 and 登录账户: the dialogs a clerk sees, the accounts tab, the lock, roles in the UI."""

from __future__ import annotations

import pytest
from accounts_helpers import ADMIN_PASSWORD
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.domain.terms import AccountRole
from desktop_app.services import accounts
from desktop_app.services import staff as staff_service
from desktop_app.services.context import ServiceContext
from desktop_app.ui import app as gui
from desktop_app.ui.dialogs.login_dialog import (
    ChangePasswordDialog,
    LockDialog,
    LoginDialog,
    SetupDialog,
)
from desktop_app.ui.idle_lock import LOG_OUT, IdleLock
from desktop_app.ui.pages.complaints_page import ComplaintsPage
from desktop_app.ui.pages.settings_accounts import (
    AccountsTab,
    NewAccountDialog,
    ResetPasswordDialog,
)
from desktop_app.ui.pages.settings_page import SettingsPage


@pytest.fixture
def boss(ctx: ServiceContext) -> accounts.LoggedIn:
    return accounts.set_up_first_admin(ctx, "王管理", "wang", ADMIN_PASSWORD, ADMIN_PASSWORD)


def clerk_account(ctx: ServiceContext, boss: accounts.LoggedIn, role: str = "officer") -> int:
    person = staff_service.save(
        ctx, staff_service.StaffInput("李执法", "officer", certificate_number="130100261")
    )
    return accounts.create_account(boss.context(ctx), person, "li", role, "first1234", "first1234")


def test_setup_dialog_shows_problems_under_the_fields(qtbot, ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    d = SetupDialog(ctx)
    qtbot.addWidget(d)
    d.name.setText("王管理")
    d.login.setText("wang")
    d.password.setText("short")
    d.confirm.setText("short")
    d.submit()
    assert d.who is None and d.result() != QDialog.DialogCode.Accepted
    assert "至少8个" in d.rows.error_text("password")
    assert accounts.needs_setup(ctx)  # nothing written
    d.password.setText(ADMIN_PASSWORD)
    d.confirm.setText(ADMIN_PASSWORD)
    d.submit()
    assert d.who is not None and d.who.role == AccountRole.ADMIN
    assert d.result() == QDialog.DialogCode.Accepted


def test_login_dialog_wrong_then_right(qtbot, ctx: ServiceContext, boss) -> None:  # type: ignore[no-untyped-def]
    d = LoginDialog(ctx, "wang")
    qtbot.addWidget(d)
    d.password.setText("nope12345")
    d.submit()
    assert d.who is None and "登录名或密码不正确" in d.message.text()
    assert d.password.text() == ""  # typed again, never kept
    d.password.setText(ADMIN_PASSWORD)
    d.submit()
    assert d.who is not None and d.who.login_name == "wang"


def test_a_reset_password_must_be_changed_at_log_in(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, boss, monkeypatch, tmp_path
) -> None:
    clerk_account(ctx, boss)
    ui = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)

    def login(self: LoginDialog) -> int:
        self.login.setText("li")
        self.password.setText("first1234")
        self.submit()
        return int(self.result())

    changes: list[str] = []

    def change(self: ChangePasswordDialog) -> int:
        changes.append(self.windowTitle())
        self.old.setText("first1234")
        self.new.setText("mine12345")
        self.confirm.setText("mine12345")
        self.submit()
        return int(self.result())

    monkeypatch.setattr(LoginDialog, "exec", login)
    monkeypatch.setattr(ChangePasswordDialog, "exec", change)
    operator = gui.log_in_at_start(ctx, ui)
    assert operator is not None and operator.role == "officer" and changes
    assert ui.value("login/last") == "li"
    assert not accounts.log_in(ctx, "li", "mine12345").must_change_password
    # refusing the change: no session
    accounts.reset_password(boss.context(ctx), operator.account_id, "temp12345", "temp12345")
    monkeypatch.setattr(
        LoginDialog,
        "exec",
        lambda self: (
            self.login.setText("li"),
            self.password.setText("temp12345"),
            self.submit(),
            int(self.result()),
        )[-1],
    )
    monkeypatch.setattr(ChangePasswordDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert gui.log_in_at_start(ctx, ui) is None


def test_accounts_tab_add_reset_unlock(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, boss, monkeypatch, said
) -> None:
    me = boss.context(ctx)
    staff_service.save(
        ctx, staff_service.StaffInput("李执法", "officer", certificate_number="130100261")
    )
    page = SettingsPage(me)
    qtbot.addWidget(page)
    tab = page.accounts
    assert isinstance(tab, AccountsTab)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())][-1] == "登录账户"

    def new(self: NewAccountDialog) -> int:
        self.person.setCurrentIndex(self.person.findText("李执法"))
        self.login.setText("li")
        self.role.setCurrentIndex(self.role.findData("viewer"))
        self.password.setText("first1234")
        self.save()
        return int(self.result())

    monkeypatch.setattr(NewAccountDialog, "exec", new)
    tab.add()
    assert {r.login_name for r in tab.rows} == {"wang", "li"}
    li = next(r for r in tab.rows if r.login_name == "li")
    assert li.role == AccountRole.VIEWER and li.state == "待修改密码"
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(accounts.LoginFailed):
            accounts.log_in(ctx, "li", "wrong1234")
    tab.refresh()
    tab.select("li")
    assert tab.unlock_button.isEnabled()
    tab.unlock()
    assert next(r for r in tab.rows if r.login_name == "li").state == "待修改密码"

    def reset(self: ResetPasswordDialog) -> int:
        self.password.setText("again1234")
        self.save()
        return int(self.result())

    monkeypatch.setattr(ResetPasswordDialog, "exec", reset)
    tab.select("li")
    tab.reset()
    assert accounts.log_in(ctx, "li", "again1234").must_change_password


def test_roles_in_the_interface(qtbot, ctx: ServiceContext, boss) -> None:  # type: ignore[no-untyped-def]
    clerk_account(ctx, boss, role="viewer")
    viewer = accounts.log_in(ctx, "li", "first1234").context(ctx)
    page = ComplaintsPage(viewer)
    qtbot.addWidget(page)
    assert not page.new_button.isEnabled() and "查阅" in page.new_button.toolTip()
    settings = SettingsPage(viewer)
    qtbot.addWidget(settings)
    assert settings.accounts is None  # no accounts tab for a non-administrator
    officer_page = ComplaintsPage(boss.context(ctx))
    qtbot.addWidget(officer_page)
    assert officer_page.new_button.isEnabled()


def test_idle_lock_unlocks_with_the_password_or_logs_out(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, boss, monkeypatch
) -> None:
    from PySide6.QtWidgets import QLabel, QWidget

    me = boss.context(ctx)
    window = QWidget()
    window.resize(400, 300)
    window.show()
    qtbot.addWidget(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    lock = IdleLock(app, window, me, minutes=10)
    assert lock.timer.isActive() and lock.timer.interval() == 600_000

    tries: list[str] = []

    def answer(self: LockDialog) -> int:
        covers = [w for w in window.findChildren(QLabel) if w.objectName() == "lockCover"]
        assert covers and covers[0].isVisible()  # the records are out of sight meanwhile
        for typed in ("wrong1234", ADMIN_PASSWORD):
            self.password.setText(typed)
            self.submit()
            tries.append(self.message.text())
            if self.result() == QDialog.DialogCode.Accepted:
                break
        return int(self.result())

    monkeypatch.setattr(LockDialog, "exec", answer)
    assert lock.lock() == QDialog.DialogCode.Accepted
    assert "密码不正确" in tries[0] and not lock.locked and lock.timer.isActive()

    exits: list[int] = []
    monkeypatch.setattr(app, "exit", lambda code=0: exits.append(code))
    monkeypatch.setattr(LockDialog, "exec", lambda self: LockDialog.LOG_OUT)
    lock.lock()
    assert exits == [LOG_OUT]
    lock.stop()


def test_a_new_recovery_key_from_the_accounts_tab(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, monkeypatch, said
) -> None:
    from desktop_app.ui import prompts
    from desktop_app.ui.dialogs.login_dialog import RecoveryKeyDialog

    first = accounts.set_up_first_admin(ctx, "王管理", "wang", ADMIN_PASSWORD, ADMIN_PASSWORD)
    assert first.recovery_key
    tab = AccountsTab(first.context(ctx))
    qtbot.addWidget(tab)
    shown: list[str] = []

    def keep(self: RecoveryKeyDialog) -> int:
        shown.append(self.shown.text())
        self.kept.setChecked(True)
        self.ok.click()
        return int(self.result())

    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", keep)
    tab.new_recovery_key()
    assert len(shown) == 1 and shown[0] != first.recovery_key
    name, _temp = accounts.recover_admin(ctx, "wang", shown[0])  # the new key works
    assert name == "wang"
    with pytest.raises(accounts.ServiceError):
        accounts.recover_admin(ctx, "wang", first.recovery_key)  # the old one no longer


def test_the_lock_minutes_come_from_the_settings(ctx: ServiceContext) -> None:
    from desktop_app.services import settings

    assert gui._setting_minutes(ctx) == 10
    settings.save(ctx, {"idle_lock_minutes": 0})
    assert gui._setting_minutes(ctx) == 0  # never locks
    with pytest.raises(settings.InvalidInput):
        settings.save(ctx, {"idle_lock_minutes": 999})
