"""新建 / 修改执法协助请求: what the township asks a county department for.

The kind decides the wording of the 执法协助函 and the clock (5 working days for
a written opinion; officers at once for 现场处置 or an urgent request). A request
may point at the transfer, complaint or case it serves; the picker searches
them by number, matter or party.
"""

from __future__ import annotations

__all__ = ["AssistanceRequestDialog", "LinkPicker"]

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.terms import AssistanceKind, OrgKind
from desktop_app.services import assistance, organisations
from desktop_app.services.context import ServiceContext
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    fill_term_combo,
    make_form,
    save_cancel_buttons,
    save_form,
)
from desktop_app.ui.widgets.record_link import LinkField, LinkPicker

KIND_HINTS = {
    AssistanceKind.TECHNICAL.value: "认定违法事项需要部门提供技术支撑：部门一般应在5个工作日内"
    "提出书面意见和相关证据材料，作为实施行政处罚的证据。",
    AssistanceKind.ARCHIVE.value: "因办案需要查阅、复制部门档案等资料："
    "部门应积极支持，不得推诿、刁难。",
    AssistanceKind.ON_SITE.value: "情况紧急或证据可能灭失：部门应当及时派执法人员现场处置。",
}


class AssistanceRequestDialog(QDialog):
    """A new request (``request_id`` None) or the correction of a draft."""

    def __init__(
        self,
        ctx: ServiceContext,
        parent: QWidget | None = None,
        request_id: int | None = None,
        prefill: assistance.AssistanceInput | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.request_id = request_id
        self.version: int | None = None
        self.setWindowTitle("修改执法协助请求" if request_id else "新建执法协助请求")
        self.resize(720, 640)

        self.kind = QComboBox()
        fill_term_combo(self.kind, AssistanceKind)
        self.kind_hint = QLabel()
        self.kind_hint.setObjectName("hint")
        self.kind_hint.setWordWrap(True)
        self.department = QComboBox()
        self.department.addItem("（请选择）", None)
        for o in organisations.list_all(ctx, active_only=True):
            if o.kind == OrgKind.COUNTY_DEPARTMENT:
                self.department.addItem(o.name, o.id)
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("如：对王某某经营场所储存的液化气钢瓶进行安全认定")
        self.questions = QPlainTextEdit()
        self.questions.setPlaceholderText("请部门认定或协助的具体事项，一条一行")
        self.questions.setFixedHeight(90)
        self.materials = QPlainTextEdit()
        self.materials.setPlaceholderText("随函附送的材料，一条一行，如：现场检查笔录复印件1份")
        self.materials.setFixedHeight(70)
        self.urgent = QCheckBox("情况紧急或证据可能灭失，请求立即派员现场处置")
        self.link_field = LinkField(ctx)
        self.link_label = self.link_field.label

        form = make_form()
        self.rows = FieldRows(form)
        r = self.rows
        r.add("kind", "协助类型", self.kind, required=True)
        form.addRow("", self.kind_hint)
        r.add("department_id", "被请求部门", self.department, required=True)
        r.add("subject", "协助事项", self.subject, required=True)
        r.add("questions", "请求认定或协助的内容", self.questions)
        r.add("materials_sent", "随函附送材料", self.materials)
        r.add("urgent", "紧急程度", self.urgent)
        r.add("linked_id", "关联记录", self.link_field)

        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        if request_id is not None:
            data, self.version = assistance.load_input(ctx, request_id)
            self._fill(data)
        elif prefill is not None:
            self._fill(prefill)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.kind_hint.setText(KIND_HINTS.get(kind, ""))
        if kind == AssistanceKind.ON_SITE.value:
            self.urgent.setChecked(True)

    def _fill(self, data: assistance.AssistanceInput) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(str(data.kind)), 0))
        self.department.setCurrentIndex(max(self.department.findData(data.department_id), 0))
        self.subject.setText(data.subject or "")
        self.questions.setPlainText(data.questions or "")
        self.materials.setPlainText(data.materials_sent or "")
        self.urgent.setChecked(bool(data.urgent))
        self.link_field.set_link(data.linked_type, data.linked_id)

    def pick_link(self) -> None:
        self.link_field.pick()

    def collect(self) -> assistance.AssistanceInput:
        return assistance.AssistanceInput(
            kind=self.kind.currentData(),
            department_id=self.department.currentData(),
            subject=self.subject.text().strip(),
            questions=self.questions.toPlainText().strip() or None,
            materials_sent=self.materials.toPlainText().strip() or None,
            urgent=self.urgent.isChecked(),
            linked_type=self.link_field.linked_type,
            linked_id=self.link_field.linked_id,
        )

    def save(self) -> None:
        def run() -> int:
            data = self.collect()
            if self.request_id is None:
                return assistance.create(self.ctx, data)
            assistance.update(self.ctx, self.request_id, data, self.version)
            return self.request_id

        self.request_id = save_form(self, self.rows, run) or self.request_id
