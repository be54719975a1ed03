"""Background work hands its result, or its error, back on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from desktop_app.ui import workers


def test_result_and_error_come_back_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    workers.use_synchronous(False)
    gui = QThread.currentThread()
    ran_on: list[int] = []
    results: list[object] = []

    def work() -> int:
        ran_on.append(threading.get_ident())
        return 42

    workers.run(work, lambda r: results.append((r, QThread.currentThread() is gui)), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [(42, True)]
    assert ran_on and ran_on[0] != threading.get_ident()

    failures: list[BaseException] = []
    workers.run(lambda: 1 / 0, results.append, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], ZeroDivisionError)


def test_synchronous_mode_runs_inline() -> None:
    workers.use_synchronous(True)
    seen: list[object] = []
    workers.run(lambda: "done", seen.append, seen.append)
    workers.run(lambda: int("x"), seen.append, lambda e: seen.append(type(e).__name__))
    assert seen == ["done", "ValueError"]
