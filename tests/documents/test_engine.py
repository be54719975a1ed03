"""The letter engine, read back from the PDF: page, margins, sizes, fonts, grid,
line breaking, page breaks and page numbers."""

from __future__ import annotations

import io
import itertools
import re
from collections import defaultdict
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from desktop_app.documents import fonts, linebreak
from desktop_app.documents import page as pg
from desktop_app.documents.render import render
from desktop_app.documents.template import TemplateError, parse

MM = 72 / 25.4
SENTENCE = (
    "经查，当事人于2026年11月20日在赵八村村东农田露天焚烧玉米秸秆约3亩，"
    "烟雾影响周边群众生活和道路通行安全（详见现场检查记录）。"
)

LETTER = """
[document]
code = "test_letter"
name = "测试函"
layout = "letter"
number_code = "测"
issuer = "{issuer}"

[fields]
issuer = "发文机关"
receiver = "主送单位"
body = "正文"
items = { label = "附件", kind = "list" }
date = "成文日期"
cc = "抄送"

[[blocks]]
type = "title"
text = "关于测试公文格式的函"

[[blocks]]
type = "salutation"
text = "{receiver}："

[[blocks]]
type = "paragraph"
text = "{body}"

[[blocks]]
type = "attachments"
items = "items"

[[blocks]]
type = "signature"
issuer = "{issuer}"
date = "{date}"

[[blocks]]
type = "cc"
when = "cc"
text = "抄送：{cc}。"
"""


@pytest.fixture(scope="module")
def bundled() -> fonts.FontSet:
    return fonts.resolve(prefer_system=False)


def values(body: str, **extra: Any) -> dict[str, Any]:
    base = {
        "issuer": "深泽县赵八镇人民政府",
        "receiver": "石家庄市生态环境局深泽县分局",
        "body": body,
        "items": ["现场检查记录", "现场照片"],
        "date": "2026年11月29日",
        "cc": "",
    }
    base.update(extra)
    return base


def lines_of(page: Any) -> list[list[dict[str, Any]]]:
    """Characters grouped into visual lines (same baseline), left to right."""
    rows: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for ch in page.chars:
        rows[round(ch["bottom"], 0)].append(ch)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def render_letter(bundled: fonts.FontSet, body: str, **extra: Any) -> bytes:
    return render(parse(LETTER), values(body, **extra), "赵八镇执测〔2026〕7号", fonts=bundled).pdf


def test_a4_fonts_embedded_and_text_extractable(bundled: fonts.FontSet) -> None:
    pdf = render_letter(bundled, SENTENCE)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()
            descendant = (
                desc["/DescendantFonts"][0].get_object() if "/DescendantFonts" in desc else desc
            )
            fd = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in fd, f"font not embedded: {desc['/BaseFont']}"
    text = "".join(p.extract_text() for p in reader.pages)
    flat = re.sub(r"\s", "", text)
    assert "关于测试公文格式的函" in flat
    assert "赵八镇执测〔2026〕7号" in flat
    assert "2026年11月29日" in flat
    assert reader.metadata is not None and reader.metadata.title == "测试函 赵八镇执测〔2026〕7号"


def test_body_is_3hao_on_the_28_character_grid_within_the_type_area(
    bundled: fonts.FontSet,
) -> None:
    body = "执法检查发现群众反映的问题属实" * 10  # pure CJK, no punctuation
    pdf = render_letter(bundled, body)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        body_lines = [ln for ln in lines_of(page) if round(ln[0]["size"]) == 16]
        full = [ln for ln in body_lines if len(ln) == 28]
        assert full, "no full 28-character line"
        for ln in full:
            assert ln[0]["x0"] == pytest.approx(pg.LEFT, abs=0.6)
            assert ln[-1]["x1"] == pytest.approx(pg.RIGHT, abs=1.5)
        # The first body line is indented two characters.
        first = next(ln for ln in body_lines if ln[0]["text"] == "执")
        assert first[0]["x0"] == pytest.approx(pg.LEFT + 2 * pg.CELL, abs=0.6)
        assert len(first) == 26
        for ch in page.chars:
            assert ch["x0"] >= pg.LEFT - 1 and ch["x1"] <= pg.RIGHT + 1
        sizes = {round(c["size"]) for c in page.chars}
        assert 22 in sizes and 16 in sizes  # title 2号, body 3号
        title = [c for c in page.chars if round(c["size"]) == 22]
        assert "".join(c["text"] for c in title) == "关于测试公文格式的函"
        centre = (title[0]["x0"] + title[-1]["x1"]) / 2
        assert centre == pytest.approx(pg.LEFT + pg.TYPE_W / 2, abs=1)  # centred in the 版心


