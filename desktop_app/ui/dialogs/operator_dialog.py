"""At start: who is working? The audit trail records this person."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME_ZH
from desktop_app.storage.models import Staff


class OperatorDialog(QDialog):
    def __init__(
        self, staff: list[Staff], last_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME_ZH} — 选择操作人员")
        self.setMinimumWidth(460)
        self.combo = QComboBox()
        for person in staff:
            extra = f"（{person.position}）" if person.position else ""
            self.combo.addItem(f"{person.name}{extra}", person.id)
        if last_id is not None:
            index = self.combo.findData(last_id)
            if index >= 0:
                self.combo.setCurrentIndex(index)
        heading = QLabel(APP_NAME_ZH)
        heading.setObjectName("pageTitle")
        text = QLabel("请选择您的姓名。您在本程序中的每一项操作都会以您的名义留痕。")
        text.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("进入")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)

    def selected(self) -> tuple[int, str]:
        name = self.combo.currentText().split("（", 1)[0]
        return int(self.combo.currentData()), name
