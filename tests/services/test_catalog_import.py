"""Importing the penalty catalogue: official layouts, all-or-nothing bad input, updates."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from catalog_books import (
    CG,
    HEADER,
    SCJG,
    STRAW,
    STRAW_BASIS,
    by_name,
    good_rows,
    matters,
    official,
    org_id,
    state,
    write_book,
)
from sqlalchemy import func, select

from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.paths import resource
from desktop_app.services import audit, catalog
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ImportFailed, ServiceError
from desktop_app.storage.models import AuditEntry

# --- import: layouts ------------------------------------------------------------


def test_sample_file_imports_fully_and_matches_every_department(ctx: ServiceContext) -> None:
    report = catalog.import_catalogue(ctx, resource("seed", "penalty_catalogue_sample.xlsx"))
    rows = matters(ctx)
    assert report.rows == report.created == len(rows) >= 30
    assert report.header_row == 3
    assert report.unmatched_departments == []
    assert all(m["department_id"] for m in rows)
    assert sum(1 for m in rows if m["code"] is None) >= 2
    assert {m["transferred_on"] for m in rows if m["transferred"]} == {"2021-07-15", "2023-01-01"}
    assert any(not m["transferred"] for m in rows)
    assert not any(m["name"].startswith(("备注", "注")) for m in rows)


def test_title_rows_notes_and_synonym_headers(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = ["序　号", "事项\n代码", " 职权名称 ", "法律依据", "行业主管\n部门", "是否下放",
               "下放时间（年月日）", "裁量基准", "联系电话", "备　注"]  # fmt: skip
    path = write_book(
        tmp_path / "a.xlsx",
        [
            ["深泽县赵八镇行政处罚事项清单"],
            [None],
            ["单位：深泽县赵八镇人民政府", None, None, None, "2021年7月"],
            headers,
            [
                1,
                "A-1",
                STRAW,
                STRAW_BASIS,
                "石家庄市生态环境局深泽县分局",
                "√",
                "2021年7月15日",
                "处五百元以上二千元以下罚款",
                "0311-1",
                "重点",
            ],
            [
                2,
                "A-2",
                "对擅自占用城市道路从事经营活动的处罚",
                "城市道路管理条例",
                "县城管执法局",
                "×",
                None,
                None,
                None,
                None,
            ],
            [None] * 10,
            ["备注：本清单以县政府公布为准。"],
            ["这一行在备注之后，不是事项", "x", "y"],
        ],
        merges=["A1:J1", "A8:J8"],
    )
    report = catalog.import_catalogue(ctx, path)
    assert (report.rows, report.header_row, report.sheet) == (2, 4, "Sheet1")
    straw = by_name(ctx, STRAW)
    assert straw["code"] == "A-1"
    assert straw["implementing_basis"] == STRAW_BASIS
    assert straw["legal_basis"] is None
    assert straw["transferred"] is True
    assert straw["transferred_on"] == "2021-07-15"
    assert straw["discretion"] == "处五百元以上二千元以下罚款"
    assert straw["note"] == "重点"
    road = by_name(ctx, "对擅自占用城市道路从事经营活动的处罚")
    assert road["transferred"] is False
    assert road["department_name"] == "县城管执法局"  # kept as written
    assert road["department_id"] == org_id(ctx, CG)  # matched by short name


def test_list_on_a_later_sheet_with_full_width_headers(ctx: ServiceContext, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "b.xlsx",
        [
            ["行政处罚事项名称", "原实施部门", "划转乡镇", "划转日期"],
            [STRAW, "石家庄市生态环境局深泽县分局", "已划转", datetime(2021, 7, 15)],
        ],
        title="清单",
        extra_sheets=["说明"],
    )
    report = catalog.import_catalogue(ctx, path)
    assert (report.sheet, report.header_row, report.rows) == ("清单", 1, 1)
    assert by_name(ctx, STRAW)["transferred_on"] == "2021-07-15"


def test_two_row_header_and_merged_department_cells(ctx: ServiceContext, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "c.xlsx",
        [
            ["序号", "事项名称", "原行使部门", "划转情况", None],
            [None, None, None, "是否划转", "划转时间"],
            [1, "事项甲", SCJG, "是", "2021.7.15"],
            [2, "事项乙", None, "否", None],
        ],
        merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1", "C3:C4"],
    )
    report = catalog.import_catalogue(ctx, path)
    assert (report.header_row, report.rows) == (1, 2)
    assert by_name(ctx, "事项甲")["transferred_on"] == "2021-07-15"
    assert by_name(ctx, "事项乙")["department_id"] == org_id(ctx, SCJG)


def test_repeated_header_and_pre_numbered_empty_rows(ctx: ServiceContext, tmp_path: Path) -> None:
    rows = [good_rows()[0], HEADER, good_rows()[1], [3], [4], ["备注：以上"]]
    report = catalog.import_catalogue(ctx, official(tmp_path, rows))
    assert report.rows == 2


def test_empty_and_missing_code_column(ctx: ServiceContext, tmp_path: Path) -> None:
    rows = [[1, None, "无编码事项一", None, None, SCJG, "否", None],
            [2, "", "无编码事项二", None, None, SCJG, None, None]]  # fmt: skip
    catalog.import_catalogue(ctx, official(tmp_path, rows))
    assert [m["code"] for m in matters(ctx)] == [None, None]
    path = write_book(tmp_path / "d.xlsx", [["事项名称", "主管部门"], ["无编码事项三", SCJG]])
    assert catalog.import_catalogue(ctx, path).created == 1


@pytest.mark.parametrize(
    "cell",
    [date(2021, 7, 15), datetime(2021, 7, 15), "2021-07-15", "2021/7/15", "2021.7.15",
     "2021年7月15日", "20210715", 20210715, "２０２１－０７－１５", "2021-07-15 00:00:00"],
)  # fmt: skip
def test_date_spellings(ctx: ServiceContext, tmp_path: Path, cell: Any) -> None:
    catalog.import_catalogue(
        ctx, official(tmp_path, [[1, "X", "事项", None, None, SCJG, None, cell]])
    )
    got = by_name(ctx, "事项")
    assert (got["transferred"], got["transferred_on"]) == (True, "2021-07-15")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("Y", True), ("√", True), ("✓", True), ("已划转", True), (1, True),
     ("TRUE", True), (True, True), ("否", False), ("n", False), ("×", False),
     ("未划转", False), (0, False), ("false", False), (None, False), ("  ", False)],
)  # fmt: skip
def test_yes_no_spellings(ctx: ServiceContext, tmp_path: Path, cell: Any, expected: bool) -> None:
    catalog.import_catalogue(ctx, official(tmp_path, [[1, "X", "事项", None, None, SCJG, cell]]))
    assert by_name(ctx, "事项")["transferred"] is expected


def test_transferred_without_date_is_accepted(ctx: ServiceContext, tmp_path: Path) -> None:
    catalog.import_catalogue(ctx, official(tmp_path, [[1, "X", "事项", None, None, SCJG, "是"]]))
    got = by_name(ctx, "事项")
    assert (got["transferred"], got["transferred_on"]) == (True, None)


def test_rare_characters_and_emoji_in_a_name_are_kept(ctx: ServiceContext, tmp_path: Path) -> None:
    name = "对𠀀𠀁村🏠违法建设的处罚"
    catalog.import_catalogue(ctx, official(tmp_path, [[1, "X", name, None, None, SCJG, "否"]]))
    assert by_name(ctx, name)["name"] == name
    assert catalog.lookup(ctx, "𠀀")[0].name == name


def test_unmatched_department_is_reported_and_kept(ctx: ServiceContext, tmp_path: Path) -> None:
    rows = [[1, "X", "事项", None, None, "深泽县气象局", "否"]]
    report = catalog.import_catalogue(ctx, official(tmp_path, rows))
    assert report.unmatched_departments == ["深泽县气象局"]
    assert "深泽县气象局" in report.message()
    got = by_name(ctx, "事项")
    assert (got["department_name"], got["department_id"]) == ("深泽县气象局", None)


# --- import: bad input (all or nothing) -------------------------------------------


@pytest.mark.parametrize(
    ("bad", "phrase"),
    [
        ([None, "Y-1", None, "某依据", None, SCJG, "否"], "不能为空"),
        ([None, "Y-1", "事项", None, None, SCJG, "是", "2021-02-30"], "日期不存在：2021年2月30日"),
        ([None, "Y-1", "事项", None, None, SCJG, "是", "2021年7月"], "无法识别的日期"),
        ([None, "Y-1", "事项", None, None, SCJG, "待定"], "「待定」无法识别"),
        ([None, "Y-1", "长" * 301, None, None, SCJG, "否"], "不能超过300个字"),
        ([None, "Y" * 65, "事项", None, None, SCJG, "否"], "不能超过64个字"),
        ([None, "Y-1", "事项", None, None, "部" * 101, "否"], "不能超过100个字"),
        ([None, "Y-1", "事项", None, None, SCJG, "否", "2021-07-15"], "划转时间与是否划转矛盾"),
        ([None, "SZ-ST-001", "另一事项", None, None, SCJG, "否"], "与第4行重复"),
    ],
)
def test_a_bad_row_aborts_the_whole_import(
    loaded: ServiceContext, tmp_path: Path, bad: list[Any], phrase: str
) -> None:
    before = state(loaded)
    changed = good_rows()
    changed[1][3] = "改过的依据"  # a good row that would be an update
    path = official(tmp_path, [*changed, [4, "NEW-1", "新事项", None, None, SCJG, "否"], bad])
    with pytest.raises(ImportFailed) as err:
        catalog.import_catalogue(loaded, path)
    assert err.value.problems[0].row == 8
    assert "第8行" in str(err.value)
    assert phrase in str(err.value)
    assert "未导入任何数据" in str(err.value)
    assert state(loaded) == before


def test_every_bad_row_is_listed(loaded: ServiceContext, tmp_path: Path) -> None:
    before = state(loaded)
    rows = [[1, "A", None, None, None, SCJG, "否"], [2, "B", "乙", None, None, SCJG, "待定"],
            [3, "C", "丙", None, None, SCJG, "是", "2021-13-01"]]  # fmt: skip
    with pytest.raises(ImportFailed) as err:
        catalog.import_catalogue(loaded, official(tmp_path, rows))
    assert [p.row for p in err.value.problems] == [4, 5, 6]
    assert state(loaded) == before


def test_data_after_an_empty_row_is_not_silently_dropped(
    loaded: ServiceContext, tmp_path: Path
) -> None:
    before = state(loaded)
    rows = [*good_rows(), [None], [9, "Z-9", "空行后的事项", None, None, SCJG, "否"]]
    with pytest.raises(ImportFailed) as err:
        catalog.import_catalogue(loaded, official(tmp_path, rows))
    assert "第8行" in str(err.value) and "第7行是空行" in str(err.value)
    assert state(loaded) == before


def _not_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "notes.xlsx"
    path.write_text("序号,事项名称\n1,事项\n", encoding="utf-8")
    return path


def _corrupt_zip(tmp_path: Path) -> Path:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    return path


def _truncated(tmp_path: Path) -> Path:
    good = official(tmp_path, good_rows(), "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    return path


def _old_xls(tmp_path: Path) -> Path:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return path


def _encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "secret.xlsx"
    marker = "EncryptionInfo".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + marker + b"\0" * 100)
    return path


def _no_header(tmp_path: Path) -> Path:
    return write_book(tmp_path / "x.xlsx", [["清单"], ["甲", "乙", "丙"], ["1", "2", "3"]])


def _empty_sheet(tmp_path: Path) -> Path:
    return write_book(tmp_path / "empty.xlsx", [])


def _header_only(tmp_path: Path) -> Path:
    return official(tmp_path, [[None], ["备注：无"]])


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda p: p / "missing.xlsx", "找不到文件"),
        (_not_xlsx, "不是 .xlsx 格式"),
        (_corrupt_zip, "已损坏"),
        (_truncated, "已损坏"),
        (_old_xls, "另存为 .xlsx"),
        (_encrypted, "密码"),
        (_no_header, "没有找到表头"),
        (_empty_sheet, "没有找到表头"),
        (_header_only, "没有任何事项数据"),
    ],
)
def test_unreadable_files_fail_with_a_chinese_message(
    loaded: ServiceContext, tmp_path: Path, make: Any, phrase: str
) -> None:
    before = state(loaded)
    with pytest.raises(ServiceError) as err:
        catalog.import_catalogue(loaded, make(tmp_path))
    assert phrase in str(err.value)
    assert state(loaded) == before


def test_no_header_message_names_the_expected_headers(ctx: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as err:
        catalog.import_catalogue(ctx, _no_header(tmp_path))
    for header in ("事项名称", "职权名称", "事项编码", "原行使部门", "是否划转"):
        assert header in str(err.value)


# --- import: updates, replace, audit ----------------------------------------------


def test_reimport_updates_rather_than_duplicates(loaded: ServiceContext, tmp_path: Path) -> None:
    first = {m["name"]: m["id"] for m in matters(loaded)}
    rows = good_rows()
    rows[0][3] = "新的设定依据"
    rows[2][3] = "同样按名称匹配（无编码）的新依据"
    report = catalog.import_catalogue(loaded, official(tmp_path, rows, "again.xlsx"))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    after = matters(loaded)
    assert {m["name"]: m["id"] for m in after} == first
    assert by_name(loaded, STRAW)["legal_basis"] == "新的设定依据"


def test_a_code_given_later_attaches_to_the_matter_by_name(
    loaded: ServiceContext, tmp_path: Path
) -> None:
    rows = good_rows()
    rows[2][1] = "SZ-CG-001"
    report = catalog.import_catalogue(loaded, official(tmp_path, rows, "coded.xlsx"))
    assert (report.created, report.updated) == (0, 1)
    assert by_name(loaded, rows[2][2])["code"] == "SZ-CG-001"


def test_columns_missing_from_the_file_are_left_alone(
    loaded: ServiceContext, tmp_path: Path
) -> None:
    path = write_book(tmp_path / "names.xlsx", [["事项编码", "事项名称"], ["SZ-ST-001", STRAW]])
    report = catalog.import_catalogue(loaded, path)
    assert (report.updated, report.unchanged) == (0, 1)
    straw = by_name(loaded, STRAW)
    assert (straw["legal_basis"], straw["transferred_on"]) == (STRAW_BASIS, "2021-07-15")


def test_replace_deactivates_matters_not_in_the_file(
    loaded: ServiceContext, tmp_path: Path
) -> None:
    report = catalog.import_catalogue(
        loaded, official(tmp_path, good_rows()[:1], "one.xlsx"), replace=True
    )
    assert report.deactivated == 2
    rows = matters(loaded)
    assert len(rows) == 3  # kept: records may refer to them
    assert [m["active"] for m in rows] == [True, False, False]
    assert [h.name for h in catalog.lookup(loaded, "处罚")] == [STRAW]
    again = catalog.import_catalogue(loaded, official(tmp_path, good_rows(), "all.xlsx"))
    assert again.updated == 2  # reactivated
    assert all(m["active"] for m in matters(loaded))


def test_one_audit_entry_with_counts_and_file_name(ctx: ServiceContext, tmp_path: Path) -> None:
    with ctx.read() as s:
        last = s.execute(select(func.max(AuditEntry.id))).scalar_one()
    catalog.import_catalogue(ctx, official(tmp_path, good_rows(), "清单2021.xlsx"))
    with ctx.read() as s:
        entries = [
            audit.snapshot(e)
            for e in s.execute(select(AuditEntry).where(AuditEntry.id > last)).scalars()
        ]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["action"] == AuditAction.IMPORT.value
    assert entry["record_type"] == RecordType.PENALTY_MATTER.value
    assert entry["operator_name"] == "测试员"
    assert (entry["after"]["file_name"], entry["after"]["rows"], entry["after"]["created"]) == (
        "清单2021.xlsx",
        3,
        3,
    )
    assert "清单2021.xlsx" in entry["summary"]


def test_five_thousand_rows(ctx: ServiceContext, tmp_path: Path) -> None:
    rows = [
        [i, f"C-{i:05d}", f"第{i}号事项", "某法第一条", None, SCJG if i % 2 else CG,
         "是" if i % 3 else "否", "2021-07-15" if i % 3 else None]
        for i in range(1, 5001)
    ]  # fmt: skip
    path = official(tmp_path, rows, "big.xlsx")
    assert catalog.import_catalogue(ctx, path).created == 5000
    assert catalog.import_catalogue(ctx, path).unchanged == 5000
