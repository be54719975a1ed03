"""Settings: every key with its default and label, declared once.

Stored as JSON values in the ``settings`` table; a key not stored yet has
its default. The town profile (乡镇信息) is part of the settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, OrgKind, RecordType
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    kind: type = str
    max_len: int = 100
    group: str = "乡镇信息"
    max_value: int | None = None  # for int settings


# The most an attachment may be (services/attachments.MAX_BYTES); the setting
# below may only lower it, 0 or empty means this ceiling.
ATTACHMENT_CEILING_MB = 200

SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("county_name", "所属县（市、区）", "深泽县"),
    SettingSpec("township_name", "乡镇简称", "赵八镇", max_len=20),
    SettingSpec("township_org_id", "本乡镇（单位）", None, int),
    SettingSpec("team_org_id", "综合行政执法队（单位）", None, int),
    SettingSpec("head_name", "主要负责人（上报文书的签发人）", "", max_len=20),
    SettingSpec("address", "通信地址", "河北省石家庄市深泽县赵八镇人民政府", max_len=200),
    SettingSpec("postal_code", "邮政编码", "052560", max_len=10),
    SettingSpec("phone", "联系电话", "", max_len=40),
    SettingSpec("due_soon_days", "工作台“即将到期”提前天数", 3, int, group="工作台"),
    SettingSpec("meeting_cadence_months", "定期协商会议周期（月）", 3, int, group="联合执法协商"),
    SettingSpec("complaint_verify_days", "投诉举报核实期限（工作日）", 7, int, group="投诉举报"),
    SettingSpec(
        "complaint_reply_days",
        "投诉举报答复期限（工作日，自受理之日起）",
        15,
        int,
        group="投诉举报",
    ),
    SettingSpec(
        "criminal_working_days",
        "国务院令第310号“3日”期限的计法（0=自然日，默认、较严格；1=工作日，参照行政处罚法第85条）",
        0,
        int,
        group="行刑衔接",
        max_value=1,
    ),
    SettingSpec(
        "attachment_max_mb",
        f"单个附件大小上限（MB，最大{ATTACHMENT_CEILING_MB}）",
        ATTACHMENT_CEILING_MB,
        int,
        group="附件",
        max_value=ATTACHMENT_CEILING_MB,
    ),
    # the window locks after this many minutes without a key press or click; 0: never
    SettingSpec(
        "idle_lock_minutes",
        "无操作自动锁定（分钟，0 为不锁定）",
        10,
        int,
        group="安全",
        max_value=240,
    ),
)
# 发文字号 per document type: {年} is the year, {号} the serial (no 第, no leading zeros).
NUMBER_PATTERNS: dict[str, tuple[str, str]] = {
    "referral_letter": ("涉嫌违法案件移送函", "赵八镇执移〔{年}〕{号}号"),
    "feedback_letter": ("处理结果反馈函", "赵八镇执反〔{年}〕{号}号"),
    "referral_feedback": ("案件处理结果反馈函", "赵八镇执反〔{年}〕{号}号"),
    "complainant_notice": ("处理结果告知书", "赵八镇执告〔{年}〕{号}号"),
    "assistance_letter": ("执法协助函", "赵八镇执协〔{年}〕{号}号"),
    "reminder_letter": ("催办函", "赵八镇执催〔{年}〕{号}号"),
    "meeting_minutes": ("联合执法会议纪要", "赵八镇执纪〔{年}〕{号}号"),
    "urgent_notice": ("紧急情况通知", "赵八镇执急〔{年}〕{号}号"),
    "refusal_report": ("拒不处理情况报告", "赵八镇报〔{年}〕{号}号"),
    "dispute_request": ("管辖争议提请决定函", "赵八镇请〔{年}〕{号}号"),
    "criminal_transfer": ("涉嫌犯罪案件移送书", "赵八镇执刑移〔{年}〕{号}号"),
}
SPECS += tuple(
    SettingSpec(f"number.{code}", f"{label}文号", pattern, max_len=40, group="发文字号")
    for code, (label, pattern) in NUMBER_PATTERNS.items()
)
SPEC_BY_KEY = {s.key: s for s in SPECS}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


CLOCK_KEYS = frozenset({"complaint_verify_days", "complaint_reply_days", "criminal_working_days"})


def check_number_pattern(label: str, pattern: str) -> None:
    """A 发文字号 pattern must contain {年} and {号} once each and nothing else in braces."""
    names = _PLACEHOLDER.findall(pattern)
    if sorted(names) != ["号", "年"] or pattern.count("{") != 2 or pattern.count("}") != 2:
        raise InvalidInput(
            {label: f"「{label}」须包含一个{{年}}和一个{{号}}，例如：赵八镇执移〔{{年}}〕{{号}}号"}
        )
    if "第{号}" in pattern:
        raise InvalidInput({label: f"「{label}」中序号前不加“第”（GB/T 9704-2012 第7.2.4条）"})


def _check(spec: SettingSpec, value: Any) -> Any:
    if value is None or value == "":
        if spec.key.startswith("number."):
            return spec.default  # an emptied pattern falls back to the default
        return None if spec.kind is int else ""
    if spec.kind is int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidInput({spec.key: f"「{spec.label}」必须是整数"}) from None
        if number < 0:
            raise InvalidInput({spec.key: f"「{spec.label}」不能是负数"})
        if spec.max_value is not None and number > spec.max_value:
            raise InvalidInput({spec.key: f"「{spec.label}」不能大于{spec.max_value}"})
        return number
    text = str(value).strip()
    if len(text) > spec.max_len:
        raise InvalidInput({spec.key: f"「{spec.label}」不能超过{spec.max_len}个字"})
    if spec.key.startswith("number."):
        try:
            check_number_pattern(spec.label, text)
        except InvalidInput as exc:
            raise InvalidInput({spec.key: next(iter(exc.problems.values()))}) from None
    return text


# An organisation's own profile on a shared server: the letters' wording and
# numbers. Stored as ``key@<organisation id>``; the settings' township keeps the
# plain keys, so a database of one township is as it always was.
PER_ORGANISATION = frozenset(
    {"township_name", "team_org_id", "head_name", "address", "postal_code", "phone"}
    | {f"number.{code}" for code in NUMBER_PATTERNS}
)
SHARED_ONLY = "“{}”全县共用，只能由县级管理员（或设置中本乡镇的管理员）修改。"
DEFAULT_ABBREVIATION = "赵八镇"  # the seed township's, in the default number patterns


def own_key(key: str, org_id: int) -> str:
    return f"{key}@{org_id}"


def other_organisation(session: Session, stored: dict[str, Any]) -> int | None:
    """The acting organisation when it is not the settings' township (a shared
    server: another township or a department), else None."""
    from desktop_app.services.context import ORG_KEY

    acting = session.info.get(ORG_KEY)
    township = stored.get("township_org_id")
    if acting is None or township is None or int(acting) == int(township):
        return None
    return int(acting)


def other_profile(ctx: ServiceContext) -> int | None:
    """The organisation whose own profile ``ctx`` reads and saves, when that is not
    the settings' township (another township or a department on a shared server)."""
    with ctx.read() as session:
        stored = {s.key: s.value for s in session.execute(select(Setting)).scalars()}
        stored.setdefault("township_org_id", None)
        return other_organisation(session, stored)


