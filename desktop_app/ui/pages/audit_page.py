"""操作日志: the audit trail, read-only, filtered by operator, date, ledger and action."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import audit_viewer
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.pages.base import Page
from desktop_app.ui.widgets.form_helpers import fill_term_combo, open_date_edit, open_date_value

COLUMNS = ["时间", "操作人员", "操作", "台账", "记录", "内容"]
PAGE = 200


class AuditPage(Page):
    title = "操作日志"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        intro = QLabel(
            "每一次登记、修改、查看投诉举报人信息、出具文书都记录在此，只能查看，不能修改或删除。"
        )
        intro.setObjectName("pageIntro")
        self.operator = QComboBox()
        self.operator.addItem("全部人员", None)
        for op_id, name in audit_viewer.audit_operators(ctx):
            self.operator.addItem(name, op_id)
        self.record_type = QComboBox()
        fill_term_combo(self.record_type, RecordType, "全部台账")
        self.action = QComboBox()
        fill_term_combo(self.action, AuditAction, "全部操作")
        self.date_from, self.date_to = open_date_edit(), open_date_edit()
        self.text = QLineEdit()
        self.text.setPlaceholderText("内容包含……")
        self.text.returnPressed.connect(self.refresh)
        go = QPushButton("查询")
        go.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        for w in (self.operator, self.record_type, self.action):
            bar.addWidget(w)
        bar.addWidget(QLabel("日期："))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.text, 1)
        bar.addWidget(go)
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.more = QPushButton("加载更多")
        self.more.clicked.connect(self.load_more)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.more)
        self.rows: list[audit_viewer.AuditRow] = []
        self.total = 0

    def query(self) -> audit_viewer.AuditQuery:
        return audit_viewer.AuditQuery(
            operator_id=self.operator.currentData(),
            date_from=open_date_value(self.date_from),
            date_to=open_date_value(self.date_to),
            record_type=self.record_type.currentData(),
            action=self.action.currentData(),
            text=self.text.text().strip(),
        )

    def refresh(self) -> None:
        try:
            q = self.query()
            self.total = audit_viewer.audit_count(self.ctx, q)
            self.rows = audit_viewer.audit_page(self.ctx, q, 0, PAGE)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._show()

    def load_more(self) -> None:
        try:
            self.rows += audit_viewer.audit_page(self.ctx, self.query(), len(self.rows), PAGE)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self._show()

    def _show(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = (
                f"{row.at:%Y-%m-%d %H:%M:%S}",
                row.operator_name or "",
                row.action_label,
                row.record_type_label or "",
                row.record_serial or "",
                row.summary or "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.count.setText(f"共 {self.total} 条，已显示 {len(self.rows)} 条")
        self.more.setVisible(len(self.rows) < self.total)
