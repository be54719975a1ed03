"""Which database the program opens: --database-url, then TOWNSHIP_DATABASE_URL,
then the data folder's SQLite file (issue 13: a county-wide PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.paths import (
    DATABASE_URL_ENV,
    data_paths,
    database_url,
    is_server_database,
    normalise_url,
)


def test_the_data_folder_file_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    paths = data_paths(tmp_path)
    assert database_url(paths) == f"sqlite:///{tmp_path.resolve() / 'enforcement.db'}"
    assert not is_server_database(paths)


def test_the_environment_then_the_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://clerk:pw@county-db:5432/township")
    paths = data_paths(tmp_path)
    assert database_url(paths) == "postgresql+psycopg://clerk:pw@county-db:5432/township"
    assert is_server_database(paths)
    args = cli.build_parser().parse_args(
        ["--data-dir", str(tmp_path), "--database-url", "postgres://other@db/x", "check"]
    )
    chosen = data_paths(args.data_dir, args.database_url)
    assert database_url(chosen) == "postgresql+psycopg://other@db/x"
    assert chosen.root == tmp_path.resolve()  # attachments, backups, logs stay there


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        (" sqlite:///x.db ", "sqlite:///x.db"),
    ],
)
def test_urls_are_read_for_psycopg_3(given: str, used: str) -> None:
    assert normalise_url(given) == used
