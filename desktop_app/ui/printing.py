"""Printing a letter at 100 %: each PDF page drawn at its true size on the paper.

Qt prints a PDF by rendering its pages (QtPdf has no vector print path), so
every page is rendered at the printer's resolution (capped at 600 dpi) and
painted onto the full paper — never fitted into the printable area, which
would shrink the letter and move the GB/T 9704 margins.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

MAX_DPI = 600


def target_rect(page_points: QSizeF, dpi: float) -> QRectF:
    """Where a page of ``page_points`` (1/72 inch) lands on the paper, in device pixels."""
    scale = dpi / 72.0
    return QRectF(0, 0, page_points.width() * scale, page_points.height() * scale)


def prepare(printer: QPrinter) -> None:
    """A4 portrait, full page, no scaling: the letter's own margins are the margins."""
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        printer.pageLayout().margins(),
    )
    printer.setPageLayout(layout)
    printer.setFullPage(True)  # after the layout, which would reset it


def print_document(doc: QPdfDocument, printer: QPrinter, copies_note: str = "") -> int:
    """Print every page of ``doc``; returns the number of pages sent."""
    prepare(printer)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("打印机无法开始打印，请检查打印机是否连接、是否缺纸。")
    scale_to_device = printer.resolution() / dpi
    try:
        for index in range(doc.pageCount()):
            if index:
                printer.newPage()
            points = doc.pagePointSize(index)
            rect = target_rect(points, dpi)
            image = doc.render(index, QSize(int(rect.width()), int(rect.height())))
            white = QImage(image.size(), QImage.Format.Format_RGB32)
            white.fill(0xFFFFFFFF)
            blend = QPainter(white)
            blend.drawImage(0, 0, image)
            blend.end()
            device = QRectF(0, 0, rect.width() * scale_to_device, rect.height() * scale_to_device)
            painter.drawImage(device, white)
    finally:
        painter.end()
    return doc.pageCount()
