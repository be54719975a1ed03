"""设置 → 乡镇信息: the town profile and other settings, built from ``settings.SPECS``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import OrgKind
from desktop_app.services import organisations, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.widgets.form_helpers import (
    OK_STYLE,
    FieldRows,
    fill_combo,
    make_form,
    problems_summary,
    select_data,
)

ORG_CHOICES: dict[str, tuple[OrgKind, ...]] = {
    "township_org_id": (OrgKind.TOWNSHIP,),
    "team_org_id": (OrgKind.INTERNAL_UNIT,),
}
HINTS = {
    "township_name": "用于文书和报表，如“赵八镇”。",
    "township_org_id": "以本乡镇名义移送、发文时使用的单位（类别为“乡镇人民政府”）。",
    "team_org_id": "本乡镇的综合行政执法队（类别为“内设机构/直属机构/派出机构”）。",
    "head_name": "上报县人民政府的文书（上行文）在文号右侧标注“签发人”。不填则不标注。",
    "number.referral_letter": "发文字号格式：{年}处填年份，{号}处填序号；序号不加“第”、不编虚位，"
    "每年从1号起。下列各类文书同理。",
    "due_soon_days": "期限在这么多天之内到期的事项，在工作台显示为“即将到期”。",
    "meeting_cadence_months": "定期协商会议每隔几个月召开一次，用于提醒。",
}


OTHER_PROFILE_TIP = (
    "共用服务器上，本单位就是登录账户所在的单位；乡镇信息和发文字号是本单位自己的，"
    "其他设置全县共用，由县级管理员修改。"
)


class ProfileTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widgets: dict[str, QWidget] = {}
        self.dirty = False
        self._loading = False
        self.field_rows: list[FieldRows] = []
        self.fixed: set[str] = set()  # keys shown but not saved by this account

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 16, 16, 16)
        column.setSpacing(14)
        groups: dict[str, list[settings.SettingSpec]] = {}
        for spec in settings.SPECS:
            groups.setdefault(spec.group, []).append(spec)
        for group, specs in groups.items():
            box = QGroupBox(group)
            form = make_form(box)
            form.setContentsMargins(14, 12, 14, 12)
            rows = FieldRows(form)
            for spec in specs:
                widget = self._make_widget(spec)
                self.widgets[spec.key] = widget
                rows.add(spec.key, spec.label, widget, hint=HINTS.get(spec.key))
            self.field_rows.append(rows)
            column.addWidget(box)
        captions = [c for rows in self.field_rows for c in rows.labels.values()]
        width = max(c.sizeHint().width() for c in captions)
        for caption in captions:  # one label column across the groups
            caption.setMinimumWidth(width)

        self.save_button = QPushButton("保存")
        self.save_button.setMinimumWidth(100)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("放弃修改")
        self.revert_button.setToolTip("重新读取已保存的设置")
        self.revert_button.clicked.connect(self.load)
        self.status = QLabel()
        self.status.setStyleSheet(OK_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.status, 1)
        column.addLayout(buttons)
        column.addStretch(1)

        content.setMaximumWidth(860)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _make_widget(self, spec: settings.SettingSpec) -> QWidget:
        if spec.key in ORG_CHOICES:
            combo = QComboBox()
            combo.setMinimumContentsLength(20)
            combo.activated.connect(self._edited)
            return combo
        if spec.kind is int:
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setMaximumWidth(120)
            spin.valueChanged.connect(self._edited)
            return spin
        edit = QLineEdit()
        edit.setPlaceholderText(f"默认：{spec.default}" if spec.default else "")
        edit.textEdited.connect(self._edited)
        return edit

    # --- loading ---------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the saved values, unless the user is in the middle of editing."""
        if self.dirty:
            self.reload_org_choices()
        else:
            self.load()

    def load(self) -> None:
        """Reload every saved value; unsaved edits are discarded."""
        self._loading = True
        try:
            values = settings.get_all(self.ctx)
            other = settings.other_profile(self.ctx)
            if other is not None:  # a shared server: "本单位" is the account's own
                values["township_org_id"] = other
            self.reload_org_choices(values)
            self.fixed = set() if other is None else {"township_org_id"}
            if other is not None and self.ctx.org_kind != OrgKind.COUNTY_GOVERNMENT.value:
                # the county-wide ones (deadlines, limits) are the county's to change
                self.fixed |= {s.key for s in settings.SPECS} - settings.PER_ORGANISATION
            for key, widget in self.widgets.items():
                widget.setEnabled(key not in self.fixed)
                widget.setToolTip(OTHER_PROFILE_TIP if key in self.fixed else "")
            for spec in settings.SPECS:  # the seed township's defaults are not its own
                widget = self.widgets[spec.key]
                if isinstance(widget, QLineEdit) and spec.key in settings.PER_ORGANISATION:
                    shown = spec.default if other is None and spec.default else ""
                    widget.setPlaceholderText(f"默认：{shown}" if shown else "")
            for spec in settings.SPECS:
                widget = self.widgets[spec.key]
                value = values.get(spec.key)
                if isinstance(widget, QLineEdit):
                    widget.setText("" if value is None else str(value))
                elif isinstance(widget, QSpinBox):
                    widget.setValue(int(value or 0))
        finally:
            self._loading = False
        for rows in self.field_rows:
            rows.clear()
        self.status.clear()
        self._set_dirty(False)

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.status.clear()

    def reload_org_choices(self, values: dict[str, Any] | None = None) -> None:
        """Refill the organisation combos, keeping the stored (or current) choice."""
        orgs = organisations.list_all(self.ctx)
        names = {o.id: o.name for o in orgs}
        for key, kinds in ORG_CHOICES.items():
            combo = self.widgets[key]
            assert isinstance(combo, QComboBox)
            current = values[key] if values is not None else combo.currentData()
            items = [(o.name, o.id) for o in orgs if o.kind in kinds and o.active]
            fill_combo(combo, items, empty="（未设定）")
            missing = names.get(current, f"（编号{current}的单位已不存在）")
            select_data(combo, current, missing_label=missing)

    # --- saving ----------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in settings.SPECS:
            widget = self.widgets[spec.key]
            if spec.key in self.fixed:  # shown, not this account's to change
                continue
            if isinstance(widget, QComboBox):
                out[spec.key] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                out[spec.key] = widget.value()
            elif isinstance(widget, QLineEdit):
                out[spec.key] = widget.text()
        return out

    def error_text(self, key: str) -> str:
        for rows in self.field_rows:
            if key in rows.errors:
                return rows.error_text(key)
        return ""

    def save(self) -> None:
        self.status.clear()
        for rows in self.field_rows:
            rows.clear()
        try:
            settings.save(self.ctx, self.values())
        except InvalidInput as exc:
            for rows in self.field_rows:
                rows.show({k: v for k, v in exc.problems.items() if k in rows.errors})
            prompts.warn(self, problems_summary(exc.problems))
            return
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._set_dirty(False)
        self.status.setText(f"已保存（{clock.now():%H:%M}）")
        self.changed.emit()
