"""Organisations, staff, settings, audit trail: rules and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_app.domain.terms import AuditAction, OrgKind, StaffRole
from desktop_app.services import audit, organisations, settings, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation
from desktop_app.storage.models import AuditEntry, Organisation, Referral, Staff


def count(ctx: ServiceContext, model: type) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def audit_entries(ctx: ServiceContext) -> list[AuditEntry]:
    with ctx.read() as s:
        return list(s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_seed_has_the_township_its_team_and_the_county_bodies(ctx: ServiceContext) -> None:
    conf = settings.get_all(ctx)
    town = organisations.get(ctx, conf["township_org_id"])
    team = organisations.get(ctx, conf["team_org_id"])
    assert town.name == "深泽县赵八镇人民政府" and town.kind == OrgKind.TOWNSHIP
    assert team.kind == OrgKind.INTERNAL_UNIT and team.parent_id == town.id
    kinds = {o.kind for o in organisations.list_all(ctx)}
    assert {
        OrgKind.COUNTY_GOVERNMENT,
        OrgKind.PUBLIC_SECURITY,
        OrgKind.PROCURATORATE,
        OrgKind.COURT,
        OrgKind.COUNTY_DEPARTMENT,
    } <= kinds


def test_internal_unit_may_not_act_in_its_own_name_without_a_legal_basis(
    ctx: ServiceContext,
) -> None:
    """Seed 三（一）4."""
    team = organisations.get(ctx, settings.get(ctx, "team_org_id"))
    ok, why = organisations.may_act_in_own_name(team)
    assert not ok and "内设机构" in why
    police_station = organisations.find_by_name(ctx, "深泽县公安局赵八派出所")
    assert police_station is not None
    assert organisations.may_act_in_own_name(police_station) == (True, "")
    town = organisations.get(ctx, settings.get(ctx, "township_org_id"))
    assert organisations.may_act_in_own_name(town)[0]


def test_internal_unit_marked_as_acting_in_own_name_needs_the_basis(ctx: ServiceContext) -> None:
    before = count(ctx, Organisation)
    data = organisations.OrgInput(
        name="赵八镇农业综合服务站", kind=OrgKind.INTERNAL_UNIT, acts_in_own_name=True
    )
    with pytest.raises(InvalidInput) as info:
        organisations.save(ctx, data)
    assert "依据" in info.value.problems["acts_in_own_name"]
    assert count(ctx, Organisation) == before
    data.own_name_legal_basis = "《某条例》第十条授权"
    org_id = organisations.save(ctx, data)
    assert organisations.may_act_in_own_name(organisations.get(ctx, org_id))[0]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "不能为空"),
        ("name", "县" * 101, "不能超过100个字"),
        ("liaison_phone", "请打电话", "电话"),
        ("kind", "alien", "无效"),
        ("name", "深泽县人民政府", "已有名为"),
    ],
)
def test_organisation_bad_input_writes_nothing(
    ctx: ServiceContext, field: str, value: str, message: str
) -> None:
    data = organisations.OrgInput(name="测试单位", kind=OrgKind.COUNTY_DEPARTMENT)
    setattr(data, field, value)
    before_orgs, before_audit = count(ctx, Organisation), count(ctx, AuditEntry)
    with pytest.raises(InvalidInput) as info:
        organisations.save(ctx, data)
    assert message in info.value.problems[field]
    assert (count(ctx, Organisation), count(ctx, AuditEntry)) == (before_orgs, before_audit)


def test_rare_characters_are_kept_intact(ctx: ServiceContext) -> None:
    org_id = organisations.save(
        ctx,
        organisations.OrgInput(
            name="𠀀家庄联络站😀", kind=OrgKind.COUNTY_DEPARTMENT, liaison_name="刘䶮"
        ),
    )
    org = organisations.get(ctx, org_id)
    assert (org.name, org.liaison_name) == ("𠀀家庄联络站😀", "刘䶮")


def test_update_is_audited_with_before_and_after(ctx: ServiceContext) -> None:
    org = organisations.find_by_name(ctx, "深泽县水利局")
    assert org is not None
    data = organisations.OrgInput(
        name=org.name,
        kind=org.kind,
        short_name=org.short_name,
        liaison_name="新联络人",
        liaison_phone="13831112222",
    )
    organisations.save(ctx, data, org.id)
    last = audit_entries(ctx)[-1]
    assert last.action == AuditAction.UPDATE and last.record_id == org.id
    assert last.before is not None and last.after is not None
    assert last.after["liaison_name"] == "新联络人"
    assert last.before["liaison_name"] == org.liaison_name
    assert last.operator_name == ctx.operator_name


def test_an_organisation_in_use_cannot_be_deleted(ctx: ServiceContext) -> None:
    from datetime import datetime

    town_id = settings.get(ctx, "township_org_id")
    dept = organisations.find_by_name(ctx, "深泽县水利局")
    assert dept is not None
    with ctx.uow() as uow:
        uow.session.add(
            Referral(
                serial="移2026-0001",
                direction="outgoing",
                sender_id=town_id,
                receiver_id=dept.id,
                matter="擅自采砂",
                found_at=datetime(2026, 11, 2, 9),
            )
        )
    with pytest.raises(RuleViolation, match="停用"):
        organisations.delete(ctx, dept.id)
    assert organisations.get(ctx, dept.id).name == "深泽县水利局"
    spare = organisations.save(ctx, organisations.OrgInput("临时单位", OrgKind.COUNTY_DEPARTMENT))
    organisations.delete(ctx, spare)
    assert organisations.find_by_name(ctx, "临时单位") is None


def test_edit_of_a_record_changed_meanwhile_is_refused(ctx: ServiceContext) -> None:
    """Optimistic locking: the form carries the version it loaded."""
    loaded = organisations.find_by_name(ctx, "深泽县水利局")
    assert loaded is not None
    theirs = organisations.OrgInput(loaded.name, loaded.kind, note="别人先保存的修改")
    organisations.save(ctx, theirs, loaded.id, expected_version=loaded.version)
    mine = organisations.OrgInput(loaded.name, loaded.kind, note="我的修改")
    with pytest.raises(Conflict, match="其他人修改"):
        organisations.save(ctx, mine, loaded.id, expected_version=loaded.version)
    assert organisations.get(ctx, loaded.id).note == "别人先保存的修改"


def test_officer_needs_a_certificate_number(ctx: ServiceContext) -> None:
    before = count(ctx, Staff)
    with pytest.raises(InvalidInput) as info:
        staff.save(ctx, staff.StaffInput(name="李明", role=StaffRole.OFFICER))
    assert "执法证号" in info.value.problems["certificate_number"]
    with pytest.raises(InvalidInput):
        staff.save(
            ctx,
            staff.StaffInput(name="李明", role=StaffRole.OFFICER, certificate_number="1301 2320#"),
        )
    assert count(ctx, Staff) == before
    sid = staff.save(
        ctx,
        staff.StaffInput(
            name="李明",
            role=StaffRole.OFFICER,
            certificate_number="13012320230015",
            phone="138 3111 2222",
        ),
    )
    person = staff.get(ctx, sid)
    assert person.certificate_number == "13012320230015" and person.phone == "13831112222"


def test_settings_are_validated_all_or_nothing(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput) as info:
        settings.save(ctx, {"county_name": "无极县", "due_soon_days": "三天"})
    assert "整数" in info.value.problems["due_soon_days"]
    assert settings.get(ctx, "county_name") == "深泽县"
    with pytest.raises(InvalidInput):
        settings.save(ctx, {"no_such_key": 1})
    values = settings.save(ctx, {"county_name": "无极县", "due_soon_days": "5"})
    assert values["county_name"] == "无极县" and values["due_soon_days"] == 5
    assert audit_entries(ctx)[-1].after == {"county_name": "无极县", "due_soon_days": 5}


def test_audit_chain_detects_a_forged_row(ctx: ServiceContext) -> None:
    settings.save(ctx, {"phone": "0311-83521000"})
    with ctx.read() as s:
        assert audit.verify_chain(s) == []
    # Forge a row as an outside tool would (triggers dropped first).
    with ctx.db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("UPDATE audit_log SET summary='篡改' WHERE id=1")
    with ctx.read() as s:
        assert audit.verify_chain(s) == [1]


def test_the_configured_township_and_team_cannot_be_deleted(ctx: ServiceContext) -> None:
    for key in ("township_org_id", "team_org_id"):
        org_id = settings.get(ctx, key)
        with pytest.raises(RuleViolation, match="乡镇信息"):
            organisations.delete(ctx, org_id)
        assert organisations.get(ctx, org_id)
