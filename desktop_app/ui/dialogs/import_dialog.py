"""从 Excel 导入已有台账: choose the file and sheet, confirm which column is which
(guessed from the headers, or as confirmed last time), preview the problems by
Excel row number and the duplicates, then import all rows or none."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.ui import prompts, workers

SKIP = "（不导入）"


class ImportDialog(QDialog):
    def __init__(self, ctx: ServiceContext, target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.target = ctx, target
        self.spec = ledger_import.TARGETS[target]
        self.path: Path | None = None
        self.preview_data: ledger_import.SheetPreview | None = None
        self.imported: ledger_import.ImportResult | None = None
        self.setWindowTitle(f"从 Excel 导入已有台账：{self.spec.label}")
        self.resize(900, 680)
        self.file_label = QLabel("（未选择文件）")
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self.choose_file)
        self.sheet = QComboBox()
        self.sheet.currentTextChanged.connect(lambda name: self.load(name) if name else None)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel("工作表："))
        top.addWidget(self.sheet)
        top.addWidget(choose)
        hint = QLabel(
            "请核对每一列对应的台账项目（已按表头猜测，上次确认过的会自动沿用）。"
            "导入前先预览：有任何问题都不会导入；重复的记录跳过。"
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.columns = QTableWidget(0, 3)
        self.columns.setHorizontalHeaderLabels(["表格中的列", "第一行数据", "对应台账项目"])
        self.columns.verticalHeader().setVisible(False)
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(180)
        self.preview_button = QPushButton("预览")
        self.preview_button.clicked.connect(self.run_preview)
        self.import_button = QPushButton("导入")
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.preview_button, self.import_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.columns, 1)
        layout.addWidget(self.report)
        layout.addLayout(buttons)
        self._enable()

    def _enable(self) -> None:
        ready = self.preview_data is not None
        self.preview_button.setEnabled(ready)
        self.import_button.setEnabled(ready)

    def choose_file(self) -> None:
        path = prompts.open_file(self, "选择已有台账（.xlsx）")
        if path is not None:
            self.open(path)

    def open(self, path: Path, sheet: str | None = None) -> None:
        try:
            found = ledger_import.read_sheet(path, sheet)
        except ServiceError as exc:
            prompts.warn(self, _text(exc))
            return
        self.path = path
        self.file_label.setText(str(path))
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(found.sheets)
        self.sheet.setCurrentText(found.sheet)
        self.sheet.blockSignals(False)
        self._show(found)

    def load(self, sheet: str) -> None:
        if self.path is not None:
            self.open(self.path, sheet)

    def _show(self, found: ledger_import.SheetPreview) -> None:
        self.preview_data = found
        mapping = ledger_import.recall_mapping(self.ctx, self.target, found.headers)
        if mapping is None:
            mapping = ledger_import.guess_mapping(self.target, found.headers)
        self.columns.setRowCount(len(found.headers))
        first = found.rows[0] if found.rows else []
        for i, header in enumerate(found.headers):
            self.columns.setItem(i, 0, QTableWidgetItem(header))
            sample = first[i] if i < len(first) and first[i] is not None else ""
            self.columns.setItem(i, 1, QTableWidgetItem(_cell(sample)))
            combo = QComboBox()
            combo.addItem(SKIP, None)
            for f in self.spec.fields:
                combo.addItem(f.label + ("（必填）" if f.required else ""), f.name)
            combo.setCurrentIndex(max(combo.findData(mapping.get(i)), 0))
            self.columns.setCellWidget(i, 2, combo)
        self.columns.resizeColumnToContents(0)
        self.columns.setColumnWidth(2, 220)
        self.report.setPlainText(
            f"表头在第{found.header_row}行，共{found.total_rows}行数据。核对各列后请点“预览”。"
        )
        self._enable()

    def mapping(self) -> dict[int, str | None]:
        out: dict[int, str | None] = {}
        for i in range(self.columns.rowCount()):
            combo = self.columns.cellWidget(i, 2)
            assert isinstance(combo, QComboBox)
            out[i] = combo.currentData()
        return out

    def run_preview(self) -> None:
        """Check every row off the GUI thread (a ledger of years takes a while)."""
        if self.path is None:
            return
        path, sheet, mapping = self.path, self.sheet.currentText(), self.mapping()
        self._busy(True)

        def work(progress: workers.Progress) -> ledger_import.ImportPreview:
            return ledger_import.preview_import(
                self.ctx,
                self.target,
                path,
                sheet,
                mapping,
                progress=progress.report,
                cancelled=progress.cancelled,
            )

        self.task = workers.run_with_progress(
            self, "预览导入", "正在检查各行数据……", work, self._previewed, self._failed
        )

    def _previewed(self, found: ledger_import.ImportPreview) -> None:
        self._busy(False)
        lines = [f"可以导入 {found.ok_rows} 行。"]
        if found.problems:
            lines.append(f"有 {len(found.problems)} 处问题，修改表格后再导入：")
            lines += [f"  {p}" for p in found.problems[:200]]
        if found.duplicates:
            lines.append(
                f"有 {len(found.duplicates)} 行重复（与已有记录或本文件前面的行），导入时跳过："
            )
            lines += [f"  第{d.row_number}行 与 {d.existing} 重复" for d in found.duplicates[:200]]
        self.report.setPlainText("\n".join(lines))

    def run_import(self) -> None:
        if self.path is None or self.preview_data is None:
            return
        path, sheet, mapping = self.path, self.sheet.currentText(), self.mapping()
        headers = self.preview_data.headers
        self._busy(True)

        def work(progress: workers.Progress) -> ledger_import.ImportResult:
            # the confirmed mapping is kept for the next file with these headers
            ledger_import.remember_mapping(self.ctx, self.target, headers, mapping)
            return ledger_import.run_import(
                self.ctx,
                self.target,
                path,
                sheet,
                mapping,
                progress=progress.report,
                cancelled=progress.cancelled,
            )

        self.task = workers.run_with_progress(
            self, "导入台账", "正在导入……", work, self._imported, self._import_failed
        )

    def _imported(self, result: ledger_import.ImportResult) -> None:
        self._busy(False)
        self.imported = result
        skipped = f"，跳过重复 {result.skipped_duplicates} 行" if result.skipped_duplicates else ""
        prompts.info(self, f"已导入 {result.created} 条{skipped}。")
        self.accept()

    def _import_failed(self, exc: BaseException) -> None:
        self._failed(exc)
        if not isinstance(exc, ledger_import.ImportCancelled):
            prompts.warn(self, "未导入任何数据，请查看下方的问题列表。")

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, ServiceError):
            self.report.setPlainText(_text(exc))
        else:  # logged by workers; the clerk gets a sentence, not a traceback
            self.report.setPlainText(f"处理时出错，未写入任何数据：{exc}")

    def _busy(self, busy: bool) -> None:
        for b in (self.preview_button, self.import_button):
            b.setEnabled(not busy and self.preview_data is not None)


def _cell(value: object) -> str:
    """A sample cell as the clerk typed it: a date without 00:00:00."""
    if isinstance(value, datetime) and value.time() == time.min:
        return f"{value:%Y-%m-%d}"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _text(exc: ServiceError) -> str:
    if isinstance(exc, InvalidInput):
        return "\n".join(exc.problems.values())
    return str(exc)
