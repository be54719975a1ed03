"""信息共享 (seed 三（三）): the same-day rule and its reason, the method, the
counterparts, the clock of an unshared item on the dashboard, files, corrections.
The rate report is in test_info_share_report.py."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from info_share_helpers import (
    ENV,
    NOW,
    POLICE,
    STATION,
    TEAM,
    TODAY,
    TOWNSHIP,
    WATER,
    YESTERDAY,
    audits,
    counts,
    deactivate,
    late,
    org,
    scan,
    share,
    stored_files,
)
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.deadlines import end_of_day
from desktop_app.domain.terms import AuditAction, DueBucket, RecordType, ShareMethod
from desktop_app.services import (
    attachments,
    dashboard,
    info_shares,
    ledgers,
    organisations,
    records,
    staff,
)
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, NotFound, RuleViolation
from desktop_app.storage.models import Organisation


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def op(ctx: ServiceContext) -> ServiceContext:
    return ctx.as_operator(staff.save(ctx, staff.StaffInput(name="张内勤")), "张内勤")


def refused(ctx: ServiceContext, field: str, data: info_shares.ShareInput) -> str:
    """The message for ``field``; nothing at all was written."""
    before = counts(ctx)
    assert field in info_shares.validate_share(ctx, data)
    with pytest.raises(InvalidInput) as exc:
        info_shares.create(ctx, data)
    assert counts(ctx) == before
    return exc.value.problems[field]


def due_items(ctx: ServiceContext) -> dict[str, DueBucket]:
    board = dashboard.build(ctx, NOW)
    return {i.serial: i.bucket for i in board.items if i.ledger_key == "info_shares"}


# --- quick entry and the same-day rule ---------------------------------------------------


def test_quick_entry_shared_today_needs_nothing_more(op: ServiceContext) -> None:
    before = counts(op)
    sid = info_shares.create(op, share(op))
    sh = info_shares.get(op, sid)
    assert sh.serial == "享2026-0001"
    assert (sh.formed_on, sh.shared_on, sh.method) == (TODAY, TODAY, ShareMethod.PLATFORM)
    assert sh.late_reason is None and sh.deadline_at is None and sh.deadline_what is None
    assert [o.name for o in sh.counterparts] == [WATER]
    assert sh.created_by_id == op.operator_id
    (entry,) = audits(op, sid)
    assert entry.action == AuditAction.CREATE and "当日共享" in (entry.summary or "")
    assert entry.after and entry.after["counterparts"] == WATER
    assert counts(op)[3] == before[3] + 1  # one audit entry
    assert info_shares.allowed_actions(op, sid) == {"edit", "files"}


def test_late_share_without_a_reason_is_refused(ctx: ServiceContext) -> None:
    message = refused(ctx, "late_reason", late(ctx, 3, None))
    assert "晚3天" in message and "收集、整理" in message


def test_late_share_with_a_reason_is_kept(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, late(ctx, 3, "  需汇总各村上报数据，整理后共享 "))
    sh = info_shares.get(ctx, sid)
    assert sh.late_reason == "需汇总各村上报数据，整理后共享"
    assert sh.deadline_at is None
    assert "延期3天共享" in (audits(ctx, sid)[0].summary or "")


@pytest.mark.parametrize(
    "reason", ["", "   ", "\n", "x", "理", "。。。", "——", "无", "同上", "无。"]
)
def test_a_reason_must_say_something(ctx: ServiceContext, reason: str) -> None:
    message = refused(ctx, "late_reason", late(ctx, 1, reason))
    assert "原因" in message


def test_a_two_character_reason_is_enough(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, late(ctx, 1, "整理"))
    assert info_shares.get(ctx, sid).late_reason == "整理"


def test_a_reason_given_for_a_same_day_share_is_dropped(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx, late_reason="需要整理"))
    assert info_shares.get(ctx, sid).late_reason is None


def test_a_received_item_shared_late_needs_the_departments_reason(ctx: ServiceContext) -> None:
    data = late(ctx, 2, None, direction="received")
    assert "部门延期共享" in refused(ctx, "late_reason", data)
    data.late_reason = "部门需经局务会审定后共享"
    assert info_shares.get(ctx, info_shares.create(ctx, data)).late_reason


def test_shared_before_it_was_formed_is_refused(ctx: ServiceContext) -> None:
    message = refused(ctx, "shared_on", share(ctx, shared_on=YESTERDAY))
    assert message == "「共享日期」不能早于「形成日期」"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("formed_on", {"formed_on": TODAY + timedelta(days=1), "shared_on": None}),
        ("shared_on", {"shared_on": TODAY + timedelta(days=1)}),
        ("formed_on", {"formed_on": date(1999, 12, 31)}),
        ("formed_on", {"formed_on": None}),
        ("formed_on", {"formed_on": "2026-11-30"}),
    ],
)
def test_dates_must_be_real_and_not_in_the_future(
    ctx: ServiceContext, field: str, changes: dict[str, Any]
) -> None:
    assert refused(ctx, field, share(ctx, **changes))


# --- method -------------------------------------------------------------------------------


def test_the_method_is_required_once_shared(ctx: ServiceContext) -> None:
    assert "共享方式" in refused(ctx, "method", share(ctx, method=None))
    assert "取值无效" in refused(ctx, "method", share(ctx, method="carrier_pigeon"))
    sid = info_shares.create(ctx, share(ctx, method="email"))
    assert info_shares.get(ctx, sid).method == ShareMethod.EMAIL


def test_method_and_reason_of_an_unshared_item_are_dropped(ctx: ServiceContext) -> None:
    data = share(ctx, formed_on=YESTERDAY, shared_on=None, method="email", late_reason="整理中")
    sh = info_shares.get(ctx, info_shares.create(ctx, data))
    assert (sh.shared_on, sh.method, sh.late_reason) == (None, None, None)


def test_a_received_item_has_its_date(ctx: ServiceContext) -> None:
    message = refused(ctx, "shared_on", share(ctx, direction="received", shared_on=None))
    assert "收到的日期" in message


# --- counterparts ---------------------------------------------------------------------------


def test_at_least_one_counterpart(ctx: ServiceContext) -> None:
    assert "至少选择一个共享单位" in refused(ctx, "counterpart_ids", share(ctx, counterpart_ids=[]))
    data = share(ctx, direction="received", counterpart_ids=[])
    assert "来源部门" in refused(ctx, "counterpart_ids", data)


@pytest.mark.parametrize(
    ("who", "message"),
    [(TOWNSHIP, "本乡镇"), (TEAM, "本乡镇"), (4242, "不存在"), ("x", "取值无效")],
)
def test_refused_counterparts(ctx: ServiceContext, who: Any, message: str) -> None:
    ids = [org(ctx, WATER), org(ctx, who) if who in (TOWNSHIP, TEAM) else who]
    assert message in refused(ctx, "counterpart_ids", share(ctx, counterpart_ids=ids))


def test_a_unit_under_the_township_is_its_own(ctx: ServiceContext) -> None:
    """Not named in the settings, but under the township: still the township."""
    centre = organisations.save(
        ctx,
        organisations.OrgInput(
            "赵八镇综合指挥和信息化网络中心", "internal_unit", parent_id=org(ctx, TOWNSHIP)
        ),
    )
    assert "本乡镇" in refused(ctx, "counterpart_ids", share(ctx, counterpart_ids=[centre]))
    assert centre not in {o.id for o in info_shares.counterpart_choices(ctx)}


def test_an_inactive_organisation_is_refused(ctx: ServiceContext) -> None:
    deactivate(ctx, ENV)
    assert "已停用" in refused(ctx, "counterpart_ids", share(ctx, ENV))


def test_several_counterparts_including_others_internal_units(ctx: ServiceContext) -> None:
    """Sharing is not acting in one's own name (三（一）4 is about transfers):
    a department's station is a counterpart; a repeated pick counts once."""
    data = share(ctx, ENV, WATER, STATION, POLICE)
    data.counterpart_ids.append(org(ctx, WATER))
    sh = info_shares.get(ctx, info_shares.create(ctx, data))
    assert {o.name for o in sh.counterparts} == {ENV, WATER, STATION, POLICE}
    assert len(sh.counterparts) == 4


