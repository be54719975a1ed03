"""信息共享: the form (one short form, typed in seconds) and its checks.

Seed 三（三）: information is shared 自形成当日; 因收集、整理等原因无法于当日
共享的，可以适当延长共享期限. So:

* a share on the day the information was formed needs nothing more; a reason
  typed for it is dropped (it would say nothing, and the form hides the box);
* a later share needs the reason, and a real one: blank, one character,
  symbols only or a placeholder such as 「无」「同上」 is refused;
* not shared yet (``shared_on`` None) is allowed only for what the township
  shares: its clock runs until the end of the day of forming. What a
  department shares with the township is recorded when it arrives, so it
  always has its date. A reason or method typed for an unshared item is
  dropped: both are given when it is shared (:func:`info_shares.mark_shared`);
* how it was shared (:class:`ShareMethod`) is required once it is shared.

Counterparts (共享单位) are active organisations other than the township
itself and its own internal units (the enforcement team): sharing is between
the township and the bodies outside it. Internal, directly-affiliated and
dispatched bodies of others (a market-supervision station, a police station)
are accepted — sharing information is not acting in one's own name, so the
rule of 三（一）4 for transfers does not apply. Other townships are accepted
too (a county instance holds several).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.deadlines import cn_date
from desktop_app.domain.terms import InfoCategory, ShareDirection, ShareMethod
from desktop_app.services import scope
from desktop_app.services import settings as settings_service
from desktop_app.services.forms import Checker
from desktop_app.services.referral_common import after, day
from desktop_app.storage.models import Organisation

TITLE_MAX = 200
SUMMARY_MAX = 5000
REASON_MAX = 1000
NOTE_MAX = 2000
SEED = "机制 三（三）"

# Not a reason: what people type to get past a required box.
PLACEHOLDERS = frozenset(
    {"无", "没有", "暂无", "略", "同上", "不详", "其他", "其它", "待定", "原因", "延期", "延迟"}
)


@dataclass
class ShareInput:
    """One item of the ledger as the form holds it."""

    direction: ShareDirection | str
    category: InfoCategory | str
    title: str
    summary: str | None
    counterpart_ids: list[int]
    formed_on: date
    shared_on: date | None  # None: formed, not shared yet (the clock runs)
    method: ShareMethod | str | None
    late_reason: str | None
    note: str | None = None


@dataclass
class Checked:
    """What :func:`check_share` found: the values to store and the problems."""

    values: dict[str, Any] = field(default_factory=dict)
    counterparts: list[Organisation] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def meaningful(text: str | None) -> str:
    """The letters and digits of ``text`` (full-width folded), lower-case."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN").lower()


def is_real_reason(text: str | None) -> bool:
    """At least two letters or digits, and not a placeholder such as 「无」."""
    core = meaningful(text)
    return len(core) >= 2 and core not in PLACEHOLDERS


def days_late(formed_on: date, shared_on: date | None) -> int:
    """Calendar days after the day of forming (0: shared the same day)."""
    if shared_on is None:
        return 0
    return max(0, (shared_on - formed_on).days)


def own_units(session: Session) -> set[int]:
    """The township and every organisation under it (the enforcement team…)."""
    conf = settings_service.read_all(session)
    town = scope.acting_org_id(session)  # the logged-in account's, else the settings'
    # the enforcement team of the settings belongs to the settings' township only
    team = conf.get("team_org_id") if town == scope.settings_township(session) else None
    roots = {int(v) for v in (town, team) if v}
    parents = {i: p for i, p in session.execute(select(Organisation.id, Organisation.parent_id))}
    mine = set(roots)
    for org_id in parents:
        seen: set[int] = set()
        at: int | None = org_id
        while at is not None and at not in seen:
            if at in roots:
                mine.add(org_id)
                break
            seen.add(at)
            at = parents.get(at)
    return mine


