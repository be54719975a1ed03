"""Forms (登记表、送达回证、材料清单、物品清单): ruled tables on A4.

The same type area as letters; a 2号 title, the document number (if any)
right-aligned under it, the table, then the lines under the table (signatures,
dates). Cells wrap Chinese text with the same line-breaking rules as letters.
A form that fits one page stays on one page; a long item list continues on
further pages with its header row repeated.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from desktop_app.documents import fonts
from desktop_app.documents import page as pg
from desktop_app.documents.fonts import FontSet
from desktop_app.documents.linebreak import CANNOT_END, CANNOT_START
from desktop_app.documents.page import MM
from desktop_app.documents.template import Template, Value, fill, is_empty, shown

_KINSOKU_PATCHED = False


def patch_reportlab_kinsoku() -> None:
    """reportlab's CJK wrapping knows too few closing marks; teach it ours (once)."""
    global _KINSOKU_PATCHED
    if _KINSOKU_PATCHED:
        return
    import reportlab.lib.textsplit as textsplit
    import reportlab.platypus.paragraph as paragraph

    extra = "".join(sorted(CANNOT_START))
    textsplit.ALL_CANNOT_START += extra
    paragraph.ALL_CANNOT_START += extra
    if hasattr(textsplit, "ALL_CANNOT_END"):
        textsplit.ALL_CANNOT_END += "".join(sorted(CANNOT_END))
    _KINSOKU_PATCHED = True


