"""联合执法行动 (seed 三（四）): the ledger of joint actions with county departments.

The form and its bad input (nothing half-saved: actions, their organisations,
files, audit entries), the county-department rule, planned actions without
results, the meeting and the linked record, files, corrections with optimistic
locking, the history, and the demo data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from notice_helpers import (
    COURT,
    MARKET,
    NOW,
    POLICE_STATION,
    SCJG_STATION,
    TEAM,
    TODAY,
    TOWNSHIP,
    WATER,
    action,
    at,
    counts,
    deactivate,
    get_action,
    last_audit,
    meeting,
    notified,
    org,
    photo,
    stored_files,
)
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction
from desktop_app.services import attachments, dashboard, joint_actions
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from desktop_app.storage.models import JointAction, Meeting, Organisation


def names(a: JointAction) -> set[str]:
    return {o.name for o in a.organisations}


# --- the form --------------------------------------------------------------------------------


def test_an_action_has_its_serial_organisations_and_files(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    aid = joint_actions.create(ctx, action(ctx, note="出动执法人员18人次"), [photo(tmp_path)])
    a = get_action(ctx, aid)
    assert a.serial == "联2026-0001" and a.title == "滹沱河河道采砂联合执法检查"
    assert a.action_on == date(2026, 11, 26) and names(a) == {TOWNSHIP, WATER}
    assert a.findings == "共检查12家（处），发现问题3处。" and a.note == "出动执法人员18人次"
    assert a.deadline_at is None and a.deadline_what is None
    files = joint_actions.list_files(ctx, aid)
    assert [f.original_name for f in files] == ["现场照片.jpg"]
    assert files[0].category == "联合执法行动材料"
    create = next(r for r in joint_actions.history(ctx, aid) if r.action_label == "新增")
    assert (
        create.summary == "联2026-0001 登记联合执法行动（2026-11-26）：滹沱河河道采砂联合执法检查"
    )
    [(_label, old, new)] = [c for c in create.changes if c[0] == "参加单位"]
    assert old == "" and set(new.split("、")) == {TOWNSHIP, WATER}
    data, version = joint_actions.load_input(ctx, aid)
    assert version == 1 and data.title == a.title
    assert set(data.organisation_ids) == {org(ctx, TOWNSHIP), org(ctx, WATER)}
    assert joint_actions.allowed_actions(ctx, aid) == {"edit", "files"}
    assert not [i for i in dashboard.build(ctx, NOW).items if i.ledger_key == "joint_actions"]
    assert joint_actions.create(ctx, action(ctx)) == aid + 1
    assert get_action(ctx, aid + 1).serial == "联2026-0002"


def test_rare_characters_and_emoji_are_kept_intact(ctx: ServiceContext) -> None:
    aid = joint_actions.create(
        ctx, action(ctx, title="𠀀村🚜秸秆禁烧联合巡查", targets="𠀀村农田𡈼", results="劝离3人🙂")
    )
    a = get_action(ctx, aid)
    assert (a.title, a.targets, a.results) == ("𠀀村🚜秸秆禁烧联合巡查", "𠀀村农田𡈼", "劝离3人🙂")


FUTURE = TODAY + timedelta(days=5)
BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"title": "  "}, "title", "「行动名称」不能为空"),
    ({"title": "行" * 201}, "title", "不能超过200个字"),
    ({"targets": "对" * 2001}, "targets", "不能超过2000个字"),
    ({"findings": "问" * 5001}, "findings", "不能超过5000个字"),
    ({"note": "备\x07注"}, "note", "控制字符"),
    ({"action_on": None}, "action_on", "请填写「行动日期」"),
    ({"action_on": "下周一"}, "action_on", "「行动日期」应为日期"),
    ({"action_on": date(1999, 12, 31)}, "action_on", "不能早于2000年"),
    ({"action_on": TODAY + timedelta(days=367)}, "action_on", "距今超过一年"),
    ({"organisation_ids": []}, "organisation_ids", "请至少选择一个县级职能部门"),
    ({"organisation_ids": [TOWNSHIP, TEAM]}, "organisation_ids", "应会同县级相关职能部门开展"),
    ({"organisation_ids": [COURT]}, "organisation_ids", "请至少选择一个县级职能部门"),
    ({"organisation_ids": [WATER, 9999]}, "organisation_ids", "所选参加单位不存在"),
    ({"organisation_ids": [WATER, "水利"]}, "organisation_ids", "取值无效：水利"),
    (
        {"action_on": FUTURE, "results": None},
        "findings",
        f"行动日期（{FUTURE:%Y-%m-%d}）还没到，这是计划开展的行动，尚不能填写「发现问题」",
    ),
    ({"action_on": FUTURE, "findings": None}, "results", "尚不能填写「处理结果」"),
    ({"meeting_id": 9999}, "meeting_id", "所选会议不存在或已被删除"),
    ({"linked_type": "complaint", "linked_id": 9999}, "linked_id", "不存在或已被删除"),
    ({"linked_type": "calendar", "linked_id": 1}, "linked_type", "不能是「工作日历」"),
    ({"linked_type": "case", "linked_id": None}, "linked_id", "请选择关联的立案案件记录"),
]
KNOWN = {TOWNSHIP, TEAM, COURT, WATER}


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_saved(
    ctx: ServiceContext, tmp_path: Path, changes: dict[str, Any], field: str, message: str
) -> None:
    if "organisation_ids" in changes:  # names of the seed organisations → their ids
        ids = changes["organisation_ids"]
        changes = {**changes, "organisation_ids": [org(ctx, i) if i in KNOWN else i for i in ids]}
    before, files = counts(ctx), stored_files(ctx)
    data = action(ctx, **changes)
    assert message in joint_actions.validate_action(ctx, data)[field]
    with pytest.raises(InvalidInput) as err:
        joint_actions.create(ctx, data, [photo(tmp_path)])
    assert message in err.value.problems[field]
    assert counts(ctx) == before and stored_files(ctx) == files


def test_a_station_of_a_county_department_counts_as_the_department(ctx: ServiceContext) -> None:
    for name in (SCJG_STATION, POLICE_STATION, MARKET):
        aid = joint_actions.create(ctx, action(ctx, organisation_ids=[org(ctx, name)]))
        assert names(get_action(ctx, aid)) == {name}


def test_a_deactivated_organisation_is_refused_but_stays_on_its_actions(
    ctx: ServiceContext,
) -> None:
    aid = joint_actions.create(
        ctx, action(ctx, organisation_ids=[org(ctx, WATER), org(ctx, MARKET)])
    )
    deactivate(ctx, MARKET)
    with pytest.raises(InvalidInput, match="「深泽县市场监督管理局」已停用"):
        joint_actions.create(ctx, action(ctx, organisation_ids=[org(ctx, MARKET), org(ctx, WATER)]))
    data, version = joint_actions.load_input(ctx, aid)
    data.results = "现场责令整改3处。"
    joint_actions.update(ctx, aid, data, version)
    assert MARKET in names(get_action(ctx, aid))


def test_a_planned_action_has_no_results_until_its_day(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = TODAY + timedelta(days=3)
    aid = joint_actions.create(ctx, action(ctx, action_on=day, findings=None, results=None))
    assert "计划" in last_audit(ctx).summary
    monkeypatch.setattr(clock, "now", lambda: at(day, 18, 0))
    data, version = joint_actions.load_input(ctx, aid)
    data.findings, data.results = "共检查9家，发现问题2处。", "责令整改2处。"
    joint_actions.update(ctx, aid, data, version)
    assert get_action(ctx, aid).results == "责令整改2处。"


# --- the meeting and the linked record ---------------------------------------------------------


def test_the_meeting_that_decided_the_action(ctx: ServiceContext) -> None:
    held = meeting(ctx, datetime(2026, 11, 20, 9, 0))
    aid = joint_actions.create(ctx, action(ctx, meeting_id=held))
    assert get_action(ctx, aid).meeting_id == held
    later = meeting(ctx, datetime(2026, 11, 27, 9, 0))
    problems = joint_actions.validate_action(ctx, action(ctx, meeting_id=later))
    assert "晚于行动日期（2026-11-26）" in problems["meeting_id"]
    cancelled = meeting(ctx, datetime(2026, 11, 20, 9, 0), status="cancelled")
    problems = joint_actions.validate_action(ctx, action(ctx, meeting_id=cancelled))
    assert "已取消" in problems["meeting_id"]
    # a meeting cancelled after it was linked stays on the action
    with ctx.uow() as uow:
        m = uow.session.get(Meeting, held)
        assert m is not None
        m.status = "cancelled"
    data, version = joint_actions.load_input(ctx, aid)
    data.note = "补记"
    joint_actions.update(ctx, aid, data, version)
    assert get_action(ctx, aid).meeting_id == held


def test_the_linked_record_exists_and_is_not_the_action_itself(ctx: ServiceContext) -> None:
    nid = notified(ctx)
    aid = joint_actions.create(ctx, action(ctx, linked_type="urgent_notice", linked_id=nid))
    assert (get_action(ctx, aid).linked_type, get_action(ctx, aid).linked_id) == (
        "urgent_notice",
        nid,
    )
    data, version = joint_actions.load_input(ctx, aid)
    data.linked_type, data.linked_id = "joint_action", aid
    with pytest.raises(InvalidInput, match="不能关联记录自身"):
        joint_actions.update(ctx, aid, data, version)
    data.linked_type, data.linked_id = None, None
    joint_actions.update(ctx, aid, data, version)
    assert get_action(ctx, aid).linked_type is None


# --- files ---------------------------------------------------------------------------------------


def test_files_are_added_all_or_none(ctx: ServiceContext, tmp_path: Path) -> None:
    aid = joint_actions.create(ctx, action(ctx))
    ids = joint_actions.add_files(ctx, aid, [photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")])
    assert [f.id for f in joint_actions.list_files(ctx, aid)] == ids
    before, files = counts(ctx), stored_files(ctx)
    with pytest.raises(ServiceError):
        joint_actions.add_files(ctx, aid, [photo(tmp_path, "c.jpg"), tmp_path / "missing.jpg"])
    assert counts(ctx) == before and stored_files(ctx) == files
    with pytest.raises(InvalidInput, match="请选择要添加的文件"):
        joint_actions.add_files(ctx, aid, [])
    with pytest.raises(NotFound):
        joint_actions.add_files(ctx, 999, [photo(tmp_path, "d.jpg")])
    assert counts(ctx) == before and stored_files(ctx) == files


def test_an_unreadable_file_leaves_no_action(ctx: ServiceContext, tmp_path: Path) -> None:
    before, files = counts(ctx), stored_files(ctx)
    with pytest.raises(ServiceError):
        joint_actions.create(ctx, action(ctx), [photo(tmp_path), tmp_path / "missing.jpg"])
    assert counts(ctx) == before and stored_files(ctx) == files


# --- corrections and history ---------------------------------------------------------------------


def test_a_correction_is_audited_and_locked_by_version(ctx: ServiceContext) -> None:
    aid = joint_actions.create(ctx, action(ctx))
    data, version = joint_actions.load_input(ctx, aid)
    data.organisation_ids = [org(ctx, WATER), org(ctx, MARKET)]
    joint_actions.update(ctx, aid, data, version)
    a = get_action(ctx, aid)
    assert names(a) == {WATER, MARKET} and a.version == version + 1
    entry = last_audit(ctx)
    assert entry.action == AuditAction.UPDATE and entry.summary == "联2026-0001 修改"
    assert set(entry.before["participating_orgs"].split("、")) == {TOWNSHIP, WATER}
    assert set(entry.after["participating_orgs"].split("、")) == {WATER, MARKET}
    before = counts(ctx)
    joint_actions.update(ctx, aid, data, version + 1)  # nothing changed: nothing written
    assert counts(ctx) == before
    data.title = "他人修改前的标题"
    with pytest.raises(Conflict):
        joint_actions.update(ctx, aid, data, version)
    assert get_action(ctx, aid).title == "滹沱河河道采砂联合执法检查"
    data.organisation_ids = [org(ctx, TOWNSHIP)]
    with pytest.raises(InvalidInput, match="应会同县级相关职能部门开展"):
        joint_actions.update(ctx, aid, data, version + 1)
    assert counts(ctx) == before and names(get_action(ctx, aid)) == {WATER, MARKET}
    rows = joint_actions.history(ctx, aid)
    assert [r.action_label for r in rows] == ["新增", "修改"]
    assert rows[1].changes[0][0] == "参加单位"


def test_unknown_action(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound, match="联合执法行动记录 999 不存在"):
        joint_actions.get(ctx, 999)
    with pytest.raises(NotFound):
        joint_actions.allowed_actions(ctx, 999)
    with pytest.raises(NotFound):
        joint_actions.update(ctx, 999, action(ctx), 1)


# --- the demo data ---------------------------------------------------------------------------


def test_demo_actions_pass_the_rules_of_the_form(ctx: ServiceContext) -> None:
    generate_demo(ctx, records=400, seed=5, today=TODAY)
    with ctx.read() as s:
        ids = list(s.execute(select(JointAction.id)).scalars())
        township = s.execute(select(Organisation.id).where(Organisation.name == TOWNSHIP)).scalar()
    assert ids and township
    planned = 0
    for aid in ids:
        data, _version = joint_actions.load_input(ctx, aid)
        assert joint_actions.validate_action(ctx, data, aid) == {}, aid
        planned += data.action_on is not None and data.action_on > TODAY
    assert planned == 1
    assert attachments.list_for(ctx, "joint_action", ids[0]) == []
