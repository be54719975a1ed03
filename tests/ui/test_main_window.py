"""The main window: navigation, dashboard, ledger lists, record view, geometry."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from desktop_app.domain.terms import Direction, DueBucket, ReferralStatus, Urgency
from desktop_app.services import settings
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Organisation, Referral
from desktop_app.ui.dialogs.operator_dialog import OperatorDialog
from desktop_app.ui.dialogs.referral_dialog import ReferralDialog
from desktop_app.ui.main_window import NAVIGATION, MainWindow
from desktop_app.ui.pages.dashboard_page import DashboardPage
from desktop_app.ui.pages.referrals_page import ReferralsPage


@pytest.fixture
def window(qtbot, ctx: ServiceContext, tmp_path) -> MainWindow:  # type: ignore[no-untyped-def]
    ui = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ctx.as_operator(1, "管理员"), ui)
    qtbot.addWidget(win)
    win.show()
    return win


def add_referral(ctx: ServiceContext, serial: str, deadline: datetime | None, matter: str) -> int:
    town = settings.get(ctx, "township_org_id")
    with ctx.uow() as uow:
        dept = uow.session.execute(
            select(Organisation).where(Organisation.name == "深泽县水利局")
        ).scalar_one()
        r = Referral(
            serial=serial,
            direction=Direction.OUTGOING,
            status=ReferralStatus.DRAFT,
            sender_id=town,
            receiver_id=dept.id,
            matter=matter,
            party_name="张𠀀华",
            found_at=datetime(2026, 11, 20, 9),
            urgency=Urgency.NORMAL,
            deadline_at=deadline,
            deadline_what="移送期限",
        )
        uow.session.add(r)
        uow.flush()
        return r.id


def test_navigation_has_every_system_and_opens_each_page(window: MainWindow) -> None:
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    for label in (
        "工作台",
        "案件移送",
        "投诉举报",
        "信息共享",
        "联合执法协商",
        "执法协助",
        "管辖争议",
        "行刑衔接",
        "职责清单",
        "文书登记",
        "统计报表",
        "设置",
    ):
        assert label in labels
    for entry in NAVIGATION:
        page = window.show_page(entry.key)
        assert window.stack.currentWidget() is page
    assert isinstance(window.stack.currentWidget(), type(window.pages["settings"]))


def test_dashboard_lists_overdue_items_and_opens_the_record(
    window: MainWindow,
    ctx: ServiceContext,
    qtbot,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    rid = add_referral(ctx, "移2026-0009", datetime(2020, 1, 3, 23, 59, 59), "逾期的采砂案件")
    add_referral(ctx, "移2026-0010", None, "已办结，不应出现")
    page = window.show_page("dashboard")
    assert isinstance(page, DashboardPage)
    titles = [page.model.text(r, 4) for r in range(page.model.rowCount())]
    assert "逾期的采砂案件" in titles and "已办结，不应出现" not in titles
    assert page.cards[DueBucket.OVERDUE].text().endswith("项")
    assert (
        "1 项" in page.cards[DueBucket.OVERDUE].text()
        or "2 项" in page.cards[DueBucket.OVERDUE].text()
    )
    # Filter by a card, then un-filter.
    page.cards[DueBucket.TODAY].click()
    assert all(i.bucket == DueBucket.TODAY for i in page.visible_items())
    page.cards[DueBucket.TODAY].click()
    assert len(page.visible_items()) == len(page.items)

    shown: list[str] = []
    monkeypatch.setattr(ReferralDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0)
    row = titles.index("逾期的采砂案件")
    page._open(row)
    assert shown and shown[0].startswith("案件移送 移2026-0009")
    referrals_page = window.stack.currentWidget()
    assert isinstance(referrals_page, ReferralsPage)
    lst = referrals_page.list
    assert lst.model.record_id(lst.table.currentIndex().row()) == rid


def test_ledger_search_filters_in_sql_and_keeps_rare_characters(
    window: MainWindow,
    ctx: ServiceContext,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    for n in range(1, 251):
        add_referral(ctx, f"移2026-{n:04d}", None, "擅自采砂" if n % 2 else "露天烧烤")
    page = window.show_page("referrals")
    assert isinstance(page, ReferralsPage)
    lst = page.list
    assert lst.model.total == 250
    assert lst.model.rowCount() == 200  # first page only
    assert lst.model.canFetchMore()
    lst.model.fetchMore()
    assert lst.model.rowCount() == 250
    lst.search.setText("烧烤")
    lst.apply_filter()
    assert lst.model.total == 125 and lst.count.text() == "共 125 条"
    lst.search.setText("𠀀华")
    lst.apply_filter()
    assert lst.model.total == 250
    index = lst.model.index(0, [c.key for c in lst.model.columns].index("party_name"))
    assert lst.model.data(index) == "张𠀀华"
    lst.status.setCurrentIndex(lst.status.findData("sent"))
    assert lst.model.total == 0


def test_window_geometry_is_saved_and_restored(
    qtbot, ctx: ServiceContext, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ui = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ctx, ui)
    qtbot.addWidget(win)
    win.show()
    win.close()
    saved = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat).value("main/geometry")
    assert saved == win.saveGeometry()
    restored: list[object] = []
    original = MainWindow.restoreGeometry
    monkeypatch.setattr(
        MainWindow, "restoreGeometry", lambda self, g: restored.append(g) or original(self, g)
    )
    again = MainWindow(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert restored == [saved]
    assert (again.minimumWidth(), again.minimumHeight()) == (960, 600)


def test_a_window_saved_off_screen_comes_back_on_screen(
    qtbot, ctx: ServiceContext, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ui = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ctx, ui)
    qtbot.addWidget(win)
    win.move(30000, 30000)  # e.g. last used on a projector that is gone
    ui.setValue("main/geometry", win.saveGeometry())
    again = MainWindow(ctx, ui)
    qtbot.addWidget(again)
    screen = again.screen().availableGeometry()
    assert (
        screen.intersects(again.geometry())
        or again.isMaximized()
        or (again.windowState() & Qt.WindowState.WindowMaximized)
    )


def test_operator_dialog_preselects_the_last_operator(qtbot, ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.domain.terms import StaffRole
    from desktop_app.services import staff

    sid = staff.save(ctx, staff.StaffInput(name="王芳", role=StaffRole.CLERK, position="内勤"))
    people = staff.list_all(ctx, active_only=True)
    dialog = OperatorDialog(people, sid)
    qtbot.addWidget(dialog)
    assert dialog.selected() == (sid, "王芳")
    dialog.combo.setCurrentIndex(dialog.combo.findText("管理员（系统管理员）"))
    assert dialog.selected()[1] == "管理员"
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert Qt.ItemDataRole.UserRole  # the dialog is data-driven, no hidden state


def test_about_shows_the_version_and_the_licences(qtbot, ctx: ServiceContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QPushButton

    from desktop_app import __version__
    from desktop_app.ui.dialogs.about_dialog import AboutDialog, components
    from desktop_app.ui.main_window import MainWindow

    rows = {name: (version, licence) for name, version, licence in components()}
    assert rows["SQLAlchemy"][0] and rows["SQLAlchemy"][1] == "MIT"
    assert rows["Qt / PySide6"][1] == "LGPL-3.0" and "Qt 6." in rows["Qt / PySide6"][0]
    assert any("OFL" in licence for _v, licence in rows.values())  # the bundled serif
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window = MainWindow(ctx, QSettings(str(ctx.data_dir / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    about = next(b for b in window.statusBar().findChildren(QPushButton) if b.text() == "关于")
    about.click()
    assert shown and shown[0].version.text() == f"版本 {__version__}"
    assert shown[0].table.rowCount() == len(rows)


def test_help_opens_the_user_guide_with_its_pictures(qtbot) -> None:  # type: ignore[no-untyped-def]
    import re

    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from desktop_app.paths import resource
    from desktop_app.ui.dialogs.help_dialog import MANUAL, HelpDialog

    d = HelpDialog()
    qtbot.addWidget(d)
    text = d.browser.toPlainText()
    assert "用户手册" in text and "备份与恢复" in text and "恢复密钥" in text
    source = resource(*MANUAL).read_text(encoding="utf-8")
    images = re.findall(r"\]\((images/[^)]+)\)", source)
    assert images
    for image in images:  # every picture the guide shows ships with it
        assert resource("help", image).is_file(), image
        loaded = d.browser.document().resource(
            QTextDocument.ResourceType.ImageResource, QUrl(image)
        )
        assert loaded is not None and not loaded.isNull(), image
