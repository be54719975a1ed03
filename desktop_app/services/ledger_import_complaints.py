"""Ledger import: 投诉举报 — an office's complaint ledger into the complaints ledger.

Each row goes through the intake form's own check (:func:`complaint_forms.check_complaint`:
受理渠道, the informing county department, the complainant or anonymity, the
respondent's ID number / credit code / phone, the complainant's identity kept
out of every free text), then the record is built in the import's unit of work.
The complainant's name, phone, ID number and address go into the separate
``complainants`` table (as :func:`complaints.register` stores them), never into
the complaint row nor the audit entry.

Columns the form needs that a ledger often lacks:

* 首问责任人: a staff member by name (active, as the form requires); left
  blank, the operator who imports becomes the first contact — as
  :func:`complaints.register` makes whoever registers it (set once the record
  is stored, through the target's ``note`` hook, the only step that sees the
  operator);
* anonymity: a 是否匿名 column, a name written as 「匿名」, or no identity at all;
* 受理渠道: blank with a 告知部门 → 县级部门告知; 告知日期 blank → the day received.

Historical states (the dates checked in order: 核实 ≥ 受理, 答复/反馈 ≥ 核实 or
受理, 办结 ≥ 受理 and the answers):

* nothing after intake → 已登记, the 核实期限 clock runs from 受理时间;
* 核实时间 + 核实结果 + 核实情况 (all three, as :func:`complaint_flow.record_verification`
  requires) → 处理中 with the clock the service sets for what is still due
  (答复期限 / 移送期限 …, :func:`complaint_common.clock_of`) — or 已办结 when
  nothing is due any more (the service's ``settle``);
* a 办结时间, or every answer owed given (答复 to a named complainant, 反馈
  to an informing department), with a result (答复内容 / 反馈内容 / 核实情况) →
  已办结 at the last of those times, no clock. An answer before verification is
  accepted only for a record that is thereby closed (the case or transfer the
  result speaks of is not in the sheet and is not created).

An anonymous complaint gets no reply (as :func:`complaint_flow.record_reply`):
its 处理结果 is kept as the 核实情况. Answers need their text and the text its
date; feedback only when a department informed the township. A 办理状态 column
(已登记 / 处理中 / 已办结) must agree with the dates.

Duplicates: the same day of 受理时间 and the same 投诉举报内容 (letters and digits
compared, case folded) — the same complaint written twice; against complaints
already in the ledger and within the file. Serial (诉…): in the year of 受理时间.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    PartyKind,
    RecordType,
)
from desktop_app.services import identity
from desktop_app.services import settings as settings_service
from desktop_app.services.complaint_common import Secrets, clock_of, duties, keep_out
from desktop_app.services.complaint_forms import ComplainantInput, ComplaintInput, check_complaint
from desktop_app.services.context import ServiceContext
from desktop_app.services.forms import Checker
from desktop_app.services.ledger_import_base import (
    Prepared,
    Problems,
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
    MOMENT,
    ORG,
    TERM,
    ImportField,
    norm,
)
from desktop_app.services.referral_common import moment
from desktop_app.services.referral_forms import PartyInput
from desktop_app.storage.models import Complainant, Complaint, Staff

S = ComplaintStatus
O = ComplaintOutcome  # noqa: E741 - the outcome enum, short like S

_CHANNEL_WORDS = {
    "电话": "phone",
    "来电": "phone",
    "电话投诉": "phone",
    "电话举报": "phone",
    "来访": "visit",
    "上访": "visit",
    "当面": "visit",
    "现场": "visit",
    "走访": "visit",
    "信件": "letter",
    "来信": "letter",
    "书信": "letter",
    "信访件": "letter",
    "网络": "online",
    "网上": "online",
    "网站": "online",
    "邮件": "online",
    "电子邮件": "online",
    "微信": "online",
    "信箱": "online",
    "平台": "online",
    "12345": "hotline_12345",
    "热线": "hotline_12345",
    "市长热线": "hotline_12345",
    "政务热线": "hotline_12345",
    "部门告知": "department",
    "县级部门": "department",
    "部门转办": "department",
    "部门交办": "department",
    "转办": "department",
    "交办": "department",
}

COMPLAINT_FIELDS = (
    ImportField(
        "received_at",
        "受理时间",
        MOMENT,
        True,
        "受理日期 登记日期 登记时间 收到日期 收到时间 接收日期 接收时间 来电时间 来访时间"
        " 投诉时间 举报时间 反映时间 投诉日期 举报日期",
    ),
    ImportField(
        "channel",
        "受理渠道",
        TERM,
        True,
        "渠道 来源 来源渠道 投诉渠道 举报渠道 反映渠道 受理方式 投诉方式 举报方式 来件方式",
        ComplaintChannel,
        _CHANNEL_WORDS,
    ),
    ImportField(
        "informing_org",
        "告知部门",
        ORG,
        also="告知单位 转办部门 交办部门 转办单位 交办单位 告知的县级部门",
    ),
    ImportField("informed_on", "告知日期", DATE, also="告知时间 转办日期 转办时间 交办日期"),
    ImportField("first_contact", "首问责任人", also="首问人 受理人 接待人 登记人 接听人 经办人"),
    ImportField("anonymous", "是否匿名", BOOL, also="匿名"),
    ImportField(
        "complainant_name",
        "投诉举报人",
        also="投诉举报人姓名 投诉人 举报人 投诉人姓名 举报人姓名 反映人 来电人 来访人 姓名",
    ),
    ImportField(
        "complainant_phone",
        "投诉举报人电话",
        also="投诉举报人联系电话 投诉人电话 举报人电话 投诉人联系电话 举报人联系电话"
        " 联系电话 电话 联系方式",
    ),
    ImportField(
        "complainant_id_number",
        "投诉举报人身份证号码",
        also="投诉人身份证号码 举报人身份证号码 投诉人身份证号 举报人身份证号"
        " 身份证号码 身份证号 公民身份号码 证件号码",
    ),
    ImportField(
        "complainant_address",
        "投诉举报人住址",
        also="投诉人住址 举报人住址 投诉人地址 举报人地址 住址 地址 联系地址",
    ),
    ImportField(
        "respondent_name",
        "被投诉举报对象",
        also="被投诉对象 被举报对象 被投诉人 被举报人 被投诉人姓名 被举报人姓名 被反映对象"
        " 被投诉单位 被举报单位 投诉对象 举报对象 涉及对象 当事人",
    ),
    ImportField(
        "respondent_kind",
        "被投诉举报对象类型",
        TERM,
        also="被投诉对象类型 被举报对象类型 当事人类型 对象类型",
        term=PartyKind,
        words={"个人": "person", "自然人": "person", "单位": "organisation"}
        | {"企业": "organisation", "法人": "organisation", "公司": "organisation"},
    ),
    ImportField(
        "respondent_id_number",
        "被投诉举报对象身份证号码",
        also="被投诉对象身份证号码 被举报对象身份证号码 被投诉人身份证号码 被举报人身份证号码"
        " 当事人身份证号码",
    ),
    ImportField(
        "respondent_credit_code",
        "统一社会信用代码",
        also="信用代码 社会信用代码 被投诉单位信用代码 被举报单位信用代码",
    ),
    ImportField(
        "respondent_address",
        "被投诉举报对象地址",
        also="被投诉对象地址 被举报对象地址 被投诉人地址 被举报人地址 当事人地址 经营地址",
    ),
    ImportField(
        "respondent_phone",
        "被投诉举报对象电话",
        also="被投诉对象电话 被举报对象电话 被投诉人电话 被举报人电话 当事人电话",
    ),
    ImportField("place", "地点", also="发生地点 所在地点 具体地点 问题地点 位置 事发地点"),
    ImportField(
        "content",
        "投诉举报内容",
        required=True,
        also="内容 内容摘要 摘要 事项 反映内容 反映问题 反映事项 投诉内容 举报内容 投诉事项"
        " 举报事项 投诉举报事项 主要内容 事由 问题 诉求",
    ),
    ImportField(
        "status",
        "办理状态",
        TERM,
        also="状态 当前状态 办理进度",
        term=ComplaintStatus,
        words={"登记": "registered", "待核实": "registered", "未核实": "registered"}
        | {"办理中": "handling", "在办": "handling", "已核实": "handling", "未办结": "handling"}
        | {"办结": "closed", "已答复": "closed", "完成": "closed", "已完成": "closed"}
        | {"结案": "closed", "已处理": "closed", "已结": "closed"},
    ),
    ImportField(
        "outcome",
        "核实结果",
        TERM,
        also="初步核实结果 核查结果 核实结论 处置方式",
        term=ComplaintOutcome,
        words={"不属实": "no_violation", "未发现违法": "no_violation", "无违法": "no_violation"}
        | {"无违法行为": "no_violation", "直接答复": "no_violation", "立案": "case_filed"}
        | {"立案调查": "case_filed", "立案查处": "case_filed", "移送": "transferred"}
        | {"移交": "transferred", "无管辖权": "transferred"},
    ),
    ImportField("verified_at", "核实时间", MOMENT, also="核实日期 核查时间 核查日期 初步核实时间"),
    ImportField("verification_note", "核实情况", also="初步核实情况 核查情况 调查情况 核实意见"),
    ImportField(
        "replied_at",
        "答复时间",
        MOMENT,
        also="答复日期 回复时间 回复日期 答复投诉人时间 答复举报人时间",
    ),
    ImportField("reply_method", "答复方式", also="回复方式"),
    ImportField(
        "reply_summary",
        "答复内容",
        also="答复情况 回复内容 回复情况 答复意见 处理结果 办理结果 处理情况 办理情况"
        " 查处结果 处理意见",
    ),
    ImportField(
        "feedback_at",
        "反馈时间",
        MOMENT,
        also="反馈日期 向部门反馈时间 向告知部门反馈时间",
    ),
    ImportField("feedback_summary", "反馈内容", also="反馈情况 反馈结果 反馈意见"),
    ImportField(
        "closed_at",
        "办结时间",
        MOMENT,
        also="办结日期 结案日期 结案时间 完成时间 完成日期",
    ),
    ImportField("note", "备注"),
)

_NAMES = {f"complainant.{k}": f"complainant_{k}" for k in ("name", "phone", "id_number")}
_NAMES |= {"complainant.address": "complainant_address"}
_NAMES |= {
    f"respondent.{k}": f"respondent_{k}"
    for k in ("name", "kind", "id_number", "credit_code", "address", "phone")
}
_NAMES |= {"informing_org_id": "informing_org", "first_contact_id": "first_contact"}
_WHO = {
    "complainant_id_number": "投诉举报人",
    "respondent_id_number": "被投诉举报对象",
    "respondent_credit_code": "被投诉举报对象",
}
_NO_NAME = frozenset({"匿名", "无", "不详", "不愿留名", "未留名", "匿名投诉", "匿名举报"})


class _Importer:
    """What :func:`check_complaint` reads of the context: the operator, unknown here
    (the first contact is then set once the record is stored, see the module doc)."""

    operator_id: int | None = None


def _staff_id(c: Checker, s: Session, name: str | None) -> int | None:
    key = unicodedata.normalize("NFKC", name or "").strip()
    if not key:
        return None
    ids = list(s.execute(select(Staff.id).where(Staff.name == key)).scalars())
    if len(ids) > 1:
        c.fail("first_contact", f"有{len(ids)}名工作人员都叫「{key}」，无法确定首问责任人")
    elif not ids:
        c.fail(
            "first_contact",
            f"找不到工作人员「{key}」，请先在“人员”中添加，或清空此格（由导入人作为首问责任人）",
        )
    return ids[0] if len(ids) == 1 else None


def _latest(*times: datetime | None) -> datetime | None:
    given = [t for t in times if t is not None]
    return max(given) if given else None


def _check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    pre = Checker()
    first_contact = _staff_id(pre, s, v.get("first_contact"))
    name = v.get("complainant_name")
    said_anonymous = unicodedata.normalize("NFKC", name or "").strip() in _NO_NAME
    if said_anonymous:
        name = None
    person_given = any(
        v.get(k) for k in ("complainant_phone", "complainant_id_number", "complainant_address")
    )
    anonymous = v.get("anonymous")
    if anonymous is None:
        anonymous = said_anonymous or not (name or person_given)
    channel = v.get("channel")
    if channel is None and v.get("informing_org") is not None:
        channel = ComplaintChannel.DEPARTMENT.value
    informed = v.get("informed_on")
    if channel == ComplaintChannel.DEPARTMENT.value and informed is None and v.get("received_at"):
        informed = v["received_at"].date()  # told and received the same day
    data = ComplaintInput(
        received_at=v.get("received_at"),  # type: ignore[arg-type]
        channel=channel or "",
        content=v.get("content") or "",
        place=v.get("place"),
        first_contact_id=first_contact,
        anonymous=bool(anonymous),
        complainant=ComplainantInput(
            name,
            v.get("complainant_phone"),
            v.get("complainant_id_number"),
            v.get("complainant_address"),
        ),
        respondent=PartyInput(
            v.get("respondent_kind"),
            v.get("respondent_name"),
            v.get("respondent_id_number"),
            v.get("respondent_credit_code"),
            v.get("respondent_address"),
            v.get("respondent_phone"),
        ),
        informing_org_id=v.get("informing_org"),
        informed_on=informed,
        note=v.get("note"),
    )
    values, person, found = check_complaint(cast(ServiceContext, _Importer()), s, data)
    problems = rename(found, _NAMES)
    if first_contact is None and "first_contact" not in pre.problems:
        problems.pop("first_contact", None)  # the importing operator, see _first_contact
    for fld, who in _WHO.items():
        if fld in problems and who not in problems[fld]:
            problems[fld] = who + problems[fld]
    c = Checker()
    c.problems.update({**problems, **pre.problems})
    locked = identity.need_key(s, person)  # encrypted identities need the log-in key
    if locked and "complainant_name" not in c.problems:
        c.fail("complainant_name", locked)
    received = values["received_at"]
    secrets = Secrets(**person) if person else Secrets()
    named = not values["anonymous"]
    informing = values["informing_org_id"] is not None

    def when(fld: str, label: str, floor: datetime | None) -> datetime | None:
        if v.get(fld) is None:
            return None
        return same_day_floor(moment(c, fld, v[fld], label), floor)

    verified = when("verified_at", "核实时间", received)
    order(c, "verified_at", received, verified, "受理时间", "核实时间")
    start, start_label = (verified, "核实时间") if verified else (received, "受理时间")
    replied = when("replied_at", "答复时间", start)
    order(c, "replied_at", start, replied, start_label, "答复时间")
    feedback = when("feedback_at", "反馈时间", start)
    order(c, "feedback_at", start, feedback, start_label, "反馈时间")
    closed = when("closed_at", "办结时间", _latest(replied, feedback) or start)
    order(c, "closed_at", received, closed, "受理时间", "办结时间")
    order(c, "closed_at", replied, closed, "答复时间", "办结时间")
    order(c, "closed_at", feedback, closed, "反馈时间", "办结时间")
    outcome = O(v["outcome"]) if v.get("outcome") else None
    note = c.text("verification_note", v.get("verification_note"), "核实情况", 5000)
    method = c.text("reply_method", v.get("reply_method"), "答复方式", 40)
    reply = c.text("reply_summary", v.get("reply_summary"), "答复内容", 2000)
    fed = c.text("feedback_summary", v.get("feedback_summary"), "反馈内容", 2000)

    # the pairs a step records together
    parts = (
        ("verified_at", "核实时间"),
        ("outcome", "核实结果"),
        ("verification_note", "核实情况"),
    )
    if any(v.get(f) is not None for f, _ in parts):
        for f, label in parts:
            if v.get(f) is None and f not in c.problems:
                c.fail(f, f"登记核实结果须同时填写核实时间、核实结果和核实情况，请填写「{label}」")
    if not named:
        if v.get("replied_at") is not None:
            c.fail(
                "replied_at",
                "匿名投诉举报没有可以答复的投诉举报人，不登记答复时间；已办结的请填写办结时间",
            )
        elif reply and note:
            c.fail("reply_summary", "匿名投诉举报不登记答复，处理结果请写在「核实情况」一栏")
        elif reply:
            note, reply = reply, None  # the anonymous complaint's result: what was verified
    for at, text, a_fld, t_fld, a_label, t_label in (
        (v.get("replied_at"), reply, "replied_at", "reply_summary", "答复时间", "答复内容"),
        (v.get("feedback_at"), fed, "feedback_at", "feedback_summary", "反馈时间", "反馈内容"),
    ):
        if at is not None and not text and t_fld not in c.problems:
            c.fail(t_fld, f"填写了{a_label}，请同时填写{t_label}")
        if text and at is None and a_fld not in c.problems:
            c.fail(a_fld, f"填写了{t_label}，请同时填写{a_label}")
    if not informing and (v.get("feedback_at") is not None or fed):
        c.fail(
            "feedback_at",
            "不是县级职能部门告知本镇的投诉举报，没有需要反馈的部门（机制 三（二）3）",
        )
    for fld, text, label in (
        ("verification_note", note, "核实情况"),
        ("reply_summary", reply, "答复内容"),
        ("feedback_summary", fed, "反馈内容"),
    ):
        keep_out(c, fld, text, label, secrets)
    if c.problems:
        return None, dict(c.problems)

    values.update(
        outcome=outcome,
        verified_at=verified,
        verified_by_id=None,
        verification_note=note,
        replied_at=replied,
        reply_method=method if replied else None,
        reply_summary=reply,
        feedback_at=feedback,
        feedback_summary=fed,
    )
    conf = settings_service.read_all(s)
    probe = Complaint(status=S.HANDLING if verified else S.REGISTERED, **values)
    owed = (named or informing) and (not named or replied) and (not informing or feedback)
    if closed is not None:
        done = True
    elif verified is not None:
        done = not duties(s, probe, cal, conf)
    else:
        done = bool(owed)
    given = S(v["status"]) if v.get("status") else None
    if given == S.VERIFYING:
        given = S.REGISTERED
    if given == S.CLOSED and not done:
        closed = _latest(replied, feedback)
        if closed is None:
            c.fail("closed_at", "状态为“已办结”，请填写办结时间（或答复时间、反馈时间）")
        done = True
    elif given is not None and given != S.CLOSED and done:
        c.fail("status", f"填写的日期表明已办结，状态却是“{given.label}”")
    elif given == S.REGISTERED and verified is not None:
        c.fail("status", "填写了核实时间和核实结果，状态却是“已登记”（已核实的应为“处理中”）")
    if done and not (reply or fed or note):
        fld = "reply_summary" if named else "verification_note"
        c.fail(fld, "已办结的投诉举报请填写处理结果（答复内容、反馈内容或核实情况）")
    if not done and verified is None:
        if replied is not None or feedback is not None:
            c.fail(
                "verified_at",
                "已答复或反馈、但尚未办结：请填写核实时间、核实结果和核实情况（先核实、后答复），"
                "或填写办结时间",
            )
        elif given == S.HANDLING:
            c.fail(
                "verified_at",
                "状态为“处理中”，请填写核实时间、核实结果和核实情况（尚未核实的请填“已登记”）",
            )
    if c.problems:
        return None, dict(c.problems)

    if done:
        values.update(
            status=S.CLOSED,
            closed_at=closed or _latest(verified, replied, feedback),
            deadline_at=None,
            deadline_what=None,
        )
    else:
        probe.status = S.HANDLING if verified else S.REGISTERED
        due, what = clock_of(s, probe, cal, conf)
        values.update(status=probe.status, closed_at=None, deadline_at=due, deadline_what=what)
    key = (received.date(), norm(values["content"]))
    return Prepared(0, key, received.year, values, {"person": person}), {}


def _existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    span = moment_span(k[0] for k in keys)
    if span is None:
        return {}
    start, end = span
    rows = s.execute(
        select(Complaint).where(
            Complaint.received_at >= start, Complaint.received_at < end, *mine(s, Complaint)
        )
    ).scalars()
    return {(r.received_at.date(), norm(r.content)): r.serial for r in rows}


def _build(p: Prepared, cal: WorkCalendar) -> Complaint:
    c = Complaint(**p.values)
    person = p.extra.get("person")
    if person is not None:  # the identity in its own table, as complaints.register keeps it
        # (encrypted when it is written: identity's flush hook, the complaint id is known then)
        c.complainant = Complainant(**person)
    return c


def _first_contact(c: Complaint) -> None:
    """首问负责: a row naming no first contact is owned by whoever imports it (as
    :func:`complaints.register` makes the operator the first contact)."""
    if c.first_contact_id is None and c.created_by_id is not None:
        c.first_contact_id = c.created_by_id


TARGETS: dict[str, Target] = {
    "complaints": Target(
        "complaints",
        "投诉举报",
        RecordType.COMPLAINT,
        Complaint,
        COMPLAINT_FIELDS,
        {},
        _check,
        _existing,
        _build,
        claimed=_first_contact,
    ),
}
