"""Column types shared by the models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from desktop_app.domain.terms import Term


class TermType(TypeDecorator[Term]):
    """Stores a :class:`Term` as its English code in a VARCHAR.

    No CHECK constraint and no native enum: adding a member later needs no
    migration, and the same DDL works on SQLite and PostgreSQL. Values are
    validated on the way in; an unknown stored code is returned as a plain
    string rather than crashing a list page.
    """

    impl = String(32)
    cache_ok = True

    def __init__(self, term: type[Term]) -> None:
        super().__init__()
        self.term = term

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.term(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        try:
            return self.term(value)
        except ValueError:
            return value
