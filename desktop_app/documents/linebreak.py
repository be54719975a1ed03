"""Chinese line breaking for official documents (避头尾).

Lines are filled greedily to a width; then the break is moved so that no
line begins with a closing mark (，。、；：？！）」》…) and no line ends with an
opening one (（「《“), and runs of digits or Latin letters are not split.
Pure Python: the caller passes a function that measures a string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# May not begin a line (行首禁则).
CANNOT_START = frozenset(
    "，。、；：？！）」』》〉】〕〗］｝”’…—·‧％‰℃°,.;:?!)]}%"
    "ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
# May not end a line (行尾禁则).
CANNOT_END = frozenset("（「『《〈【〔〖［｛“‘([{")
# Kept together (a number, a Latin word, an ID number).
_JOIN = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-/%:")


@dataclass(frozen=True)
class Line:
    text: str
    indent: float  # extra left offset of this line, in points
    last: bool  # the paragraph's last line (not justified)


def _is_join(ch: str) -> bool:
    return ch in _JOIN


def _prefix_lengths(text: str, measure: Callable[[str], float]) -> list[float]:
    widths = [0.0]
    total = 0.0
    for ch in text:
        total += measure(ch)
        widths.append(total)
    return widths


def _fit(widths: list[float], start: int, limit: float) -> int:
    """Largest end such that text[start:end] fits in ``limit`` (at least one char)."""
    base = widths[start]
    end = start + 1
    while end < len(widths) - 1 and widths[end + 1] - base <= limit + 1e-6:
        end += 1
    return end


def _good_break(text: str, start: int, end: int) -> int:
    """Move a break at ``end`` back until it respects the rules; never to ``start``."""
    if end >= len(text):
        return end
    pos = end
    while pos > start + 1:
        nxt, prev = text[pos], text[pos - 1]
        bad = nxt in CANNOT_START or prev in CANNOT_END or (_is_join(prev) and _is_join(nxt))
        if not bad:
            return pos
        pos -= 1
    return end  # nothing better: an over-long run is cut where it must be


def break_paragraph(
    text: str,
    width: float,
    measure: Callable[[str], float],
    first_indent: float = 0.0,
    hang_indent: float = 0.0,
) -> list[Line]:
    """Split one paragraph into lines of at most ``width`` points.

    ``first_indent`` shortens the first line (首行缩进二字); ``hang_indent``
    shortens the others (e.g. list items aligned after "附件：").
    """
    text = text.replace("\n", "")
    if not text:
        return [Line("", first_indent, True)]
    widths = _prefix_lengths(text, measure)
    lines: list[Line] = []
    start = 0
    while start < len(text):
        indent = first_indent if not lines else hang_indent
        end = _fit(widths, start, width - indent)
        # A closing mark that would start the next line is squeezed into this
        # one (the renderer tightens the spacing: 标点挤压) rather than pulling
        # a character down.
        if (
            end < len(text)
            and text[end] in CANNOT_START
            and (end + 1 >= len(text) or text[end + 1] not in CANNOT_START)
            and widths[end + 1] - widths[start] <= width - indent + measure(text[end])
        ):
            end += 1
        else:
            end = _good_break(text, start, end)
        lines.append(Line(text[start:end], indent, end >= len(text)))
        start = end
    return lines


def char_cells(text: str) -> float:
    """Width in Chinese character cells: full-width = 1, half-width = 0.5."""
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
