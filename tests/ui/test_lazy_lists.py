"""A page's lists read nothing until shown: no query for the hidden tabs, one for
the list on screen (the view's initial sort only sets the order)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desktop_app.services import ledgers
from desktop_app.services.context import ServiceContext
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.pages.ledger_page import LedgerList


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ledgers a page was read from, one entry per page of rows."""
    read: list[str] = []
    real = ledgers.page

    def page(ctx: ServiceContext, key: str, *args: Any, **kwargs: Any) -> Any:
        read.append(key)
        return real(ctx, key, *args, **kwargs)

    monkeypatch.setattr(ledgers, "page", page)
    return read


def test_a_list_is_read_once_when_shown_and_not_before(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    queries: list[str],
) -> None:
    lst = LedgerList(ctx, "referrals")
    qtbot.addWidget(lst)
    assert queries == [] and not lst.model.loaded
    lst.refresh()
    assert queries == ["referrals"] and lst.model.loaded
    lst.table.sortByColumn(0, lst.table.horizontalHeader().sortIndicatorOrder())
    assert queries[1:] and set(queries) == {"referrals"}  # a click on a header reads again


def test_the_hidden_tabs_are_read_when_their_tab_is_chosen(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    tmp_path,  # type: ignore[no-untyped-def]
    queries: list[str],
) -> None:
    ui = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ctx.as_operator(1, "管理员"), ui)
    qtbot.addWidget(win)
    queries.clear()
    page = win.show_page("consultation")
    assert queries == ["meetings"]  # the tab on screen only
    notices = page.list_for("urgent_notices")
    assert notices is not None and notices.model.loaded
    assert queries == ["meetings", "urgent_notices"]
