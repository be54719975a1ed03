"""reset-admin (忘记管理员密码, with the printed recovery key) and the log-in that
export-month --include-personal needs once the identities are encrypted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import dbkit
import pytest
from openpyxl import load_workbook

from desktop_app import cli
from desktop_app.__main__ import main
from desktop_app.paths import DataPaths
from desktop_app.services import accounts, staff

ROOT = Path(__file__).resolve().parents[2]
PW = "zhao2026ba"
LEADER_PW = "leader2026a"


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert run(folder, "demo", "--records", "300", "--seed", "5") == 0
    return folder


def set_up(data: Path) -> str:
    """The first administrator (which encrypts the demo's complainants) and a
    leader allowed to see complainants; returns the recovery key."""
    ctx = cli._open(DataPaths(data))
    try:
        boss = accounts.set_up_first_admin(ctx, "王管理", "wang", PW, PW)
        leader = staff.save(ctx, staff.StaffInput("冯主任", "leader", sees_complainants=True))
        accounts.create_account(boss.context(ctx), leader, "feng", "officer", LEADER_PW, LEADER_PW)
    finally:
        ctx.db.close()
    assert boss.recovery_key is not None
    return boss.recovery_key


def log_in(data: Path, name: str, password: str) -> accounts.LoggedIn:
    ctx = cli._open(DataPaths(data))
    try:
        return accounts.log_in(ctx, name, password)
    finally:
        ctx.db.close()


def test_reset_admin_with_the_recovery_key(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = set_up(data)
    assert run(data, "reset-admin", "--recovery-key", "A" * 40) == 1
    err = capsys.readouterr().err
    assert "恢复密钥不正确" in err and "Traceback" not in err
    assert log_in(data, "wang", PW).data_key is not None  # nothing changed
    assert run(data, "reset-admin", "--login", "wang", "--recovery-key", key.lower()) == 0
    out = capsys.readouterr().out
    found = re.search(r"临时密码：(\S+)", out)
    assert found is not None
    who = log_in(data, "wang", found.group(1))
    assert who.must_change_password and who.data_key is not None
    with pytest.raises(accounts.LoginFailed):
        log_in(data, "wang", PW)


def test_reset_admin_prompts_for_the_key(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = set_up(data)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": key)
    assert run(data, "reset-admin") == 0
    assert "临时密码" in capsys.readouterr().out


def test_reset_admin_refused_while_the_program_holds_the_folder(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = set_up(data)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
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
        assert run(data, "reset-admin", "--recovery-key", key) == cli.EXIT_LOCKED
        assert "请先关闭程序" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert log_in(data, "wang", PW).data_key is not None  # untouched


def test_personal_export_needs_a_log_in_once_encrypted(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_up(data)
    out = tmp_path / "p.xlsx"
    argv = ("export-month", "2026-10", "-o", str(out), "--include-personal")
    assert run(data, *argv, "--operator", "冯主任") == cli.EXIT_USAGE
    assert "--login" in capsys.readouterr().err
    assert not out.exists()
    monkeypatch.setenv(cli.PASSWORD_ENV, "wrong2026a")
    assert run(data, *argv, "--login", "feng") == 1
    assert "登录名或密码不正确" in capsys.readouterr().err
    assert not out.exists()
    monkeypatch.delenv(cli.PASSWORD_ENV)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": LEADER_PW)
    assert run(data, *argv, "--login", "feng") == 0
    ws = load_workbook(out)["投诉举报"]
    header = [c.value for c in ws[2]]
    assert header[-4:] == ["投诉举报人", "联系电话", "身份证号码", "住址"]
    values = [str(c.value) for row in ws.iter_rows(min_row=3) for c in row[-4:] if c.value]
    assert values and not [v for v in values if v.startswith("enc1:")]
    assert any(re.fullmatch(r"1\d{10}", v) for v in values)  # phone numbers in clear
    # the default export needs no log-in and names nobody
    plain = tmp_path / "plain.xlsx"
    assert run(data, "export-month", "2026-10", "-o", str(plain)) == 0
    assert "投诉举报人" not in [c.value for c in load_workbook(plain)["投诉举报"][2]]


def test_a_letter_showing_the_complainant_needs_a_log_in_once_encrypted(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """投诉举报登记表 shows the complainant: on an encrypted database only a log-in
    unlocks it; --operator alone is refused with what to do."""
    set_up(data)
    con = dbkit.connect(data)
    complaint_id = con.execute(
        "SELECT c.id FROM complaints c JOIN complainants p ON p.complaint_id = c.id "
        "WHERE c.anonymous = FALSE ORDER BY c.id LIMIT 1"
    ).fetchone()[0]
    con.close()
    out = tmp_path / "登记表.pdf"
    argv = ("letter", "complaint_form", str(complaint_id), "-o", str(out))
    assert run(data, *argv, "--operator", "冯主任") != 0
    assert "登录" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv(cli.PASSWORD_ENV, LEADER_PW)
    assert run(data, *argv, "--login", "feng") == 0
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "enc1:" not in text and "已加密" not in text
