"""月度/年度汇总 (monthly and yearly Excel summaries, seed 三（三）4; issue 9).

``export_month`` / ``export_year`` write one .xlsx:

* **统计** — records per ledger (new in the period / carried over), per
  status, on-time rates per system and per department, the same-day sharing
  rate (:func:`info_share_report.same_day_report`), the overdue items, and a
  native bar chart; the yearly workbook adds **年度统计** (12 monthly columns
  and a line chart) before it;
* one ledger sheet per ledger of the seven systems (联合执法协商 as three
  sheets: 协商会议, 紧急情况通知, 联合执法行动), columns from the ledger
  declarations, the records in the period (see :mod:`summary_figures` for
  what "in the period" and "on time" mean).

Whose records: the acting organisation's own (the logged-in account's, else the
township of the settings) and the ownerless ones (services/scope.py,
:func:`scope.own_rows`); the county government's summary covers every record.

The complainant's identity (举报人信息保密) is left out unless
``include_personal``; that export needs an operator flagged ``sees_complainants``
(a bulk export is not tied to one complaint, so the 首问责任人 exception does
not apply) and is written to the audit trail with the operator and file name.

The file is written to a temporary file in the target folder and moved into
place, so a failure or power cut leaves no half-written workbook, and an
existing file is never replaced without ``overwrite``.
"""

from __future__ import annotations

import calendar
import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import and_, case, func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import scope
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import RuleViolation, ServiceError
from desktop_app.services.info_share_report import same_day_report
from desktop_app.services.ledgers import LEDGERS
from desktop_app.services.summary_figures import (
    SUMMARY_LEDGERS,
    SYSTEM_OF,
    Figures,
    active_in,
    compute,
    only,
)
from desktop_app.services.summary_sheets import (
    ExtraCol,
    Sheet,
    ledger_rows,
    personal_columns,
    write_ledger_sheet,
    write_stats_sheet,
    write_year_sheet,
)
from desktop_app.storage import sqlite
from desktop_app.storage.models import Complaint, Staff

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

STATS_SHEET = "统计"
YEAR_SHEET = "年度统计"
_TICK = 500  # rows between progress reports / cancel checks


class ExportCancelled(ServiceError):
    """The user cancelled a running export (nothing was written)."""


def sheet_names(year: bool = False) -> list[str]:
    """The workbook's sheets, in order."""
    return [
        *([YEAR_SHEET] if year else []),
        STATS_SHEET,
        *(LEDGERS[k].label for k in SUMMARY_LEDGERS),
    ]


