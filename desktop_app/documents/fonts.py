"""Fonts for letters, found by GB/T 9704 role, always embedded.

Roles: 仿宋 (body), 黑体 (level-1 headings), 楷体 (level-2 headings), 宋体
(page numbers, tables), 小标宋 (titles and the issuer banner). The office's
own fonts are preferred (Windows: simfang.ttf, simhei.ttf, simkai.ttf,
simsun.ttc, 方正小标宋; Linux: whatever fontconfig lists under those names);
otherwise the free fonts in ``resources/fonts`` are used and the letter says
so to the user. reportlab embeds TrueType outlines only, so a font with
PostScript outlines (most OpenType CJK fonts) is skipped.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop_app.paths import resource

log = logging.getLogger(__name__)

FONT_MODE_ENV = "TOWNSHIP_ENFORCEMENT_FONTS"  # "bundled": ignore the system's fonts

ROLE_LABELS = {
    "fangsong": "仿宋",
    "heiti": "黑体",
    "kaiti": "楷体",
    "song": "宋体",
    "title": "小标宋",
}

# File names of the usual office fonts, per role, most wanted first.
SYSTEM_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    "fangsong": (
        ("fs_gb2312.ttf", 0),
        ("fangsong_gb2312.ttf", 0),
        ("仿宋_gb2312.ttf", 0),
        ("simfang.ttf", 0),
        ("stfangso.ttf", 0),
    ),
    "heiti": (("simhei.ttf", 0), ("msyh.ttc", 0), ("msyh.ttf", 0)),
    "kaiti": (
        ("kaiti_gb2312.ttf", 0),
        ("楷体_gb2312.ttf", 0),
        ("simkai.ttf", 0),
        ("stkaiti.ttf", 0),
    ),
    "song": (("simsun.ttc", 0), ("simsun.ttf", 0), ("nsimsun.ttf", 0)),
    "title": (
        ("fzxbsjw.ttf", 0),
        ("方正小标宋简体.ttf", 0),
        ("fzxbsk.ttf", 0),
    ),
}
# Family names fontconfig may report, per role (Linux: UOS, Kylin, Debian).
FAMILY_HINTS: dict[str, tuple[str, ...]] = {
    "fangsong": ("FangSong", "仿宋"),
    "heiti": ("SimHei", "黑体", "WenQuanYi Micro Hei", "Microsoft YaHei"),
    "kaiti": ("KaiTi", "楷体", "AR PL UKai"),
    "song": ("SimSun", "宋体", "AR PL UMing", "Noto Serif CJK"),
    "title": ("小标宋", "XiaoBiaoSong", "FZXiaoBiaoSong"),
}
BUNDLED: dict[str, tuple[str, int]] = {
    "fangsong": ("TownshipSerifSC-Regular.ttf", 0),
    "heiti": ("wqy-microhei.ttc", 0),
    "kaiti": ("TownshipSerifSC-Regular.ttf", 0),
    "song": ("TownshipSerifSC-Regular.ttf", 0),
    "title": ("TownshipSerifSC-Regular.ttf", 0),
}


@dataclass(frozen=True)
class FontChoice:
    role: str
    name: str  # registered reportlab name
    path: Path
    index: int
    bundled: bool
    faux_bold: bool = False  # stroke the outline too, for a 小标宋 stand-in


@dataclass
class FontSet:
    fonts: dict[str, FontChoice]
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, role: str) -> FontChoice:
        return self.fonts[role]

    @property
    def substitutions(self) -> list[str]:
        """One Chinese line telling the user which roles use a stand-in font."""
        if not self.notes:
            return []
        roles = "、".join(self.notes)
        return [
            f"本机未安装{roles}字体，文书已使用程序自带的替代字体（已嵌入PDF，打印效果一致）。"
            "如需标准公文字体，请安装仿宋_GB2312、黑体、楷体_GB2312、方正小标宋简体。"
        ]


def _font_dirs() -> list[Path]:
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
        ]
    return [d for d in dirs if d.is_dir()]


def _index_files(dirs: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                found.setdefault(name.lower(), Path(root) / name)
    return found


def _fontconfig(role: str) -> list[tuple[Path, int]]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family", "file", "index"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    hits: list[tuple[Path, int]] = []
    for line in out.splitlines():
        # /path/font.ttc: Family,Other:index=0
        path_part, _, rest = line.partition(": ")
        families, _, index_part = rest.partition(":index=")
        if any(h.lower() in families.lower() for h in FAMILY_HINTS[role]):
            try:
                index = int(index_part.strip() or 0)
            except ValueError:
                index = 0
            hits.append((Path(path_part), index))
    return hits


def _register(role: str, path: Path, index: int) -> str | None:
    name = f"{role}-{path.stem}-{index}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    except (TTFError, OSError, ValueError, KeyError) as exc:
        log.info("font %s (%s) not usable: %s", path, role, exc)
        return None
    return name


def _bundled(role: str) -> FontChoice:
    file, index = BUNDLED[role]
    path = resource("fonts", file)
    name = _register(role, path, index)
    if name is None:
        raise RuntimeError(f"bundled font missing or unreadable: {path}")
    return FontChoice(role, name, path, index, bundled=True, faux_bold=role == "title")


_CACHE: dict[bool, FontSet] = {}


def resolve(prefer_system: bool | None = None) -> FontSet:
    """The fonts to use now; cached per process (fonts do not change while running)."""
    if prefer_system is None:
        prefer_system = os.environ.get(FONT_MODE_ENV, "").lower() != "bundled"
    if prefer_system in _CACHE:
        return _CACHE[prefer_system]
    files = _index_files(_font_dirs()) if prefer_system else {}
    fonts: dict[str, FontChoice] = {}
    notes: list[str] = []
    for role in ROLE_LABELS:
        choice: FontChoice | None = None
        if prefer_system:
            candidates = [(files[f], i) for f, i in SYSTEM_FILES[role] if f in files]
            candidates += _fontconfig(role)
            for path, index in candidates:
                name = _register(role, path, index)
                if name:
                    choice = FontChoice(role, name, path, index, bundled=False)
                    break
        if choice is None:
            choice = _bundled(role)
            if prefer_system:
                notes.append(ROLE_LABELS[role])
        fonts[role] = choice
    result = FontSet(fonts, notes)
    _CACHE[prefer_system] = result
    return result


# Characters no letter font has — CJK Extension B and beyond (生僻字 in names),
# emoji — are drawn with a fallback font of the PC, most wanted first: Windows
# ships 宋体-ExtB (simsunb.ttf) and Segoe UI Symbol; Debian/UOS/Kylin have
# 花园明朝B (fonts-hanazono) and Symbola (fonts-symbola). Looked up whatever the
# font mode: a fallback only ever draws what would otherwise be a box.
FALLBACK_FILES: tuple[tuple[str, int], ...] = (
    ("simsunb.ttf", 0),
    ("hanaminb.ttf", 0),
    ("seguisym.ttf", 0),
    ("symbola_hint.ttf", 0),
    ("symbola.ttf", 0),
)
_FALLBACKS: list[str] | None = None


def fallbacks() -> list[str]:
    """Registered names of the fallback fonts found on this PC (searched once)."""
    global _FALLBACKS
    if _FALLBACKS is None:
        files = _index_files(_font_dirs())
        names = [_register("fallback", files[f], i) for f, i in FALLBACK_FILES if f in files]
        _FALLBACKS = [n for n in names if n]
    return _FALLBACKS


def _has(name: str, ch: str) -> bool:
    face = pdfmetrics.getFont(name).face  # type: ignore[attr-defined]
    return ord(ch) in face.charToGlyph


def font_for(main: str, ch: str) -> str:
    """The font ``ch`` is drawn with: ``main``, or the first fallback that has it."""
    if ch.isspace() or ord(ch) < 0x20 or _has(main, ch):
        return main
    return next((f for f in fallbacks() if _has(f, ch)), main)


def runs(main: str, text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font name, characters) runs: the main font, and a
    fallback font for each stretch of characters the main font lacks."""
    out: list[tuple[str, str]] = []
    for ch in text:
        name = font_for(main, ch)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out


def missing_characters(font: FontChoice, text: str) -> list[str]:
    """Characters of ``text`` neither the font nor a fallback font has a glyph for
    (they would print as boxes)."""
    seen: dict[str, None] = {}
    for ch in text:
        if ch.isspace() or ord(ch) < 0x20 or ch in seen:
            continue
        name = font_for(font.name, ch)
        if not _has(name, ch):
            seen[ch] = None
    return list(seen)
