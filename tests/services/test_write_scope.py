"""Several organisations in one database (issue 13): an account changes only its
own organisation's records. What another organisation sent it is there to read;
an attempt to change or void it is refused with a Chinese message and nothing
is written."""

from __future__ import annotations

from datetime import datetime

import pytest
from county_helpers import County
from referral_helpers import outgoing, ready_to_send

from desktop_app.services import letters, referrals
from desktop_app.services.errors import PermissionDenied
from desktop_app.services.referral_flow import mark_returned, mark_sent, mark_signed
from desktop_app.storage.models import Document, Referral


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


def test_the_receiving_department_reads_but_does_not_change_the_townships_transfer(
    county: County,
) -> None:
    rid = ready_to_send(county.town_a)
    mark_sent(county.town_a, rid, datetime(2026, 11, 29, 10), "in_person", None)
    before = _row(county.government, Referral, rid)
    for attempt in (
        lambda: mark_signed(county.dept, rid, datetime(2026, 11, 29, 11), "李明"),
        lambda: mark_returned(county.dept, rid, datetime(2026, 11, 29, 11), "部门想退回"),
    ):
        with pytest.raises(PermissionDenied, match="赵八镇"):
            attempt()
    after = _row(county.government, Referral, rid)
    assert (after.status, after.version) == (before.status, before.version)


def test_a_letter_is_voided_only_by_the_organisation_that_issued_it(county: County) -> None:
    rid = ready_to_send(county.town_a)
    with county.government.read() as s:
        doc_id = s.query(Document.id).filter(Document.record_id == rid).scalar()
    with pytest.raises(PermissionDenied):
        letters.void(county.town_b, doc_id, "乙镇作废")
    assert _row(county.government, Document, doc_id).status.value == "issued"
    letters.void(county.town_a, doc_id, "重新出具")
    assert _row(county.government, Document, doc_id).status.value == "voided"
