"""Several organisations in one database (issue 13): an account changes only its
own organisation's records. What another organisation sent it is there to read;
an attempt to change or void it is refused with a Chinese message and nothing
is written."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from county_helpers import PW, County, _login
from dispute_helpers import a_round, returned_transfer
from referral_helpers import outgoing, ready_to_send

from desktop_app.domain.terms import AccountRole
from desktop_app.services import accounts, dispute_flow, disputes, letters, referral_flow, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import PermissionDenied
from desktop_app.services.referral_flow import (
    mark_returned,
    mark_sent,
    mark_signed,
    record_result,
)
from desktop_app.storage.models import Dispute, Document, Referral


def _row(who, model, row_id):  # type: ignore[no-untyped-def]
    with who.read() as s:
        return s.get(model, row_id)


def test_another_township_cannot_edit_a_draft_it_does_not_own(county: County) -> None:
    rid = referrals.create_outgoing(county.town_a, outgoing(county.town_a, matter="甲镇焚烧秸秆"))
    changed = outgoing(county.town_b, matter="乙镇改的")
    with pytest.raises(PermissionDenied, match=r"属于.*本单位只能查看"):
        referrals.update_outgoing(county.town_b, rid, changed)
    assert _row(county.government, Referral, rid).matter == "甲镇焚烧秸秆"
    referrals.update_outgoing(county.town_a, rid, changed)  # its owner may
    assert _row(county.government, Referral, rid).matter == "乙镇改的"


def test_only_the_receiving_department_records_its_own_steps_on_a_transfer(
    county: County,
) -> None:
    """签收, 处理结果 and 退回 are the receiver's own steps: on a shared server the
    department records them on the township's transfer; no one else may."""
    rid = ready_to_send(county.town_a)
    mark_sent(county.town_a, rid, datetime(2026, 11, 29, 10), "in_person", None)
    before = _row(county.government, Referral, rid)
    # another township: refused, nothing written
    with pytest.raises(PermissionDenied, match="赵八镇"):
        mark_signed(county.town_b, rid, datetime(2026, 11, 29, 11), "李明")
    with pytest.raises(PermissionDenied, match="赵八镇"):
        mark_returned(county.town_b, rid, datetime(2026, 11, 29, 11), "不归我管")
    after = _row(county.government, Referral, rid)
    assert (after.status, after.version) == (before.status, before.version)
    mark_signed(county.dept, rid, datetime(2026, 11, 29, 11), "李明")
    record_result(county.dept, rid, datetime(2026, 11, 29, 15), "已立案查处，罚款五千元。")
    done = _row(county.town_a, Referral, rid)
    assert (done.status.value, done.signed_by) == ("result", "李明")
    assert done.owner_org_id == county.a_id  # still the township's record


def test_a_department_that_is_not_the_receiver_cannot_sign(
    ctx: ServiceContext, county: County
) -> None:
    rid = ready_to_send(county.town_a)  # to 生态环境局 (county.dept)
    mark_sent(county.town_a, rid, datetime(2026, 11, 29, 10), "in_person", None)
    boss = accounts.log_in(ctx, "wang", PW).context(ctx)
    other = _login(ctx, boss, "other_dept", county.other_dept_id, AccountRole.OFFICER)
    with pytest.raises(PermissionDenied):
        mark_signed(other, rid, datetime(2026, 11, 29, 11), "王五")
    assert _row(county.government, Referral, rid).status.value == "sent"


def test_a_letter_is_voided_only_by_the_organisation_that_issued_it(county: County) -> None:
    rid = ready_to_send(county.town_a)
    with county.government.read() as s:
        doc_id = s.query(Document.id).filter(Document.record_id == rid).scalar()
    with pytest.raises(PermissionDenied):
        letters.void(county.town_b, doc_id, "乙镇作废")
    assert _row(county.government, Document, doc_id).status.value == "issued"
    letters.void(county.town_a, doc_id, "重新出具")
    assert _row(county.government, Document, doc_id).status.value == "voided"


def test_the_buttons_follow_whose_transfer_it_is(county: County) -> None:
    from desktop_app.services.referral_records import allowed_actions

    rid = ready_to_send(county.town_a)
    assert "send" in allowed_actions(county.town_a, rid)
    mark_sent(county.town_a, rid, datetime(2026, 11, 29, 10), "in_person", None)
    assert allowed_actions(county.dept, rid) == {"sign", "return"}
    assert {"deliver", "sign"} <= allowed_actions(county.town_a, rid)  # the township may too
    mark_signed(county.dept, rid, datetime(2026, 11, 29, 11), "李明")
    assert allowed_actions(county.dept, rid) == {"result", "return"}
    assert allowed_actions(county.government, rid) == set()  # it reads


