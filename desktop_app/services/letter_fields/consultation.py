"""联合执法协商 (seed 三（四）): 会议纪要, 紧急情况通知, 拒不处理情况报告.

A hazard in another department's remit is notified at once; the department
must send officers at once; one that cannot give a reason and still refuses
is reported to the county government (对接到通知后不能说明理由又拒不处理的，
应向县级人民政府报告).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.terms import MeetingStatus, MeetingTopic, RecordType, UrgentNoticeStatus
from desktop_app.services.letter_fields import (
    LetterValues,
    cn_date,
    cn_time,
    contact,
    county_government,
    get_or_404,
    honorific,
    issued_document,
    numbered_items,
    office_name,
    org,
    provider,
    refuse,
    sentence,
    short_name,
    township,
)
from desktop_app.services.urgent_notice_forms import department_problem
from desktop_app.storage.models import Meeting, Organisation, UrgentNotice

_TOPIC_PHRASES = {
    MeetingTopic.GENERAL.value: "行政执法过程中遇到的普遍性问题",
    MeetingTopic.HOTSPOT.value: "热点、焦点、难点问题",
    MeetingTopic.SUPERVISION_LAW.value: "监管中的相关管理和法律适用问题",
    MeetingTopic.MAJOR_JOINT.value: "重大联动执法工作",
}
_VERBS = ("通报", "研究", "听取", "讨论", "分析", "传达", "学习", "总结", "部署", "协商", "商讨")


# --- 会议纪要 ---------------------------------------------------------------------------


def _host(host: str | None) -> str:
    """ "刘福贵（分管副镇长）" → "分管副镇长刘福贵"."""
    text = (host or "").strip()
    m = re.fullmatch(r"(.+?)[（(](.+?)[）)]", text)
    return f"{m.group(2)}{m.group(1)}" if m else text


def _half_day(meeting: Meeting) -> str:
    hour = meeting.held_at.hour
    return "上午" if hour < 12 else ("下午" if hour < 18 else "晚上")


def _attendance(meeting: Meeting, town: Organisation) -> list[str]:
    """ "赵八镇：甲、乙；县水利局：丙" → ["甲、乙（赵八镇）", "丙（县水利局）"]."""
    out: list[str] = []
    for part in re.split(r"[；;\n]", meeting.participants or ""):
        part = part.strip()
        if not part:
            continue
        unit, sep, people = part.partition("：")
        out.append(f"{people.strip()}（{unit.strip()}）" if sep and people.strip() else part)
    if not out:
        out = [o.name for o in meeting.organisations]
    return out


def _topics(codes: list[str] | None) -> str:
    phrases = [_TOPIC_PHRASES.get(c, MeetingTopic.label_of(c)) for c in codes or []]
    if not phrases:
        return ""
    joined = phrases[0] if len(phrases) == 1 else "，".join(phrases[:-1]) + "以及" + phrases[-1]
    return f"会议围绕{joined}进行了协商。"


@provider("meeting_minutes", RecordType.MEETING)
def meeting_minutes(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    m: Meeting = get_or_404(session, Meeting, record_id, "协商会议")
    if m.status == MeetingStatus.PLANNED:
        raise refuse(
            f"协商会议 {m.serial} 计划于{cn_date(m.held_at)}召开，尚未召开，不能生成会议纪要。"
            "会议召开后，请先登记“会议已召开”并填写议定事项。"
        )
    if m.status != MeetingStatus.HELD:
        raise refuse(
            f"协商会议 {m.serial} 的状态为「{MeetingStatus.label_of(m.status)}」，"
            "会议没有召开，不能生成会议纪要。"
        )
    if m.held_at.date() > on:
        raise refuse(
            f"协商会议 {m.serial} 定于{cn_date(m.held_at)}召开，尚未召开，不能生成会议纪要。"
        )
    decisions = numbered_items(m.decisions)
    if not decisions and not m.actions:
        raise refuse(
            f"协商会议 {m.serial} 还没有记录议定事项，不能生成会议纪要。请先填写议定事项。"
        )
    town = township(session, conf)
    # 议定事项: each decision with its owner and due date when a follow-up action matches it;
    # follow-up actions not among the decisions are added after them.
    items: list[str] = []
    actions = list(m.actions)
    for text in decisions:
        match = next((a for a in actions if a.description.strip().rstrip("。") == text), None)
        if match is not None:
            actions.remove(match)
        items.append(_item(text, match))
    items += [_item(a.description.strip().rstrip("。；;"), a) for a in actions]
    numbered = [f"{n}.{t}" for n, t in enumerate(items, 1)] if len(items) > 1 else items
    others = [o for o in m.organisations if o.id != town.id]
    discussion = sentence(m.discussion)
    if discussion and not discussion.startswith("会议"):
        discussion = ("会议" if discussion.startswith(_VERBS) else "会议认为，") + discussion
    values: dict[str, Value] = {
        "banner": f"{short_name(town)}联合执法协商会议纪要",
        "subject": m.subject,
        "held": cn_date(m.held_at) + _half_day(m),
        "host": _host(m.host) or "",
        "place": m.place or "",
        "attending_orgs": "、".join(short_name(o) for o in others),
        "proceedings": _topics(m.topics) + discussion,
        "attendance": _attendance(m, town),
        "printer": office_name(town),
        "printed": cn_date(on),
    }
    values["decisions"] = [f"{t}。" for t in numbered if t]
    return LetterValues(values, RecordType.MEETING, f"{m.subject}纪要", None, None, town.name)


def _item(text: str, action: Any) -> str:
    if action is None:
        return text
    parts = []
    owner = short_name(action.owner_org)
    if owner:
        parts.append(f"责任单位：{owner}")
    if action.due_on:
        parts.append(f"完成时限：{cn_date(action.due_on)}前")
    return text + (f"（{'；'.join(parts)}）" if parts else "")


# --- 紧急情况通知、拒不处理情况报告 ----------------------------------------------------------


def _notice(session: Session, record_id: int) -> tuple[UrgentNotice, Organisation]:
    """The notice and its department, by the rule the notice form applies
    (:func:`urgent_notice_forms.department_problem`; a department deactivated
    since the notice still receives its letters)."""
    n: UrgentNotice = get_or_404(session, UrgentNotice, record_id, "紧急情况通知")
    dept = org(session, n.department_id)
    why = department_problem(session, dept, kept=True)
    if dept is None or why:
        raise refuse(
            f"紧急情况通知 {n.serial} 的通知部门不能接收本文书：{why or '部门不存在。'}"
            "请先选定有管辖权的县级职能部门。"
        )
    return n, dept


def refusal_report_title(department: str) -> str:
    """How the register names a 拒不处理情况报告 (the notice service checks it)."""
    return f"关于{department}接到紧急情况通知后拒不派员处理的报告"


def _how(n: UrgentNotice) -> str:
    """ "电话通知" / "当面通知"; a bare "电话" becomes "电话通知"."""
    method = (n.notice_method or "").strip()
    if not method:
        return "通知"
    return method if method.endswith("通知") else f"以{method}方式通知"


def _notified(n: UrgentNotice, whom: str) -> str:
    if n.notified_at is None:
        return ""
    person = f"（接收人：{n.notified_person}）" if n.notified_person else ""
    return f"我镇已于{cn_time(n.notified_at)}{_how(n)}{whom}{person}。"


def _hazard(n: UrgentNotice) -> str:
    return n.hazard.strip().rstrip("。；，")


@provider("urgent_notice", RecordType.URGENT_NOTICE)
def urgent_notice(session: Session, record_id: int, conf: dict[str, Any], on: date) -> LetterValues:
    n, dept = _notice(session, record_id)
    town = township(session, conf)
    you = honorific(dept.name)
    place = n.place or "辖区内"
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": dept.name,
        "you": you,
        "place": place,
        "found": cn_time(n.found_at),
        "hazard": _hazard(n),
        "notified": _notified(n, you),
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
    }
    return LetterValues(
        values,
        RecordType.URGENT_NOTICE,
        f"关于请立即派员处置{place}紧急情况的函",
        dept.id,
        dept.name,
        town.name,
    )


# a refusal without reason, and after it (reported, settled: the report is reprinted)
_REPORTABLE = frozenset(
    s.value
    for s in (UrgentNoticeStatus.REFUSED, UrgentNoticeStatus.REPORTED, UrgentNoticeStatus.SETTLED)
)
_NOT_REFUSED = {
    UrgentNoticeStatus.NOTIFIED.value: "{dept}尚未答复，还不能认定为拒不处理",
    UrgentNoticeStatus.RESPONDED.value: "{dept}已派执法人员到场处置",
    UrgentNoticeStatus.REFUSED_WITH_REASON.value: (
        "{dept}已说明不处理的理由，不属于“不能说明理由又拒不处理”的情形"
    ),
}


@provider("refusal_report", RecordType.URGENT_NOTICE)
def refusal_report(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    n, dept = _notice(session, record_id)
    status = str(n.status)
    if status not in _REPORTABLE:
        why = _NOT_REFUSED.get(status, "该通知的状态不是“拒不处理”").format(dept=dept.name)
        raise refuse(f"紧急情况通知 {n.serial}：{why}，无需向县人民政府报告。")
    town = township(session, conf)
    letter = issued_document(session, RecordType.URGENT_NOTICE, n.id, "urgent_notice")
    written = ""
    if letter is not None:
        number = f"（{letter.number}）" if letter.number else ""
        third = "该局" if dept.name.endswith("局") else "该单位"
        written = f"{cn_date(letter.issued_on)}，我镇又以书面函件{number}通知{third}立即派员处置。"
    refused = (
        sentence(n.response_note)
        or f"{short_name(dept)}接到通知后，未说明理由，拒不派执法人员处理。"
    )
    gov_id, gov = county_government(session, conf)
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "signer": str(conf.get("head_name") or ""),
        "receiver": gov,
        "department": dept.name,
        "place": n.place or "辖区内",
        "found": cn_time(n.found_at),
        "hazard": _hazard(n),
        "notified": _notified(n, dept.name).removeprefix("我镇已").removesuffix("。")
        + ("，请其立即派执法人员进行处理。" if n.notified_at else ""),
        "written": written,
        "refused": refused,
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
        "cc": dept.name,
        "printer": office_name(town),
        "printed": cn_date(on),
    }
    if not values["notified"]:
        raise refuse(
            f"紧急情况通知 {n.serial} 没有记录通知时间，请先补记何时、以何种方式通知了{dept.name}。"
        )
    return LetterValues(
        values,
        RecordType.URGENT_NOTICE,
        refusal_report_title(dept.name),
        gov_id,
        gov,
        town.name,
    )
