"""An urgent notice refused without a reason: the 拒不处理情况报告 read back, the report
and the county government's handling; the urgent_notice letter; corrections; demo data."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from assistance_helpers import pdf_text
from notice_helpers import (
    COUNTY,
    HAZARD,
    NOW,
    PLACE,
    SAFETY,
    SAFETY_SHORT,
    TODAY,
    WATER,
    at,
    counts,
    end,
    get,
    last_audit,
    notified,
    org,
    refused,
)
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, DueBucket, UrgentNoticeStatus
from desktop_app.services import dashboard, letters, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation
from desktop_app.storage.models import Organisation, UrgentNotice

S = UrgentNoticeStatus
AT_ONCE = "立即派员处置"
REPORT = "报告县人民政府"
AWAITING = "等待县人民政府处理"


def board_item(ctx: ServiceContext, nid: int, now: datetime = NOW) -> Any:
    found = [
        i
        for i in dashboard.build(ctx, now).items
        if i.ledger_key == "urgent_notices" and i.record_id == nid
    ]
    return found[0] if found else None


def unchanged(ctx: ServiceContext, nid: int, call: Any, error: type[Exception]) -> Exception:
    """``call`` fails with ``error`` and leaves the notice and every table as they were."""
    before, row = counts(ctx), get(ctx, nid)
    with pytest.raises(error) as err:
        call()
    after = get(ctx, nid)
    assert counts(ctx) == before
    assert (after.status, after.version, after.deadline_at, after.deadline_what) == (
        row.status,
        row.version,
        row.deadline_at,
        row.deadline_what,
    )
    return err.value


# --- the report to the county government ------------------------------------------------------


def test_a_refusal_without_reason_produces_the_report(ctx: ServiceContext) -> None:
    """The story of the seed: notified at once, refused without a reason, the
    拒不处理情况报告 issued and sent, and the county government's handling."""
    nid = notified(ctx)
    with pytest.raises(RuleViolation, match="尚未答复，还不能认定为拒不处理"):
        letters.preview(ctx, "refusal_report", nid)
    notice_letter = letters.issue(ctx, "urgent_notice", nid, on=TODAY)
    urgent_notices.record_refusal(ctx, nid, at(TODAY, 11, 0), None)
    err = unchanged(ctx, nid, lambda: urgent_notices.record_report(ctx, nid, NOW), RuleViolation)
    assert "还没有出具拒不处理情况报告" in str(err)

    issued = letters.issue(ctx, "refusal_report", nid, on=TODAY)
    text = pdf_text(issued.path)
    for words in (
        f"关于{SAFETY}接到紧急情况通知后拒不派员处理的报告",
        f"{COUNTY}：",
        "2026年11月29日9时10分，我镇执法人员在赵八村东发现：" + HAZARD,
        f"我镇于2026年11月29日9时20分电话通知{SAFETY}（接收人：王值班），请其立即派执法人员进行处理",
        f"又以书面函件（{notice_letter.number}）通知该局立即派员处置",
        f"截至2026年11月29日11时00分，{SAFETY_SHORT}接到通知后未说明理由，拒不派执法人员处理。",
        f"请督促{SAFETY}依法履行职责",
        f"抄送：{SAFETY}",
    ):
        assert words in text, words
    assert issued.number and issued.number in text

    urgent_notices.record_report(ctx, nid, at(TODAY, 16, 30))
    n = get(ctx, nid)
    assert n.status == S.REPORTED and n.reported_at == at(TODAY, 16, 30)
    assert n.deadline_at is None and n.deadline_what == AWAITING
    assert last_audit(ctx).summary == (
        f"急2026-0001 报告县人民政府（{issued.number}，2026年11月29日16时30分）；等待县人民政府处理"
    )
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit", "report_reply"}
    assert board_item(ctx, nid) is None
    err = unchanged(ctx, nid, lambda: urgent_notices.record_report(ctx, nid, NOW), RuleViolation)
    assert "当前状态为「已报告县人民政府」，不能登记报告县人民政府" in str(err)

    urgent_notices.record_report_reply(
        ctx, nid, at(TODAY, 19, 0), "县人民政府办公室督促县应急管理局立即派员处置，隐患已消除。"
    )
    n = get(ctx, nid)
    assert n.status == S.SETTLED and n.report_reply_at == at(TODAY, 19, 0)
    assert n.report_reply == "县人民政府办公室督促县应急管理局立即派员处置，隐患已消除。"
    assert n.deadline_at is None and n.deadline_what is None
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit"}
    # the report can still be printed again for the file
    assert SAFETY in pdf_text(letters.preview(ctx, "refusal_report", nid).pdf)

    rows = urgent_notices.history(ctx, nid)
    summaries = [r.summary for r in rows]
    assert summaries[0].startswith("急2026-0001 登记紧急情况通知")
    assert any("发文：紧急情况通知" in s for s in summaries)
    assert any("发文：拒不处理情况报告" in s for s in summaries)
    assert [r.action_label for r in rows][-3:] == ["发文", "状态变更", "状态变更"]
    last = rows[-1]
    assert ("县人民政府处理情况", "", n.report_reply) in last.changes
    assert ("县人民政府处理时间", "", "2026-11-29 19:00") in last.changes
    assert ("状态", "已报告县人民政府", "县人民政府已协调处理") in last.changes


