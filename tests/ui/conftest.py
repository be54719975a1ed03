"""GUI tests run background work inline, so results are there when the click returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from accounts_helpers import ADMIN_LOGIN, ADMIN_PASSWORD
from PySide6.QtWidgets import QDialog

from desktop_app.ui import prompts, workers
from desktop_app.ui.dialogs.action_form import ActionForm
from desktop_app.ui.dialogs.letter_dialog import LetterDialog


@pytest.fixture(autouse=True)
def synchronous_workers() -> Iterator[None]:
    workers.use_synchronous(True)
    yield
    workers.use_synchronous(False)


@pytest.fixture(autouse=True)
def no_unexpected_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog nobody answers would hang the run: fail instead.

    Tests that expect a dialog patch that dialog class's ``exec``.
    """

    def refuse(self: QDialog) -> int:
        raise AssertionError(f"unexpected modal dialog: {type(self).__name__} {self.windowTitle()}")

    monkeypatch.setattr(QDialog, "exec", refuse)


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app told the user (info, warning, error boxes), in order."""
    messages: list[str] = []
    for name in ("info", "warn", "error"):
        monkeypatch.setattr(prompts, name, lambda _p, text, title="", m=messages: m.append(text))
    return messages


@pytest.fixture
def forms(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Queue the values a user would type into the next ActionForm dialogs."""
    queue: list[dict[str, Any]] = []

    def run(self: ActionForm) -> int:
        for key, value in queue.pop(0).items():
            self.set_value(key, value)
        self.confirm()
        return int(self.result())

    monkeypatch.setattr(ActionForm, "exec", run)
    return queue


@pytest.fixture
def issue_letters(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The clerk previews a letter and presses 发文 (or just looks at an issued one)."""
    issued: list[str] = []

    def run(self: LetterDialog) -> int:
        if not self.issue_button.isHidden() and self.code:
            self.issue()
            issued.append(self.code)
        return 0

    monkeypatch.setattr(LetterDialog, "exec", run)
    return issued


@pytest.fixture
def auto_login(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The start-up dialogs answered as a clerk would: on first start the seeded
    「管理员」 becomes the administrator (admin / ADMIN_PASSWORD); later starts log
    in with it. Returns the titles of the dialogs shown, in order."""
    from desktop_app.ui.dialogs.login_dialog import LoginDialog, RecoveryKeyDialog, SetupDialog

    shown: list[str] = []

    def setup(self: SetupDialog) -> int:
        shown.append("setup")
        index = self.person.findText("管理员")
        if index >= 0:
            self.person.setCurrentIndex(index)
        else:
            self.name.setText("管理员")
        self.login.setText(ADMIN_LOGIN)
        self.password.setText(ADMIN_PASSWORD)
        self.confirm.setText(ADMIN_PASSWORD)
        self.submit()
        return int(self.result())

    def login(self: LoginDialog) -> int:
        shown.append("login")
        self.login.setText(ADMIN_LOGIN)
        self.password.setText(ADMIN_PASSWORD)
        self.submit()
        return int(self.result())

    def recovery(self: RecoveryKeyDialog) -> int:
        shown.append("recovery")
        assert not self.ok.isEnabled()  # not before the clerk says the key is kept
        self.kept.setChecked(True)
        self.ok.click()
        return int(self.result())

    monkeypatch.setattr(SetupDialog, "exec", setup)
    monkeypatch.setattr(LoginDialog, "exec", login)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", recovery)
    return shown
