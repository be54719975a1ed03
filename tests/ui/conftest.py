"""GUI tests run background work inline, so results are there when the click returns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.ui import workers


@pytest.fixture(autouse=True)
def synchronous_workers() -> Iterator[None]:
    workers.use_synchronous(True)
    yield
    workers.use_synchronous(False)
