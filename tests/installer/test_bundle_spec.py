"""The bundle recipe, checked without building (a build takes ~40 s and 220 MB).

The real build and run are in installer/README.md; here: every file the app reads
at run time is in the spec's data list, the trimmed Qt parts are not used by the
app, and installer/build.py starts.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def _load_bundle_files():
    spec = importlib.util.spec_from_file_location("bundle_files", INSTALLER / "bundle_files.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bf = _load_bundle_files()


def _all_files(tree: str) -> set[Path]:
    return {
        p.relative_to(ROOT)
        for p in (ROOT / tree).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_data_list_has_every_run_time_file_and_each_exists() -> None:
    pairs = bf.data_files()
    shipped = set()
    for src, dest in pairs:
        path = Path(src)
        assert path.is_file(), src
        rel = path.relative_to(ROOT)
        assert dest == rel.parent.as_posix(), (src, dest)  # same layout as the repository
        shipped.add(rel)
    assert len(shipped) == len(pairs)
    for tree in ("desktop_app/storage/migrations", "forms_templates", "resources"):
        assert tree in bf.DATA_TREES
        for rel in _all_files(tree) - shipped:
            # Only the scripts that generate resources stay out of the bundle.
            assert bf.is_build_script(rel), f"{rel} is not in the bundle"


def test_what_the_app_opens_is_listed() -> None:
    shipped = {Path(src).relative_to(ROOT).as_posix() for src, _ in bf.data_files()}
    for needed in (
        "desktop_app/storage/migrations/env.py",
        "desktop_app/storage/migrations/script.py.mako",
        "resources/fonts/wqy-microhei.ttc",
        "resources/fonts/TownshipSerifSC-Regular.ttf",
        "resources/fonts/LICENSE-Apache-2.0.txt",
        "resources/fonts/LICENSE-OFL-1.1.txt",
        "resources/seed/organisations.json",
        "resources/seed/penalty_catalogue_sample.xlsx",
    ):
        assert needed in shipped
    versions = sorted((ROOT / "desktop_app/storage/migrations/versions").glob("*.py"))
    assert versions and all(p.relative_to(ROOT).as_posix() in shipped for p in versions)
    templates = sorted((ROOT / "forms_templates").glob("*.toml"))
    assert templates and all(p.relative_to(ROOT).as_posix() in shipped for p in templates)


def test_build_scripts_are_not_imported_by_the_app() -> None:
    scripts = [rel for rel in _all_files("resources") if bf.is_build_script(rel)]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "desktop_app").rglob("*.py"))
    for rel in scripts:
        assert rel.stem not in sources, f"desktop_app mentions {rel}: ship it"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_excluded_qt_modules_are_not_imported_by_the_app() -> None:
    excluded = {f"PySide6.{m}" for m in bf.EXCLUDED_QT_MODULES}
    for path in (ROOT / "desktop_app").rglob("*.py"):
        for name in _imported_modules(path):
            hit = [m for m in excluded if name == m or name.startswith(m + ".")]
            assert not hit, f"{path.relative_to(ROOT)} imports {hit[0]}, which the bundle excludes"
        text = path.read_text(encoding="utf-8")
        for m in bf.EXCLUDED_QT_MODULES:  # the grep: dynamic imports, strings
            assert f"PySide6.{m}" not in text, f"{path.relative_to(ROOT)} mentions PySide6.{m}"


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt/lib/libQt6PrintSupport.so.6",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "PySide6/Qt/lib/libQt6PdfWidgets.so.6",
        "PySide6/Qt/lib/libQt6Charts.so.6",
        "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/Qt/lib/libQt6Network.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6\\plugins\\printsupport\\windowsprintersupport.dll",
        "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6\\Qt6Pdf.dll",
    ],
)
def test_trim_keeps_printing_pdf_charts_svg_and_x11(dest: str) -> None:
    assert not bf.drop_binary(dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt/lib/libQt6Qml.so.6",
    ],
)
def test_trim_drops_unused_qt_parts(dest: str) -> None:
    assert bf.drop_binary(dest)


def test_trim_keeps_the_chinese_qt_translations() -> None:
    assert not bf.drop_data("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not bf.drop_data("PySide6/Qt/translations/qt_zh_CN.qm")
    assert bf.drop_data("PySide6/Qt/translations/qtbase_de.qm")
    assert not bf.drop_data("resources/fonts/wqy-microhei.ttc")


def test_about_box_versions_ship_for_every_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    shipped = {d.lower() for d in bf.METADATA_DISTRIBUTIONS}
    for requirement in project["dependencies"]:
        name = requirement.split(";")[0].split("[")[0]
        for sep in "<>=!~ ":
            name = name.split(sep)[0]
        assert name.lower() in shipped, name


def test_spec_uses_the_shared_lists() -> None:
    spec = (INSTALLER / "township.spec").read_text(encoding="utf-8")
    for use in ("bf.data_files(", "bf.excluded_modules()", "bf.drop_binary(", "bf.drop_data("):
        assert use in spec
    assert (ROOT / bf.ENTRY_POINT).is_file()


def test_build_script_help_runs() -> None:
    out = subprocess.run(
        [sys.executable, str(INSTALLER / "build.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert "--skip-tests" in out.stdout
