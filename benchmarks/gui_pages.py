"""The main window's pages on the 100,000-record demo database: opening each page,
filtering each list by a Chinese substring, and the memory after all of it.

Each run is a child process (``QT_QPA_PLATFORM=offscreen``, compiled bytecode as
in :mod:`gui_startup`) that opens the database, builds the main window for an
operator chosen in code (no log-in dialog) with the app's style, shows it and:

* **open**: for every entry of the navigation, in order, selects it (what a click
  does: ``nav.setCurrentRow``) and runs the event loop until the page is painted —
  for a page with a table, until the visible table's viewport is painted with rows
  (the first rows on screen); the time is taken after that paint pass;
* **filter**: for every paged list (each ledger's ``LedgerList``, tabs included),
  types a word into its search box and runs the filter the 250 ms typing pause
  (debounce) would start — the time is from the filter's start to its rows
  painted, so a clerk sees the rows 250 ms + this after the last key;
* **memory**: VmRSS (``/proc/self/status``) after every page has been opened, and
  after every filter.

Baselines measured in the same run: the SQL of each filter (the COUNT and the
first 200 rows, exactly as SQLAlchemy compiles them) through the plain ``sqlite3``
module on the same file; and the RSS of a bare PySide6 ``QMainWindow`` process.

    uv run python benchmarks/gui_pages.py [--data-dir DIR] [--runs 3] [--json FILE]

Not a test: it prints figures (medians over the runs) and never asserts.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import common
import gui_startup

# Words typed into the search boxes: a common one (many rows match), a rarer one,
# and one nothing matches (the COUNT and the page scan the whole table).
WORDS = ("村", "秸秆", "不存在的词")
RESULT = "RESULT "
NOT_LISTS = {"统计报表", "设置"}  # pages of figures and forms, not lists of records


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the child processes --------------------------------------------------------------


class PaintWait:
    """Run the event loop until ``target`` is painted (then let the paint pass end)."""

    def __init__(self, app: Any) -> None:
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

        self.app = app
        self.loop = QEventLoop()
        self.target: Any = None
        self.ready = lambda: True
        wait = self

        class Spy(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if (
                    wait.target is not None
                    and watched is wait.target
                    and event.type() == QEvent.Type.Paint
                    and wait.ready()
                ):
                    wait.target = None
                    QTimer.singleShot(0, wait.loop.quit)
                return False

        self.spy = Spy(app)
        app.installEventFilter(self.spy)
        self.timeout = QTimer()
        self.timeout.setSingleShot(True)
        self.timeout.timeout.connect(self.loop.quit)

    def until_painted(self, target: Any, ready: Any = lambda: True) -> None:
        self.target, self.ready = target, ready
        target.update()  # nothing else may ask for a paint when nothing changed
        self.timeout.start(20_000)
        self.loop.exec()
        self.timeout.stop()
        if self.target is not None:
            raise SystemExit(f"no paint of {target!r} within 20 s")


def visible_table(page: Any) -> Any:
    from PySide6.QtWidgets import QTableView

    for table in page.findChildren(QTableView):
        if table.isVisible() and table.model() is not None:
            return table
    return None


def child_pages(data_dir: Path) -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from desktop_app.paths import data_paths, database_url
    from desktop_app.services import ledgers
    from desktop_app.services.context import ServiceContext
    from desktop_app.storage.models.reference import Staff
    from desktop_app.storage.startup import open_database
    from desktop_app.ui import app as gui
    from desktop_app.ui import prompts
    from desktop_app.ui.main_window import NAVIGATION, MainWindow
    from desktop_app.ui.pages.ledger_page import LedgerList

    for name in ("info", "warn", "error"):
        setattr(prompts, name, lambda *a, **k: None)
    app = QApplication(sys.argv[:1])
    gui.configure_application(app)
    paths = data_paths(data_dir)
    db = open_database(database_url(paths)).db
    ctx = ServiceContext(db, paths)
    with ctx.read() as s:
        staff = s.execute(select(Staff).order_by(Staff.id).limit(1)).scalar_one()
        operator = ctx.as_operator(staff.id, staff.name, "admin", None)
    ui = QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)
    wait = PaintWait(app)
    window = MainWindow(operator, ui)
    window.show()
    getattr(gui, "settle_after_start", lambda: None)()  # as the app does after its start
    wait.until_painted(window)
    out: dict[str, Any] = {"open": {}, "filter": {}}

    for entry in NAVIGATION[1:]:  # the dashboard is open already: it is the start page
        row = next(
            r
            for r in range(window.nav.count())
            if window.nav.item(r).data(Qt.ItemDataRole.UserRole) == entry.key
        )
        start = time.perf_counter()
        window.nav.setCurrentRow(row)
        page = window.pages[entry.key]
        table = visible_table(page)
        if table is not None and table.model().rowCount() > 0:
            model = table.model()
            wait.until_painted(table.viewport(), lambda m=model: m.rowCount() > 0)
        else:
            wait.until_painted(page)
        out["open"][entry.label] = time.perf_counter() - start
    out["rss_open"] = rss_mb()

    for key in ledgers.LISTS:
        owner = window.ledger_owner.get(key)
        if owner is None:
            continue
        page = window.show_page(owner)
        found = page.list_for(key)
        if found is None:  # a page without tabs of ledgers: its own list
            found = next((w for w in page.findChildren(LedgerList) if w.ledger.key == key), None)
        if not isinstance(found, LedgerList):
            continue
        wait.until_painted(found.table.viewport())  # on screen before the typing starts
        label = ledgers.LISTS[key].label
        for word in WORDS:
            found.search.setText(word)
            found._debounce.stop()
            start = time.perf_counter()
            found.apply_filter()
            wait.until_painted(found.table.viewport())
            out["filter"][f"{label}|{word}"] = time.perf_counter() - start
            found.search.setText("")
            found._debounce.stop()
            found.apply_filter()
    out["rss_filter"] = rss_mb()
    print(RESULT + json.dumps(out, ensure_ascii=False), flush=True)
    os._exit(0)


def child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    wait = PaintWait(app)
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    wait.until_painted(window)
    print(RESULT + json.dumps({"rss": rss_mb()}), flush=True)
    os._exit(0)


# --- the parent ----------------------------------------------------------------------------


def spawn(kind: str, data_dir: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--data-dir", str(data_dir)]
    done = subprocess.run(
        cmd, env=gui_startup.child_env(data_dir), capture_output=True, text=True, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    raise SystemExit(f"{kind}: no result (code {done.returncode})\n{done.stderr[-3000:]}")


def sql_baseline(database: Path, runs: int) -> dict[str, float]:
    """Each filter's COUNT and first page, as SQLAlchemy compiles them, in sqlite3."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from desktop_app.services import ledgers

    dialect = sqlite_dialect.dialect()

    def sql(stmt: Any) -> str:
        return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    times: dict[str, float] = {}
    try:
        for ledger in ledgers.LISTS.values():
            for word in WORDS:
                q = ledgers.Query(search=word)
                count = sql(ledgers._select(ledger, q, [ledgers.func.count(ledger.model.id)]))
                exprs = [ledger.model.id.label("id")] + [
                    c.expr.label(c.key) for c in ledger.columns
                ]
                sort = ledger.column(ledger.date_col).expr
                order = sort.desc() if ledger.newest_first else sort.asc()
                tie = ledger.model.id.desc() if ledger.newest_first else ledger.model.id.asc()
                page = sql(ledgers._select(ledger, q, exprs).order_by(order, tie).limit(200))

                def run(count: str = count, page: str = page) -> None:
                    con.execute(count).fetchone()
                    con.execute(page).fetchall()

                run()
                times[f"{ledger.label}|{word}"] = common.median_time(run, runs)
    finally:
        con.close()
    return times


