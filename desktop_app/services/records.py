"""Reading one record as the clerk sees it: every field with its Chinese label.

Used by the record view and (later) by the audit viewer. The complainant's
identity is not part of any record here: it lives in its own table and is
read only through the complaint service, which audits each view.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.deadlines import is_end_of_day
from desktop_app.domain.terms import Direction, MeetingTopic, RecordType, ShareDirection, Term
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import NotFound
from desktop_app.services.ledgers import LISTS
from desktop_app.storage.models import (
    Complaint,
    CriminalTransfer,
    EnforcementCase,
    InfoShare,
    JointAction,
    Meeting,
    Organisation,
    PenaltyMatter,
    Referral,
    Staff,
)

# One label per attribute name; the same name means the same thing in every table.
FIELD_LABELS: dict[str, str] = {
    "serial": "台账编号",
    "direction": "方向",
    "status": "状态",
    "sender_id": "移送单位",
    "receiver_id": "接收单位",
    "sender_legal_basis": "移送单位以自己名义办理的依据",
    "receiver_legal_basis": "接收单位以自己名义办理的依据",
    "penalty_matter_id": "行政处罚事项",
    "matter": "违法事项",
    "facts": "基本违法事实",
    "place": "地点",
    "found_at": "发现时间",
    "found_how": "发现途径",
    "urgency": "紧急程度",
    "dissuaded_at": "劝阻时间",
    "dissuasion_note": "劝阻情况",
    "notified_at": "告知（通知）时间",
    "notice_method": "告知方式",
    "notice_person": "被告知人",
    "sent_at": "发送时间",
    "sent_method": "送达方式",
    "sent_by_id": "发送人",
    "late_reason": "逾期原因",
    "delivered_at": "送达时间",
    "signed_at": "签收时间",
    "signed_by": "签收人",
    "result_at": "反馈处理结果时间",
    "result_summary": "处理结果",
    "returned_at": "退回时间",
    "return_reason": "退回理由",
    "complaint_id": "来源投诉举报",
    "case_id": "关联立案案件",
    "pre_transfer": "划转前案件",
    "pre_transfer_state": "划转前案件状态",
    "archive_holder": "档案保存单位",
    "consultation_note": "协商处理情况",
    "party_kind": "当事人类型",
    "party_name": "当事人",
    "party_id_number": "身份证号码",
    "party_credit_code": "统一社会信用代码",
    "party_address": "当事人地址",
    "party_phone": "当事人电话",
    "received_at": "受理时间",
    "channel": "受理渠道",
    "first_contact_id": "首问责任人",
    "anonymous": "匿名",
    "content": "投诉举报内容",
    "competent_org_id": "有管辖权的单位",
    "informing_org_id": "告知部门",
    "informed_on": "告知日期",
    "materials_handed_over": "已移交书面材料",
    "outcome": "核实结果",
    "verified_at": "核实时间",
    "verified_by_id": "核实人",
    "verification_note": "核实情况",
    "referral_id": "关联案件移送",
    "replied_at": "答复投诉举报人时间",
    "reply_method": "答复方式",
    "reply_summary": "答复内容",
    "feedback_at": "向告知部门反馈时间",
    "feedback_summary": "反馈内容",
    "duplicate_of_id": "重复于",
    "closed_at": "办结时间",
    "category": "信息类别",
    "title": "名称",
    "summary": "内容摘要",
    "formed_on": "形成日期",
    "shared_on": "共享日期",
    "method": "共享方式",
    "counterparts": "共享单位",
    "kind": "类型",
    "subject": "事项",
    "held_at": "召开时间",
    "host": "主持人",
    "participants": "参会人员",
    "topics": "议题类别",
    "discussion": "讨论情况",
    "decisions": "议定事项",
    "organisations": "参会单位",
    "action_id": "落实事项编号",
    "action_description": "落实事项",
    "owner_org": "责任单位",
    "owner_org_id": "责任单位",
    "due_on": "完成时限",
    "action_status": "落实状态",
    "done_on": "完成日期",
    "action_note": "落实情况",
    "department_id": "部门",
    "hazard": "隐患或违法情况",
    "notified_person": "被通知人",
    "officers_arrived_at": "执法人员到场时间",
    "response_note": "处置情况",
    "refusal_reason": "未处理理由",
    "reported_at": "报告县人民政府时间",
    "report_reply_at": "县人民政府处理时间",
    "report_reply": "县人民政府处理情况",
    "participating_orgs": "参加单位",
    "action_on": "行动日期",
    "meeting_id": "关联会议",
    "targets": "检查对象",
    "findings": "发现问题",
    "results": "处理结果",
    "questions": "请求协助的问题",
    "materials_sent": "随函材料",
    "urgent": "情况紧急",
    "requested_on": "发函日期",
    "replied_on": "答复日期",
    "opinion_summary": "书面意见摘要",
    "evidence_received": "收到的证据材料",
    "refusal_note": "推诿、刁难情况",
    "reminder_sent_on": "催办日期",
    "opened_on": "发生日期",
    "agreed_handler_id": "协商确定的办理单位",
    "agreed_on": "协商一致日期",
    "escalated_on": "提请县人民政府决定日期",
    "decision": "县人民政府决定",
    "decided_on": "决定日期",
    "decided_handler_id": "决定的办理单位",
    "held_on": "协商日期",
    "people": "参加人员",
    "positions": "双方意见",
    "source_type": "来源台账",
    "source_id": "来源记录",
    "reason": "涉嫌犯罪的理由",
    "flagged_at": "发现涉嫌犯罪时间",
    "report_at": "书面报告时间",
    "approver_id": "审批负责人",
    "decision_at": "负责人决定时间",
    "approved": "批准移送",
    "rejection_reason": "不批准的理由",
    "transferred_at": "移送公安机关时间",
    "police_org_id": "公安机关",
    "procuratorate_org_id": "人民检察院",
    "procuratorate_informed_at": "抄送检察院时间",
    "police_received_at": "公安机关接收时间",
    "police_decision": "公安机关决定",
    "police_decision_at": "公安机关决定时间",
    "reconsideration_at": "提请复议时间",
    "reconsideration_result": "复议结果",
    "handover_at": "移交涉案物品时间",
    "supervision_at": "检察院监督时间",
    "supervision_note": "检察院立案监督情况",
    "team": "专案组成员",
    "case_number": "案号",
    "filed_on": "立案日期",
    "closed_on": "结案日期",
    "closure": "结案方式",
    "penalty_summary": "处罚情况",
    "suspected_crime": "涉嫌犯罪",
    "crime_reason": "涉嫌犯罪的理由",
    "override_reason": "特别处理理由",
    "override_by_id": "特别处理人",
    "override_at": "特别处理时间",
    "deadline_at": "当前期限",
    "deadline_what": "期限事项",
    "note": "备注",
    "linked_type": "关联台账",
    "linked_id": "关联记录",
    "created_by_id": "登记人",
    "created_at": "登记时间",
    "updated_at": "最后修改时间",
}

_HIDDEN = {"id", "version"}
# links to another ledger record show that record's serial (and a case its number)
_LINKED: dict[str, Any] = {
    "case_id": EnforcementCase,
    "referral_id": Referral,
    "complaint_id": Complaint,
    "meeting_id": Meeting,
}
_STAFF_FIELDS = {k for k in FIELD_LABELS if k.endswith("_by_id")} | {
    "first_contact_id",
    "approver_id",
}
_ORG_FIELDS = {
    "owner_org_id",
    "sender_id",
    "receiver_id",
    "competent_org_id",
    "informing_org_id",
    "department_id",
    "agreed_handler_id",
    "decided_handler_id",
    "police_org_id",
    "procuratorate_org_id",
}


OWNER_LABEL = "登记单位"


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def format_value(session: Session, field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if field in _ORG_FIELDS:
        org = session.get(Organisation, value)
        return org.name if org else f"（单位 {value}）"
    if field in _STAFF_FIELDS:
        person = session.get(Staff, value)
        return person.name if person else f"（人员 {value}）"
    if field in _LINKED:
        model = _LINKED[field]
        linked = session.get(model, value)
        if linked is None:
            return f"（已删除的记录 {value}）"
        number = getattr(linked, "case_number", None)
        return f"{linked.serial}（{number}）" if number else str(linked.serial)
    if field == "penalty_matter_id":
        matter = session.get(PenaltyMatter, value)
        return matter.name if matter else f"（事项 {value}）"
    if field in ("linked_type", "source_type"):
        return RecordType.label_of(value)
    if field == "topics":
        return "、".join(MeetingTopic.label_of(v) for v in value)
    if isinstance(value, Term):
        return value.label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}" if is_end_of_day(value) else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


_BY_TYPE: dict[str, Any] = {
    RecordType.CASE.value: EnforcementCase,
    RecordType.REFERRAL.value: Referral,
    RecordType.COMPLAINT.value: Complaint,
}


def record_label(session: Session, record_type: str | None, record_id: int | None) -> str:
    """Another ledger's record as the clerk knows it: 移2026-0007 / 案2026-0003（案号）."""
    if not record_type or record_id is None:
        return ""
    for field, model in _LINKED.items():
        if _BY_TYPE.get(record_type) is model:
            return format_value(session, field, record_id)
    return f"{RecordType.label_of(record_type)} {record_id}"


