"""Letters in the GUI: preview, issue, print at 100 % (to a PDF printer), register, void."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSizeF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from desktop_app.domain.terms import Direction, ReferralStatus, Urgency
from desktop_app.services import letters, settings
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Document, Organisation, Referral
from desktop_app.ui import printing, prompts
from desktop_app.ui.dialogs.letter_dialog import LetterDialog
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.pages.documents_page import DocumentsPage


@pytest.fixture(autouse=True)
def bundled_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")


def outgoing_referral(ctx: ServiceContext) -> int:
    town = settings.get(ctx, "township_org_id")
    with ctx.uow() as uow:
        dept = uow.session.execute(
            select(Organisation).where(Organisation.name == "深泽县水利局")
        ).scalar_one()
        r = Referral(
            serial="移2026-0001",
            direction=Direction.OUTGOING,
            status=ReferralStatus.READY,
            sender_id=town,
            receiver_id=dept.id,
            matter="河道内擅自采砂",
            party_name="刘𠀀华",
            place="滹沱河赵八段",
            found_at=datetime(2026, 11, 26, 22, 30),
            urgency=Urgency.NORMAL,
        )
        uow.session.add(r)
        uow.flush()
        return r.id


def wait_ready(qtbot, doc: QPdfDocument) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: doc.status() == QPdfDocument.Status.Ready, timeout=5000)


def test_preview_issue_and_print_at_full_size(
    qtbot,
    ctx: ServiceContext,
    tmp_path: Path,
    said: list[str],  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rid = outgoing_referral(ctx)
    dialog = LetterDialog(ctx, code="referral_letter", record_id=rid)
    qtbot.addWidget(dialog)
    wait_ready(qtbot, dialog.doc)
    assert dialog.doc.pageCount() >= 1
    assert "预览" in dialog.windowTitle()
    assert not dialog.print_button.isEnabled()  # a draft is not printed before it is issued

    dialog.issue_button.click()
    assert said and "赵八镇执移〔2026〕1号" in said[-1]
    wait_ready(qtbot, dialog.doc)
    assert "赵八镇执移〔2026〕1号" in dialog.windowTitle()
    assert dialog.print_button.isEnabled() and not dialog.issue_button.isVisible()

    out = tmp_path / "printed.pdf"

    def pdf_printer(_parent, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(150)
        return True

    monkeypatch.setattr(prompts, "choose_printer", pdf_printer)
    dialog.print_letter()
    reader = PdfReader(str(out))
    assert len(reader.pages) == dialog.doc.pageCount()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert "原大小" in dialog.status.text()


def test_each_page_fills_the_whole_paper_at_its_true_size() -> None:
    a4 = QSizeF(595.2756, 841.8898)
    rect = printing.target_rect(a4, 300)
    assert (round(rect.width()), round(rect.height())) == (2480, 3508)  # 210 x 297 mm
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printing.prepare(printer)
    assert printer.fullPage()
    paper = printer.pageLayout().fullRectPoints()
    assert (paper.width(), paper.height()) == (595, 842)


def test_record_dialog_offers_the_ledger_letters_and_lists_issued_ones(
    qtbot,
    ctx: ServiceContext,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    rid = outgoing_referral(ctx)
    letters.issue(ctx, "referral_letter", rid)
    dialog = RecordDialog(
        "案件移送 移2026-0001",
        [("台账编号", "移2026-0001")],
        ctx=ctx,
        record_type="referral",
        record_id=rid,
    )  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.menu is not None
    names = [a.text() for a in dialog.menu.actions()]
    assert "涉嫌违法案件移送函" in names and "送达回证" in names
    assert [b.text() for b in dialog.letter_buttons] == ["赵八镇执移〔2026〕1号"]
    opened: list[tuple[str | None, int | None]] = []
    monkeypatch.setattr(
        LetterDialog, "exec", lambda self: opened.append((self.code, self.document_id)) or 0
    )
    dialog.menu.actions()[names.index("送达回证")].trigger()
    assert opened == [("service_receipt", None)]


def test_documents_page_lists_reopens_and_voids(
    qtbot,
    ctx: ServiceContext,
    said: list[str],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    rid = outgoing_referral(ctx)
    issued = letters.issue(ctx, "referral_letter", rid)
    page = DocumentsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.list.model.total == 1
    page.list.table.selectRow(0)
    assert page.selected_id() == issued.id

    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "")
    page.void_selected()
    assert said and "作废原因" in said[-1]
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "主送单位写错，重新发文")
    page.void_selected()
    with ctx.read() as s:
        doc = s.get(Document, issued.id)
        assert doc is not None and str(doc.status) == "voided"
    page.list.table.selectRow(0)
    row = page.list.model.rows[0]
    assert row["status"] == "voided" and row["number"] == "赵八镇执移〔2026〕1号"

    shown: list[str] = []
    monkeypatch.setattr(LetterDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0)
    page.open_document(issued.id)
    assert shown and "已作废" in shown[0]
