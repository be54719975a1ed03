"""投诉举报: what the complaint use cases share — loading, the status guard, the
complainant's identity kept out of free text, and the duties with their clock.

A complaint is REGISTERED until its preliminary verification (初步核实) gives
exactly one outcome (seed 三（二）1); it is then HANDLING until every duty is
done, and CLOSES by itself:

* the outcome's own step: a case filed and its result recorded (立案查处),
  or the outgoing transfer created (移送);
* the reply to the complainant (not for an anonymous complaint);
* the feedback to the county department that informed the township
  (seed 三（二）3), when one did.

When the answer has to wait for a case result, the reply and feedback count
only once given on or after the day the case was closed; an earlier
(interim) reply is kept but the final one is still due.

Clocks (office settings, working days, the start day not counted):
"核实期限" = received + ``complaint_verify_days``; "答复期限" = received +
``complaint_reply_days`` (counted from the case result instead when the
answer waits for one); "移送期限" = verified + 3 working days (seed 三（一）2)
while a transfer is still to be made. A duty with no clock of its own (the
case result: the case has its own procedure) shows in ``deadline_what`` but
sets no date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    AuditAction,
    CaseStatus,
    ComplaintOutcome,
    ComplaintStatus,
    RecordType,
    Urgency,
)
from desktop_app.services import audit, identity, scope
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.storage.models import (
    Complainant,
    Complaint,
    EnforcementCase,
    Organisation,
    PenaltyMatter,
)

RECORD = RecordType.COMPLAINT
S = ComplaintStatus
O = ComplaintOutcome  # noqa: E741 - the outcome enum, short like S

VERIFY_CLOCK = "核实期限"
REPLY_CLOCK = "答复期限"
TRANSFER_CLOCK = "移送期限"
_WHAT_MAX = 60  # LedgerRecord.deadline_what


def load(session: Session, complaint_id: int, ctx: ServiceContext | None = None) -> Complaint:
    """The record; with ``ctx``, only one it may see (services/scope.py), else not found."""
    if ctx is None:
        c = session.get(Complaint, complaint_id)
    else:
        c = scope.get_visible(session, Complaint, complaint_id, ctx)
    if c is None:
        raise NotFound(f"投诉举报记录 {complaint_id} 不存在或已被删除。")
    return c


def require(c: Complaint, statuses: Iterable[ComplaintStatus], action: str) -> None:
    statuses = tuple(statuses)
    if c.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"投诉举报 {c.serial} 当前状态为「{S.label_of(c.status)}」，不能{action}"
            f"（只有{allowed}状态可以）。"
        )


def require_outcome(c: Complaint, outcome: ComplaintOutcome, action: str) -> None:
    if c.outcome != outcome:
        now = O.label_of(c.outcome) if c.outcome else "尚未核实"
        raise RuleViolation(
            f"「{action}」只适用于核实结果为「{outcome.label}」的投诉举报；"
            f"{c.serial} 的核实结果是「{now}」。"
        )


def excerpt(text: str | None, n: int = 30) -> str:
    s = " ".join((text or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def matter_core(name: str) -> str:
    """ "对露天焚烧秸秆的处罚" → "露天焚烧秸秆"."""
    text = name.strip().removeprefix("对")
    for tail in ("的行政处罚", "的处罚"):
        text = text.removesuffix(tail)
    return text


# "县水利局告知：" / "12345热线转办：" then "群众来电反映" / "举报": how the clerk wrote
# down who said it, not the matter itself
_REPORTED = re.compile(
    r"^(?:[^：:，,。]{0,20}(?:告知|转办|转来)[：:])?\s*"
    r"(?:有)?(?:群众|村民|居民)?(?:来电|来访|来信|电话|网上|通过网络)?(?:反映|举报|投诉)(?!人)(?:称)?[：:，,]?"
)


def reported_matter(text: str) -> str:
    """The complaint's content without its lead-in: "群众来电反映村东有人焚烧垃圾"
    → "村东有人焚烧垃圾" (unchanged when nothing would be left)."""
    body = _REPORTED.sub("", text.strip(), count=1).strip()
    return body or text.strip()


def first_sentence(text: str, limit: int = 60) -> str:
    part = re.split(r"[。！？!?\n；;]", text.strip(), maxsplit=1)[0].strip()
    return part if len(part) <= limit else part[: limit - 1] + "…"


def township_has(m: PenaltyMatter, on: date) -> bool:
    """The township is competent for the matter on that day (划转乡镇, seed 二)."""
    return bool(m.transferred) and (m.transferred_on is None or on >= m.transferred_on)


# --- the complainant's identity (举报人信息保密) ------------------------------------------


@dataclass(frozen=True)
class Secrets:
    """The identity to keep out of texts, in clear. ``locked``: it is encrypted
    and the context has no key (services/identity.py), so texts cannot be
    checked — :func:`keep_out` then refuses them."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None
    locked: bool = False

    @classmethod
    def of(cls, p: Complainant | None) -> Secrets:
        """Opened with the key of the session ``p`` was loaded in."""
        person = identity.open_person(p)
        if person is None:
            return cls()
        return cls(person.name, person.phone, person.id_number, person.address, person.locked)

    def __bool__(self) -> bool:
        return any((self.name, self.phone, self.id_number, self.address))