def describe(ctx: ServiceContext, record_type: str | None, record_id: int | None) -> str:
    with ctx.read() as s:
        return record_label(s, record_type, record_id)


def deadline_note(ctx: ServiceContext, ledger_key: str, record_id: int) -> tuple[str, bool]:
    """The running clock of a record for its detail banner, and whether it is overdue:
    ("书面答复期限：2026-11-24（已逾期5天）", True); the step alone ("等待县人民政府决定",
    False) when it has no fixed date; ("", False) when no clock runs."""
    with ctx.read() as s:
        obj = scope.get_visible(s, LISTS[ledger_key].model, record_id, ctx)
        if obj is None:
            raise NotFound(f"记录不存在（{record_id}）")
        due, what = getattr(obj, "deadline_at", None), getattr(obj, "deadline_what", None)
    if due is None:  # a step without a fixed date, e.g. 等待县人民政府决定
        return (what or ""), False
    now = clock.now()
    shown = f"{due:%Y-%m-%d}" if is_end_of_day(due) else f"{due:%Y-%m-%d %H:%M}"
    days = (due.date() - now.date()).days
    if due < now:
        tail = f"已逾期{-days}天" if days else "已超过期限"
    elif days == 0:
        tail = "今天到期"
    else:
        tail = f"还有{days}天"
    return f"{what or '期限'}：{shown}（{tail}）", due < now


