"""计划 / 登记 / 修改协商会议: when, where, who, on what, and (once held) the minutes.

Regular meetings (定期) follow the cadence in 设置; ad-hoc ones (即时) are called
when needed; a special meeting (专题) on a major case clue is linked to the
case, transfer or complaint (机制 三（四）).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import MeetingKind, MeetingTopic
from desktop_app.services import info_shares, meetings
from desktop_app.services.context import ServiceContext
from desktop_app.ui.dialogs.action_form import to_qdatetime
from desktop_app.ui.widgets.form_helpers import (
    FieldRows,
    fill_term_combo,
    make_form,
    save_cancel_buttons,
    save_form,
    scrolling,
)
from desktop_app.ui.widgets.org_checklist import OrganisationChecklist
from desktop_app.ui.widgets.record_link import LinkField

KIND_HINTS = {
    MeetingKind.REGULAR.value: "定期召开，通报情况、研究普遍性问题；"
    "周期在“设置 → 乡镇信息”中设定。",
    MeetingKind.AD_HOC.value: "工作需要时即时召开。",
    MeetingKind.SPECIAL.value: "发现重大案件线索时召开专题会议，须关联相应的案件、移送或投诉举报。",
}
TITLES = {"plan": "计划召开协商会议", "record": "登记已召开的协商会议", "edit": "修改协商会议"}


def datetime_edit(value: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setDateTime(to_qdatetime(value))
    return edit


class MeetingDialog(QDialog):
    """``mode``: "plan" (a future meeting), "record" (held, with its minutes) or
    "edit" (``meeting_id`` given; the minutes are edited from the meeting's window)."""

    def __init__(
        self,
        ctx: ServiceContext,
        parent: QWidget | None = None,
        mode: str = "plan",
        meeting_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.mode, self.meeting_id = ctx, mode, meeting_id
        self.version: int | None = None
        self.setWindowTitle(TITLES[mode])
        self.resize(760, 760)
        now = clock.now().replace(second=0)

        self.kind = QComboBox()
        fill_term_combo(self.kind, MeetingKind)
        self.kind_hint = QLabel()
        self.kind_hint.setObjectName("hint")
        self.kind_hint.setWordWrap(True)
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("如：2026年第四季度联合执法协商会议")
        self.held_at = datetime_edit(now)
        self.place = QLineEdit()
        self.place.setPlaceholderText("如：镇政府三楼会议室")
        self.host = QLineEdit()
        self.host.setPlaceholderText("如：刘福贵（分管副镇长）")
        self.organisations = OrganisationChecklist(
            [(o.id, o.name) for o in info_shares.counterpart_choices(ctx)]
        )
        self.participants = QPlainTextEdit()
        self.participants.setPlaceholderText("每个单位一行，如：县水利局：王某、李某")
        self.participants.setFixedHeight(70)
        self.topic_boxes: dict[str, QCheckBox] = {}
        topics = QWidget()
        topic_row = QHBoxLayout(topics)
        topic_row.setContentsMargins(0, 0, 0, 0)
        for code, label in MeetingTopic.choices():
            box = QCheckBox(label)
            self.topic_boxes[code] = box
            topic_row.addWidget(box)
        topic_row.addStretch(1)
        self.link = LinkField(ctx)
        self.discussion = QPlainTextEdit()
        self.discussion.setPlaceholderText("会议通报、研究的情况")
        self.discussion.setFixedHeight(90)
        self.decisions = QPlainTextEdit()
        self.decisions.setPlaceholderText(
            "议定事项，一条一行；需落实的事项保存后在“落实事项”中登记"
        )
        self.decisions.setFixedHeight(90)
        self.note = QLineEdit()

        holder = QWidget()
        form = make_form(holder)
        self.rows = FieldRows(form)
        r = self.rows
        r.add("kind", "会议类型", self.kind, required=True)
        form.addRow("", self.kind_hint)
        r.add("subject", "会议名称", self.subject, required=True)
        r.add(
            "held_at", "计划召开时间" if mode == "plan" else "召开时间", self.held_at, required=True
        )
        r.add("place", "地点", self.place)
        r.add("host", "主持人", self.host)
        r.add("organisation_ids", "参会单位", self.organisations, required=True)
        r.add("participants", "参会人员", self.participants)
        r.add("topics", "议题", topics)
        r.add("linked_id", "关联记录", self.link)
        if mode == "record":
            r.add("discussion", "会议情况", self.discussion)
            r.add("decisions", "议定事项", self.decisions)
        r.add("note", "备注", self.note)
        scroll = scrolling(holder)

        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        if meeting_id is not None:
            data, self.version = meetings.load_input(ctx, meeting_id)
            self._fill(data)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.kind_hint.setText(KIND_HINTS.get(kind, ""))
        self.rows.set_required("linked_id", kind == MeetingKind.SPECIAL.value)

    def _fill(self, data: meetings.MeetingInput) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(str(data.kind)), 0))
        self.subject.setText(data.subject or "")
        self.held_at.setDateTime(to_qdatetime(data.held_at))
        self.place.setText(data.place or "")
        self.host.setText(data.host or "")
        assert self.meeting_id is not None
        kept = {o.id: o.name for o in meetings.get(self.ctx, self.meeting_id).organisations}
        self.organisations.set_ids(list(data.organisation_ids), kept)
        self.participants.setPlainText(data.participants or "")
        for code, box in self.topic_boxes.items():
            box.setChecked(code in (data.topics or []))
        self.link.set_link(data.linked_type, data.linked_id)
        self.note.setText(data.note or "")

    def collect(self) -> meetings.MeetingInput:
        return meetings.MeetingInput(
            kind=self.kind.currentData(),
            subject=self.subject.text().strip(),
            held_at=self.held_at.dateTime().toPython().replace(second=0, microsecond=0),  # type: ignore[union-attr]
            place=self.place.text().strip() or None,
            host=self.host.text().strip() or None,
            organisation_ids=self.organisations.ids(),
            participants=self.participants.toPlainText().strip() or None,
            topics=[c for c, box in self.topic_boxes.items() if box.isChecked()],
            linked_type=self.link.linked_type,
            linked_id=self.link.linked_id,
            note=self.note.text().strip() or None,
        )

    def save(self) -> None:
        def run() -> int:
            data = self.collect()
            if self.meeting_id is not None:
                meetings.update(self.ctx, self.meeting_id, data, self.version)
                return self.meeting_id
            if self.mode == "plan":
                return meetings.plan(self.ctx, data)
            return meetings.record(
                self.ctx,
                data,
                self.discussion.toPlainText().strip() or None,
                self.decisions.toPlainText().strip() or None,
            )

        self.meeting_id = save_form(self, self.rows, run) or self.meeting_id
