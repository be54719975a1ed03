"""Render app.svg into the icon sizes each platform needs (run after editing the SVG):

    uv run python resources/icons/build_icons.py

Writes app.png (256 px, the window icon), app-<n>.png for the .deb's hicolor
theme (16 … 256) and app.ico (Windows: 16, 24, 32, 48, 64, 128, 256 in one file).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: QSvgRenderer, size: int) -> QImage:
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    svg.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    svg = QSvgRenderer(str(HERE / "app.svg"))
    if not svg.isValid():
        print("app.svg is not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        render(svg, size).save(str(HERE / f"app-{size}.png"))
    render(svg, 256).save(str(HERE / "app.png"))
    write_ico(HERE / "app.ico", [(n, (HERE / f"app-{n}.png").read_bytes()) for n in SIZES])
    del app
    return 0


def write_ico(path: Path, images: list[tuple[int, bytes]]) -> None:
    """An .ico holding each size as PNG (Windows Vista and later read them)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    path.write_bytes(header + entries + blobs)


if __name__ == "__main__":
    sys.exit(main())