def test_counterpart_choices_leave_out_the_township_and_inactive_ones(ctx: ServiceContext) -> None:
    deactivate(ctx, POLICE)
    names = {o.name for o in info_shares.counterpart_choices(ctx)}
    assert {WATER, ENV, STATION} <= names
    assert not names & {TOWNSHIP, TEAM, POLICE}


# --- the other fields -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("category", {"category": "gossip"}, "取值无效"),
        ("category", {"category": None}, "请选择"),
        ("direction", {"direction": "sideways"}, "取值无效"),
        ("title", {"title": "  "}, "不能为空"),
        ("title", {"title": "享" * 201}, "不能超过200个字"),
        ("summary", {"summary": "摘" * 5001}, "不能超过5000个字"),
        ("title", {"title": "处罚\x07决定"}, "控制字符"),
    ],
)
def test_bad_fields_are_refused(
    ctx: ServiceContext, field: str, changes: dict[str, Any], message: str
) -> None:
    assert message in refused(ctx, field, share(ctx, **changes))


def test_every_problem_at_once(ctx: ServiceContext) -> None:
    data = share(ctx, title="", category="x", counterpart_ids=[], method=None)
    problems = info_shares.validate_share(ctx, data)
    assert set(problems) == {"title", "category", "counterpart_ids", "method"}


