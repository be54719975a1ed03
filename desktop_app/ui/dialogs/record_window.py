"""A record's own window, shared by the ledgers: a line above (the clock or the
duties still open), tabs with 基本情况 first, the next steps as buttons and 关闭."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import DocumentStatus, RecordType
from desktop_app.services import letters, records
from desktop_app.services.context import ServiceContext
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, Field
from desktop_app.ui.widgets.record_panels import fill_details


class RecordWindow(QDialog):
    """Subclasses set ``ledger_key`` and ``name``, add their tabs after calling
    ``__init__``, then ``finish(*widgets above the tabs)``; ``reload`` fills it all.
    A button ``key`` runs ``step_<key>()``; anything but ``False`` means written."""

    ledger_key = ""
    name = ""  # 执法协助: the window title is "执法协助 助2026-0001（已发函）"
    record_type: RecordType | None = None  # for the letters a step needs first

    def __init__(
        self,
        ctx: ServiceContext,
        record_id: int,
        steps: Iterable[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.record_id = ctx, record_id
        self.changed = False
        self.resize(880, 680)
        self.tabs = QTabWidget()
        self.details = QWidget()
        self.details_form = QFormLayout(self.details)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        self.tabs.addTab(scroll, "基本情况")
        self.buttons: dict[str, QPushButton] = {}
        self.actions = QHBoxLayout()
        for key, label in steps:
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, k=key: self.act(k))
            self.buttons[key] = button
            self.actions.addWidget(button)
        self.actions.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.actions.addWidget(close)

    def finish(self, *above: QWidget) -> None:
        layout = QVBoxLayout(self)
        for widget in above:
            layout.addWidget(widget)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self.actions)
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def fill_basics(self) -> None:
        """The 基本情况 tab and the window title (number and status)."""
        fields = records.detail(self.ctx, self.ledger_key, self.record_id)
        serial = next((v for k, v in fields if k == "台账编号"), "")
        status = next((v for k, v in fields if k == "状态"), "")
        self.setWindowTitle(f"{self.name} {serial}" + (f"（{status}）" if status else ""))
        fill_details(self.details_form, fields)

    def show_steps(self, allowed: set[str]) -> None:
        """The steps the record's state allows; none for a 查阅 account (read only)."""
        for key, button in self.buttons.items():
            button.setVisible(key in allowed and not self.ctx.read_only)

    def open_letter(self, *, code: str | None = None, document_id: int | None = None) -> None:
        from desktop_app.ui.dialogs.letter_dialog import LetterDialog

        dialog = LetterDialog(
            self.ctx, code=code, record_id=self.record_id, document_id=document_id, parent=self
        )
        if not dialog.loaded:
            prompts.warn(self, dialog.status.text())
            return
        dialog.exec()
        self._changed()

    def issued(self, code: str) -> bool:
        """A letter of this kind was issued for the record and not voided."""
        assert self.record_type is not None
        return any(
            d.doc_type == code and str(d.status) != DocumentStatus.VOIDED.value
            for d in letters.for_record(self.ctx, self.record_type, self.record_id)
        )

    def issue_first(self, code: str, name: str) -> bool:
        """A step that needs its letter: offer to preview and issue it now."""
        if self.issued(code):
            return True
        if not prompts.confirm(self, f"这一步需要先出具《{name}》。现在预览并出具吗？"):
            return False
        self.open_letter(code=code)
        return self.issued(code)

    def _changed(self) -> None:
        self.changed = True
        self.reload()

    def act(self, key: str) -> None:
        handler = getattr(self, f"step_{key}", None)
        if handler is not None and handler() is not False:
            self._changed()

    def _form(self, title: str, fields: list[Field], submit: Any, intro: str = "") -> bool:
        form = ActionForm(title, fields, submit, self, intro)
        return form.exec() == QDialog.DialogCode.Accepted
