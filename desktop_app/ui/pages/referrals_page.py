"""案件移送: the ledger, and the three ways a transfer enters it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.domain import clock
from desktop_app.domain.terms import OrgKind, PartyKind, PreTransferState
from desktop_app.services import organisations, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.ui.dialogs.action_form import ActionForm, Field
from desktop_app.ui.pages.system_page import SystemPage


def party(values: dict) -> referrals.PartyInput:  # type: ignore[type-arg]
    kind = values.get("party_kind")
    code = values.get("party_code") or None
    return referrals.PartyInput(
        kind=kind,
        name=values.get("party_name") or None,
        id_number=code if kind == PartyKind.PERSON.value else None,
        credit_code=code if kind == PartyKind.ORGANISATION.value else None,
    )


class ReferralsPage(SystemPage):
    title = "案件移送"
    ledger_key = "referrals"
    intro = (
        "发现违法行为属于对方管辖的，3个工作日内移送；情况紧急的24小时内移送；违法行为正在进行的，"
        "立即劝阻并及时告知有管辖权的部门。移送以乡镇人民政府或县级职能部门的名义进行。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = self.add_button("新建移送（移送县级部门）…", self.new_outgoing)
        self.incoming_button = self.add_button("登记部门移送来的案件…", self.new_incoming)
        self.pre_button = self.add_button("登记划转前案件…", self.new_pre_transfer)
        self.set_body(self.list)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.referral_dialog import ReferralDialog

        return ReferralDialog(self.ctx, record_id, self)

    def new_outgoing(self) -> None:
        from desktop_app.ui.wizards.outgoing_referral import OutgoingReferralWizard

        wizard = OutgoingReferralWizard(self.ctx, self)
        wizard.exec()
        if wizard.referral_id is not None:
            accepted = wizard.result() == QDialog.DialogCode.Accepted
            self.written(wizard.referral_id if accepted else None)

    def _departments(self) -> list[tuple[str, int]]:
        return [
            (o.name, o.id)
            for o in organisations.list_all(self.ctx, active_only=True)
            if o.kind in (OrgKind.COUNTY_DEPARTMENT, OrgKind.INTERNAL_UNIT)
        ]

    def new_incoming(self) -> None:
        kinds = [(label, code) for code, label in PartyKind.choices()]
        form = ActionForm(
            "登记部门移送来的案件",
            [
                Field("sender_id", "移送单位", "choice", True, self._departments()),
                Field("received_at", "收到时间", "datetime", True),
                Field("signed_by", "签收人", default=self.ctx.operator_name or ""),
                Field("matter", "违法事项", required=True),
                Field("party_kind", "当事人类型", "choice", True, kinds),
                Field("party_name", "当事人", required=True),
                Field("party_code", "证件号码"),
                Field("place", "地点"),
                Field("found_at", "部门发现时间", "datetime", default=clock.now()),
                Field("facts", "基本违法事实", "multiline"),
            ],
            lambda v: referrals.register_incoming(
                self.ctx,
                referrals.IncomingInput(
                    sender_id=v["sender_id"],
                    received_at=v["received_at"],
                    matter=v["matter"],
                    party=party(v),
                    place=v["place"] or None,
                    found_at=v["found_at"],
                    facts=v["facts"] or None,
                    signed_by=v["signed_by"] or None,
                ),
            ),
            self,
            "县级职能部门在监管中发现违法行为属于本镇管辖的，应当移送本镇处理。登记后可立案或说明理由退回。",
            "登记",
        )
        if form.exec() == QDialog.DialogCode.Accepted:
            self.written(int(form.result_value), open_it=True)

    def new_pre_transfer(self) -> None:
        states = [(label, code) for code, label in PreTransferState.choices()]
        form = ActionForm(
            "登记划转前案件",
            [
                Field("department_id", "原办理部门", "choice", True, self._departments()),
                Field("matter", "案件事项", required=True),
                Field("party_name", "当事人"),
                Field("state", "案件状态", "choice", True, states),
                Field("archive_holder", "档案保存单位", required=True),
                Field(
                    "consultation_note",
                    "协商处理情况",
                    "multiline",
                    hint="历史遗留问题须由原办理部门与本镇协商处理，记录协商情况。",
                ),
            ],
            lambda v: referrals.register_pre_transfer(
                self.ctx,
                referrals.PreTransferInput(
                    department_id=v["department_id"],
                    matter=v["matter"],
                    state=v["state"],
                    archive_holder=v["archive_holder"],
                    party=referrals.PartyInput(name=v["party_name"] or None),
                    consultation_note=v["consultation_note"] or None,
                ),
            ),
            self,
            "处罚事项划转前的已结案件，由原部门归档保存；已立案未结案的，由原部门作出决定；"
            "历史遗留问题，由原部门与本镇协商、视情依法处理（机制 三（一）1）。",
            "登记",
        )
        if form.exec() == QDialog.DialogCode.Accepted:
            self.written()