def test_the_county_government_records_its_own_decision_on_a_townships_dispute(
    ctx: ServiceContext, county: County
) -> None:
    """管辖争议 (seed 三（六）): 协商不成的，提请县级人民政府决定 — on a shared server the
    government enters its decision itself; the township's transfer follows."""
    rid = returned_transfer(county.town_a)  # the environment bureau returned it
    did = referral_flow.open_dispute(county.town_a, rid)
    day = date(2026, 11, 29)  # the dispute opens today (the frozen clock)
    disputes.add_round(county.town_a, did, a_round(held_on=day))
    letters.issue(county.town_a, "dispute_request", did, on=day)
    disputes.escalate(county.town_a, did, day)
    boss = accounts.log_in(ctx, "wang", PW).context(ctx)
    gov_officer = _login(ctx, boss, "gov_officer", county.government.org_id, AccountRole.OFFICER)
    env, on = county.dept_id, day
    assert disputes.allowed_actions(gov_officer, did) == {"decide"}
    assert disputes.allowed_actions(county.dept, did) == set()  # the other party reads
    with pytest.raises(PermissionDenied):  # another township cannot
        dispute_flow.record_decision(county.town_b, did, on, env, "由环境局查处")
    with pytest.raises(PermissionDenied):  # nor the government's 查阅 account
        dispute_flow.record_decision(county.government, did, on, env, "由环境局查处")
    dispute_flow.record_decision(gov_officer, did, on, env, "由生态环境局负责查处。")
    d = _row(county.town_a, Dispute, did)
    r = _row(county.town_a, Referral, rid)
    assert (d.status.value, d.decided_handler_id, d.owner_org_id) == ("decided", env, county.a_id)
    assert r.status.value == "signed"  # back with the department, awaiting its result


def test_the_department_answers_an_assistance_request_itself(county: County) -> None:
    """执法协助 (seed 三（五）): the department asked gives its written answer on the
    township's request; another township cannot; the buttons say so."""
    from assistance_helpers import sent

    from desktop_app.services import assistance
    from desktop_app.storage.models import AssistanceRequest

    rid = sent(county.town_a, date(2026, 11, 27), department_id=county.dept_id)
    assert assistance.allowed_actions(county.dept, rid) == {"reply", "extend"}
    assert assistance.allowed_actions(county.government, rid) == set()
    with pytest.raises(PermissionDenied):
        assistance.record_reply(county.town_b, rid, date(2026, 11, 29), "乙镇代答", None)
    assistance.record_reply(county.dept, rid, date(2026, 11, 29), "采砂坑深约3米，影响行洪。", None)
    a = _row(county.town_a, AssistanceRequest, rid)
    assert (a.status.value, a.owner_org_id) == ("replied", county.a_id)
    assert assistance.allowed_actions(county.dept, rid) == set()


def test_the_department_records_its_response_to_an_urgent_notice(county: County) -> None:
    from notice_helpers import NOTIFIED, notice

    from desktop_app.services import urgent_notices
    from desktop_app.storage.models import UrgentNotice

    nid = urgent_notices.create(county.town_a, notice(county.town_a, department_id=county.dept_id))
    assert urgent_notices.allowed_actions(county.dept, nid) == {"respond"}
    arrived = NOTIFIED.replace(hour=NOTIFIED.hour + 1)
    with pytest.raises(PermissionDenied):
        urgent_notices.record_response(county.town_b, nid, arrived, "乙镇代登")
    urgent_notices.record_response(county.dept, nid, arrived, "已派两名执法人员到场处置。")
    n = _row(county.town_a, UrgentNotice, nid)
    assert (n.status.value, n.response_note) == ("responded", "已派两名执法人员到场处置。")
    assert urgent_notices.allowed_actions(county.dept, nid) == set()


def test_the_county_government_answers_a_refusal_report_itself(
    ctx: ServiceContext, county: County
) -> None:
    """紧急情况 (seed 三（三）): a department that refuses without a reason is reported
    to the county government, which enters what it did about it."""
    from notice_helpers import NOTIFIED, notice

    from desktop_app.services import urgent_notices
    from desktop_app.storage.models import UrgentNotice

    nid = urgent_notices.create(county.town_a, notice(county.town_a, department_id=county.dept_id))
    refused = NOTIFIED.replace(hour=NOTIFIED.hour + 1)
    urgent_notices.record_refusal(county.town_a, nid, refused, None)
    letters.issue(county.town_a, "refusal_report", nid, on=refused.date())
    urgent_notices.record_report(county.town_a, nid, refused.replace(hour=refused.hour + 1))
    boss = accounts.log_in(ctx, "wang", PW).context(ctx)
    gov_officer = _login(ctx, boss, "gov_officer", county.government.org_id, AccountRole.OFFICER)
    assert urgent_notices.allowed_actions(gov_officer, nid) == {"report_reply"}
    assert urgent_notices.allowed_actions(county.dept, nid) == set()
    at = refused.replace(hour=refused.hour + 3)
    with pytest.raises(PermissionDenied):
        urgent_notices.record_report_reply(county.town_b, nid, at, "乙镇代登")
    urgent_notices.record_report_reply(gov_officer, nid, at, "已责令县应急管理局立即派员处置。")
    n = _row(county.town_a, UrgentNotice, nid)
    assert (n.status.value, n.owner_org_id) == ("settled", county.a_id)


