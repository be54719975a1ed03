"""Enumerations of the domain: stable English codes stored in the database,
Chinese labels shown to the user.

A code never changes once released (it is stored); a label may be reworded.
Each member is declared as ``CODE = "code", "中文标签"``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class Term(StrEnum):
    """A stable code with a Chinese label. ``str(member)`` is the code."""

    label: str

    def __new__(cls, code: str, label: str = "") -> Self:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs in declaration order, for combo boxes."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_label(cls, label: str) -> Self:
        for m in cls:
            if m.label == label:
                return m
        raise ValueError(f"{cls.__name__}: 无法识别「{label}」")

    @classmethod
    def label_of(cls, code: Any) -> str:
        """Label for a stored code; an unknown code is shown as is, never hidden."""
        if code is None or code == "":
            return ""
        try:
            return cls(code).label
        except ValueError:
            return str(code)


class OrgKind(Term):
    TOWNSHIP = "township", "乡镇人民政府"
    COUNTY_DEPARTMENT = "county_department", "县级职能部门"
    COUNTY_GOVERNMENT = "county_government", "县人民政府"
    PUBLIC_SECURITY = "public_security", "公安机关"
    PROCURATORATE = "procuratorate", "人民检察院"
    COURT = "court", "人民法院"
    INTERNAL_UNIT = "internal_unit", "内设机构/直属机构/派出机构"


class StaffRole(Term):
    CLERK = "clerk", "内勤文书"
    OFFICER = "officer", "执法人员"
    LEADER = "leader", "负责人"
    ADMIN = "admin", "系统管理员"


class AccountRole(Term):
    """What a login may do: 管理员 settings, accounts, restore and all records;
    执法人员 the records; 查阅 read only."""

    ADMIN = "admin", "管理员"
    OFFICER = "officer", "执法人员"
    VIEWER = "viewer", "查阅"


class RecordType(Term):
    """Every kind of record another record or a letter may point at."""

    REFERRAL = "referral", "案件移送"
    COMPLAINT = "complaint", "投诉举报"
    INFO_SHARE = "info_share", "信息共享"
    MEETING = "meeting", "协商会议"
    FOLLOW_UP = "follow_up", "会议落实事项"
    URGENT_NOTICE = "urgent_notice", "紧急情况通知"
    JOINT_ACTION = "joint_action", "联合执法行动"
    ASSISTANCE = "assistance", "执法协助"
    DISPUTE = "dispute", "管辖争议"
    CRIMINAL_TRANSFER = "criminal_transfer", "行刑衔接"
    CASE = "case", "立案案件"
    PENALTY_MATTER = "penalty_matter", "行政处罚事项"
    ORGANISATION = "organisation", "单位"
    STAFF = "staff", "人员"
    DOCUMENT = "document", "文书"
    CALENDAR = "calendar", "工作日历"
    SETTINGS = "settings", "设置"
    DATABASE = "database", "数据库"
    ACCOUNT = "account", "登录账户"


# --- 案件移送 -----------------------------------------------------------------


class Direction(Term):
    """案件移送's 方向, read from the viewing organisation's side (services/scope.py
    flips another owner's transfer), so the labels name no township or department."""

    OUTGOING = "outgoing", "移出（本单位移送他单位）"
    INCOMING = "incoming", "移入（他单位移送本单位）"


class ReferralStatus(Term):
    DRAFT = "draft", "草稿"
    READY = "ready", "待发送"
    SENT = "sent", "已发送"
    SIGNED = "signed", "已签收"
    RESULT = "result", "已反馈结果"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    ARCHIVED = "archived", "划转前案件（登记备查）"


class Urgency(Term):
    NORMAL = "normal", "一般（3个工作日内移送）"
    URGENT = "urgent", "情况紧急（24小时内移送）"
    ONGOING = "ongoing", "违法行为正在进行（立即劝阻并告知）"


class FoundHow(Term):
    INSPECTION = "inspection", "执法检查发现"
    COMPLAINT = "complaint", "投诉举报"
    OTHER = "other", "其他途径"


class PartyKind(Term):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class PreTransferState(Term):
    """划转前案件 (seed 三（一）1)."""

    CLOSED = "closed", "划转前已结案（部门归档保存）"
    OPEN = "open", "划转前已立案未结案（部门作出决定）"
    LEFTOVER = "leftover", "历史遗留问题（协商处理）"


class SendMethod(Term):
    IN_PERSON = "in_person", "直接送达"
    MAIL = "mail", "邮寄送达"
    ELECTRONIC = "electronic", "电子传输"
    OTHER = "other", "其他方式"


class MaterialKind(Term):
    REFERRAL_LETTER = "referral_letter", "涉嫌违法案件移送函"
    INSPECTION_RECORD = "inspection_record", "现场检查记录"
    COMPLAINT_MATERIAL = "complaint_material", "投诉举报材料"
    EVIDENCE = "evidence", "证据材料"
    SEIZED_ITEMS = "seized_items", "涉案物品清单"
    CRIMINAL_TRANSFER_LETTER = "criminal_transfer_letter", "涉嫌犯罪案件移送书"
    INVESTIGATION_REPORT = "investigation_report", "涉嫌犯罪案件情况的调查报告"
    TEST_REPORT = "test_report", "检验报告或鉴定意见"
    OPINION = "opinion", "书面意见"
    OTHER = "other", "其他材料"


CASE_SOURCE_MATERIALS = frozenset({MaterialKind.INSPECTION_RECORD, MaterialKind.COMPLAINT_MATERIAL})


# --- 投诉举报 -----------------------------------------------------------------


class ComplaintChannel(Term):
    PHONE = "phone", "来电"
    VISIT = "visit", "来访"
    LETTER = "letter", "来信"
    ONLINE = "online", "网络"
    HOTLINE_12345 = "hotline_12345", "12345热线"
    DEPARTMENT = "department", "县级部门告知"


class ComplaintStatus(Term):
    REGISTERED = "registered", "已登记"
    VERIFYING = "verifying", "核实中"
    HANDLING = "handling", "处理中"
    CLOSED = "closed", "已办结"


class ComplaintOutcome(Term):
    NO_VIOLATION = "no_violation", "未发现违法行为，直接答复"
    CASE_FILED = "case_filed", "属本镇管辖，立案调查"
    TRANSFERRED = "transferred", "无管辖权，移送有管辖权部门"


# --- 信息共享 -----------------------------------------------------------------


class InfoCategory(Term):
    """The eight categories of seed 三（三）."""

    LAW_CHANGE = "law_change", "法律法规规章调整情况"
    LICENSING = "licensing", "行政许可和监督管理信息"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定及执行情况"
    STATISTICS = "statistics", "统计分析数据"
    DISCRETION = "discretion", "自由裁量标准及执法工作流程"
    DYNAMIC = "dynamic", "行政检查记录、执法工作简报等动态信息"
    COMPLAINT_HANDLING = "complaint_handling", "投诉举报受理与处理情况"
    OTHER = "other", "其他需要共享的执法信息"


class ShareDirection(Term):
    SHARED = "shared", "本镇共享给部门"
    RECEIVED = "received", "部门共享给本镇"


class ShareMethod(Term):
    """How an item was shared (or received). Seed 三（三）: 依托乡镇综合指挥和
    信息化网络平台, 实现各类行政执法信息的互联互通 — the platform comes first."""

    PLATFORM = "platform", "信息化网络平台"
    EMAIL = "email", "电子邮件"
    DOCUMENT = "document", "纸质函件"
    MEETING = "meeting", "会议通报"
    PHONE = "phone", "电话告知"
    OTHER = "other", "其他方式"


# --- 联合执法协商 -------------------------------------------------------------


class MeetingKind(Term):
    REGULAR = "regular", "定期会议"
    AD_HOC = "ad_hoc", "即时会议"
    SPECIAL = "special", "专题会议"


class MeetingStatus(Term):
    PLANNED = "planned", "计划召开"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


class MeetingTopic(Term):
    GENERAL = "general", "普遍性问题"
    HOTSPOT = "hotspot", "热点、焦点、难点问题"
    SUPERVISION_LAW = "supervision_law", "监管和法律适用问题"
    MAJOR_JOINT = "major_joint", "重大联动执法"


class ActionStatus(Term):
    OPEN = "open", "未完成"
    DONE = "done", "已完成"


class UrgentNoticeStatus(Term):
    NOTIFIED = "notified", "已通知，待处置"
    RESPONDED = "responded", "部门已派员处置"
    REFUSED_WITH_REASON = "refused_with_reason", "部门未处置（已说明理由）"
    REFUSED = "refused", "拒不处理（未说明理由）"
    REPORTED = "reported", "已报告县人民政府"
    SETTLED = "settled", "县人民政府已协调处理"


# --- 执法协助 -----------------------------------------------------------------


class AssistanceKind(Term):
    TECHNICAL = "technical", "技术支撑/认定"
    ARCHIVE = "archive", "查阅、复制档案"
    ON_SITE = "on_site", "现场处置"


class AssistanceStatus(Term):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已发函"
    REPLIED = "replied", "已答复"
    REFUSED = "refused", "推诿、刁难或拒绝"
    WITHDRAWN = "withdrawn", "已撤回"


# --- 争议协调 -----------------------------------------------------------------


class DisputeStatus(Term):
    NEGOTIATING = "negotiating", "协商中"
    AGREED = "agreed", "协商一致"
    ESCALATED = "escalated", "已提请县人民政府决定"
    DECIDED = "decided", "县人民政府已决定"


# --- 行刑衔接 -----------------------------------------------------------------


class CriminalTransferStatus(Term):
    FLAGGED = "flagged", "涉嫌犯罪，待组成专案组"
    REPORTED = "reported", "已书面报告，待负责人决定"
    APPROVED = "approved", "已批准移送，待移送"
    REJECTED = "rejected", "负责人不批准移送"
    TRANSFERRED = "transferred", "已移送公安机关"
    FILED = "filed", "公安机关已立案"
    NOT_FILED = "not_filed", "公安机关不予立案"
    RECONSIDERATION = "reconsideration", "已提请复议"
    CLOSED = "closed", "已办结"


class PoliceDecision(Term):
    FILED = "filed", "立案"
    NOT_FILED = "not_filed", "不予立案"


# --- 立案案件 -----------------------------------------------------------------


class CaseStatus(Term):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已结案"


class CaseClosure(Term):
    PENALTY = "penalty", "作出行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    TRANSFERRED = "transferred", "移送处理"
    CRIMINAL = "criminal", "移送司法机关"


# --- 文书、留痕 ---------------------------------------------------------------


class DocumentStatus(Term):
    ISSUED = "issued", "已发文"
    VOIDED = "voided", "已作废"


class AuditAction(Term):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    STATUS = "status", "状态变更"
    VIEW_PERSONAL = "view_personal", "查看个人信息"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    ISSUE = "issue", "发文"
    VOID = "void", "作废"
    BACKUP = "backup", "备份"
    RESTORE = "restore", "恢复"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    PASSWORD = "password", "密码变更"
    OVERRIDE = "override", "特别处理"


class DueBucket(Term):
    """Where an item sits on the dashboard."""

    OVERDUE = "overdue", "已逾期"
    TODAY = "today", "今日到期"
    SOON = "soon", "即将到期"
    LATER = "later", "未到期"
