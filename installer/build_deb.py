"""Build ``dist/township-enforcement_<version>_amd64.deb`` from the one-folder bundle.

    uv run python installer/build.py --skip-tests      # the bundle, dist/township-enforcement/
    uv run python installer/build_deb.py               # the .deb next to it

Layout of the package:

    /opt/township-enforcement/                       the PyInstaller bundle, unchanged
    /usr/bin/township-enforcement                    sh launcher: exec the bundle's program
    /usr/share/applications/township-enforcement.desktop
    /usr/share/icons/hicolor/<n>x<n>/apps/township-enforcement.png  (resources/icons/app-<n>.png)
    /usr/share/doc/township-enforcement/copyright
    DEBIAN/control, postinst, postrm                 postinst/postrm only refresh the icon cache
                                                     and the desktop database

``Depends:`` is computed from the bundle: every shared library that an ELF file in the
bundle needs and that the bundle does not carry itself is mapped to its Debian package
(``SONAME_PACKAGES``; an unknown library stops the build), and ``libc6 (>= X)`` uses the
highest ``GLIBC_x.y`` symbol version any bundled file needs.

Nothing in the package touches users' data: it lives in ~/.local/share/TownshipEnforcement
and is neither created nor removed by the maintainer scripts.

The text pieces (control, .desktop, launcher, maintainer scripts, layout) are plain
functions so that tests/installer/test_deb_layout.py can check them without building.
This module imports only the standard library.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PACKAGE = "township-enforcement"
APP_NAME = "township-enforcement"  # bundle folder and program name (bundle_files.APP_NAME)
ARCHITECTURE = "amd64"
# The county's maintainer goes here (or in DEB_MAINTAINER) once one is named.
MAINTAINER = os.environ.get(
    "DEB_MAINTAINER", "Township Enforcement Project <township-enforcement@example.org>"
)
DATA_DIR_HINT = "~/.local/share/TownshipEnforcement"

INSTALL_DIR = PurePosixPath("/opt") / PACKAGE
LAUNCHER = PurePosixPath("/usr/bin") / PACKAGE
DESKTOP_FILE = PurePosixPath("/usr/share/applications") / f"{PACKAGE}.desktop"
ICON_NAME = PACKAGE
HICOLOR = PurePosixPath("/usr/share/icons/hicolor")
DOC_DIR = PurePosixPath("/usr/share/doc") / PACKAGE

ICONS_DIR = ROOT / "resources" / "icons"
ICON_RE = re.compile(r"^app-(\d+)\.png$")

# Shared libraries the bundle needs from the system -> Debian package providing them.
# Names that are not here make the build stop, so Depends: cannot silently go stale.
SONAME_PACKAGES: dict[str, str] = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libpthread.so.0": "libc6",
    "libdl.so.2": "libc6",
    "librt.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "libutil.so.1": "libc6",
    "libcrypt.so.1": "libcrypt1",
    "ld-linux-x86-64.so.2": "libc6",
    "libxcb.so.1": "libxcb1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
}

# Always depended on, whatever ldd finds. The bundled libfontconfig reads the system's
# /etc/fonts/fonts.conf (fontconfig-config); libGL/libEGL are dlopen()ed by the xcb GL
# integrations, so ldd of the main libraries does not always show them.
STATIC_DEPENDS: tuple[str, ...] = ("libgl1", "libegl1", "fontconfig-config")
# Packages whose version constraint comes from the glibc scan.
LIBC_PACKAGE = "libc6"

DEFAULT_MIN_GLIBC = "2.31"

SHORT_DESCRIPTION = "Township enforcement coordination desktop app"
LONG_DESCRIPTION = (
    "乡镇综合行政执法协调联动系统: a desktop application for\n"
    "township comprehensive administrative law enforcement coordination (cases,\n"
    "referrals, letters, catalogue, statistics). Self-contained PyInstaller bundle\n"
    "with Python and Qt, installed under /opt/township-enforcement.\n"
    ".\n"
    f"User data lives in {DATA_DIR_HINT} (one folder per\n"
    "user). Installing, upgrading or removing (even purging) this package never\n"
    "creates, changes or deletes that folder."
)


# --------------------------------------------------------------------------- text pieces


def read_version(init_file: Path = ROOT / "desktop_app" / "__init__.py") -> str:
    m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', init_file.read_text("utf-8"), re.M)
    if not m:
        raise SystemExit(f"no __version__ in {init_file}")
    return m.group(1)


def icon_sizes(icons_dir: Path = ICONS_DIR) -> list[int]:
    """Square PNG sizes available as resources/icons/app-<n>.png, ascending."""
    return sorted(int(m.group(1)) for p in icons_dir.iterdir() if (m := ICON_RE.match(p.name)))


def icon_source(size: int, icons_dir: Path = ICONS_DIR) -> Path:
    return icons_dir / f"app-{size}.png"


def icon_target(size: int) -> PurePosixPath:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"


def launcher_script() -> str:
    return (
        "#!/bin/sh\n"
        f"# Launcher for the bundle in {INSTALL_DIR}. User data: {DATA_DIR_HINT}\n"
        f'exec {INSTALL_DIR / APP_NAME} "$@"\n'
    )


def desktop_entry() -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        "Name=Township Enforcement\n"
        "Name[zh_CN]=乡镇综合行政执法协调联动系统\n"
        "GenericName=Law Enforcement Coordination\n"
        "GenericName[zh_CN]=行政执法协调联动\n"
        "Comment=Township comprehensive administrative law enforcement coordination\n"
        "Comment[zh_CN]=乡镇综合行政执法案件登记、移送、文书与统计\n"
        f"Exec={LAUNCHER.name}\n"
        f"TryExec={LAUNCHER.name}\n"
        f"Icon={ICON_NAME}\n"
        "Terminal=false\n"
        "Categories=Office;\n"
        "Keywords=enforcement;township;law;执法;乡镇;\n"
        "StartupNotify=true\n"
    )


def control_text(version: str, depends: Iterable[str], installed_size_kib: int) -> str:
    long_desc = "\n".join(" " + (line if line else ".") for line in LONG_DESCRIPTION.split("\n"))
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {ARCHITECTURE}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_size_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Description: {SHORT_DESCRIPTION}\n"
        f"{long_desc}\n"
    )


_CACHE_REFRESH = """\
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 \\
        && [ -f /usr/share/icons/hicolor/index.theme ]; then
    gtk-update-icon-cache -q -f -t /usr/share/icons/hicolor || true
