"""Every folder the application uses.

Data folder: ``--data-dir`` wins, then the environment variable
``TOWNSHIP_ENFORCEMENT_DATA_DIR``, then the user's data folder from
platformdirs (``%LOCALAPPDATA%\\TownshipEnforcement`` on Windows,
``~/.local/share/TownshipEnforcement`` on Linux). Read-only resources are
found next to the source, or inside a PyInstaller bundle when frozen.

Database: the SQLite file ``enforcement.db`` in the data folder, unless
``--database-url``, the environment variable ``TOWNSHIP_DATABASE_URL`` or the
file ``database.ini`` in the data folder (``[database]`` / ``url = …``, written
once by whoever sets up the office PC) names a PostgreSQL database
(``postgresql://user@host:5432/name``, a county-wide instance; the password best
in the user's ``pgpass`` file, which libpq reads); the data folder still holds
attachments, documents, backups, logs and ui.ini.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

APP_DIR_NAME = "TownshipEnforcement"
DATA_DIR_ENV = "TOWNSHIP_ENFORCEMENT_DATA_DIR"
DATABASE_URL_ENV = "TOWNSHIP_DATABASE_URL"
DATABASE_FILE = "enforcement.db"
DATABASE_INI = "database.ini"  # [database] url = postgresql://… (a county server)


def _bundle_root() -> Path:
    """Repository root when run from source; the bundle folder when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = _bundle_root() / "resources"
TEMPLATES_DIR = _bundle_root() / "forms_templates"
MIGRATIONS_DIR = PACKAGE_DIR / "storage" / "migrations"


def resource(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)


@dataclass(frozen=True)
class DataPaths:
    """The folders under one data directory."""

    root: Path
    # --database-url: a server database instead of the folder's SQLite file
    url: str | None = None

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        return self.root / "app.lock"

    def ensure(self) -> DataPaths:
        for folder in (self.root, self.backups, self.attachments, self.documents, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def data_paths(
    data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> DataPaths:
    if data_dir:
        root = Path(data_dir)
    elif os.environ.get(DATA_DIR_ENV):
        root = Path(os.environ[DATA_DIR_ENV])
    else:
        root = Path(user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))
    return DataPaths(root.expanduser().resolve(), database_url or None)


def normalise_url(url: str) -> str:
    """A PostgreSQL URL as given by an administrator, for SQLAlchemy's psycopg 3 driver."""
    url = url.strip()
    for scheme in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def database_url(paths: DataPaths) -> str:
    """The SQLAlchemy URL: ``--database-url``, then ``TOWNSHIP_DATABASE_URL``,
    then ``database.ini`` in the data folder, then the SQLite file there."""
    url = paths.url or os.environ.get(DATABASE_URL_ENV, "").strip() or configured_url(paths)
    return normalise_url(url) if url else f"sqlite:///{paths.database}"


def configured_url(paths: DataPaths) -> str:
    """``url`` of the ``[database]`` section of the data folder's ``database.ini``
    (empty when there is no such file or key). A file that cannot be read is an
    error, not a silent fall-back to an empty local database."""
    import configparser

    ini = paths.root / DATABASE_INI
    if not ini.exists():
        return ""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"无法读取数据库连接设置 {ini}：{exc}") from exc
    return parser.get("database", "url", fallback="").strip()


def is_server_database(paths: DataPaths) -> bool:
    """The database is a server's (PostgreSQL), not the data folder's SQLite file."""
    return not database_url(paths).startswith("sqlite")
