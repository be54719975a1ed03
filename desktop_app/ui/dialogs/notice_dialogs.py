"""紧急情况通知: the form (what was found, whom the township told, when and how) and
the notice's window (the department's response, a refusal, the report to the
county government and its answer).

Seed 三（四）: a serious public-order or safety hazard found during enforcement
that belongs to another department is notified at once; the department sends
officers at once; one that cannot give a reason and still refuses is reported
to the county government (拒不处理情况报告).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import RecordType
from desktop_app.services import letters, records, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import Field
from desktop_app.ui.dialogs.meeting_dialog import datetime_edit
from desktop_app.ui.dialogs.record_window import RecordWindow
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    make_form,
    save_cancel_buttons,
    save_form,
)
from desktop_app.ui.widgets.record_link import LinkField
from desktop_app.ui.widgets.record_panels import DeadlineBanner, HistoryTable, LettersPanel

METHODS = ("电话", "当面告知", "短信/微信", "书面通知")
NOTICE_HINT = (
    "发现重大治安、安全隐患等属其他部门管辖的，应立即通知该部门；部门接到通知后应立即派员处置。"
)


class NoticeDialog(QDialog):
    """A new notice (``notice_id`` None) or its correction."""

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, notice_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.notice_id = ctx, notice_id
        self.version: int | None = None
        self.setWindowTitle("修改紧急情况通知" if notice_id else "登记紧急情况通知")
        self.resize(700, 620)
        now = clock.now().replace(second=0)
        self.department = QComboBox()
        self.department.addItem("（请选择）", None)
        for o in urgent_notices.department_choices(ctx):
            self.department.addItem(o.name, o.id)
        self.hazard = QPlainTextEdit()
        self.hazard.setPlaceholderText("发现的重大治安、安全隐患等情况")
        self.hazard.setFixedHeight(90)
        self.place = QLineEdit()
        self.found_at = datetime_edit(now)
        self.notified_at = datetime_edit(now)
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(METHODS)
        self.person = QLineEdit()
        self.person.setPlaceholderText("接到通知的部门人员，如：值班员张某")
        self.link = LinkField(ctx)
        self.note = QLineEdit()
        form = make_form()
        self.rows = FieldRows(form)
        r = self.rows
        r.add("department_id", "通知部门", self.department, required=True, hint=NOTICE_HINT)
        r.add("hazard", "隐患情况", self.hazard, required=True)
        r.add("place", "地点", self.place, required=True)
        r.add("found_at", "发现时间", self.found_at, required=True)
        r.add("notified_at", "通知时间", self.notified_at, required=True)
        r.add("notice_method", "通知方式", self.method, required=True)
        r.add("notified_person", "接到通知的人员", self.person)
        r.add("linked_id", "关联记录", self.link)
        r.add("note", "备注", self.note)
        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        if notice_id is not None:
            data, self.version = urgent_notices.load_input(ctx, notice_id)
            self._fill(data)

    def _fill(self, data: urgent_notices.NoticeInput) -> None:
        from desktop_app.ui.dialogs.action_form import to_qdatetime

        self.department.setCurrentIndex(max(self.department.findData(data.department_id), 0))
        self.hazard.setPlainText(data.hazard or "")
        self.place.setText(data.place or "")
        self.found_at.setDateTime(to_qdatetime(data.found_at))
        if data.notified_at is not None:
            self.notified_at.setDateTime(to_qdatetime(data.notified_at))
        self.method.setCurrentText(str(data.notice_method or ""))
        self.person.setText(data.notified_person or "")
        self.link.set_link(data.linked_type, data.linked_id)
        self.note.setText(data.note or "")

    def collect(self) -> urgent_notices.NoticeInput:
        def when(edit):  # type: ignore[no-untyped-def]
            return edit.dateTime().toPython().replace(second=0, microsecond=0)

        return urgent_notices.NoticeInput(
            department_id=self.department.currentData(),
            hazard=self.hazard.toPlainText().strip(),
            place=self.place.text().strip() or None,
            found_at=when(self.found_at),
            notified_at=when(self.notified_at),
            notice_method=self.method.currentText().strip(),
            notified_person=self.person.text().strip(),
            linked_type=self.link.linked_type,
            linked_id=self.link.linked_id,
            note=self.note.text().strip() or None,
        )

    def save(self) -> None:
        def run() -> int:
            data = self.collect()
            if self.notice_id is None:
                return urgent_notices.create(self.ctx, data)
            urgent_notices.update(self.ctx, self.notice_id, data, self.version)
            return self.notice_id

        self.notice_id = save_form(self, self.rows, run) or self.notice_id


NOTICE_STEPS: tuple[tuple[str, str], ...] = (
    ("edit", "修改…"),
    ("respond", "登记部门派员处置…"),
    ("refuse", "登记部门未处置…"),
    ("report", "报告县人民政府…"),
    ("report_reply", "登记县人民政府处理情况…"),
)


class NoticeWindow(RecordWindow):
    ledger_key = "urgent_notices"
    name = "紧急情况通知"
    record_type = RecordType.URGENT_NOTICE

    def __init__(self, ctx: ServiceContext, notice_id: int, parent: QWidget | None = None):
        super().__init__(ctx, notice_id, NOTICE_STEPS, parent)
        self.notice_id = notice_id
        self.banner = DeadlineBanner()
        self.letters_panel = LettersPanel(self.open_letter)
        self.tabs.addTab(self.letters_panel, "文书")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "操作记录")
        self.finish(self.banner)

    def reload(self) -> None:
        self.fill_basics()
        self.banner.show_note(*records.deadline_note(self.ctx, "urgent_notices", self.notice_id))
        self.letters_panel.fill(
            letters.for_record(self.ctx, RecordType.URGENT_NOTICE, self.notice_id),
            [(t.code, t.name) for t in letters.document_types(RecordType.URGENT_NOTICE)],
        )
        self.new_letter_menu = self.letters_panel.menu
        self.history.fill(urgent_notices.history(self.ctx, self.notice_id))
        self.show_steps(urgent_notices.allowed_actions(self.ctx, self.notice_id))

    def step_edit(self) -> bool:
        try:
            dialog = NoticeDialog(self.ctx, self, notice_id=self.notice_id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def step_respond(self) -> bool:
        return self._form(
            "登记部门派员处置",
            [
                Field("arrived_at", "部门人员到场时间", "datetime", True),
                Field("note", "处置情况", "multiline"),
            ],
            lambda v: urgent_notices.record_response(
                self.ctx, self.notice_id, v["arrived_at"], v["note"] or None
            ),
        )

    def step_refuse(self) -> bool:
        done = self._form(
            "登记部门未处置",
            [
                Field("on", "时间", "datetime", True),
                Field(
                    "reason",
                    "部门说明的理由",
                    "multiline",
                    hint="部门说明了理由的请填写；不能说明理由又拒不处理的留空，须报告县人民政府。",
                ),
            ],
            lambda v: urgent_notices.record_refusal(
                self.ctx, self.notice_id, v["on"], v["reason"] or None
            ),
        )
        if done and "report" in urgent_notices.allowed_actions(self.ctx, self.notice_id):
            prompts.info(
                self,
                "部门不能说明理由又拒不处理，应当向县人民政府报告。"
                "请出具《拒不处理情况报告》并登记报告。",
            )
        return done

    def step_report(self) -> bool:
        if not self.issue_first("refusal_report", "拒不处理情况报告"):
            return False
        return self._form(
            "登记报告县人民政府",
            [Field("reported_at", "报告时间", "datetime", True)],
            lambda v: urgent_notices.record_report(self.ctx, self.notice_id, v["reported_at"]),
        )

    def step_report_reply(self) -> bool:
        return self._form(
            "登记县人民政府处理情况",
            [
                Field("at", "时间", "datetime", True),
                Field("text", "处理情况", "multiline", True),
            ],
            lambda v: urgent_notices.record_report_reply(
                self.ctx, self.notice_id, v["at"], v["text"]
            ),
        )
