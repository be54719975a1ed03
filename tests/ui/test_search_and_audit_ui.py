"""The search box across all ledgers (results grouped, a double-click opens the
record in its page) and the read-only audit viewer with its filters."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QSettings

from desktop_app.domain import clock
from desktop_app.services import info_shares
from desktop_app.services.context import ServiceContext
from desktop_app.services.info_shares import ShareInput
from desktop_app.ui.dialogs.info_share_view import InfoShareView
from desktop_app.ui.dialogs.search_dialog import SearchDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.pages.audit_page import AuditPage

NOW = datetime(2026, 11, 27, 10, 0)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def share(ctx: ServiceContext, title: str) -> int:
    water = next(o.id for o in info_shares.counterpart_choices(ctx) if o.name == "深泽县水利局")
    return info_shares.create(
        ctx,
        ShareInput(
            direction="shared",
            category="statistics",
            title=title,
            summary=None,
            counterpart_ids=[water],
            formed_on=NOW.date(),
            shared_on=NOW.date(),
            method="platform",
            late_reason=None,
        ),
    )


def test_search_box_finds_groups_and_opens_the_record(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = share(ctx, "滹沱河𠀀段采砂统计数据")
    share(ctx, "秸秆禁烧巡查情况")
    window = MainWindow(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    opened: list[int] = []
    monkeypatch.setattr(InfoShareView, "exec", lambda self: opened.append(self.share_id) or 0)
    found: list[SearchDialog] = []

    def run(self: SearchDialog) -> int:
        found.append(self)
        group = self.tree.topLevelItem(0)
        assert group is not None and group.text(0).startswith("信息共享　1 条")
        self.activate(group.child(0))
        return 0

    monkeypatch.setattr(SearchDialog, "exec", run)
    window.search_box.setText("采砂 𠀀")
    window.search_all()
    assert found and found[0].tree.topLevelItemCount() == 1
    assert opened == [sid]  # the record opened in its own page
    assert window.stack.currentWidget() is window.pages["info_shares"]


def test_search_with_nothing_found_says_so(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    d = SearchDialog(ctx, "不存在的词语", lambda *_a: None)
    qtbot.addWidget(d)
    assert d.tree.topLevelItemCount() == 0 and "没有找到" in d.status.text()
    d.box.setText("字" * 101)
    d.run()
    assert said and "100" in said[-1]


def test_audit_viewer_filters_and_pages(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        share(ctx, f"第{n}期执法工作简报")
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.table.rowCount() == page.total >= 3
    page.text.setText("第1期")
    page.refresh()
    assert page.total == 1 and "第1期" in page.table.item(0, 5).text()
    page.date_from.setDate(page.date_from.date().addYears(30))  # after today: nothing
    page.refresh()
    assert page.total == 0
