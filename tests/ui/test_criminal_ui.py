"""行刑衔接 in the GUI: a case marked 涉嫌犯罪, the team, the report, the head's
decision, the materials, the 移送书 and the transfer, the police decision; the
以罚代刑 check with its recorded exception; bad input refused with nothing saved."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import CaseStatus, CriminalTransferStatus, OrgKind
from desktop_app.services import criminal, staff
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import AuditEntry, CriminalTransfer, EnforcementCase, Organisation
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.criminal_dialogs import CriminalWindow, FlagDialog, TeamDialog
from desktop_app.ui.pages.criminal_page import CriminalPage

NOW = datetime(2026, 11, 23, 9, 0)  # a Monday
REASON = "王某在赵八村河道非法采砂约3000立方米，涉嫌非法采矿罪。"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)


@pytest.fixture
def people(ctx: ServiceContext) -> dict[str, int]:
    def add(name: str, **kw: Any) -> int:
        return staff.save(ctx, staff.StaffInput(name=name, **kw))

    return {
        "a": add("李执法", role="officer", certificate_number="13010011"),
        "b": add("周执法", role="officer", certificate_number="13010012"),
        "head": add("王镇长", role="leader"),
    }


def org_of(ctx: ServiceContext, kind: OrgKind) -> int:
    with ctx.read() as s:
        return int(
            s.execute(select(Organisation.id).where(Organisation.kind == kind)).scalars().first()
        )


def new_case(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        case = EnforcementCase(
            serial="案2026-0009",
            case_number="赵八综执立〔2026〕第009号",
            title="王某非法采砂案",
            filed_on=date(2026, 11, 2),
            status=CaseStatus.OPEN,
            party_name="王某",
        )
        uow.session.add(case)
        uow.flush()
        return case.id


def flagged(qtbot, ctx: ServiceContext, case_id: int | None, reason: str = REASON) -> FlagDialog:  # type: ignore[no-untyped-def]
    d = FlagDialog(ctx)
    qtbot.addWidget(d)
    if case_id is not None:
        d.source.set_link("case", case_id)
    d.title.setText("王某涉嫌非法采矿罪案")
    d.reason.setPlainText(reason)
    d.save()
    return d


def test_bad_flag_is_shown_and_nothing_saved(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    d = flagged(qtbot, ctx, None, reason="")
    assert d.transfer_id is None and said
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(CriminalTransfer)).scalar_one() == 0


def test_one_officer_is_not_a_team(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], people: dict[str, int]
) -> None:
    d = flagged(qtbot, ctx, new_case(ctx))
    team = TeamDialog(ctx, d.transfer_id)  # type: ignore[arg-type]
    qtbot.addWidget(team)
    team.members.set_ids([people["a"]])
    team.save()
    assert team.rows.error_text("staff_ids") or said
    assert criminal.get(ctx, d.transfer_id).officers == []  # type: ignore[arg-type]


def test_flag_to_transfer_and_police_decision(  # type: ignore[no-untyped-def]
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],
    people: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = flagged(qtbot, ctx, new_case(ctx))
    assert d.transfer_id is not None, d.rows.errors
    tid = d.transfer_id
    window = CriminalWindow(ctx, tid)
    qtbot.addWidget(window)
    assert window.buttons["team"].isVisibleTo(window)

    def choose(self: TeamDialog) -> int:
        self.members.set_ids([people["a"], people["b"]])
        self.save()
        return int(self.result())

    monkeypatch.setattr(TeamDialog, "exec", choose)
    window.act("team")
    assert {p.id for p in criminal.get(ctx, tid).officers} == {people["a"], people["b"]}

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 18, 0))
    forms.append({"report_at": datetime(2026, 11, 23, 10, 0)})
    window.act("report")
    assert "负责人决定期限" in window.banner.text(), said
    forms.append(
        {
            "decision_at": datetime(2026, 11, 23, 11, 0),
            "approver_id": people["head"],
            "approved": True,
        }
    )
    window.act("decide")
    assert criminal.get(ctx, tid).status == CriminalTransferStatus.APPROVED
    assert "移送公安期限" in window.banner.text()

    for kind, title in (
        ("criminal_transfer_letter", "涉嫌犯罪案件移送书"),
        ("investigation_report", "涉嫌犯罪案件情况的调查报告"),
    ):
        forms.append({"kind": kind, "title": title, "copies": 1})
        window.add_material()
    assert window.materials.rowCount() == 2

    forms.append(
        {
            "transferred_at": datetime(2026, 11, 23, 12, 0),
            "police_org_id": org_of(ctx, OrgKind.PUBLIC_SECURITY),
            "procuratorate_org_id": org_of(ctx, OrgKind.PROCURATORATE),
        }
    )
    window.act("transfer")  # offers the 移送书 first
    assert issue_letters == ["criminal_transfer"]
    t = criminal.get(ctx, tid)
    assert t.status == CriminalTransferStatus.TRANSFERRED, said
    assert t.procuratorate_informed_at == datetime(2026, 11, 23, 12, 0)

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 0))
    forms.append({"decided_at": datetime(2026, 11, 24, 16, 0), "decision": "filed"})
    window.act("police_decision")
    assert criminal.get(ctx, tid).status == CriminalTransferStatus.FILED


def test_the_penalty_check_and_its_exception(  # type: ignore[no-untyped-def]
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    people: dict[str, int],
) -> None:
    case_id = new_case(ctx)
    flagged(qtbot, ctx, case_id)
    page = CriminalPage(ctx)
    qtbot.addWidget(page)
    page.tabs.setCurrentWidget(page.flagged)
    assert page.flagged.table.rowCount() == 1
    assert page.flagged.table.item(0, 5).text() == "不可以"
    page.flagged.table.selectRow(0)
    forms.append(
        {"reason": "经集体讨论，情节显著轻微，不构成犯罪。", "second_officer_id": people["b"]}
    )
    page.flagged.override_selected()
    assert page.flagged.table.item(0, 5).text() == "可以"
    with ctx.read() as s:
        summaries = s.execute(select(AuditEntry.summary)).scalars().all()
    assert any("以罚代刑" in (x or "") or "例外" in (x or "") for x in summaries), summaries


def test_the_detail_names_the_team(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], people: dict[str, int]
) -> None:
    from desktop_app.services import records

    d = flagged(qtbot, ctx, new_case(ctx))
    criminal.set_team(ctx, d.transfer_id, [people["a"], people["b"]])  # type: ignore[arg-type]
    rows = dict(records.detail(ctx, "criminal_transfers", d.transfer_id))  # type: ignore[arg-type]
    assert rows["专案组成员"] in ("李执法、周执法", "周执法、李执法")