def main() -> None:
    p = common.parser(__doc__)
    p.set_defaults(runs=3)
    p.add_argument("--child", choices=("pages", "bare"), help=gui_startup.argparse_hidden())
    args = p.parse_args()
    if args.child == "pages":
        child_pages(args.data_dir)
        return
    if args.child == "bare":
        child_bare()
        return

    from desktop_app.paths import DataPaths

    work = gui_startup.copy_data(args.data_dir)
    try:
        spawn("bare", work)  # warm-up: writes the bytecode cache
        spawn("pages", work)
        results, bare = [], []
        for _ in range(args.runs):
            bare.append(spawn("bare", work)["rss"])
            results.append(spawn("pages", work))
        baseline = sql_baseline(DataPaths(work).database, max(args.runs, 5))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(part: str, name: str) -> float:
        return statistics.median(r[part][name] for r in results)

    rows = []
    for name in results[0]["open"]:
        if name in NOT_LISTS:  # reported; the target is for the list pages
            rows.append(common.row(f"open page: {name}", med("open", name), "s", target="—"))
            continue
        rows.append(
            common.row(f"open page: {name}", med("open", name), "s", target="≤ 0.3 s", limit=0.3)
        )
    for name in results[0]["filter"]:
        label, word = name.split("|")
        rows.append(
            common.row(
                f"filter {label}: {word}",
                med("filter", name),
                "s",
                baseline=baseline[name],
                target="≤ 0.15 s (ratio to sqlite3)",
                limit=0.15,
            )
        )
    b = statistics.median(bare)
    for part, name in (
        ("rss_open", "every page opened"),
        ("rss_filter", "and every list filtered"),
    ):
        value = statistics.median(r[part] for r in results)
        rows.append(
            common.row(f"RSS: {name}", value, "MB", baseline=b, target="≤ 400 MB", limit=400)
        )
    common.finish(rows, args.json)


if __name__ == "__main__":
    main()
