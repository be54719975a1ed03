"""Each ledger (台账) declared once: its columns, search fields and filters.

List pages, their table models, global search and the Excel ledger sheets all
read these declarations, so seven ledgers do not mean seven copies of the same
code.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from desktop_app.domain.terms import (
    AssistanceKind,
    AssistanceStatus,
    CaseClosure,
    CaseStatus,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    CriminalTransferStatus,
    Direction,
    DisputeStatus,
    DocumentStatus,
    InfoCategory,
    MeetingKind,
    MeetingStatus,
    PoliceDecision,
    RecordType,
    ReferralStatus,
    ShareDirection,
    Urgency,
    UrgentNoticeStatus,
)
from desktop_app.services.ledger_types import Col, Filter, Ledger, org_alias
from desktop_app.storage.models import (
    AssistanceRequest,
    Complaint,
    CriminalTransfer,
    Dispute,
    Document,
    EnforcementCase,
    InfoShare,
    JointAction,
    Meeting,
    Organisation,
    PenaltyMatter,
    Referral,
    Staff,
    UrgentNotice,
    info_share_counterparts,
    meeting_organisations,
)


def _referrals() -> Ledger:
    m, snd, rcv = Referral, org_alias("sender"), org_alias("receiver")
    return Ledger(
        "referrals",
        "案件移送",
        RecordType.REFERRAL,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("direction", "方向", m.direction, "term", Direction, 8),
            Col("status", "状态", m.status, "term", ReferralStatus, 8),
            Col("matter", "违法事项", m.matter, width=24, searchable=True),
            Col("party_name", "当事人", m.party_name, width=14, searchable=True),
            Col("place", "地点", m.place, width=14, searchable=True),
            Col("sender", "移送单位", func.coalesce(snd.short_name, snd.name), width=12),
            Col(
                "receiver",
                "接收单位",
                func.coalesce(rcv.short_name, rcv.name),
                width=14,
                searchable=True,
            ),
            Col("found_at", "发现时间", m.found_at, "datetime", width=16),
            Col("urgency", "紧急程度", m.urgency, "term", Urgency, 10),
            Col("deadline_at", "移送期限", m.deadline_at, "datetime", width=16),
            Col("sent_at", "发送时间", m.sent_at, "datetime", width=16),
            Col("signed_at", "签收时间", m.signed_at, "datetime", width=16),
            Col("result_at", "反馈时间", m.result_at, "datetime", width=16),
        ),
        date_col="found_at",
        status_col="status",
        status_term=ReferralStatus,
        joins=((snd, m.sender_id == snd.id), (rcv, m.receiver_id == rcv.id)),
        filters=(
            Filter("direction", "方向", "term", (m.direction,), Direction),
            Filter("department", "对方单位", "org", (m.sender_id, m.receiver_id)),
        ),
    )


def _complaints() -> Ledger:
    m, fc = Complaint, aliased(Staff, name="first_contact")
    inf = org_alias("informing")
    return Ledger(
        "complaints",
        "投诉举报",
        RecordType.COMPLAINT,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("received_at", "受理时间", m.received_at, "datetime", width=16),
            Col("channel", "渠道", m.channel, "term", ComplaintChannel, 8),
            Col("content", "投诉举报内容", m.content, width=30, searchable=True),
            Col("place", "地点", m.place, width=14, searchable=True),
            Col("party_name", "被投诉举报对象", m.party_name, width=14, searchable=True),
            Col("first_contact", "首问责任人", fc.name, width=8),
            Col("informing", "告知部门", func.coalesce(inf.short_name, inf.name), width=12),
            Col("status", "状态", m.status, "term", ComplaintStatus, 8),
            Col("outcome", "核实结果", m.outcome, "term", ComplaintOutcome, 16),
            Col("replied_at", "答复时间", m.replied_at, "datetime", width=16),
            Col("feedback_at", "反馈部门时间", m.feedback_at, "datetime", width=16),
        ),
        date_col="received_at",
        status_col="status",
        status_term=ComplaintStatus,
        joins=((fc, m.first_contact_id == fc.id), (inf, m.informing_org_id == inf.id)),
        filters=(
            Filter("channel", "渠道", "term", (m.channel,), ComplaintChannel),
            Filter("outcome", "核实结果", "term", (m.outcome,), ComplaintOutcome),
        ),
    )


def _org_names(link: Any, owner: Any, owner_key: Any, alias: str) -> Any:
    """A record's linked organisations, short names joined by 、, as one SQL expression."""
    org = org_alias(alias)
    return (
        select(func.aggregate_strings(func.coalesce(org.short_name, org.name), "、"))
        .select_from(link.join(org, org.id == link.c.organisation_id))
        .where(owner_key == owner.id)
        .correlate(owner)
        .scalar_subquery()
    )


