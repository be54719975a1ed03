"""联合执法协商 in the GUI: a meeting planned, held, minuted and followed up; an
urgent notice sent, refused without a reason, reported and answered; a joint
action with a file; the liaison directory with its warning and exports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import MeetingStatus, UrgentNoticeStatus
from desktop_app.services import dashboard, meetings, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Document, Meeting, Organisation, UrgentNotice
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import to_qdatetime
from desktop_app.ui.dialogs.joint_action_dialogs import JointActionDialog, JointActionWindow
from desktop_app.ui.dialogs.meeting_dialog import MeetingDialog
from desktop_app.ui.dialogs.meeting_window import MeetingWindow
from desktop_app.ui.dialogs.notice_dialogs import NoticeDialog, NoticeWindow
from desktop_app.ui.pages.consultation_page import ConsultationPage

NOW = datetime(2026, 11, 27, 10, 0)  # a Friday
WATER = "深泽县水利局"
ENV = "石家庄市生态环境局深泽县分局"
HOUSING = "深泽县住房和城乡建设局"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture(autouse=True)
def yes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()


def count(ctx: ServiceContext, model: type) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def plan_meeting(qtbot, ctx: ServiceContext, **over: Any) -> MeetingDialog:  # type: ignore[no-untyped-def]
    d = MeetingDialog(ctx, mode=over.pop("mode", "plan"))
    qtbot.addWidget(d)
    d.kind.setCurrentIndex(d.kind.findData(over.get("kind", "regular")))
    d.subject.setText(over.get("subject", "2026年第四季度联合执法协商会议"))
    d.held_at.setDateTime(to_qdatetime(over.get("held_at", datetime(2026, 12, 3, 9, 0))))
    d.place.setText("镇政府三楼会议室")
    d.host.setText("刘福贵（分管副镇长）")
    d.organisations.set_ids(over.get("orgs", [org(ctx, WATER), org(ctx, ENV)]))
    d.participants.setPlainText("县水利局：王某\n县生态环境分局：李某")
    for code in over.get("topics", ["general", "hotspot"]):
        d.topic_boxes[code].setChecked(True)
    return d


def test_bad_meeting_is_shown_and_nothing_saved(
    qtbot, ctx: ServiceContext, said: list[str]
) -> None:  # type: ignore[no-untyped-def]
    d = plan_meeting(qtbot, ctx, subject="", orgs=[])
    d.save()
    assert d.meeting_id is None
    assert d.rows.error_text("subject") and d.rows.error_text("organisation_ids")
    assert said and "未保存" in said[0]
    special = plan_meeting(qtbot, ctx, kind="special")
    special.save()  # a special meeting studies a case clue: the link is required
    assert special.meeting_id is None and special.rows.error_text("linked_id")
    assert count(ctx, Meeting) == 0


def test_meeting_planned_held_minuted_and_followed_up(  # type: ignore[no-untyped-def]
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = plan_meeting(qtbot, ctx)
    d.save()
    assert d.meeting_id is not None, d.rows.errors
    mid = d.meeting_id
    window = MeetingWindow(ctx, mid)
    qtbot.addWidget(window)
    assert "计划召开" in window.banner.text() and "2026-12-03 09:00" in window.banner.text()
    assert window.buttons["hold"].isVisibleTo(window)
    assert not window.buttons["add_action"].isVisibleTo(window)  # not held yet

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 3, 12, 0))
    forms.append(
        {
            "held_at": datetime(2026, 12, 3, 9, 10),
            "discussion": "通报了第四季度河道采砂、秸秆焚烧等执法情况。",
            "decisions": "一、12月中旬开展滹沱河沿线联合执法行动。",
        }
    )
    window.act("hold")
    with ctx.read() as s:
        m = s.get(Meeting, mid)
        assert m is not None and m.status == MeetingStatus.HELD and m.deadline_at is None
    assert not window.banner.isVisibleTo(window)

    forms.append(
        {
            "description": "牵头组织滹沱河沿线联合执法行动",
            "owner_org_id": org(ctx, WATER),
            "due_on": date(2026, 12, 15),
        }
    )
    window.act("add_action")
    assert window.actions_table.rowCount() == 1
    assert window.actions_table.item(0, 1).text() == WATER
    board = dashboard.build(ctx, datetime(2026, 12, 16, 9, 0))
    assert any(i.what == "落实期限" and i.record_id == mid for i in board.items)

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 14, 17, 0))
    window.reload()
    window.select_action(0)
    forms.append({"done_on": date(2026, 12, 14), "note": "已于12月14日开展联合执法。"})
    window.complete_selected()
    (row,) = meetings.list_actions(ctx, mid)
    assert str(row.status) == "done" and row.done_on == date(2026, 12, 14)
    board = dashboard.build(ctx, datetime(2026, 12, 16, 9, 0))
    assert not any(i.what == "落实期限" and i.record_id == mid for i in board.items)

    window.open_letter(code="meeting_minutes")
    assert issue_letters == ["meeting_minutes"]
    with ctx.read() as s:
        assert s.execute(select(Document.doc_type)).scalars().all() == ["meeting_minutes"]
    assert said == ["已发文并登记。文号：赵八镇执纪〔2026〕1号"]  # nothing refused on the way


def test_a_planned_meeting_can_be_cancelled_with_a_reason(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], forms: list[dict[str, Any]]
) -> None:
    d = plan_meeting(qtbot, ctx)
    d.save()
    window = MeetingWindow(ctx, d.meeting_id)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    forms.append({"reason": "主要参会部门有紧急任务，改期召开。"})
    window.act("cancel")
    with ctx.read() as s:
        m = s.get(Meeting, d.meeting_id)
        assert m is not None and m.status == MeetingStatus.CANCELLED and m.deadline_at is None
    assert not window.buttons["hold"].isVisibleTo(window)


def new_notice(qtbot, ctx: ServiceContext, **over: Any) -> NoticeDialog:  # type: ignore[no-untyped-def]
    d = NoticeDialog(ctx)
    qtbot.addWidget(d)
    d.department.setCurrentIndex(d.department.findData(over.get("dept", org(ctx, HOUSING))))
    d.hazard.setPlainText(over.get("hazard", "大兴庄村一处在建房屋脚手架严重倾斜，随时可能倒塌。"))
    d.place.setText("大兴庄村")
    d.found_at.setDateTime(to_qdatetime(over.get("found_at", datetime(2026, 11, 27, 9, 20))))
    d.notified_at.setDateTime(to_qdatetime(over.get("notified_at", datetime(2026, 11, 27, 9, 25))))
    d.method.setCurrentText("电话")
    d.person.setText("值班员张某")
    return d


def test_bad_notice_is_shown_and_nothing_saved(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    d = new_notice(qtbot, ctx, hazard="", notified_at=datetime(2026, 11, 27, 9, 0))
    offered = {d.department.itemText(i) for i in range(d.department.count())}
    assert {HOUSING, "深泽县公安局", "深泽县公安局赵八派出所"} <= offered  # 派出所: legal basis
    assert not {"赵八镇综合行政执法队", "深泽县赵八镇人民政府"} & offered
    d.save()
    assert d.notice_id is None
    assert d.rows.error_text("hazard") and d.rows.error_text("notified_at")
    assert count(ctx, UrgentNotice) == 0


def test_notice_refused_without_reason_is_reported_and_answered(  # type: ignore[no-untyped-def]
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    forms: list[dict[str, Any]],
    issue_letters: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = new_notice(qtbot, ctx)
    d.save()
    assert d.notice_id is not None, d.rows.errors
    nid = d.notice_id
    window = NoticeWindow(ctx, nid)
    qtbot.addWidget(window)
    assert "立即派员处置" in window.banner.text()
    forms.append({"on": datetime(2026, 11, 27, 9, 50), "reason": ""})
    window.act("refuse")
    assert urgent_notices.get(ctx, nid).status == UrgentNoticeStatus.REFUSED
    assert any("县人民政府报告" in m for m in said)  # the clerk is told what the seed requires
    assert window.buttons["report"].isVisibleTo(window)

    forms.append({"reported_at": datetime(2026, 11, 27, 10, 0)})
    window.act("report")  # offers the 拒不处理情况报告 first, then records the report
    assert issue_letters == ["refusal_report"]
    assert urgent_notices.get(ctx, nid).status == UrgentNoticeStatus.REPORTED

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 16, 0))
    forms.append({"at": datetime(2026, 11, 30, 15, 0), "text": "县政府协调县住建局当日派员处置。"})
    window.act("report_reply")
    notice = urgent_notices.get(ctx, nid)
    assert notice.status == UrgentNoticeStatus.SETTLED and notice.deadline_at is None


def test_notice_answered_by_officers(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], forms: list[dict[str, Any]]
) -> None:
    d = new_notice(qtbot, ctx)
    d.save()
    window = NoticeWindow(ctx, d.notice_id)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    forms.append({"arrived_at": datetime(2026, 11, 27, 9, 55), "note": "已拉设警戒线。"})
    window.act("respond")
    notice = urgent_notices.get(ctx, d.notice_id)  # type: ignore[arg-type]
    assert notice.status == UrgentNoticeStatus.RESPONDED and notice.deadline_at is None
    assert not window.buttons["refuse"].isVisibleTo(window)


def test_joint_action_with_a_file(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = JointActionDialog(ctx)
    qtbot.addWidget(d)
    d.title.setText("滹沱河沿线非法采砂联合整治")
    d.organisations.set_ids([org(ctx, WATER)])
    d.targets.setPlainText("韩家庄段、赵八段河道")
    d.findings.setPlainText("发现采砂坑2处。")
    d.results.setPlainText("责令回填，立案1起。")
    d.save()
    assert d.action_id is not None, d.rows.errors
    window = JointActionWindow(ctx, d.action_id)
    qtbot.addWidget(window)
    photo = tmp_path / "现场照片𠀀.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo")
    monkeypatch.setattr(prompts, "open_file", lambda *a, **k: photo)
    window.add_file()
    assert window.files.table.rowCount() == 1 and not said


def test_the_page_and_the_liaison_directory(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ctx.uow() as uow:
        water = uow.session.get(Organisation, org(ctx, WATER))
        assert water is not None
        water.liaison_name, water.liaison_phone = None, None
    page = ConsultationPage(ctx)
    qtbot.addWidget(page)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "协商会议",
        "紧急情况通知",
        "联合执法行动",
        "联络人名单",
    ]
    page.tabs.setCurrentWidget(page.liaison)
    assert page.liaison.warning.isVisibleTo(page) and WATER in page.liaison.warning.text()
    target = tmp_path / "联络人名单.xlsx"
    monkeypatch.setattr(prompts, "save_file", lambda *a, **k: target)
    page.liaison.export_xlsx()
    sheet = load_workbook(target).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "联合执法协商联络人名单" in values and WATER in values