_DIGIT_GAP = re.compile(r"(?<=[0-9])[\s\-\u2010-\u2015\u2212·.()/]+(?=[0-9Xx])")
_SEP = r"[\s\-\u2010-\u2015\u2212·.()（）/\u3000]*"


def _phone_digits(phone: str | None) -> list[str]:
    """The digit runs by which a stored phone can be recognised in text."""
    if not phone:
        return []
    main = phone.split("转", 1)[0]
    digits = re.sub(r"\D", "", main)
    out = [digits] if len(digits) >= 7 else []  # not a service number such as 12345
    if main.startswith("0") and "-" in main:
        local = re.sub(r"\D", "", main.split("-", 1)[1])
        if len(local) >= 7:
            out.append(local)
    return out


def _flat(text: str) -> str:
    """Text for matching: full-width forms folded, separators inside numbers dropped."""
    return _DIGIT_GAP.sub("", unicodedata.normalize("NFKC", text)).upper()


def identity_in(text: str | None, secrets: Secrets) -> str | None:
    """Which part of the complainant's identity ``text`` contains (姓名/联系电话/
    身份证号码), or None. The address is not checked: it is often the place."""
    if not text or not secrets:
        return None
    name = (secrets.name or "").strip()
    if len(name) >= 2 and name in text:
        return "姓名"
    flat = _flat(text)
    if any(d in flat for d in _phone_digits(secrets.phone)):
        return "联系电话"
    if secrets.id_number and secrets.id_number.upper() in flat:
        return "身份证号码"
    return None


def keep_out(c: Checker, field: str, text: str | None, label: str, secrets: Secrets) -> None:
    """Refuse free text that carries the complainant's identity: lists, the history
    and letters to other organisations show it, the identity must stay in its own
    table."""
    if field in c.problems:
        return
    if secrets.locked and text:
        c.fail(field, identity.LOGIN_NEEDED)
        return
    kind = identity_in(text, secrets)
    if kind:
        c.fail(
            field,
            f"「{label}」中含有投诉举报人的{kind}。投诉举报人信息须保密（举报人信息保密），"
            f"只填在“投诉举报人”一栏，请从「{label}」中删去。",
        )


def _digit_pattern(digits: str) -> str:
    return _SEP.join(f"[{d}{chr(ord(d) + 0xFEE0)}]" for d in digits)


def scrub(text: str | None, secrets: Secrets) -> str:
    """Free text bound for another organisation with the complainant's identity removed."""
    out = text or ""
    if not secrets:
        return out
    for d in sorted(_phone_digits(secrets.phone), key=len, reverse=True):
        out = re.sub(_digit_pattern(d), "（已隐去）", out)
    if secrets.id_number:
        out = re.sub(re.escape(secrets.id_number), "（已隐去）", out, flags=re.IGNORECASE)
    for value, repl in ((secrets.address, "（已隐去）"), (secrets.name, "投诉举报人")):
        v = (value or "").strip()
        if len(v) >= 2:
            out = out.replace(v, repl)
    return out


# --- duties and the clock ---------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    key: str  # verify | file_case | case_result | transfer | reply | feedback
    text: str  # what the detail view lists ("向深泽县水利局反馈处理结果")
    short: str  # what the dashboard's deadline_what lists ("向告知部门反馈")
    due_at: datetime | None = None
    clock: str | None = None


def _due(cal: WorkCalendar, start: date, days: Any) -> datetime:
    return deadlines.end_of_day(cal.add_working_days(start, max(int(days or 0), 0)))


def verify_due(c: Complaint, cal: WorkCalendar, conf: dict[str, Any]) -> datetime:
    return _due(cal, c.received_at.date(), conf.get("complaint_verify_days"))


