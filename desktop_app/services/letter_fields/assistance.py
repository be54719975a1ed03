"""执法协助 (seed 三（五）): 执法协助函, 催办函.

The request asks a county department for a technical determination, for
its archives, or for officers on site; the department answers in writing
within 5 working days (or at once, on site). A 催办函 chases a request
whose time has run out without an answer and cites the earlier letter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.deadlines import assistance_deadline
from desktop_app.domain.terms import AssistanceKind, AssistanceStatus, RecordType
from desktop_app.services.assistance_common import linked_case, written_due
from desktop_app.services.letter_fields import (
    LetterValues,
    calendar,
    cn_date,
    contact,
    day_of,
    get_or_404,
    honorific,
    issued_document,
    numbered_items,
    org,
    provider,
    refuse,
    township,
)
from desktop_app.storage.models import AssistanceRequest

REMINDER_WORKING_DAYS = 3  # a reminder asks for the answer within 3 working days

_PURPOSE = {
    AssistanceKind.TECHNICAL.value: "发现认定违法事项需要{you}提供技术支撑",
    AssistanceKind.ARCHIVE.value: "因办案需要查阅、复制{you}保存的相关档案资料",
    AssistanceKind.ON_SITE.value: "发现情况紧急、证据可能灭失，需要{you}派执法人员现场处置",
}
_ASK = {
    AssistanceKind.TECHNICAL.value: "现函请{you}协助认定以下事项：",
    AssistanceKind.ARCHIVE.value: "现函请{you}予以支持：",
    AssistanceKind.ON_SITE.value: "现函请{you}立即派执法人员到现场处置，协助事项如下：",
}
_REPLY = {
    AssistanceKind.TECHNICAL.value: "提出书面认定意见，并将相关证据材料移交我镇",
    AssistanceKind.ARCHIVE.value: "提供相关档案资料的复制件",
    AssistanceKind.ON_SITE.value: "将现场处置情况书面告知我镇，并移交相关证据材料",
}
_ANSWER = {
    AssistanceKind.TECHNICAL.value: "书面认定意见和相关证据材料",
    AssistanceKind.ARCHIVE.value: "相关档案资料的复制件",
    AssistanceKind.ON_SITE.value: "现场处置情况的书面意见和相关证据材料",
}


def _request(session: Session, record_id: int) -> AssistanceRequest:
    a: AssistanceRequest = get_or_404(session, AssistanceRequest, record_id, "执法协助")
    if a.status == AssistanceStatus.WITHDRAWN:
        raise refuse(f"执法协助 {a.serial} 已撤回，不能再出具协助函或催办函。")
    return a


def _case_phrase(session: Session, a: AssistanceRequest) -> str:
    """ "在办理张三违法建设案（赵八综执立字〔2026〕第003号）过程中，" or "在行政执法过程中，".

    The case is the linked one, or the one filed from the linked transfer or complaint."""
    case = linked_case(session, a)
    if case is not None:
        number = f"（{case.case_number}）" if case.case_number else ""
        return f"在办理{case.title}{number}过程中，"
    return "在行使行政执法职权过程中，"


def _due(session: Session, a: AssistanceRequest) -> date | None:
    """The written answer's due date (the latest extension, else 5 working days from the
    request) — not the on-site clock of an urgent request, which is "at once"."""
    start = a.requested_on or day_of(a.sent_at)
    if start is None and not a.extensions:
        return None
    return written_due(a, calendar(session), start).date()


def _reply_by(session: Session, a: AssistanceRequest, on: date) -> date:
    """The date a letter written on ``on`` asks for: the record's due date, or — when there
    is none or it has passed (a letter written later) — 5 working days from ``on``."""
    due = _due(session, a)
    if due is not None and due >= on:
        return due
    return assistance_deadline(on, calendar(session)).due_at.date()


def _subject(a: AssistanceRequest) -> str:
    text = a.subject.strip().rstrip("。")
    return text if text.startswith("商请") else f"商请{text}"


def letter_title(a: AssistanceRequest) -> str:
    """The 执法协助函's title (and its name in the document register)."""
    return f"关于{_subject(a)}的函"


def reminder_title(a: AssistanceRequest) -> str:
    """The 催办函's title (and its name in the document register)."""
    return f"关于催办{_subject(a).removeprefix('商请')}事项的函"


def _fill(template: str, you: str) -> str:
    return template.replace("{you}", you)


