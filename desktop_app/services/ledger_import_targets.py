"""Ledger import: the ledgers a sheet can be imported into, and how a row becomes a record.

Each row goes through the service's own check (``check_share``, ``check_request``,
``check_outgoing``), then the record is built here, inside the one unit of work
of the import (the services' ``create`` functions each open their own, which
would break all-or-nothing). How status and dates are set per target:

* 信息共享 (info_shares): exactly as :func:`info_shares.create` — every rule of
  the form applies (a later share needs its reason, the method once shared); an
  item not shared yet gets its clock. A sheet without a 方向 column is "本镇共享
  给部门"; without a 共享方式 column, "其他方式".
* 执法协助 (assistance): historical requests, already sent: 发函日期 is required
  (sent_at = that day 00:00). With a 答复日期 (and the 书面意见, required as in
  :func:`assistance.record_reply`) the request is 已答复 and no clock runs;
  otherwise it is 已发函 and the 5-working-day clock runs from 发函日期. A 状态
  column may say 已撤回 or 推诿、刁难或拒绝 instead; it must agree with the dates.
* 案件移送 (referrals, outgoing only): the transfer form is checked as by
  :func:`referrals.create_outgoing`; with a 移送时间 it is 已发送 (签收时间 →
  已签收, 反馈时间 + 处理结果 → 已反馈结果) and no clock runs; without one it is a
  草稿 whose 3-working-day clock runs. A late sending is stored as it happened
  (a missing 逾期原因 is not invented). Without a 紧急程度 column: 一般; without a
  发现途径 column: 其他途径.

Serials (台账编号) are numbered in the year of the record's own date (形成日期,
发函日期, 发现时间), after the numbers already used that year.

The other ledgers declare their targets in their own modules, gathered at the
end of this one: 案件移送（部门移入） (``ledger_import_incoming``), 投诉举报
(``ledger_import_complaints``), 协商会议 (``ledger_import_meetings``), 管辖争议
(``ledger_import_disputes``), 行刑衔接 (``ledger_import_criminal``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    AssistanceKind,
    AssistanceStatus,
    Direction,
    FoundHow,
    InfoCategory,
    RecordType,
    ReferralStatus,
    SendMethod,
    ShareDirection,
    ShareMethod,
    Urgency,
)
from desktop_app.services.assistance_common import clock_of
from desktop_app.services.assistance_forms import AssistanceInput, check_request
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import ShareInput, check_share
from desktop_app.services.ledger_import_base import (
    Prepared,
    Problems,
    SerialCounter,
    Target,
    mine,
    moment_span,
    order,
    rename,
    same_day_floor,
)
from desktop_app.services.ledger_import_fields import (
    BOOL,
    DATE,
    MATTER_AND_PARTY,
    MOMENT,
    ORG,
    ORGS,
    TERM,
    ImportField,
    norm,
)
from desktop_app.services.referral_common import DEADLINE_WHAT, day, moment
from desktop_app.services.referral_forms import OutgoingInput, PartyInput, check_outgoing
from desktop_app.storage.models import AssistanceRequest, InfoShare, Organisation, Referral

# --- 信息共享 -----------------------------------------------------------------------------

INFO_FIELDS = (
    ImportField(
        "direction",
        "方向",
        TERM,
        also="共享方向 类型 收发 共享类型",
        term=ShareDirection,
        words={"共享": "shared", "报送": "shared", "发出": "shared", "本镇共享": "shared"}
        | {"接收": "received", "收到": "received", "部门共享": "received", "收": "received"},
    ),
    ImportField(
        "category",
        "信息类别",
        TERM,
        True,
        "类别 信息类型 共享类别 信息种类",
        InfoCategory,
        {
            "法律法规": "law_change",
            "许可": "licensing",
            "行政许可": "licensing",
            "监督管理": "licensing",
            "行政处罚": "penalty_decision",
            "处罚": "penalty_decision",
            "统计": "statistics",
            "统计数据": "statistics",
            "裁量": "discretion",
            "自由裁量": "discretion",
            "动态信息": "dynamic",
            "工作简报": "dynamic",
            "检查记录": "dynamic",
            "投诉举报": "complaint_handling",
            "其他": "other",
        },
    ),
    ImportField(
        "title", "信息名称", also="标题 信息标题 名称 共享信息 信息内容 事项", required=True
    ),
    ImportField(
        "counterparts",
        "共享单位",
        ORGS,
        True,
        "共享部门 共享对象 接收单位 接收部门 来源部门 信息来源部门 对方单位 部门 单位",
    ),
    ImportField("formed_on", "形成日期", DATE, True, "信息形成日期 形成时间 信息形成时间 产生日期"),
    ImportField("shared_on", "共享日期", DATE, also="共享时间 报送日期 报送时间 收到日期 接收日期"),
    ImportField(
        "method",
        "共享方式",
        TERM,
        also="方式 报送方式 传递方式",
        term=ShareMethod,
        words={"平台": "platform", "网络平台": "platform", "邮件": "email", "邮箱": "email"}
        | {"纸质": "document", "函件": "document", "公文": "document", "会议": "meeting"}
        | {"电话": "phone", "其他": "other", "微信": "other"},
    ),
    ImportField("late_reason", "延期共享原因", also="延期原因 未当日共享原因 逾期原因 说明"),
    ImportField("summary", "内容摘要", also="摘要 主要内容 内容"),
    ImportField("note", "备注"),
)


def _info_check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    data = ShareInput(
        direction=v.get("direction") or "",
        category=v.get("category") or "",
        title=v.get("title") or "",
        summary=v.get("summary"),
        counterpart_ids=v.get("counterparts") or [],
        formed_on=v.get("formed_on"),  # type: ignore[arg-type]
        shared_on=v.get("shared_on"),
        method=v.get("method"),
        late_reason=v.get("late_reason"),
        note=v.get("note"),
    )
    found = check_share(s, data)
    problems = rename(found.problems, {"counterpart_ids": "counterparts"})
    if problems:
        return None, problems
    values = dict(found.values)
    key = (norm(values["title"]), values["formed_on"], frozenset(o.id for o in found.counterparts))
    prepared = Prepared(0, key, values["formed_on"].year, values, {"orgs": found.counterparts})
    return prepared, {}


def _info_existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    days = {k[1] for k in keys}
    if not days:
        return {}
    rows = s.execute(
        select(InfoShare)
        .where(InfoShare.formed_on.in_(days), *mine(s, InfoShare))
        .options(selectinload(InfoShare.counterparts))
    ).scalars()
    return {
        (norm(r.title), r.formed_on, frozenset(o.id for o in r.counterparts)): r.serial
        for r in rows
    }


def _info_build(p: Prepared, cal: WorkCalendar) -> InfoShare:
    sh = InfoShare(**p.values)
    sh.counterparts = list(p.extra["orgs"])
    if sh.shared_on is None:
        sh.deadline_at = deadlines.info_share_deadline(sh.formed_on).due_at
        sh.deadline_what = "共享期限"
    return sh


# --- 执法协助 -----------------------------------------------------------------------------

_SEND_WORDS = {
    "当面": "in_person",
    "送达": "in_person",
    "专人送达": "in_person",
    "直送": "in_person",
}
_SEND_WORDS |= {"邮寄": "mail", "快递": "mail", "电子": "electronic", "邮件": "electronic"}
_SEND_WORDS |= {"平台": "electronic", "传真": "electronic", "其他": "other"}

ASSIST_FIELDS = (
    ImportField(
        "kind",
        "协助类型",
        TERM,
        True,
        "类型 协助种类 请求类型",
        AssistanceKind,
        {"技术支撑": "technical", "技术认定": "technical", "认定": "technical"}
        | {"鉴定": "technical", "检测": "technical", "查阅档案": "archive"}
        | {"复制档案": "archive", "档案": "archive", "调阅": "archive", "现场": "on_site"}
        | {"派员": "on_site"},
    ),
    ImportField(
        "department",
        "被请求部门",
        ORG,
        True,
        "协助部门 被请求单位 协助单位 请求部门 函告部门 部门",
    ),
    ImportField("subject", "协助事项", required=True, also="事项 请求事项 协助内容 事由 名称"),
    ImportField("questions", "请求协助的问题", also="协助问题 具体问题 问题"),
    ImportField("urgent", "是否紧急", BOOL, also="紧急 情况紧急 紧急程度"),
    ImportField(
        "requested_on", "发函日期", DATE, True, "请求日期 发函时间 请求时间 函告日期 申请日期"
    ),
    ImportField(
        "sent_method",
        "送达方式",
        TERM,
        also="发送方式 发函方式",
        term=SendMethod,
        words=_SEND_WORDS,
    ),
    ImportField("replied_on", "答复日期", DATE, also="回复日期 答复时间 回复时间 反馈日期"),
    ImportField(
        "opinion_summary",
        "书面意见摘要",
        also="答复意见 答复情况 回复情况 答复内容 协助结果 办理结果 书面意见",
    ),
    ImportField("evidence_received", "收到的证据材料", also="证据材料 移交证据 证据"),
    ImportField(
        "status",
        "状态",
        TERM,
        also="办理状态 当前状态",
        term=AssistanceStatus,
        words={"已办结": "replied", "办结": "replied", "已回复": "replied", "答复": "replied"}
        | {"撤回": "withdrawn", "拒绝": "refused", "推诿": "refused", "刁难": "refused"}
        | {"待答复": "sent", "办理中": "sent", "发函": "sent"},
    ),
    ImportField("note", "备注"),
)


def _assist_check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    data = AssistanceInput(
        kind=v.get("kind") or "",
        department_id=v.get("department"),
        subject=v.get("subject") or "",
        questions=v.get("questions"),
        urgent=bool(v.get("urgent")),
        note=v.get("note"),
    )
    values, problems, rules = check_request(s, data)
    c = Checker()
    c.problems.update(rename({**rules, **problems}, {"department_id": "department"}))
    requested = day(c, "requested_on", v.get("requested_on"), "发函日期")
    replied = None
    if v.get("replied_on") is not None:
        replied = day(c, "replied_on", v.get("replied_on"), "答复日期")
        order(c, "replied_on", requested, replied, "发函日期", "答复日期")
    opinion = c.text("opinion_summary", v.get("opinion_summary"), "书面意见摘要", 5000)
    evidence = c.text("evidence_received", v.get("evidence_received"), "收到的证据材料", 2000)
    status = v.get("status") or (AssistanceStatus.REPLIED if replied else AssistanceStatus.SENT)
    status = AssistanceStatus(status)
    if status == AssistanceStatus.DRAFT:
        c.fail("status", "台账中的执法协助应是已发函的请求，不能导入为草稿")
    elif status == AssistanceStatus.REPLIED and replied is None and "replied_on" not in c.problems:
        c.fail("replied_on", "状态为“已答复”，请填写答复日期")
    elif status != AssistanceStatus.REPLIED and replied is not None:
        c.fail("status", f"填写了答复日期，状态却是“{status.label}”")
    if replied is not None and not opinion:
        c.fail("opinion_summary", "填写了答复日期，请同时填写书面意见摘要（答复内容）")
    if c.problems:
        return None, dict(c.problems)
    assert requested is not None
    values.update(
        status=status,
        requested_on=requested,
        sent_at=datetime.combine(requested, time()),
        sent_method=v.get("sent_method"),
        replied_on=replied,
        opinion_summary=opinion if status == AssistanceStatus.REPLIED else None,
        evidence_received=evidence,
        refusal_note=(opinion or "（原台账记载）") if status == AssistanceStatus.REFUSED else None,
    )
    key = (norm(values["subject"]), requested, values["department_id"])
    return Prepared(0, key, requested.year, values), {}


def _assist_existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    days = {k[1] for k in keys}
    rows = s.execute(
        select(AssistanceRequest).where(
            AssistanceRequest.requested_on.in_(days), *mine(s, AssistanceRequest)
        )
    ).scalars()
    return {(norm(r.subject), r.requested_on, r.department_id): r.serial for r in rows}


def _assist_build(p: Prepared, cal: WorkCalendar) -> AssistanceRequest:
    a = AssistanceRequest(**p.values)
    a.extensions = []
    a.deadline_at, a.deadline_what = clock_of(a, cal)
    return a


# --- 案件移送 (移出) ----------------------------------------------------------------------

REFERRAL_FIELDS = (
    *MATTER_AND_PARTY,
    ImportField("place", "地点", required=True, also="违法地点 发生地点 案发地点 发现地点"),
    ImportField("found_at", "发现时间", MOMENT, True, "发现日期 案发时间 案发日期"),
    ImportField(
        "found_how",
        "发现途径",
        TERM,
        also="案件来源 线索来源 来源",
        term=FoundHow,
        words={"检查": "inspection", "巡查": "inspection", "日常巡查": "inspection"}
        | {"举报": "complaint", "投诉": "complaint", "12345": "complaint", "其他": "other"},
    ),
    ImportField(
        "receiver",
        "接收单位",
        ORG,
        True,
        "接收部门 受移送部门 受移送单位 移送部门 管辖部门 移送至 移交部门",
    ),
    ImportField(
        "urgency",
        "紧急程度",
        TERM,
        also="是否紧急 缓急",
        term=Urgency,
        words={"一般": "normal", "普通": "normal", "否": "normal", "紧急": "urgent"}
        | {"情况紧急": "urgent", "是": "urgent", "正在进行": "ongoing"},
    ),
    ImportField("facts", "基本违法事实", also="违法事实 案情 简要案情 基本案情 主要事实"),
    ImportField("dissuaded_at", "劝阻时间", MOMENT),
    ImportField("notified_at", "告知时间", MOMENT, also="通知时间 告知部门时间"),
    ImportField("notice_method", "告知方式", also="通知方式"),
    ImportField("sent_at", "移送时间", MOMENT, also="移送日期 发送时间 发送日期 移交时间 移交日期"),
    ImportField(
        "sent_method", "送达方式", TERM, also="移送方式", term=SendMethod, words=_SEND_WORDS
    ),
    ImportField("late_reason", "逾期原因", also="逾期移送原因 延期原因 逾期移送理由"),
    ImportField("signed_at", "签收时间", MOMENT, also="签收日期 接收时间 接收日期"),
    ImportField("signed_by", "签收人", also="接收人"),
    ImportField(
        "result_at",
        "反馈时间",
        MOMENT,
        also="反馈日期 结果反馈时间 处理结果反馈时间 办结时间 办结日期",
    ),
    ImportField("result_summary", "处理结果", also="办理结果 处理情况 反馈结果 查处结果"),
    ImportField("note", "备注"),
)

_PARTY_NAMES = {f"party.{k}": f"party_{k}" for k in ("name", "id_number", "credit_code")}
_PARTY_NAMES |= {"party.kind": "party_kind", "party.address": "party_address"}
_PARTY_NAMES |= {"party.phone": "party_phone", "receiver_id": "receiver", "sender_id": "receiver"}


def _ref_check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    party = PartyInput(
        v.get("party_kind"),
        v.get("party_name"),
        v.get("party_id_number"),
        v.get("party_credit_code"),
        v.get("party_address"),
        v.get("party_phone"),
    )
    data = OutgoingInput(
        matter=v.get("matter") or "",
        party=party,
        place=v.get("place") or "",
        found_at=v.get("found_at"),  # type: ignore[arg-type]
        found_how=v.get("found_how") or "",
        receiver_id=v.get("receiver"),
        urgency=v.get("urgency") or "",
        facts=v.get("facts"),
        dissuaded_at=v.get("dissuaded_at"),
        notified_at=v.get("notified_at"),
        notice_method=v.get("notice_method"),
    )
    values, problems, rules = check_outgoing(s, data)
    c = Checker()
    c.problems.update(rename({**rules, **problems}, _PARTY_NAMES))
    found = values["found_at"]
    sent = signed = result = None
    if v.get("sent_at") is not None:
        sent = same_day_floor(moment(c, "sent_at", v["sent_at"], "移送时间"), found)
        order(c, "sent_at", found, sent, "发现时间", "移送时间")
    if v.get("signed_at") is not None:
        signed = same_day_floor(moment(c, "signed_at", v["signed_at"], "签收时间"), sent)
        order(c, "signed_at", sent, signed, "移送时间", "签收时间")
    if v.get("result_at") is not None:
        result = same_day_floor(moment(c, "result_at", v["result_at"], "反馈时间"), signed or sent)
        order(c, "result_at", signed or sent, result, "签收时间", "反馈时间")
    summary = c.text("result_summary", v.get("result_summary"), "处理结果", 5000)
    signed_by = c.text("signed_by", v.get("signed_by"), "签收人", 40)
    reason = c.text("late_reason", v.get("late_reason"), "逾期原因", 1000)
    note = c.text("note", v.get("note"), "备注", 2000)
    for fld, label in (("signed_at", "签收时间"), ("result_at", "反馈时间")):
        if v.get(fld) is not None and v.get("sent_at") is None:
            c.fail(fld, f"填写了{label}，请同时填写移送时间")
    if summary and v.get("result_at") is None:
        c.fail("result_at", "填写了处理结果，请同时填写反馈时间")
    if v.get("result_at") is not None and not summary:
        c.fail("result_summary", "填写了反馈时间，请同时填写处理结果")
    if c.problems:
        return None, dict(c.problems)
    status = ReferralStatus.DRAFT
    if sent is not None:
        status = ReferralStatus.SENT
    if signed is not None:
        status = ReferralStatus.SIGNED
    if result is not None:
        status = ReferralStatus.RESULT
    values.update(
        note=note,
        status=status,
        sent_at=sent,
        sent_method=v.get("sent_method") if sent else None,
        signed_at=signed,
        signed_by=signed_by,
        result_at=result,
        result_summary=summary,
        late_reason=reason if sent else None,
    )
    key = (norm(values["matter"]), found.date(), values["receiver_id"])
    return Prepared(0, key, found.year, values), {}


def _ref_existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    span = moment_span(k[1] for k in keys)
    if span is None:
        return {}
    start, end = span
    rows = s.execute(
        select(Referral).where(
            Referral.direction == Direction.OUTGOING,
            Referral.found_at >= start,
            Referral.found_at < end,
            *mine(s, Referral),
        )
    ).scalars()
    return {(norm(r.matter), r.found_at.date(), r.receiver_id): r.serial for r in rows}


def _ref_build(p: Prepared, cal: WorkCalendar) -> Referral:
    r = Referral(direction=Direction.OUTGOING, pre_transfer=False, **p.values)
    if r.status == ReferralStatus.DRAFT:
        r.deadline_at = deadlines.referral_deadline(r.found_at, r.urgency, cal).due_at
        r.deadline_what = DEADLINE_WHAT
    return r


def referral_late(r: Referral, cal: WorkCalendar) -> bool:
    if r.sent_at is None:
        return False
    due = deadlines.referral_deadline(r.found_at, r.urgency, cal).due_at
    if r.sent_at.time() == time():  # only the date is known
        return r.sent_at.date() > due.date()
    return deadlines.is_late(due, r.sent_at)


TARGETS: dict[str, Target] = {
    "info_shares": Target(
        "info_shares",
        "信息共享",
        RecordType.INFO_SHARE,
        InfoShare,
        INFO_FIELDS,
        {"direction": ShareDirection.SHARED.value, "method": ShareMethod.OTHER.value},
        _info_check,
        _info_existing,
        _info_build,
    ),
    "assistance": Target(
        "assistance",
        "执法协助",
        RecordType.ASSISTANCE,
        AssistanceRequest,
        ASSIST_FIELDS,
        {},
        _assist_check,
        _assist_existing,
        _assist_build,
    ),
    "referrals": Target(
        "referrals",
        "案件移送（本镇移出）",
        RecordType.REFERRAL,
        Referral,
        REFERRAL_FIELDS,
        {"urgency": Urgency.NORMAL.value, "found_how": FoundHow.OTHER.value},
        _ref_check,
        _ref_existing,
        _ref_build,
        note=lambda r, cal: (
            "（逾期移送，原台账未记录逾期原因）"
            if referral_late(r, cal) and not r.late_reason
            else ""
        ),
    ),
}


def _gather() -> None:
    """The targets declared in their own modules (one per ledger)."""
    from desktop_app.services import (
        ledger_import_complaints,
        ledger_import_criminal,
        ledger_import_disputes,
        ledger_import_incoming,
        ledger_import_meetings,
    )

    for module in (
        ledger_import_incoming,
        ledger_import_complaints,
        ledger_import_meetings,
        ledger_import_disputes,
        ledger_import_criminal,
    ):
        TARGETS.update(module.TARGETS)


_gather()


__all__ = ["TARGETS", "Organisation", "Prepared", "SerialCounter", "Target", "referral_late"]
