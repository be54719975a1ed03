"""设置 → 备份与恢复: the backups folder, a backup now, a copy to a USB stick, restore.

Restore cannot happen under the open database: the tab records the chosen
backup (:func:`take_pending_restore`) and ends the event loop with
``ui.app.RESTART``; start-up closes the database, restores (a safety copy of
the current one first) and opens the program again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import backup
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts, workers

PATH_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("备份时间", "类型", "大小", "文件名")

_pending: list[Path] = []


def request_restore(source: Path) -> None:
    """Ask start-up to restore ``source`` and reopen (ends the event loop)."""
    from desktop_app.ui.app import RESTART

    _pending[:] = [Path(source)]
    QApplication.exit(RESTART)


def take_pending_restore() -> Path | None:
    return _pending.pop() if _pending else None


def choose_target(parent: QWidget | None, suggested: str) -> Path | None:
    """Where to put a copy; the tab asks itself before replacing an existing file."""
    name, _ = QFileDialog.getSaveFileName(
        parent,
        "备份到U盘/其他位置",
        suggested,
        "数据库备份 (*.db)",
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    return Path(name) if name else None


class BackupTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        folder = ctx.paths.backups if ctx.paths else None
        intro = QLabel(
            f"备份保存在：{folder}\n"
            "每天第一次启动程序和每次退出程序时自动备份。自动备份保留最近 7 天每天一份、"
            "最近 4 周每周一份、最近 12 个月每月一份，更早的自动删除；"
            "升级前和恢复前的安全副本不会自动删除。\n"
            "请定期用「备份到U盘/其他位置…」另存一份，放在别处保管。"
            "备份里有投诉举报人信息，请妥善保管，不要交给无关人员。"
        )
        intro.setWordWrap(True)
        intro.setObjectName("pageIntro")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.usb_button = QPushButton("备份到U盘/其他位置…")
        self.usb_button.clicked.connect(self.backup_elsewhere)
        self.restore_button = QPushButton("从所选备份恢复…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.allowed = backup.may_restore(ctx)
        if not self.allowed:  # hook for roles: only an administrator, later
            self.restore_button.setToolTip("只有管理员可以恢复数据库。")

        buttons = QHBoxLayout()
        for b in (self.backup_button, self.usb_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.refresh()

    # -- list ------------------------------------------------------------------

    def refresh(self) -> None:
        found = backup.list_backups(self.ctx.paths) if self.ctx.paths else []
        self.table.setRowCount(len(found))
        for row, b in enumerate(found):
            cells = (
                b.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                b.kind_label,
                b.size_text,
                b.path.name,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PATH_ROLE, str(b.path))
                if col == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self.count.setText(f"共 {len(found)} 份")
        self._update_buttons()

    def selected(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return Path(item.data(PATH_ROLE)) if item else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.allowed and self.selected() is not None)

    def _busy(self, busy: bool) -> None:
        for b in (self.backup_button, self.usb_button):
            b.setEnabled(not busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    # -- backups ---------------------------------------------------------------

    def backup_now(self) -> None:
        self._run(lambda: backup.backup(self.ctx), "备份完成并已校验：{}")

    def backup_elsewhere(self) -> None:
        target = choose_target(self, str(Path.home() / backup.default_name()))
        if target is None:
            return
        if target.suffix == "":
            target = target.with_suffix(".db")
        overwrite = False
        if target.exists():
            if target.is_dir():
                prompts.warn(self, f"这是一个文件夹，请选择或输入一个文件名：{target}")
                return
            if not prompts.confirm(
                self,
                f"这个位置已经有同名文件：\n{target}\n\n要用新的备份替换它吗？"
                "（新备份写完并校验通过后才会替换旧文件。）",
            ):
                return
            overwrite = True
        self._run(
            lambda: backup.backup(self.ctx, target, overwrite=overwrite),
            "备份完成并已校验：{}\n" + backup.USB_HINT,
        )

    def _run(self, job, done_text: str) -> None:  # type: ignore[no-untyped-def]
        self._busy(True)

        def done(path: Path) -> None:
            self._busy(False)
            if self.ctx.paths is not None and path.parent == self.ctx.paths.backups:
                backup.prune(self.ctx.paths)
            self.refresh()
            prompts.info(self, done_text.format(path), "备份")

        def failed(exc: BaseException) -> None:
            self._busy(False)
            self.refresh()
            text = str(exc) if isinstance(exc, ServiceError) else f"备份没有完成：{exc}"
            prompts.error(self, text, "备份没有完成")

        workers.run(job, done, failed)

    # -- restore ---------------------------------------------------------------

    def restore_selected(self) -> None:
        source = self.selected()
        if source is None or not self.allowed:
            return
        try:
            backup.validate_backup(source)
            info = backup.describe(source)
        except (ServiceError, OSError) as exc:
            prompts.error(self, f"这份备份不能用来恢复：\n{exc}", "恢复")
            return
        when = info.taken_at.strftime("%Y年%m月%d日 %H:%M")
        if not prompts.confirm(
            self,
            f"要用 {when} 的备份恢复数据库吗？\n{source.name}\n\n"
            "当前的数据库会先另存为「恢复前的安全副本」（在备份文件夹里），然后被这份备份替换；"
            "这份备份之后录入的内容将看不到。\n\n"
            "程序会关闭当前窗口，恢复完成后自动重新打开，需要重新选择操作人员。",
            "从备份恢复",
        ):
            return
        request_restore(source)
