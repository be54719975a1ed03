"""The one-way dependencies of ARCHITECTURE.md, enforced.

ui and cli → services → storage, domain, security, documents, reports. domain
imports nothing of ours but domain; security (passwords, keys) nothing above it.
Only ui and the bootstrap import PySide6.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_app"

# package → prefixes of desktop_app modules it must not import
FORBIDDEN = {
    "domain": (
        "desktop_app.storage",
        "desktop_app.services",
        "desktop_app.ui",
        "desktop_app.cli",
        "desktop_app.documents",
        "desktop_app.reports",
        "desktop_app.paths",
    ),
    "storage": (
        "desktop_app.services",
        "desktop_app.ui",
        "desktop_app.cli",
        "desktop_app.documents",
        "desktop_app.reports",
    ),
    "services": ("desktop_app.ui", "desktop_app.cli"),
    "documents": (
        "desktop_app.services",
        "desktop_app.ui",
        "desktop_app.cli",
        "desktop_app.storage",
    ),
    "reports": ("desktop_app.services", "desktop_app.ui", "desktop_app.cli"),
    # passwords and keys: pure functions, no database, nothing above them
    "security": (
        "desktop_app.storage",
        "desktop_app.services",
        "desktop_app.ui",
        "desktop_app.cli",
        "desktop_app.documents",
        "desktop_app.reports",
    ),
}
QT_ALLOWED = {"ui", "instance.py", "__main__.py"}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def python_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(layer: str) -> None:
    bad = []
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in imports_of(path):
            if name.startswith(FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not bad, "\n".join(bad)


def test_only_ui_and_bootstrap_import_qt() -> None:
    bad = []
    for path in python_files():
        top = path.relative_to(PACKAGE).parts[0]
        if top in QT_ALLOWED:
            continue
        for name in imports_of(path):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not bad, "\n".join(bad)


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The rule can fail: a file importing upwards is reported."""
    bad = tmp_path / "x.py"
    bad.write_text("from desktop_app.ui.app import run_gui\nimport PySide6.QtCore\n")
    names = imports_of(bad)
    assert any(n.startswith(FORBIDDEN["services"]) for n in names)
    assert any(n.startswith("PySide6") for n in names)


def test_domain_imports_only_the_standard_library_and_holidays() -> None:
    allowed_third_party = {"holidays"}
    bad = []
    for path in (PACKAGE / "domain").rglob("*.py"):
        for name in imports_of(path):
            root = name.split(".")[0]
            if root == "desktop_app":
                if not name.startswith("desktop_app.domain"):
                    bad.append(f"{path.name} imports {name}")
            elif root not in allowed_third_party and not _is_stdlib(root):
                bad.append(f"{path.name} imports {name}")
    assert not bad, "\n".join(bad)


def _is_stdlib(name: str) -> bool:
    import sys

    return name in sys.stdlib_module_names or name == "__future__"
