"""新建案件移送: what was found → who has jurisdiction → how urgent → materials →
letters → send. Each page is checked by the services before moving on; the
draft is saved when the urgency page is left, so nothing typed is lost."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from desktop_app.domain.terms import PartyKind, Urgency
from desktop_app.services import referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.action_form import ActionForm, to_qdatetime
from desktop_app.ui.wizards.outgoing_referral_pages import (
    FoundPage,
    JurisdictionPage,
    LettersPage,
    MaterialsPage,
    SendPage,
    UrgencyPage,
    when,
)


class OutgoingReferralWizard(QWizard):
    def __init__(
        self,
        ctx: ServiceContext,
        parent: QWidget | None = None,
        referral_id: int | None = None,
        complaint_id: int | None = None,
        prefill: referrals.OutgoingInput | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.referral_id = referral_id
        self.complaint_id = complaint_id
        self.editing = referral_id is not None
        self.version: int | None = None
        self.last_problems: dict[str, str] = {}
        self.last_form: ActionForm | None = None
        self.setWindowTitle("修改案件移送" if self.editing else "新建案件移送")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.resize(860, 700)
        self.found = FoundPage(self)
        self.jurisdiction = JurisdictionPage(self)
        self.urgency = UrgencyPage(self)
        self.materials = MaterialsPage(self)
        self.letters = LettersPage(self)
        self.send = SendPage(self)
        for page in (
            self.found,
            self.jurisdiction,
            self.urgency,
            self.materials,
            self.letters,
            self.send,
        ):
            self.addPage(page)
        if referral_id is not None:
            data, self.version = referrals.load_outgoing(self.ctx, referral_id)
            self.fill(data)
        elif prefill is not None:  # e.g. from a complaint the township has no jurisdiction over
            self.fill(prefill)

    def fill(self, data: referrals.OutgoingInput) -> None:
        """Put a transfer's values into the pages (editing, or a pre-filled new one)."""
        f = self.found
        f.matter.setText(data.matter)
        f.facts.setPlainText(data.facts or "")
        f.party_kind.setCurrentIndex(max(0, f.party_kind.findData(str(data.party.kind or ""))))
        f.party_name.setText(data.party.name or "")
        f.party_code.setText(data.party.id_number or data.party.credit_code or "")
        f.party_address.setText(data.party.address or "")
        f.party_phone.setText(data.party.phone or "")
        f.place.setText(data.place)
        f.found_at.setDateTime(to_qdatetime(data.found_at))
        f.found_how.setCurrentIndex(max(0, f.found_how.findData(str(data.found_how))))
        j = self.jurisdiction
        if data.receiver_id is not None:
            j.receiver.setCurrentIndex(max(0, j.receiver.findData(data.receiver_id)))
        j.penalty_matter_id = data.penalty_matter_id
        u = self.urgency
        u.radios[str(data.urgency)].setChecked(True)
        if data.dissuaded_at:
            u.dissuaded_at.setDateTime(to_qdatetime(data.dissuaded_at))
        u.dissuasion_note.setText(data.dissuasion_note or "")
        if data.notified_at:
            u.notified_at.setDateTime(to_qdatetime(data.notified_at))
        if data.notice_method:
            u.notice_method.setCurrentText(data.notice_method)
        u.notice_person.setText(data.notice_person or "")
        self.complaint_id = data.complaint_id or self.complaint_id

    def collect(self) -> referrals.OutgoingInput:
        f, j, u = self.found, self.jurisdiction, self.urgency
        kind = f.party_kind.currentData()
        code = f.party_code.text().strip() or None
        ongoing = u.urgency() == Urgency.ONGOING.value
        data = referrals.OutgoingInput(
            matter=f.matter.text().strip(),
            party=referrals.PartyInput(
                kind=kind,
                name=f.party_name.text().strip() or None,
                id_number=code if kind == PartyKind.PERSON.value else None,
                credit_code=code if kind == PartyKind.ORGANISATION.value else None,
                address=f.party_address.text().strip() or None,
                phone=f.party_phone.text().strip() or None,
            ),
            place=f.place.text().strip(),
            found_at=when(f.found_at),
            found_how=f.found_how.currentData(),
            receiver_id=j.receiver.currentData(),
            urgency=u.urgency(),
            penalty_matter_id=j.penalty_matter_id,
            facts=f.facts.toPlainText().strip() or None,
            dissuaded_at=when(u.dissuaded_at) if ongoing else None,
            dissuasion_note=(u.dissuasion_note.text().strip() or None) if ongoing else None,
            notified_at=when(u.notified_at) if ongoing else None,
            notice_method=(u.notice_method.currentText().strip() or None) if ongoing else None,
            notice_person=(u.notice_person.text().strip() or None) if ongoing else None,
            complaint_id=self.complaint_id,
        )
        self.last_problems = referrals.validate_outgoing(self.ctx, data)
        return data

    def save_draft(self) -> bool:
        data = self.collect()
        try:
            if self.referral_id is None:
                self.referral_id = referrals.create_outgoing(self.ctx, data)
            else:
                referrals.update_outgoing(self.ctx, self.referral_id, data, self.version)
            _, self.version = referrals.load_outgoing(self.ctx, self.referral_id)
        except ServiceError as exc:
            problems = getattr(exc, "problems", None)
            if problems:
                self.found.rows.show(problems)
            prompts.warn(self, str(exc))
            return False
        return True

    def reject(self) -> None:
        if self.referral_id is not None and not self.editing:
            prompts.info(self, "已填写的内容已作为草稿保存在“案件移送”台账中，可以随时继续。")
        super().reject()