def _counterpart_names() -> Any:
    """An item's counterparts (信息共享)."""
    link = info_share_counterparts
    return _org_names(link, InfoShare, link.c.info_share_id, "counterpart")


def _info_shares() -> Ledger:
    m = InfoShare
    return Ledger(
        "info_shares",
        "信息共享",
        RecordType.INFO_SHARE,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("direction", "方向", m.direction, "term", ShareDirection, 12),
            Col("category", "信息类别", m.category, "term", InfoCategory, 20),
            Col("title", "信息名称", m.title, width=28, searchable=True),
            Col("counterparts", "共享对象", _counterpart_names(), width=20),
            Col("formed_on", "形成日期", m.formed_on, "date", width=11),
            Col("shared_on", "共享日期", m.shared_on, "date", width=11),
            Col("late_reason", "延期共享原因", m.late_reason, width=20, searchable=True),
        ),
        date_col="formed_on",
        filters=(
            Filter("direction", "方向", "term", (m.direction,), ShareDirection),
            Filter("category", "信息类别", "term", (m.category,), InfoCategory),
            Filter(
                "counterpart",
                "共享单位",
                "org",
                (),
                build=lambda org_id: m.counterparts.any(Organisation.id == org_id),
            ),
            Filter(
                "late",
                "只看延期共享",
                "flag",
                (),
                build=lambda: m.shared_on > m.formed_on,
            ),
        ),
    )


def _participant_names() -> Any:
    """A meeting's participating organisations (参会单位)."""
    link = meeting_organisations
    return _org_names(link, Meeting, link.c.meeting_id, "participant")


def _meetings() -> Ledger:
    m = Meeting
    return Ledger(
        "meetings",
        "协商会议",
        RecordType.MEETING,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("kind", "会议类型", m.kind, "term", MeetingKind, 8),
            Col("status", "状态", m.status, "term", MeetingStatus, 8),
            Col("held_at", "召开时间", m.held_at, "datetime", width=16),
            Col("subject", "会议名称", m.subject, width=28, searchable=True),
            Col("place", "地点", m.place, width=14),
            Col("host", "主持人", m.host, width=8),
            Col("organisations", "参会单位", _participant_names(), width=24),
            Col("decisions", "议定事项", m.decisions, width=30, searchable=True),
        ),
        date_col="held_at",
        status_col="status",
        status_term=MeetingStatus,
        filters=(
            Filter("kind", "会议类型", "term", (m.kind,), MeetingKind),
            Filter(
                "organisation",
                "参会单位",
                "org",
                (),
                build=lambda org_id: m.organisations.any(Organisation.id == org_id),
            ),
        ),
    )


