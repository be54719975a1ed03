"""Fixtures shared by the service tests (the database itself comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_books import good_rows, official
from complaint_helpers import People, make_people
from county_helpers import County, make_county

from desktop_app.services import catalog
from desktop_app.services.context import ServiceContext


@pytest.fixture
def loaded(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    """A catalogue is already there, so "nothing written" is a real check."""
    catalog.import_catalogue(ctx, official(tmp_path, good_rows(), "good.xlsx"))
    return ctx


@pytest.fixture
def people(ctx: ServiceContext) -> People:
    """The complaint tests' staff (complaint_helpers.People)."""
    return make_people(ctx)


@pytest.fixture
def op(ctx: ServiceContext, people: People) -> ServiceContext:
    """The clerk who takes the calls is operating."""
    return ctx.as_operator(people.clerk, "张首问")


@pytest.fixture
def county(ctx: ServiceContext) -> County:
    """Two townships, a department and the county government (county_helpers.County)."""
    return make_county(ctx)
