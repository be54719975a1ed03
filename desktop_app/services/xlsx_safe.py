"""Spreadsheet cells that cannot run as formulas (CSV/Excel formula injection).

Text a user typed, e.g. a party's name ``=HYPERLINK("http://…","点此")`` or a
note ``-2+3``, must reach a spreadsheet as that text. Excel, WPS and
LibreOffice treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a leading tab or carriage return can hide such a start once the
sheet is saved as CSV and opened again. :func:`protect` keeps such a value a plain string
cell (openpyxl would make a value starting with ``=`` a formula) and sets the
cell's "quote prefix" (what Excel shows as a leading ``'``), so the text also
stays text when the file is re-saved as CSV or edited. The value itself is
not changed: reading the file back gives exactly what was written.

Numbers, dates and other non-text values are left alone: a negative amount
stored as a number stays a number.

Every exporter writing user text with openpyxl calls :func:`protect` on each
cell it fills (summary sheets, 联络人名单, 行政处罚事项清单).
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_TRIGGERS", "is_risky", "protect"]

# OWASP "CSV Injection": = + - @, tab and carriage return.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    """True for text a spreadsheet program could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def protect(cell: Any) -> Any:
    """Make ``cell`` (an openpyxl cell, normal or write-only) a literal text cell
    when its value is risky text; returns the cell. Call it after the cell's
    style is set: assigning a whole style afterwards would drop the prefix."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
