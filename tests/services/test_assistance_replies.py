"""执法协助 (seed 三（五）): the answer and what happens when it does not come.

The written reply with its files (all or nothing) and the case it serves,
a late reply, refusal or stalling (推诿、刁难), the reminder once overdue with
its 催办函, withdrawal, the actions each state allows, the two letters read
back from their PDFs, and each kind of request from draft to reply.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from assistance_helpers import (
    NOW,
    SUBJECT,
    WATER,
    at,
    audit_count,
    counts,
    end,
    get,
    last_audit,
    org,
    pdf_text,
    request,
    scan,
    sent,
    set_now,
    stored_files,
)
from referral_helpers import incoming
from sqlalchemy import select

from desktop_app.domain.terms import AssistanceStatus, MaterialKind, RecordType
from desktop_app.services import assistance, attachments, letters, records, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation, ServiceError
from desktop_app.storage.models import Attachment, AuditEntry, Material

S = AssistanceStatus


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    set_now(monkeypatch, NOW)


def case_of(ctx: ServiceContext) -> int:
    """A case the township filed from a transfer it received."""
    rin = referrals.register_incoming(ctx, incoming(ctx))
    return referrals.file_case(ctx, rin, "赵八综执立字〔2026〕第015号", date(2026, 11, 3))


def case_materials(ctx: ServiceContext, case_id: int) -> list[Material]:
    with ctx.read() as s:
        return list(
            s.execute(
                select(Material)
                .where(Material.record_type == "case", Material.record_id == case_id)
                .order_by(Material.sort_order)
            ).scalars()
        )


# --- the written reply ------------------------------------------------------------------------


def test_the_reply_stops_the_clock_and_its_files_become_evidence_of_the_case(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    case_id = case_of(ctx)
    rid = sent(ctx, date(2026, 11, 25), linked_type="case", linked_id=case_id)
    files = [scan(tmp_path), scan(tmp_path, "测量照片.jpg", b"\xff\xd8 photo")]
    assistance.record_reply(
        ctx, rid, date(2026, 11, 30), "采砂坑深3.2米，影响行洪", "测量报告1份、照片5张", files
    )
    a = get(ctx, rid)
    assert a.status == S.REPLIED and a.replied_on == date(2026, 11, 30)
    assert a.deadline_at is None and a.deadline_what is None
    assert a.opinion_summary == "采砂坑深3.2米，影响行洪"
    assert a.evidence_received == "测量报告1份、照片5张"
    stored = attachments.list_for(ctx, RecordType.ASSISTANCE, rid)
    assert [f.original_name for f in stored] == ["水利局认定意见.pdf", "测量照片.jpg"]
    assert {f.category for f in stored} == {"书面意见和证据材料"}
    assert len(stored_files(ctx)) == 2
    evidence = case_materials(ctx, case_id)
    assert [m.attachment_id for m in evidence] == [f.id for f in stored]
    assert {m.kind for m in evidence} == {MaterialKind.EVIDENCE}
    assert evidence[0].title == "县水利局执法协助答复材料（助2026-0001）：水利局认定意见.pdf"
    summaries = [h.summary for h in assistance.history(ctx, rid)]
    assert "助2026-0001 登记书面答复，附件 2 个" in summaries
    with ctx.read() as s:
        case_log = s.execute(
            select(AuditEntry.summary).where(
                AuditEntry.record_type == "case", AuditEntry.record_id == case_id
            )
        ).scalars()
        assert "添加证据材料 2 项（来自执法协助 助2026-0001 的书面答复）" in list(case_log)


def test_a_reply_for_a_transfer_that_led_to_a_case_adds_the_opinion_to_that_case(
    ctx: ServiceContext,
) -> None:
    rin = referrals.register_incoming(ctx, incoming(ctx))
    case_id = referrals.file_case(ctx, rin, "赵八综执立字〔2026〕第016号", date(2026, 11, 3))
    rid = sent(ctx, date(2026, 11, 25), linked_type="referral", linked_id=rin)
    text = pdf_text(letters.preview(ctx, "assistance_letter", rid, on=NOW.date()).pdf)
    assert "（赵八综执立字〔2026〕第016号）过程中" in text
    assistance.record_reply(ctx, rid, date(2026, 11, 27), "倾倒物为建筑垃圾", "检测报告1份")
    (m,) = case_materials(ctx, case_id)
    assert m.kind == MaterialKind.OPINION and m.attachment_id is None
    assert m.title == "县水利局书面意见（执法协助 助2026-0001）及移交的证据材料：检测报告1份"
    unlinked = sent(ctx, date(2026, 11, 25))
    assistance.record_reply(ctx, unlinked, date(2026, 11, 27), "意见", None)
    assert len(case_materials(ctx, case_id)) == 1


def test_a_failing_file_leaves_no_reply_and_no_file(ctx: ServiceContext, tmp_path: Path) -> None:
    case_id = case_of(ctx)
    rid = sent(ctx, date(2026, 11, 25), linked_type="case", linked_id=case_id)
    before, logged = counts(ctx), audit_count(ctx)
    good, missing = scan(tmp_path), tmp_path / "scans" / "不存在.pdf"
    with pytest.raises(ServiceError, match=r"找不到文件「不存在\.pdf」"):
        assistance.record_reply(ctx, rid, date(2026, 11, 30), "意见", None, [good, missing])
    assert stored_files(ctx) == [] and counts(ctx) == before and audit_count(ctx) == logged
    a = get(ctx, rid)
    assert a.status == S.SENT and a.replied_on is None and a.deadline_at is not None
    assert case_materials(ctx, case_id) == []


def test_a_late_reply_is_accepted_and_recorded_as_late(ctx: ServiceContext) -> None:
    late = sent(ctx, date(2026, 11, 16))  # due 2026-11-23
    assistance.record_reply(ctx, late, date(2026, 11, 24), "认定意见", None)
    assert last_audit(ctx).summary == (
        "助2026-0001 登记书面答复（逾期答复：应于2026年11月23日前答复，2026年11月24日才答复）"
    )
    on_time = sent(ctx, date(2026, 11, 16))
    assistance.record_reply(ctx, on_time, date(2026, 11, 23), "认定意见", None)
    assert last_audit(ctx).summary == "助2026-0002 登记书面答复"
    extended = sent(ctx, date(2026, 11, 16))
    assistance.extend(ctx, extended, date(2026, 11, 27), "需检测", date(2026, 11, 20))
    assistance.record_reply(ctx, extended, date(2026, 11, 26), "认定意见", None)
    assert "逾期" not in (last_audit(ctx).summary or "")


def test_reply_checks(ctx: ServiceContext) -> None:
    draft = assistance.create(ctx, request(ctx))
    with pytest.raises(RuleViolation, match="当前状态为「草稿」，不能登记书面答复"):
        assistance.record_reply(ctx, draft, date(2026, 11, 30), "意见", None)
    rid = sent(ctx, date(2026, 11, 25))
    for replied_on, opinion, field, message in (
        (date(2026, 11, 24), "意见", "replied_on", "「答复日期」不能早于「发函日期」"),
        (date(2026, 12, 1), "意见", "replied_on", "不能是将来的日期"),
        (date(2026, 11, 27), "", "opinion_summary", "「书面意见摘要」不能为空"),
    ):
        with pytest.raises(InvalidInput) as err:
            assistance.record_reply(ctx, rid, replied_on, opinion, None)
        assert message in err.value.problems[field]
    with pytest.raises(InvalidInput, match="不能超过2000个字"):
        assistance.record_reply(ctx, rid, date(2026, 11, 27), "意见", "证" * 2001)
    assert get(ctx, rid).status == S.SENT
    assistance.record_reply(ctx, rid, date(2026, 11, 27), "意见", None)
    with pytest.raises(RuleViolation, match="当前状态为「已答复」"):
        assistance.record_reply(ctx, rid, date(2026, 11, 28), "意见", None)


# --- 推诿、刁难 -------------------------------------------------------------------------------


def test_a_refusal_is_recorded_and_a_reply_may_still_follow(ctx: ServiceContext) -> None:
    rid = sent(ctx, date(2026, 11, 16))
    assistance.record_refusal(ctx, rid, date(2026, 11, 25), "以人员不足为由拖延")
    a = get(ctx, rid)
    assert a.status == S.REFUSED and a.deadline_at is None
    assert a.refusal_note == "2026年11月25日：以人员不足为由拖延"
    assert last_audit(ctx).summary == (
        "助2026-0001 登记推诿、刁难或拒绝（2026年11月25日）：以人员不足为由拖延"
    )
    assert "remind" in assistance.allowed_actions(ctx, rid)  # stalling is chased
    letters.issue(ctx, "reminder_letter", rid, on=NOW.date())
    assistance.record_reminder(ctx, rid, NOW.date())
    assert get(ctx, rid).status == S.REFUSED and get(ctx, rid).reminder_sent_on == NOW.date()
    with pytest.raises(RuleViolation, match="不能登记推诿、刁难或拒绝"):
        assistance.record_refusal(ctx, rid, date(2026, 11, 26), "再次拖延")
    assistance.record_reply(ctx, rid, date(2026, 11, 30), "经协调出具意见", None)
    a = get(ctx, rid)
    assert a.status == S.REPLIED and a.refusal_note == "2026年11月25日：以人员不足为由拖延"
    assert "（此前已登记推诿、刁难或拒绝）" in (last_audit(ctx).summary or "")


def test_refusal_checks(ctx: ServiceContext) -> None:
    draft = assistance.create(ctx, request(ctx))
    with pytest.raises(RuleViolation, match="不能登记推诿、刁难或拒绝"):
        assistance.record_refusal(ctx, draft, date(2026, 11, 30), "拒绝")
    rid = sent(ctx, date(2026, 11, 25))
    with pytest.raises(InvalidInput, match="「登记日期」不能早于「发函日期」"):
        assistance.record_refusal(ctx, rid, date(2026, 11, 24), "拒绝")
    with pytest.raises(InvalidInput, match="不能是将来的日期"):
        assistance.record_refusal(ctx, rid, date(2026, 12, 1), "拒绝")
    with pytest.raises(InvalidInput, match="「推诿、刁难情况」不能为空"):
        assistance.record_refusal(ctx, rid, date(2026, 11, 26), "")
    assert get(ctx, rid).status == S.SENT


# --- 催办 -------------------------------------------------------------------------------------


def test_a_reminder_only_once_overdue_and_with_its_letter(ctx: ServiceContext) -> None:
    waiting = sent(ctx, date(2026, 11, 25))  # due 2026-12-02
    with pytest.raises(RuleViolation, match="尚未逾期"):
        letters.issue(ctx, "reminder_letter", waiting, on=NOW.date())
    with pytest.raises(RuleViolation, match="尚未逾期，不能催办"):
        assistance.record_reminder(ctx, waiting, NOW.date())
    rid = sent(ctx, date(2026, 11, 16))  # due 2026-11-23
    with pytest.raises(RuleViolation, match="还没有出具催办函"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 25))
    with pytest.raises(RuleViolation, match="尚未逾期，不能催办"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 23))
    issued = letters.issue(ctx, "reminder_letter", rid, on=date(2026, 11, 25))
    with pytest.raises(InvalidInput, match="「催办日期」不能早于催办函的成文日期"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 24))
    assistance.record_reminder(ctx, rid, date(2026, 11, 25))
    a = get(ctx, rid)
    assert a.reminder_sent_on == date(2026, 11, 25) and a.status == S.SENT
    assert a.deadline_at == end(date(2026, 11, 23))  # the department is late: the date stays
    assert a.deadline_what == "书面答复期限（已催办）"
    assert last_audit(ctx).summary == (
        f"助2026-0002 催办（{issued.number}）：答复期限2026年11月23日已过，部门尚未书面答复"
    )
    with pytest.raises(RuleViolation, match="重新出具催办函"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 27))
    with pytest.raises(InvalidInput, match="应晚于上次催办的日期"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 25))
    letters.issue(ctx, "reminder_letter", rid, on=NOW.date())
    assistance.record_reminder(ctx, rid, NOW.date())
    assert get(ctx, rid).reminder_sent_on == NOW.date()
    assert (last_audit(ctx).summary or "").startswith("助2026-0002 再次催办")


def test_a_reminder_letter_voided_or_for_another_department_does_not_count(
    ctx: ServiceContext,
) -> None:
    rid = sent(ctx, date(2026, 11, 16))
    issued = letters.issue(ctx, "reminder_letter", rid, on=date(2026, 11, 25))
    letters.void(ctx, issued.id, "日期写错")
    with pytest.raises(RuleViolation, match="还没有出具催办函"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 25))
    assert get(ctx, rid).reminder_sent_on is None


def test_no_reminder_when_an_extension_told_in_time_moved_the_date(ctx: ServiceContext) -> None:
    rid = sent(ctx, date(2026, 11, 16))  # due 2026-11-23
    letters.issue(ctx, "reminder_letter", rid, on=date(2026, 11, 24))
    assistance.extend(ctx, rid, date(2026, 12, 4), "需委托检测", date(2026, 11, 20))
    with pytest.raises(RuleViolation, match="答复期限是2026年12月4日，2026年11月24日尚未逾期"):
        assistance.record_reminder(ctx, rid, date(2026, 11, 24))
    assert "remind" not in assistance.allowed_actions(ctx, rid)


# --- the detail banner -----------------------------------------------------------------------


def test_the_banner_says_how_late_or_how_long_is_left(ctx: ServiceContext) -> None:
    def note(rid: int) -> tuple[str, bool]:
        return records.deadline_note(ctx, "assistance", rid)

    assert note(sent(ctx, date(2026, 11, 16))) == ("书面答复期限：2026-11-23（已逾期7天）", True)
    assert note(sent(ctx, date(2026, 11, 23))) == ("书面答复期限：2026-11-30（今天到期）", False)
    assert note(sent(ctx, date(2026, 11, 27))) == ("书面答复期限：2026-12-04（还有4天）", False)
    urgent = sent(ctx, NOW.date(), at(NOW.date(), 9, 30), urgent=True)
    assert note(urgent) == ("立即派员现场处置：2026-11-30 09:30（已超过期限）", True)
    assistance.record_arrival(ctx, urgent, datetime(2026, 11, 30, 9, 50))
    assert note(urgent)[0].startswith("书面答复期限：2026-12-07")
    assistance.withdraw(ctx, urgent, "当事人已自行恢复原状")
    assert note(urgent) == ("", False)


# --- withdrawal -------------------------------------------------------------------------------


def test_withdraw_stops_the_clock_and_keeps_the_reason(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput, match="「撤回理由」不能为空"):
        assistance.withdraw(ctx, assistance.create(ctx, request(ctx)), "")
    rid = sent(ctx, date(2026, 11, 25), note="当事人已自行整改")
    assistance.withdraw(ctx, rid, "当事人已恢复原状，无需认定")
    a = get(ctx, rid)
    assert a.status == S.WITHDRAWN and a.deadline_at is None and a.deadline_what is None
    assert a.note == "当事人已自行整改\n撤回理由：当事人已恢复原状，无需认定"
    with pytest.raises(RuleViolation, match="已撤回，不能再出具"):
        letters.preview(ctx, "assistance_letter", rid, on=NOW.date())
    replied = sent(ctx, date(2026, 11, 25))
    assistance.record_reply(ctx, replied, date(2026, 11, 27), "意见", None)
    with pytest.raises(RuleViolation, match="当前状态为「已答复」，不能撤回"):
        assistance.withdraw(ctx, replied, "不需要了")
    refused = sent(ctx, date(2026, 11, 25))
    assistance.record_refusal(ctx, refused, date(2026, 11, 27), "拒绝出具意见")
    assistance.withdraw(ctx, refused, "改为委托检测机构")
    assert get(ctx, refused).status == S.WITHDRAWN


# --- the actions each state allows ------------------------------------------------------------


def test_allowed_actions_in_each_state(ctx: ServiceContext) -> None:
    def acts(rid: int) -> set[str]:
        found = assistance.allowed_actions(ctx, rid)
        assert found <= assistance.ACTIONS
        return found

    draft = assistance.create(ctx, request(ctx))
    assert acts(draft) == {"edit", "send", "withdraw"}
    waiting = sent(ctx, date(2026, 11, 25))
    assert acts(waiting) == {"reply", "refuse", "extend", "withdraw"}
    overdue = sent(ctx, date(2026, 11, 16))
    assert acts(overdue) == {"reply", "refuse", "extend", "withdraw", "remind"}
    due_today = sent(ctx, date(2026, 11, 23))  # due 2026-11-30: not yet overdue
    assert "remind" not in acts(due_today)
    urgent = sent(ctx, NOW.date(), urgent=True)
    assert acts(urgent) == {"arrival", "reply", "refuse", "withdraw"}
    urgent_old = sent(ctx, date(2026, 11, 16), kind="on_site")  # written answer overdue too
    assert acts(urgent_old) == {"arrival", "reply", "refuse", "withdraw", "remind"}
    assistance.record_arrival(ctx, urgent, datetime(2026, 11, 30, 9, 45))
    assert acts(urgent) == {"reply", "refuse", "extend", "withdraw"}
    assistance.record_refusal(ctx, waiting, date(2026, 11, 27), "拖延")
    assert acts(waiting) == {"reply", "withdraw"}
    assistance.record_reply(ctx, overdue, date(2026, 11, 27), "意见", None)
    assert acts(overdue) == set()
    assistance.record_reply(ctx, urgent_old, date(2026, 11, 27), "意见", None)
    assert acts(urgent_old) == {"arrival"}  # may still be recorded for the file
    assistance.withdraw(ctx, draft, "不需要了")
    assert acts(draft) == set()


# --- the letters, read back -------------------------------------------------------------------


def test_the_assistance_letter_names_the_department_subject_and_due_date(
    ctx: ServiceContext,
) -> None:
    case_id = case_of(ctx)
    rid = assistance.create(ctx, request(ctx, linked_type="case", linked_id=case_id))
    text = pdf_text(letters.preview(ctx, "assistance_letter", rid, on=NOW.date()).pdf)
    for part in (
        f"关于商请{SUBJECT}的函",
        f"{WATER}：",
        "在办理",
        "（赵八综执立字〔2026〕第015号）过程中",
        "1.采砂坑的深度和面积；",
        "2.是否影响河道行洪安全。",
        "5个工作日内（2026年12月7日前）",
        "现场勘验笔录、照片8张",
        "深泽县赵八镇人民政府",
        "2026年11月30日",
    ):
        assert part in text, part
    issued = letters.issue(ctx, "assistance_letter", rid, on=NOW.date())
    assert issued.number and issued.number in pdf_text(issued.path)
    (doc,) = letters.for_record(ctx, RecordType.ASSISTANCE, rid)
    assert doc.recipient_id == org(ctx, WATER) and doc.title == f"关于商请{SUBJECT}的函"


def test_the_urgent_letter_asks_for_officers_at_once(ctx: ServiceContext) -> None:
    rid = assistance.create(ctx, request(ctx, kind="on_site", subject="对倾倒现场进行处置"))
    text = pdf_text(letters.preview(ctx, "assistance_letter", rid, on=NOW.date()).pdf)
    assert "接函后立即派执法人员到现场处置" in text and "2026年12月7日前" in text


def test_the_reminder_letter_cites_the_request_its_date_and_extension(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_now(monkeypatch, at(date(2026, 11, 10), 17))
    rid = assistance.create(ctx, request(ctx, subject="商请对采砂坑深度进行认定"))
    first = letters.issue(ctx, "assistance_letter", rid, on=date(2026, 11, 10))
    assistance.mark_sent(ctx, rid, date(2026, 11, 10), at(date(2026, 11, 10)), "mail")
    set_now(monkeypatch, NOW)
    assistance.extend(ctx, rid, date(2026, 11, 24), "需委托第三方机构检测", date(2026, 11, 16))
    issued = letters.issue(ctx, "reminder_letter", rid, on=NOW.date())
    text = pdf_text(issued.path)
    for part in (
        "关于催办对采砂坑深度进行认定事项的函",
        f"{WATER}：",
        "我镇于2026年11月10日向贵局发出《关于商请对采砂坑深度进行认定的函》",
        f"（{first.number}）",
        "请贵局于2026年11月24日前提供书面认定意见和相关证据材料",
        "贵局曾于2026年11月16日告知我镇，因需委托第三方机构检测，需延长至2026年11月24日出具意见",
        "截至目前",
        "请贵局于2026年12月3日前",  # 3 working days after Monday 2026-11-30
        str(issued.number),
    ):
        assert part in text, part
    assistance.record_reminder(ctx, rid, NOW.date())
    assert get(ctx, rid).deadline_what == "书面答复期限（已延期、已催办）"


def test_the_reminder_of_an_urgent_request_asks_for_the_written_answer_not_the_send_day(
    ctx: ServiceContext,
) -> None:
    rid = sent(ctx, date(2026, 11, 16), kind="on_site")  # written answer due 2026-11-23
    text = pdf_text(letters.preview(ctx, "reminder_letter", rid, on=NOW.date()).pdf)
    assert "请贵局于2026年11月23日前提供现场处置情况的书面意见" in text


# --- each kind from draft to reply ------------------------------------------------------------


def test_technical_determination_end_to_end(ctx: ServiceContext, tmp_path: Path) -> None:
    case_id = case_of(ctx)
    rid = sent(ctx, date(2026, 11, 18), linked_type="case", linked_id=case_id)  # due 11-25
    assistance.extend(ctx, rid, date(2026, 12, 2), "需测绘", date(2026, 11, 24))
    assistance.record_reply(ctx, rid, NOW.date(), "深3.2米", "测绘报告", [scan(tmp_path)])
    a = get(ctx, rid)
    assert a.status == S.REPLIED and len(a.extensions) == 1
    assert [m.kind for m in case_materials(ctx, case_id)] == [MaterialKind.EVIDENCE]
    labels = [h.action_label for h in assistance.history(ctx, rid)]
    assert labels == ["新增", "发文", "状态变更", "修改", "新增", "状态变更"]


def test_archive_access_end_to_end(ctx: ServiceContext) -> None:
    rid = sent(ctx, date(2026, 11, 16), kind="archive", subject="查阅、复制2019年采砂许可档案")
    letters.issue(ctx, "reminder_letter", rid, on=date(2026, 11, 24))
    assistance.record_reminder(ctx, rid, date(2026, 11, 24))
    assistance.record_reply(ctx, rid, date(2026, 11, 27), "提供许可档案复制件", "复制件12页")
    a = get(ctx, rid)
    assert a.status == S.REPLIED and a.reminder_sent_on == date(2026, 11, 24)
    assert "逾期答复" in (last_audit(ctx).summary or "")
    docs = [d.doc_type for d in letters.for_record(ctx, RecordType.ASSISTANCE, rid)]
    assert docs == ["assistance_letter", "reminder_letter"]


def test_on_site_disposal_end_to_end(ctx: ServiceContext, tmp_path: Path) -> None:
    rid = sent(ctx, NOW.date(), datetime(2026, 11, 30, 8, 30), kind="on_site")
    assert get(ctx, rid).deadline_what == "立即派员现场处置"
    assistance.record_arrival(ctx, rid, datetime(2026, 11, 30, 9, 15))
    assert get(ctx, rid).deadline_at == end(date(2026, 12, 7))
    photo = scan(tmp_path, "现场照片.jpg", b"\xff\xd8 site")
    assistance.record_reply(ctx, rid, NOW.date(), "现场查封倾倒车辆", "现场笔录1份", [photo])
    a = get(ctx, rid)
    assert a.status == S.REPLIED and a.deadline_at is None
    with ctx.read() as s:
        (att,) = s.execute(select(Attachment).where(Attachment.record_id == rid)).scalars()
    assert att.original_name == "现场照片.jpg" and att.record_type == RecordType.ASSISTANCE.value
