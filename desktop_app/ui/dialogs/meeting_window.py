"""One 协商会议: its fields, the follow-up actions (落实事项) with their owners and
dates, the 会议纪要, the history, and the next steps."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import RecordType
from desktop_app.services import letters, meetings, organisations, records
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import Field
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.record_panels import DeadlineBanner, HistoryTable, LettersPanel

STEP_BUTTONS: tuple[tuple[str, str], ...] = (
    ("edit", "修改…"),
    ("hold", "登记召开情况…"),
    ("cancel", "取消会议…"),
    ("minutes_edit", "修改会议情况和议定事项…"),
    ("add_action", "添加落实事项…"),
)
ACTION_COLUMNS = ["落实事项", "责任单位", "落实期限", "状态", "完成日期", "情况"]


class MeetingWindow(RecordWindow):
    ledger_key = "meetings"
    name = "协商会议"

    def __init__(self, ctx: ServiceContext, meeting_id: int, parent: QWidget | None = None):
        super().__init__(ctx, meeting_id, STEP_BUTTONS, parent)
        self.meeting_id = meeting_id
        self.banner = DeadlineBanner()
        self.actions_table = QTableWidget(0, len(ACTION_COLUMNS))
        self.actions_table.setHorizontalHeaderLabels(ACTION_COLUMNS)
        self.actions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.actions_table.verticalHeader().setVisible(False)
        header = self.actions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.actions_table.itemSelectionChanged.connect(self._selection_changed)
        self.complete_button = QPushButton("登记已完成…")
        self.complete_button.clicked.connect(self.complete_selected)
        self.reopen_button = QPushButton("重新打开…")
        self.reopen_button.clicked.connect(self.reopen_selected)
        tab = QWidget()
        box = QVBoxLayout(tab)
        hint = QLabel("会议议定需要落实的事项，未完成的在工作台显示直至完成。")
        hint.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(self.complete_button)
        row.addWidget(self.reopen_button)
        box.addLayout(row)
        box.addWidget(self.actions_table)
        self.tabs.addTab(tab, "落实事项")
        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.action_rows: list[meetings.ActionRow] = []
        self.finish(self.banner)

    def reload(self) -> None:
        self.fill_basics()
        self.banner.show_note(*records.deadline_note(self.ctx, "meetings", self.meeting_id))
        self.action_rows = meetings.list_actions(self.ctx, self.meeting_id)
        table = self.actions_table
        table.setRowCount(len(self.action_rows))
        for r, a in enumerate(self.action_rows):
            cells = (
                a.description,
                a.owner_name or "",
                f"{a.due_on:%Y-%m-%d}" if a.due_on else "",
                ("已逾期" if a.overdue else a.status_label),
                f"{a.done_on:%Y-%m-%d}" if a.done_on else "",
                a.note or "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if a.overdue:
                    item.setForeground(QBrush(QColor("#b42318")))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.MEETING, self.meeting_id),
            [(t.code, t.name) for t in letters.document_types(RecordType.MEETING)],
        )
        self.new_letter_menu = self.letters_panel.menu
        self.history.fill(meetings.history(self.ctx, self.meeting_id))
        self.show_steps(meetings.allowed_actions(self.ctx, self.meeting_id))
        self._selection_changed()

    # --- follow-up actions ------------------------------------------------------------

    def _selected(self) -> meetings.ActionRow | None:
        rows = self.actions_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.action_rows):
            return None
        return self.action_rows[rows[0].row()]

    def _selection_changed(self) -> None:
        a = self._selected()
        done = a is not None and str(a.status) == "done"
        self.complete_button.setEnabled(a is not None and not done)
        self.reopen_button.setEnabled(done)

    def select_action(self, row: int) -> None:
        self.actions_table.selectRow(row)

    def complete_selected(self) -> None:
        a = self._selected()
        if a is None:
            prompts.info(self, "请先在表中选择一项落实事项。")
            return
        if self._form(
            "登记落实事项已完成",
            [
                Field("done_on", "完成日期", "date", True, default=clock.today()),
                Field("note", "落实情况", "multiline"),
            ],
            lambda v: meetings.complete_action(self.ctx, a.id, v["done_on"], v["note"] or None),
            f"落实事项：{a.description}",
        ):
            self._changed()

    def reopen_selected(self) -> None:
        a = self._selected()
        if a is None:
            return
        if self._form(
            "重新打开落实事项",
            [Field("reason", "原因", "multiline", True)],
            lambda v: meetings.reopen_action(self.ctx, a.id, v["reason"]),
            f"落实事项：{a.description}",
        ):
            self._changed()

    # --- steps ------------------------------------------------------------------------

    def step_edit(self) -> bool:
        from desktop_app.ui.dialogs.meeting_dialog import MeetingDialog

        try:
            dialog = MeetingDialog(self.ctx, self, mode="edit", meeting_id=self.meeting_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def step_hold(self) -> bool:
        m = meetings.get(self.ctx, self.meeting_id)
        org_ids = [o.id for o in m.organisations]
        return self._form(
            "登记会议召开情况",
            [
                Field("held_at", "召开时间", "datetime", True, default=m.held_at),
                Field("participants", "参会人员", "multiline", default=m.participants or ""),
                Field("discussion", "会议情况", "multiline"),
                Field(
                    "decisions", "议定事项", "multiline", hint="需要落实的事项，保存后逐项添加。"
                ),
            ],
            lambda v: meetings.hold(
                self.ctx,
                self.meeting_id,
                v["held_at"],
                v["participants"] or None,
                org_ids,
                v["discussion"] or None,
                v["decisions"] or None,
            ),
            "参会单位和议题沿用计划；如有变化，请先“修改”。",
        )

    def step_cancel(self) -> bool:
        return self._form(
            "取消会议",
            [Field("reason", "取消原因", "multiline", True)],
            lambda v: meetings.cancel(self.ctx, self.meeting_id, v["reason"]),
        )

    def step_minutes_edit(self) -> bool:
        m = meetings.get(self.ctx, self.meeting_id)
        version = m.version
        return self._form(
            "修改会议情况和议定事项",
            [
                Field("discussion", "会议情况", "multiline", default=m.discussion or ""),
                Field("decisions", "议定事项", "multiline", default=m.decisions or ""),
            ],
            lambda v: meetings.update_minutes(
                self.ctx, self.meeting_id, v["discussion"] or None, v["decisions"] or None, version
            ),
        )

    def step_add_action(self) -> bool:
        # the township, its team or a county department may carry a decision out
        owners: list[tuple[str, Any]] = [
            (o.name, o.id) for o in organisations.list_all(self.ctx, active_only=True)
        ]
        return self._form(
            "添加落实事项",
            [
                Field("description", "落实事项", "multiline", True),
                Field("owner_org_id", "责任单位", "choice", True, owners),
                Field("due_on", "落实期限", "date", True, default=clock.today()),
            ],
            lambda v: meetings.add_action(
                self.ctx,
                self.meeting_id,
                meetings.FollowUpInput(
                    description=v["description"],
                    owner_org_id=v["owner_org_id"],
                    due_on=v["due_on"],
                ),
            ),
        )
