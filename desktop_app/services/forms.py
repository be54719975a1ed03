"""Small helpers services use to validate input into Chinese messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from desktop_app.domain.terms import Term
from desktop_app.domain.validators import ValidationError, check_phone, check_text
from desktop_app.services.errors import InvalidInput

T = TypeVar("T")


class Checker:
    """Collects every problem of a form, so the user sees them all at once."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def run(self, field: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            self.problems[field] = str(exc)
            return None

    def text(
        self, field: str, value: Any, label: str, max_len: int, required: bool = False
    ) -> str | None:
        result = self.run(field, check_text, value, label, max_len=max_len, required=required)
        return result or None

    def phone(self, field: str, value: Any, label: str) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        try:
            return check_phone(str(value))
        except ValidationError as exc:
            self.problems[field] = f"「{label}」{exc}"
            return None

    def term(
        self, field: str, term: type[Term], value: Any, label: str, required: bool = True
    ) -> Any:
        if value is None or value == "":
            if required:
                self.problems[field] = f"请选择「{label}」"
            return None
        try:
            return term(value)
        except ValueError:
            self.problems[field] = f"「{label}」的取值无效：{value}"
            return None

    def fail(self, field: str, message: str) -> None:
        self.problems[field] = message

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidInput(dict(self.problems))
