"""行政执法与刑事司法衔接 (seed 三（七）; 国务院令第310号, revised 2020).

The use cases the GUI and the headless commands share:

* the flag (:mod:`criminal_forms`): :func:`flag` a case, referral or complaint
  涉嫌犯罪, :func:`update`, :func:`load_input`, :func:`get`, :func:`set_team`
  (≥2 officers with 执法证号), the art. 6 materials (:func:`add_material`,
  :func:`remove_material`, :func:`list_materials`);
* the steps (:mod:`criminal_flow`): :func:`record_report` (head decides within
  3 日), :func:`record_decision` (approved: transfer within 24 hours),
  :func:`record_transfer` (the issued 移送书; procuratorate informed),
  :func:`record_receipt`, :func:`record_police_decision`,
  :func:`request_reconsideration`, :func:`record_reconsideration_result`,
  :func:`record_procuratorate_supervision`, :func:`close`;
* the 以罚代刑 guard (:mod:`criminal_guard`): :func:`check_penalty_allowed`,
  :func:`override_penalty_guard`, :func:`flagged_report`;
* :func:`allowed_actions`, :func:`history`.

"3日" periods count calendar days unless the setting ``criminal_working_days``
is 1 (group 行刑衔接).
"""

from __future__ import annotations

from desktop_app.domain import clock
from desktop_app.services import calendar as calendar_service
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.criminal_common import (
    RECORD,
    S,
    load,
    recompute_clocks,
    reconsideration_due,
    working_days,
)
from desktop_app.services.criminal_flow import (
    close,
    record_decision,
    record_police_decision,
    record_procuratorate_supervision,
    record_receipt,
    record_reconsideration_result,
    record_report,
    record_transfer,
    request_reconsideration,
)
from desktop_app.services.criminal_forms import (
    MATERIAL_KINDS,
    REQUIRED_MATERIALS,
    FlagInput,
    MaterialRow,
    add_material,
    flag,
    get,
    list_materials,
    load_input,
    remove_material,
    set_team,
    update,
)
from desktop_app.services.criminal_guard import (
    FlaggedRow,
    check_penalty_allowed,
    flagged_report,
    override_penalty_guard,
    penalty_problem,
)
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.storage.models import CriminalTransfer

__all__ = [
    "ACTIONS",
    "MATERIAL_KINDS",
    "REQUIRED_MATERIALS",
    "FlagInput",
    "FlaggedRow",
    "HistoryRow",
    "MaterialRow",
    "add_material",
    "allowed_actions",
    "check_penalty_allowed",
    "close",
    "flag",
    "flagged_report",
    "get",
    "history",
    "list_materials",
    "load_input",
    "override_penalty_guard",
    "penalty_problem",
    "recompute_clocks",
    "record_decision",
    "record_police_decision",
    "record_procuratorate_supervision",
    "record_receipt",
    "record_reconsideration_result",
    "record_report",
    "record_transfer",
    "remove_material",
    "request_reconsideration",
    "set_team",
    "update",
]

ACTIONS = frozenset(
    {
        "edit",
        "team",
        "report",
        "decide",
        "transfer",
        "receipt",
        "police_decision",
        "reconsider",
        "reconsideration_result",
        "supervision",
        "close",
    }
)


def history(ctx: ServiceContext, transfer_id: int) -> list[HistoryRow]:
    """The record's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, transfer_id, ctx)
        return record_history(s, RECORD, CriminalTransfer, transfer_id)


def allowed_actions(ctx: ServiceContext, transfer_id: int) -> set[str]:
    """The actions that apply now, a subset of :data:`ACTIONS` (the GUI's buttons).

    Status decides; "receipt" only while the receipt is not recorded, "reconsider"
    only while the 3-日 window after 不予立案 is open. The checks of the action
    itself (the team, the issued letter, the materials, dates in order) run when
    it is carried out."""
    with ctx.read() as s:
        t = load(s, transfer_id, ctx)
        st = t.status
        if scope.receiver_only(ctx, t, None) is not None:  # another organisation's: to read
            return set()
        if st == S.FLAGGED:
            return {"edit", "team", "report"}
        if st == S.REPORTED:
            return {"edit", "team", "decide"}
        if st == S.APPROVED:
            return {"edit", "transfer"}
        if st == S.REJECTED:
            return {"supervision", "close"}
        if st == S.TRANSFERRED:
            return {"police_decision", "supervision"} | (
                {"receipt"} if t.police_received_at is None else set()
            )
        if st == S.NOT_FILED:
            acts = {"supervision", "close"}
            due = reconsideration_due(t, calendar_service.load(s), working_days(s))
            if t.reconsideration_at is None and due is not None and clock.now() <= due:
                acts.add("reconsider")
            return acts
        if st == S.RECONSIDERATION:
            return {"reconsideration_result", "supervision"}
        if st == S.FILED:
            return {"supervision", "close"}
        return {"supervision"}
