"""The 联合执法协商 lists: meetings by status, kind and participating organisation;
urgent notices by department; joint actions by organisation; and the detail views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.services import joint_actions, ledgers, meetings, records, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import Organisation

NOW = datetime(2026, 11, 27, 10, 0)
WATER = "深泽县水利局"
ENV = "石家庄市生态环境局深泽县分局"
HOUSING = "深泽县住房和城乡建设局"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def ids(ctx: ServiceContext, key: str, status: str | None = None, **filters: Any) -> set[int]:
    q = ledgers.Query(status=status, filters=tuple(filters.items()))
    return {r["id"] for r in ledgers.page(ctx, key, q)}


def meeting(ctx: ServiceContext, kind: str, held_at: datetime, *to: str) -> meetings.MeetingInput:
    return meetings.MeetingInput(
        kind=kind,
        subject=f"{kind}会议",
        held_at=held_at,
        organisation_ids=[org(ctx, name) for name in to],
        topics=["general"],
    )


def test_meetings_by_status_kind_and_organisation(ctx: ServiceContext) -> None:
    planned = meetings.plan(ctx, meeting(ctx, "regular", datetime(2026, 12, 3, 9, 0), WATER, ENV))
    held = meetings.record(
        ctx, meeting(ctx, "ad_hoc", datetime(2026, 11, 20, 9, 0), ENV), "情况", "议定"
    )
    assert ids(ctx, "meetings", "planned") == {planned}
    assert ids(ctx, "meetings", "held") == {held}
    assert ids(ctx, "meetings", kind="ad_hoc") == {held}
    assert ids(ctx, "meetings", organisation=org(ctx, WATER)) == {planned}
    assert ids(ctx, "meetings", organisation=org(ctx, ENV)) == {planned, held}
    with pytest.raises(InvalidInput, match="无效的筛选条件"):
        ids(ctx, "meetings", "maybe")
    rows = dict(records.detail(ctx, "meetings", planned))
    assert rows["状态"] == "计划召开" and rows["会议名称"] == "regular会议"
    assert rows["参会单位"] in (f"{WATER}、{ENV}", f"{ENV}、{WATER}")


def test_notices_by_department_and_actions_by_organisation(ctx: ServiceContext) -> None:
    def notice(dept: str) -> int:
        return urgent_notices.create(
            ctx,
            urgent_notices.NoticeInput(
                department_id=org(ctx, dept),
                hazard="在建房屋脚手架严重倾斜",
                place="大兴庄村",
                found_at=datetime(2026, 11, 27, 9, 0),
                notified_at=datetime(2026, 11, 27, 9, 5),
                notice_method="电话",
                notified_person="值班员张某",
            ),
        )

    housing, water = notice(HOUSING), notice(WATER)
    assert ids(ctx, "urgent_notices", department=org(ctx, HOUSING)) == {housing}
    assert ids(ctx, "urgent_notices", "notified") == {housing, water}
    action = joint_actions.create(
        ctx,
        joint_actions.JointActionInput(
            title="滹沱河沿线联合整治",
            action_on=date(2026, 11, 25),
            organisation_ids=[org(ctx, WATER)],
        ),
    )
    assert ids(ctx, "joint_actions", organisation=org(ctx, WATER)) == {action}
    assert ids(ctx, "joint_actions", organisation=org(ctx, ENV)) == set()
    assert dict(records.detail(ctx, "joint_actions", action))["参加单位"] == WATER
    held = meetings.record(
        ctx, meeting(ctx, "ad_hoc", datetime(2026, 11, 20, 9, 0), WATER), "情况", "议定"
    )
    data, version = joint_actions.load_input(ctx, action)
    data.meeting_id = held
    joint_actions.update(ctx, action, data, version)
    serial = meetings.get(ctx, held).serial
    assert dict(records.detail(ctx, "joint_actions", action))["关联会议"] == serial