def test_rare_characters_and_emoji_are_kept(ctx: ServiceContext) -> None:
    title = "𠀀" * 199 + "😀"
    summary = "刘䶮反映：𠀀家庄联络站数据已核对 👍"
    sid = info_shares.create(ctx, share(ctx, title=title, summary=summary, category="statistics"))
    sh = info_shares.get(ctx, sid)
    assert (sh.title, sh.summary) == (title, summary)


# --- files ----------------------------------------------------------------------------------


def test_files_are_stored_with_the_item(ctx: ServiceContext, tmp_path: Path) -> None:
    sid = info_shares.create(ctx, share(ctx), [scan(tmp_path)])
    (att,) = info_shares.list_files(ctx, sid)
    assert att.original_name == "11月处罚决定汇总.pdf" and att.category == "共享信息材料"
    assert attachments.path_of(ctx, att.id).read_bytes() == b"%PDF-1.4 x"
    more = info_shares.add_files(ctx, sid, [scan(tmp_path, "附表.xlsx", b"PK")])
    assert [a.id for a in info_shares.list_files(ctx, sid)] == [att.id, *more]


def test_a_failing_file_leaves_no_item_and_no_file(ctx: ServiceContext, tmp_path: Path) -> None:
    before = counts(ctx)
    with pytest.raises(Exception, match="找不到文件"):
        info_shares.create(ctx, share(ctx), [scan(tmp_path), tmp_path / "不存在.pdf"])
    assert counts(ctx) == before
    assert stored_files(ctx) == []


def test_adding_files_is_all_or_nothing(ctx: ServiceContext, tmp_path: Path) -> None:
    sid = info_shares.create(ctx, share(ctx))
    before = counts(ctx)
    with pytest.raises(Exception, match="空文件"):
        info_shares.add_files(ctx, sid, [scan(tmp_path), scan(tmp_path, "空.pdf", b"")])
    assert counts(ctx) == before and stored_files(ctx) == []
    with pytest.raises(InvalidInput):
        info_shares.add_files(ctx, sid, [])
    with pytest.raises(NotFound):
        info_shares.add_files(ctx, 4242, [scan(tmp_path)])


# --- the clock of an item not shared yet ------------------------------------------------------


def test_an_unshared_item_is_due_on_the_day_it_was_formed(ctx: ServiceContext) -> None:
    today = info_shares.create(ctx, share(ctx, shared_on=None, method=None))
    older = info_shares.create(ctx, share(ctx, formed_on=YESTERDAY, shared_on=None))
    done = info_shares.create(ctx, late(ctx, 1, "数据需整理"))
    sh = info_shares.get(ctx, older)
    assert (sh.deadline_at, sh.deadline_what) == (end_of_day(YESTERDAY), "共享期限")
    assert "未共享" in (audits(ctx, older)[0].summary or "")
    serial = {i: info_shares.get(ctx, i).serial for i in (today, older, done)}
    assert due_items(ctx) == {serial[today]: DueBucket.TODAY, serial[older]: DueBucket.OVERDUE}
    assert info_shares.allowed_actions(ctx, older) == {"edit", "files", "share"}


