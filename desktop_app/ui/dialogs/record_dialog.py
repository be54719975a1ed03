"""A read-only view of one record: every filled field, its letters, and "出具文书"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import RecordType
from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.widgets.record_panels import fill_details


class RecordDialog(QDialog):
    def __init__(
        self,
        title: str,
        fields: list[tuple[str, str]],
        parent: QWidget | None = None,
        *,
        ctx: ServiceContext | None = None,
        record_type: RecordType | None = None,
        record_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.record_type, self.record_id = ctx, record_type, record_id
        self.setWindowTitle(title)
        self.resize(680, 600)
        body = QWidget()
        form = QFormLayout(body)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        fill_details(form, fields)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        self.letter_buttons: list[QPushButton] = []
        self.menu: QMenu | None = None
        if ctx is not None and record_type is not None and record_id is not None:
            layout.addLayout(self._letters_row())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _letters_row(self) -> QHBoxLayout:
        assert self.ctx is not None and self.record_type is not None
        row = QHBoxLayout()
        row.addWidget(QLabel("文书："))
        assert self.record_id is not None
        for doc in letters.for_record(self.ctx, self.record_type, self.record_id):
            state = "（已作废）" if str(doc.status) == "voided" else ""
            button = QPushButton(f"{doc.number or doc.title}{state}")
            button.setToolTip(doc.title)
            button.clicked.connect(lambda _=False, d=doc.id: self.open_letter(document_id=d))
            self.letter_buttons.append(button)
            row.addWidget(button)
        types = letters.document_types(self.record_type)
        self.new_letter = QPushButton("出具文书…")
        self.new_letter.setEnabled(bool(types))
        self.menu = QMenu(self.new_letter)
        for t in types:
            action = self.menu.addAction(t.name)
            action.setData(t.code)
            action.triggered.connect(lambda _=False, c=t.code: self.open_letter(code=c))
        self.new_letter.setMenu(self.menu)
        row.addStretch(1)
        row.addWidget(self.new_letter)
        return row

    def open_letter(self, *, code: str | None = None, document_id: int | None = None) -> None:
        from desktop_app.ui.dialogs.letter_dialog import LetterDialog

        assert self.ctx is not None
        try:
            dialog = LetterDialog(
                self.ctx, code=code, record_id=self.record_id, document_id=document_id, parent=self
            )
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        dialog.exec()
