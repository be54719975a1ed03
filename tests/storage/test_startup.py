"""Opening the database: created only when absent, never over a bad file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.storage import migrate, sqlite
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseTooNew, NotADatabase
from desktop_app.storage.startup import check_database, open_database


def url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.mark.sqlite_only
def test_new_database_is_created_at_head_with_durable_settings(tmp_path: Path) -> None:
    db_file = tmp_path / "sub" / "a.db"
    result = open_database(url(db_file))
    assert result.created and result.migrated_from is None
    with result.db.engine.connect() as conn:
        assert sqlite.read_pragma(conn, "journal_mode") == "wal"
        assert sqlite.read_pragma(conn, "synchronous") == 2  # FULL
        assert sqlite.read_pragma(conn, "foreign_keys") == 1
        assert sqlite.read_pragma(conn, "busy_timeout") == 5000
        assert migrate.current_revision(conn) == migrate.head_revision()
    result.db.close()
    assert (
        not Path(str(db_file) + "-wal").exists() or Path(str(db_file) + "-wal").stat().st_size == 0
    )


@pytest.mark.sqlite_only
def test_reopening_does_not_recreate_or_back_up(tmp_path: Path) -> None:
    db_file = tmp_path / "a.db"
    open_database(url(db_file)).db.close()
    again = open_database(url(db_file), backup_dir=tmp_path / "backups")
    assert not again.created and again.pre_migration_backup is None
    again.db.close()
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize(
    "content, error",
    [
        (b"", NotADatabase),
        (b"PK\x03\x04 this is a zip or a docx renamed" * 50, NotADatabase),
    ],
)
@pytest.mark.sqlite_only
def test_empty_or_foreign_file_is_refused_and_left_untouched(
    tmp_path: Path, content: bytes, error: type[Exception]
) -> None:
    db_file = tmp_path / "a.db"
    db_file.write_bytes(content)
    with pytest.raises(error) as info:
        open_database(url(db_file))
    assert "不会覆盖" in str(info.value) or "不会修改" in str(info.value)
    assert db_file.read_bytes() == content


@pytest.mark.sqlite_only
def test_truncated_database_is_refused(tmp_path: Path) -> None:
    db_file = tmp_path / "a.db"
    open_database(url(db_file)).db.close()
    data = db_file.read_bytes()
    db_file.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseCorrupt):
        open_database(url(db_file))
    assert db_file.stat().st_size == len(data) // 2


@pytest.mark.sqlite_only
def test_someone_elses_sqlite_database_is_not_adopted(tmp_path: Path) -> None:
    db_file = tmp_path / "other.db"
    con = sqlite3.connect(db_file)
    con.execute("CREATE TABLE wechat_messages (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO wechat_messages (body) VALUES ('你好')")
    con.commit()
    con.close()
    with pytest.raises(NotADatabase):
        open_database(url(db_file))
    con = sqlite3.connect(db_file)
    assert con.execute("SELECT body FROM wechat_messages").fetchall() == [("你好",)]
    con.close()


@pytest.mark.sqlite_only
def test_database_from_a_newer_program_is_refused_untouched(tmp_path: Path) -> None:
    db_file = tmp_path / "a.db"
    open_database(url(db_file)).db.close()
    con = sqlite3.connect(db_file)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = db_file.read_bytes()
    with pytest.raises(DatabaseTooNew) as info:
        open_database(url(db_file))
    assert "更新版本" in str(info.value)
    assert db_file.read_bytes() == before
    assert any("比本程序新" in p for p in check_database(url(db_file)))


@pytest.mark.sqlite_only
def test_pending_migration_takes_a_verified_backup_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the program carries a newer revision, the data is copied aside first."""
    db_file = tmp_path / "a.db"
    result = open_database(url(db_file))
    with result.db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO settings (key, value, updated_at) "
                "VALUES ('county_name', '\"深泽县𠀀\"', '2026-01-01 00:00:00')"
            )
        )
    result.db.close()
    current = migrate.head_revision()
    upgraded: list[str] = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(migrate, "known_revisions", lambda: {current, "0002_next"})
    monkeypatch.setattr(migrate, "upgrade", lambda engine, target="head": upgraded.append(target))

    reopened = open_database(url(db_file), backup_dir=tmp_path / "backups")
    reopened.db.close()
    assert upgraded == ["head"]
    assert reopened.migrated_from == current
    backup = reopened.pre_migration_backup
    assert backup is not None and backup.parent == tmp_path / "backups"
    assert current in backup.name
    assert sqlite.quick_check(backup) == []
    con = sqlite3.connect(backup)
    assert con.execute("SELECT value FROM settings").fetchone() == ('"深泽县𠀀"',)
    con.close()


@pytest.mark.sqlite_only
def test_leftover_batch_table_from_a_crash_is_dropped(tmp_path: Path) -> None:
    db_file = tmp_path / "a.db"
    result = open_database(url(db_file))
    with result.db.engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE _alembic_tmp_referrals (id INTEGER)")
        dropped = sqlite.drop_orphan_batch_tables(conn)
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")]
    result.db.close()
    assert dropped == ["_alembic_tmp_referrals"]
    assert "_alembic_tmp_referrals" not in names


def test_audit_log_rejects_update_and_delete(database_url: str) -> None:
    """Append-only on SQLite and on PostgreSQL (triggers of each dialect)."""
    result = open_database(database_url)
    with result.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO audit_log (at, action, hash) VALUES ('2026-11-29 10:00:00', 'login', 'x')"
        )
    statements = ["UPDATE audit_log SET summary = 'forged'", "DELETE FROM audit_log"]
    if result.db.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_log")
    for sql in statements:
        with (
            pytest.raises(Exception, match="操作留痕不可修改或删除"),
            result.db.engine.begin() as conn,
        ):
            conn.exec_driver_sql(sql)
    result.db.close()


@pytest.mark.sqlite_only
def test_check_reports_a_healthy_database(tmp_path: Path) -> None:
    db_file = tmp_path / "a.db"
    open_database(url(db_file)).db.close()
    assert check_database(url(db_file)) == []
    assert check_database(url(tmp_path / "missing.db")) == [
        f"数据库文件不存在：{tmp_path / 'missing.db'}"
    ]


def test_check_reports_a_healthy_server_database(database_url: str) -> None:
    """``check`` on a server database: its version is what can be wrong."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only (TOWNSHIP_TEST_DATABASE_URL)")
    assert check_database(database_url) == [
        "数据库没有版本标记，不是本程序创建的数据库（或还没有初始化）。"
    ]
    open_database(database_url).db.close()
    assert check_database(database_url) == []
