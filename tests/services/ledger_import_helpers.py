"""Ledger import tests: an office's Excel ledger as it comes (title row merged
over the table, header, data rows), and row counts to prove nothing was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from desktop_app.services.context import ServiceContext


def ledger_book(
    path: Path, sheet: str, title: str, headers: list[str], rows: list[list[Any]]
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def row_counts(ctx: ServiceContext, *models: Any) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0) for m in models
        )
