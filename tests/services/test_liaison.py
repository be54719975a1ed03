"""The liaison directory (联络人名单, seed 三（四）): rows, gaps, .xlsx and the printable sheet."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop_app.domain.terms import OrgKind
from desktop_app.services import liaison
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage.models import Document, Organisation


def _set(ctx: ServiceContext, name: str, **fields: object) -> int:
    with ctx.uow() as uow:
        org = uow.session.execute(
            select(Organisation).where(Organisation.name == name)
        ).scalar_one()
        for key, value in fields.items():
            setattr(org, key, value)
        return org.id


def _all_names(ctx: ServiceContext, *, active_only: bool = True) -> list[str]:
    with ctx.read() as s:
        q = select(Organisation.name)
        if active_only:
            q = q.where(Organisation.active.is_(True))
        return list(s.execute(q).scalars())


def _add_many(ctx: ServiceContext, n: int) -> None:
    with ctx.uow() as uow:
        for i in range(n):
            uow.session.add(
                Organisation(
                    name=f"临时测试单位{i:03d}",
                    kind=OrgKind.COUNTY_DEPARTMENT,
                    sort_order=5000 + i,
                    liaison_name=f"联络员{i:03d}",
                    liaison_phone=f"0311-8{i:07d}",
                )
            )


def _pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


# --- rows ------------------------------------------------------------------------------------


def test_rows_follow_the_directory_with_units_under_their_parent(ctx: ServiceContext) -> None:
    found = liaison.rows(ctx)
    names = [r.name for r in found]
    assert sorted(names) == sorted(_all_names(ctx))
    assert names[0] == "深泽县赵八镇人民政府"
    assert found[0].kind_label == "乡镇人民政府"
    assert names[1] == "赵八镇综合行政执法队" and found[1].level == 1
    police = names.index("深泽县公安局")
    assert names[police + 1] == "深泽县公安局赵八派出所"
    market = names.index("深泽县市场监督管理局")
    assert names[market + 1] == "深泽县市场监督管理局赵八市场监督管理所"
    assert found[0].liaison_name == "王振华" and found[0].liaison_phone == "0311-83521001"
    assert not any(r.missing for r in found)
    assert liaison.missing(ctx) == []


def test_a_unit_moved_to_the_end_still_follows_its_parent(ctx: ServiceContext) -> None:
    _set(ctx, "深泽县公安局赵八派出所", sort_order=99_999)
    _set(ctx, "深泽县人民检察院", sort_order=1)  # before the township now
    names = [r.name for r in liaison.rows(ctx)]
    assert names[0] == "深泽县人民检察院"
    assert names[names.index("深泽县公安局") + 1] == "深泽县公安局赵八派出所"


def test_missing_name_or_phone_is_flagged(ctx: ServiceContext) -> None:
    _set(ctx, "深泽县司法局", liaison_name=None)
    _set(ctx, "深泽县教育局", liaison_phone="  ")
    _set(ctx, "深泽县民政局", liaison_name="", liaison_phone=None)
    _set(ctx, "深泽县统计局", liaison_name=None, active=False)  # inactive: not warned about
    gaps = {r.name: r.note for r in liaison.missing(ctx)}
    assert gaps == {
        "深泽县司法局": "未指定联络人",
        "深泽县教育局": "缺联系电话",
        "深泽县民政局": "未指定联络人、缺联系电话",
    }
    message = liaison.missing_message(liaison.missing(ctx))
    assert "3个单位" in message and "深泽县司法局（未指定联络人）" in message
    assert "深泽县统计局" not in [r.name for r in liaison.rows(ctx)]
    every = {r.name: r for r in liaison.rows(ctx, include_inactive=True)}
    assert every["深泽县统计局"].missing and not every["深泽县统计局"].active


# --- the spreadsheet -------------------------------------------------------------------------


def test_xlsx_has_title_headers_every_organisation_and_phones_as_text(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    _set(ctx, "深泽县司法局", liaison_name=None)
    _set(ctx, "深泽县教育局", liaison_phone=None)
    _set(ctx, "深泽县民政局", liaison_phone="013800000000")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "联络人名单.xlsx"
    assert liaison.export_xlsx(ctx, target) == target
    ws = openpyxl.load_workbook(target).active
    assert ws["A1"].value == "联合执法协商联络人名单"
    assert ws["A2"].value == "（截至2026年11月29日）"
    assert [c.value for c in ws[3]] == ["序号", "单位", "联络人", "联系电话", "备注"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert sorted(r[1] for r in body) == sorted(_all_names(ctx))
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    by_name = {r[1]: r for r in body}
    assert by_name["深泽县赵八镇人民政府"][2:4] == ["王振华", "0311-83521001"]
    assert by_name["深泽县民政局"][3] == "013800000000"
    phone_cell = ws.cell(row=4 + [r[1] for r in body].index("深泽县民政局"), column=4)
    assert phone_cell.data_type == "s" and phone_cell.number_format == "@"
    assert by_name["深泽县司法局"][4] == "未指定联络人"
    assert by_name["深泽县教育局"][4] == "缺联系电话"
    assert by_name["深泽县赵八镇人民政府"][4] is None
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width >= 40
    assert ws["B4"].border.left.style == "thin"
    assert list(out.iterdir()) == [target]  # no temporary file left behind


def test_xlsx_refuses_to_overwrite_and_leaves_the_file_alone(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    target = tmp_path / "名单.xlsx"
    target.write_bytes(b"the office's own file")
    with pytest.raises(ServiceError, match="已存在"):
        liaison.export_xlsx(ctx, target)
    assert target.read_bytes() == b"the office's own file"
    liaison.export_xlsx(ctx, target, overwrite=True)
    assert openpyxl.load_workbook(target).active["A1"].value == "联合执法协商联络人名单"


def test_a_failed_save_leaves_no_file(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_save(self: object, filename: object) -> None:
        Path(str(filename)).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ServiceError, match=r"保存「名单\.xlsx」失败"):
        liaison.export_xlsx(ctx, out / "名单.xlsx")
    assert list(out.iterdir()) == []


def test_a_wrong_suffix_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match=r"\.xlsx"):
        liaison.export_xlsx(ctx, tmp_path / "名单.xls")
    with pytest.raises(ServiceError, match=r"\.pdf"):
        liaison.export_pdf(ctx, tmp_path / "名单.xlsx")


# --- the printable sheet ---------------------------------------------------------------------


def test_pdf_lists_title_township_date_names_and_phones(ctx: ServiceContext) -> None:
    _set(ctx, "深泽县司法局", liaison_name=None)
    pdf = liaison.contact_sheet_pdf(ctx)
    assert pdf.startswith(b"%PDF")
    text = "".join(_pages(pdf))
    assert "联合执法协商联络人名单" in text
    assert "深泽县赵八镇人民政府" in text and "2026年11月29日" in text
    for header in ("序号", "单位", "联络人", "联系电话", "备注"):
        assert header in text
    for name, phone in (
        ("深泽县公安局", "0311-83522110"),
        ("深泽县教育局", "0311-83522503"),
        ("深泽县消防救援大队", "0311-83522119"),
    ):
        assert name in text and phone in text
    assert "未指定联络人" in text
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait


def test_pdf_is_not_a_numbered_registered_letter(ctx: ServiceContext, tmp_path: Path) -> None:
    rendered = liaison.export_pdf(ctx, tmp_path / "名单.pdf")
    assert (tmp_path / "名单.pdf").read_bytes() == rendered.pdf
    text = "".join(_pages(rendered.pdf))
    assert "〔" not in text  # no 发文字号
    with ctx.read() as s:
        assert s.execute(select(func.count(Document.id))).scalar() == 0
    with pytest.raises(ServiceError, match="已存在"):
        liaison.export_pdf(ctx, tmp_path / "名单.pdf")


def test_a_long_list_flows_onto_more_pages_with_the_header_repeated(
    ctx: ServiceContext,
) -> None:
    _add_many(ctx, 80)
    rendered = liaison.contact_sheet(ctx)
    pages = _pages(rendered.pdf)
    assert rendered.pages == len(pages) > 1
    assert "联络人联系电话备注" in pages[1]  # the header row again
    assert "联合执法协商联络人名单" not in pages[1]  # the title only once
    assert "—2—" in pages[1]  # page number
    text = "".join(pages)
    for i in (0, 40, 79):
        assert f"临时测试单位{i:03d}" in text and f"0311-8{i:07d}" in text


def test_rare_characters_and_emoji_do_not_crash(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.documents import fonts

    _set(ctx, "深泽县教育局", liaison_name="𠀀小😀")
    if fonts.fallbacks():  # the PC's fallback font prints them (CI installs one)
        assert not any("方框" in n for n in liaison.contact_sheet(ctx).font_notes)
    monkeypatch.setattr(fonts, "_FALLBACKS", [])  # a PC without: the clerk is told
    rendered = liaison.contact_sheet(ctx)
    assert rendered.pages >= 1
    assert any("方框" in note for note in rendered.font_notes)
    liaison.export_xlsx(ctx, tmp_path / "名单.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "名单.xlsx").active
    assert "𠀀小😀" in [c.value for c in ws["C"]]
