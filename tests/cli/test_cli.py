"""Headless commands: exit codes, one clear Chinese line, no traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dbkit
import pytest

from desktop_app.__main__ import main
from desktop_app.storage.sqlite import quick_check

ROOT = Path(__file__).resolve().parents[2]


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def make_db(data: Path) -> None:
    """A database with its seed data, made the way the headless commands make it."""
    assert run(data, "backup", "-o", str(data / "first.db")) == 1  # nothing to back up yet
    from desktop_app import cli
    from desktop_app.paths import DataPaths

    cli._open(DataPaths(data)).db.close()


@pytest.mark.sqlite_only
def test_check_on_a_fresh_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert run(data, "check") == 1
    assert "数据库文件不存在" in capsys.readouterr().err
    make_db(data)
    assert run(data, "check") == 0
    assert "数据库完好" in capsys.readouterr().out


@pytest.mark.sqlite_only
def test_check_reports_a_corrupt_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "enforcement.db").write_bytes(b"not a database at all" * 100)
    assert run(data, "check") == 1
    err = capsys.readouterr().err
    assert "不是本程序的数据库" in err and "Traceback" not in err


@pytest.mark.sqlite_only
def test_backup_then_restore_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    make_db(data)
    target = tmp_path / "usb" / "备份 一.db"
    assert run(data, "backup", "-o", str(target)) == 0
    assert target.exists() and quick_check(target) == []
    # A second backup to the same file is refused, never overwritten.
    assert run(data, "backup", "-o", str(target)) == 1
    assert "已存在" in capsys.readouterr().err

    con = dbkit.connect(data)
    con.execute("UPDATE organisations SET note='恢复前的修改' WHERE id=1")
    con.commit()
    con.close()

    assert run(data, "restore", str(target)) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "另存为" in out
    con = dbkit.connect(data)
    assert con.execute("SELECT note FROM organisations WHERE id=1").fetchone() == (None,)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action='restore'").fetchone() == (1,)
    con.close()
    safety = sorted((data / "backups").glob("before-restore-*.db"))
    assert len(safety) == 1
    con = sqlite3.connect(safety[0])
    assert con.execute("SELECT note FROM organisations WHERE id=1").fetchone() == ("恢复前的修改",)
    con.close()


@pytest.mark.parametrize(
    "content, message",
    [(None, "不存在"), (b"", "空的"), (b"hello" * 1000, "不是本程序的数据库")],
)
@pytest.mark.sqlite_only
def test_restore_refuses_bad_files_and_keeps_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    data = tmp_path / "data"
    make_db(data)
    before = (data / "enforcement.db").read_bytes()
    bad = tmp_path / "bad.db"
    if content is not None:
        bad.write_bytes(content)
    assert run(data, "restore", str(bad)) == 1
    assert message in capsys.readouterr().err
    assert (data / "enforcement.db").read_bytes() == before


@pytest.mark.sqlite_only
def test_restore_refuses_someone_elses_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    make_db(data)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    assert run(data, "restore", str(other)) == 1
    assert "不是本程序的数据库备份" in capsys.readouterr().err


def test_bad_arguments_exit_2_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2
    assert "参数错误" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "--records", "many"])
    assert "参数错误" in capsys.readouterr().err


def test_import_of_a_missing_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path / "data", "import-catalog", str(tmp_path / "无此文件.xlsx")) == 1
    err = capsys.readouterr().err.strip()
    assert err and "Traceback" not in err and len(err.splitlines()) <= 3


@pytest.mark.sqlite_only
def test_module_entry_point_runs_in_a_fresh_process(tmp_path: Path) -> None:
    env = dict(os.environ, TOWNSHIP_ENFORCEMENT_DATA_DIR=str(tmp_path / "envdata"))
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "数据库文件不存在" in done.stderr and "Traceback" not in done.stderr
    assert str(tmp_path / "envdata") in done.stderr


@pytest.mark.sqlite_only
def test_restore_is_refused_while_the_program_holds_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    make_db(data)
    assert run(data, "backup", "-o", str(tmp_path / "b.db")) == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from desktop_app.instance import InstanceLock\n"
            "from desktop_app.paths import DataPaths\n"
            f"lock = InstanceLock(DataPaths(__import__('pathlib').Path({str(data)!r})))\n"
            "assert lock.acquire()\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert run(data, "restore", str(tmp_path / "b.db")) == 3
        assert "请先关闭程序" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    # The holder crashed (killed): its stale lock no longer blocks a restore.
    assert run(data, "restore", str(tmp_path / "b.db")) == 0


def test_letter_command_issues_registers_and_saves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")
    data = tmp_path / "data"
    assert run(data, "demo", "--records", "200", "--seed", "4") == 0
    con = dbkit.connect(data)
    outgoing = con.execute(
        "SELECT id, party_name FROM referrals WHERE direction='outgoing' ORDER BY id LIMIT 1"
    ).fetchone()
    incoming = con.execute(
        "SELECT id FROM referrals WHERE direction='incoming' ORDER BY id LIMIT 1"
    ).fetchone()
    con.close()
    out = tmp_path / "移送函.pdf"
    assert (
        run(
            data,
            "letter",
            "referral_letter",
            str(outgoing[0]),
            "-o",
            str(out),
            "--date",
            "2026-11-29",
        )
        == 0
    )
    assert "赵八镇执移〔2026〕1号" in capsys.readouterr().out
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace("\n", "")
    assert outgoing[1] in text.replace(" ", "")
    con = dbkit.connect(data)
    assert con.execute("SELECT number FROM documents").fetchall() == [("赵八镇执移〔2026〕1号",)]
    con.close()
    # Refusals: an existing file, an incoming referral, an unknown type, a bad date.
    assert run(data, "letter", "referral_letter", str(outgoing[0]), "-o", str(out)) == 1
    assert "已存在" in capsys.readouterr().err
    assert (
        run(data, "letter", "referral_letter", str(incoming[0]), "-o", str(tmp_path / "b.pdf")) == 1
    )
    assert "移送单位出具" in capsys.readouterr().err
    assert run(data, "letter", "no_such_type", "1", "-o", str(tmp_path / "c.pdf")) == 1
    assert "no_such_type" in capsys.readouterr().err
    assert (
        run(
            data,
            "letter",
            "referral_letter",
            "1",
            "-o",
            str(tmp_path / "d.pdf"),
            "--date",
            "2026-02-30",
        )
        == 2
    )
    assert "成文日期" in capsys.readouterr().err
    con = dbkit.connect(data)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    con.close()


def test_letter_showing_a_complainant_needs_an_operator_who_may_see(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")
    data = tmp_path / "data"
    assert run(data, "demo", "--records", "200", "--seed", "4") == 0
    con = dbkit.connect(data)
    cid, first = con.execute(
        "SELECT c.id, s.name FROM complaints c JOIN staff s ON s.id = c.first_contact_id "
        "JOIN complainants p ON p.complaint_id = c.id WHERE c.anonymous = FALSE "
        "AND s.sees_complainants = FALSE ORDER BY c.id LIMIT 1"
    ).fetchone()
    other = con.execute(
        "SELECT name FROM staff WHERE active = TRUE AND sees_complainants = FALSE AND name != ? "
        "AND name NOT IN (SELECT name FROM staff GROUP BY name HAVING count(*) > 1) LIMIT 1",
        (first,),
    ).fetchone()[0]
    con.close()
    out = tmp_path / "登记表.pdf"
    # no operator, or one who may not see the complainant: refused, nothing written
    for extra in ((), ("--operator", other)):
        assert run(data, "letter", "complaint_form", str(cid), "-o", str(out), *extra) == 1
        assert "举报人信息保密" in capsys.readouterr().err
    assert (
        run(data, "letter", "complaint_form", str(cid), "-o", str(out), "--operator", "无此人") == 1
    )
    assert "无此人" in capsys.readouterr().err
    assert not out.exists()
    # the first contact may
    assert run(data, "letter", "complaint_form", str(cid), "-o", str(out), "--operator", first) == 0
    assert out.exists()
    con = dbkit.connect(data)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    refused = con.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'view_personal' AND summary LIKE '%被拒绝%'"
    ).fetchone()
    con.close()
    assert refused == (2,)  # every refused attempt is on record
