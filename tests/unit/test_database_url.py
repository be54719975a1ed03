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


def test_the_data_folder_may_name_a_server_in_database_ini(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    (tmp_path / "database.ini").write_text(
        "[database]\nurl = postgresql://clerk@county-db:5432/county\n", encoding="utf-8"
    )
    paths = data_paths(tmp_path)
    assert database_url(paths) == "postgresql+psycopg://clerk@county-db:5432/county"
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://other@db/x")  # the variable wins
    assert database_url(paths) == "postgresql+psycopg://other@db/x"
    assert database_url(data_paths(tmp_path, "postgres://third@db/y")).endswith("third@db/y")


def test_a_database_ini_without_a_url_means_the_local_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    (tmp_path / "database.ini").write_text("[database]\n", encoding="utf-8")
    assert database_url(data_paths(tmp_path)).startswith("sqlite:///")


@pytest.mark.parametrize(
    "content", [b"url = postgresql://x@y/z\n", b"[database\nurl=1\n", b"\xff\xfe[d\x00"]
)
def test_a_damaged_database_ini_stops_instead_of_opening_an_empty_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from desktop_app.__main__ import main

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    (tmp_path / "database.ini").write_bytes(content)
    with pytest.raises(ValueError, match="无法读取数据库连接设置"):
        database_url(data_paths(tmp_path))
    assert main(["--data-dir", str(tmp_path), "check"]) == cli.EXIT_FAILED
    assert "无法读取数据库连接设置" in capsys.readouterr().err
    assert not (tmp_path / "enforcement.db").exists()


def test_the_password_of_a_server_url_is_never_shown() -> None:
    from desktop_app.storage.db import Database

    db = Database("postgresql+psycopg://clerk:s3cret@county-db:5432/county")
    try:
        assert "s3cret" not in db.shown_url and "clerk" in db.shown_url
    finally:
        db.engine.dispose()
