"""Single-instance guard: one running program per data folder.

A QLockFile in the data folder (QtCore only, so the headless commands use it
too). A lock left by a crash is recognised as stale and taken over.
"""

from __future__ import annotations

from PySide6.QtCore import QLockFile

from desktop_app.paths import DataPaths


class InstanceLock:
    def __init__(self, paths: DataPaths) -> None:
        paths.root.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(paths.lock_file))
        self._lock.setStaleLockTime(0)

    def acquire(self, timeout_ms: int = 100) -> bool:
        if self._lock.tryLock(timeout_ms):
            return True
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            # Qt detects a dead holder (crash, reboot) itself; with stale time 0
            # it must be told to remove the file explicitly.
            self._lock.removeStaleLockFile()
            return bool(self._lock.tryLock(timeout_ms))
        return False

    def holder(self) -> str:
        info = self._lock.getLockInfo()
        if len(info) == 4:  # some bindings prepend a success flag
            ok, *info = info
            if not ok:
                return "未知程序"
        if not info or not info[0]:
            return "未知程序"
        pid, host, app = info
        return f"{app or '程序'}（进程 {pid}，计算机 {host}）"

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()

    @property
    def locked(self) -> bool:
        return bool(self._lock.isLocked())
