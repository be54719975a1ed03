"""设置 page: town profile, organisations, staff, working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop_app.domain import clock
from desktop_app.domain.terms import OrgKind, StaffRole
from desktop_app.services import calendar, organisations, settings, staff
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.organisation_dialog import OrganisationDialog
from desktop_app.ui.dialogs.staff_dialog import StaffDialog
from desktop_app.ui.pages.settings_calendar import MAKE_OFF
from desktop_app.ui.pages.settings_lists import ID_ROLE
from desktop_app.ui.pages.settings_page import SettingsPage
from desktop_app.ui.widgets.year_calendar import HOLIDAY, MAKEUP, WORKING

RARE = "𠀀😀"


@dataclass
class Prompts:
    """What the page asked or told the user; answers are scripted."""

    warnings: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    confirm_answer: bool = True
    text_answer: str | None = ""


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Prompts:
    p = Prompts()

    def warn(_parent, text, title="注意"):
        p.warnings.append(text)

    def info(_parent, text, title="提示"):
        p.infos.append(text)

    def confirm(_parent, text, title="请确认"):
        p.questions.append(text)
        return p.confirm_answer

    def ask_text(_parent, title, label, text=""):
        p.questions.append(label)
        return p.text_answer

    monkeypatch.setattr(prompts, "warn", warn)
    monkeypatch.setattr(prompts, "error", warn)
    monkeypatch.setattr(prompts, "info", info)
    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(prompts, "ask_text", ask_text)
    return p


@pytest.fixture
def page(qtbot, ctx, said, monkeypatch: pytest.MonkeyPatch) -> SettingsPage:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 15))
    widget = SettingsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.refresh()
    return widget


def column_texts(tab, column: int) -> list[str]:
    return [tab.model.item(r, column).text() for r in range(tab.model.rowCount())]


def row_for(tab, name: str) -> int:
    rows = [r for r in range(tab.model.rowCount()) if tab.model.item(r, 0).text() == name]
    assert rows, f"{name} not in the table"
    return rows[0]


def click_checkbox(qtbot, box) -> None:
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def org_by_name(ctx, name: str):
    return next((o for o in organisations.list_all(ctx) if o.name == name), None)


# --- 乡镇信息 ------------------------------------------------------------------


def test_profile_tab_is_built_from_the_settings_specs(page):
    assert page.tabs.tabText(0) == "乡镇信息"
    assert set(page.profile.widgets) == {s.key for s in settings.SPECS}
    assert page.profile.widgets["county_name"].text() == "深泽县"
    township = page.profile.widgets["township_org_id"]
    assert township.currentText() == "深泽县赵八镇人民政府"
    assert page.profile.widgets["due_soon_days"].value() == 3


def test_profile_saves_a_changed_value(page, ctx, qtbot, said):
    page.profile.widgets["county_name"].setText("安平县")
    page.profile.widgets["due_soon_days"].setValue(5)
    with qtbot.waitSignal(page.data_changed, timeout=1000):
        qtbot.mouseClick(page.profile.save_button, Qt.MouseButton.LeftButton)
    stored = settings.get_all(ctx)
    assert stored["county_name"] == "安平县"
    assert stored["due_soon_days"] == 5
    assert "已保存" in page.profile.status.text()
    assert not said.warnings


def test_profile_bad_value_shows_the_error_and_stores_nothing(page, ctx, qtbot, said):
    before = settings.get_all(ctx)
    page.profile.widgets["county_name"].setText("安平县")
    page.profile.widgets["township_name"].setText("镇" * 200)
    qtbot.mouseClick(page.profile.save_button, Qt.MouseButton.LeftButton)
    assert "不能超过20个字" in page.profile.error_text("township_name")
    assert page.profile.error_text("county_name") == ""
    assert said.warnings and "乡镇简称" in said.warnings[0]
    assert settings.get_all(ctx) == before
    assert page.profile.status.text() == ""


def test_profile_unsaved_edits_survive_a_refresh_until_reverted(page, qtbot):
    edit = page.profile.widgets["phone"]
    qtbot.keyClicks(edit, "0311-83521000")
    page.refresh()  # e.g. the user looked at another page and came back
    assert edit.text() == "0311-83521000"
    assert page.profile.revert_button.isEnabled()
    qtbot.mouseClick(page.profile.revert_button, Qt.MouseButton.LeftButton)
    assert edit.text() == ""
    assert not page.profile.revert_button.isEnabled()


def test_profile_rare_characters_are_kept(page, ctx, qtbot):
    page.profile.widgets["address"].setText(f"赵八镇{RARE}村")
    qtbot.mouseClick(page.profile.save_button, Qt.MouseButton.LeftButton)
    assert settings.get(ctx, "address") == f"赵八镇{RARE}村"
    page.refresh()
    assert page.profile.widgets["address"].text() == f"赵八镇{RARE}村"


# --- 单位 ----------------------------------------------------------------------


def open_org_dialog(page, qtbot, edit_name: str | None = None) -> OrganisationDialog:
    tab = page.organisations
    if edit_name is None:
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    else:
        tab.select(tab.model.item(row_for(tab, edit_name), 0).data(ID_ROLE))
        qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, OrganisationDialog)
    return dialog


def test_organisations_table_lists_the_seed(page):
    tab = page.organisations
    assert page.tabs.tabText(1) == "单位"
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["名称", "类别", "可否以自己名义", "联络人", "联络电话", "状态"]
    row = row_for(tab, "深泽县公安局赵八派出所")
    assert tab.model.item(row, 1).text() == OrgKind.INTERNAL_UNIT.label
    assert tab.model.item(row, 2).text().startswith("可以")
    row = row_for(tab, "赵八镇综合行政执法队")
    assert tab.model.item(row, 2).text() == "不可以"
    assert tab.model.item(row, 5).text() == "在用"


def test_add_organisation_through_the_dialog(page, ctx, qtbot, said):
    dialog = open_org_dialog(page, qtbot)
    dialog.name.setText(f"深泽县{RARE}测试局")
    dialog.short_name.setText("测试局")
    dialog.kind.setCurrentIndex(dialog.kind.findData(OrgKind.COUNTY_DEPARTMENT.value))
    dialog.liaison_name.setText("李明")
    dialog.liaison_phone.setText("0311-83529999")
    with qtbot.waitSignal(page.data_changed, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not said.warnings
    org = org_by_name(ctx, f"深泽县{RARE}测试局")
    assert org is not None
    assert org.kind == OrgKind.COUNTY_DEPARTMENT
    assert org.liaison_phone == "0311-83529999"
    tab = page.organisations
    row = row_for(tab, f"深泽县{RARE}测试局")
    assert tab.model.item(row, 3).text() == "李明"
    assert tab.selected_id() == org.id


def test_internal_unit_acting_in_own_name_needs_a_legal_basis(page, ctx, qtbot, said):
    count = len(organisations.list_all(ctx))
    dialog = open_org_dialog(page, qtbot)
    dialog.name.setText("赵八镇某某站")
    dialog.kind.setCurrentIndex(dialog.kind.findData(OrgKind.INTERNAL_UNIT.value))
    assert not dialog.acts_in_own_name.isChecked()  # the default for an internal unit
    dialog.acts_in_own_name.setChecked(True)
    assert "*" in dialog.rows.labels["own_name_legal_basis"].text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "请填写依据" in dialog.rows.error_text("acts_in_own_name")
    assert said.warnings
    assert dialog.saved_id is None
    assert dialog.isVisible()
    assert len(organisations.list_all(ctx)) == count

    dialog.legal_basis.setPlainText("《某某条例》第十条")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    org = org_by_name(ctx, "赵八镇某某站")
    assert org is not None and org.acts_in_own_name
    assert organisations.may_act_in_own_name(org)[0]


def test_edit_organisation_keeps_its_values(page, ctx, qtbot):
    dialog = open_org_dialog(page, qtbot, "深泽县公安局赵八派出所")
    assert dialog.kind.currentData() == OrgKind.INTERNAL_UNIT.value
    assert dialog.acts_in_own_name.isChecked()
    assert "治安管理处罚法" in dialog.legal_basis.toPlainText()
    assert dialog.parent_org.currentText() == "深泽县公安局"
    dialog.liaison_phone.setText("13800000000")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    org = org_by_name(ctx, "深泽县公安局赵八派出所")
    assert org.liaison_phone == "13800000000"
    assert "治安管理处罚法" in (org.own_name_legal_basis or "")


def test_delete_of_an_organisation_in_use_is_refused(page, ctx, said):
    judicial = org_by_name(ctx, "深泽县司法局")
    staff.save(ctx, staff.StaffInput(name="周敏", organisation_id=judicial.id))
    tab = page.organisations
    tab.refresh()
    tab.select(judicial.id)
    tab.delete_button.click()
    assert said.questions and "深泽县司法局" in said.questions[0]
    assert said.warnings and "不能删除" in said.warnings[0]
    assert org_by_name(ctx, "深泽县司法局") is not None


def test_delete_of_the_township_team_is_refused(page, ctx, said):
    team_id = settings.get(ctx, "team_org_id")
    page.organisations.select(team_id)
    page.organisations.delete_button.click()
    assert said.warnings and "乡镇信息" in said.warnings[0]
    assert organisations.get(ctx, team_id) is not None


def test_delete_of_an_unused_organisation(page, ctx, qtbot, said):
    new_id = organisations.save(
        ctx, organisations.OrgInput(name="临时单位", kind=OrgKind.COUNTY_DEPARTMENT)
    )
    tab = page.organisations
    tab.refresh()
    said.confirm_answer = False
    tab.select(new_id)
    tab.delete_button.click()
    assert org_by_name(ctx, "临时单位") is not None
    said.confirm_answer = True
    with qtbot.waitSignal(page.data_changed, timeout=1000):
        tab.delete_button.click()
    assert org_by_name(ctx, "临时单位") is None
    assert "临时单位" not in column_texts(tab, 0)


def test_liaison_warning_mark(page, ctx):
    organisations.save(ctx, organisations.OrgInput(name="无联络人局", kind=OrgKind.COURT))
    tab = page.organisations
    tab.refresh()
    row = row_for(tab, "无联络人局")
    liaison = tab.model.item(row, 3)
    assert liaison.text().startswith("⚠")
    assert liaison.toolTip() == "未指定联络人"
    assert tab.model.item(row, 4).text().startswith("⚠")
    seeded = row_for(tab, "深泽县司法局")
    assert not tab.model.item(seeded, 3).text().startswith("⚠")


def test_new_organisation_shows_in_the_profile_choices(page, ctx, qtbot):
    dialog = open_org_dialog(page, qtbot)
    dialog.name.setText("另一个乡镇人民政府")
    dialog.kind.setCurrentIndex(dialog.kind.findData(OrgKind.TOWNSHIP.value))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    combo = page.profile.widgets["township_org_id"]
    assert combo.findText("另一个乡镇人民政府") >= 0
    assert combo.currentText() == "深泽县赵八镇人民政府"


# --- 人员 ----------------------------------------------------------------------


def open_staff_dialog(page, qtbot) -> StaffDialog:
    qtbot.mouseClick(page.staff.add_button, Qt.MouseButton.LeftButton)
    dialog = page.staff.dialog
    assert isinstance(dialog, StaffDialog)
    return dialog


def test_staff_table_columns(page):
    tab = page.staff
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["姓名", "单位", "职务", "角色", "执法证号", "电话", "状态"]
    assert "管理员" in column_texts(tab, 0)


def test_officer_needs_a_certificate_number(page, ctx, qtbot, said):
    dialog = open_staff_dialog(page, qtbot)
    assert dialog.organisation.currentData() == settings.get(ctx, "team_org_id")
    dialog.name.setText(f"王{RARE}")
    dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.OFFICER.value))
    assert "*" in dialog.rows.labels["certificate_number"].text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "执法证号" in dialog.rows.error_text("certificate_number")
    assert said.warnings
    assert [p.name for p in staff.list_all(ctx)] == ["管理员"]

    dialog.certificate_number.setText("13010001234")
    dialog.phone.setText("13800000000")
    with qtbot.waitSignal(page.data_changed, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    person = next(p for p in staff.list_all(ctx) if p.name == f"王{RARE}")
    assert person.role == StaffRole.OFFICER
    assert person.certificate_number == "13010001234"
    row = row_for(page.staff, f"王{RARE}")
    assert page.staff.model.item(row, 1).text() == "执法队"
    assert page.staff.model.item(row, 3).text() == StaffRole.OFFICER.label
    assert page.staff.model.item(row, 4).text() == "13010001234"


# --- 工作日历 ------------------------------------------------------------------


def test_year_view_marks_holidays_and_makeup_days(page):
    cal = page.calendar
    assert page.tabs.tabText(3) == "工作日历"
    cal.year.setValue(2026)
    assert cal.view.kind_of(date(2026, 10, 10)) == MAKEUP
    assert cal.view.kind_of(date(2026, 10, 1)) == HOLIDAY
    assert cal.view.kind_of(date(2026, 10, 9)) == WORKING
    assert cal.confirmed.text() == "2026年节假日安排已核对确认"


def test_click_a_day_and_make_it_a_day_off(page, ctx, qtbot, said):
    cal = page.calendar
    page.tabs.setCurrentWidget(cal)
    cal.year.setValue(2026)
    said.text_answer = "镇政府决定调休"
    grid = cal.view.grid
    centre: QPoint = grid.cell_rect(date(2026, 10, 9)).center()
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=centre)
    menu = cal.day_menu
    assert menu is not None
    actions = {a.data(): a for a in menu.actions() if a.data()}
    assert actions[MAKE_OFF].isEnabled()
    with qtbot.waitSignal(page.data_changed, timeout=1000):
        actions[MAKE_OFF].trigger()
    overrides = calendar.list_overrides(ctx)
    assert [(o.day, o.working, o.note) for o in overrides] == [
        (date(2026, 10, 9), False, "镇政府决定调休")
    ]
    assert "已重新计算 0 项未到期的期限" in cal.result.text()
    assert cal.view.kind_of(date(2026, 10, 9)) == HOLIDAY
    assert cal.view.is_overridden(date(2026, 10, 9))
    assert cal.overrides.rowCount() == 1
    assert cal.overrides.item(0, 1).text() == "休息日"

    cal.apply(date(2026, 10, 9), "clear")
    assert calendar.list_overrides(ctx) == []
    assert cal.overrides.rowCount() == 0


def test_cancelled_note_changes_nothing(page, ctx, said):
    said.text_answer = None
    page.calendar.apply(date(2026, 10, 9), MAKE_OFF)
    assert calendar.list_overrides(ctx) == []


def test_confirmed_checkbox_stores_the_flag(page, ctx, qtbot, said):
    cal = page.calendar
    cal.year.setValue(2027)
    assert not cal.confirmed.isChecked()
    assert "尚未收录2027年" in cal.status.text()
    click_checkbox(qtbot, cal.confirmed)
    assert said.questions  # a year the package does not know asks first
    assert 2027 in calendar.get_calendar(ctx).confirmed_years
    assert cal.confirmed.isChecked()
    assert "本单位已核对确认" in cal.status.text()
    click_checkbox(qtbot, cal.confirmed)
    assert 2027 not in calendar.get_calendar(ctx).confirmed_years


def test_confirm_cancelled_stores_nothing(page, ctx, qtbot, said):
    cal = page.calendar
    cal.year.setValue(2027)
    said.confirm_answer = False
    click_checkbox(qtbot, cal.confirmed)
    assert not cal.confirmed.isChecked()
    assert 2027 not in calendar.get_calendar(ctx).confirmed_years


def test_next_year_warning_banner(page, ctx, monkeypatch: pytest.MonkeyPatch):
    cal = page.calendar
    assert cal.banner.isHidden()  # June
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 2))
    cal.refresh()
    assert not cal.banner.isHidden()
    assert "2027年" in cal.banner.text()
    calendar.set_confirmed(ctx, 2027, True)
    cal.refresh()
    assert cal.banner.isHidden()


def test_edit_over_a_concurrent_change_is_refused_not_overwritten(page, ctx, qtbot, said):
    """Two clerks edit the same organisation: the second save gets a clear message."""
    from desktop_app.services import organisations

    dialog = open_org_dialog(page, qtbot, "深泽县水利局")
    before = org_by_name(ctx, "深泽县水利局")
    organisations.save(  # someone else saves first
        ctx,
        organisations.OrgInput(
            before.name, before.kind, short_name=before.short_name, liaison_name="另一位同事改的"
        ),
        before.id,
        expected_version=before.version,
    )
    dialog.liaison_name.setText("我改的")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert said.warnings and "其他人修改" in said.warnings[-1]
    assert dialog.isVisible()  # the clerk's typing is not lost
    assert org_by_name(ctx, "深泽县水利局").liaison_name == "另一位同事改的"


def test_catalogue_import_from_the_settings_page(page, ctx, qtbot, said, monkeypatch, tmp_path):
    """设置 → 行政处罚事项清单: import a list, then a bad list is refused whole."""
    from openpyxl import Workbook

    from desktop_app.paths import resource
    from desktop_app.services import catalog, ledgers

    page.tabs.setCurrentWidget(page.catalogue)
    monkeypatch.setattr(
        prompts,
        "open_file",
        lambda *a, **k: resource("seed", "penalty_catalogue_sample.xlsx"),
    )
    qtbot.mouseClick(page.catalogue.import_button, Qt.MouseButton.LeftButton)
    assert said.infos and "已导入" in said.infos[-1]
    total = ledgers.count(ctx, "penalty_matters")
    assert total >= 30 and page.catalogue.list.model.total == total

    bad = tmp_path / "bad.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "事项名称", "是否划转", "划转时间"])
    wb.active.append([1, "对某行为的处罚", "待定", "2021-02-30"])
    wb.save(bad)
    monkeypatch.setattr(prompts, "open_file", lambda *a, **k: bad)
    qtbot.mouseClick(page.catalogue.import_button, Qt.MouseButton.LeftButton)
    assert said.warnings and "第2行" in said.warnings[-1]
    assert ledgers.count(ctx, "penalty_matters") == total
    assert catalog.lookup(ctx, "某行为") == []


def test_another_townships_administrator_edits_its_own_profile(ctx, qtbot, said):
    """A shared server (issue 13): the 乡镇信息 of another township's administrator
    are its own — 本乡镇 shows it and is fixed, the abbreviation is its own, and
    what it saves leaves the settings' township as it was."""
    from desktop_app.services import accounts
    from desktop_app.storage.models import Organisation, Staff

    with ctx.uow() as uow:
        town_b = Organisation(name="深泽县铁杆镇人民政府", kind=OrgKind.TOWNSHIP, active=True)
        uow.session.add(town_b)
        uow.flush()
        person = Staff(name="刘管理", organisation_id=town_b.id, role="clerk", active=True)
        uow.session.add(person)
        uow.flush()
        b_id, person_id = town_b.id, person.id
    boss = accounts.set_up_first_admin(ctx, "王管理", "wang", "zhao2026ba", "zhao2026ba")
    accounts.create_account(
        boss.context(ctx), person_id, "liu", "admin", "tie2026gan", "tie2026gan"
    )
    b_admin = accounts.log_in(ctx, "liu", "tie2026gan").context(ctx)
    widget = SettingsPage(b_admin)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    profile = widget.profile
    township = profile.widgets["township_org_id"]
    assert township.currentText() == "深泽县铁杆镇人民政府" and not township.isEnabled()
    assert profile.widgets["township_name"].text() == "铁杆镇"
    assert profile.widgets["number.referral_letter"].text() == "铁杆镇执移〔{年}〕{号}号"
    assert not profile.widgets["due_soon_days"].isEnabled()  # county-wide: the county's
    profile.widgets["head_name"].setText("刘镇长")
    qtbot.mouseClick(profile.save_button, Qt.MouseButton.LeftButton)
    assert not said.warnings
    assert settings.get(b_admin, "head_name") == "刘镇长"
    assert settings.get(ctx, "head_name") == ""  # the settings' township: untouched
    assert int(settings.get(ctx, "township_org_id")) != b_id
