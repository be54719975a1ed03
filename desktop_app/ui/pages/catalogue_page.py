"""职责清单: the penalty catalogue, the jurisdiction look-up, import and export."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import catalog
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts, workers
from desktop_app.ui.pages.base import Page
from desktop_app.ui.pages.ledger_page import LedgerList

LOOKUP_HEADERS = ("事项名称", "有管辖权的单位", "说明")


class CataloguePage(Page):
    title = "职责清单"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.import_button = QPushButton("从 Excel 导入清单…")
        self.export_button = QPushButton("导出为 Excel…")
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)

        box = QGroupBox("谁有管辖权？")
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("输入违法行为的关键词，例如：焚烧秸秆、占道经营、采砂")
        self.keyword.returnPressed.connect(self.lookup)
        ask = QPushButton("查询")
        ask.clicked.connect(self.lookup)
        row = QHBoxLayout()
        row.addWidget(self.keyword, 1)
        row.addWidget(ask)
        self.answers = QTableWidget(0, len(LOOKUP_HEADERS))
        self.answers.setHorizontalHeaderLabels(LOOKUP_HEADERS)
        self.answers.verticalHeader().setVisible(False)
        self.answers.horizontalHeader().setStretchLastSection(True)
        self.answers.setColumnWidth(0, 380)
        self.answers.setColumnWidth(1, 200)
        self.answers.setMaximumHeight(190)
        self.answers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        inner = QVBoxLayout(box)
        inner.addLayout(row)
        inner.addWidget(self.answers)

        self.list = LedgerList(ctx, "penalty_matters", self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(box)
        layout.addWidget(self.list, 1)

    def refresh(self) -> None:
        self.list.refresh()

    def lookup(self) -> None:
        text = self.keyword.text().strip()
        if not text:
            self.answers.setRowCount(0)
            return
        try:
            hits = catalog.lookup(self.ctx, text)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        self.answers.setRowCount(max(1, len(hits)))
        if not hits:
            self.answers.setItem(0, 0, QTableWidgetItem("没有找到相关事项，请换个关键词。"))
            for c in (1, 2):
                self.answers.setItem(0, c, QTableWidgetItem(""))
            return
        for r, hit in enumerate(hits):
            for c, text in enumerate((hit.name, hit.competent_name, hit.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.answers.setItem(r, c, item)

    def import_file(self) -> None:
        path = prompts.open_file(self, "选择行政处罚事项清单（Excel）")
        if path is None:
            return
        self.import_button.setEnabled(False)

        def done(report: catalog.ImportReport) -> None:
            self.import_button.setEnabled(True)
            text = report.message()
            if report.unmatched_departments:
                text += "\n\n未找到的部门已按原文保存，可在“设置 → 单位”中添加后重新导入。"
            prompts.info(self, text, "导入完成")
            self.refresh()
            self.data_changed.emit()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            prompts.warn(self, str(exc), "导入失败")

        workers.run(lambda: catalog.import_catalogue(self.ctx, path), done, failed)

    def export_file(self) -> None:
        path = prompts.save_file(self, "导出行政处罚事项清单", "行政处罚事项清单.xlsx")
        if path is None:
            return
        try:
            n = catalog.export_catalogue(self.ctx, path, overwrite=True)
        except ServiceError as exc:
            prompts.warn(self, str(exc), "导出失败")
            return
        prompts.info(self, f"已导出 {n} 项到：\n{path}", "导出完成")
