"""Bad input: text that looks like a spreadsheet formula stays text in every export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bad_records import FORMULAS, referral, soffice_csv
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select

from desktop_app.paths import resource
from desktop_app.services import catalog, liaison, summary
from desktop_app.services.context import ServiceContext
from desktop_app.services.xlsx_safe import is_risky, protect
from desktop_app.storage.models import Organisation, PenaltyMatter


def cells_with(path: Path, texts: tuple[str, ...]) -> dict[str, Any]:
    """The cells (all sheets) whose value is one of ``texts``, by value."""
    wb = openpyxl.load_workbook(path)
    found: dict[str, Any] = {}
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value in texts:
                    found[c.value] = c
    return found


def assert_text_cells(path: Path, texts: tuple[str, ...]) -> None:
    texts = tuple(t.replace("\r", "\n") for t in texts)  # XML reads a bare CR as LF
    found = cells_with(path, texts)
    assert set(found) == set(texts), set(texts) - set(found)
    for value, c in found.items():
        assert c.data_type == "s", (value, c.data_type)
        assert c.quotePrefix, value


# --- the function ----------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_protect_makes_a_write_only_cell_literal_text(value: str) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    c = protect(WriteOnlyCell(ws, value))
    assert c.data_type == "s" and c.quotePrefix and c.value == value


@pytest.mark.parametrize("value", [-2, -2.5, 0, 3, None, "普通文字", "2026-11-29", "（一）"])
def test_protect_leaves_numbers_and_plain_text_alone(value: Any) -> None:
    wb = openpyxl.Workbook()
    c = wb.active.cell(1, 1, value)
    before = c.data_type
    protect(c)
    assert c.data_type == before and not c.quotePrefix
    assert not is_risky(value)


# --- the exports -----------------------------------------------------------------------


def test_monthly_summary_keeps_formulas_as_text(ctx: ServiceContext, tmp_path: Path) -> None:
    for i, text in enumerate(FORMULAS):
        referral(ctx, text, party=text, serial=f"移2026-F{i}")
    out = summary.export_month(ctx, 2026, 11, tmp_path / "汇总.xlsx")
    assert_text_cells(out, FORMULAS)
    # the statistics are still numbers (a count of -2 would stay a number too)
    wb = openpyxl.load_workbook(out)
    numbers = [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "n"]
    assert numbers and all(not c.quotePrefix for c in numbers if c.value is not None)


def test_monthly_summary_through_libreoffice_csv(ctx: ServiceContext, tmp_path: Path) -> None:
    referral(ctx, '=HYPERLINK("http://x","y")', party="=1+1", serial="移2026-F1")
    referral(ctx, "@SUM(A1)", party="+1", serial="移2026-F2")
    out = summary.export_month(ctx, 2026, 11, tmp_path / "汇总.xlsx")
    cells = soffice_csv(out, tmp_path / "csv")
    assert {'=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)", "+1"} <= cells
    assert "y" not in cells  # the HYPERLINK formula was not computed


def test_liaison_directory_keeps_formulas_as_text(ctx: ServiceContext, tmp_path: Path) -> None:
    with ctx.uow() as uow:
        orgs = list(
            uow.session.execute(
                select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.id)
            ).scalars()
        )
        for org, text in zip(orgs, FORMULAS[:4], strict=False):
            org.liaison_name = text
        orgs[-1].liaison_phone = "-2"
    out = liaison.export_xlsx(ctx, tmp_path / "联络人.xlsx")
    assert_text_cells(out, FORMULAS[:4])
    cells = soffice_csv(out, tmp_path / "csv")
    assert set(FORMULAS[:4]) <= cells and "y" not in cells
    seq = [c.value for c in openpyxl.load_workbook(out).active["A"][3:]]
    assert seq and all(isinstance(n, int) for n in seq)  # the numbers stay numbers


def test_catalogue_export_keeps_formulas_as_text_and_reads_back(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    catalog.import_catalogue(ctx, resource("seed", "penalty_catalogue_sample.xlsx"))
    with ctx.uow() as uow:
        matters = list(uow.session.execute(select(PenaltyMatter)).scalars())[:4]
        for m, text in zip(matters, FORMULAS[:4], strict=True):
            m.note = text
    out = tmp_path / "清单.xlsx"
    catalog.export_catalogue(ctx, out)
    assert_text_cells(out, FORMULAS[:4])
    seq = [c.value for c in openpyxl.load_workbook(out).active["A"][3:]]
    assert all(isinstance(n, int) for n in seq if n is not None)
    cells = soffice_csv(out, tmp_path / "csv")
    assert set(FORMULAS[:4]) <= cells and "y" not in cells
    # the importer reads the protected cells back unchanged
    catalog.import_catalogue(ctx, out, replace=True)
    with ctx.read() as s:
        notes = set(s.execute(select(PenaltyMatter.note)).scalars())
    assert set(FORMULAS[:4]) <= notes
