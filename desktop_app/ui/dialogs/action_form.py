"""A small form for one step of a workflow (send, sign for, return, record a result…).

Declared as a list of :class:`Field`; the dialog calls ``submit(values)``
(a service call) when the user confirms and keeps itself open with the
messages next to the fields when the service refuses — nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.clock import now
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.widgets.form_helpers import FieldRows, make_form, problems_summary


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text | multiline | datetime | date | choice | int | file
    required: bool = False
    choices: Sequence[tuple[str, Any]] = ()  # (label, value) for "choice"
    default: Any = None
    hint: str = ""


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime(
        QDate(value.year, value.month, value.day), QTime(value.hour, value.minute, value.second)
    )


class ActionForm(QDialog):
    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[dict[str, Any]], Any],
        parent: QWidget | None = None,
        intro: str = "",
        ok_text: str = "确定",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.fields = list(fields)
        self.submit_fn = submit
        self.result_value: Any = None
        self.widgets: dict[str, QWidget] = {}
        form = make_form()
        self.rows = FieldRows(form)
        layout = QVBoxLayout(self)
        if intro:
            text = QLabel(intro)
            text.setWordWrap(True)
            text.setObjectName("pageIntro")
            layout.addWidget(text)
        for f in self.fields:
            widget = self._widget(f)
            self.widgets[f.key] = widget
            self.rows.add(f.key, f.label, widget, hint=f.hint or None, required=f.required)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _widget(self, f: Field) -> QWidget:
        if f.kind == "multiline":
            w = QPlainTextEdit()
            w.setFixedHeight(90)
            if f.default:
                w.setPlainText(str(f.default))
            return w
        if f.kind == "datetime":
            dt = QDateTimeEdit(to_qdatetime(f.default or now()))
            dt.setCalendarPopup(True)
            dt.setDisplayFormat("yyyy-MM-dd HH:mm")
            return dt
        if f.kind == "date":
            d = QDateEdit()
            value = f.default or now().date()
            d.setDate(QDate(value.year, value.month, value.day))
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            return d
        if f.kind == "choice":
            c = QComboBox()
            for label, value in f.choices:
                c.addItem(label, value)
            if f.default is not None:
                index = c.findData(f.default)
                if index >= 0:
                    c.setCurrentIndex(index)
            return c
        if f.kind == "int":
            s = QSpinBox()
            s.setRange(0, 100000)
            s.setValue(int(f.default or 0))
            return s
        if f.kind == "file":
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            edit = QLineEdit()
            edit.setPlaceholderText("（可不选）")
            edit.setReadOnly(True)
            pick = QPushButton("选择文件…")
            pick.clicked.connect(lambda: self._pick(edit))
            row.addWidget(edit, 1)
            row.addWidget(pick)
            box.setProperty("edit", edit)
            return box
        line = QLineEdit()
        if f.default:
            line.setText(str(f.default))
        return line

    def _pick(self, edit: QLineEdit) -> None:
        path = prompts.open_file(self, "选择附件", "所有文件 (*)")
        if path is not None:
            edit.setText(str(path))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.widgets[f.key]
            if isinstance(w, QPlainTextEdit):
                out[f.key] = w.toPlainText().strip()
            elif isinstance(w, QDateTimeEdit) and not isinstance(w, QDateEdit):
                out[f.key] = w.dateTime().toPython().replace(second=0, microsecond=0)
            elif isinstance(w, QDateEdit):
                out[f.key] = w.date().toPython()
            elif isinstance(w, QComboBox):
                out[f.key] = w.currentData()
            elif isinstance(w, QSpinBox):
                out[f.key] = w.value()
            elif isinstance(w, QLineEdit):
                out[f.key] = w.text().strip()
            else:
                edit = w.property("edit")
                text = edit.text().strip() if isinstance(edit, QLineEdit) else ""
                out[f.key] = Path(text) if text else None
        return out

    def set_value(self, key: str, value: Any) -> None:
        """Fill a field as a user would (used by tests and by defaults set later)."""
        w = self.widgets[key]
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, QDateTimeEdit) and not isinstance(w, QDateEdit):
            w.setDateTime(to_qdatetime(value))
        elif isinstance(w, QDateEdit):
            w.setDate(QDate(value.year, value.month, value.day))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))
        else:
            edit = w.property("edit")
            if isinstance(edit, QLineEdit):
                edit.setText(str(value or ""))

    def confirm(self) -> None:
        self.rows.clear()
        values = self.values()
        missing = {
            f.key: f"请填写「{f.label}」"
            for f in self.fields
            if f.required and values.get(f.key) in (None, "")
        }
        if missing:
            self.rows.show(missing)
            return
        try:
            self.result_value = self.submit_fn(values)
        except InvalidInput as exc:
            self.rows.show(exc.problems)
            prompts.warn(self, problems_summary(exc.problems))
            return
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self.accept()
