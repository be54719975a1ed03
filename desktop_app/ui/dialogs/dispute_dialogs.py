"""管辖争议: the form (with which department, about what) and the dispute's window
(negotiation rounds, agreement, escalation to the county government with the
提请县人民政府决定 letter, and its decision).

Seed 三（六）: a jurisdiction dispute is settled by negotiation between the two
sides; when that fails it is put to the county government for decision.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import RecordType
from desktop_app.services import disputes, letters, records, settings, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import Field
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    date_edit,
    make_form,
    save_cancel_buttons,
    save_form,
)
from desktop_app.ui.widgets.record_link import LinkField
from desktop_app.ui.widgets.record_panels import DeadlineBanner, HistoryTable, LettersPanel

ROUND_COLUMNS = ["协商日期", "参加人员", "各方意见", "协商结果"]
DISPUTE_HINT = "执法管辖争议由双方协商解决；协商不成的，提请县人民政府决定（机制 三（六））。"


class DisputeDialog(QDialog):
    """A new dispute (``dispute_id`` None) or its correction."""

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, dispute_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.dispute_id = ctx, dispute_id
        self.version: int | None = None
        self.setWindowTitle("修改管辖争议" if dispute_id else "登记管辖争议")
        self.resize(680, 460)
        self.department = QComboBox()
        self.department.addItem("（请选择）", None)
        # the departments that can act in their own name (the same list as urgent notices)
        for o in urgent_notices.department_choices(ctx):
            self.department.addItem(o.name, o.id)
        self.matter = QPlainTextEdit()
        self.matter.setPlaceholderText("争议的执法事项，如：滹沱河韩家庄段河道内采砂的查处")
        self.matter.setFixedHeight(80)
        self.opened_on = date_edit(clock.today())
        self.link = LinkField(ctx)
        self.note = QLineEdit()
        form = make_form()
        self.rows = FieldRows(form)
        r = self.rows
        r.add("department_id", "争议部门", self.department, required=True, hint=DISPUTE_HINT)
        r.add("matter", "争议事项", self.matter, required=True)
        r.add("opened_on", "发生日期", self.opened_on, required=True)
        r.add("linked_id", "关联记录", self.link)
        r.add("note", "备注", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(save_cancel_buttons(self, self.save))
        if dispute_id is not None:
            data, self.version = disputes.load_input(ctx, dispute_id)
            self.department.setCurrentIndex(max(self.department.findData(data.department_id), 0))
            self.matter.setPlainText(data.matter or "")
            d = data.opened_on
            self.opened_on.setDate(QDate(d.year, d.month, d.day))
            self.link.set_link(data.linked_type, data.linked_id)
            self.note.setText(data.note or "")

    def collect(self) -> disputes.DisputeInput:
        return disputes.DisputeInput(
            department_id=self.department.currentData(),
            matter=self.matter.toPlainText().strip(),
            opened_on=self.opened_on.date().toPython(),  # type: ignore[arg-type]
            linked_type=self.link.linked_type,
            linked_id=self.link.linked_id,
            note=self.note.text().strip() or None,
        )

    def save(self) -> None:
        def run() -> int:
            data = self.collect()
            if self.dispute_id is None:
                return disputes.open_dispute(self.ctx, data)
            disputes.update(self.ctx, self.dispute_id, data, self.version)
            return self.dispute_id

        self.dispute_id = save_form(self, self.rows, run) or self.dispute_id


DISPUTE_STEPS: tuple[tuple[str, str], ...] = (
    ("edit", "修改…"),
    ("round", "登记协商情况…"),
    ("agree", "登记协商一致…"),
    ("escalate", "提请县人民政府决定…"),
    ("decide", "登记县人民政府决定…"),
)


class DisputeWindow(RecordWindow):
    ledger_key = "disputes"
    name = "管辖争议"
    record_type = RecordType.DISPUTE

    def __init__(self, ctx: ServiceContext, dispute_id: int, parent: QWidget | None = None):
        super().__init__(ctx, dispute_id, DISPUTE_STEPS, parent)
        self.dispute_id = dispute_id
        self.banner = DeadlineBanner()
        self.rounds = QTableWidget(0, len(ROUND_COLUMNS))
        self.rounds.setHorizontalHeaderLabels(ROUND_COLUMNS)
        self.rounds.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rounds.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rounds.verticalHeader().setVisible(False)
        self.rounds.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.rounds, "协商记录")
        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.finish(self.banner)

    def reload(self) -> None:
        self.fill_basics()
        self.banner.show_note(*records.deadline_note(self.ctx, "disputes", self.dispute_id))
        d = disputes.get(self.ctx, self.dispute_id)
        self.rounds.setRowCount(len(d.rounds))
        for r, rnd in enumerate(d.rounds):
            cells = (
                f"{rnd.held_on:%Y-%m-%d}",
                rnd.people or "",
                rnd.positions or "",
                rnd.outcome or "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.rounds.setItem(r, c, item)
        self.rounds.resizeRowsToContents()
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.DISPUTE, self.dispute_id),
            [(t.code, t.name) for t in letters.document_types(RecordType.DISPUTE)],
        )
        self.new_letter_menu = self.letters_panel.menu
        self.history.fill(disputes.history(self.ctx, self.dispute_id))
        self.show_steps(disputes.allowed_actions(self.ctx, self.dispute_id))

    def _handlers(self) -> list[tuple[str, Any]]:
        """The two sides: the township and the department."""
        from desktop_app.services import organisations

        d = disputes.get(self.ctx, self.dispute_id)
        # the township whose dispute it is (on a shared server not always the settings')
        town = d.owner_org_id or settings.get(self.ctx, "township_org_id")
        out: list[tuple[str, Any]] = []
        if town:
            out.append((organisations.get(self.ctx, int(town)).name, int(town)))
        out.append((d.department.name, d.department_id))
        return out

    def step_edit(self) -> bool:
        try:
            dialog = DisputeDialog(self.ctx, self, dispute_id=self.dispute_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def step_round(self) -> bool:
        return self._form(
            "登记协商情况",
            [
                Field("held_on", "协商日期", "date", True, default=clock.today()),
                Field("people", "参加人员", "multiline", True),
                Field("positions", "各方意见", "multiline", True),
                Field("outcome", "协商结果", "multiline"),
            ],
            lambda v: disputes.add_round(
                self.ctx,
                self.dispute_id,
                disputes.RoundInput(
                    held_on=v["held_on"],
                    people=v["people"],
                    positions=v["positions"],
                    outcome=v["outcome"] or None,
                ),
            ),
        )

    def step_agree(self) -> bool:
        return self._form(
            "登记协商一致",
            [
                Field("handler_id", "由谁管辖办理", "choice", True, self._handlers()),
                Field("agreed_on", "协商一致日期", "date", True, default=clock.today()),
            ],
            lambda v: disputes.record_agreement(
                self.ctx, self.dispute_id, v["handler_id"], v["agreed_on"]
            ),
            "关联的案件移送将按协商结果处理。",
        )

    def step_escalate(self) -> bool:
        if not self.issue_first("dispute_request", "关于提请县人民政府决定执法管辖争议的请示"):
            return False
        return self._form(
            "提请县人民政府决定",
            [Field("escalated_on", "提请日期", "date", True, default=clock.today())],
            lambda v: disputes.escalate(self.ctx, self.dispute_id, v["escalated_on"]),
        )

    def step_decide(self) -> bool:
        return self._form(
            "登记县人民政府决定",
            [
                Field("decided_on", "决定日期", "date", True, default=clock.today()),
                Field("handler_id", "决定由谁管辖办理", "choice", True, self._handlers()),
                Field("decision", "决定内容", "multiline", True),
            ],
            lambda v: disputes.record_decision(
                self.ctx, self.dispute_id, v["decided_on"], v["handler_id"], v["decision"]
            ),
            "关联的案件移送将按县人民政府的决定处理。",
        )