def export_month(
    ctx: ServiceContext,
    year: int,
    month: int,
    path: Path | str,
    *,
    include_personal: bool = False,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """月度汇总 of ``year``-``month`` written to ``path`` (.xlsx); returns the path."""
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        raise ServiceError(f"月份有误：{year}-{month}")
    start = date(year, month, 1)
    end = date(year, month, calendar.monthrange(year, month)[1])
    return _export(
        ctx, start, end, Path(path), f"月度汇总（{year}年{month}月）", None,
        include_personal, overwrite, progress, cancelled,
    )  # fmt: skip


def export_year(
    ctx: ServiceContext,
    year: int,
    path: Path | str,
    *,
    include_personal: bool = False,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """年度汇总 of ``year`` (per-month figures plus the whole year) written to ``path``."""
    if not 2000 <= year <= 2100:
        raise ServiceError(f"年份有误：{year}")
    return _export(
        ctx, date(year, 1, 1), date(year, 12, 31), Path(path), f"年度汇总（{year}年）", year,
        include_personal, overwrite, progress, cancelled,
    )  # fmt: skip


def _check_target(path: Path, overwrite: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        raise RuleViolation("汇总表的文件名应以 .xlsx 结尾。")
    if path.exists() and not overwrite:
        raise RuleViolation(
            f"文件「{path.name}」已存在，未覆盖。请换一个文件名，或确认覆盖原文件。"
        )
    if not path.parent.is_dir():
        raise RuleViolation(f"文件夹不存在：{path.parent}")


def _check_personal(ctx: ServiceContext) -> None:
    with ctx.read() as s:
        person = s.get(Staff, ctx.operator_id) if ctx.operator_id is not None else None
        allowed = bool(person is not None and person.active and person.sees_complainants)
    if not allowed:
        raise RuleViolation(
            "无权导出投诉举报人信息：只有在“人员”设置中获准查看投诉举报人信息的人员可以导出"
            "（举报人信息保密）。"
        )


def _personal_extra() -> list[ExtraCol]:
    cols = personal_columns()
    name = cols[0]
    cols[0] = ExtraCol(
        name.key, name.label, case((Complaint.anonymous.is_(True), "匿名"), else_=name.expr), 8
    )
    return cols


def _export(
    ctx: ServiceContext,
    start: date,
    end: date,
    path: Path,
    what: str,
    year: int | None,
    include_personal: bool,
    overwrite: bool,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> Path:
    _check_target(path, overwrite)
    if include_personal:
        _check_personal(ctx)
    conf = settings_service.get_all(ctx)
    # the organisation's own profile on a shared server (services/settings.py)
    town = f"{conf.get('county_name') or ''}{conf.get('township_name') or ''}"
    title = f"{town}综合行政执法协调联动工作{what}"
    now = clock.now()
    as_of = min(now, datetime.combine(end, time.max))
    labels = {k: LEDGERS[k].label for k in SUMMARY_LEDGERS}
    report = progress or (lambda done, total: None)
    stop = cancelled or (lambda: False)

    def check() -> None:
        if stop():
            raise ExportCancelled("已取消导出，未生成文件。")

    with ctx.read() as s:
        rows = scope.own_rows(s, ctx)
        fig = compute(s, start, end, as_of, rows)
        months: list[Figures] = []
        if year is not None:
            for m in range(1, 13):
                check()
                m_end = date(year, m, calendar.monthrange(year, m)[1])
                months.append(
                    compute(
                        s,
                        date(year, m, 1),
                        m_end,
                        min(now, datetime.combine(m_end, time.max)),
                        rows,
                    )
                )
    same_day = same_day_report(ctx, start, end, own=True)
    total = sum(fig.active(k) for k in SUMMARY_LEDGERS) + 1
    done = [0]
    report(0, total)

    def tick() -> None:
        done[0] += 1
        if done[0] % _TICK == 0:
            report(done[0], total)
            check()

    wb = Workbook(write_only=True)
    try:
        personal = _write(wb, ctx, start, end, title, year, months, fig, labels, same_day,
                          include_personal, tick, check)  # fmt: skip
    except BaseException:
        _abandon(wb)
        raise
    _save(ctx, wb, path, what, include_personal, personal)
    report(total, total)
    return path


def _write(
    wb: Workbook,
    ctx: ServiceContext,
    start: date,
    end: date,
    title: str,
    year: int | None,
    months: list[Figures],
    fig: Figures,
    labels: dict[str, str],
    same_day: Any,
    include_personal: bool,
    tick: Callable[[], None],
    check: Callable[[], None],
) -> int:
    """Every sheet into ``wb``; returns the number of complaints written with identity."""
    if year is not None:
        write_year_sheet(Sheet(wb.create_sheet(YEAR_SHEET)), title, year, months, labels)
    write_stats_sheet(Sheet(wb.create_sheet(STATS_SHEET)), title, fig, labels, same_day)
    personal = 0
    with ctx.read() as s:
        own = scope.own_rows(s, ctx)
        for key in SUMMARY_LEDGERS:
            check()
            ledger = LEDGERS[key]
            extra = _personal_extra() if include_personal and key == "complaints" else []
            where = and_(active_in(ledger, start, end), *only(own, ledger.model))
            rows = ledger_rows(s, ledger, where, extra)
            system = SYSTEM_OF[key]
            heading = f"{title}\u3000{system}" + (
                f"·{ledger.label}" if system != ledger.label else ""
            )
            n = write_ledger_sheet(
                Sheet(wb.create_sheet(ledger.label)), ledger, heading, rows, extra, tick
            )
            if extra:
                personal = n
    check()
    return personal


def _abandon(wb: Workbook) -> None:
    """Close the write-only sheets' temporary files of a workbook that will not be saved."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()


def _save(
    ctx: ServiceContext, wb: Workbook, path: Path, what: str, include_personal: bool, n: int
) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            wb.save(tmp)
        except BaseException:
            _abandon(wb)
            raise
        if include_personal:
            with ctx.uow() as uow:
                uow.audit(
                    AuditAction.EXPORT,
                    RecordType.COMPLAINT,
                    None,
                    f"{ctx.operator_name or '（未知）'}导出含投诉举报人信息的{what}："
                    f"{path.name}（投诉举报 {n} 件）",
                    after={"file": path.name, "complaints": n},
                )
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    except PermissionError as exc:
        raise ServiceError(
            f"无法写入「{path.name}」：文件可能正在被 Excel 或 WPS 打开，请关闭后重试。"
        ) from exc
    except OSError as exc:
        raise ServiceError(f"保存「{path.name}」失败：{sqlite.failure_reason(exc)}。") from exc
    finally:
        tmp.unlink(missing_ok=True)


def counts_by_status(ctx: ServiceContext, key: str, start: date, end: date) -> dict[str, int]:
    """Records of a ledger in the period per status code (for the statistics page),
    of those ``ctx`` may see."""
    ledger = LEDGERS[key]
    if not ledger.status_col:
        return {}
    status = ledger.column(ledger.status_col).expr
    seen = only(scope.seen_rows(ctx), ledger.model)
    with ctx.read() as s:
        return {
            str(k): int(v)
            for k, v in s.execute(
                select(status, func.count(ledger.model.id))
                .where(active_in(ledger, start, end), *seen)
                .group_by(status)
            )
        }
