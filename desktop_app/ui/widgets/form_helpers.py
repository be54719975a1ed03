"""Small helpers shared by the forms: labelled rows with an error line under
each field, combo boxes filled from a :class:`Term` or from (label, value)
pairs, and a grey hint label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import Term

ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #666666;"
OK_STYLE = "color: #1e7b34;"


def make_form(parent: QWidget | None = None) -> QFormLayout:
    """A form layout with roomy spacing, labels right-aligned next to wide fields."""
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(8)
    return form


def hint_label(text: str, parent: QWidget | None = None) -> QLabel:
    """Small grey explanatory text that wraps."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() - 1, 8))
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def fill_term_combo(combo: QComboBox, term: type[Term], empty: str | None = None) -> None:
    """Items show the Chinese label and carry the stored code as data."""
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for code, label in term.choices():
        combo.addItem(label, code)


def fill_combo(
    combo: QComboBox, items: Iterable[tuple[str, Any]], empty: str | None = None
) -> None:
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for label, value in items:
        combo.addItem(label, value)


def select_data(combo: QComboBox, value: Any, missing_label: str | None = None) -> None:
    """Select the item carrying ``value``; an unknown value is added (never hidden)
    with ``missing_label`` when given, otherwise the first item is selected."""
    index = combo.findData(value)
    if index < 0 and value is not None and missing_label is not None:
        combo.addItem(missing_label, value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


def text_of(widget: QLineEdit | QPlainTextEdit) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return widget.text()


def _caption(label: str, required: bool) -> str:
    if not label:
        return ""
    if required:
        return f'<span style="color:#b3261e">*</span> {label}：'
    return label + "："


class FieldRows:
    """Rows of a :class:`QFormLayout`, each field with a red message line under it
    (and an optional grey hint); a required field has a red asterisk.

    ``show(problems)`` puts each message of an ``InvalidInput.problems`` dict
    under its field and returns the messages that belong to no field.
    """

    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self.captions: dict[str, str] = {}

    def add(
        self,
        key: str,
        label: str,
        widget: QWidget,
        hint: str | None = None,
        required: bool = False,
    ) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        error.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        error.hide()
        column.addWidget(error)
        if hint:
            column.addWidget(hint_label(hint))
        caption = QLabel(_caption(label, required))
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        caption.setMinimumHeight(min(widget.sizeHint().height(), QLineEdit().sizeHint().height()))
        caption.setBuddy(widget)
        self.form.addRow(caption, box)
        self.widgets[key] = widget
        self.errors[key] = error
        self.labels[key] = caption
        self.captions[key] = label
        return box

    def set_required(self, key: str, required: bool) -> None:
        """Show or hide the red asterisk of a field whose need depends on others."""
        self.labels[key].setText(_caption(self.captions[key], required))

    def clear(self) -> None:
        for error in self.errors.values():
            error.clear()
            error.hide()

    def show(self, problems: dict[str, str]) -> list[str]:
        self.clear()
        unplaced: list[str] = []
        first: QWidget | None = None
        for key, message in problems.items():
            error = self.errors.get(key)
            if error is None:
                unplaced.append(message)
                continue
            error.setText(message)
            error.show()
            if first is None:
                first = self.widgets[key]
        if first is not None:
            first.setFocus()
        return unplaced

    def error_text(self, key: str) -> str:
        """The message shown under a field ('' when none); used by tests too."""
        error = self.errors[key]
        return error.text() if not error.isHidden() else ""


def problems_summary(problems: dict[str, str], header: str = "未保存，请修改以下内容：") -> str:
    return header + "\n" + "\n".join(f"· {m}" for m in problems.values())


def save_form(dialog: QDialog, rows: FieldRows, save: Callable[[], int | None]) -> int | None:
    """Run a service save for a form dialog: problems go next to their fields and
    into one warning; any other refusal (a rule, a concurrent edit) is shown as
    is. On success ``dialog.saved_id`` is set before the dialog is accepted
    (listeners of ``accepted`` read it) and the id is returned."""
    from desktop_app.services.errors import InvalidInput, ServiceError
    from desktop_app.ui import prompts

    rows.clear()
    try:
        saved = save()
    except InvalidInput as exc:
        rows.show(exc.problems)
        prompts.warn(dialog, problems_summary(exc.problems))
        return None
    except ServiceError as exc:
        prompts.warn(dialog, str(exc))
        return None
    dialog.saved_id = saved  # type: ignore[attr-defined]  # read by whoever opened it
    dialog.accept()
    return saved


def save_cancel_buttons(dialog: QDialog, on_save: Callable[[], None]) -> QDialogButtonBox:
    """保存 and 取消 at the foot of a form dialog."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def scrolling(content: QWidget) -> QScrollArea:
    """A long form in a scroll area; short fields keep their height (stretch below)."""
    body = QWidget()
    column = QVBoxLayout(body)
    column.addWidget(content)
    column.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(body)
    return area


def date_edit(day: date) -> QDateEdit:
    """A date field with its calendar, showing ``day``."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def open_date_edit() -> QDateEdit:
    """A date that may be left open (a filter bound): its minimum shows as "不限"."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setSpecialValueText("不限")
    edit.setDate(edit.minimumDate())
    return edit


def open_date_value(edit: QDateEdit) -> date | None:
    """The day of an :func:`open_date_edit`, None when left at "不限"."""
    if edit.date() == edit.minimumDate():
        return None
    return edit.date().toPython()  # type: ignore[return-value]
