"""What goes into the PyInstaller bundle besides the imported Python code.

Used by ``installer/township.spec`` and checked (without building) by
``tests/installer/test_bundle_spec.py``. No PyInstaller import here, so the
check runs in CI without it.

Layout inside the bundle (``sys._MEIPASS`` = ``dist/township-enforcement/_internal``)
mirrors the repository, which is what :mod:`desktop_app.paths` expects:

* ``resources/…`` and ``forms_templates/…`` next to the bundle root
  (``paths._bundle_root()`` returns ``sys._MEIPASS`` when frozen);
* ``desktop_app/storage/migrations/…`` next to the frozen package
  (``paths.MIGRATIONS_DIR`` is ``Path(__file__).parent / "storage" / "migrations"``,
  and PyInstaller sets a frozen module's ``__file__`` to ``_MEIPASS/desktop_app/…``).
  Alembic loads ``env.py`` and ``versions/*.py`` as source files, so they ship as ``.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

APP_NAME = "township-enforcement"
ENTRY_POINT = "desktop_app/__main__.py"

# Folders read at run time, copied whole (relative to the repository and the bundle).
DATA_TREES = ("desktop_app/storage/migrations", "forms_templates", "resources")

# Never shipped: byte code, and the scripts that *produce* resources (build_serif.py,
# build_sample_catalogue.py, build_icons.py…). Nothing under resources/ is imported;
# the app only opens the fonts, seed files and icons those scripts wrote.
_SKIP_DIRS = frozenset({"__pycache__"})
_SKIP_SUFFIXES = frozenset({".pyc", ".pyo"})


def is_build_script(rel: Path) -> bool:
    """A Python file under resources/ is a generator kept in the repo, not a resource."""
    return rel.parts[0] == "resources" and rel.suffix == ".py"


def _wanted(rel: Path) -> bool:
    if _SKIP_DIRS.intersection(rel.parts) or rel.suffix in _SKIP_SUFFIXES:
        return False
    return not is_build_script(rel)


def data_files(root: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """``(source file, destination folder in the bundle)`` pairs, PyInstaller ``datas`` style."""
    pairs: list[tuple[str, str]] = []
    for tree in DATA_TREES:
        for path in sorted((root / tree).rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and _wanted(rel):
                pairs.append((str(path), rel.parent.as_posix()))
    return pairs


# holidays.China(language="zh_CN"): the country module is imported lazily by holidays'
# registry (invisible to PyInstaller) and the names come from gettext catalogues.
HIDDEN_IMPORTS = (
    "holidays.countries.china",
    # Imported by the migration scripts, which Alembic loads from files at run time.
    "alembic.op",
    "alembic.context",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    # A county server (issue 13): SQLAlchemy loads its dialect by name from the URL,
    # and psycopg loads its compiled speed-ups (psycopg_binary) only if present.
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg_binary",
    "desktop_app.storage.models",
    "desktop_app.storage.types",
)
HOLIDAYS_LOCALE_GLOB = "locale/*/LC_MESSAGES/CN.mo"

# dist-info folders copied so importlib.metadata.version() works in the frozen app
# (关于 dialog) and the libraries' licence files ship with them.
METADATA_DISTRIBUTIONS = (
    "township-enforcement",
    "PySide6-Essentials",
    "PySide6-Addons",
    "shiboken6",
    "SQLAlchemy",
    "alembic",
    "Mako",
    "MarkupSafe",
    "reportlab",
    "pillow",
    "openpyxl",
    "et-xmlfile",
    "holidays",
    "python-dateutil",
    "six",
    "platformdirs",
    "argon2-cffi",
    "argon2-cffi-bindings",
    "cffi",
    "pycparser",
    "cryptography",
    "psycopg",
    "psycopg-binary",
    "typing-extensions",
)

# PySide6 modules kept out of the bundle. PyInstaller only collects the modules that
# are imported, so this is a guard: if one of them gets imported (or pulled in by a
# library), the build drops it instead of silently growing by 100+ MB.
# NOT excluded (used, or linked by what is used): QtCore, QtGui, QtWidgets, QtNetwork
# (QLocalServer: single instance), QtPrintSupport, QtPdf, QtPdfWidgets, QtCharts,
# QtSvg/QtSvgWidgets (SVG icon engine and image format), QtOpenGL/QtOpenGLWidgets
# (QtCharts links them), QtDBus (xcb/ibus use libQt6DBus).
EXCLUDED_QT_MODULES = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtConcurrent", "QtDataVisualization", "QtDesigner",
    "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtPositioning", "QtQml", "QtQuick",
    "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects",
    "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql",
    "QtStateMachine", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
    "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtWebView", "QtXml",
)  # fmt: skip

# Python packages never needed at run time (dev tools, optional imports of libraries).
EXCLUDED_PY_MODULES = (
    "tkinter", "_tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "mypy",
    "pypdf", "pdfplumber", "pdfminer", "pypdfium2", "fontTools", "numpy", "IPython",
    "matplotlib", "PyInstaller", "setuptools", "pkg_resources",
)  # fmt: skip


def excluded_modules() -> list[str]:
    return [f"PySide6.{m}" for m in EXCLUDED_QT_MODULES] + list(EXCLUDED_PY_MODULES)


# Qt binaries and plugins that PyInstaller's PySide6 hooks collect but this app does not
# use, matched against the destination path in the bundle. Kept on purpose:
#   platforms/libqxcb + libqoffscreen + libqminimal, xcbglintegrations, platformthemes
#   xdg portal, platforminputcontexts compose + ibus (Chinese input methods),
#   printsupport (CUPS), imageformats gif/ico/jpeg/svg/pdf, iconengines svg.
# Dropped libqgtk3: it would load the target's own GTK 3 into the process next to the
# bundled libraries (and GTK is not bundled); the app uses the Fusion style and Qt's own
# file dialogs everywhere.
# Wayland: Qt falls back to xcb (XWayland) when the wayland plugin is missing; UOS 20,
# Kylin V10 and deepin 20 run X11 sessions. Revisit if a target desktop is Wayland-only.
DROP_BINARY = re.compile(
    r"(VirtualKeyboard|virtualkeyboard|Qt6Quick|Qt6Qml|Qt6Wayland|wayland|"
    r"/eglfs|Qt6EglFS|Qt6EglFs|Qt6WlShell|egldeviceintegrations/|libqeglfs|libqvnc|libqlinuxfb|libqminimalegl|"
    r"libqvkkhrdisplay|networkinformation/|/tls/|plugins/generic/|"
    r"libqgtk3|libqicns|libqtga|libqwbmp|libqwebp|libqtiff)"
)


def drop_binary(dest: str) -> bool:
    return bool(DROP_BINARY.search(dest.replace("\\", "/")))


QT_TRANSLATIONS_DIR = "PySide6/Qt/translations/"
KEPT_TRANSLATION = re.compile(r"^(qt|qtbase)_zh_CN\.qm$")


def drop_data(dest: str) -> bool:
    """Qt translations other than the Simplified Chinese ones the app loads."""
    dest = dest.replace("\\", "/")
    if dest.startswith(QT_TRANSLATIONS_DIR):
        return not KEPT_TRANSLATION.match(dest[len(QT_TRANSLATIONS_DIR) :])
    return False
