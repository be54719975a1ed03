"""``copy-to-server``: a township's PC folder into the county server (issue 13, part 4),
from the command line: a dry run reports and writes nothing, the real run copies
once, bad input gets one Chinese line and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import dbkit
import pytest
from sqlalchemy import create_engine, text

from desktop_app.__main__ import main
from desktop_app.paths import DATABASE_URL_ENV

on_server = pytest.mark.skipif(
    not dbkit.on_postgres(), reason="needs a PostgreSQL server (the CI's second run)"
)


@pytest.fixture
def pc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A township PC's data folder with demo records (its own SQLite database)."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    folder = tmp_path / "pc"
    assert main(["--data-dir", str(folder), "demo", "--records", "80"]) == 0
    return folder


def referrals_on(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT to_regclass('referrals')")).scalar():
                return 0
            return int(conn.execute(text("SELECT count(*) FROM referrals")).scalar() or 0)
    finally:
        engine.dispose()


@on_server
def test_dry_run_then_copy_then_refuse_a_second_copy(
    pc: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server = database_url  # an empty database on the test server
    args = ["--data-dir", str(pc), "copy-to-server", "--to", server]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "试运行" in out and "案件移送" in out and "没有写入任何内容" in out
    assert referrals_on(server) == 0
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "复制完成" in out
    copied = referrals_on(server)
    assert copied > 0
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "不能再复制一次" in err and "Traceback" not in err
    assert referrals_on(server) == copied


def test_the_target_must_be_a_server(pc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = f"sqlite:///{pc.parent / 'other.db'}"
    assert main(["--data-dir", str(pc), "copy-to-server", "--to", target]) == 1
    err = capsys.readouterr().err
    assert "目标须是服务器数据库" in err and "Traceback" not in err


def test_a_folder_without_a_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    url = "postgresql://county@127.0.0.1:1/county"
    assert main(["--data-dir", str(tmp_path / "empty"), "copy-to-server", "--to", url]) == 1
    assert "本机数据库不存在" in capsys.readouterr().err


def test_the_server_url_is_required(pc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(pc), "copy-to-server", "--dry-run"])
    assert exc.value.code == 2 and "--to" in capsys.readouterr().err
