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
    return Rendered(pdf, pages, fonts.substitutions)
