"""GUI start-up: paths → single instance → database → operator → main window.

Errors at start are shown to the clerk in plain Chinese; the database is
never overwritten or recreated to "fix" a problem. A missing (when backups
show there was one), empty, foreign or damaged database is moved aside and
the latest good backup is offered (:func:`ask_recovery`). A copy is taken at
the first start of the day and at every exit. A restore chosen on the
设置 → 备份与恢复 tab ends the event loop with :data:`RESTART`; the database is
then closed, replaced and opened again.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import sys
import threading

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_app import APP_NAME_ZH, __version__
from desktop_app.instance import InstanceLock
from desktop_app.paths import DataPaths, database_url, resource
from desktop_app.services import accounts, clock_check, identity
from desktop_app.services import backup as backup_service
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.services.seed import seed_reference_data
from desktop_app.storage.errors import StorageError
from desktop_app.storage.startup import diagnose, open_database
from desktop_app.ui import prompts, workers
from desktop_app.ui.idle_lock import LOG_OUT, IdleLock
from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Families tried in order for the interface; the bundled one is the fallback.
PREFERRED_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)
BUNDLED_FONT = ("fonts", "wqy-microhei.ttc")

STYLE = """
QWidget#sideBar { background: #1f3a5f; }
QLineEdit#globalSearch { padding: 5px 8px; border: 1px solid #3d6596; border-radius: 4px;
  background: #f4f7fb; }
QListWidget#navigation { background: #1f3a5f; color: #e8eef7; border: none; font-size: 15px;
  padding-top: 8px; }
QListWidget#navigation::item { padding: 9px 16px; }
QListWidget#navigation::item:selected { background: #2f5d93; color: white; }
QListWidget#navigation::item:disabled { color: #9fb3cc; font-size: 12px;
  padding: 14px 12px 4px 12px; }
QLabel#pageTitle { font-size: 20px; font-weight: bold; color: #1f3a5f; padding: 4px 0; }
QLabel#pageIntro { color: #555; }
QLabel#hint { color: #777; font-size: 12px; }
QLabel#warningBanner { background: #fff4d6; border: 1px solid #e8c25c; border-radius: 4px;
  padding: 8px 12px; color: #5c4400; }
QLabel#overdueBanner { background: #fde8e8; border: 1px solid #e07a7a; border-radius: 4px;
  padding: 8px 12px; color: #8a1c1c; font-weight: bold; }
QLabel#countLabel { color: #555; padding: 0 6px; }
QTableView { gridline-color: #e3e6ea; selection-background-color: #cfe0f5;
  selection-color: black; }
