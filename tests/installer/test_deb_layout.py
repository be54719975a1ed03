"""The .deb recipe (installer/build_deb.py), checked without building a bundle or a .deb.

The real build, install and run on Debian 11 are in installer/prove_bullseye.sh and
installer/README.md.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def _load_build_deb():
    spec = importlib.util.spec_from_file_location("build_deb", INSTALLER / "build_deb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bd = _load_build_deb()


def _parse_control(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line.startswith((" ", "\t")):
            assert key is not None, "continuation line before any field"
            fields[key] += "\n" + line
            continue
        key, sep, value = line.partition(":")
        assert sep, f"not a control field: {line!r}"
        fields[key] = value.strip()
    return fields


def test_desktop_entry_fields():
    text = bd.desktop_entry()
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    entry = dict(line.split("=", 1) for line in lines[1:] if line)
    assert entry["Name"] == "Township Enforcement"
    assert entry["Name[zh_CN]"] == "乡镇综合行政执法协调联动系统"
    assert entry["Comment[zh_CN]"]
    assert entry["Icon"] == "township-enforcement"
    assert entry["Categories"] == "Office;"
    assert entry["Exec"] == "township-enforcement"
    assert entry["Exec"] == bd.LAUNCHER.name
    assert entry["Icon"] == bd.ICON_NAME


def test_desktop_entry_validates(tmp_path):
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate not installed (apt install desktop-file-utils)")
    path = tmp_path / bd.DESKTOP_FILE.name
    path.write_text(bd.desktop_entry(), encoding="utf-8")
    r = subprocess.run([tool, str(path)], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


def test_control_has_required_fields():
    depends = bd.depends_for({"libc.so.6", "libxcb.so.1", "libGL.so.1", "libEGL.so.1"}, "2.31")
    fields = _parse_control(bd.control_text("1.2.3", depends, 123456))
    for key in ("Package", "Version", "Architecture", "Depends", "Maintainer", "Description"):
        assert fields.get(key), key
    assert fields["Package"] == "township-enforcement"
    assert fields["Version"] == "1.2.3"
    assert fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "123456"
    assert re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", fields["Package"])
    deps = [d.strip() for d in fields["Depends"].split(",")]
    assert deps[0] == "libc6 (>= 2.31)"
    for pkg in ("libxcb1", "libgl1", "libegl1", "fontconfig-config"):
        assert pkg in deps
    # the description tells where user data lives and that the package leaves it alone
    assert "~/.local/share/TownshipEnforcement" in fields["Description"]
    for line in fields["Description"].splitlines()[1:]:
        assert line.startswith(" ") and line.strip()
        assert len(line) <= 80, line  # lintian extended-description-line-too-long


def test_read_version_matches_package():
    import desktop_app

    assert bd.read_version() == desktop_app.__version__


def test_unknown_system_library_stops_the_build():
    with pytest.raises(SystemExit, match=r"libfoo\.so\.9"):
        bd.depends_for({"libc.so.6", "libfoo.so.9"}, "2.31")


def test_launcher_runs_bundle_in_opt():
    script = bd.launcher_script()
    assert script.startswith("#!/bin/sh\n")
    assert PurePosixPath("/usr/bin/township-enforcement") == bd.LAUNCHER
    assert f'exec {bd.INSTALL_DIR}/{bd.APP_NAME} "$@"' in script
    assert PurePosixPath("/opt/township-enforcement") == bd.INSTALL_DIR


def test_icons_match_resources():
    pngs = sorted((ROOT / "resources" / "icons").glob("app-*.png"))
    sizes = bd.icon_sizes()
    assert sizes and len(sizes) == len(pngs)
    files = bd.layout()
    for n in sizes:
        assert bd.icon_source(n).is_file()
        with bd.icon_source(n).open("rb") as f:  # PNG IHDR: width, height at bytes 16..24
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20], "big") == n
        assert int.from_bytes(head[20:24], "big") == n
        target = bd.icon_target(n)
        assert target == PurePosixPath(
            f"/usr/share/icons/hicolor/{n}x{n}/apps/township-enforcement.png"
        )
        assert target in files
    assert bd.LAUNCHER in files and bd.DESKTOP_FILE in files
    assert PurePosixPath("/usr/share/applications/township-enforcement.desktop") == bd.DESKTOP_FILE


@pytest.mark.parametrize("name", ["postinst_text", "postrm_text"])
def test_maintainer_scripts_do_not_touch_user_data(name):
    text = getattr(bd, name)()
    assert text.startswith("#!/bin/sh\n")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for word in ("rm ", "home", ".local", "TownshipEnforcement", "userdel", "chown"):
        assert word not in body, word
    assert "update-desktop-database" in body and "gtk-update-icon-cache" in body
    assert "|| true" in body
    if shutil.which("sh"):
        r = subprocess.run(["sh", "-n"], input=text, text=True, capture_output=True)
        assert r.returncode == 0, r.stderr


def test_build_deb_imports_only_stdlib():
    src = (INSTALLER / "build_deb.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:from|import) ([a-zA-Z_]+)", src, re.M))
    assert imported <= {
        "__future__",
        "argparse",
        "os",
        "re",
        "shutil",
        "subprocess",
        "sys",
        "time",
        "collections",
        "pathlib",
    }, imported
