"""Revision 0006: the procuratorate's supervision and the 以罚代刑 override on
criminal_transfers; rows kept both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from test_meeting_status import columns, execute

from desktop_app.storage import migrate

pytestmark = pytest.mark.sqlite_only

NEW = {"supervision_at", "supervision_note", "override_reason", "override_by_id", "override_at"}


def test_columns_added_and_rows_survive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, "0005")
    execute(
        url,
        "insert into criminal_transfers(serial, title, reason, status, flagged_at, created_at,"
        " updated_at, version) values ('刑2026-0001', '王某涉嫌非法采矿罪😀𠀀', '采砂数量巨大',"
        " 'reported', '2026-11-20 09:00:00', '2026-11-20 09:00:00', '2026-11-20 09:00:00', 1)",
    )
    command.upgrade(cfg, "0006")
    assert columns(url, "criminal_transfers") >= NEW
    assert execute(
        url, "select serial, title, status, override_reason from criminal_transfers"
    ) == [("刑2026-0001", "王某涉嫌非法采矿罪😀𠀀", "reported", None)]
    command.downgrade(cfg, "0005")
    assert not columns(url, "criminal_transfers") & NEW
    assert execute(url, "select serial, title from criminal_transfers") == [
        ("刑2026-0001", "王某涉嫌非法采矿罪😀𠀀")
    ]
