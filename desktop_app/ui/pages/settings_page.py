"""设置: town profile, organisations, staff, the penalty catalogue and the working-day calendar."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop_app.services.context import ServiceContext
from desktop_app.ui.pages.base import Page
from desktop_app.ui.pages.catalogue_page import CataloguePage
from desktop_app.ui.pages.settings_accounts import AccountsTab
from desktop_app.ui.pages.settings_backup import BackupTab
from desktop_app.ui.pages.settings_calendar import CalendarTab
from desktop_app.ui.pages.settings_lists import OrganisationsTab, StaffTab
from desktop_app.ui.pages.settings_profile import ProfileTab


class SettingsPage(Page):
    title = "设置"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profile = ProfileTab(ctx)
        self.organisations = OrganisationsTab(ctx)
        self.staff = StaffTab(ctx)
        self.calendar = CalendarTab(ctx)
        self.catalogue = CataloguePage(ctx)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.profile, "乡镇信息")
        self.tabs.addTab(self.organisations, "单位")
        self.tabs.addTab(self.staff, "人员")
        self.tabs.addTab(self.calendar, "工作日历")
        self.tabs.addTab(self.catalogue, "行政处罚事项清单")
        self.tabs.addTab(BackupTab(ctx), "备份与恢复")
        self.accounts: AccountsTab | None = None
        if ctx.is_admin:
            self.accounts = AccountsTab(ctx)
            self.tabs.addTab(self.accounts, "登录账户")

        self.profile.changed.connect(self.data_changed)
        self.organisations.changed.connect(self._organisations_changed)
        self.staff.changed.connect(self.data_changed)
        self.calendar.changed.connect(self.data_changed)
        self.catalogue.data_changed.connect(self.data_changed)

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if not ctx.is_admin:
            banner = QLabel("只有管理员可以修改设置；您可以查看各项设置。")
            banner.setObjectName("overdueBanner")
            layout.addWidget(banner)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.profile.refresh()
        self.organisations.refresh()
        self.staff.refresh()
        self.calendar.refresh()
        self.catalogue.refresh()
        if self.accounts is not None:
            self.accounts.refresh()

    def _organisations_changed(self) -> None:
        self.profile.reload_org_choices()
        self.staff.refresh()
        self.data_changed.emit()