def test_sharing_stops_the_clock(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx, formed_on=YESTERDAY, shared_on=None))
    before = counts(ctx)
    info_shares.mark_shared(ctx, sid, TODAY, "document", "需汇总各村数据后共享")
    sh = info_shares.get(ctx, sid)
    assert (sh.shared_on, sh.method) == (TODAY, ShareMethod.DOCUMENT)
    assert sh.late_reason == "需汇总各村数据后共享"
    assert sh.deadline_at is None and sh.deadline_what is None
    assert due_items(ctx) == {}
    assert counts(ctx)[3] == before[3] + 1
    entry = audits(ctx, sid)[-1]
    assert entry.action == AuditAction.STATUS and "延期1天共享" in (entry.summary or "")
    with pytest.raises(RuleViolation, match="已于2026年11月30日共享"):
        info_shares.mark_shared(ctx, sid, TODAY, "document", None)
    assert info_shares.allowed_actions(ctx, sid) == {"edit", "files"}


@pytest.mark.parametrize(
    ("field", "shared_on", "method", "reason"),
    [
        ("late_reason", TODAY, "platform", None),
        ("late_reason", TODAY, "platform", "无"),
        ("method", TODAY, None, "需要整理"),
        ("shared_on", YESTERDAY - timedelta(days=1), "platform", None),
        ("shared_on", TODAY + timedelta(days=1), "platform", "需要整理"),
    ],
)
def test_marking_shared_follows_the_same_rules(
    ctx: ServiceContext, field: str, shared_on: date, method: str | None, reason: str | None
) -> None:
    sid = info_shares.create(ctx, share(ctx, formed_on=YESTERDAY, shared_on=None))
    before = counts(ctx)
    with pytest.raises(InvalidInput) as exc:
        info_shares.mark_shared(ctx, sid, shared_on, method, reason)
    assert field in exc.value.problems
    assert counts(ctx) == before
    assert info_shares.get(ctx, sid).deadline_at == end_of_day(YESTERDAY)


def test_shared_on_the_day_it_was_formed_needs_no_reason(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx, shared_on=None))
    info_shares.mark_shared(ctx, sid, TODAY, "phone", "用不上的原因")
    sh = info_shares.get(ctx, sid)
    assert (sh.shared_on, sh.late_reason, sh.deadline_at) == (TODAY, None, None)


# --- corrections --------------------------------------------------------------------------------


def test_update_changes_fields_and_the_clock(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx))
    data, version = info_shares.load_input(ctx, sid)
    assert data == share(ctx)
    data.shared_on, data.method = None, None
    data.counterpart_ids = [org(ctx, ENV), org(ctx, WATER)]
    info_shares.update(ctx, sid, data, version)
    sh = info_shares.get(ctx, sid)
    assert sh.deadline_at == end_of_day(TODAY) and sh.version == version + 1
    assert {o.name for o in sh.counterparts} == {ENV, WATER}
    entry = audits(ctx, sid)[-1]
    assert entry.action == AuditAction.UPDATE
    assert entry.before == {"shared_on": "2026-11-30", "method": "platform", "deadline_at": None,
                            "deadline_what": None, "counterparts": WATER}  # fmt: skip
    changes = {label: (old, new) for label, old, new in info_shares.history(ctx, sid)[-1].changes}
    assert changes["共享方式"] == ("信息化网络平台", "")
    assert changes["共享单位"] == (WATER, f"{ENV}、{WATER}")


def test_a_stale_version_is_refused(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx))
    mine, version = info_shares.load_input(ctx, sid)
    theirs, _ = info_shares.load_input(ctx, sid)
    theirs.counterpart_ids = [org(ctx, ENV)]  # only the links change: still a new version
    info_shares.update(ctx, sid, theirs, version)
    mine.title = "改了名称"
    before = counts(ctx)
    with pytest.raises(Conflict):
        info_shares.update(ctx, sid, mine, version)
    with pytest.raises(Conflict):
        info_shares.mark_shared(ctx, sid, TODAY, "email", None, expected_version=version)
    assert counts(ctx) == before
    assert info_shares.get(ctx, sid).title == share(ctx).title


def test_a_department_deactivated_since_stays_on_its_items(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx, ENV))
    deactivate(ctx, ENV)
    data, version = info_shares.load_input(ctx, sid)
    data.title = "更正后的名称"
    assert info_shares.validate_share(ctx, data, sid) == {}
    info_shares.update(ctx, sid, data, version)
    deactivate(ctx, POLICE)
    data, version = info_shares.load_input(ctx, sid)
    data.counterpart_ids.append(org(ctx, POLICE))
    with pytest.raises(InvalidInput, match="深泽县公安局」已停用"):
        info_shares.update(ctx, sid, data, version)


