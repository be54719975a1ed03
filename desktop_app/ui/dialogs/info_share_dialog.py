"""登记 / 修改共享信息: one short form, most items typed in seconds.

Shared on the day it was formed is the rule (机制 三（三）); a later share asks
for the reason. "保存并继续登记" keeps the direction, category and counterparts
for the next item.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import InfoCategory, ShareDirection, ShareMethod
from desktop_app.services import info_shares
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    date_edit,
    fill_term_combo,
    make_form,
    problems_summary,
)
from desktop_app.ui.widgets.org_checklist import OrganisationChecklist

LATE_HINT = "原则上自形成当日共享；因收集、整理等原因不能当日共享的，须说明原因（机制 三（三））。"


class InfoShareDialog(QDialog):
    """A new item (``share_id`` None) or the correction of one."""

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, share_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.share_id = share_id
        self.saved: list[int] = []
        self.version: int | None = None
        self.files: list[Path] = []
        self.setWindowTitle("修改共享信息" if share_id else "登记共享信息")
        self.resize(720, 760)
        today = clock.today()

        self.direction = QComboBox()
        fill_term_combo(self.direction, ShareDirection)
        self.category = QComboBox()
        fill_term_combo(self.category, InfoCategory)
        self.title = QLineEdit()
        self.title.setPlaceholderText("如：赵八镇2026年11月行政处罚决定及执行情况")
        self.counterparts = OrganisationChecklist(
            [(o.id, o.name) for o in info_shares.counterpart_choices(ctx)]
        )
        self.summary = QPlainTextEdit()
        self.summary.setFixedHeight(80)
        self.formed_on = date_edit(today)
        self.is_shared = QCheckBox("已共享")
        self.is_shared.setChecked(True)
        self.shared_on = date_edit(today)
        self.method = QComboBox()
        fill_term_combo(self.method, ShareMethod)
        shared_row = QWidget()
        row = QHBoxLayout(shared_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.is_shared)
        row.addWidget(self.shared_on)
        row.addWidget(QLabel("方式："))
        row.addWidget(self.method, 1)
        self.late_reason = QLineEdit()
        self.late_reason.setPlaceholderText("如：需汇总各村上报数据后整理")
        self.files_label = QLabel("（未添加）")
        add = QPushButton("添加文件…")
        add.clicked.connect(self.add_file)
        files_row = QWidget()
        row = QHBoxLayout(files_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.files_label, 1)
        row.addWidget(add)

        body = QWidget()
        outer = QVBoxLayout(body)
        holder = QWidget()
        form = make_form(holder)
        outer.addWidget(holder)
        outer.addStretch(1)
        self.rows = FieldRows(form)
        r = self.rows
        r.add("direction", "方向", self.direction, required=True)
        r.add("category", "信息类别", self.category, required=True)
        r.add("title", "信息名称", self.title, required=True)
        r.add("counterpart_ids", "共享对象", self.counterparts, required=True)
        r.add("summary", "内容摘要", self.summary)
        r.add("formed_on", "形成日期", self.formed_on, required=True)
        r.add("shared_on", "共享情况", shared_row)
        r.add("late_reason", "延期共享原因", self.late_reason, hint=LATE_HINT)
        r.add("files", "附件", files_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.addButton(
            "保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.clicked.connect(lambda: self.save(again=False))
        self.again_button = buttons.addButton(
            "保存并继续登记", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.again_button.clicked.connect(lambda: self.save(again=True))
        self.again_button.setVisible(share_id is None)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, lambda: self.save(False))
        self.status = QLabel()
        self.status.setObjectName("hint")

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.direction.currentIndexChanged.connect(lambda _i: self._update())
        self.is_shared.toggled.connect(lambda _b: self._update())
        self.formed_on.dateChanged.connect(lambda _d: self._update())
        self.shared_on.dateChanged.connect(lambda _d: self._update())
        if share_id is not None:
            data, self.version = info_shares.load_input(ctx, share_id)
            self._fill(data)
            # files of an existing item are added from its view (one write each)
            self.rows.labels["files"].setVisible(False)
            files_row.setVisible(False)
        self._update()
        self.title.setFocus()

    def _update(self) -> None:
        shared = self.is_shared.isChecked()
        self.shared_on.setEnabled(shared)
        self.method.setEnabled(shared)
        late = shared and self.shared_on.date() > self.formed_on.date()
        self.rows.labels["late_reason"].setVisible(late)
        self.late_reason.setVisible(late)
        self.rows.set_required("late_reason", late)
        received = self.direction.currentData() == ShareDirection.RECEIVED.value
        self.rows.labels["counterpart_ids"].setText("来源部门：" if received else "共享对象：")

    def _fill(self, data: info_shares.ShareInput) -> None:
        self.direction.setCurrentIndex(max(self.direction.findData(str(data.direction)), 0))
        self.category.setCurrentIndex(max(self.category.findData(str(data.category)), 0))
        self.title.setText(data.title)
        self.summary.setPlainText(data.summary or "")
        assert self.share_id is not None
        kept = {o.id: o.name for o in info_shares.get(self.ctx, self.share_id).counterparts}
        self.counterparts.set_ids(list(data.counterpart_ids), kept)
        self.formed_on.setDate(data.formed_on)
        self.is_shared.setChecked(data.shared_on is not None)
        if data.shared_on is not None:
            self.shared_on.setDate(data.shared_on)
        if data.method:
            self.method.setCurrentIndex(max(self.method.findData(str(data.method)), 0))
        self.late_reason.setText(data.late_reason or "")
        self.note = data.note

    def add_file(self) -> None:
        path = prompts.open_file(self, "选择要附上的文件", "所有文件 (*)")
        if path is not None:
            self.files.append(path)
            self.files_label.setText("；".join(p.name for p in self.files))

    def collect(self) -> info_shares.ShareInput:
        shared = self.is_shared.isChecked()
        late = shared and self.shared_on.date() > self.formed_on.date()
        return info_shares.ShareInput(
            direction=self.direction.currentData(),
            category=self.category.currentData(),
            title=self.title.text().strip(),
            summary=self.summary.toPlainText().strip() or None,
            counterpart_ids=self.counterparts.ids(),
            formed_on=self.formed_on.date().toPython(),  # type: ignore[arg-type]
            shared_on=self.shared_on.date().toPython() if shared else None,  # type: ignore[arg-type]
            method=self.method.currentData() if shared else None,
            late_reason=(self.late_reason.text().strip() or None) if late else None,
            note=getattr(self, "note", None),
        )

    def save(self, again: bool) -> None:
        self.rows.clear()
        data = self.collect()
        try:
            if self.share_id is None:
                new_id = info_shares.create(self.ctx, data, self.files)
                self.saved.append(new_id)
            else:
                info_shares.update(self.ctx, self.share_id, data, self.version)
        except InvalidInput as exc:
            self.rows.show(exc.problems)
            prompts.warn(self, problems_summary(exc.problems))
            return
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        if not again:
            self.accept()
            return
        # the next item: same direction, category and counterparts
        self.status.setText(f"已保存第 {len(self.saved)} 条：{data.title}")
        self.title.clear()
        self.summary.clear()
        self.late_reason.clear()
        self.files = []
        self.files_label.setText("（未添加）")
        self.title.setFocus()