def _urgent_notices() -> Ledger:
    m, dep = UrgentNotice, org_alias("department")
    return Ledger(
        "urgent_notices",
        "紧急情况通知",
        RecordType.URGENT_NOTICE,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("status", "状态", m.status, "term", UrgentNoticeStatus, 14),
            Col("hazard", "隐患或违法情况", m.hazard, width=30, searchable=True),
            Col("place", "地点", m.place, width=14, searchable=True),
            Col("department", "通知部门", func.coalesce(dep.short_name, dep.name), width=12),
            Col("found_at", "发现时间", m.found_at, "datetime", width=16),
            Col("notified_at", "通知时间", m.notified_at, "datetime", width=16),
            Col("officers_arrived_at", "部门到场时间", m.officers_arrived_at, "datetime", width=16),
        ),
        date_col="found_at",
        status_col="status",
        status_term=UrgentNoticeStatus,
        joins=((dep, m.department_id == dep.id),),
        filters=(Filter("department", "通知部门", "org", (m.department_id,)),),
    )


def _joint_actions() -> Ledger:
    m = JointAction
    return Ledger(
        "joint_actions",
        "联合执法行动",
        RecordType.JOINT_ACTION,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("action_on", "行动日期", m.action_on, "date", width=11),
            Col("title", "行动名称", m.title, width=24, searchable=True),
            Col("targets", "检查对象", m.targets, width=24, searchable=True),
            Col("results", "处理结果", m.results, width=30, searchable=True),
        ),
        date_col="action_on",
        filters=(
            Filter(
                "organisation",
                "参加单位",
                "org",
                (),
                build=lambda org_id: m.organisations.any(Organisation.id == org_id),
            ),
        ),
    )


def _assistance() -> Ledger:
    m, dep = AssistanceRequest, org_alias("department")
    return Ledger(
        "assistance",
        "执法协助",
        RecordType.ASSISTANCE,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("kind", "协助类型", m.kind, "term", AssistanceKind, 12),
            Col("status", "状态", m.status, "term", AssistanceStatus, 10),
            Col("subject", "协助事项", m.subject, width=26, searchable=True),
            Col(
                "department",
                "被请求部门",
                func.coalesce(dep.short_name, dep.name),
                width=12,
                searchable=True,
            ),
            Col("requested_on", "发函日期", m.requested_on, "date", width=11),
            Col("deadline_at", "答复期限", m.deadline_at, "datetime", width=16),
            Col("replied_on", "答复日期", m.replied_on, "date", width=11),
        ),
        date_col="requested_on",
        status_col="status",
        status_term=AssistanceStatus,
        joins=((dep, m.department_id == dep.id),),
        filters=(
            Filter("kind", "协助类型", "term", (m.kind,), AssistanceKind),
            Filter("department", "被请求部门", "org", (m.department_id,)),
        ),
    )


def _disputes() -> Ledger:
    m, dep = Dispute, org_alias("department")
    return Ledger(
        "disputes",
        "管辖争议",
        RecordType.DISPUTE,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("status", "状态", m.status, "term", DisputeStatus, 14),
            Col("matter", "争议事项", m.matter, width=28, searchable=True),
            Col(
                "department",
                "争议部门",
                func.coalesce(dep.short_name, dep.name),
                width=12,
                searchable=True,
            ),
            Col("opened_on", "发生日期", m.opened_on, "date", width=11),
            Col("escalated_on", "提请县政府日期", m.escalated_on, "date", width=13),
            Col("decided_on", "决定日期", m.decided_on, "date", width=11),
        ),
        date_col="opened_on",
        status_col="status",
        status_term=DisputeStatus,
        joins=((dep, m.department_id == dep.id),),
    )


def _criminal() -> Ledger:
    m, police = CriminalTransfer, org_alias("police")
    return Ledger(
        "criminal_transfers",
        "行刑衔接",
        RecordType.CRIMINAL_TRANSFER,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("title", "案件名称", m.title, width=24, searchable=True),
            Col("status", "状态", m.status, "term", CriminalTransferStatus, 16),
            Col("flagged_at", "发现涉嫌犯罪时间", m.flagged_at, "datetime", width=16),
            Col("report_at", "书面报告时间", m.report_at, "datetime", width=16),
            Col("decision_at", "负责人决定时间", m.decision_at, "datetime", width=16),
            Col("transferred_at", "移送公安时间", m.transferred_at, "datetime", width=16),
            Col("police", "接收机关", func.coalesce(police.short_name, police.name), width=12),
            Col("police_decision", "公安机关决定", m.police_decision, "term", PoliceDecision, 10),
            Col("deadline_at", "当前期限", m.deadline_at, "datetime", width=16),
        ),
        date_col="flagged_at",
        status_col="status",
        status_term=CriminalTransferStatus,
        joins=((police, m.police_org_id == police.id),),
    )


