"""A shared server (issue 13), the department's side in the GUI: the water bureau's
clerk opens the transfer a township sent it, sees only its own steps (登记签收,
登记退回, then 登记处理结果), carries them out in the dialog, and the township's
record shows the result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from desktop_app.domain.terms import AccountRole, MaterialKind, ReferralStatus
from desktop_app.services import accounts, letters, referrals, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.referral_flow import mark_sent
from desktop_app.storage.models import Organisation
from desktop_app.ui.dialogs.referral_dialog import ReferralDialog

PW = "Zhifa2026"


def _sent_transfer(ctx: ServiceContext) -> tuple[int, ServiceContext]:
    with ctx.read() as s:
        org = {o.name: o.id for o in s.execute(select(Organisation)).scalars()}
    boss = accounts.set_up_first_admin(ctx, "县管理员", "admin", PW, PW).context(ctx)
    for name, login, where in (
        ("张丽华", "zhanglh", "深泽县赵八镇人民政府"),
        ("李明", "liming", "深泽县水利局"),
    ):
        sid = staff.save(
            boss, staff.StaffInput(name=name, role="clerk", organisation_id=org[where])
        )
        accounts.create_account(boss, sid, login, AccountRole.OFFICER, PW, PW)
    town = accounts.log_in(ctx, "zhanglh", PW).context(ctx)
    rid = referrals.create_outgoing(
        town,
        referrals.OutgoingInput(
            matter="河道内擅自采砂",
            party=referrals.PartyInput(kind="person", name="赵磊"),
            place="滹沱河赵八段",
            found_at=datetime(2026, 11, 28, 9),
            found_how="inspection",
            receiver_id=org["深泽县水利局"],
            urgency="normal",
        ),
    )
    referrals.add_material(town, rid, MaterialKind.INSPECTION_RECORD, "现场检查记录", pages=2)
    letters.issue(town, "referral_letter", rid)
    mark_sent(town, rid, datetime(2026, 11, 29, 10), "in_person", None)
    return rid, town


def test_the_department_signs_and_answers_in_the_dialog(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    forms: list[dict[str, Any]],
) -> None:
    rid, town = _sent_transfer(ctx)
    water = accounts.log_in(ctx, "liming", PW).context(ctx)
    dialog = ReferralDialog(water, rid)
    qtbot.addWidget(dialog)
    shown = {k for k, b in dialog.buttons.items() if b.isVisibleTo(dialog)}
    assert shown == {"sign", "return"}
    forms.append({"signed_at": datetime(2026, 11, 29, 11, 0), "signed_by": "李明"})
    dialog.act("sign")
    assert {k for k, b in dialog.buttons.items() if b.isVisibleTo(dialog)} == {"result", "return"}
    forms.append({"result_at": datetime(2026, 11, 29, 16, 0), "summary": "已立案查处。"})
    dialog.act("result")
    assert not any(b.isVisibleTo(dialog) for b in dialog.buttons.values())
    r = referrals.get(town, rid)  # the township's own record, answered
    assert (r.status, r.signed_by, r.result_summary) == (
        ReferralStatus.RESULT,
        "李明",
        "已立案查处。",
    )
