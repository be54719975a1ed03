"""GUI tests run background work inline, so results are there when the click returns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialog

from desktop_app.ui import workers


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
