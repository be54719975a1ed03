"""联合执法协商: meetings with their follow-up actions, urgent notices, joint actions
and the liaison directory, one tab each."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
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

from desktop_app.domain import clock
from desktop_app.services import liaison
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.pages.ledger_page import LedgerList
from desktop_app.ui.pages.system_page import SystemPage

LIAISON_COLUMNS = ["单位", "联络人", "联系电话", "备注"]


class LiaisonView(QWidget):
    """One named contact and phone per organisation; a warning where one is missing."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.warning = QLabel()
        self.warning.setObjectName("warningBanner")
        self.warning.setWordWrap(True)
        self.table = QTableWidget(0, len(LIAISON_COLUMNS))
        self.table.setHorizontalHeaderLabels(LIAISON_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.edit(index.row()))
        hint = QLabel("双击一行修改该单位的联络人（设置 → 单位）。")
        hint.setObjectName("hint")
        self.xlsx_button = QPushButton("导出 Excel…")
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.pdf_button = QPushButton("生成打印版（PDF）…")
        self.pdf_button.clicked.connect(self.export_pdf)
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.rows: list[liaison.LiaisonRow] = []

    def refresh(self) -> None:
        self.rows = liaison.rows(self.ctx)
        self.table.setRowCount(len(self.rows))
        red = QBrush(QColor("#b42318"))
        for r, row in enumerate(self.rows):
            remark = row.note
            name = "　" * row.level + row.name  # internal units under their parent
            cells = (name, row.liaison_name or "", row.liaison_phone or "", remark)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.missing:
                    item.setForeground(red)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        missing = [row.name for row in self.rows if row.missing]
        self.warning.setText(
            f"以下 {len(missing)} 个单位尚未指定联络人或联系电话：" + "、".join(missing)
            if missing
            else ""
        )
        self.warning.setVisible(bool(missing))

    def edit(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        from desktop_app.ui.dialogs.organisation_dialog import OrganisationDialog

        dialog = OrganisationDialog(self.ctx, self.rows[row].org_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def export_xlsx(self) -> None:
        path = prompts.save_file(self, "导出联络人名单", f"联络人名单_{clock.today():%Y%m%d}.xlsx")
        if path is None:
            return
        try:  # the save dialog has asked before replacing an existing file
            written = liaison.export_xlsx(self.ctx, path, overwrite=True)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        prompts.info(self, f"已导出：{written}")

    def export_pdf(self) -> None:
        path = prompts.save_file(
            self,
            "保存打印版联络人名单",
            f"联络人名单_{clock.today():%Y%m%d}.pdf",
            "PDF 文件 (*.pdf)",
        )
        if path is None:
            return
        try:
            data = liaison.contact_sheet_pdf(self.ctx)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except (ServiceError, OSError) as exc:
            prompts.warn(self, f"未能保存：{exc}")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ConsultationPage(SystemPage):
    title = "联合执法协商"
    ledger_key = "meetings"
    intro = (
        "协商会议定期召开，也可即时召开；发现重大案件线索可召开专题会议。"
        "发现重大治安、安全隐患等属其他部门管辖的，应立即通知；部门接到通知后应立即派员处置，"
        "不能说明理由又拒不处理的，向县人民政府报告。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.plan_button = self.add_button("计划召开会议…", lambda: self.new_meeting("plan"))
        self.record_button = self.add_button("登记已开会议…", lambda: self.new_meeting("record"))
        self.notice_button = self.add_button("紧急情况通知…", self.new_notice)
        self.action_button = self.add_button("登记联合执法行动…", self.new_action)
        self.notices = LedgerList(ctx, "urgent_notices", self, on_open=self.open_notice)
        self.actions = LedgerList(ctx, "joint_actions", self, on_open=self.open_action)
        self.liaison = LiaisonView(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.list, "协商会议")
        self.tabs.addTab(self.notices, "紧急情况通知")
        self.tabs.addTab(self.actions, "联合执法行动")
        self.tabs.addTab(self.liaison, "联络人名单")
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.set_body(self.tabs)

    def refresh(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.liaison:
            self.liaison.refresh()
        elif isinstance(current, LedgerList):
            current.refresh()

    def show_record(self, ledger_key: str, record_id: int) -> None:
        lists = {
            "meetings": self.list,
            "urgent_notices": self.notices,
            "joint_actions": self.actions,
        }
        target = lists.get(ledger_key, self.list)
        self.tabs.setCurrentWidget(target)
        target.refresh()
        target.select(record_id)
        {
            "urgent_notices": self.open_notice,
            "joint_actions": self.open_action,
        }.get(ledger_key, self.open_item)(record_id)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.meeting_window import MeetingWindow

        return MeetingWindow(self.ctx, record_id, self)

    def _open(self, dialog: QDialog) -> None:
        dialog.exec()
        if getattr(dialog, "changed", False):
            self.written()

    def open_notice(self, notice_id: int) -> None:
        from desktop_app.ui.dialogs.notice_dialogs import NoticeWindow

        self._open(NoticeWindow(self.ctx, notice_id, self))

    def open_action(self, action_id: int) -> None:
        from desktop_app.ui.dialogs.joint_action_dialogs import JointActionWindow

        self._open(JointActionWindow(self.ctx, action_id, self))

    def _created(self, target: LedgerList, record_id: int | None, opener) -> None:  # type: ignore[no-untyped-def]
        if record_id is None:
            return
        self.tabs.setCurrentWidget(target)
        self.written()
        target.select(record_id)
        opener(record_id)

    def new_meeting(self, mode: str) -> None:
        from desktop_app.ui.dialogs.meeting_dialog import MeetingDialog

        dialog = MeetingDialog(self.ctx, self, mode=mode)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._created(self.list, dialog.meeting_id, self.open_item)

    def new_notice(self) -> None:
        from desktop_app.ui.dialogs.notice_dialogs import NoticeDialog

        dialog = NoticeDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._created(self.notices, dialog.notice_id, self.open_notice)

    def new_action(self) -> None:
        from desktop_app.ui.dialogs.joint_action_dialogs import JointActionDialog

        dialog = JointActionDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._created(self.actions, dialog.action_id, self.open_action)
