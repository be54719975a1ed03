"""Each organisation's own letter profile on a shared server (issue 13): another
township's letters carry its own abbreviation in their numbers, its own head and
phone; its changes are its own; the settings' township is unchanged, and so is
a database of one township."""

from __future__ import annotations

import pytest
from county_helpers import County, _login
from referral_helpers import ready_to_send
from sqlalchemy import select

from desktop_app.domain.terms import AccountRole
from desktop_app.services import accounts, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import Document


def _number(who: ServiceContext, record_id: int) -> str:
    with who.read() as s:
        return str(
            s.execute(select(Document.number).where(Document.record_id == record_id)).scalar_one()
        )


def _b_admin(ctx: ServiceContext, county: County) -> ServiceContext:
    boss = accounts.log_in(ctx, "wang", "zhao2026ba").context(ctx)
    return _login(ctx, boss, "town_b_admin", county.b_id, AccountRole.ADMIN)


def test_another_townships_letters_are_numbered_in_its_own_name(county: County) -> None:
    a = ready_to_send(county.town_a, matter="甲镇焚烧秸秆")
    b = ready_to_send(county.town_b, matter="乙镇焚烧秸秆", receiver_id=county.other_dept_id)
    assert _number(county.government, a) == "赵八镇执移〔2026〕1号"
    assert _number(county.government, b) == "铁杆镇执移〔2026〕1号"
    assert settings.get(county.town_b, "township_name") == "铁杆镇"
    assert settings.get(county.town_a, "township_name") == "赵八镇"


def test_an_organisations_changes_are_its_own(ctx: ServiceContext, county: County) -> None:
    b_admin = _b_admin(ctx, county)
    settings.save(
        b_admin,
        {
            "number.referral_letter": "铁执移〔{年}〕{号}号",
            "head_name": "刘镇长",
            "phone": "0311-1",
        },
    )
    assert settings.get(b_admin, "head_name") == "刘镇长"
    assert settings.get(county.town_a, "head_name") == ""  # the settings' township: untouched
    assert settings.get(ctx, "number.referral_letter") == "赵八镇执移〔{年}〕{号}号"
    b = ready_to_send(county.town_b, receiver_id=county.other_dept_id)
    assert _number(county.government, b) == "铁执移〔2026〕1号"
    # county-wide settings are shared: not another township's to change
    with pytest.raises(InvalidInput, match="全县共用"):
        settings.save(b_admin, {"due_soon_days": 5})
    settings.save(ctx, {"due_soon_days": 5})  # the county's (settings township's) own
    assert settings.get(b_admin, "due_soon_days") == 5


def test_another_organisation_cannot_move_the_settings_township(
    ctx: ServiceContext, county: County
) -> None:
    b_admin = _b_admin(ctx, county)
    with pytest.raises(InvalidInput, match="本乡镇"):
        settings.save(b_admin, {"township_org_id": county.b_id})
    assert int(settings.get(ctx, "township_org_id")) == county.a_id
    # saving the whole page unchanged (as the settings page does) is fine
    settings.save(b_admin, settings.get_all(b_admin))


@pytest.mark.parametrize(
    ("name", "short", "expected"),
    [
        ("深泽县铁杆镇人民政府", None, "铁杆镇"),
        ("深泽县水利局", None, "水利局"),
        ("深泽县铁杆镇人民政府", "铁杆", "铁杆"),
        ("某单位", None, "某单位"),
    ],
)
def test_the_default_abbreviation(name: str, short: str | None, expected: str) -> None:
    assert settings.abbreviation(name, short) == expected