def test_letter_format_banner_rules_and_number(bundled: fonts.FontSet) -> None:
    pdf = render_letter(bundled, SENTENCE)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        banner = [c for c in page.chars if round(c["size"]) == 30]
        assert "".join(c["text"] for c in banner) == "深泽县赵八镇人民政府"
        top_edge = min(c["top"] for c in banner)
        assert 26 * MM < top_edge < 32 * MM  # glyph top sits just under 30 mm
        colours = {tuple(round(v, 2) for v in c["non_stroking_color"]) for c in banner}
        assert colours == {(0.0, 0.8, 0.8, 0.0)}
        rules = [ln for ln in page.lines if abs(ln["x1"] - ln["x0"] - 170 * MM) < 1]
        assert len(rules) >= 4  # two red double rules on page 1
        number = [
            ln for ln in lines_of(page) if "".join(c["text"] for c in ln).startswith("赵八镇执测")
        ]
        assert number and number[0][-1]["x1"] == pytest.approx(pg.RIGHT, abs=1.0)
        text = page.extract_text()
        assert "— 1 —" not in text  # no page number on page 1 of a letter


def test_long_letter_flows_onto_numbered_pages(bundled: fonts.FontSet) -> None:
    pdf = render_letter(bundled, SENTENCE * 30, cc="深泽县司法局")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 3
        for n, page in enumerate(doc.pages, start=1):
            numbers = [
                ln
                for ln in lines_of(page)
                if round(ln[0]["size"]) == 14
                and "".join(c["text"] for c in ln).strip().startswith("—")
            ]
            if n == 1:
                assert not numbers
                continue
            assert "".join(c["text"] for c in numbers[-1]).replace(" ", "") == f"—{n}—"
            x0, x1 = numbers[-1][0]["x0"], numbers[-1][-1]["x1"]
            if n % 2:  # odd: right, one character in
                assert x1 == pytest.approx(pg.RIGHT - 14, abs=1.5)
            else:
                assert x0 == pytest.approx(pg.LEFT + 14, abs=1.5)
            top = min(c["top"] for ln in numbers for c in ln)
            assert top > 297 * MM - 35 * MM + 5 * MM  # below the type area
        middle = doc.pages[1]
        body = [ln for ln in lines_of(middle) if round(ln[0]["size"]) == 16]
        assert len(body) == 22  # a full page holds 22 lines
        last_text = doc.pages[-1].extract_text()
        assert "抄送：深泽县司法局。" in re.sub(r"\s", "", last_text)
        # The signature never stands alone: body text precedes it on its page.
        sig_page = next(p for p in doc.pages if "2026年11月29日" in p.extract_text())
        assert any("焚烧" in "".join(c["text"] for c in ln) for ln in lines_of(sig_page))


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
    bundled: fonts.FontSet,
) -> None:
    tricky = "".join(
        f"第{n}项：执法人员依法检查（现场）并制作笔录，当事人签字确认。“情况属实”，《通知》已送达；"
        for n in range(1, 40)
    )
    pdf = render_letter(bundled, tricky)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for ln in lines_of(page):
                text = "".join(c["text"] for c in ln)
                if round(ln[0]["size"]) != 16 or not text.strip():
                    continue
                assert text[0] not in linebreak.CANNOT_START, text
                assert text[-1] not in linebreak.CANNOT_END, text


