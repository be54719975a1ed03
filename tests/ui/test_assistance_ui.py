"""执法协助 in the GUI: a request of each kind written, its letter issued and sent,
the clock, an extension, the reply with a scanned file, stalling and a reminder,
officers on site for an urgent one; bad input shown with nothing saved."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import AssistanceStatus
from desktop_app.services import assistance, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import AssistanceRequest, Attachment, Document, Organisation
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.assistance_dialog import AssistanceDialog
from desktop_app.ui.dialogs.assistance_request_dialog import (
    AssistanceRequestDialog,
    LinkPicker,
)

NOW = datetime(2026, 11, 27, 10, 0)  # a Friday
WATER = "深泽县水利局"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    for name in ("info", "warn", "error"):
        monkeypatch.setattr(prompts, name, lambda _p, text, title="", m=messages: m.append(text))
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)
    return messages


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()


def request(ctx: ServiceContext, rid: int) -> AssistanceRequest:
    with ctx.read() as s:
        a = s.get(AssistanceRequest, rid)
        assert a is not None
        return a


def write(qtbot, ctx: ServiceContext, kind: str = "technical", **over: Any) -> int:  # type: ignore[no-untyped-def]
    d = AssistanceRequestDialog(ctx)
    qtbot.addWidget(d)
    d.kind.setCurrentIndex(d.kind.findData(kind))
    d.department.setCurrentIndex(d.department.findData(over.get("department", org(ctx, WATER))))
    d.subject.setText(over.get("subject", "对滹沱河韩家庄段采砂坑的位置和范围进行认定"))
    d.questions.setPlainText("1. 采砂坑是否位于河道管理范围内；\n2. 采砂量估算。")
    d.materials.setPlainText("现场检查笔录复印件1份\n现场照片12张")
    d.save()
    assert d.request_id is not None, d.rows.errors
    return d.request_id


def detail(qtbot, ctx: ServiceContext, rid: int) -> AssistanceDialog:  # type: ignore[no-untyped-def]
    dialog = AssistanceDialog(ctx, rid)
    qtbot.addWidget(dialog)
    return dialog


def send(dialog: AssistanceDialog, forms: list[dict[str, Any]]) -> None:
    forms.append(
        {
            "requested_on": date(2026, 11, 27),
            "sent_at": datetime(2026, 11, 27, 9, 30),
            "method": "in_person",
            "person": "张敏",
        }
    )
    dialog.act("send")


@pytest.mark.parametrize(
    "over, key",
    [
        ({"department": None}, "department_id"),
        ({"subject": ""}, "subject"),
        ({"subject": "认" * 201}, "subject"),
    ],
)
def test_bad_request_is_shown_and_nothing_saved(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    over: dict[str, Any],
    key: str,  # type: ignore[no-untyped-def]
) -> None:
    d = AssistanceRequestDialog(ctx)
    qtbot.addWidget(d)
    d.department.setCurrentIndex(
        d.department.findData(over["department"]) if "department" in over else 1
    )
    d.subject.setText(over.get("subject", "对某物进行认定"))
    d.save()
    assert d.request_id is None
    assert d.rows.error_text(key), d.rows.errors
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(AssistanceRequest)).scalar_one() == 0


def test_technical_request_sent_extended_and_answered(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    rid = write(qtbot, ctx)
    dialog = detail(qtbot, ctx, rid)
    assert dialog.buttons["send"].isVisibleTo(dialog) and dialog.buttons["edit"].isVisibleTo(dialog)
    send(dialog, forms)
    assert issue_letters == ["assistance_letter"]  # offered first, then sent
    a = request(ctx, rid)
    assert a.status == AssistanceStatus.SENT
    assert a.deadline_at is not None and a.deadline_at.date() == date(2026, 12, 4)
    assert "2026-12-04" in dialog.banner.text()

    forms.append(
        {
            "told_on": date(2026, 12, 1),
            "new_due": date(2026, 12, 11),
            "reason": "需要委托有资质的测绘单位测量，所需时间较长。",
        }
    )
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 16, 0))
    dialog.act("extend")
    assert request(ctx, rid).deadline_at.date() == date(2026, 12, 11)  # type: ignore[union-attr]
    history = " ".join(dialog.history.item(r, 3).text() for r in range(dialog.history.rowCount()))
    assert "2026-12-04" in history or "2026年12月4日" in history  # the old deadline kept

    scan = tmp_path / "认定意见.pdf"
    scan.write_bytes(b"%PDF-1.4 opinion")
    forms.append(
        {
            "replied_on": date(2026, 12, 9),
            "opinion_summary": "经测量，采砂坑位于河道管理范围内，面积约1200平方米。",
            "evidence_received": "认定意见书1份、测量报告1份",
            "file": scan,
        }
    )
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 10, 9, 0))
    dialog.act("reply")
    a = request(ctx, rid)
    assert a.status == AssistanceStatus.REPLIED and a.deadline_at is None
    assert dialog.files.table.rowCount() >= 1
    assert not dialog.buttons["reply"].isVisibleTo(dialog)


def test_archive_request_stalled_then_chased(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    rid = write(qtbot, ctx, "archive", subject="查阅、复制韩家庄采砂许可档案")
    dialog = detail(qtbot, ctx, rid)
    send(dialog, forms)
    assert not dialog.buttons["remind"].isVisibleTo(dialog)  # not overdue yet
    forms.append({"on": date(2026, 12, 2), "note": "经办人称档案在外借阅，让下周再来。"})
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 2, 15, 0))
    dialog.act("refuse")
    assert request(ctx, rid).status == AssistanceStatus.REFUSED

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 7, 9, 0))  # past 12-04
    dialog.reload()
    assert dialog.buttons["remind"].isVisibleTo(dialog)
    forms.append({"sent_on": date(2026, 12, 7)})
    dialog.act("remind")
    assert "reminder_letter" in issue_letters
    assert request(ctx, rid).reminder_sent_on == date(2026, 12, 7)
    with ctx.read() as s:
        codes = set(s.execute(select(Document.doc_type)).scalars())
    assert codes == {"assistance_letter", "reminder_letter"}


def test_urgent_on_site_request_records_the_officers_arrival(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],  # type: ignore[no-untyped-def]
) -> None:
    rid = write(qtbot, ctx, "on_site", subject="夜间偷采河沙现场，证据可能灭失，请求立即派员处置")
    assert request(ctx, rid).urgent  # 现场处置 is urgent by nature
    dialog = detail(qtbot, ctx, rid)
    send(dialog, forms)
    a = request(ctx, rid)
    assert a.deadline_at == datetime(2026, 11, 27, 9, 30)  # at once
    assert dialog.buttons["arrival"].isVisibleTo(dialog)
    forms.append({"arrived_at": datetime(2026, 11, 27, 10, 5)})
    dialog.act("arrival")
    assert request(ctx, rid).officers_arrived_at == datetime(2026, 11, 27, 10, 5)
    assert not dialog.buttons["arrival"].isVisibleTo(dialog)


def test_a_request_is_linked_to_the_transfer_it_serves(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    ref = referrals.create_outgoing(
        ctx,
        referrals.OutgoingInput(
            matter="河道内擅自采砂",
            party=referrals.PartyInput(kind="person", name="王建国"),
            place="滹沱河韩家庄段",
            found_at=datetime(2026, 11, 26, 22, 0),
            found_how="inspection",
            urgency="normal",
            receiver_id=org(ctx, WATER),
        ),
    )

    def choose(picker: LinkPicker) -> int:
        picker.search.setText("采砂")
        picker.find()
        picker.results.setCurrentRow(0)
        picker.pick()
        return int(picker.result())

    monkeypatch.setattr(LinkPicker, "exec", choose)
    d = AssistanceRequestDialog(ctx)
    qtbot.addWidget(d)
    d.department.setCurrentIndex(d.department.findData(org(ctx, WATER)))
    d.subject.setText("对采砂坑进行认定")
    d.pick_link()
    assert "移" in d.link_label.text()
    d.save()
    assert d.request_id is not None
    a = request(ctx, d.request_id)
    assert (a.linked_type, a.linked_id) == ("referral", ref)
    data, _version = assistance.load_input(ctx, d.request_id)
    assert data.linked_id == ref
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