@provider("assistance_letter", RecordType.ASSISTANCE)
def assistance_letter(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    a = _request(session, record_id)
    if a.status == AssistanceStatus.REPLIED:
        raise refuse(
            f"执法协助 {a.serial} 已于{cn_date(a.replied_on)}收到书面答复，不能再出具协助函。"
        )
    town = township(session, conf)
    dept = org(session, a.department_id)
    name = dept.name if dept else ""
    you = honorific(name)
    kind = str(a.kind)
    urgent = a.kind == AssistanceKind.ON_SITE or a.urgent
    questions = numbered_items(a.questions)
    reply_by = _reply_by(session, a, on)
    if urgent:
        reply = (
            f"鉴于情况紧急，请{you}接函后立即派执法人员到现场处置，"
            f"并于{cn_date(reply_by)}前{_REPLY[AssistanceKind.ON_SITE.value]}。"
        )
    else:
        reply = (
            f"请{you}自收到本函之日起5个工作日内（{cn_date(reply_by)}前）"
            f"{_REPLY.get(kind, _REPLY[AssistanceKind.TECHNICAL.value])}，"
            "作为我镇实施行政处罚的证据。如因情况特殊或认定过程所需时间较长，"
            f"不能按期出具意见的，请事先告知我镇。"
        )
    person, phone = contact(session, conf)
    sent = [s.strip() for s in (a.materials_sent or "").replace("\n", "；").split("；")]
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": name,
        "you": you,
        "subject": _subject(a),
        "background": _case_phrase(session, a)
        + _fill(_PURPOSE.get(kind, _PURPOSE[AssistanceKind.TECHNICAL.value]), you)
        + "。",
        "ask": _fill(_ASK.get(kind, _ASK[AssistanceKind.TECHNICAL.value]), you),
        "reply": reply,
        "materials": [s.rstrip("。") for s in sent if s],
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
    }
    values["questions"] = (
        [f"{n}.{q}{'。' if n == len(questions) else '；'}" for n, q in enumerate(questions, 1)]
        if len(questions) > 1
        else [f"{q}。" for q in questions] or [f"{a.subject.rstrip('。')}。"]
    )
    return LetterValues(
        values,
        RecordType.ASSISTANCE,
        letter_title(a),
        a.department_id,
        name,
        town.name,
    )


@provider("reminder_letter", RecordType.ASSISTANCE)
def reminder_letter(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    a = _request(session, record_id)
    if a.status == AssistanceStatus.REPLIED:
        raise refuse(f"执法协助 {a.serial} 已于{cn_date(a.replied_on)}收到书面答复，无需催办。")
    if a.status == AssistanceStatus.DRAFT or (a.requested_on is None and a.sent_at is None):
        raise refuse(f"执法协助 {a.serial} 尚未发出协助函，不能催办。请先出具并发出执法协助函。")
    due = _due(session, a)
    if due is None or due >= on:
        raise refuse(f"执法协助 {a.serial} 的答复期限是{cn_date(due)}，尚未逾期，暂不需要催办。")
    town = township(session, conf)
    dept = org(session, a.department_id)
    name = dept.name if dept else ""
    you = honorific(name)
    earlier = issued_document(session, RecordType.ASSISTANCE, a.id, "assistance_letter")
    sent_on = earlier.issued_on if earlier else (a.requested_on or day_of(a.sent_at))
    cited = f"《关于{_subject(a)}的函》" + (
        f"（{earlier.number}）" if earlier and earlier.number else ""
    )
    extension = ""
    if a.extensions:
        last = a.extensions[-1]
        reason = last.reason.strip().rstrip("。").removesuffix("，已事先告知").removeprefix("因")
        told = f"曾于{cn_date(last.told_on)}" if last.told_on else "曾"
        extension = (
            f"{you}{told}告知我镇，因{reason}，需延长至{cn_date(last.new_deadline_at)}出具意见。"
        )
    new_by = calendar(session).add_working_days(on, REMINDER_WORKING_DAYS)
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": name,
        "you": you,
        "subject": _subject(a).removeprefix("商请"),
        "sent_on": cn_date(sent_on),
        "cited": cited,
        "due": cn_date(due),
        "extension": extension,
        "new_by": cn_date(new_by),
        "answer": _ANSWER.get(str(a.kind), _ANSWER[AssistanceKind.TECHNICAL.value]),
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
    }
    return LetterValues(
        values,
        RecordType.ASSISTANCE,
        reminder_title(a),
        a.department_id,
        name,
        town.name,
    )
