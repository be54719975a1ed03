"""Render a template with its values into a PDF (bytes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.documents import fonts as font_lookup
from desktop_app.documents.flow import Letter
from desktop_app.documents.fonts import FontSet
from desktop_app.documents.forms import Form
from desktop_app.documents.template import Template, Value


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    font_notes: list[str]


def render(
    template: Template,
    values: Mapping[str, Value],
    number: str | None = None,
    *,
    fonts: FontSet | None = None,
    author: str = "",
) -> Rendered:
    """Lay out one document. Raises TemplateError when a value is missing."""
    fonts = fonts or font_lookup.resolve()
    title = template.name + (f" {number}" if number else "")
    if template.layout == "form":
        pdf, pages = Form(template, values, number, fonts).render(title, author)
    else:
        pdf, pages = Letter(template, values, number, fonts).render(title, author)
    notes = list(fonts.substitutions)
    missing = font_lookup.missing_characters(fonts["fangsong"], "".join(_texts(values)))
    if missing:
        notes.append(
            f"以下字符当前字体中没有，打印出来会是方框：{'、'.join(missing)}。"
            "请打印后手写补正，或安装收字更全的字体后重新生成。"
        )
    return Rendered(pdf, pages, notes)


def _texts(values: Mapping[str, Value]) -> list[str]:
    out: list[str] = []
    for value in values.values():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for item in value:
                out += list(item.values()) if isinstance(item, dict) else [str(item)]
    return out
