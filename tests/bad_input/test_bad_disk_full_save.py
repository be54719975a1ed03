"""Bad conditions: the database file cannot grow (disk full) while a form is saved.

``PRAGMA max_page_count`` at the current size makes SQLite answer
"database or disk is full" exactly as a full disk does (reliability notes §1.8).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from desktop_app.services import context as context_module
from desktop_app.services import staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage.models import Staff

FULL_MESSAGE = "磁盘空间已满，未能保存。请清理磁盘后重试，填写的内容仍保留在窗口中。"


class FullDisk:
    """The database may not grow beyond its present size (on new connections)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        with ctx.db.engine.connect() as c:
            self.pages = int(c.exec_driver_sql("PRAGMA page_count").scalar() or 0)
        ctx.db.engine.dispose()
        event.listen(ctx.db.engine, "connect", self._cap)

    def _cap(self, dbapi: object, _record: object) -> None:
        dbapi.execute(f"PRAGMA max_page_count={self.pages}")  # type: ignore[attr-defined]

    def free(self) -> None:
        """Space freed: the database may grow again."""
        self.pages = 1_000_000
        self.ctx.db.engine.dispose()

    def close(self) -> None:
        event.remove(self.ctx.db.engine, "connect", self._cap)
        self.ctx.db.engine.dispose()


@pytest.fixture
def disk(ctx: ServiceContext) -> Iterator[FullDisk]:
    full = FullDisk(ctx)
    yield full
    full.close()


def person(i: int) -> staff.StaffInput:
    return staff.StaffInput(name=f"新同事{i}", note="值班记录" * 500)


def count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count(Staff.id))).scalar() or 0)


def test_the_message_for_a_full_disk_is_clear() -> None:
    import sqlite3

    err = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert context_module._operational_message(err) == FULL_MESSAGE


@pytest.mark.sqlite_only  # SQLite's max_page_count stands in for the full disk
def test_a_full_disk_saves_nothing_and_the_database_stays_sound(disk: FullDisk) -> None:
    full_disk = disk.ctx
    before, acknowledged = count(full_disk), 0
    with pytest.raises((ServiceError, OperationalError), match=r"full|磁盘空间已满"):
        for i in range(200):
            staff.save(full_disk, person(i))
            acknowledged += 1
    assert count(full_disk) == before + acknowledged  # the failed save left no row
    with full_disk.read() as s:
        assert s.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.mark.sqlite_only  # SQLite's max_page_count stands in for the full disk
def test_after_freeing_space_saving_works_again(disk: FullDisk) -> None:
    with pytest.raises((ServiceError, OperationalError)):
        for i in range(200):
            staff.save(disk.ctx, person(i))
    disk.free()
    assert staff.save(disk.ctx, person(999))


@pytest.mark.sqlite_only  # SQLite's max_page_count stands in for the full disk
def test_a_full_disk_during_a_save_gives_the_clear_message(disk: FullDisk) -> None:
    with pytest.raises(ServiceError) as caught:
        for i in range(200):
            staff.save(disk.ctx, person(i))
    assert str(caught.value) == FULL_MESSAGE  # no SQL, no parameters (personal data)