# Where one ledger names a shared column differently, and the order its detail reads in
# (keys not listed follow in FIELD_LABELS order).
_LEDGER_LABELS: dict[str, dict[str, str]] = {
    "info_shares": {"title": "信息名称", "late_reason": "延期共享原因"},
    "assistance": {"department_id": "被请求部门", "subject": "协助事项", "kind": "协助类型"},
    "meetings": {"subject": "会议名称", "kind": "会议类型", "held_at": "召开时间"},
    "urgent_notices": {"department_id": "通知部门", "notified_person": "接到通知的人员"},
    "disputes": {"department_id": "争议部门", "matter": "争议事项"},
}
_LEDGER_ORDER: dict[str, tuple[str, ...]] = {
    "meetings": (
        "serial",
        "kind",
        "status",
        "subject",
        "held_at",
        "place",
        "host",
        "organisations",
        "participants",
        "topics",
    ),
    "joint_actions": ("serial", "title", "action_on", "organisations", "targets"),
    "criminal_transfers": (
        "serial",
        "status",
        "case_id",
        "title",
        "source_type",
        "source_id",
        "reason",
        "team",
    ),
    "info_shares": (
        "serial",
        "direction",
        "category",
        "title",
        "summary",
        "counterparts",
        "formed_on",
        "shared_on",
        "method",
        "late_reason",
        "deadline_at",
        "deadline_what",
    ),
}


def _extra_fields(obj: Any) -> list[tuple[str, str, str]]:
    """(key, label, text) of what is not a column: an item's counterparts."""
    if isinstance(obj, InfoShare):
        names = "、".join(o.name for o in obj.counterparts)
        received = obj.direction == ShareDirection.RECEIVED
        return [("counterparts", "信息来源部门" if received else "共享单位", names)]
    if isinstance(obj, CriminalTransfer):
        names = "、".join(p.name for p in obj.officers)
        return [("team", "专案组成员", names)]
    if isinstance(obj, Meeting | JointAction):
        label = "参会单位" if isinstance(obj, Meeting) else "参加单位"
        return [("organisations", label, "、".join(o.name for o in obj.organisations))]
    return []


def _direction_seen(r: Referral, ctx: ServiceContext) -> Any:
    """方向 from ``ctx``'s side, as the lists show it (scope.direction_seen): another
    owner's 移出 to it is its 移入, and the other way round."""
    if scope.sees_everything(ctx) or r.owner_org_id in (None, ctx.org_id):
        return r.direction
    out = r.direction == Direction.OUTGOING
    return Direction.INCOMING if out else Direction.OUTGOING


def detail(ctx: ServiceContext, ledger_key: str, record_id: int) -> list[tuple[str, str]]:
    """(label, text) for every filled field of a record, in the ledger's reading order.
    A record ``ctx`` may not see (services/scope.py) is not found."""
    ledger = LISTS[ledger_key]
    names = _LEDGER_LABELS.get(ledger_key, {})
    with ctx.read() as s:
        obj = s.execute(select(ledger.model).where(ledger.model.id == record_id)).scalar()
        if obj is not None and scope.get_visible(s, ledger.model, record_id, ctx) is None:
            obj = None
        if obj is None:
            raise NotFound("该记录不存在或已被删除。")
        rows: list[tuple[str, str, str]] = []
        for attr in inspect(ledger.model).column_attrs:
            if attr.key in _HIDDEN:
                continue
            if attr.key in ("linked_id", "source_id"):  # the other record, by its number
                kind = getattr(obj, attr.key.replace("_id", "_type"), None)
                text = record_label(s, kind, getattr(obj, attr.key))
            elif attr.key == "direction" and isinstance(obj, Referral):
                text = format_value(s, attr.key, _direction_seen(obj, ctx))
            else:
                text = format_value(s, attr.key, getattr(obj, attr.key))
            name = names.get(attr.key) or label(attr.key)
            if attr.key == "owner_org_id" and scope.has_owner(ledger.model):
                name = OWNER_LABEL  # who registered it (a follow-up action's is 责任单位)
            rows.append((attr.key, name, text))
        rows.extend(_extra_fields(obj))
    first = {k: i for i, k in enumerate(_LEDGER_ORDER.get(ledger_key, ()))}
    order = {k: len(first) + i for i, k in enumerate(FIELD_LABELS)}
    rows.sort(key=lambda r: first.get(r[0], order.get(r[0], len(first) + len(order))))
    return [(name, text) for _key, name, text in rows if text]