def test_the_report_needs_a_letter_not_voided(ctx: ServiceContext) -> None:
    nid = refused(ctx)
    issued = letters.issue(ctx, "refusal_report", nid, on=TODAY)
    letters.void(ctx, issued.id, "文字有误")
    err = unchanged(ctx, nid, lambda: urgent_notices.record_report(ctx, nid, NOW), RuleViolation)
    assert "或已出具的已作废" in str(err)
    letters.issue(ctx, "refusal_report", nid, on=TODAY)
    urgent_notices.record_report(ctx, nid, NOW)
    assert get(ctx, nid).status == S.REPORTED


def test_the_report_is_not_before_the_letter_nor_the_refusal(ctx: ServiceContext) -> None:
    day = TODAY - timedelta(days=3)
    nid = refused(ctx, at(day, 11, 0), found_at=at(day, 9, 0), notified_at=at(day, 9, 10))
    letters.issue(ctx, "refusal_report", nid, on=TODAY - timedelta(days=1))
    err = unchanged(
        ctx, nid, lambda: urgent_notices.record_report(ctx, nid, at(day, 15, 0)), InvalidInput
    )
    assert "不能早于拒不处理情况报告的成文日期（2026-11-28）" in str(err)
    err = unchanged(
        ctx,
        nid,
        lambda: urgent_notices.record_report(ctx, nid, NOW + timedelta(hours=1)),
        InvalidInput,
    )
    assert "不能是将来的时间" in str(err)
    urgent_notices.record_report(ctx, nid, at(TODAY - timedelta(days=1), 9, 0))
    assert "（逾期：应于2026年11月26日报告）" in last_audit(ctx).summary

    other = refused(ctx, at(TODAY, 11, 0))
    letters.issue(ctx, "refusal_report", other, on=TODAY - timedelta(days=2))  # dated back
    err = unchanged(
        ctx, other, lambda: urgent_notices.record_report(ctx, other, at(day, 12, 0)), InvalidInput
    )
    assert "「报告县人民政府时间」不能早于「拒不处理日期」" in str(err)


def test_the_report_is_not_before_the_notice(ctx: ServiceContext) -> None:
    nid = refused(ctx, at(TODAY, 11, 0))
    letters.issue(ctx, "refusal_report", nid, on=TODAY)
    err = unchanged(
        ctx, nid, lambda: urgent_notices.record_report(ctx, nid, at(TODAY, 9, 0)), InvalidInput
    )
    assert "「报告县人民政府时间」不能早于「通知时间」" in str(err)


def test_a_report_letter_naming_another_department_does_not_count(ctx: ServiceContext) -> None:
    nid = refused(ctx)
    letters.issue(ctx, "refusal_report", nid, on=TODAY)
    with ctx.uow() as uow:  # the department renamed since the report was issued
        dept = uow.session.get(Organisation, org(ctx, SAFETY))
        assert dept is not None
        dept.name = "深泽县应急管理和消防安全局"
    err = unchanged(ctx, nid, lambda: urgent_notices.record_report(ctx, nid, NOW), RuleViolation)
    assert "与紧急情况通知 急2026-0001 现在的通知部门不一致" in str(err)
    letters.issue(ctx, "refusal_report", nid, on=TODAY)
    urgent_notices.record_report(ctx, nid, NOW)
    assert get(ctx, nid).status == S.REPORTED


