"""案件移送 in the GUI: the wizard from discovery to sending, then delivery, signature,
result; incoming transfers; bad input stops a page and saves nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from desktop_app.domain.terms import MaterialKind, ReferralStatus, Urgency
from desktop_app.services import referrals
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Document, Material, Organisation, Referral
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import to_qdatetime
from desktop_app.ui.dialogs.referral_dialog import ReferralDialog
from desktop_app.ui.pages.referrals_page import ReferralsPage
from desktop_app.ui.wizards.outgoing_referral import OutgoingReferralWizard

FOUND = datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    for name in ("info", "warn", "error"):
        monkeypatch.setattr(prompts, name, lambda _p, text, title="", m=messages: m.append(text))
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: False)
    return messages


def department(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()


def count(ctx: ServiceContext, model: type) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def fill_found_page(wizard: OutgoingReferralWizard, **over: Any) -> None:
    f = wizard.found
    values = {
        "matter": "露天焚烧秸秆",
        "facts": "执法人员巡查发现当事人在赵八村村东农田焚烧玉米秸秆约3亩，烟雾较大。",
        "name": "王𠀀国",
        "code": "110101198503071235",
        "place": "赵八村村东农田",
    } | over
    f.matter.setText(values["matter"])
    f.facts.setPlainText(values["facts"])
    f.party_kind.setCurrentIndex(f.party_kind.findData("person"))
    f.party_name.setText(values["name"])
    f.party_code.setText(values["code"])
    f.place.setText(values["place"])
    f.found_at.setDateTime(to_qdatetime(over.get("found_at", FOUND)))


def test_wizard_records_issues_and_sends_a_transfer(
    qtbot,
    ctx: ServiceContext,
    tmp_path: Path,
    said: list[str],  # type: ignore[no-untyped-def]
    forms: list[dict[str, Any]],
    issue_letters: None,
) -> None:
    wizard = OutgoingReferralWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_found_page(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.jurisdiction
    j = wizard.jurisdiction
    j.receiver.setCurrentIndex(j.receiver.findData(department(ctx, "石家庄市生态环境局深泽县分局")))
    wizard.next()
    assert wizard.currentPage() is wizard.urgency
    assert "2026年12月02日" in wizard.urgency.deadline.text()  # Fri 27th + 3 working days
    wizard.next()
    rid = wizard.referral_id
    assert rid is not None and wizard.currentPage() is wizard.materials

    # A material is required before going on.
    wizard.next()
    assert wizard.currentPage() is wizard.materials and said
    scan = tmp_path / "现场检查记录.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of the inspection record")
    forms.append({"title": "现场检查记录", "pages": 2, "file": scan})
    wizard.materials.add(MaterialKind.INSPECTION_RECORD, "现场检查记录")
    assert wizard.materials.table.rowCount() == 1
    wizard.next()
    assert wizard.currentPage() is wizard.letters

    wizard.letters.open("referral_letter")
    assert "赵八镇执移〔2026〕1号" in wizard.letters.list.text()
    wizard.next()
    assert wizard.currentPage() is wizard.send
    wizard.send.now_sent.setChecked(True)
    wizard.send.sent_at.setDateTime(to_qdatetime(datetime(2026, 11, 27, 16, 30)))
    assert wizard.validateCurrentPage()
    wizard.accept()

    with ctx.read() as s:
        r = s.get(Referral, rid)
        assert r is not None
        assert r.status == ReferralStatus.SENT and r.sent_at == datetime(2026, 11, 27, 16, 30)
        assert r.party_name == "王𠀀国" and r.deadline_at is None
        doc = s.execute(select(Document).where(Document.record_id == rid)).scalar_one()
        assert doc.number == "赵八镇执移〔2026〕1号"
        material = s.execute(select(Material).where(Material.record_id == rid)).scalar_one()
        assert material.attachment_id is not None

    # Then the detail view carries it to the end: signed for, result fed back.
    dialog = ReferralDialog(ctx, rid)
    qtbot.addWidget(dialog)
    assert dialog.buttons["sign"].isVisibleTo(dialog)
    assert not dialog.buttons["send"].isVisibleTo(dialog)
    forms.append({"signed_at": datetime(2026, 11, 28, 9, 0), "signed_by": "秦海燕"})
    dialog.act("sign")
    forms.append({"result_at": datetime(2026, 11, 29, 8, 0), "summary": "已立案查处，罚款500元。"})
    dialog.act("result")
    assert referrals.get(ctx, rid).status == ReferralStatus.RESULT
    assert dialog.history.rowCount() >= 5
    assert dialog.materials.rowCount() == 1
    assert "已反馈结果" in dialog.windowTitle()


def test_bad_input_stops_the_page_and_saves_nothing(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    wizard = OutgoingReferralWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"matter": ""}, "matter"),
        ({"code": "110101198503071230"}, "party.code"),  # wrong check digit
        ({"found_at": datetime(2030, 1, 1, 8, 0)}, "found_at"),
        ({"place": "地" * 201}, "place"),
    ]
    for override, key in cases:
        said.clear()
        fill_found_page(wizard, **override)
        wizard.next()
        assert wizard.currentPage() is wizard.found, override
        assert wizard.found.rows.error_text(key), (override, key)
        assert said
    assert count(ctx, Referral) == 0


def test_ongoing_violation_needs_dissuasion_and_notice_times(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    wizard = OutgoingReferralWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_found_page(wizard)
    wizard.next()
    j = wizard.jurisdiction
    j.receiver.setCurrentIndex(j.receiver.findData(department(ctx, "深泽县水利局")))
    wizard.next()
    u = wizard.urgency
    u.radios[Urgency.ONGOING.value].setChecked(True)
    assert u.ongoing_box.isVisibleTo(u)
    u.dissuaded_at.setDateTime(to_qdatetime(datetime(2026, 11, 27, 9, 0)))  # before discovery
    wizard.next()
    assert wizard.currentPage() is u and u.ongoing_rows.error_text("dissuaded_at")
    assert count(ctx, Referral) == 0
    u.dissuaded_at.setDateTime(to_qdatetime(datetime(2026, 11, 27, 10, 5)))
    u.notified_at.setDateTime(to_qdatetime(datetime(2026, 11, 27, 10, 20)))
    wizard.next()
    assert wizard.currentPage() is wizard.materials
    r = referrals.get(ctx, wizard.referral_id)  # type: ignore[arg-type]
    assert r.dissuaded_at == datetime(2026, 11, 27, 10, 5) and r.notice_method == "电话"


def test_an_internal_unit_cannot_receive_a_transfer(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    wizard = OutgoingReferralWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_found_page(wizard)
    wizard.next()
    j = wizard.jurisdiction
    j.receiver.setCurrentIndex(
        j.receiver.findData(department(ctx, "深泽县市场监督管理局赵八市场监督管理所"))
    )
    wizard.next()
    assert wizard.currentPage() is j
    assert any("内设机构" in m for m in said) or j.rows.error_text("receiver_id")
    assert count(ctx, Referral) == 0


def test_incoming_transfer_is_registered_and_a_case_filed(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
    forms: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[int] = []
    monkeypatch.setattr(ReferralsPage, "open_item", lambda self, rid: opened.append(rid))
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    forms.append(
        {
            "sender_id": department(ctx, "深泽县城市管理综合行政执法局"),
            "received_at": datetime(2026, 11, 26, 15, 0),
            "matter": "占道经营",
            "party_kind": "person",
            "party_name": "李明",
            "place": "赵八大街",
            "found_at": datetime(2026, 11, 25, 9, 0),
        }
    )
    page.new_incoming()
    assert len(opened) == 1
    rid = opened[0]
    r = referrals.get(ctx, rid)
    assert str(r.direction) == "incoming" and r.status == ReferralStatus.SIGNED
    dialog = ReferralDialog(ctx, rid)
    qtbot.addWidget(dialog)
    assert dialog.buttons["file_case"].isVisibleTo(dialog)
    forms.append({"case_number": "赵八综执立字〔2026〕第031号"})
    dialog.act("file_case")
    assert referrals.get(ctx, rid).case_id is not None


def test_dashboard_double_click_opens_the_transfer(
    qtbot,
    ctx: ServiceContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtCore import QSettings

    from desktop_app.ui.main_window import MainWindow

    rid = referrals.create_outgoing(
        ctx,
        referrals.OutgoingInput(
            matter="擅自采砂",
            party=referrals.PartyInput(kind="person", name="赵磊"),
            place="滹沱河",
            found_at=datetime(2026, 11, 20, 9),
            found_how="inspection",
            receiver_id=department(ctx, "深泽县水利局"),
            urgency="normal",
        ),
    )
    opened: list[int] = []
    monkeypatch.setattr(
        ReferralDialog,
        "exec",
        lambda self: opened.append(self.referral_id) or QDialog.DialogCode.Accepted,
    )
    win = MainWindow(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    dash = win.show_page("dashboard")
    rows = [dash.model.text(r, 3) for r in range(dash.model.rowCount())]  # type: ignore[attr-defined]
    assert referrals.get(ctx, rid).serial in rows
    dash._open(rows.index(referrals.get(ctx, rid).serial))  # type: ignore[attr-defined]
    assert opened == [rid]
