"""月度/年度汇总: the workbook re-opened and checked against the database.

One demo database (as of 2026-11-29) serves the read-only checks; October
2026 is the month exported. Counts are recomputed here with plain SQL, not
through the services' own queries.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart
from sqlalchemy import select, text

from desktop_app.domain.deadlines import end_of_day, is_end_of_day
from desktop_app.services import calendar as calendar_service
from desktop_app.services import settings as settings_service
from desktop_app.services import staff, stats, summary, summary_sheets
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.services.errors import RuleViolation, ServiceError
from desktop_app.services.ledgers import LEDGERS
from desktop_app.services.summary_figures import SUMMARY_LEDGERS, TIMED_RULES
from desktop_app.services.xlsx_safe import is_risky
from desktop_app.storage.models import AuditEntry
from desktop_app.storage.startup import open_database

TODAY = date(2026, 11, 29)
START, NEXT = "2026-10-01", "2026-11-01"
TABLE_DATE = {
    "referrals": ("referrals", "found_at"),
    "complaints": ("complaints", "received_at"),
    "info_shares": ("info_shares", "formed_on"),
    "meetings": ("meetings", "held_at"),
    "urgent_notices": ("urgent_notices", "found_at"),
    "joint_actions": ("joint_actions", "action_on"),
    "assistance": ("assistance_requests", "requested_on"),
    "disputes": ("disputes", "opened_on"),
    "criminal_transfers": ("criminal_transfers", "flagged_at"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceContext]:
    folder = tmp_path_factory.mktemp("summary")
    result = open_database(f"sqlite:///{folder / 'demo.db'}")
    context = ServiceContext(result.db, None, None, "测试")
    generate_demo(context, records=1500, seed=3, today=TODAY)
    yield context
    result.db.close()


@pytest.fixture(scope="module")
def month_file(demo: ServiceContext, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("out") / "2026年10月汇总.xlsx"
    calls: list[tuple[int, int]] = []
    assert summary.export_month(demo, 2026, 10, path, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    return path


def sql(ctx: ServiceContext, query: str, **params: Any) -> Any:
    with ctx.read() as s:
        return s.execute(text(query), params).scalar_one()


def new_in_october(ctx: ServiceContext, key: str) -> int:
    table, col = TABLE_DATE[key]
    return int(
        sql(ctx, f"SELECT count(*) FROM {table} WHERE {col} >= :a AND {col} < :b", a=START, b=NEXT)
    )


def all_strings(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    return [
        str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None
    ]


def stats_rows(path: Path) -> list[tuple[Any, ...]]:
    wb = load_workbook(path)
    return [r for r in wb["统计"].iter_rows(values_only=True)]


# --- structure -------------------------------------------------------------------------


def test_sheets_headers_title_and_layout(month_file: Path) -> None:
    wb = load_workbook(month_file)
    assert wb.sheetnames == summary.sheet_names()
    assert wb.sheetnames[0] == "统计"
    for key in SUMMARY_LEDGERS:
        ledger = LEDGERS[key]
        ws = wb[ledger.label]
        assert "深泽县赵八镇综合行政执法协调联动工作月度汇总（2026年10月）" in ws["A1"].value
        header = [c.value for c in ws[2]]
        assert header == [c.label for c in ledger.columns]
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:{ws.cell(2, len(header)).column_letter}{ws.max_row}"
        for i, col in enumerate(ledger.columns, start=1):
            width = ws.column_dimensions[ws.cell(2, i).column_letter].width
            if col.kind == "datetime":  # "2026-10-05 09:30" in a 10-point font
                assert 15 <= width <= 18, (key, col.key, width)
            elif col.kind == "date":
                assert 10 <= width <= 12, (key, col.key, width)
            else:  # never wider than declared; the header label fits on two lines
                assert width <= col.width * 2.2 + 1, (key, col.key, width)
                assert width >= min(len(col.label), 8) / 2 * 1.9, (key, col.key, width)
            if col.kind == "text" and ws.max_row > 2:
                assert ws.cell(3, i).alignment.wrap_text, (key, col.key)
    assert "统计" in wb["统计"]["A1"].value or "月度汇总" in wb["统计"]["A1"].value
    charts = wb["统计"]._charts
    assert any(isinstance(c, BarChart) for c in charts)


def test_date_cells_are_real_dates(month_file: Path) -> None:
    wb = load_workbook(month_file)
    seen = 0
    for key in SUMMARY_LEDGERS:
        ledger = LEDGERS[key]
        ws = wb[ledger.label]
        for i, col in enumerate(ledger.columns, start=1):
            if col.kind not in ("date", "datetime"):
                continue
            for row in range(3, min(ws.max_row, 30) + 1):
                cell = ws.cell(row, i)
                if cell.value is None:
                    continue
                assert isinstance(cell.value, (date, datetime)), (key, col.key, cell.value)
                assert cell.number_format in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")
                seen += 1
    assert seen > 50


def test_sample_values_match_the_database(demo: ServiceContext, month_file: Path) -> None:
    ws = load_workbook(month_file)["案件移送"]
    header = [c.value for c in ws[2]]
    for row in list(ws.iter_rows(min_row=3, values_only=True))[:10]:
        values = dict(zip(header, row, strict=True))
        with demo.read() as s:
            found = s.execute(
                text("SELECT matter, found_at, party_name FROM referrals WHERE serial = :s"),
                {"s": values["台账编号"]},
            ).one()
        assert values["违法事项"] == found.matter
        assert values["当事人"] == (found.party_name or None)
        stored = found.found_at
        stored = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
        assert (
            values["发现时间"] == stored.replace(second=0, microsecond=0)
            or values["发现时间"] == stored
        )
    status = {c.value for c in ws["C"][2:]}
    assert status and all(isinstance(v, str) and not v.isascii() for v in status)


# --- statistics against SQL ------------------------------------------------------------


def test_counts_equal_independent_sql(demo: ServiceContext, month_file: Path) -> None:
    rows = stats_rows(month_file)
    table = {
        r[1]: r
        for r in rows
        if r[1] in {LEDGERS[k].label for k in SUMMARY_LEDGERS} and isinstance(r[2], int)
    }
    wb = load_workbook(month_file)
    for key in SUMMARY_LEDGERS:
        label = LEDGERS[key].label
        _, _, new, carried, total, *_ = table[label]
        assert new == new_in_october(demo, key), key
        assert total == new + carried
        assert wb[label].max_row - 2 == total, key
    carried_referrals = sql(
        demo,
        "SELECT count(*) FROM referrals WHERE found_at < :a AND "
        "(status IN ('draft','ready','sent','signed') OR coalesce(result_at, returned_at) >= :a)",
        a=START,
    )
    assert table["案件移送"][3] == carried_referrals
    assert sum(r[2] for r in table.values()) > 50


def test_on_time_and_status_figures(demo: ServiceContext, month_file: Path) -> None:
    rows = stats_rows(month_file)
    by_system = {r[0]: r for r in rows if r[0] and r[7] in TIMED_RULES.values()}
    shares = by_system["信息共享"]
    formed = sql(
        demo,
        "SELECT count(*) FROM info_shares WHERE formed_on >= :a AND formed_on < :b",
        a=START,
        b=NEXT,
    )
    same = sql(
        demo,
        "SELECT count(*) FROM info_shares WHERE formed_on >= :a AND formed_on < :b "
        "AND shared_on IS NOT NULL AND shared_on <= formed_on",
        a=START,
        b=NEXT,
    )
    assert shares[2] == same
    assert shares[1] + shares[5] == formed  # counted + pending
    sent = by_system["案件移送"]
    referrals = sql(
        demo,
        "SELECT count(*) FROM referrals WHERE found_at >= :a AND found_at < :b "
        "AND status NOT IN ('archived', 'withdrawn')",
        a=START,
        b=NEXT,
    )
    assert sent[1] + sent[5] == referrals
    if sent[1]:
        assert sent[6] == pytest.approx(sent[2] / sent[1])
    complaints_closed = sql(
        demo,
        "SELECT count(*) FROM complaints WHERE status = 'closed' AND "
        "(received_at >= :a AND received_at < :b OR received_at < :a AND closed_at >= :a)",
        a=START,
        b=NEXT,
    )
    status_rows = [r for r in rows if r[1] == "投诉举报" and r[2] == "已办结"]
    assert status_rows and status_rows[0][3] == complaints_closed


# --- complaints' answers and departments, recounted from the rows -------------------------


def _dt(v: Any) -> Any:
    return datetime.fromisoformat(v) if isinstance(v, str) else v


def _outcome(due: datetime | None, done: datetime | None, as_of: datetime) -> str:
    if due is None:
        return "pending"
    if done is not None:
        return "on_time" if done <= due else "late"
    return "overdue" if due < as_of else "pending"


def complaint_steps(
    ctx: ServiceContext, a: str, b: str, as_of: datetime
) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
    """(step → outcomes, department → outcomes) of the complaints received in [a, b),
    counted from the raw rows: verification, reply and feedback with their clocks."""
    with ctx.read() as s:
        cal = calendar_service.load(s)
        conf = settings_service.read_all(s)
        town = {
            r[0] for r in s.execute(text("SELECT id FROM organisations WHERE kind = 'township'"))
        } | {conf.get("township_org_id"), conf.get("team_org_id")}
        rows = s.execute(
            text(
                "SELECT c.received_at, c.status, c.outcome, c.anonymous, c.verified_at, "
                "c.replied_at, c.feedback_at, i.name AS informing, c.competent_org_id, "
                "p.name AS competent, c.case_id, k.status AS case_status, k.closed_on "
                "FROM complaints c LEFT JOIN organisations i ON i.id = c.informing_org_id "
                "LEFT JOIN organisations p ON p.id = c.competent_org_id "
                "LEFT JOIN cases k ON k.id = c.case_id "
                "WHERE c.received_at >= :a AND c.received_at < :b"
            ),
            {"a": a, "b": b},
        ).all()

    def due(day: date, n: Any) -> datetime:
        return datetime.combine(cal.add_working_days(day, int(n)), datetime.max.time()).replace(
            microsecond=0
        )

    steps: dict[str, Counter[str]] = defaultdict(Counter)
    depts: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        received, verified = _dt(r.received_at), _dt(r.verified_at)
        mine = {r.informing} | (
            {r.competent}
            if r.outcome == "transferred" and r.competent_org_id not in town
            else set()
        )
        mine.discard(None)
        out = [
            (
                "初步核实",
                _outcome(due(received.date(), conf["complaint_verify_days"]), verified, as_of),
            )
        ]
        reply_due: datetime | None = due(received.date(), conf["complaint_reply_days"])
        counts_from = verified.date() if verified else None
        if r.outcome == "case_filed":
            closed_on = _dt(r.closed_on)
            closed_on = closed_on.date() if isinstance(closed_on, datetime) else closed_on
            if r.case_id is None:
                counts_from = None
            elif r.case_status != "closed" or closed_on is None:
                reply_due = reply_due if r.status == "closed" else None
                counts_from = None
            else:
                counts_from = closed_on
                later = due(closed_on, conf["complaint_reply_days"])
                reply_due = max(reply_due, later) if reply_due else later
        answers = [] if r.anonymous else [("答复投诉举报人", _dt(r.replied_at))]
        if r.informing:
            answers.append(("向告知部门反馈", _dt(r.feedback_at)))
        for step, at in answers:
            if r.status == "closed":
                if at is None:
                    continue
                done = at
            else:
                done = at if at and counts_from and at.date() >= counts_from else None
            out.append((step, _outcome(reply_due, done, as_of)))
        for step, o in out:
            steps[step][o] += 1
            for d in mine:
                depts[d][o] += 1
    return steps, depts


def _rate(c: Counter[str]) -> float | None:
    n = c["on_time"] + c["late"] + c["overdue"]
    return c["on_time"] / n if n else None


def test_complaint_answers_counted_in_the_on_time_rate(
    demo: ServiceContext, month_file: Path
) -> None:
    as_of = datetime(2026, 10, 31, 23, 59, 59)
    steps, _ = complaint_steps(demo, START, NEXT, as_of)
    assert steps["答复投诉举报人"]["on_time"] and steps["向告知部门反馈"].total()
    rows = {r[0]: r for r in stats_rows(month_file) if isinstance(r[0], str)}
    for step in ("初步核实", "答复投诉举报人", "向告知部门反馈"):
        row = rows[f"　其中：{step}"]
        c = steps[step]
        assert row[1:6] == (
            c["on_time"] + c["late"] + c["overdue"], c["on_time"], c["late"], c["overdue"],
            c["pending"],
        ), step  # fmt: skip
    total = sum(steps.values(), Counter())
    system = next(
        r for r in stats_rows(month_file) if r[0] == "投诉举报" and r[7] in TIMED_RULES.values()
    )
    assert system[2:6] == (total["on_time"], total["late"], total["overdue"], total["pending"])
    assert system[6] == pytest.approx(_rate(total))


def test_departments_include_complaints_and_criminal_transfers(
    demo: ServiceContext, month_file: Path
) -> None:
    # the workbook's department table, 投诉举报 column
    as_of = datetime(2026, 10, 31, 23, 59, 59)
    _, depts = complaint_steps(demo, START, NEXT, as_of)
    assert depts
    rows = stats_rows(month_file)
    head_at = next(i for i, r in enumerate(rows) if r[0] == "部门")
    head = rows[head_at]
    col = head.index("投诉举报按时率")
    table = {r[0]: r for r in rows[head_at + 1 :] if r[0] and r[1] is not None}
    for dept, c in depts.items():
        got = table[dept][col]
        assert (got if got != "—" else None) == pytest.approx(_rate(c)), dept
    # the app's statistics page, for the year so far: complaints and criminal transfers
    figures = stats.timing_figures(demo, date(2026, 1, 1), TODAY)
    per = dict(figures.departments)
    _, year_depts = complaint_steps(demo, "2026-01-01", "2026-11-30", datetime(2026, 11, 29, 20))
    for dept, c in year_depts.items():
        assert per[dept]["complaints"] == pytest.approx(_rate(c)), dept
    with demo.read() as s:
        police = s.execute(
            text(
                "SELECT o.name, t.decision_at, t.transferred_at FROM criminal_transfers t "
                "LEFT JOIN organisations o ON o.id = t.police_org_id "
                "WHERE t.flagged_at >= '2026-01-01' AND t.flagged_at < '2026-11-30' "
                "AND t.decision_at IS NOT NULL AND t.status != 'rejected'"
            )
        ).all()
        organs = (
            s.execute(
                text("SELECT name FROM organisations WHERE kind = 'public_security' AND active")
            )
            .scalars()
            .all()
        )
    assert police and len(organs) == 1
    sent_on_time: Counter[str] = Counter()
    for _name, decided, sent in police:
        due = _dt(decided) + timedelta(hours=24)
        sent_on_time[_outcome(due, _dt(sent), datetime(2026, 11, 29, 20))] += 1
    assert per[organs[0]]["criminal_transfers"] == pytest.approx(_rate(sent_on_time))
    # a backward-compatible shape: the complaint steps are extra
    assert [r.label for r in figures.steps["complaints"]] == [
        "初步核实", "答复投诉举报人", "向告知部门反馈",
    ]  # fmt: skip


# --- printing --------------------------------------------------------------------------


def test_every_sheet_prints_on_a4(month_file: Path, tmp_path: Path, demo: ServiceContext) -> None:
    year = tmp_path / "年度.xlsx"
    summary.export_year(demo, 2026, year)
    for path in (month_file, year):
        wb = load_workbook(path)
        for ws in wb:
            setup = ws.page_setup
            assert setup.paperSize == 9, ws.title  # A4
            assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert ws.print_options.horizontalCentered, ws.title
            assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", ws.title
            assert ws.page_margins.left >= 0.5 and ws.page_margins.bottom >= 0.7
            last = ws.cell(1, ws.max_column).column_letter
            area = ws.print_area.rsplit("$", 1)
            assert area[0] == f"'{ws.title}'!$A$1:${last}", ws.title
            if ws._charts:  # the chart's rows (empty cells) are printed too
                assert int(area[1]) >= ws.max_row, ws.title
            else:
                assert int(area[1]) == ws.max_row, ws.title
            if ws.title == "统计":
                assert setup.orientation == "portrait"
                assert ws.print_title_rows is None
            else:
                assert setup.orientation == "landscape", ws.title
            if ws.title not in ("统计", "年度统计"):
                assert ws.print_title_rows == "$2:$2", ws.title
                # one page wide at a readable scale: at most ~1.5 landscape pages of
                # columns (A4 landscape holds ~143 width units between the margins)
                total = sum(
                    ws.column_dimensions[ws.cell(2, i).column_letter].width
                    for i in range(1, ws.max_column + 1)
                )
                assert total <= 215, (ws.title, total)
    # a wrapped row is tall enough for its text
    ws = load_workbook(month_file)["投诉举报"]
    content = [c.label for c in LEDGERS["complaints"].columns].index("投诉举报内容") + 1
    longest = max(range(3, ws.max_row + 1), key=lambda r: len(ws.cell(r, content).value or ""))
    assert ws.row_dimensions[longest].height and ws.row_dimensions[longest].height > 20


# --- personal data ---------------------------------------------------------------------


def complainants(ctx: ServiceContext) -> tuple[set[str], set[str]]:
    with ctx.read() as s:
        people = s.execute(text("SELECT name, phone FROM complainants")).all()
        others = {
            n
            for (n,) in s.execute(
                text(
                    "SELECT party_name FROM referrals UNION SELECT party_name FROM complaints "
                    "UNION SELECT name FROM staff UNION SELECT host FROM meetings"
                )
            )
            if n
        }
    names = {p.name for p in people if p.name and p.name not in others}
    phones = {p.phone for p in people if p.phone}
    return names, phones


def test_no_complainant_identity_by_default(demo: ServiceContext, month_file: Path) -> None:
    names, phones = complainants(demo)
    assert names and phones
    cells = all_strings(month_file)
    assert not [c for c in cells if c in names]  # (names also occur inside firm names)
    assert not [c for c in cells if any(p in c for p in phones)]
    assert "投诉举报人" not in [c.value for c in load_workbook(month_file)["投诉举报"][2]]


def test_personal_export_needs_permission_and_is_audited(
    demo: ServiceContext, tmp_path: Path
) -> None:
    path = tmp_path / "含个人信息.xlsx"
    with pytest.raises(RuleViolation, match="无权导出投诉举报人信息"):
        summary.export_month(demo, 2026, 10, path, include_personal=True)
    assert not path.exists()
    plain = staff.save(demo, staff.StaffInput(name="周普通"))
    with pytest.raises(RuleViolation):
        summary.export_month(
            demo.as_operator(plain, "周普通"), 2026, 10, path, include_personal=True
        )
    boss = staff.save(demo, staff.StaffInput(name="吴主任", role="leader", sees_complainants=True))
    summary.export_month(demo.as_operator(boss, "吴主任"), 2026, 10, path, include_personal=True)
    names, phones = complainants(demo)
    cells = all_strings(path)
    assert any(any(p in c for p in phones) for c in cells)
    assert any(c in names for c in cells)
    header = [c.value for c in load_workbook(path)["投诉举报"][2]]
    assert header[-4:] == ["投诉举报人", "联系电话", "身份证号码", "住址"]
    with demo.read() as s:
        entry = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    assert entry.action == "export" and entry.operator_name == "吴主任"
    assert "含个人信息.xlsx" in (entry.summary or "") and "吴主任" in (entry.summary or "")


# --- files -----------------------------------------------------------------------------


def test_refuses_to_overwrite_and_leaves_the_file_alone(
    demo: ServiceContext, tmp_path: Path
) -> None:
    path = tmp_path / "已有.xlsx"
    path.write_bytes(b"an older summary")
    with pytest.raises(RuleViolation, match="已存在"):
        summary.export_month(demo, 2026, 10, path)
    assert path.read_bytes() == b"an older summary"
    summary.export_month(demo, 2026, 10, path, overwrite=True)
    assert load_workbook(path).sheetnames == summary.sheet_names()


def test_failure_mid_write_leaves_no_file(
    demo: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real = summary.write_ledger_sheet

    def broken(*args: Any, **kw: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kw)

    monkeypatch.setattr(summary, "write_ledger_sheet", broken)
    with pytest.raises(OSError):
        summary.export_month(demo, 2026, 10, tmp_path / "半截.xlsx")
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(summary, "write_ledger_sheet", real)
    from openpyxl import Workbook

    def bad_save(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK partial")
        raise OSError(5, "I/O error")

    monkeypatch.setattr(Workbook, "save", bad_save)
    with pytest.raises(ServiceError, match=r"保存「半截\.xlsx」失败"):
        summary.export_month(demo, 2026, 10, tmp_path / "半截.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_cancel_writes_nothing(demo: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(summary.ExportCancelled):
        summary.export_month(demo, 2026, 10, tmp_path / "取消.xlsx", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_bad_target(demo: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(RuleViolation, match=r"\.xlsx"):
        summary.export_month(demo, 2026, 10, tmp_path / "汇总.csv")
    with pytest.raises(RuleViolation, match="文件夹不存在"):
        summary.export_month(demo, 2026, 10, tmp_path / "无" / "汇总.xlsx")
    with pytest.raises(ServiceError):
        summary.export_month(demo, 2026, 13, tmp_path / "汇总.xlsx")


# --- year ------------------------------------------------------------------------------


def test_year_workbook(demo: ServiceContext, tmp_path: Path) -> None:
    path = tmp_path / "2026年度.xlsx"
    summary.export_year(demo, 2026, path)
    wb = load_workbook(path)
    assert wb.sheetnames == summary.sheet_names(year=True)
    ws = wb["年度统计"]
    assert "年度汇总（2026年）" in ws["A1"].value
    assert any(isinstance(c, LineChart) for c in ws._charts)
    assert any(isinstance(c, BarChart) for c in wb["统计"]._charts)
    rows: dict[Any, tuple[Any, ...]] = {}
    for r in ws.iter_rows(values_only=True):
        rows.setdefault(r[0], r)  # the counts table comes before the rates
    monthly = rows["案件移送"][1:13]
    for m in range(1, 13):
        a = f"2026-{m:02d}-01"
        b = "2027-01-01" if m == 12 else f"2026-{m + 1:02d}-01"
        n = sql(
            demo, "SELECT count(*) FROM referrals WHERE found_at >= :a AND found_at < :b", a=a, b=b
        )
        assert monthly[m - 1] == n
    assert rows["案件移送"][13] == sum(monthly)
    header = [c.value for c in wb["投诉举报"][2]]
    assert header == [c.label for c in LEDGERS["complaints"].columns]


# --- other programs --------------------------------------------------------------------


CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_converts_with_libreoffice(month_file: Path, tmp_path: Path) -> None:
    src = tmp_path / "m.xlsx"
    shutil.copy(month_file, src)
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", CSV_UTF8, "--outdir", str(tmp_path), str(src)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    csv = (tmp_path / "m.csv").read_text(encoding="utf-8", errors="replace")
    assert "月度汇总" in csv


# --- the ledger sheet writer -------------------------------------------------------------


def test_ledger_rows_each_keep_their_own_value_and_look(tmp_path: Path) -> None:
    """Cells of a column are given each row's value in turn (summary_sheets reuses
    them): a formula-like text, a date, an empty cell or a tall row must not leak into
    the rows after it."""
    ledger = LEDGERS["referrals"]
    cols = list(ledger.columns)
    texts = [
        '=HYPERLINK("http://x","y")',
        "普通事项",
        None,
        "露天焚烧秸秆" * 12,
        "-2",
        "一\n二\n三",
    ]
    when = [datetime(2026, 10, 5, 9, 30), end_of_day(date(2026, 10, 6)), None]
    rows: list[tuple[Any, ...]] = []
    for r in range(len(texts) * 2):
        values: list[Any] = []
        for i, c in enumerate(cols):
            if c.kind == "term" and c.term is not None:
                members = list(c.term)
                values.append(members[(r + i) % len(members)].value)
            elif c.kind == "datetime":
                values.append(when[(r + i) % len(when)])
            else:
                values.append(texts[(r + i) % len(texts)] if c.key != "serial" else f"移{r}")
        rows.append(tuple(values))

    wb = Workbook(write_only=True)
    sheet = summary_sheets.Sheet(wb.create_sheet(ledger.label))
    assert summary_sheets.write_ledger_sheet(sheet, ledger, "标题", iter(rows)) == len(rows)
    wb.save(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")[ledger.label]
    widths = summary_sheets.ledger_widths(cols)
    assert ws.max_row == len(rows) + 2
    for r, row in enumerate(rows, start=3):
        lines = 1
        for i, (col, value) in enumerate(zip(cols, row, strict=True)):
            cell = ws.cell(r, i + 1)
            where = (r, col.key, value)
            assert cell.border.left.style == "thin", where  # empty cells too
            assert bool(cell.quotePrefix) == is_risky(value), where
            if value is None:
                assert cell.value is None, where
            elif col.kind == "datetime" and is_end_of_day(value):
                assert cell.value.date() == value.date(), where
                assert cell.number_format == summary_sheets.DATE_FMT, where
            elif col.kind == "datetime":
                assert cell.value == value, where
                assert cell.number_format == summary_sheets.DATETIME_FMT, where
            elif col.term is not None:
                assert cell.value == col.term.label_of(value), where
            else:
                assert cell.value == value and cell.data_type == "s", where
                assert cell.alignment.wrap_text, where
                lines = max(lines, summary_sheets.lines_of(value, widths[i]))
        height = ws.row_dimensions[r].height
        if lines == 1:
            assert height is None, (r, height)
        else:
            expected = min(lines, summary_sheets.MAX_LINES) * summary_sheets.LINE_PT + 2
            assert height == expected, (r, lines, height)


def test_sheet_rows_are_cells() -> None:
    wb = Workbook(write_only=True)
    sheet = summary_sheets.Sheet(wb.create_sheet("x"))
    with pytest.raises(TypeError):
        sheet.append([sheet.cell("一"), "二"])
