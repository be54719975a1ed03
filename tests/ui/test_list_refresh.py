"""A shown list reloads itself when someone else changes its ledger (another user on a
shared database, another program on the same file), keeping the clerk's place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from desktop_app.services import referrals
from desktop_app.services.context import ServiceContext
from desktop_app.storage.db import Database
from desktop_app.storage.models import Organisation
from desktop_app.ui.pages import ledger_page
from desktop_app.ui.pages.ledger_page import LedgerList


@pytest.fixture
def other(ctx: ServiceContext) -> Iterator[ServiceContext]:
    """Another user: their own connection to the same database."""
    db = Database(ctx.db.url)
    yield ServiceContext(db, ctx.paths, None, "另一位执法人员")
    db.close()


def transfer(ctx: ServiceContext, matter: str) -> referrals.OutgoingInput:
    with ctx.read() as s:
        water = s.execute(
            select(Organisation.id).where(Organisation.name == "深泽县水利局")
        ).scalar_one()
    return referrals.OutgoingInput(
        matter=matter,
        party=referrals.PartyInput(kind="person", name="赵磊"),
        place="滹沱河",
        found_at=datetime(2026, 11, 20, 9),
        found_how="inspection",
        receiver_id=water,
        urgency="normal",
    )


def send(ctx: ServiceContext, matter: str) -> int:
    return referrals.create_outgoing(ctx, transfer(ctx, matter))


def shown_list(qtbot, ctx: ServiceContext) -> LedgerList:  # type: ignore[no-untyped-def]
    lst = LedgerList(ctx, "referrals")
    qtbot.addWidget(lst)
    lst.show()
    qtbot.waitExposed(lst)
    lst.refresh()
    return lst


def serials(lst: LedgerList) -> list[str]:
    return [str(r["serial"]) for r in lst.model.rows]


def test_a_record_added_by_another_user_appears_and_the_selection_stays(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    other: ServiceContext,
) -> None:
    first = send(ctx, "擅自采砂")
    lst = shown_list(qtbot, ctx)
    lst.table.selectRow(lst.model.row_of(first))
    assert not lst.check_for_changes()  # nothing changed: no reload
    second = send(other, "非法取土")
    assert lst.check_for_changes()
    assert referrals.get(ctx, second).serial in serials(lst)
    assert lst.count.text() == "共 2 条"
    assert lst.model.record_id(lst.table.currentIndex().row()) == first
    assert not lst.check_for_changes()


def test_an_edit_by_another_user_is_shown(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    other: ServiceContext,
) -> None:
    rid = send(ctx, "擅自采砂")
    lst = shown_list(qtbot, ctx)
    referrals.update_outgoing(other, rid, transfer(other, "河道内擅自采砂"))
    assert lst.check_for_changes()
    assert [r["matter"] for r in lst.model.rows] == ["河道内擅自采砂"]


def test_the_list_looks_for_changes_only_while_shown(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ledger_page, "WATCH_MS", 50)
    lst = LedgerList(ctx, "referrals")
    qtbot.addWidget(lst)
    assert not lst._watch.isActive()
    lst.show()
    qtbot.waitExposed(lst)
    assert lst._watch.isActive()
    lst.hide()
    assert not lst._watch.isActive()


def test_a_change_is_picked_up_by_the_timer(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    other: ServiceContext,
) -> None:
    lst = shown_list(qtbot, ctx)
    lst._watch.setInterval(50)
    rid = send(other, "非法取土")
    serial = referrals.get(ctx, rid).serial
    qtbot.waitUntil(lambda: serial in serials(lst), timeout=3000)
