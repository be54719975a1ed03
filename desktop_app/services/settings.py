"""Settings: every key with its default and label, declared once.

Stored as JSON values in the ``settings`` table; a key not stored yet has
its default. The town profile (乡镇信息) is part of the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, RecordType
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


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("county_name", "所属县（市、区）", "深泽县"),
    SettingSpec("township_name", "乡镇简称", "赵八镇", max_len=20),
    SettingSpec("township_org_id", "本乡镇（单位）", None, int),
    SettingSpec("team_org_id", "综合行政执法队（单位）", None, int),
    SettingSpec("address", "通信地址", "河北省石家庄市深泽县赵八镇人民政府", max_len=200),
    SettingSpec("postal_code", "邮政编码", "052560", max_len=10),
    SettingSpec("phone", "联系电话", "", max_len=40),
    SettingSpec("doc_prefix", "发文机关代字", "赵八镇执", max_len=20, group="文书"),
    SettingSpec("due_soon_days", "工作台“即将到期”提前天数", 3, int, group="工作台"),
    SettingSpec("meeting_cadence_months", "定期协商会议周期（月）", 3, int, group="联合执法协商"),
)
SPEC_BY_KEY = {s.key: s for s in SPECS}


def _check(spec: SettingSpec, value: Any) -> Any:
    if value is None or value == "":
        return None if spec.kind is int else ""
    if spec.kind is int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidInput({spec.key: f"「{spec.label}」必须是整数"}) from None
        if number < 0:
            raise InvalidInput({spec.key: f"「{spec.label}」不能是负数"})
        return number
    text = str(value).strip()
    if len(text) > spec.max_len:
        raise InvalidInput({spec.key: f"「{spec.label}」不能超过{spec.max_len}个字"})
    return text


def read_all(session: Session) -> dict[str, Any]:
    stored = {s.key: s.value for s in session.execute(select(Setting)).scalars()}
    return {s.key: stored.get(s.key, s.default) for s in SPECS}


def get_all(ctx: ServiceContext) -> dict[str, Any]:
    with ctx.read() as session:
        return read_all(session)


def get(ctx: ServiceContext, key: str) -> Any:
    return get_all(ctx)[key]


def save(ctx: ServiceContext, values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first; write all or nothing."""
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
        for key, value in clean.items():
            row = uow.session.get(Setting, key)
            if row is None:
                uow.session.add(Setting(key=key, value=value))
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
        return read_all(uow.session)
