"""Several organisations in one database (issue 13): two townships, a county
department and the county government, each with its own account. Each numbers
its own records, sees its own and what was sent to it; the county government
sees everything."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from county_helpers import County
from referral_helpers import outgoing, ready_to_send
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.terms import Direction
from desktop_app.services import ledgers, letters, referrals, scope, search
from desktop_app.services.context import ServiceContext
from desktop_app.services.referral_flow import mark_sent
from desktop_app.storage.models import Document, Referral


def _serials(ctx: ServiceContext) -> list[str]:
    return sorted(r["serial"] for r in ledgers.page(ctx, "referrals"))


def test_logged_in_account_acts_for_its_staff_members_organisation(county: County) -> None:
    assert (county.town_a.org_id, county.town_a.org_kind) == (county.a_id, "township")
    assert (county.dept.org_id, county.dept.org_kind) == (county.dept_id, "county_department")
    assert county.government.org_kind == "county_government"
    assert not scope.sees_everything(county.town_b)
    assert scope.sees_everything(county.government)


def test_each_township_numbers_its_own_records_from_0001(county: County) -> None:
    year = clock.today().year
    a1 = referrals.create_outgoing(county.town_a, outgoing(county.town_a))
    a2 = referrals.create_outgoing(county.town_a, outgoing(county.town_a))
    b1 = referrals.create_outgoing(
        county.town_b, outgoing(county.town_b, receiver_id=county.other_dept_id)
    )
    with county.government.read() as s:
        rows = {r.id: r for r in s.execute(select(Referral)).scalars()}
    assert (rows[a1].serial, rows[a1].owner_org_id) == (f"移{year}-0001", county.a_id)
    assert (rows[a2].serial, rows[a2].owner_org_id) == (f"移{year}-0002", county.a_id)
    assert (rows[b1].serial, rows[b1].owner_org_id) == (f"移{year}-0001", county.b_id)
    assert rows[b1].sender_id == county.b_id  # "us" is the logged-in township, not the setting


def test_a_township_sees_only_its_own_records_in_lists_and_search(county: County) -> None:
    referrals.create_outgoing(county.town_a, outgoing(county.town_a, matter="甲镇焚烧秸秆"))
    referrals.create_outgoing(
        county.town_b,
        outgoing(county.town_b, matter="乙镇焚烧秸秆", receiver_id=county.other_dept_id),
    )
    a_rows = ledgers.page(county.town_a, "referrals")
    assert [r["matter"] for r in a_rows] == ["甲镇焚烧秸秆"]
    assert ledgers.count(county.town_b, "referrals") == 1
    hits = search.search_all(county.town_a, "焚烧秸秆")
    assert [(g.ledger_key, g.total) for g in hits] == [("referrals", 1)]
    assert [h.title for h in hits[0].hits] == ["甲镇焚烧秸秆"]
    assert search.search_all(county.town_b, "甲镇") == []


def test_the_department_sees_the_transfer_sent_to_it_as_incoming(county: County) -> None:
    rid = ready_to_send(county.town_a, matter="甲镇焚烧秸秆")
    b_rid = ready_to_send(county.town_b, matter="乙镇焚烧秸秆", receiver_id=county.other_dept_id)
    assert ledgers.count(county.dept, "referrals") == 0  # a draft is the township's own
    for who, sent in ((county.town_a, rid), (county.town_b, b_rid)):
        mark_sent(who, sent, datetime(2026, 11, 29, 10), "in_person", None)
    rows = ledgers.page(county.dept, "referrals")
    assert [r["matter"] for r in rows] == ["甲镇焚烧秸秆"]
    # 方向 from the department's side: the township's 移出 is its 移入 ...
    assert rows[0]["direction"] == Direction.INCOMING
    assert ledgers.page(county.town_a, "referrals")[0]["direction"] == Direction.OUTGOING
    # ... and the filter reads the same way.
    incoming = ledgers.Query(filters=(("direction", Direction.INCOMING.value),))
    outgoing_only = ledgers.Query(filters=(("direction", Direction.OUTGOING.value),))
    assert ledgers.count(county.dept, "referrals", incoming) == 1
    assert ledgers.count(county.dept, "referrals", outgoing_only) == 0
    assert ledgers.count(county.town_a, "referrals", incoming) == 0
    assert search.search_all(county.dept, "乙镇") == []


def test_the_county_government_sees_everything(county: County) -> None:
    referrals.create_outgoing(county.town_a, outgoing(county.town_a))
    referrals.create_outgoing(
        county.town_b, outgoing(county.town_b, receiver_id=county.other_dept_id)
    )
    assert ledgers.count(county.government, "referrals") == 2
    year = clock.today().year
    assert _serials(county.government) == [f"移{year}-0001", f"移{year}-0001"]
    assert len(search.search_all(county.government, "秸秆")[0].hits) == 2


def test_without_an_organisation_of_its_own_the_settings_township_is_us(
    ctx: ServiceContext, county: County
) -> None:
    """The headless context (no account) is the settings' township, as before,
    and sees every record: a database of one township does not change."""
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    referrals.create_outgoing(
        county.town_b, outgoing(county.town_b, receiver_id=county.other_dept_id)
    )
    with ctx.read() as s:
        assert s.get(Referral, rid).owner_org_id == county.a_id  # type: ignore[union-attr]
    assert ledgers.count(ctx, "referrals") == 2
    assert ledgers.count(county.town_a, "referrals") == 1


def test_letter_numbers_are_per_organisation(county: County) -> None:
    pattern = "测函〔{年}〕{号}号"
    for who in (county.town_a, county.town_b):
        with who.uow() as uow:
            n = letters.next_serial(uow.session, pattern, 2026)
            uow.session.add(
                Document(
                    doc_type="assistance_letter",
                    prefix="测函〔2026〕",
                    year=2026,
                    serial=n,
                    number=letters.format_number(pattern, 2026, n),
                    title="关于协助的函",
                    issued_on=clock.today(),
                )
            )
    with county.government.read() as s:
        docs = s.execute(select(Document.owner_org_id, Document.number)).all()
    assert sorted(docs) == sorted(
        [(county.a_id, "测函〔2026〕1号"), (county.b_id, "测函〔2026〕1号")]
    )


@pytest.mark.parametrize("ledger", ["assistance", "urgent_notices", "joint_actions"])
def test_the_department_sees_what_is_addressed_to_it(county: County, ledger: str) -> None:
    """An assistance request, an urgent notice, a joint action naming it: in its
    lists; another township's, to another department, not."""
    import assistance_helpers
    import notice_helpers

    from desktop_app.services import assistance, joint_actions, urgent_notices

    def make(who: ServiceContext, town: int, dept: int) -> None:
        if ledger == "assistance":  # the department sees a request once it is sent
            seen = ledgers.count(county.dept, ledger)
            draft = assistance.create(who, assistance_helpers.request(who, department_id=dept))
            assert ledgers.count(county.dept, ledger) == seen
            letters.issue(who, "assistance_letter", draft, on=date(2026, 11, 29))
            assistance.mark_sent(
                who, draft, date(2026, 11, 29), datetime(2026, 11, 29, 9), "in_person", "李收发"
            )
        elif ledger == "urgent_notices":
            urgent_notices.create(who, notice_helpers.notice(who, department_id=dept))
        else:
            joint_actions.create(who, notice_helpers.action(who, organisation_ids=[town, dept]))

    make(county.town_a, county.a_id, county.dept_id)
    make(county.town_b, county.b_id, county.other_dept_id)
    assert ledgers.count(county.town_a, ledger) == 1
    assert ledgers.count(county.town_b, ledger) == 1
    assert ledgers.count(county.dept, ledger) == 1
    assert ledgers.count(county.government, ledger) == 2
    with county.government.read() as s:
        model = ledgers.LISTS[ledger].model
        owners = sorted(s.execute(select(model.owner_org_id)).scalars())
    assert owners == sorted([county.a_id, county.b_id])
    seen = ledgers.page(county.dept, ledger)
    with county.government.read() as s:
        assert s.get(model, seen[0]["id"]).owner_org_id == county.a_id


def test_unowned_records_are_everyones_and_numbered_past(county: County) -> None:
    """A record made before any township was chosen has no owner: every
    organisation sees it, and new serials do not repeat its number."""
    year = clock.today().year
    with county.town_a.uow() as uow:
        s = uow.session
        old = Referral(
            serial=f"移{year}-0001",
            direction=Direction.INCOMING,
            status="archived",
            matter="旧案",
            sender_id=county.dept_id,
            receiver_id=county.a_id,
            found_at=clock.now(),
        )
        s.add(old)
        s.flush()  # stamped with town A's id; made unowned, as before any township was set
        s.execute(
            Referral.__table__.update().where(Referral.id == old.id).values(owner_org_id=None)
        )
    rid = referrals.create_outgoing(county.town_b, outgoing(county.town_b))
    with county.government.read() as s:
        assert s.get(Referral, rid).serial == f"移{year}-0002"  # type: ignore[union-attr]
    assert "旧案" in [r["matter"] for r in ledgers.page(county.town_b, "referrals")]
