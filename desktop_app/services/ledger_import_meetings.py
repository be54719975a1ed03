"""Ledger import target 联合执法协商（会商） (meetings): an office's ledger of
consultation meetings with the county departments.

Each row goes through the meeting form's own check (:func:`meeting_forms.check_meeting`:
a regular or special meeting has a participating organisation from outside the
township, a special one its linked case, transfer or complaint, a held one at
least one topic, the lengths) and the minutes' check
(:func:`meeting_forms.check_minutes`); the meeting is built in the import's unit
of work.

* Status, as the service sets it: a meeting whose time has come is 已召开
  (as :func:`meetings.record`, no clock); a time still ahead is 计划召开 (as
  :func:`meetings.plan`: within a year, no minutes yet, its clock due at the
  planned time). A 状态 column may say 已取消 instead — with its 取消原因 (a real
  reason, as :func:`meeting_flow.cancel` requires), kept in the note; a 状态 that
  disagrees with the time is refused.
* Without a 会议类型 column a meeting is a 定期会议; without a 议题类别 column its
  topic is 普遍性问题 (a mapped 议题类别 cell must name at least one of the
  seed's four topics, 、-separated).
* 形成意见 / 议定事项 and 会议情况 / 纪要 are the minutes; 落实情况 (free text — the
  follow-up actions need an owner and a due day the ledgers do not give) is
  kept in the note, after 备注. 关联记录编号 is the 台账编号 of the case, transfer
  or complaint a special meeting studies.
* Duplicate key: (会议名称 folded, the day of 召开时间).
* Serial (会YYYY-NNNN) in the year of 召开时间 (the record's own date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import MeetingKind, MeetingStatus, MeetingTopic, RecordType
from desktop_app.domain.validators import ValidationError
from desktop_app.services.assistance_common import LINK_MODELS
from desktop_app.services.forms import Checker
from desktop_app.services.ledger_import_base import (
    Prepared,
    Problems,
    Target,
    mine,
    moment_span,
    rename,
)
from desktop_app.services.ledger_import_fields import (
    MOMENT,
    ORGS,
    TERM,
    ImportField,
    norm,
    term_value,
)
from desktop_app.services.meeting_forms import (
    NOTE_MAX,
    MeetingInput,
    check_meeting,
    check_minutes,
    reason_text,
    run_clock,
)
from desktop_app.storage.models import Meeting

S = MeetingStatus
_SPLIT = re.compile(r"[、，,;；/／\n]+")

TOPICS = ImportField(
    "topics",
    "议题类别",
    also="议题类型 议题分类 协商类别 协商议题类别",
    term=MeetingTopic,
    words={"普遍性": "general", "普遍问题": "general", "热点": "hotspot", "焦点": "hotspot"}
    | {"难点": "hotspot", "法律适用": "supervision_law", "监管": "supervision_law"}
    | {"联动执法": "major_joint", "重大联动": "major_joint", "联合执法": "major_joint"},
)

FIELDS = (
    ImportField(
        "kind",
        "会议类型",
        TERM,
        also="会议类别 会议种类 会议形式 类型",
        term=MeetingKind,
        words={"定期": "regular", "例会": "regular", "联席会议": "regular", "即时": "ad_hoc"}
        | {"临时": "ad_hoc", "临时会议": "ad_hoc", "专题": "special", "专题会商": "special"},
    ),
    ImportField(
        "subject",
        "会议名称",
        required=True,
        also="议题 会议议题 会议主题 主题 协商议题 协商事项 会商事项 会商议题 名称",
    ),
    ImportField(
        "held_at",
        "召开时间",
        MOMENT,
        True,
        "会议日期 会议时间 召开日期 开会时间 开会日期 会商日期 会商时间 协商日期 协商时间",
    ),
    ImportField("place", "地点", also="会议地点 召开地点 开会地点"),
    ImportField("host", "主持人", also="主持 主持领导 会议主持人"),
    ImportField(
        "organisations",
        "参会单位",
        ORGS,
        also="参加单位 参会部门 参加部门 与会单位 与会部门 协商单位 会商单位 单位",
    ),
    ImportField("participants", "参会人员", also="参加人员 与会人员 出席人员 参会人"),
    TOPICS,
    ImportField(
        "discussion",
        "会议情况",
        also="会议纪要 纪要 纪要内容 会议内容 主要内容 讨论情况 协商情况 会商情况",
    ),
    ImportField(
        "decisions",
        "议定事项",
        also="形成意见 会议意见 议定意见 决定事项 会议决定 协商意见 协商结果 会商意见",
    ),
    ImportField("follow_up", "落实情况", also="落实结果 执行情况 办理情况 落实事项"),
    ImportField(
        "linked",
        "关联记录编号",
        also="关联台账编号 关联记录 关联案件编号 案件编号 线索编号",
    ),
    ImportField(
        "status",
        "状态",
        TERM,
        also="会议状态 召开情况",
        term=MeetingStatus,
        words={"已开": "held", "已召开": "held", "召开": "held", "取消": "cancelled"}
        | {"未召开": "planned", "计划": "planned", "待召开": "planned"},
    ),
    ImportField("cancel_reason", "取消原因", also="取消理由 未召开原因"),
    ImportField("note", "备注"),
)

_NAMES = {"organisation_ids": "organisations", "linked_id": "linked", "linked_type": "linked"}
_CANCEL_EXAMPLE = "主要参会部门有紧急任务，改期召开"


def _topics(c: Checker, raw: Any) -> list[str]:
    codes: list[str] = []
    for part in _SPLIT.split(str(raw or "")):
        if not part.strip():
            continue
        try:
            code = term_value(TOPICS, part)
        except ValidationError as exc:
            c.fail("topics", f"「议题类别」{exc}")
            return []
        if code not in codes:
            codes.append(code)
    return codes


def _linked(c: Checker, s: Session, raw: Any) -> tuple[str | None, int | None]:
    """The record a 台账编号 names, among the acting organisation's cases, transfers
    and complaints (each organisation numbers its own)."""
    serial = str(raw or "").strip()
    if not serial:
        return None, None
    for kind, model in LINK_MODELS.items():
        found = s.execute(select(model.id).where(model.serial == serial, *mine(s, model))).scalar()
        if found is not None:
            return kind, int(found)
    c.fail("linked", f"找不到台账编号为「{serial}」的立案案件、案件移送或投诉举报记录")
    return None, None


def _check(s: Session, v: dict[str, Any], cal: WorkCalendar) -> tuple[Any, Problems]:
    c = Checker()
    held_at: datetime | None = v.get("held_at")
    given = v.get("status")
    if given:
        status = S(given)
    else:
        status = S.HELD if held_at is None or held_at <= clock.now() else S.PLANNED
    linked_type, linked_id = _linked(c, s, v.get("linked"))
    data = MeetingInput(
        kind=v.get("kind") or "",
        subject=v.get("subject") or "",
        held_at=held_at,  # type: ignore[arg-type]
        place=v.get("place"),
        host=v.get("host"),
        organisation_ids=list(v.get("organisations") or []),
        participants=v.get("participants"),
        topics=_topics(c, v.get("topics")),
        linked_type=linked_type,
        linked_id=linked_id,
        note=v.get("note"),
    )
    if status == S.HELD:
        found = check_meeting(s, data, held=True)
    else:  # a cancelled meeting's planned time may have passed: kept as it was
        keep = held_at if status == S.CANCELLED else None
        found = check_meeting(s, data, held=False, keep_time=keep)
    minutes, minute_problems = check_minutes(v.get("discussion"), v.get("decisions"))
    for fld, message in rename({**found.problems, **minute_problems}, _NAMES).items():
        if fld not in c.problems:
            c.fail(fld, message)
    if status != S.HELD:
        for fld, label in (("discussion", "会议情况"), ("decisions", "议定事项")):
            if minutes.get(fld):
                c.fail(
                    fld, f"「{status.label}」的会议还没有{label}；已召开的会议请将状态填为已召开"
                )
    reason = ""
    if status == S.CANCELLED:
        reason = reason_text(
            c, "cancel_reason", v.get("cancel_reason"), "取消会议的原因", _CANCEL_EXAMPLE
        )
    elif v.get("cancel_reason"):
        c.fail("cancel_reason", f"填写了取消原因，状态却是「{status.label}」")
    follow_up = c.text("follow_up", v.get("follow_up"), "落实情况", NOTE_MAX)
    values = dict(found.values)
    lines = [values.get("note"), f"落实情况：{follow_up}" if follow_up else None]
    lines.append(f"取消会议，原因：{reason}" if reason else None)
    note = "\n".join(x for x in lines if x) or None
    if note and len(note) > NOTE_MAX and "note" not in c.problems:
        c.fail("note", f"「备注」与落实情况合计不能超过{NOTE_MAX}个字")
    if c.problems:
        return None, dict(c.problems)
    held = values["held_at"]
    values.update(minutes if status == S.HELD else {})
    values.update(status=status, note=note)
    key = (norm(values["subject"]), held.date())
    return Prepared(0, key, held.year, values, {"orgs": found.organisations}), {}


def _existing(s: Session, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    span = moment_span(k[1] for k in keys)
    if span is None:
        return {}
    start, end = span
    rows = s.execute(
        select(Meeting).where(Meeting.held_at >= start, Meeting.held_at < end, *mine(s, Meeting))
    ).scalars()
    return {(norm(m.subject), m.held_at.date()): m.serial for m in rows}


def _build(p: Prepared, cal: WorkCalendar) -> Meeting:
    m = Meeting(**p.values)
    m.organisations = list(p.extra["orgs"])
    m.actions = []
    run_clock(m)
    return m


TARGETS: dict[str, Target] = {
    "meetings": Target(
        "meetings",
        "联合执法协商（会商）",
        RecordType.MEETING,
        Meeting,
        FIELDS,
        {"kind": MeetingKind.REGULAR.value, "topics": MeetingTopic.GENERAL.label},
        _check,
        _existing,
        _build,
    ),
}
