"""Errors services raise. ``str(error)`` is a Chinese message the UI shows as is."""

from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    """A use case could not be carried out; nothing was written."""


class NotFound(ServiceError):
    pass


class RuleViolation(ServiceError):
    """A rule of the seed (or of data integrity) forbids what was asked."""


class Conflict(ServiceError):
    """Someone else changed the record first (optimistic locking)."""


class PermissionDenied(ServiceError):
    """The logged-in account's role does not allow this."""


class InvalidInput(ServiceError):
    """One or more fields are wrong; ``problems`` maps a field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems.values()))


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number as the user sees it (1-based)
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}"


class ImportFailed(ServiceError):
    """An import found bad rows; nothing at all was imported."""

    def __init__(
        self, problems: list[RowProblem], header: str = "导入失败，未导入任何数据。"
    ) -> None:
        self.problems = problems
        lines = [header] + [str(p) for p in problems[:50]]
        if len(problems) > 50:
            lines.append(f"……另有 {len(problems) - 50} 处问题")
        super().__init__("\n".join(lines))
