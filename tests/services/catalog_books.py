"""Workbooks laid out like official penalty lists, and small read-backs, for the catalogue tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from desktop_app.services import audit
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import AuditEntry, Organisation, PenaltyMatter

HEADER = [
    "序号",
    "事项编码",
    "事项名称",
    "设定依据",
    "实施依据",
    "原行使部门",
    "是否划转",
    "划转时间",
]
SCJG = "深泽县市场监督管理局"
CG = "深泽县城市管理综合行政执法局"
STRAW = "对露天焚烧秸秆、落叶等产生烟尘污染的物质的处罚"
STRAW_BASIS = "《中华人民共和国大气污染防治法》第一百一十九条第一款"


def write_book(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    title: str = "Sheet1",
    extra_sheets: Sequence[str] = (),
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for name in extra_sheets:  # sheets before the list, without a header
        other = ws
        other.title = name
        other.append(["说明", "本工作簿第二个工作表是清单"])
        ws = wb.create_sheet()
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def good_rows() -> list[list[Any]]:
    return [
        [1, "SZ-ST-001", STRAW, STRAW_BASIS, "同设定依据", "石家庄市生态环境局深泽县分局", "是",
         date(2021, 7, 15)],
        [2, "SZ-SC-001", "对未取得食品生产经营许可从事食品生产经营活动的处罚",
         "《中华人民共和国食品安全法》第一百二十二条", None, SCJG, "否", None],
        [3, None, "对随地吐痰、便溺，乱扔果皮、纸屑和烟头等废弃物的处罚",
         "《城市市容和环境卫生管理条例》第三十四条", None, CG, "是", "2023-01-01"],
    ]  # fmt: skip


def official(tmp_path: Path, rows: Sequence[Sequence[Any]], name: str = "list.xlsx") -> Path:
    """Title row, subtitle, header on row 3, data from row 4."""
    return write_book(
        tmp_path / name,
        [["深泽县赵八镇行政处罚事项清单"], ["（2021年版）"], HEADER, *rows],
        merges=["A1:H1"],
    )


def matters(ctx: ServiceContext) -> list[dict[str, Any]]:
    with ctx.read() as s:
        return [
            audit.snapshot(m)
            for m in s.execute(select(PenaltyMatter).order_by(PenaltyMatter.id)).scalars()
        ]


def state(ctx: ServiceContext) -> tuple[list[dict[str, Any]], int]:
    with ctx.read() as s:
        entries = s.execute(select(func.count(AuditEntry.id))).scalar_one()
    return matters(ctx), entries


def by_name(ctx: ServiceContext, name: str) -> dict[str, Any]:
    return next(m for m in matters(ctx) if m["name"] == name)


def org_id(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()
