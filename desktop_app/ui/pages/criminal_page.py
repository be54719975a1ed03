"""行刑衔接: suspected crimes transferred to the public security organ, the cases,
and the 以罚代刑 check — every record flagged as a suspected crime and where it
stands, with the recorded exception (override) where a penalty alone is allowed."""

from __future__ import annotations

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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import criminal, staff
from desktop_app.services.context import ServiceContext
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, Field
from desktop_app.ui.pages.ledger_page import LedgerList
from desktop_app.ui.pages.system_page import SystemPage

REPORT_COLUMNS = [
    "台账编号",
    "来源记录",
    "案件名称",
    "进展",
    "期限",
    "可否仅作行政处罚",
    "例外处理理由",
]


class FlaggedView(QWidget):
    """Every record flagged as a suspected crime (以罚代刑 check)."""

    def __init__(self, ctx: ServiceContext, open_transfer, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx, self.open_transfer = ctx, open_transfer
        self.rows: list[criminal.FlaggedRow] = []
        intro = QLabel(
            "涉嫌犯罪的案件不得以行政处罚代替移送。移送未办结、公安机关已立案或复议未决的，"
            "不能仅作行政处罚结案；确需例外处理的，须写明理由并由第二名执法人员确认，记入操作日志。"
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(REPORT_COLUMNS))
        self.table.setHorizontalHeaderLabels(REPORT_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.override_button = QPushButton("登记例外处理…")
        self.override_button.clicked.connect(self.override_selected)
        bar = QHBoxLayout()
        bar.addWidget(intro, 1)
        bar.addWidget(self.override_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.rows = criminal.flagged_report(self.ctx)
        self.table.setRowCount(len(self.rows))
        red = QBrush(QColor("#b42318"))
        for r, row in enumerate(self.rows):
            due = ""
            if row.deadline_what:
                when = f"{row.deadline_at:%Y-%m-%d %H:%M}" if row.deadline_at else ""
                due = f"{row.deadline_what} {when}".strip()
            cells = (
                row.serial,
                row.source_serial,
                row.title,
                row.status_label,
                due,
                "可以" if row.penalty_allowed else "不可以",
                row.override_reason or "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if row.overdue and c == 4:
                    item.setForeground(red)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows) and self.rows[row].transfer_id is not None:
            self.open_transfer(self.rows[row].transfer_id)

    def override_selected(self) -> None:
        picked = self.table.selectionModel().selectedRows()
        if not picked:
            prompts.info(self, "请先在表中选择一条记录。")
            return
        row = self.rows[picked[0].row()]
        if row.source_id is None:
            return
        officers = [(p.name, p.id) for p in staff.list_all(self.ctx, active_only=True)]
        form = ActionForm(
            "登记例外处理（以罚代刑检查）",
            [
                Field("reason", "理由", "multiline", True),
                Field("second_officer_id", "第二名执法人员", "choice", True, officers),
            ],
            lambda v: criminal.override_penalty_guard(
                self.ctx, row.source_type, row.source_id, v["reason"], v["second_officer_id"]
            ),
            self,
            f"{row.source_serial} {row.title}："
            "登记后允许仅作行政处罚结案，理由和确认人记入操作日志。",
        )
        if form.exec() == QDialog.DialogCode.Accepted:
            self.refresh()


class CriminalPage(SystemPage):
    title = "行刑衔接"
    ledger_key = "criminal_transfers"
    intro = (
        "发现违法行为涉嫌犯罪的，组成专案组（2人以上），书面报告负责人，负责人3日内决定；"
        "批准移送的，24小时内移送同级公安机关，抄送人民检察院。不得以行政处罚代替移送。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.flag_button = self.add_button("标记涉嫌犯罪…", self.new_flag)
        self.cases = LedgerList(ctx, "cases", self)
        self.flagged = FlaggedView(ctx, self.open_item)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.list, "涉嫌犯罪案件移送")
        self.tabs.addTab(self.flagged, "以罚代刑检查")
        self.tabs.addTab(self.cases, "立案案件")
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.set_body(self.tabs)

    def refresh(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.flagged:
            self.flagged.refresh()
        elif isinstance(current, LedgerList):
            current.refresh()

    def show_record(self, ledger_key: str, record_id: int) -> None:
        if ledger_key == "cases":
            self.tabs.setCurrentWidget(self.cases)
            self.cases.refresh()
            self.cases.select(record_id)
            self.cases.open(record_id)
            return
        self.tabs.setCurrentWidget(self.list)
        super().show_record(ledger_key, record_id)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.criminal_dialogs import CriminalWindow

        return CriminalWindow(self.ctx, record_id, self)

    def new_flag(self) -> None:
        from desktop_app.ui.dialogs.criminal_dialogs import FlagDialog

        dialog = FlagDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.transfer_id is not None:
            self.tabs.setCurrentWidget(self.list)
            self.written(dialog.transfer_id, open_it=True)
