"""export-month / export-year: the headless monthly and yearly summaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.__main__ import main
from desktop_app.services import summary


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert run(folder, "demo", "--records", "400", "--seed", "5") == 0
    return folder


def test_export_month_and_refuse_overwrite(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "十月 汇总.xlsx"
    assert run(data, "export-month", "2026-10", "-o", str(out)) == 0
    assert "已导出月度汇总" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == summary.sheet_names()
    before = out.read_bytes()
    assert run(data, "export-month", "2026-10", "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert "已存在" in err and "Traceback" not in err
    assert out.read_bytes() == before
    assert run(data, "export-month", "2026-10", "-o", str(out), "--overwrite") == 0


def test_export_year(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "2026.xlsx"
    assert run(data, "export-year", "2026", "-o", str(out)) == 0
    assert load_workbook(out).sheetnames == summary.sheet_names(year=True)


@pytest.mark.parametrize(
    "args",
    [
        ("export-month", "2026-13"),
        ("export-month", "2026"),
        ("export-year", "26"),
        ("export-month", "2026-10", "--include-personal"),
    ],
)
def test_bad_arguments(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    out = tmp_path / "x.xlsx"
    assert run(data, *args, "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err
    assert not out.exists()


def test_personal_needs_an_allowed_operator(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app import cli
    from desktop_app.paths import DataPaths
    from desktop_app.services import staff

    ctx = cli._open(DataPaths(data))
    try:
        staff.save(ctx, staff.StaffInput(name="郑普通"))
        staff.save(ctx, staff.StaffInput(name="冯主任", role="leader", sees_complainants=True))
    finally:
        ctx.db.close()
    out = tmp_path / "p.xlsx"
    argv = ("export-month", "2026-10", "-o", str(out), "--include-personal")
    assert run(data, *argv, "--operator", "郑普通") == 1
    assert "无权导出投诉举报人信息" in capsys.readouterr().err
    assert not out.exists()
    assert run(data, *argv, "--operator", "冯主任") == 0
    header = [c.value for c in load_workbook(out)["投诉举报"][2]]
    assert "投诉举报人" in header