def test_an_unchanged_save_writes_nothing(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx))
    before = counts(ctx)
    data, version = info_shares.load_input(ctx, sid)
    info_shares.update(ctx, sid, data, version)
    assert counts(ctx) == before and info_shares.get(ctx, sid).version == version


def test_unknown_items(ctx: ServiceContext) -> None:
    for call in (
        lambda: info_shares.get(ctx, 4242),
        lambda: info_shares.update(ctx, 4242, share(ctx)),
        lambda: info_shares.mark_shared(ctx, 4242, TODAY, "email", None),
        lambda: info_shares.history(ctx, 4242),
        lambda: info_shares.allowed_actions(ctx, 4242),
    ):
        with pytest.raises(NotFound, match="信息共享记录"):
            call()


def test_history_tells_the_story(ctx: ServiceContext, tmp_path: Path) -> None:
    sid = info_shares.create(ctx, share(ctx, formed_on=YESTERDAY, shared_on=None), [scan(tmp_path)])
    info_shares.mark_shared(ctx, sid, TODAY, "meeting", "需提交联席会议通报")
    rows = info_shares.history(ctx, sid)
    assert [r.action_label for r in rows] == ["新增", "新增", "状态变更"]
    assert "添加附件" in rows[1].summary
    changes = {label: new for label, _old, new in rows[2].changes}
    assert changes["共享方式"] == "会议通报" and changes["共享日期"] == "2026-11-30"
    assert attachments.list_for(ctx, RecordType.INFO_SHARE, sid)


# --- the ledger's filters ------------------------------------------------------------------


def test_ledger_filters_by_direction_category_counterpart_and_lateness(
    ctx: ServiceContext,
) -> None:
    on_time = info_shares.create(ctx, share(ctx, WATER, ENV))
    late_one = info_shares.create(ctx, late(ctx, 2, "需汇总各村上报数据", ENV))
    received = info_shares.create(
        ctx, share(ctx, POLICE, direction="received", category="statistics")
    )

    def ids(**filters: Any) -> set[int]:
        q = ledgers.Query(filters=tuple(filters.items()))
        return {r["id"] for r in ledgers.page(ctx, "info_shares", q)}

    assert ids() == {on_time, late_one, received}
    assert ids(direction="received") == {received}
    assert ids(category="statistics") == {received}
    assert ids(category="penalty_decision", direction="shared") == {on_time, late_one}
    assert ids(counterpart=org(ctx, ENV)) == {on_time, late_one}
    assert ids(counterpart=org(ctx, WATER)) == {on_time}
    assert ids(late=True) == {late_one}
    assert ids(late=False) == {on_time, late_one, received}  # unticked: no condition
    for bad in ({"category": "gossip"}, {"direction": "sideways"}, {"counterpart": "水利局"}):
        with pytest.raises(InvalidInput, match="无效的筛选条件"):
            ids(**bad)


def test_detail_reads_in_the_ledger_order_with_its_counterparts(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, late(ctx, 2, "需汇总各村上报数据", WATER, ENV))
    rows = records.detail(ctx, "info_shares", sid)
    labels = [name for name, _text in rows]
    assert labels[:7] == [
        "台账编号",
        "方向",
        "信息类别",
        "信息名称",
        "共享单位",
        "形成日期",
        "共享日期",
    ]
    assert labels.index("共享方式") < labels.index("延期共享原因") < labels.index("登记时间")
    assert ("共享单位", f"{ENV}、{WATER}") in rows  # in the organisations' order
    assert ("延期共享原因", "需汇总各村上报数据") in rows
    got = info_shares.create(ctx, share(ctx, POLICE, direction="received"))
    assert ("信息来源部门", POLICE) in records.detail(ctx, "info_shares", got)


def test_the_list_and_the_dashboard_name_the_counterparts(ctx: ServiceContext) -> None:
    sid = info_shares.create(ctx, share(ctx, WATER, ENV, shared_on=None, method=None))
    with ctx.read() as s:
        short = {
            o.name: o.short_name or o.name
            for o in s.execute(select(Organisation)).scalars()
            if o.name in (WATER, ENV)
        }
    (row,) = ledgers.page(ctx, "info_shares", ledgers.Query())
    assert row["id"] == sid
    assert sorted(row["counterparts"].split("、")) == sorted(short.values())
    (item,) = [i for i in dashboard.build(ctx, NOW).items if i.ledger_key == "info_shares"]
    assert item.counterpart == row["counterparts"]