def test_digits_are_not_split_across_lines() -> None:
    measure = lambda ch: 8.0 if ch.isascii() else 16.0  # noqa: E731
    text = "当事人身份证号码为130128198503071235，联系电话13831112222。"
    for width in range(200, 460, 8):
        lines = linebreak.break_paragraph(text, width, measure)
        joined = "".join(ln.text for ln in lines)
        assert joined == text
        for a, b in itertools.pairwise(lines):
            assert not (a.text[-1:].isdigit() and b.text[:1].isdigit()), (width, a, b)


def test_breaker_keeps_every_character_in_order() -> None:
    measure = lambda ch: 16.0  # noqa: E731
    text = "（一）" + "执法" * 40 + "。”" + "《条例》" * 5
    lines = linebreak.break_paragraph(text, 28 * 16, measure, first_indent=32)
    assert "".join(ln.text for ln in lines) == text
    assert all(ln.text for ln in lines)
    assert lines[-1].last and not lines[0].last


def test_missing_value_is_an_error_naming_the_field(bundled: fonts.FontSet) -> None:
    with pytest.raises(TemplateError, match="主送单位"):
        render(parse(LETTER), values(SENTENCE, receiver=""), "x", fonts=bundled)


@pytest.mark.parametrize(
    "broken, message",
    [
        ("[document]\ncode='x'\nname='x'\nlayout='poster'", "版式"),
        (
            "[document]\ncode='x'\nname='x'\nlayout='letter'\n[[blocks]]\ntype='title'\n"
            "text='{nothing}'",
            "未在 [fields] 中声明",
        ),
        ("[document]\ncode='x'\nname='x'\nlayout='letter'\n[[blocks]]\ntype='poem'", "类型"),
        ("not toml at all [", "格式错误"),
        ("[document]\ncode='x'\nname='x'\nlayout='form'\n[table]\ncolumns=[100, 20]", "156"),
        (
            "[document]\ncode='x'\nname='x'\nlayout='letter'\n[[blocks]]\ntype='title'\n"
            "text='{__class__}'",
            "未在 [fields] 中声明",
        ),
    ],
)
def test_bad_templates_are_refused_in_chinese(broken: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        parse(broken)


def test_substitution_never_evaluates_anything(bundled: fonts.FontSet) -> None:
    """A value that looks like a format expression is printed as is."""
    pdf = render_letter(bundled, "{issuer.__class__}与{0}保持原样。")
    text = re.sub(r"\s", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "{issuer.__class__}与{0}保持原样。" in text


def test_same_input_gives_the_same_bytes(bundled: fonts.FontSet) -> None:
    assert render_letter(bundled, SENTENCE) == render_letter(bundled, SENTENCE)


def test_fonts_fall_back_to_the_bundled_ones_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_font_dirs", lambda: [])
    monkeypatch.setattr(fonts, "_fontconfig", lambda role: [])
    monkeypatch.setattr(fonts, "_CACHE", {})
    found = fonts.resolve(prefer_system=True)
    assert all(c.bundled for c in found.fonts.values())
    assert any("仿宋" in note for note in found.substitutions)


NOTE_LETTER = LETTER.replace(
    '[[blocks]]\ntype = "cc"',
    '[[blocks]]\ntype = "note"\ntext = "（联系人：张建国，联系电话：0311-83521002）"\n\n'
    '[[blocks]]\ntype = "cc"',
)


@pytest.mark.parametrize("filler", range(24))
def test_signature_date_and_note_never_part_from_the_body(
    bundled: fonts.FontSet, filler: int
) -> None:
    """Whatever the body's length, the page break never falls inside the signature
    block, between it and the last two body lines, or between the date and 附注."""
    body = "执法人员依法进行检查。" * (20 + filler * 3)
    attachments = ["现场检查记录", "现场照片"] if filler % 2 else []
    pdf = render(parse(NOTE_LETTER), values(body, items=attachments), "x", fonts=bundled).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        texts = [re.sub(r"\s", "", p.extract_text()) for p in doc.pages]
    page = next(i for i, t in enumerate(texts) if "2026年11月29日" in t)
    text = texts[page]
    assert "深泽县赵八镇人民政府" in text  # 署名 with the date
    assert "（联系人：" in text  # 附注 with the date
    before = text.rsplit("深泽县赵八镇人民政府", 1)[0]  # the 署名, not the banner
    assert "检查" in before  # body text precedes it on its page (no "此页无正文")


def test_characters_the_font_lacks_are_reported(
    bundled: fonts.FontSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """𠀀 (CJK Extension B) is in no bundled font: on a PC without a fallback font
    for it the clerk is told, not surprised."""
    monkeypatch.setattr(fonts, "_FALLBACKS", [])
    shown = render(parse(LETTER), values("当事人张𠀀华、刘䶮在场。"), "x", fonts=bundled)
    assert any("𠀀" in note and "方框" in note for note in shown.font_notes)
    assert not any("䶮" in note for note in shown.font_notes)  # Extension A is covered
    clean = render(parse(LETTER), values("当事人在场。"), "x", fonts=bundled)
    assert not any("方框" in n for n in clean.font_notes)


def test_rare_characters_and_emoji_print_in_a_fallback_font(bundled: fonts.FontSet) -> None:
    """With the PC's fallback fonts (CI installs 花园明朝B and Symbola) 𠀀 and 😀 are
    drawn with them and embedded; nothing is reported missing. (reportlab writes
    a 4-digit ToUnicode entry, so a character beyond U+FFFF prints right but
    copies out of the PDF wrong.)"""
    from reportlab.pdfbase import pdfmetrics

    if not fonts.fallbacks():
        pytest.skip("no fallback font for CJK Extension B on this machine")
    faces = {pdfmetrics.getFont(n).face.name.decode() for n in fonts.fallbacks()}
    shown = render(parse(LETTER), values("当事人张𠀀华😀、刘䶮在场。"), "x", fonts=bundled)
    assert not any("方框" in n for n in shown.font_notes)
    with pdfplumber.open(io.BytesIO(shown.pdf)) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
        used = {c["fontname"].split("+")[-1] for p in doc.pages for c in p.chars}
    assert "刘䶮在场" in text and "当事人张" in text
    assert used & faces  # the rare characters were set in a fallback font
    plain = render(parse(LETTER), values("当事人刘䶮在场。"), "x", fonts=bundled)
    with pdfplumber.open(io.BytesIO(plain.pdf)) as doc:
        assert not {c["fontname"].split("+")[-1] for p in doc.pages for c in p.chars} & faces


def test_a_small_spill_is_pulled_back_by_tightening_the_lines(bundled: fonts.FontSet) -> None:
    """GB/T 9704: adjust the line spacing rather than start a page for a few lines."""
    from desktop_app.documents.flow import Letter

    compacted = 0
    for n in range(10, 40):
        body = "执法人员依法进行检查并制作笔录。" * n
        letter = Letter(parse(LETTER), values(body, items=[]), "x", bundled)
        standard_pages = len(letter.layout()[2])
        pdf, pages = Letter(parse(LETTER), values(body, items=[]), "x", bundled).render("t", "a")
        assert pages <= standard_pages
        if standard_pages == 2 and pages == 1:
            compacted += 1
            with pdfplumber.open(io.BytesIO(pdf)) as doc:
                body_lines = [ln for ln in lines_of(doc.pages[0]) if round(ln[0]["size"]) == 16]
                gaps = [b[0]["bottom"] - a[0]["bottom"] for a, b in itertools.pairwise(body_lines)]
                assert min(gaps) >= pg.PITCH * 0.89  # tightened, never cramped
    assert compacted >= 1