def counterpart_problem(org: Organisation | None, mine: set[int], kept: bool) -> str | None:
    """Why ``org`` cannot be a counterpart, or None. ``kept``: already linked to
    the item being edited (a since-deactivated department stays on it)."""
    if org is None:
        return "所选共享单位不存在，请重新选择。"
    if org.id in mine:
        return f"「{org.name}」是本乡镇或其内设机构，信息共享的对象应为县级职能部门等其他单位。"
    if not org.active and not kept:
        return f"「{org.name}」已停用，不能选为共享单位。"
    return None


def _ids(c: Checker, raw: Iterable[Any] | None) -> list[int]:
    out: list[int] = []
    for value in raw or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            c.fail("counterpart_ids", f"共享单位的取值无效：{value}")
            return []
        if number not in out:
            out.append(number)
    return out


def _counterparts(
    c: Checker, session: Session, data: ShareInput, direction: Any, keep: frozenset[int]
) -> list[Organisation]:
    ids = _ids(c, data.counterpart_ids)
    if "counterpart_ids" in c.problems:
        return []
    if not ids:
        what = "信息来源部门" if direction == ShareDirection.RECEIVED else "共享单位"
        c.fail("counterpart_ids", f"请至少选择一个{what}")
        return []
    found = {
        o.id: o
        for o in session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars()
    }
    mine = own_units(session)
    why = [counterpart_problem(found.get(i), mine, i in keep) for i in ids]
    if any(why):
        c.fail("counterpart_ids", "\n".join(dict.fromkeys(w for w in why if w)))
        return []
    return [found[i] for i in ids]


def _late_reason(c: Checker, formed: date, shared: date, raw: str | None, received: bool) -> Any:
    reason = c.text("late_reason", raw, "延期共享原因", REASON_MAX)
    if "late_reason" in c.problems:
        return None
    n = (shared - formed).days
    who = "部门" if received else ""
    if not reason:
        c.fail(
            "late_reason",
            f"信息形成于{cn_date(formed)}，{cn_date(shared)}才共享（晚{n}天），请填写{who}延期共享的"
            f"原因（{SEED}：原则上自形成当日共享，因收集、整理等原因无法当日共享的，可以适当延长）。",
        )
    elif not is_real_reason(reason):
        c.fail(
            "late_reason",
            f"「{reason}」不足以说明延期共享的原因，请写明具体原因，"
            "如“需汇总各村上报数据，整理后共享”。",
        )
    return reason


def check_share(session: Session, data: ShareInput, keep: Iterable[int] = ()) -> Checked:
    """Every problem of the form, keyed by field, and the values to store.

    ``keep``: counterparts already linked to the item being edited.
    """
    c = Checker()
    direction = c.term("direction", ShareDirection, data.direction, "方向")
    received = direction == ShareDirection.RECEIVED
    values: dict[str, Any] = {
        "direction": direction,
        "category": c.term("category", InfoCategory, data.category, "信息类别"),
        "title": c.text("title", data.title, "信息名称", TITLE_MAX, required=True),
        "summary": c.text("summary", data.summary, "内容摘要", SUMMARY_MAX),
        "note": c.text("note", data.note, "备注", NOTE_MAX),
        "method": None,
        "late_reason": None,
    }
    orgs = _counterparts(c, session, data, direction, frozenset(keep))
    formed = day(c, "formed_on", data.formed_on, "形成日期")
    shared: date | None = None
    if data.shared_on is None or data.shared_on == "":
        if received:
            c.fail("shared_on", "部门共享给本镇的信息，请填写收到的日期（共享日期）")
    else:
        shared = day(c, "shared_on", data.shared_on, "共享日期")
        after(c, "shared_on", formed, shared, "formed_on", "shared_on")
        values["method"] = c.term("method", ShareMethod, data.method, "共享方式")
        if formed and shared and shared > formed and "shared_on" not in c.problems:
            values["late_reason"] = _late_reason(c, formed, shared, data.late_reason, received)
    values["formed_on"], values["shared_on"] = formed, shared
    return Checked(values, orgs, dict(c.problems))
