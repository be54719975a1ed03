"""`liaison`: the liaison directory as .xlsx and PDF from the command line."""

from __future__ import annotations

from pathlib import Path

import dbkit
import openpyxl
import pytest
from pypdf import PdfReader

from desktop_app.__main__ import main


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def test_writes_both_files_and_warns_about_missing_liaisons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    xlsx, pdf = tmp_path / "联络人名单.xlsx", tmp_path / "联络人名单.pdf"
    assert run(data, "liaison", "--xlsx", str(xlsx), "--pdf", str(pdf)) == 0
    out = capsys.readouterr().out
    assert str(xlsx) in out and str(pdf) in out
    assert "联络人信息不全" not in out  # the seed names everyone
    assert openpyxl.load_workbook(xlsx).active["A1"].value == "联合执法协商联络人名单"
    assert "联合执法协商联络人名单" in (PdfReader(pdf).pages[0].extract_text() or "")

    con = dbkit.connect(data)
    con.execute("UPDATE organisations SET liaison_name=NULL WHERE name='深泽县司法局'")
    con.execute("UPDATE organisations SET liaison_phone='' WHERE name='深泽县教育局'")
    con.commit()
    con.close()
    only_pdf = tmp_path / "again.pdf"
    assert run(data, "liaison", "--pdf", str(only_pdf)) == 0
    out = capsys.readouterr().out
    assert only_pdf.exists() and "已导出" in out
    assert "注意：以下2个单位的联络人信息不全" in out
    assert "深泽县司法局（未指定联络人）" in out and "深泽县教育局（缺联系电话）" in out


def test_refuses_to_overwrite_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    xlsx, pdf = tmp_path / "名单.xlsx", tmp_path / "名单.pdf"
    pdf.write_bytes(b"kept")
    assert run(data, "liaison", "--xlsx", str(xlsx), "--pdf", str(pdf)) == 1
    err = capsys.readouterr().err
    assert "已存在" in err and "--overwrite" in err and "Traceback" not in err
    assert pdf.read_bytes() == b"kept" and not xlsx.exists()  # nothing written at all
    assert run(data, "liaison", "--xlsx", str(xlsx), "--pdf", str(pdf), "--overwrite") == 0
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.exists()


def test_needs_a_target_and_the_right_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run(data, "liaison") == 2
    assert "--xlsx 或 --pdf" in capsys.readouterr().err
    assert run(data, "liaison", "--xlsx", str(tmp_path / "名单.pdf")) == 2
    assert ".xlsx 结尾" in capsys.readouterr().err
    assert not (tmp_path / "名单.pdf").exists()
