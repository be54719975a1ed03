"""Flowing letters (函、通知、报告、告知书、纪要): blocks → lines → pages → PDF.

Every line sits on the 28-character grid: body lines are justified to the
full 156 mm (the last line of a paragraph is not), with 避头尾 line breaking.
The signature block never stands alone on a page (no "此页无正文"): it takes
the last two body lines with it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from desktop_app.documents import page as pg
from desktop_app.documents.fonts import FontSet
from desktop_app.documents.linebreak import break_paragraph
from desktop_app.documents.page import CELL, MM, PITCH, Style, draw_rule, draw_text
from desktop_app.documents.template import (
    PLACEHOLDER,
    Block,
    Template,
    Value,
    fill,
    is_empty,
    shown,
)

DrawFn = Callable[[Canvas, float], None]


CN_NUMERALS = "一二三四五六七八九十"


def numbering(style: str, n: int) -> str:
    """GB/T 9704 sequence marks: 一、 （一） 1. （1）."""
    if not style:
        return ""
    cn = CN_NUMERALS[n - 1] if n <= 10 else f"十{CN_NUMERALS[n - 11]}" if n < 20 else str(n)
    return {"一、": f"{cn}、", "（一）": f"（{cn}）", "1.": f"{n}.", "（1）": f"（{n}）"}.get(
        style, f"{n}."
    )


@dataclass
class Row:
    height: float
    draw: DrawFn | None = None  # receives the top of the row's slot
    keep_with_prev: int = 0


@dataclass
class Letter:
    template: Template
    values: Mapping[str, Value]
    number: str | None
    fonts: FontSet
    pitch: float = PITCH  # line height of the flowing text; tightened to save a page

    def __post_init__(self) -> None:
        f = self.fonts
        self.body = Style(f["fangsong"])
        self.hei = Style(f["heiti"])
        self.kai = Style(f["kaiti"])
        self.title = Style(f["title"], pg.SIZE_2, 0.0)
        self.small = Style(f["fangsong"], pg.SIZE_4, 0.0)
        self.page_no = Style(f["song"], pg.SIZE_4, 0.0)
        self.labels = {k: s.label for k, s in self.template.fields.items()}

    # --- text helpers -----------------------------------------------------------

    def text(self, raw: str) -> str:
        return fill(raw, self.values, self.labels)

    def _lines(
        self,
        text: str,
        style: Style,
        first_indent: float = 0.0,
        hang: float = 0.0,
        justify: bool = True,
        width: float = pg.TYPE_W,
        x0: float = pg.LEFT,
    ) -> list[Row]:
        rows = []
        for line in break_paragraph(text, width, style.measure, first_indent, hang):
            rows.append(
                Row(
                    self.pitch,
                    self._line_drawer(
                        line.text,
                        style,
                        x0 + line.indent,
                        width - line.indent,
                        justify and not line.last,
                    ),
                )
            )
        return rows

    def _line_drawer(
        self, text: str, style: Style, x: float, avail: float, justify: bool
    ) -> DrawFn:
        def draw(canvas: Canvas, top: float) -> None:
            space = style.char_space
            if justify and len(text) > 1:
                space += (avail - style.width(text)) / (len(text) - 1)
            baseline = pg.baseline_in_slot(top, style.size, self.pitch)
            draw_text(canvas, x, baseline, text, style, space)

        return draw

    def _centered(self, text: str, style: Style, centre: float) -> DrawFn:
        def draw(canvas: Canvas, top: float) -> None:
            x = centre - (style.width(text) - style.char_space) / 2
            draw_text(canvas, x, pg.baseline_in_slot(top, style.size, self.pitch), text, style)

        return draw

    def _right(self, text: str, style: Style, right: float) -> DrawFn:
        def draw(canvas: Canvas, top: float) -> None:
            x = right - (style.width(text) - style.char_space)
            draw_text(canvas, x, pg.baseline_in_slot(top, style.size, self.pitch), text, style)

        return draw

    # --- blocks -----------------------------------------------------------------

    def title_rows(self, text: str) -> list[Row]:
        """2号 title, centred; a long one wraps into balanced lines (梯形)."""
        natural = self.title.width(text)
        count = max(1, math.ceil(natural / (pg.TYPE_W - 2 * CELL)))
        width = min(pg.TYPE_W - 2 * CELL, natural / count + self.title.size * 1.5)
        lines = break_paragraph(text, width, self.title.measure)
        return [
            Row(self.pitch, self._centered(ln.text, self.title, pg.LEFT + pg.TYPE_W / 2))
            for ln in lines
        ]

    def block_rows(self, block: Block) -> list[Row]:
        kind = block.type
        if kind == "blank":
            return [Row(self.pitch)]
        if kind == "title":
            return [*self.title_rows(self.text(block.text)), Row(self.pitch)]
        if kind == "salutation":
            return self._lines(self.text(block.text), self.body, justify=False)
        if kind == "paragraph" and block.items:
            return self.item_paragraphs(block)
        if kind == "paragraph":
            return self._lines(self.text(block.text), self.body, first_indent=2 * CELL)
        if kind == "heading1":
            return self._lines(self.text(block.text), self.hei, 2 * CELL, justify=False)
        if kind == "heading2":
            return self._lines(self.text(block.text), self.kai, 2 * CELL, justify=False)
        if kind == "heading3":
            return self._lines(self.text(block.text), self.body, 2 * CELL, justify=False)
        if kind == "attachments":
            return self.attachment_rows(block)
        if kind == "signature":
            return self.signature_rows(block)
        if kind == "note":
            rows = self._lines(self.text(block.text), self.body, 2 * CELL, 2 * CELL, justify=False)
            for row in rows:
                row.keep_with_prev = 1  # 附注 stays under the date
            return rows
        if kind == "attendance":
            return self.attendance_rows(block)
        if kind in ("cc", "urgency"):
            return []  # placed by the layout, not in the flow
        raise AssertionError(kind)

    def list_values(self, key: str | None) -> list[str]:
        value = self.values.get(key or "")
        if isinstance(value, list):
            return [str(v) for v in value if str(v).strip()]
        return [str(value)] if value else []

    def attachment_rows(self, block: Block) -> list[Row]:
        """附件说明: 空一行，左空二字 "附件：1. …"; wrapped names align with the first character."""
        items = self.list_values(block.items)
        if not items:
            return []
        label = block.label or "附件："
        rows = [Row(self.pitch)]
        label_w = self.body.width(label)
        for n, item in enumerate(items, start=1):
            prefix = f"{n}." if len(items) > 1 else ""
            text = (label if n == 1 else "") + prefix + item
            first = 2 * CELL if n == 1 else 2 * CELL + label_w
            hang = 2 * CELL + label_w + self.body.width(prefix)
            rows += self._lines(text, self.body, first, hang, justify=False)
        for row in rows:
            # 附件说明 belongs to the body: glued to the last body line, so the
            # signature that follows never lands on a page without 正文.
            row.keep_with_prev = 1
        return rows

    def item_paragraphs(self, block: Block) -> list[Row]:
        """One paragraph per item of a list field, numbered by ``label``
        ("1." → 1. 2. …, "（1）" → （1）（2）…, "一、" → 一、二、…; empty: no number)."""
        rows: list[Row] = []
        for n, item in enumerate(self.list_values(block.items), start=1):
            rows += self._lines(numbering(block.label, n) + item, self.body, first_indent=2 * CELL)
        return rows

    def signature_rows(self, block: Block) -> list[Row]:
        """署名居中于成文日期之上；日期右空四字；上方留出印章位置（印章上距正文一行之内）。"""
        issuer = self.text(block.issuer)
        date = self.text(block.date)
        date_right = pg.RIGHT - 4 * CELL
        centre = date_right - (self.body.width(date) - self.body.char_space) / 2
        # Each row is glued to everything above it back to two body lines, so a
        # page break can never fall inside the block or just before it.
        return [
            Row(self.pitch, keep_with_prev=2),
            Row(self.pitch, keep_with_prev=1),
            Row(self.pitch, self._centered(issuer, self.body, centre), keep_with_prev=1),
            Row(self.pitch, self._right(date, self.body, date_right), keep_with_prev=1),
        ]

    def attendance_rows(self, block: Block) -> list[Row]:
        """纪要: "出席：" 黑体, names in 仿宋 aligned after the label."""
        names = self.list_values(block.items)
        if not names:
            return []
        label = block.label or "出席："
        label_w = self.hei.width(label)
        text_rows = self._lines(
            "，".join(names), self.body, 2 * CELL + label_w, 2 * CELL + label_w, justify=False
        )
        head = text_rows[0].draw

        def draw(canvas: Canvas, top: float) -> None:
            y = pg.baseline_in_slot(top, pg.SIZE_3, self.pitch)
            draw_text(canvas, pg.LEFT + 2 * CELL, y, label, self.hei)
            if head:
                head(canvas, top)

        text_rows[0] = Row(self.pitch, draw)
        return text_rows

    def flow_rows(self) -> list[Row]:
        rows: list[Row] = []
        for block in self.template.blocks:
            if not shown(block, self.values):
                continue
            rows += self.block_rows(block)
        return rows

    # --- header of the first page ---------------------------------------------------

    def head(self) -> tuple[DrawFn, float]:
        """Draw function for page 1's header, and where the text starts below it."""
        layout = self.template.layout
        issuer = self.text(self.template.issuer) if self.template.issuer else ""
        banner = Style(self.fonts["title"], pg.BANNER_SIZE, pg.BANNER_SIZE * 0.08, pg.RED)
        number = self.number or ""
        urgency = str(self.template.meta.get("urgency", ""))
        if layout == "letter":
            return self._letter_head(issuer, banner, number, urgency)
        if layout in ("document", "minutes"):
            return self._document_head(issuer, banner, number)
        return self._plain_head(number)

    def _letter_head(
        self, issuer: str, banner: Style, number: str, urgency: str
    ) -> tuple[DrawFn, float]:
        top = pg.PAGE_H - 30 * MM
        base = top - banner.size * pg.ASCENT
        rule_y = top - banner.size - 4 * MM
        number_top = rule_y - 1.3 * MM - pg.SIZE_3 * 7 / 8 * 0.5

        def draw(canvas: Canvas) -> None:
            x = pg.PAGE_W / 2 - (banner.width(issuer) - banner.char_space) / 2
            draw_text(canvas, x, base, issuer, banner)
            x0, x1 = (pg.PAGE_W - 170 * MM) / 2, (pg.PAGE_W + 170 * MM) / 2
            draw_rule(canvas, x0, x1, rule_y, 0.8 * MM, pg.RED)  # thick over thin
            draw_rule(canvas, x0, x1, rule_y - 1.3 * MM, 0.3 * MM, pg.RED)
            draw_rule(canvas, x0, x1, 20 * MM + 1.3 * MM, 0.3 * MM, pg.RED)  # thin over thick
            draw_rule(canvas, x0, x1, 20 * MM, 0.8 * MM, pg.RED)
            y = pg.baseline_in_slot(number_top, pg.SIZE_3)
            if number:
                self._right(number, self.body, pg.RIGHT)(canvas, number_top)
            if urgency:
                draw_text(canvas, pg.LEFT, y, urgency, self.hei)

        return draw, number_top - PITCH * 2

    def _document_head(self, issuer: str, banner: Style, number: str) -> tuple[DrawFn, float]:
        top = pg.TYPE_TOP - 35 * MM
        base = top - banner.size * pg.ASCENT
        number_top = top - banner.size - PITCH * 2
        rule_y = number_top - PITCH + (PITCH - pg.SIZE_3) / 2 - 4 * MM

        signer_raw = str(self.template.meta.get("signer", ""))
        keys = PLACEHOLDER.findall(signer_raw)
        has_signer = bool(signer_raw) and all(not is_empty(self.values.get(k)) for k in keys)
        signer = self.text(signer_raw) if has_signer else ""  # 上行文 only when one is named

        def draw(canvas: Canvas) -> None:
            x = pg.PAGE_W / 2 - (banner.width(issuer) - banner.char_space) / 2
            draw_text(canvas, x, base, issuer, banner)
            if number and signer:
                # 上行文: 发文字号居左空一字，签发人居右空一字 (GB/T 9704 7.2.4, 7.2.5)
                y = pg.baseline_in_slot(number_top, pg.SIZE_3)
                draw_text(canvas, pg.LEFT + CELL, y, number, self.body)
                name_w = self.kai.width(signer) - self.kai.char_space
                label = "签发人："
                x = pg.RIGHT - CELL - name_w
                draw_text(canvas, x - self.body.width(label), y, label, self.body)
                draw_text(canvas, x, y, signer, self.kai)
            elif number:
                self._centered(number, self.body, pg.LEFT + pg.TYPE_W / 2)(canvas, number_top)
            draw_rule(canvas, pg.LEFT, pg.RIGHT, rule_y, 0.5 * MM, pg.RED)

        return draw, rule_y - PITCH * 2 + (PITCH - pg.SIZE_3) / 2

    def _plain_head(self, number: str) -> tuple[DrawFn, float]:
        def draw(canvas: Canvas) -> None:
            if number:
                self._right(number, self.body, pg.RIGHT)(canvas, pg.TYPE_TOP)

        return draw, pg.TYPE_TOP - (PITCH if number else 0)

    # --- 版记 (抄送) ---------------------------------------------------------------

    def bottom_rows(self) -> list[Row]:
        """抄送 (and 印发 for documents) at the foot of the last page's type area."""
        cc = next((b for b in self.template.blocks if b.type == "cc"), None)
        if cc is None:
            return []
        document = self.template.layout in ("document", "minutes")
        with_cc = shown(cc, self.values)
        if not with_cc and not (document and cc.label):
            return []
        small_pitch = pg.SIZE_4 * 1.75
        inset = pg.SIZE_4
        rows: list[Row] = []
        if with_cc:
            lines = break_paragraph(
                self.text(cc.text),
                pg.TYPE_W - 2 * inset,
                self.small.measure,
                0,
                self.small.width("抄送："),
            )
            for ln in lines:
                x = pg.LEFT + inset + ln.indent
                rows.append(Row(small_pitch, self._small_line(ln.text, x, small_pitch)))
        if document:
            printer = self.text(cc.label) if cc.label else ""
            printed = self.text(cc.date) if cc.date else ""
            line = Row(small_pitch, self._print_line(printer, printed, small_pitch))
            thick, thin = self._rule_row(0.35 * MM), self._rule_row(0.25 * MM)
            middle = [*rows, thin] if rows else []
            rows = [thick, *middle, line, self._rule_row(0.35 * MM)]
        return rows

    def _small_line(self, text: str, x: float, pitch: float) -> DrawFn:
        def draw(canvas: Canvas, top: float) -> None:
            draw_text(canvas, x, pg.baseline_in_slot(top, pg.SIZE_4, pitch), text, self.small)

        return draw

    def _print_line(self, printer: str, printed: str, pitch: float) -> DrawFn:
        def draw(canvas: Canvas, top: float) -> None:
            y = pg.baseline_in_slot(top, pg.SIZE_4, pitch)
            draw_text(canvas, pg.LEFT + pg.SIZE_4, y, printer, self.small)
            text = f"{printed}印发" if printed else ""
            x = pg.RIGHT - pg.SIZE_4 - self.small.width(text)
            draw_text(canvas, x, y, text, self.small)

        return draw

    @staticmethod
    def _rule_row(width: float) -> Row:
        def draw(canvas: Canvas, top: float) -> None:
            draw_rule(canvas, pg.LEFT, pg.RIGHT, top, width, black)

        return Row(0.0, draw)

    # --- pages ----------------------------------------------------------------------

    def paginate(self, rows: list[Row], first_top: float) -> list[list[Row]]:
        """Fill pages; a row that does not fit takes its glued predecessors along.

        ``keep_with_prev = k`` glues a row to the ``k`` rows before it; glue is
        followed transitively (the signature block chains back to two body lines).
        """
        pages: list[list[Row]] = [[]]
        room = first_top - pg.TYPE_BOTTOM
        for row in rows:
            if row.height <= room + 0.01 or not pages[-1]:
                pages[-1].append(row)
                room -= row.height
                continue
            current = pages[-1]
            start = len(current)  # index in ``current`` of the first row to carry
            need = row.keep_with_prev
            while need > 0 and start > 0:
                start -= 1
                need = max(need - 1, current[start].keep_with_prev)
            if start == 0:  # the whole page is one glued run: break it rather than loop
                start = len(current)
            carried = current[start:]
            del current[start:]
            pages.append([*carried, row])
            room = pg.TYPE_H - sum(r.height for r in pages[-1])
        return pages

    # Tighter line heights tried, in order, when a letter spills a little onto a
    # second page (GB/T 9704 7.3.5.1: 调整行距、字距 rather than a near-empty page).
    COMPACT_PITCHES = (PITCH * 0.95, PITCH * 0.9)
    COMPACT_MAX_SPILL = 7  # rows on page 2 that compaction may try to pull back

    def layout(self) -> tuple[DrawFn, float, list[list[Row]], list[Row]]:
        head, first_top = self.head()
        rows = self.flow_rows()
        while rows and rows[-1].draw is None:
            rows.pop()
        pages = self.paginate(rows, first_top)
        bottom = self.bottom_rows()
        if bottom:
            used = sum(r.height for r in pages[-1])
            top = first_top if len(pages) == 1 else pg.TYPE_TOP
            if top - used - sum(r.height for r in bottom) < pg.TYPE_BOTTOM - 0.01:
                pages.append([])
        return head, first_top, pages, bottom

    def render(self, title: str, author: str) -> tuple[bytes, int]:
        head, first_top, pages, bottom = self.layout()
        if len(pages) == 2 and len(pages[1]) <= self.COMPACT_MAX_SPILL:
            standard = self.pitch
            for pitch in self.COMPACT_PITCHES:
                self.pitch = pitch
                attempt = self.layout()
                if len(attempt[2]) == 1:
                    head, first_top, pages, bottom = attempt
                    break
            else:
                self.pitch = standard
        buf = io.BytesIO()
        canvas = Canvas(
            buf,
            pagesize=pg.A4,
            invariant=1,
            pageCompression=1,
            initialFontName=self.body.font.name,  # else an unembedded Helvetica is listed
        )
        canvas.setTitle(title)
        canvas.setAuthor(author)
        canvas.setCreator("乡镇综合行政执法协调联动系统")
        canvas.setSubject(self.template.name)
        for index, page_rows in enumerate(pages, start=1):
            top = pg.TYPE_TOP
            if index == 1:
                head(canvas)
                top = first_top
            for row in page_rows:
                if row.draw is not None:
                    row.draw(canvas, top)
                top -= row.height
            if index == len(pages) and bottom:
                y = pg.TYPE_BOTTOM + sum(r.height for r in bottom)
                for row in bottom:
                    if row.draw is not None:
                        row.draw(canvas, y)
                    y -= row.height
            if not (index == 1 and self.template.layout == "letter"):
                pg.page_number(canvas, index, self.page_no)
            canvas.showPage()
        canvas.save()
        return buf.getvalue(), len(pages)
