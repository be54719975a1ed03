"""Text longer than its column is refused the same way on SQLite and PostgreSQL.

SQLite stores a VARCHAR(40) value of any length; PostgreSQL refuses it with an
English DataError. The unit of work checks every VARCHAR limit before it
writes, so both databases give the clerk the same Chinese sentence and keep
nothing (run on PostgreSQL with TOWNSHIP_TEST_DATABASE_URL).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import Staff


def staff_count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count(Staff.id))).scalar_one())


def test_an_over_long_value_is_refused_in_chinese_and_nothing_is_written(
    ctx: ServiceContext,
) -> None:
    before = staff_count(ctx)
    with pytest.raises(InvalidInput) as caught, ctx.uow() as uow:
        uow.session.add(Staff(name="张" * 41, position="科员"))
    assert caught.value.problems == {"name": "「名称（姓名）」不能超过40个字（现有41个字）"}
    assert staff_count(ctx) == before


def test_a_value_at_the_limit_is_kept_whole(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        person = Staff(name="张" * 40, position="科" * 40)
        uow.session.add(person)
        uow.flush()
        new_id = person.id
    with ctx.read() as s:
        stored = s.get(Staff, new_id)
        assert stored is not None
        assert (stored.name, stored.position) == ("张" * 40, "科" * 40)


def test_an_edit_that_grows_too_long_is_refused_too(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        person = Staff(name="李四")
        uow.session.add(person)
        uow.flush()
        new_id = person.id
    with pytest.raises(InvalidInput, match="不能超过40个字"), ctx.uow() as uow:
        found = uow.session.get(Staff, new_id)
        assert found is not None
        found.phone = "1" * 41
    with ctx.read() as s:
        assert s.get(Staff, new_id).phone is None  # type: ignore[union-attr]
