"""Build the bundled serif font ``TownshipSerifSC-Regular.ttf`` (developers only).

reportlab embeds only TrueType (quadratic) outlines; the free Song-style
font with full simplified coverage, Noto Serif CJK SC, ships with
PostScript (CFF) outlines. This script takes the SC face of Debian's
``fonts-noto-cjk`` collection, keeps the characters an office letter can
need (Latin, punctuation, CJK Unified Ideographs with Extension A, full-width
forms), converts the outlines to TrueType and renames the family, as the SIL
Open Font License asks of a modified font. The result is committed, so this
runs only when the font is to be rebuilt:

    apt-get install fonts-noto-cjk
    uv run python resources/fonts/build_serif.py [path/to/NotoSerifCJK-Regular.ttc]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
OUT = Path(__file__).with_name("TownshipSerifSC-Regular.ttf")
FAMILY = "TownshipSerifSC"
FULL_NAME = "TownshipSerifSC Regular"

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (×, ·, °)
    (0x2000, 0x206F),  # general punctuation (— … ‘’ “”)
    (0x2100, 0x218F),  # letterlike symbols and number forms (℃ № Ⅰ)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (□ ○ √ area)
    (0x2600, 0x26FF),
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〔〕《》「」)
    (0x3200, 0x32FF),  # enclosed CJK (㈠)
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
]


def sc_index(path: Path) -> int:
    for index in range(10):
        try:
            font = TTFont(path, fontNumber=index, lazy=True)
        except Exception:
            break
        if "SC" in str(font["name"].getDebugName(1)):
            return index
    raise SystemExit(f"no SC face in {path}")


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    start = time.monotonic()
    font = TTFont(source, fontNumber=sc_index(source))
    options = subset.Options()
    options.layout_features = []  # the SC face's own cmap already gives SC forms
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[u for lo, hi in RANGES for u in range(lo, hi + 1)])
    sub.subset(font)
    print(f"subset: {len(font.getGlyphOrder())} glyphs ({time.monotonic() - start:.0f} s)")

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 1
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"

    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            names.setName(FULL_NAME, 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(
                f"{FAMILY}-Regular", 6, record.platformID, record.platEncID, record.langID
            )
        elif record.nameID == 3:
            names.setName(
                f"{FAMILY}-Regular;converted-from-NotoSerifCJKsc",
                3,
                record.platformID,
                record.platEncID,
                record.langID,
            )
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
