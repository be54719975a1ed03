"""Lock after inactivity: no key press, click or wheel for ``minutes`` → the
window is covered by the lock dialog until the logged-in account's password is
typed (or 退出登录 ends the session: the event loop exits with LOG_OUT).

The shared office PC is left on while the clerk steps out; complainants'
identities and records must not be open to whoever sits down next.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop_app.services.context import ServiceContext

LOG_OUT = 1001  # event-loop exit code: back to the log-in
_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def _cover(window: QWidget) -> QWidget:
    """A plain panel over everything a window shows (records, a complainant's
    identity, a half-filled form): hidden, not closed, so nothing typed is lost."""
    cover = QLabel("已锁定", window)
    cover.setObjectName("lockCover")
    cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
    cover.setAutoFillBackground(True)
    cover.setStyleSheet("background: #e8ecf1; color: #8a94a3; font-size: 28px;")
    cover.setGeometry(window.rect())
    cover.raise_()
    cover.show()
    return cover


class IdleLock(QObject):
    def __init__(
        self, app: QApplication, window: QWidget, ctx: ServiceContext, minutes: int
    ) -> None:
        super().__init__(window)
        self.app, self.window, self.ctx = app, window, ctx
        self.locked = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.minutes = minutes
        if minutes > 0:
            self.timer.start(minutes * 60_000)
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and not self.locked:
            self.timer.start()
        return False

    def lock(self) -> int:
        """Show the lock dialog; its result (Accepted, or LockDialog.LOG_OUT)."""
        from desktop_app.ui.dialogs.login_dialog import LockDialog

        if self.locked:
            return 0
        self.locked = True
        covers = [_cover(top) for top in QApplication.topLevelWidgets() if top.isVisible()]
        dialog = LockDialog(self.ctx, self.window)
        try:
            result = dialog.exec()
        finally:
            for cover in covers:
                cover.deleteLater()
        self.locked = False
        if result == LockDialog.LOG_OUT:
            self.app.exit(LOG_OUT)
        elif self.minutes > 0:
            self.timer.start()
        return int(result)

    def stop(self) -> None:
        self.timer.stop()
        self.app.removeEventFilter(self)