def test_the_audit_trail_shows_an_organisation_its_own_staffs_entries(county: County) -> None:
    from desktop_app.services import audit_viewer

    referrals.create_outgoing(county.town_a, outgoing(county.town_a, matter="甲镇焚烧秸秆"))
    referrals.create_outgoing(
        county.town_b,
        outgoing(county.town_b, matter="乙镇焚烧秸秆", receiver_id=county.other_dept_id),
    )
    q = audit_viewer.AuditQuery(text="新增")

    def summaries(who: ServiceContext) -> str:
        return " ".join(r.summary for r in audit_viewer.audit_page(who, audit_viewer.AuditQuery()))

    assert "乙镇焚烧秸秆" not in summaries(county.town_a)
    assert "乙镇焚烧秸秆" in summaries(county.town_b)
    assert "甲镇焚烧秸秆" not in summaries(county.town_b)
    everything = summaries(county.government)
    assert "甲镇焚烧秸秆" in everything and "乙镇焚烧秸秆" in everything
    names = {n for _i, n in audit_viewer.audit_operators(county.town_b)}
    assert names == {"town_b员"}
    assert audit_viewer.audit_count(county.town_b, q) <= audit_viewer.audit_count(
        county.government, q
    )


def test_another_organisations_letters_and_attachments_do_not_open_by_id(
    county: County, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.domain.terms import RecordType
    from desktop_app.services import attachments
    from desktop_app.services.errors import NotFound

    rid = ready_to_send(county.town_a)  # its 移送函 is addressed to the department
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF scan")
    with county.town_a.uow() as uow:
        att_id = attachments.store(uow, RecordType.REFERRAL, rid, scan).id
    with county.government.read() as s:
        doc_id = s.query(Document.id).filter(Document.record_id == rid).scalar()
    assert letters.get(county.town_a, doc_id).id == doc_id
    assert attachments.get(county.town_a, att_id).id == att_id
    for stranger in (county.town_b, county.dept):  # a draft: not the department's yet
        with pytest.raises(NotFound):
            attachments.get(stranger, att_id)
    with pytest.raises(NotFound):
        letters.get(county.town_b, doc_id)
    assert letters.get(county.dept, doc_id).id == doc_id  # addressed to it
    mark_sent(county.town_a, rid, datetime(2026, 11, 29, 10), "in_person", None)
    assert attachments.get(county.dept, att_id).id == att_id  # now it is


def test_rows_of_another_organisations_record_are_not_added_or_removed(
    county: County, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """An attachment, a material, a complainant or a round belongs to its record:
    another organisation may neither add one to it nor remove one from it."""
    from desktop_app.domain.terms import MaterialKind, RecordType
    from desktop_app.services import attachments
    from desktop_app.storage.models import Attachment, Material

    rid = ready_to_send(county.town_a)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF scan")
    with pytest.raises(PermissionDenied), county.town_b.uow() as uow:
        attachments.store(uow, RecordType.REFERRAL, rid, scan)
    with pytest.raises(PermissionDenied):
        referrals.add_material(county.town_b, rid, MaterialKind.EVIDENCE, "乙镇加的照片")
    with county.government.read() as s:
        material_id = s.query(Material.id).filter(Material.record_id == rid).scalar()
        assert s.query(Attachment).count() == 0
    with pytest.raises(PermissionDenied):
        referrals.remove_material(county.town_b, material_id)
    with county.government.read() as s:
        assert s.get(Material, material_id) is not None
    referrals.add_material(county.town_a, rid, MaterialKind.EVIDENCE, "现场照片")  # its owner may
    mark_sent(county.town_a, rid, datetime(2026, 11, 29, 10), "in_person", None)
    mark_signed(county.dept, rid, datetime(2026, 11, 29, 11), "李明")
    reply = tmp_path / "反馈.pdf"
    reply.write_bytes(b"%PDF reply")
    record_result(county.dept, rid, datetime(2026, 11, 29, 15), "已查处。", file=reply)  # its own
    with county.government.read() as s:
        assert [a.original_name for a in s.query(Attachment)] == ["反馈.pdf"]