def _org_name(session: Session, org_id: int | None) -> str:
    o = session.get(Organisation, org_id) if org_id else None
    return o.name if o else ""


def duties(session: Session, c: Complaint, cal: WorkCalendar, conf: dict[str, Any]) -> list[Duty]:
    """What is still to be done for the complaint, in the order it is done."""
    if c.status == S.CLOSED:
        return []
    if c.outcome is None or c.verified_at is None:
        return [Duty("verify", "初步核实", "初步核实", verify_due(c, cal, conf), VERIFY_CLOCK)]
    out: list[Duty] = []
    reply_due: datetime | None = _due(cal, c.received_at.date(), conf.get("complaint_reply_days"))
    result_day: date | None = c.verified_at.date()  # answers given from then on count
    waiting = ""  # an answer given before the case result is an interim one
    if c.outcome == O.CASE_FILED:
        case = session.get(EnforcementCase, c.case_id) if c.case_id else None
        if case is None:
            out.append(Duty("file_case", "立案", "立案"))
            result_day = None
        elif case.status != CaseStatus.CLOSED or case.closed_on is None:
            out.append(Duty("case_result", "登记立案查处结果", "立案查处结果"))
            result_day, waiting = None, "立案查处结果"
        else:
            result_day = case.closed_on
            later = _due(cal, case.closed_on, conf.get("complaint_reply_days"))
            reply_due = max(reply_due, later) if reply_due else later
    elif c.outcome == O.TRANSFERRED and c.referral_id is None:
        receiver = _org_name(session, c.competent_org_id)
        found = c.verified_at
        due = deadlines.referral_deadline(found, Urgency.NORMAL, cal).due_at
        out.append(
            Duty(
                "transfer",
                f"移送{receiver or '有管辖权的部门'}（形成书面材料）",
                "移送有管辖权部门",
                due,
                TRANSFER_CLOCK,
            )
        )
    answers = [("reply", c.replied_at, "答复投诉举报人", "答复投诉人")] if not c.anonymous else []
    if c.informing_org_id:
        dept = _org_name(session, c.informing_org_id) or "告知部门"
        answers.append(("feedback", c.feedback_at, f"向{dept}反馈处理结果", "向告知部门反馈"))
    for key, done_at, text, short in answers:
        if done_at is not None and result_day is not None and done_at.date() >= result_day:
            continue
        if done_at is not None and waiting:  # interim answer given; the final one waits
            out.append(Duty(key, f"{text}（待{waiting}后再次告知）", short))
        else:
            out.append(Duty(key, text, short, reply_due, REPLY_CLOCK))
    return out


def clock_of(
    session: Session, c: Complaint, cal: WorkCalendar, conf: dict[str, Any]
) -> tuple[datetime | None, str | None]:
    """(deadline_at, deadline_what) of the complaint's running clock."""
    pending = duties(session, c, cal, conf)
    timed = [d for d in pending if d.due_at is not None]
    if not timed:
        return None, None
    first = min(timed, key=lambda d: d.due_at or datetime.max)
    if first.key == "verify":
        return first.due_at, VERIFY_CLOCK
    what = f"{first.clock}：" + "、".join(dict.fromkeys(d.short for d in pending))
    return first.due_at, what[:_WHAT_MAX]


def settle(uow: UnitOfWork, c: Complaint, at: datetime | None) -> bool:
    """Bring the clock up to date; close the complaint once nothing is pending.

    Returns True when it closed (the caller's audit entry says so)."""
    from desktop_app.services import calendar as calendar_service

    s = uow.session
    uow.flush()
    cal = calendar_service.load(s)
    conf = settings_service.read_all(s)
    if c.status == S.HANDLING and not duties(s, c, cal, conf):
        c.status = S.CLOSED
        c.closed_at = at
        c.deadline_at, c.deadline_what = None, None
        return True
    c.deadline_at, c.deadline_what = clock_of(s, c, cal, conf)
    return False


def record_change(
    uow: UnitOfWork,
    c: Complaint,
    before: dict[str, Any],
    summary: str,
    action: AuditAction = AuditAction.UPDATE,
    *,
    at: datetime | None = None,
) -> None:
    """Settle the clock (closing when all is done) and write one audit entry."""
    closed = settle(uow, c, at)
    uow.flush()
    b, a = audit.diff(before, audit.snapshot(c))
    if closed:
        summary += "；各项职责均已完成，办结"
        action = AuditAction.STATUS
    uow.audit(action, RECORD, c.id, f"{c.serial} {summary}", before=b, after=a)