QHeaderView::section { background: #f2f4f7; padding: 4px 6px; border: none;
  border-right: 1px solid #e3e6ea; border-bottom: 1px solid #d0d5dd; }
"""


def server_name(paths: DataPaths) -> str:
    digest = hashlib.sha1(str(paths.root).encode("utf-8")).hexdigest()[:16]
    return f"township-enforcement-{digest}"


def configure_application(app: QApplication) -> None:
    app.setApplicationName("TownshipEnforcement")
    app.setApplicationDisplayName(APP_NAME_ZH)
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
    font_path = resource(*BUNDLED_FONT)
    if font_path.exists():
        QFontDatabase.addApplicationFont(str(font_path))
    available = set(QFontDatabase.families())
    families = [f for f in PREFERRED_FAMILIES if f in available]
    if families:
        font = QFont()
        font.setFamilies(families)
        font.setPointSize(10)
        app.setFont(font)
    icon = resource("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    app.setStyleSheet(STYLE)


def _activate_running_instance(paths: DataPaths) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(server_name(paths))
    if not socket.waitForConnected(500):
        return False
    socket.write(b"activate")
    socket.flush()
    socket.waitForBytesWritten(500)
    socket.disconnectFromServer()
    return True


def _setting_minutes(ctx: ServiceContext) -> int:
    """Minutes without input before the screen locks (setting ``idle_lock_minutes``,
    declared with its default in services/settings.py)."""
    return int(settings_service.get(ctx, "idle_lock_minutes"))


def log_in_at_start(ctx: ServiceContext, ui: QSettings) -> ServiceContext | None:
    """首次使用 → the first administrator; afterwards the log-in (and a forced
    password change after an administrator's reset). None: the user chose 退出."""
    from desktop_app.ui.dialogs.login_dialog import (
        ChangePasswordDialog,
        LoginDialog,
        RecoveryKeyDialog,
        SetupDialog,
    )

    if accounts.needs_setup(ctx):
        dialog: SetupDialog | LoginDialog = SetupDialog(ctx)
    else:
        dialog = LoginDialog(ctx, str(ui.value("login/last") or ""))
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.who is None:
        return None
    who = dialog.who
    ui.setValue("login/last", who.login_name)
    operator = who.context(ctx)
    if who.recovery_key:  # this log-in created the data key: shown once, to be kept
        RecoveryKeyDialog(who.recovery_key).exec()
    elif who.data_key is None and identity.is_encrypted(ctx):
        prompts.warn(
            None,
            "您的账户还不能查看加密保存的投诉举报人信息（账户是在启用加密之前建立的）。"
            "请管理员在“设置 → 登录账户”中为您重置一次密码。",
            "个人信息",
        )
    if who.must_change_password:
        change = ChangePasswordDialog(operator, who.account_id, forced=True)
        if change.exec() != QDialog.DialogCode.Accepted:
            accounts.log_out(operator, "未修改临时密码，退出")
            return None
    return operator


RESTART = 1000  # event-loop exit code: close, (restore,) reopen the database
RECOVER_BUTTON, QUIT_BUTTON = "恢复最近的备份", "退出"


def ask_recovery(problem: str, advice: str) -> bool:
    """恢复最近的备份 or 退出: True to restore. Tests patch ``QMessageBox.exec``."""
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("数据库需要恢复")
    box.setText(problem)
    box.setInformativeText(
        f"{advice}\n\n选择「{RECOVER_BUTTON}」会用这份备份恢复数据库，然后打开程序。"
    )
    recover = box.addButton(RECOVER_BUTTON, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QUIT_BUTTON, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    return box.clickedButton() is recover


def recover_at_start(paths: DataPaths) -> tuple[bool, backup_service.RestoreResult | None]:
    """Before opening: (go on?, what was restored). Shows every message itself."""
    if database_url(paths) != f"sqlite:///{paths.database}":
        return True, None
    problem = diagnose(paths.database, paths.backups)
    if problem is None:
        return True, None
    if problem.kind == "locked":
        prompts.error(None, problem.message, "数据库被占用")
        return False, None
    latest = backup_service.latest_good_backup(paths)
    advice = backup_service.recovery_advice(paths, latest)
    if latest is None:
        if problem.moved_to:
            advice += "\n如果不需要原来的数据，再次启动程序会新建一个空数据库。"
        prompts.error(None, f"{problem.message}\n\n{advice}", "数据库需要恢复")
        return False, None
    if not ask_recovery(problem.message, advice):
        return False, None
    try:
        return True, backup_service.restore(paths, latest.path)
    except ServiceError as exc:
        prompts.error(None, f"恢复没有完成：{exc}", "数据库需要恢复")
        return False, None


def _automatic_backup(ctx: ServiceContext, kind: str) -> None:
    """A failed automatic copy is told, never stops the work."""
    try:
        backup_service.automatic_backup(ctx, kind)
    except ServiceError as exc:
        log.warning("automatic %s backup failed: %s", kind, exc)
        when = "今天的自动备份" if kind == backup_service.START else "退出时的自动备份"
        prompts.warn(None, f"{when}没有完成。\n{exc}", "自动备份")


def _start_of_day_backup(ctx: ServiceContext) -> threading.Event:
    """The first start of the day's copy, taken in a worker thread while the log-in
    waits for the password (on a 100,000-record database it takes 0.25–0.45 s, which
    delayed the log-in dialog). The copy reads the file through its own read-only
    SQLite connection (online backup API, then ``quick_check``), never the
    session's. The event is set when it is over: wait for it before the database
    is closed, replaced or copied again. A failure is told on the GUI thread."""
    finished = threading.Event()

    def copy() -> None:
        try:
            backup_service.automatic_backup(ctx, backup_service.START)
        finally:
            finished.set()

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, ServiceError):
            exc = ServiceError(str(exc))
        log.warning("automatic %s backup failed: %s", backup_service.START, exc)
        prompts.warn(None, f"今天的自动备份没有完成。\n{exc}", "自动备份")

    workers.run(copy, lambda _result: None, failed)
    return finished


BACKUP_WAIT_S = 600  # a copy of a very large database on a slow disk


def settle_after_start() -> None:
    """Once the main window is up: what exists now (modules, classes, SQLAlchemy's
    mappers and compiled queries, the window) lives as long as the program, so it
    is moved out of the garbage collector's sight (``gc.freeze``). Otherwise each
    full collection walks it all again: 100–250 ms pauses on a 2-core PC, landing
    on whatever the clerk did then (opening a page, filtering a list)."""
    gc.freeze()


def run_gui(paths: DataPaths) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    configure_application(app)
    paths.ensure()
    try:
        database_url(paths)
    except ValueError as exc:  # a damaged database.ini: never open an empty file instead
        prompts.error(None, str(exc), "无法打开数据库")
        return 1

    lock = InstanceLock(paths)
    if not lock.acquire():
        if _activate_running_instance(paths):
            return 0
        prompts.error(
            None,
            f"本程序已经在运行（{lock.holder()}），同一个数据文件夹只能由一个程序使用。\n"
            "请切换到已打开的窗口；如果确认没有打开，请重启计算机后再试。",
        )
        return 3

    server = QLocalServer()
    QLocalServer.removeServer(server_name(paths))
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    server.listen(server_name(paths))

    from desktop_app.ui.pages import settings_backup

    try:
        restored: backup_service.RestoreResult | None = None
        while True:
            code = _session(app, paths, server, restored)
            if code != RESTART:
                return code
            restored = None
            source = settings_backup.take_pending_restore()
            if source is not None:
                try:
                    restored = backup_service.restore(paths, source)
                except ServiceError as exc:
                    prompts.error(
                        None, f"恢复没有完成：{exc}\n数据库保持原样，程序将重新打开。", "恢复"
                    )
    finally:
        server.close()
        lock.release()


def _session(
    app: QApplication,
    paths: DataPaths,
    server: QLocalServer,
    restored: backup_service.RestoreResult | None,
) -> int:
    """Open the database, choose the operator, run the window; close the database."""
    go_on, recovered = recover_at_start(paths)
    if not go_on:
        return 1
    restored = restored or recovered
    try:
        # recover_at_start has just checked the file (or restored a verified copy)
        result = open_database(database_url(paths), backup_dir=paths.backups, file_checked=True)
    except StorageError as exc:
        prompts.error(None, str(exc), "无法打开数据库")
        return 1
    ctx = ServiceContext(result.db, paths)
    start_backup: threading.Event | None = None
    try:
        if result.created:
            seed_reference_data(ctx)
        if restored is not None:
            backup_service.record_restore(ctx, restored)
            prompts.info(
                None, f"{restored.message()}\n程序已重新打开，显示的是恢复后的数据。", "恢复完成"
            )
        start_backup = _start_of_day_backup(ctx)
        ui = QSettings(str(paths.root / "ui.ini"), QSettings.Format.IniFormat)
        operator = log_in_at_start(ctx, ui)
        if operator is None:
            return 0
        window = MainWindow(operator, ui)
        idle = IdleLock(app, window, operator, _setting_minutes(ctx))
        wrong_clock = clock_check.clock_problem(operator)
        if wrong_clock:  # a warning: only the user knows whether the date is right
            prompts.warn(None, wrong_clock, "请核对电脑日期")

        def activate() -> None:
            conn = server.nextPendingConnection()
            if conn is not None:
                conn.close()
            window.showNormal()
            window.raise_()
            window.activateWindow()

        server.newConnection.connect(activate)
        window.show()
        settle_after_start()
        try:
            code = int(app.exec())
        finally:
            idle.stop()
            server.newConnection.disconnect(activate)
            window.close()
            window.deleteLater()
        accounts.log_out(operator, "退出登录" if code == LOG_OUT else "关闭程序")
        if code == LOG_OUT:  # back to the log-in
            return RESTART
        if code != RESTART:
            start_backup.wait(BACKUP_WAIT_S)
            _automatic_backup(ctx, backup_service.EXIT)
        return code
    except ServiceError as exc:
        prompts.error(None, str(exc))
        return 1
    finally:
        if start_backup is not None:  # before the file is closed (and maybe restored)
            start_backup.wait(BACKUP_WAIT_S)
        result.db.close()
        gc.unfreeze()  # this session's window is gone: its leftovers may be collected
