"""Preview a letter, issue it (number + register), print it at 100 %, save a copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import printing, prompts


class LetterDialog(QDialog):
    """Either a draft (``code`` + ``record_id``) to issue, or an issued letter (``document_id``)."""

    def __init__(
        self,
        ctx: ServiceContext,
        *,
        code: str | None = None,
        record_id: int | None = None,
        document_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code, self.record_id, self.document_id = code, record_id, document_id
        self.resize(900, 1000)
        self.doc = QPdfDocument(self)
        self.buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setDocument(self.doc)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setObjectName("warningBanner")
        self.notes.setWordWrap(True)
        self.notes.setVisible(False)
        self.issue_button = QPushButton("发文（编号并登记）")
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为…")
        close = QPushButton("关闭")
        self.issue_button.clicked.connect(self.issue)
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_copy)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.issue_button, self.print_button, self.save_button, close):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.notes)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.loaded = False
        try:
            if document_id is not None:
                self._show_issued(document_id)
            else:
                self._show_draft()
            self.loaded = True
        except ServiceError as exc:
            self.status.setText(str(exc))
            self.issue_button.setEnabled(False)
            self.print_button.setEnabled(False)
            self.save_button.setEnabled(False)

    # --- loading ----------------------------------------------------------------------

    def _load(self, pdf: bytes) -> None:
        self.doc.close()
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.doc.load(self.buffer)

    def _show_draft(self) -> None:
        assert self.code is not None and self.record_id is not None
        rendered = letters.preview(self.ctx, self.code, self.record_id)
        self._load(rendered.pdf)
        self.setWindowTitle("文书预览（尚未编号）")
        self.status.setText("这是预览，文号处暂为空白。核对无误后点“发文”，程序编号、登记并保存。")
        self._font_notes(rendered.font_notes)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)

    def _show_issued(self, document_id: int) -> None:
        doc = letters.get(self.ctx, document_id)
        path = letters.stored_file(self.ctx, document_id)
        self._load(path.read_bytes())
        self.document_id = document_id
        state = "（已作废）" if str(doc.status) == "voided" else ""
        self.setWindowTitle(f"{doc.title} {doc.number or ''}{state}")
        self.status.setText(
            f"文号：{doc.number or '（无文号）'}　成文日期：{doc.issued_on:%Y-%m-%d}{state}"
        )
        self.issue_button.setVisible(False)
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _font_notes(self, notes: list[str]) -> None:
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))

    # --- actions ----------------------------------------------------------------------

    def issue(self) -> None:
        assert self.code is not None and self.record_id is not None
        try:
            issued = letters.issue(self.ctx, self.code, self.record_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc), "未能发文")
            return
        self._show_issued(issued.id)
        self._font_notes(issued.font_notes)
        prompts.info(self, f"已发文并登记。文号：{issued.number or '（无文号）'}", "发文完成")

    def print_letter(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printing.prepare(printer)
        if not prompts.choose_printer(self, printer):
            return
        try:
            pages = printing.print_document(self.doc, printer)
        except OSError as exc:
            prompts.warn(self, str(exc), "打印失败")
            return
        self.status.setText(f"已送打印机：{pages} 页（按原大小打印，未缩放）。")

    def save_copy(self) -> None:
        if self.document_id is None:
            return
        doc = letters.get(self.ctx, self.document_id)
        name = letters.safe_file_name(f"{doc.title}{doc.number or ''}") + ".pdf"
        path = prompts.save_file(self, "另存文书", name, "PDF 文件 (*.pdf)")
        if path is None:
            return
        try:
            letters.save_copy(self.ctx, self.document_id, Path(path), overwrite=True)
        except (ServiceError, OSError) as exc:
            prompts.warn(self, str(exc), "未能保存")
            return
        self.status.setText(f"已另存到：{path}")
