"""Slow work off the GUI thread, results handed back on the GUI thread.

``run(fn, on_done, on_error)`` runs ``fn`` in Qt's thread pool. Tests call
``use_synchronous(True)`` to run everything inline and deterministically.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)

_synchronous = False
_alive: set[_Relay] = set()


def use_synchronous(flag: bool) -> None:
    global _synchronous
    _synchronous = flag


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, never lost
            log.error("background task failed:\n%s", traceback.format_exc())
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> None:
    if _synchronous:
        try:
            result = fn()
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)
        return
    relay = _Relay()
    _alive.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _alive.discard(relay)
        callback(value)

    relay.done.connect(lambda r: finish(on_done, r))
    relay.failed.connect(lambda e: finish(on_error, e))
    QThreadPool.globalInstance().start(_Task(fn, relay))


class Progress(QObject):
    """A long task's progress reported from the worker thread (queued to the GUI
    thread by Qt) and a cancel flag the task polls."""

    changed = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.cancel_requested = False

    def report(self, done: int, total: int) -> None:
        self.changed.emit(done, total)

    def cancelled(self) -> bool:
        return self.cancel_requested


def run_with_progress(
    parent: QWidget,
    title: str,
    text: str,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> Progress:
    """``work(progress)`` off the GUI thread behind a progress dialog with 取消 (shown
    when it lasts more than a moment); the dialog closes before ``on_done`` or
    ``on_error`` runs. The task polls ``progress.cancelled()``."""
    progress = Progress()
    box = QProgressDialog(text, "取消", 0, 0, parent)
    box.setWindowTitle(title)
    box.setMinimumDuration(300)
    box.setAutoReset(False)  # a task may run through its rows twice (check, then store)
    box.canceled.connect(lambda: setattr(progress, "cancel_requested", True))
    progress.changed.connect(lambda done, total: (box.setMaximum(total), box.setValue(done)))
    progress.box = box  # type: ignore[attr-defined]  # for tests and to keep it alive
    _running.add(progress)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(progress)
        box.reset()
        callback(value)

    run(lambda: work(progress), lambda r: finish(on_done, r), lambda e: finish(on_error, e))
    return progress


_running: set[Progress] = set()
