"""GB/T 9704-2012 page geometry and the drawing primitives every layout uses.

A4; the type area (版心) is 156 × 225 mm, 37 mm from the top and 28 mm from
the left; body text 3号 (16 pt) in 22 lines of 28 characters. The 信函格式
(clause 10.1) puts the issuer banner 30 mm from the top and a red double
rule 170 mm wide under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import CMYKColor, Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop_app.documents import fonts
from desktop_app.documents.fonts import FontChoice

MM = 72 / 25.4
PAGE_W, PAGE_H = A4
LEFT = 28 * MM
TOP_MARGIN = 37 * MM
TYPE_W = 156 * MM
TYPE_H = 225 * MM
TYPE_TOP = PAGE_H - TOP_MARGIN  # y of the type area's top edge
TYPE_BOTTOM = TYPE_TOP - TYPE_H  # 35 mm above the page's bottom edge
RIGHT = LEFT + TYPE_W

# Chinese type sizes (字号) in points.
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body
SIZE_4 = 14.0  # 四号: page numbers, 版记
BANNER_SIZE = 30.0  # issuer banner; the standard leaves the size to the issuer

CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
CELL = TYPE_W / CHARS_PER_LINE  # one character's advance on the 28-character grid
PITCH = TYPE_H / LINES_PER_PAGE  # one line's height on the 22-line grid
BASE_CHAR_SPACE = CELL - SIZE_3  # tracking that puts 28 characters of 3号 in 156 mm

RED = CMYKColor(0, 0.8, 0.8, 0)  # GB/T 9704: red M80 Y80
ASCENT = 0.88  # top of a CJK glyph above the baseline, in em


@dataclass(frozen=True)
class Style:
    font: FontChoice
    size: float = SIZE_3
    char_space: float = BASE_CHAR_SPACE
    color: Color = black

    def measure(self, ch: str) -> float:
        return stringWidth(ch, self.font.name, self.size) + self.char_space

    def width(self, text: str) -> float:
        if not text:
            return 0.0
        return stringWidth(text, self.font.name, self.size) + self.char_space * len(text)


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, style: Style, char_space: float | None = None
) -> None:
    """Draw one line at baseline ``y``; a faux-bold font is filled and stroked."""
    t = canvas.beginText(x, y)
    t.setFont(style.font.name, style.size)
    t.setCharSpace(style.char_space if char_space is None else char_space)
    t.setFillColor(style.color)

    def out() -> None:  # a character the font lacks in a fallback font (fonts.runs)
        for name, run in fonts.runs(style.font.name, text):
            t.setFont(name, style.size)
            t.textOut(run)

    if style.font.faux_bold:
        # Fill and stroke the outline, inside its own graphics state: the render
        # mode and line width would otherwise leak into everything drawn after.
        canvas.saveState()
        canvas.setStrokeColor(style.color)
        canvas.setLineWidth(style.size * 0.028)
        t.setTextRenderMode(2)
        out()
        canvas.drawText(t)
        canvas.restoreState()
    else:
        out()
        canvas.drawText(t)


def draw_rule(canvas: Canvas, x0: float, x1: float, y: float, width: float, color: Color) -> None:
    canvas.setStrokeColor(color)
    canvas.setLineWidth(width)
    canvas.line(x0, y, x1, y)


def baseline_in_slot(slot_top: float, size: float, pitch: float = PITCH) -> float:
    """Baseline of a line of ``size`` centred in a slot of ``pitch`` starting at ``slot_top``."""
    return slot_top - (pitch - size) / 2 - size * ASCENT


def page_number(canvas: Canvas, number: int, style: Style) -> None:
    """4号 "— n —", 7 mm below the type area; odd pages right, even pages left (one char in)."""
    text = f"— {number} —"
    width = stringWidth(text, style.font.name, style.size)
    y = TYPE_BOTTOM - 7 * MM - style.size * ASCENT
    inset = style.size
    x = RIGHT - inset - width if number % 2 else LEFT + inset
    t = canvas.beginText(x, y)
    t.setFont(style.font.name, style.size)
    t.setFillColor(black)
    t.textOut(text)
    canvas.drawText(t)
