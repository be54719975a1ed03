"""The Windows installer recipe, checked as far as Linux allows: the NSIS script
compiles (Debian's makensis) against a stand-in bundle, names the programs the
PyInstaller spec builds, and its uninstaller never touches the user's data."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installer" / "windows" / "township.nsi"
sys.path.insert(0, str(ROOT / "installer"))

import bundle_files as bf  # noqa: E402


def test_the_script_names_what_the_spec_builds() -> None:
    text = NSI.read_text(encoding="utf-8")
    assert f'!define APP_EXE "{bf.APP_NAME}.exe"' in text
    assert f"{bf.APP_NAME}-cli.exe" in text  # the console twin is removed on uninstall
    icon = re.search(r'!define MUI_ICON "([^"]+)"', text)
    assert icon is not None
    assert (NSI.parent / icon.group(1).replace("\\", "/")).is_file()
    assert 'MUI_LANGUAGE "SimpChinese"' in text


def test_uninstall_keeps_the_users_data() -> None:
    text = NSI.read_text(encoding="utf-8")
    uninstall = text[text.index('Section "Uninstall"') :]
    removing = [
        line.strip()
        for line in uninstall.splitlines()
        if line.strip().startswith(("Delete ", "RMDir "))  # files and folders, not the registry
    ]
    assert removing  # it does remove the program
    assert not [line for line in removing if "APPDATA" in line or "TownshipEnforcement" in line]
    assert all(
        "$INSTDIR" in line or "$DESKTOP" in line or "$SMPROGRAMS" in line for line in removing
    )


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis not installed")
def test_the_installer_compiles(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    for name in (f"{bf.APP_NAME}.exe", f"{bf.APP_NAME}-cli.exe", "_internal/python311.dll"):
        (bundle / name).write_bytes(b"MZ stand-in")
    out = tmp_path / f"{bf.APP_NAME}-0.1.0-setup.exe"
    done = subprocess.run(
        ["makensis", "-V2", "-DVERSION=0.1.0", f"-DSOURCE={bundle}", f"-DOUTFILE={out}", str(NSI)],
        capture_output=True,
        text=True,
        cwd=NSI.parent,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in (done.stdout + done.stderr).lower()
    assert out.read_bytes()[:2] == b"MZ"