def _markup(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\n", "<br/>").replace("\u3000", "&nbsp;" * 4)


def _escape(text: str, font: str | None = None) -> str:
    """Text for a Paragraph: markup escaped, line breaks kept, full-width spaces
    kept (reportlab would collapse them like any other whitespace), and the
    characters ``font`` lacks (生僻字, emoji) set in a fallback font."""
    if font is None:
        return _markup(text)
    return "".join(
        _markup(run) if name == font else f'<font face="{name}">{_markup(run)}</font>'
        for name, run in fonts.runs(font, text)
    )


class _TitleFlowable(Flowable):
    """The form's title (2号, centred, faux bold when it is the stand-in font)."""

    def __init__(self, text: str, style: pg.Style) -> None:
        super().__init__()
        self.text, self.style = text, style
        self.width, self.height = pg.TYPE_W, pg.PITCH * 1.4

    def draw(self) -> None:
        x = (pg.TYPE_W - (self.style.width(self.text) - self.style.char_space)) / 2
        pg.draw_text(self.canv, x, self.height * 0.3, self.text, self.style)


class Form:
    def __init__(
        self, template: Template, values: Mapping[str, Value], number: str | None, fonts: FontSet
    ) -> None:
        patch_reportlab_kinsoku()
        self.template, self.values, self.number, self.fonts = template, values, number, fonts
        self.labels = {k: s.label for k, s in template.fields.items()}
        body = fonts["fangsong"].name
        self.cell = ParagraphStyle(
            "cell", fontName=body, fontSize=14, leading=20, wordWrap="CJK", alignment=TA_LEFT
        )
        self.cell_centre = ParagraphStyle("cellc", parent=self.cell, alignment=TA_CENTER)
        self.cell_right = ParagraphStyle("cellr", parent=self.cell, alignment=TA_RIGHT)
        self.label = ParagraphStyle("label", parent=self.cell_centre, fontName=fonts["heiti"].name)
        self.line = ParagraphStyle(
            "line", fontName=body, fontSize=pg.SIZE_3, leading=pg.PITCH, wordWrap="CJK"
        )
        self.right = ParagraphStyle("right", parent=self.line, alignment=TA_RIGHT)

    def text(self, raw: str) -> str:
        return fill(raw, self.values, self.labels)

    def _cell(self, spec: Mapping[str, Any]) -> Paragraph:
        raw = str(spec.get("text", ""))
        text = "" if spec.get("optional") and is_empty(self._value_of(raw)) else self.text(raw)
        if spec.get("label"):
            style = self.label
        elif spec.get("align") == "center":
            style = self.cell_centre
        elif spec.get("align") == "right":
            style = self.cell_right
        else:
            style = self.cell
        return Paragraph(_escape(text, style.fontName), style)

    def _value_of(self, raw: str) -> Value | None:
        from desktop_app.documents.template import PLACEHOLDER

        keys = PLACEHOLDER.findall(raw)
        if not keys:
            return raw
        joined = "".join(str(self.values.get(k) or "") for k in keys)
        return joined or None

    @staticmethod
    def _row_height(
        cells: list[Any], widths: list[float], specs: tuple[dict[str, Any], ...], minimum: float
    ) -> float:
        """A row's ``height`` is a minimum: longer text makes the row taller, never overlaps."""
        need = 0.0
        col = 0
        for cell, spec in zip([c for c in cells if c != ""], specs, strict=False):
            span = int(spec.get("span", 1))
            width = sum(widths[col : col + span]) - 10  # the cell's padding
            if isinstance(cell, Paragraph):
                need = max(need, cell.wrap(width, 10_000)[1] + 12)
            col += span
        return max(minimum, need)

    def table(self) -> Table:
        spec = self.template.table
        assert spec is not None
        widths = [w * MM for w in spec.columns]
        data: list[list[Any]] = []
        styles: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.6, black),
            ("FONTNAME", (0, 0), (-1, -1), self.fonts["fangsong"].name),  # empty cells too
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
        heights: list[float | None] = []
        for r, row in enumerate(spec.rows):
            cells: list[Any] = []
            col = 0
            for cell in row:
                span = int(cell.get("span", 1))
                cells.append(self._cell(cell))
                cells += [""] * (span - 1)
                if span > 1:
                    styles.append(("SPAN", (col, r), (col + span - 1, r)))
                if cell.get("valign") in ("top", "bottom"):
                    styles.append(
                        ("VALIGN", (col, r), (col + span - 1, r), str(cell["valign"]).upper())
                    )
                col += span
            data.append(cells)
            minimum = max(float(c.get("height", 0)) for c in row) * MM
            heights.append(self._row_height(cells, widths, row, minimum) if minimum else None)
        repeat = 0
        if spec.items:
            repeat = len(data) + 1
            data.append(
                [Paragraph(_escape(h, self.label.fontName), self.label) for h in spec.item_headers]
            )
            heights.append(None)
            items = self.values.get(spec.items) or []
            if not isinstance(items, list):
                items = []
            for n, item in enumerate(items, start=1):
                record = dict(item) if isinstance(item, dict) else {"name": str(item)}
                record.setdefault("seq", str(n))
                data.append(
                    [
                        Paragraph(
                            _escape(str(record.get(k, "")), self.cell.fontName),
                            self.cell_centre
                            if k in ("seq", "count", "copies", "pages", "unit", "quantity")
                            else self.cell,
                        )
                        for k in spec.item_keys
                    ]
                )
                heights.append(None)
            for _ in range(max(0, spec.min_item_rows - len(items))):
                data.append([""] * len(widths))
                heights.append(9 * MM)
        table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=repeat)
        table.setStyle(TableStyle(styles))
        return table

    def render(self, title: str, author: str) -> tuple[bytes, int]:
        buf = io.BytesIO()
        pages = [0]

        def on_page(canvas: Any, doc: Any) -> None:
            pages[0] = doc.page
            canvas.setTitle(title)
            canvas.setAuthor(author)
            canvas.setCreator("乡镇综合行政执法协调联动系统")
            canvas.setSubject(self.template.name)

        def on_later_page(canvas: Any, doc: Any) -> None:
            on_page(canvas, doc)
            pg.page_number(canvas, doc.page, pg.Style(self.fonts["song"], pg.SIZE_4, 0.0))

        doc = SimpleDocTemplate(
            buf,
            pagesize=pg.A4,
            leftMargin=pg.LEFT,
            rightMargin=pg.PAGE_W - pg.RIGHT,
            topMargin=pg.TOP_MARGIN,
            bottomMargin=pg.TYPE_BOTTOM,
            invariant=1,
            initialFontName=self.fonts["fangsong"].name,  # else an unembedded Helvetica is listed
            title=title,
            author=author,
        )
        story: list[Flowable] = []
        heading = self.template.meta.get("heading", self.template.name)
        story.append(
            _TitleFlowable(self.text(str(heading)), pg.Style(self.fonts["title"], pg.SIZE_2, 0.0))
        )
        if self.number:
            story.append(Paragraph(_escape(self.number), self.right))
        for block in self.template.blocks:
            if not shown(block, self.values):
                continue
            if block.type == "paragraph":
                story.append(
                    Paragraph(_escape(self.text(block.text), self.line.fontName), self.line)
                )
        story.append(Spacer(1, 2 * MM))
        story.append(self.table())
        for block in self.template.footer:
            if not shown(block, self.values):
                continue
            story.append(Spacer(1, 1 * MM))
            style = self.right if block.type == "signature" else self.line
            story.append(Paragraph(_escape(self.text(block.text), style.fontName), style))
        doc.build(story, onFirstPage=on_page, onLaterPages=on_later_page)
        return buf.getvalue(), pages[0]
