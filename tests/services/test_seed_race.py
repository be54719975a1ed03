"""Two programs opening an empty county server at the same moment (issue 13): both
find it empty, the writers take turns, and the second one's seeding finds the
first one's organisations and adds nothing (no duplicate, no crash)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_app.services import seed
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import AuditEntry, Organisation, Setting


def _counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (Organisation, Setting, AuditEntry)
        )


def test_the_second_seeding_finds_the_first_ones_work(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = _counts(ctx)  # the ctx fixture seeded it, as the first program would
    assert seeded[0] > 0
    monkeypatch.setattr(seed, "is_empty", lambda _ctx: True)  # looked before the first wrote
    seed.seed_reference_data(ctx, catalogue=False)
    assert _counts(ctx) == seeded
