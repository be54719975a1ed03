"""信息共享 in the GUI: quick entry (and the next one), the same-day rule and its
reason, an item formed but not yet shared, and the 当日共享情况 report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.services import info_shares
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import InfoShare, Organisation
from desktop_app.ui.dialogs.action_form import ActionForm
from desktop_app.ui.dialogs.info_share_dialog import InfoShareDialog
from desktop_app.ui.dialogs.info_share_view import InfoShareView
from desktop_app.ui.pages.info_shares_page import InfoSharesPage

NOW = datetime(2026, 11, 27, 10, 0)
WATER = "深泽县水利局"
ENV = "石家庄市生态环境局深泽县分局"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()


def count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(InfoShare)).scalar_one())


def entry(qtbot, ctx: ServiceContext, **over: Any) -> InfoShareDialog:  # type: ignore[no-untyped-def]
    d = InfoShareDialog(ctx)
    qtbot.addWidget(d)
    d.category.setCurrentIndex(d.category.findData(over.get("category", "penalty_decision")))
    d.title.setText(over.get("title", "赵八镇11月行政处罚决定及执行情况"))
    d.counterparts.set_ids(over.get("counterparts", [org(ctx, WATER)]))
    if "formed_on" in over:
        d.formed_on.setDate(over["formed_on"])
    return d


def test_quick_entry_shared_the_same_day(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    d = entry(qtbot, ctx, counterparts=[org(ctx, WATER), org(ctx, ENV)])
    assert not d.late_reason.isVisibleTo(d)  # same day: no reason asked
    d.save(again=False)
    assert d.saved and not said
    data, _v = info_shares.load_input(ctx, d.saved[0])
    assert data.shared_on == data.formed_on == date(2026, 11, 27)
    assert sorted(data.counterpart_ids) == sorted([org(ctx, WATER), org(ctx, ENV)])
    assert data.method is not None


def test_save_and_next_keeps_category_and_counterparts(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    d = entry(qtbot, ctx, category="dynamic", title="第47期执法工作简报")
    d.save(again=True)
    assert d.title.text() == "" and d.category.currentData() == "dynamic"
    assert d.counterparts.ids() == [org(ctx, WATER)]
    d.title.setText("第48期执法工作简报")
    d.save(again=True)
    assert len(d.saved) == 2 and "第 2 条" in d.status.text()
    assert count(ctx) == 2


@pytest.mark.parametrize(
    "over, key",
    [
        ({"counterparts": []}, "counterpart_ids"),
        ({"title": ""}, "title"),
        ({"title": "题" * 201}, "title"),
    ],
)
def test_bad_entry_is_shown_and_nothing_saved(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    over: dict[str, Any],
    key: str,  # type: ignore[no-untyped-def]
) -> None:
    d = entry(qtbot, ctx, **over)
    d.save(again=False)
    assert not d.saved and d.rows.error_text(key), d.rows.errors
    assert count(ctx) == 0


def test_a_late_share_needs_its_reason(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    d = entry(qtbot, ctx, formed_on=date(2026, 11, 24))
    assert d.late_reason.isVisibleTo(d)
    d.save(again=False)
    assert not d.saved and d.rows.error_text("late_reason")
    assert count(ctx) == 0
    d.late_reason.setText("需汇总各村上报的数据后整理")
    d.save(again=False)
    assert d.saved
    data, _v = info_shares.load_input(ctx, d.saved[0])
    assert data.late_reason == "需汇总各村上报的数据后整理"


def test_formed_but_not_yet_shared_then_shared(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    d = entry(qtbot, ctx, category="statistics", title="1—11月执法统计数据")
    d.is_shared.setChecked(False)
    d.save(again=False)
    sid = d.saved[0]
    view = InfoShareView(ctx, sid)
    qtbot.addWidget(view)
    assert view.banner.isVisibleTo(view) and "共享期限" in view.banner.text()
    assert view.buttons["share"].isVisibleTo(view)

    def run(form: ActionForm) -> int:
        form.set_value("shared_on", date(2026, 11, 30))
        form.set_value("method", form.widgets["method"].itemData(0))  # type: ignore[attr-defined]
        form.set_value("late_reason", "需核对各站所上报的数字")
        form.confirm()
        return int(form.result())

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 9, 0))
    monkeypatch.setattr(ActionForm, "exec", run)
    view.act("share")
    assert not view.banner.isVisibleTo(view)
    data, _v = info_shares.load_input(ctx, sid)
    assert data.shared_on == date(2026, 11, 30) and data.late_reason


def test_the_same_day_report(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    water = org(ctx, WATER)
    base = dict(direction="shared", summary=None, method="platform", note=None)
    for title, formed, shared, reason in (
        ("当日一", date(2026, 11, 20), date(2026, 11, 20), None),
        ("当日二", date(2026, 11, 23), date(2026, 11, 23), None),
        ("延期一", date(2026, 11, 23), date(2026, 11, 25), "需汇总整理"),
        ("未共享", date(2026, 11, 24), None, None),
    ):
        info_shares.create(
            ctx,
            info_shares.ShareInput(
                category="penalty_decision",
                title=title,
                counterpart_ids=[water],
                formed_on=formed,
                shared_on=shared,
                late_reason=reason,
                **base,  # type: ignore[arg-type]
            ),
        )
    page = InfoSharesPage(ctx)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(1)
    report = page.report
    assert "共 4 条" in report.summary.text() and "尚未共享 1 条" in report.summary.text()
    assert "50.0%" in report.summary.text()  # 2 of 4: the unshared one has missed its day
    departments = [
        report.by_department.item(r, 0).text() for r in range(report.by_department.rowCount())
    ]
    assert WATER in departments
    assert report.by_category.rowCount() == 8  # every category, zeros included
    assert report.late.rowCount() == 2
    assert report.late.item(0, 1).text() == "延期一" and report.late.item(0, 6).text() == "2 天"
    late_row = [report.late.item(1, c).text() for c in (1, 5, 6)]
    assert late_row == ["未共享", "尚未共享", "已超 3 天"]  # formed 11-24, today 11-27


def test_own_units_are_not_offered_and_an_edit_keeps_a_deactivated_department(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    d = entry(qtbot, ctx)
    offered = {d.counterparts.list.item(i).text() for i in range(d.counterparts.list.count())}
    assert WATER in offered and "赵八镇综合行政执法队" not in offered
    assert "深泽县赵八镇人民政府" not in offered
    d.save(again=False)
    sid = d.saved[0]
    with ctx.uow() as uow:
        water = uow.session.get(Organisation, org(ctx, WATER))
        assert water is not None
        water.active = False
    edit = InfoShareDialog(ctx, share_id=sid)
    qtbot.addWidget(edit)
    assert edit.counterparts.ids() == [org(ctx, WATER)]
    ticked = [
        edit.counterparts.list.item(i).text()
        for i in range(edit.counterparts.list.count())
        if edit.counterparts.list.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert ticked == [f"{WATER}（已停用）"]
    edit.title.setText("赵八镇11月行政处罚决定及执行情况（更正）")
    edit.save(again=False)
    assert not said
    assert info_shares.get(ctx, sid).title.endswith("（更正）")
    assert [o.name for o in info_shares.get(ctx, sid).counterparts] == [WATER]
