"""管辖争议 in the GUI: opened on its own or from a returned transfer, negotiated,
settled by agreement, or put to the county government with its letter and decided."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import DisputeStatus
from desktop_app.services import disputes
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Dispute, Organisation
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.dispute_dialogs import DisputeDialog, DisputeWindow
from desktop_app.ui.pages.disputes_page import DisputesPage

NOW = datetime(2026, 11, 27, 10, 0)
WATER = "深泽县水利局"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()


def count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(Dispute)).scalar_one())


def opened(qtbot, ctx: ServiceContext, **over: Any) -> DisputeDialog:  # type: ignore[no-untyped-def]
    d = DisputeDialog(ctx)
    qtbot.addWidget(d)
    d.department.setCurrentIndex(d.department.findData(over.get("dept", org(ctx, WATER))))
    d.matter.setPlainText(over.get("matter", "滹沱河韩家庄段河道内采砂的查处"))
    d.opened_on.setDate(QDate(2026, 11, 25))
    d.save()
    return d


def test_bad_dispute_is_shown_and_nothing_saved(
    qtbot, ctx: ServiceContext, said: list[str]
) -> None:  # type: ignore[no-untyped-def]
    d = opened(qtbot, ctx, dept=None, matter="")
    assert d.dispute_id is None
    assert d.rows.error_text("department_id") and d.rows.error_text("matter")
    assert count(ctx) == 0


def negotiate(window: DisputeWindow, forms: list[dict[str, Any]]) -> None:
    forms.append(
        {
            "held_on": date(2026, 11, 26),
            "people": "赵八镇：张建国；县水利局：王某",
            "positions": "镇政府认为河道采砂属水利局管辖；水利局认为已划转乡镇。",
            "outcome": "未能达成一致。",
        }
    )
    window.act("round")


def test_dispute_negotiated_and_agreed(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], forms: list[dict[str, Any]]
) -> None:
    d = opened(qtbot, ctx)
    assert d.dispute_id is not None, d.rows.errors
    window = DisputeWindow(ctx, d.dispute_id)
    qtbot.addWidget(window)
    negotiate(window, forms)
    assert window.rounds.rowCount() == 1, said
    forms.append({"handler_id": org(ctx, WATER), "agreed_on": date(2026, 11, 27)})
    window.act("agree")
    dispute = disputes.get(ctx, d.dispute_id)
    assert dispute.status == DisputeStatus.AGREED and dispute.agreed_handler_id == org(ctx, WATER)
    assert not window.buttons["escalate"].isVisibleTo(window)


def test_dispute_escalated_with_its_letter_and_decided(  # type: ignore[no-untyped-def]
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],
) -> None:
    d = opened(qtbot, ctx)
    window = DisputeWindow(ctx, d.dispute_id)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    assert not window.buttons["escalate"].isVisibleTo(window)  # not before negotiating
    negotiate(window, forms)
    forms.append({"escalated_on": date(2026, 11, 27)})
    window.act("escalate")
    assert issue_letters == ["dispute_request"]
    assert disputes.get(ctx, d.dispute_id).status == DisputeStatus.ESCALATED  # type: ignore[arg-type]
    assert window.banner.text() == "等待县人民政府决定"  # no date, but the step is shown
    forms.append(
        {
            "decided_on": date(2026, 11, 27),
            "handler_id": org(ctx, WATER),
            "decision": "经研究，河道采砂由县水利局依法查处。",
        }
    )
    window.act("decide")
    dispute = disputes.get(ctx, d.dispute_id)  # type: ignore[arg-type]
    assert dispute.status == DisputeStatus.DECIDED and dispute.decided_handler_id == org(ctx, WATER)


def test_the_page_lists_and_opens_disputes(
    qtbot, ctx: ServiceContext, said: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opened(qtbot, ctx)
    page = DisputesPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.list.model.rowCount() == 1
    seen: list[int] = []
    monkeypatch.setattr(DisputeWindow, "exec", lambda self: seen.append(self.dispute_id) or 0)
    page.open_item(page.list.model.rows[0]["id"])
    assert len(seen) == 1