fi
"""


def postinst_text() -> str:
    return (
        "#!/bin/sh\n"
        "set -e\n"
        f"# Refreshes desktop/icon caches only. User data ({DATA_DIR_HINT}) is not touched.\n"
        'if [ "$1" = "configure" ]; then\n' + _indent(_CACHE_REFRESH) + "fi\n"
        "exit 0\n"
    )


def postrm_text() -> str:
    return (
        "#!/bin/sh\n"
        "set -e\n"
        "# Refreshes desktop/icon caches only.\n"
        f"# User data ({DATA_DIR_HINT}) is kept, even on purge.\n"
        'case "$1" in\n'
        "    remove|purge|upgrade|disappear|abort-install|abort-upgrade)\n"
        + _indent(_CACHE_REFRESH, 8)
        + "        ;;\n"
        "esac\n"
        "exit 0\n"
    )


def copyright_text() -> str:
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {PACKAGE}\n"
        "\n"
        "Files: *\n"
        "Copyright: Township Enforcement Project\n"
        "License: proprietary\n"
        " Licences of the bundled libraries and fonts are inside the bundle:\n"
        f" {INSTALL_DIR}/_internal/*.dist-info/ and {INSTALL_DIR}/_internal/resources/fonts/.\n"
    )


def _indent(text: str, n: int = 4) -> str:
    pad = " " * n
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def layout(sizes: Iterable[int] | None = None) -> dict[PurePosixPath, str]:
    """Every file the package installs outside the bundle -> what it is."""
    files: dict[PurePosixPath, str] = {
        LAUNCHER: "launcher",
        DESKTOP_FILE: "desktop",
        DOC_DIR / "copyright": "copyright",
    }
    for n in icon_sizes() if sizes is None else sizes:
        files[icon_target(n)] = f"icon-{n}"
    return files


# --------------------------------------------------------------------------- bundle scan


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p)]


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def min_glibc(bundle: Path, files: list[Path] | None = None) -> str:
    """Highest GLIBC_x.y version any ELF file of the bundle needs (readelf -V)."""
    best = DEFAULT_MIN_GLIBC
    for path in files if files is not None else elf_files(bundle):
        out = subprocess.run(
            ["readelf", "-V", "-W", str(path)], capture_output=True, text=True, check=False
        ).stdout
        for v in re.findall(r"Name: GLIBC_([0-9.]+)", out):
            if _version_key(v) > _version_key(best):
                best = v
    return best


def needed_sonames(files: list[Path]) -> set[str]:
    """DT_NEEDED entries of all ELF files (readelf -d)."""
    needed: set[str] = set()
    for path in files:
        out = subprocess.run(
            ["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=False
        ).stdout
        needed.update(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))
    return needed


def external_sonames(bundle: Path, files: list[Path] | None = None) -> set[str]:
    """Libraries some bundled ELF file needs that the bundle does not carry."""
    files = elf_files(bundle) if files is None else files
    carried = {p.name for p in bundle.rglob("*.so*")}
    return {s for s in needed_sonames(files) if s not in carried}


def depends_for(sonames: Iterable[str], glibc: str) -> list[str]:
    unknown = sorted(s for s in sonames if s not in SONAME_PACKAGES)
    if unknown:
        raise SystemExit(
            "the bundle needs system libraries with no package in SONAME_PACKAGES: "
            + ", ".join(unknown)
        )
    packages = {SONAME_PACKAGES[s] for s in sonames} | set(STATIC_DEPENDS) | {LIBC_PACKAGE}
    # libgl1 pulls libglx0/libglvnd0 in; keep the line short and readable.
    if "libgl1" in packages:
        packages -= {"libglx0", "libglvnd0"}
    ordered = [f"{LIBC_PACKAGE} (>= {glibc})"]
    ordered += sorted(packages - {LIBC_PACKAGE})
    return ordered


# --------------------------------------------------------------------------- build


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _dir_kib(folder: Path) -> int:
    total = 0
    for p in folder.rglob("*"):
        if p.is_symlink() or not p.is_file():
            continue
        total += (p.stat().st_size + 1023) // 1024
    return total


def stage(bundle: Path, staging: Path, version: str) -> list[str]:
    """Fill ``staging`` with the package tree; returns the Depends list."""
    if staging.exists():
        shutil.rmtree(staging)
    root_of = lambda p: staging / str(p).lstrip("/")  # noqa: E731
    shutil.copytree(bundle, root_of(INSTALL_DIR), symlinks=True)
    _write(root_of(LAUNCHER), launcher_script(), 0o755)
    _write(root_of(DESKTOP_FILE), desktop_entry())
    _write(root_of(DOC_DIR / "copyright"), copyright_text())
    for n in icon_sizes():
        target = root_of(icon_target(n))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icon_source(n), target)
        target.chmod(0o644)
    for d in [p for p in staging.rglob("*") if p.is_dir()] + [staging]:
        d.chmod(0o755)

    files = elf_files(bundle)
    glibc = min_glibc(bundle, files)
    depends = depends_for(external_sonames(bundle, files), glibc)
    debian = staging / "DEBIAN"
    debian.mkdir(mode=0o755)
    _write(debian / "control", control_text(version, depends, _dir_kib(staging)))
    _write(debian / "postinst", postinst_text(), 0o755)
    _write(debian / "postrm", postrm_text(), 0o755)
    return depends


def deb_name(version: str) -> str:
    return f"{PACKAGE}_{version}_{ARCHITECTURE}.deb"


def build_deb(
    bundle: Path, out_dir: Path, version: str, staging: Path, compression: str = "xz"
) -> Path:
    if not (bundle / APP_NAME).is_file():
        raise SystemExit(
            f"{bundle / APP_NAME} not found: build the bundle first (installer/build.py)"
        )
    started = time.monotonic()
    depends = stage(bundle, staging, version)
    print("Depends:", ", ".join(depends), flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / deb_name(version)
    cmd = ["dpkg-deb", "--build", "--root-owner-group", f"-Z{compression}", str(staging), str(deb)]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    print(f"Built {deb} ({deb.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - started:.0f} s")
    return deb


def run_checks(deb: Path, staging: Path) -> None:
    dfv = shutil.which("desktop-file-validate")
    if dfv:
        r = subprocess.run([dfv, str(staging / str(DESKTOP_FILE).lstrip("/"))], check=False)
        print(f"desktop-file-validate: {'OK' if r.returncode == 0 else 'FAILED'}")
    lintian = shutil.which("lintian")
    if lintian:
        r = subprocess.run(
            [lintian, "--no-tag-display-limit", str(deb)], capture_output=True, text=True
        )
        tags: dict[str, int] = {}
        for line in r.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] in {"E:", "W:", "I:"}:
                key = f"{parts[0]} {parts[2]}"
                tags[key] = tags.get(key, 0) + 1
        print("lintian tags (count):")
        for key, n in sorted(tags.items(), key=lambda kv: -kv[1]):
            print(f"  {n:5d} {key}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--bundle", default=f"dist/{APP_NAME}", help="one-folder bundle (default: %(default)s)"
    )
    p.add_argument("--out", default="dist", help="output folder (default: %(default)s)")
    p.add_argument(
        "--staging", default="build/deb-root", help="package tree (default: %(default)s)"
    )
    p.add_argument("--version", help="package version (default: desktop_app.__version__)")
    p.add_argument(
        "--compression",
        default="xz",
        choices=["xz", "gzip", "none"],
        help="dpkg-deb compression; gzip is ~5x faster to build (default: %(default)s)",
    )
    p.add_argument("--check", action="store_true", help="run desktop-file-validate and lintian")
    args = p.parse_args(argv)
    version = args.version or read_version()
    staging = ROOT / args.staging
    deb = build_deb(ROOT / args.bundle, ROOT / args.out, version, staging, args.compression)
    if args.check:
        run_checks(deb, staging)
    return 0


if __name__ == "__main__":
    sys.exit(main())
