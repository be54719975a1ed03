"""Bad input: rare characters (CJK Extension B) and emoji are stored, counted and
exported intact; a letter whose font lacks them says so instead of dropping
them silently; Qt's maxLength counts UTF-16 units, the validators count
characters."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from bad_records import RARE, referral
from sqlalchemy import text

from desktop_app.domain.validators import ValidationError, check_text
from desktop_app.services import letters, referrals, settings, summary
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.forms import Checker

EXT_B = "𠀀𠀁𠀂𪚥𫝀𬌗"  # CJK Extension B–E, outside the Basic Multilingual Plane
EMOJI = "😀😡🙂"
FAMILY = "👨\u200d👩\u200d👧"  # one picture, five code points, eight UTF-16 units


def name_of(n: int) -> str:
    chars = EXT_B + EMOJI
    return "".join(chars[i % len(chars)] for i in range(n))


# --- lengths in characters ---------------------------------------------------------------


def test_forty_rare_characters_fit_a_forty_character_limit() -> None:
    forty = name_of(40)
    assert len(forty) == 40 and len(forty.encode("utf-16-le")) // 2 == 80
    assert check_text(forty, "当事人", max_len=40) == forty
    with pytest.raises(ValidationError, match="不能超过40个字（现有41个字）"):
        check_text(name_of(41), "当事人", max_len=40)


def test_form_checker_counts_characters_too() -> None:
    c = Checker()
    assert c.text("party.name", name_of(100), "当事人", 100) == name_of(100)
    assert c.text("party.name", name_of(101), "当事人", 100) is None
    assert "不能超过100个字" in c.problems["party.name"]


def test_a_setting_counts_characters(ctx: ServiceContext) -> None:
    twenty = name_of(20)
    assert settings.save(ctx, {"township_name": twenty})["township_name"] == twenty
    with pytest.raises(InvalidInput, match="不能超过20个字"):
        settings.save(ctx, {"township_name": name_of(21)})


def test_qt_max_length_counts_utf16_units(qtbot: object) -> None:
    """Why the forms do not rely on ``QLineEdit.setMaxLength``: it truncates by
    UTF-16 units, so 3 cuts 投诉😡 to 投诉 and 5 cuts a family emoji apart.
    Only the password fields use it (128), where nothing is shown to count."""
    from PySide6.QtWidgets import QLineEdit

    edit = QLineEdit()
    edit.setMaxLength(3)
    edit.setText("投诉😡")
    assert edit.text() == "投诉"
    edit.setMaxLength(40)
    edit.setText(name_of(40))
    assert edit.text() == name_of(40)[:20]  # half of the characters
    edit.setMaxLength(5)
    edit.setText(FAMILY)
    assert edit.text() != FAMILY


# --- stored and exported intact ----------------------------------------------------------


def test_rare_text_round_trips_through_the_database(ctx: ServiceContext) -> None:
    matter = f"露天焚烧秸秆{RARE}{FAMILY}"
    rid = referral(ctx, matter, party=f"王{RARE}")
    r = referrals.get(ctx, rid)
    assert r.matter == matter and r.party_name == f"王{RARE}"
    with ctx.read() as s:
        n = s.execute(text("SELECT length(matter) FROM referrals WHERE id = :i"), {"i": rid})
        assert n.scalar_one() == len(matter)  # SQLite counts code points like Python


def test_rare_text_in_the_monthly_summary(ctx: ServiceContext, tmp_path: Path) -> None:
    matter = f"露天焚烧秸秆{RARE}{FAMILY}"
    referral(ctx, matter, party=f"王{RARE}")
    out = summary.export_month(ctx, 2026, 11, tmp_path / "汇总.xlsx")
    wb = openpyxl.load_workbook(out)
    values = {c.value for ws in wb for row in ws.iter_rows() for c in row}
    assert matter in values


def test_missing_glyphs_in_a_letter_are_reported_not_dropped_silently(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled serif covers CJK Unified + Extension A only. On a PC with no
    fallback font, a letter with Extension B characters or emoji is still
    issued; they print as boxes (the font's .notdef glyph) and are missing
    from the PDF's text layer, and the result carries a note naming them."""
    from desktop_app.documents import fonts

    monkeypatch.setattr(fonts, "_FALLBACKS", [])
    rid = referral(ctx, f"露天焚烧秸秆{RARE}", party=f"王{RARE}")
    issued = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    [note] = [n for n in issued.font_notes if "方框" in n]
    for ch in RARE:
        assert ch in note
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    out = subprocess.run(
        ["pdftotext", str(issued.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(out.split())
    assert "王" in flat and "露天焚烧秸秆" in flat
    assert not any(ch in flat for ch in RARE)  # not in the text layer: see the note


def test_rare_characters_print_intact_with_the_pcs_fallback_font(ctx: ServiceContext) -> None:
    """Where the PC has a fallback font (宋体-ExtB on Windows; 花园明朝B and Symbola
    on Linux, installed by CI) the same letter prints every character."""
    from desktop_app.documents import fonts

    if not fonts.fallbacks():
        pytest.skip("no fallback font for CJK Extension B on this machine")
    rid = referral(ctx, f"露天焚烧秸秆{RARE}", party=f"王{RARE}")
    issued = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    assert not [n for n in issued.font_notes if "方框" in n]
    listed = subprocess.run(
        ["pdffonts", str(issued.path)], capture_output=True, text=True, check=True
    ).stdout
    from reportlab.pdfbase import pdfmetrics

    faces = {pdfmetrics.getFont(n).face.name.decode() for n in fonts.fallbacks()}
    embedded = [line for line in listed.splitlines() if any(f in line for f in faces)]
    assert embedded and all(" yes " in line for line in embedded)  # embedded, printed


def test_letter_with_only_covered_characters_has_no_glyph_note(ctx: ServiceContext) -> None:
    rid = referral(ctx, "露天焚烧秸秆", party="刘䶮")  # 䶮: Extension A, covered
    issued = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    assert not [n for n in issued.font_notes if "方框" in n]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    out = subprocess.run(
        ["pdftotext", str(issued.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "刘䶮" in "".join(out.split())