def test_a_correction_of_a_reported_notice_keeps_the_notice_before_the_report(
    ctx: ServiceContext,
) -> None:
    nid = refused(ctx, at(TODAY, 11, 0))
    letters.issue(ctx, "refusal_report", nid, on=TODAY)
    urgent_notices.record_report(ctx, nid, at(TODAY, 12, 0))
    data, version = urgent_notices.load_input(ctx, nid)
    data.notified_at = at(TODAY, 12, 30)
    err = unchanged(ctx, nid, lambda: urgent_notices.update(ctx, nid, data, version), InvalidInput)
    assert "「报告县人民政府时间」不能早于「通知时间」" in str(err)


def test_the_county_governments_handling_is_checked(ctx: ServiceContext) -> None:
    nid = refused(ctx)
    unchanged(
        ctx,
        nid,
        lambda: urgent_notices.record_report_reply(ctx, nid, NOW, "已协调"),
        RuleViolation,
    )
    letters.issue(ctx, "refusal_report", nid, on=TODAY)
    urgent_notices.record_report(ctx, nid, at(TODAY, 16, 0))
    for when, text, message in (
        (at(TODAY, 15, 0), "已协调", "「县人民政府处理时间」不能早于「报告县人民政府时间」"),
        (NOW + timedelta(hours=1), "已协调", "不能是将来的时间"),
        (at(TODAY, 17, 0), "  ", "「县人民政府处理情况」不能为空"),
    ):
        err = unchanged(
            ctx,
            nid,
            lambda w=when, t=text: urgent_notices.record_report_reply(ctx, nid, w, t),
            InvalidInput,
        )
        assert message in str(err)


# --- the urgent_notice letter ---------------------------------------------------------------------


def test_the_notice_letter_reads_right(ctx: ServiceContext) -> None:
    nid = notified(ctx)
    issued = letters.issue(ctx, "urgent_notice", nid, on=TODAY)
    text = pdf_text(issued.path)
    for words in (
        "特急",
        f"关于请立即派员处置{PLACE}紧急情况的函",
        f"{SAFETY}：",
        f"2026年11月29日9时10分，我镇执法人员在{PLACE}发现：{HAZARD}。",
        "属于贵局管辖",
        "我镇已于2026年11月29日9时20分电话通知贵局（接收人：王值班）。",
        "请贵局立即派执法人员赶赴现场依法处置",
        "2026年11月29日",
    ):
        assert words in text, words
    assert issued.number and issued.number in text


# --- corrections --------------------------------------------------------------------------------


def test_a_correction_moves_the_clock_and_is_audited(ctx: ServiceContext) -> None:
    nid = notified(ctx)
    data, version = urgent_notices.load_input(ctx, nid)
    data.notified_at, data.department_id = at(TODAY, 9, 30), org(ctx, WATER)
    urgent_notices.update(ctx, nid, data, version)
    n = get(ctx, nid)
    assert n.deadline_at == at(TODAY, 9, 30) and n.department.name == WATER
    assert n.version == version + 1
    entry = last_audit(ctx)
    assert entry.action == AuditAction.UPDATE and entry.summary == "急2026-0001 修改"
    assert entry.before["notified_at"] == "2026-11-29 09:20:00"
    assert entry.after["deadline_at"] == "2026-11-29 09:30:00"
    before = counts(ctx)
    urgent_notices.update(ctx, nid, data, version + 1)  # nothing changed: nothing written
    assert counts(ctx) == before and get(ctx, nid).version == version + 1
    with pytest.raises(Conflict):
        urgent_notices.update(ctx, nid, data, version)
    assert get(ctx, nid).version == version + 1


