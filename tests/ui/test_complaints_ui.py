"""投诉举报 in the GUI: quick intake, each of the three outcomes to the end, a
department-informed complaint with feedback, anonymity, and who may see the
complainant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from desktop_app.domain.terms import AuditAction, ComplaintStatus
from desktop_app.services import complaints, staff
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import AuditEntry, Complaint, Organisation, Referral
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import to_qdatetime
from desktop_app.ui.dialogs.complaint_dialog import ComplaintDialog
from desktop_app.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from desktop_app.ui.wizards.outgoing_referral import OutgoingReferralWizard

RECEIVED = datetime(2026, 11, 27, 9, 30)


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    for name in ("info", "warn", "error"):
        monkeypatch.setattr(prompts, name, lambda _p, text, title="", m=messages: m.append(text))
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: False)
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "电话回访")
    return messages


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()


def count(ctx: ServiceContext, model: type) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def intake(qtbot, ctx: ServiceContext, **over: Any) -> ComplaintIntakeDialog:  # type: ignore[no-untyped-def]
    d = ComplaintIntakeDialog(ctx)
    qtbot.addWidget(d)
    d.received_at.setDateTime(to_qdatetime(over.get("received_at", RECEIVED)))
    d.content.setPlainText(
        over.get("content", "群众来电反映赵八村村东有人夜间焚烧垃圾，烟雾很大。")
    )
    d.place.setText(over.get("place", "赵八村村东"))
    if over.get("anonymous"):
        d.anonymous.setChecked(True)
    else:
        d.name.setText(over.get("name", "李𠀀华"))
        d.phone.setText(over.get("phone", "138 3111 2222"))
        d.id_number.setText(over.get("id_number", "110101198503071235"))
        d.address.setText("赵八村12号")
    d.respondent.setText(over.get("respondent", "某废品收购站"))
    if "channel" in over:
        d.channel.setCurrentIndex(d.channel.findData(over["channel"]))
    return d


def register(qtbot, ctx: ServiceContext, **over: Any) -> int:  # type: ignore[no-untyped-def]
    d = intake(qtbot, ctx, **over)
    if over.get("channel") == "department":
        d.informing.setCurrentIndex(d.informing.findData(org(ctx, "深泽县水利局")))
        d.informed_on.setDate(d.received_at.date())
    d.save()
    assert d.complaint_id is not None, d.rows.errors
    return d.complaint_id


def detail(qtbot, ctx: ServiceContext, cid: int) -> ComplaintDialog:  # type: ignore[no-untyped-def]
    dialog = ComplaintDialog(ctx, cid)
    qtbot.addWidget(dialog)
    return dialog


def status(ctx: ServiceContext, cid: int) -> str:
    with ctx.read() as s:
        c = s.get(Complaint, cid)
        assert c is not None
        return str(c.status)


def test_intake_saves_with_the_operator_as_first_contact(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    cid = register(qtbot, ctx)
    with ctx.read() as s:
        c = s.get(Complaint, cid)
        assert c is not None
        assert c.first_contact_id == ctx.operator_id or c.first_contact_id is not None
        assert c.complainant is not None and c.complainant.name == "李𠀀华"
        assert c.complainant.phone == "13831112222"
        assert str(c.status) == ComplaintStatus.REGISTERED.value and c.deadline_at is not None


@pytest.mark.parametrize(
    "over, key",
    [
        ({"content": ""}, "content"),
        ({"id_number": "110101198503071230"}, "complainant.id_number"),
        ({"phone": "请打电话"}, "complainant.phone"),
        ({"content": "内" * 5001}, "content"),
        ({"received_at": datetime(2031, 1, 1, 8, 0)}, "received_at"),
    ],
)
def test_intake_bad_input_is_shown_and_nothing_saved(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    over: dict[str, Any],
    key: str,  # type: ignore[no-untyped-def]
) -> None:
    d = intake(qtbot, ctx, **over)
    d.save()
    assert d.complaint_id is None
    assert d.rows.error_text(key), d.rows.errors
    assert count(ctx, Complaint) == 0


def test_a_duplicate_of_an_open_complaint_is_pointed_out(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    register(qtbot, ctx)
    d = intake(qtbot, ctx, name="王芳", phone="13900001111", id_number="")
    d.check_duplicates()
    assert d.duplicates.isVisibleTo(d) and "重复" in d.duplicates.text()


def test_outcome_no_violation_reply_closes(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],  # type: ignore[no-untyped-def]
) -> None:
    cid = register(qtbot, ctx)
    dialog = detail(qtbot, ctx, cid)
    assert dialog.buttons["verify"].isVisibleTo(dialog)
    forms.append(
        {
            "verified_at": datetime(2026, 11, 28, 10, 0),
            "note": "现场查看未发现焚烧痕迹。",
            "outcome": "no_violation",
        }
    )
    dialog.act("verify")
    assert dialog.buttons["reply"].isVisibleTo(dialog)
    forms.append(
        {
            "replied_at": datetime(2026, 11, 28, 16, 0),
            "method": "电话",
            "summary": "经核实未发现违法行为，已电话告知。",
        }
    )
    dialog.act("reply")
    assert status(ctx, cid) == ComplaintStatus.CLOSED.value
    assert not dialog.duties.isVisibleTo(dialog)


def test_outcome_case_filed_result_and_reply(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],  # type: ignore[no-untyped-def]
) -> None:
    cid = register(qtbot, ctx)
    dialog = detail(qtbot, ctx, cid)
    forms.append(
        {
            "verified_at": datetime(2026, 11, 28, 10, 0),
            "note": "情况属实，属本镇管辖。",
            "outcome": "case_filed",
        }
    )
    dialog.act("verify")
    forms.append({"case_number": "赵八综执立字〔2026〕第040号"})
    dialog.act("file_case")
    forms.append({"summary": "责令改正，罚款500元。"})
    dialog.act("case_result")
    forms.append(
        {
            "replied_at": datetime(2026, 11, 29, 9, 0),
            "method": "电话",
            "summary": "已立案查处并告知处理结果。",
        }
    )
    dialog.act("reply")
    assert status(ctx, cid) == ComplaintStatus.CLOSED.value


def test_outcome_transfer_goes_through_the_referral_wizard(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cid = register(qtbot, ctx)
    dialog = detail(qtbot, ctx, cid)
    forms.append(
        {
            "verified_at": datetime(2026, 11, 28, 10, 0),
            "note": "属县水利局管辖。",
            "outcome": "transferred",
        }
    )
    dialog.act("verify")
    prefilled: list[str] = []

    def run(wizard: OutgoingReferralWizard) -> int:
        wizard.show()
        prefilled.append(wizard.found.place.text())
        j = wizard.jurisdiction
        wizard.next()
        assert wizard.currentPage() is j, said
        j.receiver.setCurrentIndex(j.receiver.findData(org(ctx, "深泽县水利局")))
        wizard.next()
        wizard.next()  # the draft is saved when the urgency page is left
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(OutgoingReferralWizard, "exec", run)
    dialog.act("transfer")
    assert prefilled == ["赵八村村东"]
    with ctx.read() as s:
        c = s.get(Complaint, cid)
        assert c is not None and c.referral_id is not None
        r = s.get(Referral, c.referral_id)
        assert r is not None and r.complaint_id == cid
        assert "李𠀀华" not in (r.facts or "") and "13831112222" not in (r.facts or "")
    forms.append(
        {
            "replied_at": datetime(2026, 11, 29, 9, 0),
            "method": "电话",
            "summary": "已移送县水利局处理。",
        }
    )
    dialog.act("reply")
    assert status(ctx, cid) == ComplaintStatus.CLOSED.value


def test_department_informed_needs_feedback_before_closing(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],  # type: ignore[no-untyped-def]
) -> None:
    cid = register(qtbot, ctx, channel="department")
    dialog = detail(qtbot, ctx, cid)
    forms.append(
        {
            "verified_at": datetime(2026, 11, 28, 10, 0),
            "note": "未发现违法行为。",
            "outcome": "no_violation",
        }
    )
    dialog.act("verify")
    forms.append(
        {
            "replied_at": datetime(2026, 11, 28, 15, 0),
            "method": "电话",
            "summary": "已告知核实情况。",
        }
    )
    dialog.act("reply")
    assert status(ctx, cid) != ComplaintStatus.CLOSED.value
    assert "反馈" in dialog.duties.text()
    forms.append({"feedback_at": datetime(2026, 11, 29, 9, 0), "summary": "已将核实结果反馈贵局。"})
    dialog.act("feedback")
    assert status(ctx, cid) == ComplaintStatus.CLOSED.value


def test_anonymous_complaint_has_no_reply_duty(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],  # type: ignore[no-untyped-def]
) -> None:
    cid = register(qtbot, ctx, anonymous=True)
    dialog = detail(qtbot, ctx, cid)
    assert not dialog.reveal_button.isVisibleTo(dialog)
    forms.append(
        {
            "verified_at": datetime(2026, 11, 28, 10, 0),
            "note": "未发现违法行为。",
            "outcome": "no_violation",
        }
    )
    dialog.act("verify")
    assert not dialog.buttons["reply"].isVisibleTo(dialog)
    assert status(ctx, cid) == ComplaintStatus.CLOSED.value


def test_complainant_is_masked_revealed_only_when_allowed_and_audited(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
) -> None:
    first = ctx.as_operator(staff.save(ctx, staff.StaffInput(name="张敏", role="clerk")), "张敏")
    cid = register(qtbot, first)
    dialog = detail(qtbot, first, cid)

    def shown(d: ComplaintDialog) -> str:
        return " ".join(w.text() for w in d.person_box.findChildren(type(d.duties)))

    assert "李*华" in shown(dialog) and "138****2222" in shown(dialog)
    assert "李𠀀华" not in shown(dialog) and "13831112222" not in shown(dialog)
    assert dialog.reveal_button.isVisibleTo(dialog)
    dialog.reveal()
    assert "李𠀀华" in shown(dialog) and "13831112222" in shown(dialog)
    assert "110101198503071235" in shown(dialog)
    with first.read() as s:
        views = (
            s.execute(
                select(AuditEntry).where(AuditEntry.action == AuditAction.VIEW_PERSONAL.value)
            )
            .scalars()
            .all()
        )
    assert len(views) == 1 and "李𠀀华" not in (views[0].summary or "")
    assert "电话回访" in (views[0].summary or "")
    assert dialog.reveal_button.text() == "隐藏完整信息"
    dialog.reveal_button.click()  # hides it again; hiding is not a view
    assert "李𠀀华" not in shown(dialog) and "李*华" in shown(dialog)
    # Reopening the complaint shows it masked again.
    again = detail(qtbot, first, cid)
    assert "李𠀀华" not in shown(again)

    # Someone else, not allowed: no button, and the service refuses.
    other = ctx.as_operator(staff.save(ctx, staff.StaffInput(name="赵磊", role="clerk")), "赵磊")
    other_view = detail(qtbot, other, cid)
    assert not other_view.reveal_button.isVisibleTo(other_view)
    assert "李𠀀华" not in shown(other_view)
    offered = [a.text() for a in other_view.new_letter_menu.actions()]
    mine = [a.text() for a in dialog.new_letter_menu.actions()]
    assert "投诉举报登记表" in mine and "投诉举报登记表" not in offered
    with pytest.raises(Exception, match="无权"):
        complaints.reveal_complainant(other, cid, "好奇")

    # Staff given the right in 人员 settings may see it.
    allowed_id = staff.save(
        ctx, staff.StaffInput(name="钱红", role="leader", sees_complainants=True)
    )
    allowed = detail(qtbot, ctx.as_operator(allowed_id, "钱红"), cid)
    assert allowed.reveal_button.isVisibleTo(allowed)
    allowed.reveal()
    assert "李𠀀华" in shown(allowed)


def test_registration_is_corrected_before_verification(
    qtbot,
    ctx: ServiceContext,
    said: list[str],  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = ctx.as_operator(staff.save(ctx, staff.StaffInput(name="张敏", role="clerk")), "张敏")
    cid = register(qtbot, first, respondent="某废品收购站")
    dialog = detail(qtbot, first, cid)
    assert dialog.buttons["edit"].isVisibleTo(dialog)
    seen: list[str] = []

    def run(d: ComplaintIntakeDialog) -> int:
        seen.append(d.name.text())
        assert d.windowTitle() == "修改投诉举报登记内容"
        d.place.setText("赵八村村西")
        d.phone.setText("139 0000 1111")
        d.save()
        return int(d.result())

    monkeypatch.setattr(ComplaintIntakeDialog, "exec", run)
    dialog.act("edit")
    assert seen == ["李𠀀华"]  # the form needs the identity: an audited view
    with ctx.read() as s:
        c = s.get(Complaint, cid)
        assert c is not None and c.place == "赵八村村西" and c.party_name == "某废品收购站"
        assert c.complainant is not None and c.complainant.phone == "13900001111"
    assert "修改登记内容" in " ".join(
        dialog.history.item(r, 3).text() for r in range(dialog.history.rowCount())
    )

    # bad input in the correction: shown, nothing changed
    def bad(d: ComplaintIntakeDialog) -> int:
        d.content.setPlainText("")
        d.save()
        assert d.rows.error_text("content")
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(ComplaintIntakeDialog, "exec", bad)
    dialog.act("edit")
    with ctx.read() as s:
        c = s.get(Complaint, cid)
        assert c is not None and c.content and c.place == "赵八村村西"

    # someone who may not see the complainant has no edit button
    other = ctx.as_operator(staff.save(ctx, staff.StaffInput(name="赵磊", role="clerk")), "赵磊")
    other_view = detail(qtbot, other, cid)
    assert not other_view.buttons["edit"].isVisibleTo(other_view)