def _cases() -> Ledger:
    m = EnforcementCase
    return Ledger(
        "cases",
        "立案案件",
        RecordType.CASE,
        m,
        (
            Col("serial", "台账编号", m.serial, width=11, searchable=True),
            Col("case_number", "案号", m.case_number, width=16, searchable=True),
            Col("title", "案件名称", m.title, width=26, searchable=True),
            Col("party_name", "当事人", m.party_name, width=14, searchable=True),
            Col("filed_on", "立案日期", m.filed_on, "date", width=11),
            Col("status", "状态", m.status, "term", CaseStatus, 8),
            Col("closure", "结案方式", m.closure, "term", CaseClosure, 12),
            Col("closed_on", "结案日期", m.closed_on, "date", width=11),
        ),
        date_col="filed_on",
        status_col="status",
        status_term=CaseStatus,
    )


def _documents() -> Ledger:
    m, rcp = Document, org_alias("recipient")
    return Ledger(
        "documents",
        "文书登记",
        RecordType.DOCUMENT,
        m,
        (
            Col("number", "文号", m.number, width=16, searchable=True),
            Col("doc_type", "文书种类", m.doc_type, "doc_type", width=14),
            Col("issued_on", "成文日期", m.issued_on, "date", width=11),
            Col("title", "标题", m.title, width=30, searchable=True),
            Col(
                "recipient",
                "主送单位",
                func.coalesce(rcp.name, m.recipient_name),
                width=16,
                searchable=True,
            ),
            Col("record_type", "所属台账", m.record_type, "term", RecordType, 10),
            Col("status", "状态", m.status, "term", DocumentStatus, 8),
            Col("sha256", "文件校验值（SHA-256）", m.sha256, width=20),
        ),
        date_col="issued_on",
        status_col="status",
        status_term=DocumentStatus,
        joins=((rcp, m.recipient_id == rcp.id),),
        search_hint="搜索：文号、标题、主送单位……",
    )


def _penalty_matters() -> Ledger:
    m, dep = PenaltyMatter, org_alias("department")
    return Ledger(
        "penalty_matters",
        "行政处罚事项清单",
        RecordType.PENALTY_MATTER,
        m,
        (
            Col("seq", "序号", m.seq, "int", width=4),
            Col("code", "事项编码", m.code, width=12, searchable=True),
            Col("name", "事项名称", m.name, width=34, searchable=True),
            Col(
                "department",
                "行业主管部门",
                func.coalesce(dep.short_name, m.department_name),
                width=14,
                searchable=True,
            ),
            Col("transferred", "是否划转乡镇", m.transferred, "bool", width=7),
            Col("transferred_on", "划转时间", m.transferred_on, "date", width=11),
            Col("legal_basis", "设定依据", m.legal_basis, width=30, searchable=True),
        ),
        date_col="seq",
        joins=((dep, m.department_id == dep.id),),
        newest_first=False,
        search_hint="搜索：事项名称、编码、部门、依据……",
    )


LEDGERS: dict[str, Ledger] = {
    lg.key: lg
    for lg in (
        _referrals(),
        _complaints(),
        _info_shares(),
        _meetings(),
        _urgent_notices(),
        _joint_actions(),
        _assistance(),
        _disputes(),
        _criminal(),
        _cases(),
    )
}


# Lists that are not ledgers (no clock, not on the dashboard) but page the same way.
LISTS: dict[str, Ledger] = {
    **LEDGERS,
    "documents": _documents(),
    "penalty_matters": _penalty_matters(),
}