def test_a_correction_keeps_the_times_in_order_and_the_department_fixed(
    ctx: ServiceContext,
) -> None:
    nid = notified(ctx)
    urgent_notices.record_response(ctx, nid, at(TODAY, 10, 0), None)
    data, version = urgent_notices.load_input(ctx, nid)
    data.notified_at = at(TODAY, 10, 30)
    problems = urgent_notices.validate_notice(ctx, data, nid)
    assert "「执法人员到场时间」不能早于「通知时间」" in problems["notified_at"]
    unchanged(ctx, nid, lambda: urgent_notices.update(ctx, nid, data, version), InvalidInput)
    data, version = urgent_notices.load_input(ctx, nid)
    data.department_id = org(ctx, WATER)
    err = unchanged(ctx, nid, lambda: urgent_notices.update(ctx, nid, data, version), InvalidInput)
    assert "不能再更换通知部门" in str(err)
    data.department_id, data.hazard = org(ctx, SAFETY), HAZARD + "，已疏散群众"
    urgent_notices.update(ctx, nid, data, version)
    assert get(ctx, nid).hazard.endswith("已疏散群众")
    assert get(ctx, nid).deadline_at is None  # answered: no clock comes back

    other = refused(ctx, at(TODAY, 11, 0))
    data, version = urgent_notices.load_input(ctx, other)
    data.notified_at = data.found_at = at(TODAY, 9, 0)
    urgent_notices.update(ctx, other, data, version)
    assert get(ctx, other).deadline_at == end(TODAY)  # the report's clock stays
    day = TODAY - timedelta(days=2)
    late = refused(ctx, at(day, 11, 0), found_at=at(day, 9, 0), notified_at=at(day, 9, 5))
    data, version = urgent_notices.load_input(ctx, late)
    data.notified_at = at(TODAY, 9, 0)
    err = unchanged(
        ctx, late, lambda: urgent_notices.update(ctx, late, data, version), InvalidInput
    )
    assert "「拒不处理日期」不能早于「通知时间」" in str(err)


def test_unknown_notice(ctx: ServiceContext) -> None:
    with pytest.raises(Exception, match="不存在"):
        urgent_notices.get(ctx, 999)
    with pytest.raises(Exception, match="不存在"):
        urgent_notices.record_response(ctx, 999, NOW, None)


# --- the demo data ---------------------------------------------------------------------------


def test_demo_notices_are_in_the_states_and_clocks_of_the_services(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 12, 1, 10, 0)  # a Tuesday: yesterday's refusal is overdue
    monkeypatch.setattr(clock, "now", lambda: now)
    generate_demo(ctx, records=400, seed=5, today=now.date())
    with ctx.read() as s:
        rows = list(s.execute(select(UrgentNotice)).scalars())
    statuses = {n.status for n in rows}
    assert {S.NOTIFIED, S.RESPONDED, S.REFUSED, S.REPORTED, S.SETTLED} <= statuses
    for n in rows:
        assert n.found_at <= n.notified_at
        if n.status == S.NOTIFIED:
            assert (n.deadline_at, n.deadline_what) == (n.notified_at, AT_ONCE)
        elif n.status == S.REFUSED:
            assert n.deadline_what == REPORT and n.deadline_at is not None
            assert n.deadline_at == end(n.deadline_at.date())
            assert n.deadline_at.date() >= n.notified_at.date()
            assert "未说明理由，拒不派执法人员处理" in (n.response_note or "")
        elif n.status == S.REPORTED:
            assert (n.deadline_at, n.deadline_what) == (None, AWAITING) and n.reported_at
        else:
            assert (n.deadline_at, n.deadline_what) == (None, None)
        if n.status == S.SETTLED:
            assert n.reported_at and n.report_reply_at and n.report_reply
            assert n.reported_at <= n.report_reply_at
        if n.status == S.REFUSED_WITH_REASON:
            assert n.refusal_reason
    waiting = [n for n in rows if n.status == S.REFUSED]
    buckets = {board_item(ctx, n.id, now).bucket for n in waiting}
    assert buckets >= {DueBucket.OVERDUE, DueBucket.TODAY}
    # the services carry a demo notice on: the report of its refusal
    nid = waiting[0].id
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit", "report"}
    letters.issue(ctx, "refusal_report", nid, on=now.date())
    urgent_notices.record_report(ctx, nid, now)
    assert get(ctx, nid).status == S.REPORTED
    assert urgent_notices.history(ctx, nid)
