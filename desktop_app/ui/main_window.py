"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME_ZH, __version__
from desktop_app.domain.terms import AccountRole
from desktop_app.services.context import ServiceContext
from desktop_app.ui.pages.base import Page


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    factory: Callable[[ServiceContext], Page]
    ledgers: tuple[str, ...] = ()
    section: str | None = None  # a heading shown above this entry


def _dashboard(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.dashboard_page import DashboardPage

    return DashboardPage(ctx)


def _referrals(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.referrals_page import ReferralsPage

    return ReferralsPage(ctx)


def _complaints(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.complaints_page import ComplaintsPage

    return ComplaintsPage(ctx)


def _assistance(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.assistance_page import AssistancePage

    return AssistancePage(ctx)


def _info_shares(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.info_shares_page import InfoSharesPage

    return InfoSharesPage(ctx)


def _consultation(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.consultation_page import ConsultationPage

    return ConsultationPage(ctx)


def _disputes(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.disputes_page import DisputesPage

    return DisputesPage(ctx)


def _criminal(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.criminal_page import CriminalPage

    return CriminalPage(ctx)


def _catalogue(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.catalogue_page import CataloguePage

    return CataloguePage(ctx)


def _documents(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.documents_page import DocumentsPage

    return DocumentsPage(ctx)


def _statistics(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.statistics_page import StatisticsPage

    return StatisticsPage(ctx)


def _audit(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.audit_page import AuditPage

    return AuditPage(ctx)


def _settings(ctx: ServiceContext) -> Page:
    from desktop_app.ui.pages.settings_page import SettingsPage

    return SettingsPage(ctx)


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("dashboard", "工作台", _dashboard),
    NavEntry("referrals", "案件移送", _referrals, ("referrals",), section="七项工作制度"),
    NavEntry("complaints", "投诉举报", _complaints, ("complaints",)),
    NavEntry("info_shares", "信息共享", _info_shares, ("info_shares",)),
    NavEntry(
        "consultation",
        "联合执法协商",
        _consultation,
        ("meetings", "urgent_notices", "joint_actions"),
    ),
    NavEntry("assistance", "执法协助", _assistance, ("assistance",)),
    NavEntry("disputes", "管辖争议", _disputes, ("disputes",)),
    NavEntry("criminal", "行刑衔接", _criminal, ("criminal_transfers", "cases")),
    NavEntry("catalogue", "职责清单", _catalogue, ("penalty_matters",), section="综合"),
    NavEntry("documents", "文书登记", _documents, ("documents",)),
    NavEntry("statistics", "统计报表", _statistics),
    NavEntry("audit", "操作日志", _audit),
    NavEntry("settings", "设置", _settings),
)


MIN_WIDTH, MIN_HEIGHT = 960, 600


class MainWindow(QMainWindow):
    def __init__(self, ctx: ServiceContext, ui_settings: QSettings) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui_settings = ui_settings
        self.setWindowTitle(f"{APP_NAME_ZH} — {ctx.operator_name or ''}")
        self.pages: dict[str, Page] = {}
        self.entries = {e.key: e for e in NAVIGATION}
        self.ledger_owner = {key: e.key for e in NAVIGATION for key in e.ledgers}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        for entry in NAVIGATION:
            if entry.section:
                head = QListWidgetItem(entry.section)
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                head.setData(Qt.ItemDataRole.UserRole, None)
                self.nav.addItem(head)
            item = QListWidgetItem(entry.label)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.nav.addItem(item)
        self.nav.currentItemChanged.connect(self._on_nav)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("globalSearch")
        self.search_box.setPlaceholderText("搜索全部台账…")
        self.search_box.setToolTip("编号、文号、当事人、事项、地点；回车搜索")
        self.search_box.returnPressed.connect(self.search_all)
        side = QWidget()
        side.setObjectName("sideBar")
        side.setFixedWidth(176)
        column = QVBoxLayout(side)
        column.setContentsMargins(6, 6, 6, 0)
        column.setSpacing(6)
        column.addWidget(self.search_box)
        column.addWidget(self.nav, 1)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        where = ctx.db.path or ctx.db.shown_url
        about_me = [AccountRole.label_of(ctx.role)] if ctx.role else []
        if ctx.org_id is not None:  # a shared database: whose records these are
            from desktop_app.services import organisations

            org = organisations.get(ctx, ctx.org_id)
            about_me.append(org.short_name or org.name)
        role = f"（{'，'.join(about_me)}）" if about_me else ""
        status = QLabel(
            f"操作人员：{ctx.operator_name or '未选择'}{role}    数据：{where}    "
            f"版本 {__version__}"
        )
        status.setObjectName("statusText")
        self.statusBar().addWidget(status, 1)
        actions: list[tuple[str, Callable[[], None]]] = [("帮助", self.help), ("关于", self.about)]
        if ctx.account_id is not None:  # logged in: own password, lock, log out
            actions = [
                ("修改密码", self.change_password),
                ("锁定", self.lock_now),
                ("退出登录", self.log_out),
                *actions,
            ]
        for label, slot in actions:
            button = QPushButton(label)
            button.setObjectName("statusButton")
            button.setFlat(True)
            button.clicked.connect(lambda _=False, f=slot: f())
            self.statusBar().addPermanentWidget(button)

        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self._restore_geometry()
        self.show_page("dashboard")

    def help(self) -> None:
        from desktop_app.ui.dialogs.help_dialog import HelpDialog

        HelpDialog(self).exec()

    def about(self) -> None:
        from desktop_app.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(str(self.ctx.data_dir or ""), self).exec()

    def change_password(self) -> None:
        from desktop_app.ui import prompts
        from desktop_app.ui.dialogs.login_dialog import ChangePasswordDialog

        assert self.ctx.account_id is not None
        if ChangePasswordDialog(self.ctx, self.ctx.account_id, parent=self).exec():
            prompts.info(self, "密码已修改，下次登录请使用新密码。")

    def lock_now(self) -> None:
        from desktop_app.ui.idle_lock import IdleLock

        lock = self.findChild(IdleLock)
        if lock is not None:
            lock.lock()

    def log_out(self) -> None:
        from desktop_app.ui.idle_lock import LOG_OUT

        app = QApplication.instance()
        if app is not None:
            app.exit(LOG_OUT)

    def _restore_geometry(self) -> None:
        """The last size and place, unless it no longer fits a screen (projector, new PC)."""
        geometry = self.ui_settings.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            screen = QGuiApplication.screenAt(self.geometry().center())
            if screen is not None and screen.availableGeometry().intersects(self.geometry()):
                return
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        if area is None or (area.width() >= 1300 and area.height() >= 840):
            self.resize(1280, 800)
        else:  # a small laptop screen: use all of it
            self.setWindowState(Qt.WindowState.WindowMaximized)

    # --- navigation ----------------------------------------------------------------

    def page(self, key: str) -> Page:
        if key not in self.pages:
            page = self.entries[key].factory(self.ctx)
            page.open_record.connect(self.open_record)
            page.open_list.connect(self.open_list)
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        for row in range(self.nav.count()):
            item_key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
            if item_key == key and self.nav.currentRow() != row:
                self.nav.setCurrentRow(row)  # creates, shows and refreshes the page
                return self.pages[key]
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        page.refresh()
        return page

    def _on_nav(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        key = current.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        page.refresh()

    def search_all(self) -> None:
        from desktop_app.ui.dialogs.search_dialog import SearchDialog

        dialog = SearchDialog(self.ctx, self.search_box.text(), self.open_record, self)
        dialog.exec()

    def open_list(self, ledger_key: str, start: object, end: object, overdue: bool) -> None:
        """The records behind a figure: the ledger's page, its list filtered."""
        owner = self.ledger_owner.get(ledger_key)
        if owner is None:
            return
        page = self.show_page(owner)
        found = page.list_for(ledger_key)
        if found is not None:
            found.filter_to(start, end, overdue)  # type: ignore[arg-type]

    def open_record(self, ledger_key: str, record_id: int) -> None:
        owner = self.ledger_owner.get(ledger_key)
        if owner is None:
            return
        page = self.show_page(owner)
        show = getattr(page, "show_record", None)
        if show is not None:
            show(ledger_key, record_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ui_settings.setValue("main/geometry", self.saveGeometry())
        self.ui_settings.sync()
        super().closeEvent(event)