def abbreviation(name: str, short_name: str | None) -> str:
    """How an organisation's numbers begin by default: its short name, else its
    name without the county and 人民政府 (深泽县铁杆镇人民政府 → 铁杆镇)."""
    if short_name:
        return short_name
    text = re.sub(r"^.*?县(?=.)", "", name)
    return text.removesuffix("人民政府") or name


def _defaults_for(session: Session, org_id: int) -> dict[str, Any]:
    from desktop_app.storage.models import Organisation

    org = session.get(Organisation, org_id)
    if org is None:
        return {}
    short = abbreviation(org.name, org.short_name)
    out: dict[str, Any] = {"township_name": short, "team_org_id": None, "head_name": ""}
    out.update({"address": "", "postal_code": "", "phone": org.liaison_phone or ""})
    for code, (_label, pattern) in NUMBER_PATTERNS.items():
        out[f"number.{code}"] = pattern.replace(DEFAULT_ABBREVIATION, short)
    return out


def read_all(session: Session) -> dict[str, Any]:
    stored = {s.key: s.value for s in session.execute(select(Setting)).scalars()}
    values = {s.key: stored.get(s.key, s.default) for s in SPECS}
    other = other_organisation(session, values)
    if other is not None:
        defaults = _defaults_for(session, other)
        for key in PER_ORGANISATION:
            values[key] = stored.get(own_key(key, other), defaults.get(key, values[key]))
    return values


def get_all(ctx: ServiceContext) -> dict[str, Any]:
    with ctx.read() as session:
        return read_all(session)


def get(ctx: ServiceContext, key: str) -> Any:
    return get_all(ctx)[key]


def save(ctx: ServiceContext, values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first; write all or nothing."""
    ctx.require_admin("修改设置")
    unknown = set(values) - set(SPEC_BY_KEY)
    if unknown:
        raise InvalidInput({k: f"未知的设置项：{k}" for k in sorted(unknown)})
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, value in values.items():
        try:
            clean[key] = _check(SPEC_BY_KEY[key], value)
        except InvalidInput as exc:
            problems.update(exc.problems)
    if problems:
        raise InvalidInput(problems)
    with ctx.uow() as uow:
        before = read_all(uow.session)
        other = other_organisation(uow.session, before)
        moved = clean.get("township_org_id", before["township_org_id"]) != before["township_org_id"]
        if other is not None and moved:
            raise InvalidInput(
                {"township_org_id": "共用服务器上的“本乡镇”只能由该乡镇的账户修改。"}
            )
        if other is not None and ctx.org_kind != OrgKind.COUNTY_GOVERNMENT.value:
            shared = [
                k
                for k, v in clean.items()
                if k not in PER_ORGANISATION and k != "township_org_id" and before.get(k) != v
            ]
            if shared:  # deadlines, limits: the same for every organisation of the county
                raise InvalidInput({k: SHARED_ONLY.format(SPEC_BY_KEY[k].label) for k in shared})
        for key, value in clean.items():
            # another organisation's profile on a shared server: its own rows
            stored_key = own_key(key, other) if other and key in PER_ORGANISATION else key
            row = uow.session.get(Setting, stored_key)
            if row is None:
                uow.session.add(Setting(key=stored_key, value=value))
            else:
                row.value = value
        changed = {k: v for k, v in clean.items() if before.get(k) != v}
        if changed:
            uow.audit(
                AuditAction.UPDATE,
                RecordType.SETTINGS,
                None,
                "修改设置：" + "、".join(SPEC_BY_KEY[k].label for k in changed),
                before={k: before.get(k) for k in changed},
                after=changed,
            )
        uow.flush()
        if changed.keys() & CLOCK_KEYS:
            # running clocks follow the new day counts in the same transaction
            from desktop_app.services.calendar import recompute_open_deadlines

            recompute_open_deadlines(uow.session)
            from desktop_app.services.criminal_common import recompute_clocks

            recompute_clocks(uow.session)
        return read_all(uow.session)
