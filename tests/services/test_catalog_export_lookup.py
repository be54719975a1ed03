"""Exporting the penalty catalogue and the jurisdiction look-up."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from catalog_books import (
    CG,
    HEADER,
    SCJG,
    STRAW,
    good_rows,
    official,
    org_id,
    state,
)

from desktop_app.paths import resource
from desktop_app.services import catalog
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError

# --- export -----------------------------------------------------------------------


def test_export_then_import_changes_nothing(ctx: ServiceContext, tmp_path: Path) -> None:
    catalog.import_catalogue(ctx, resource("seed", "penalty_catalogue_sample.xlsx"))
    out = tmp_path / "导出.xlsx"
    before = state(ctx)
    assert catalog.export_catalogue(ctx, out) == len(before[0])
    report = catalog.import_catalogue(ctx, out)
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before[0]))
    after = state(ctx)
    assert after[0] == before[0]
    assert after[1] == before[1] + 1  # only the import's own audit entry


def test_exported_workbook_layout(loaded: ServiceContext, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    catalog.export_catalogue(loaded, out)
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "深泽县赵八镇行政处罚事项清单"
    assert [c.value for c in ws[3]][:8] == [*HEADER[:2], "事项名称", *HEADER[3:]]
    assert ws.freeze_panes == "A4"
    assert ws["C4"].alignment.wrap_text
    assert ws.column_dimensions["C"].width >= 40
    straw = next(row for row in ws.iter_rows(min_row=4) if row[2].value == STRAW)
    assert straw[6].value == "是"
    assert straw[7].value == datetime(2021, 7, 15)
    assert straw[7].number_format == "yyyy-mm-dd"
    food = next(row for row in ws.iter_rows(min_row=4) if row[1].value == "SZ-SC-001")
    assert (food[6].value, food[7].value) == ("否", None)


def test_export_refuses_to_overwrite(loaded: ServiceContext, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(ServiceError) as err:
        catalog.export_catalogue(loaded, out)
    assert "已存在" in str(err.value)
    assert out.read_bytes() == b"keep me"
    assert catalog.export_catalogue(loaded, out, overwrite=True) == 3
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == [
        "good.xlsx",
        "out.xlsx",
    ]  # no temporary file left behind


def test_export_skips_inactive_matters(loaded: ServiceContext, tmp_path: Path) -> None:
    catalog.import_catalogue(loaded, official(tmp_path, good_rows()[:2], "two.xlsx"), replace=True)
    assert catalog.export_catalogue(loaded, tmp_path / "out.xlsx") == 2


def test_export_into_a_missing_folder_fails(loaded: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="文件夹不存在"):
        catalog.export_catalogue(loaded, tmp_path / "nope" / "out.xlsx")


# --- look-up ----------------------------------------------------------------------


def test_lookup_transferred_matter_goes_to_the_township(loaded: ServiceContext) -> None:
    [hit] = catalog.lookup(loaded, "秸秆", on=date(2024, 5, 1))
    assert hit.by_township
    assert hit.competent_org_id == org_id(loaded, "深泽县赵八镇人民政府")
    assert hit.competent_name == "深泽县赵八镇人民政府"
    assert hit.reason.startswith("该事项于2021年7月15日划转乡镇")
    assert hit.department_id == org_id(loaded, "石家庄市生态环境局深泽县分局")


def test_lookup_not_transferred_stays_with_the_department(loaded: ServiceContext) -> None:
    [hit] = catalog.lookup(loaded, "食品")
    assert not hit.by_township
    assert hit.competent_org_id == org_id(loaded, SCJG)
    assert hit.reason == f"该事项未划转，由{SCJG}管辖"


@pytest.mark.parametrize(
    ("on", "township"), [(date(2021, 7, 14), False), (date(2021, 7, 15), True)]
)
def test_lookup_transfer_date_boundary(loaded: ServiceContext, on: date, township: bool) -> None:
    [hit] = catalog.lookup(loaded, "秸秆", on=on)
    assert hit.by_township is township
    if not township:
        assert hit.competent_name == "石家庄市生态环境局深泽县分局"
        assert "早于划转" in hit.reason and "2021年7月15日" in hit.reason


def test_lookup_defaults_to_today(loaded: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "today", lambda: date(2022, 12, 31))
    [hit] = catalog.lookup(loaded, "随地吐痰")
    assert not hit.by_township  # transferred on 2023-01-01
    monkeypatch.setattr(catalog, "today", lambda: date(2023, 1, 1))
    assert catalog.lookup(loaded, "随地吐痰")[0].by_township


def test_lookup_multi_word_and_code_and_basis(loaded: ServiceContext) -> None:
    assert [h.code for h in catalog.lookup(loaded, "焚烧 秸秆")] == ["SZ-ST-001"]
    assert catalog.lookup(loaded, "焚烧 食品") == []
    assert [h.code for h in catalog.lookup(loaded, "sz-sc")] == ["SZ-SC-001"]
    assert [h.code for h in catalog.lookup(loaded, "第一百二十二条")] == ["SZ-SC-001"]
    assert catalog.lookup(loaded, "   ") == []
    assert catalog.lookup(loaded, "100%") == []  # LIKE wildcards are literal


def test_lookup_ranks_name_hits_first_and_limits(ctx: ServiceContext, tmp_path: Path) -> None:
    rows = [[1, "A", "对违法行为甲的处罚", "涉及垃圾的依据", None, CG, "否"],
            [2, "B", "对乱倒垃圾的处罚", None, None, CG, "是"],
            [3, "C", "对焚烧垃圾的处罚", None, None, CG, "否"]]  # fmt: skip
    catalog.import_catalogue(ctx, official(tmp_path, rows))
    assert [h.code for h in catalog.lookup(ctx, "垃圾")] == ["B", "C", "A"]
    assert [h.code for h in catalog.lookup(ctx, "垃圾", limit=1)] == ["B"]


def test_lookup_transferred_without_date_and_unknown_department(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    rows = [[1, "A", "划转无日期事项", None, None, CG, "是"],
            [2, "B", "未知部门事项", None, None, "深泽县气象局", "否"]]  # fmt: skip
    catalog.import_catalogue(ctx, official(tmp_path, rows))
    [nodate] = catalog.lookup(ctx, "划转无日期", on=date(2000, 1, 1))
    assert nodate.by_township and "划转日期未填写" in nodate.reason
    [unknown] = catalog.lookup(ctx, "未知部门")
    assert unknown.competent_org_id is None
    assert unknown.competent_name == "深泽县气象局"
    assert "未在单位名录中找到" in unknown.reason
