"""管辖争议 (jurisdiction disputes) for the demo: negotiation rounds, then agreement or
the county government's decision — as :mod:`desktop_app.services.disputes` leaves them:
escalated only after a failed round and shown as waiting for the decision, and the
returned transfer following the outcome (back to 已签收 when the department handles
it, 已撤回 when the township does).
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop_app.domain.terms import DisputeStatus, ReferralStatus
from desktop_app.services.demo.core import Demo, Matter, Org, Row
from desktop_app.services.demo.text_people import place_for
from desktop_app.services.dispute_forms import WAITING


def gen_disputes(g: Demo, count: int) -> None:
    rng = g.rng
    cands = g.disputable
    chosen = sorted(rng.sample(range(len(cands)), min(count, len(cands))))
    for i in chosen:
        ref, m, returned = cands[i]
        opened = g.later(returned, (1, 2, 3)).date()
        if opened > g.today:
            opened = g.today
        _dispute(g, opened, m.dept, m, ref, ref["place"])
    for _ in range(count - len(chosen)):
        day = g.work_day(g.rand_day())
        m = g.pick_matter(day)
        _dispute(g, day, m.dept, m, None, place_for(rng, m.text.place_kind)[1])


def _dispute(g: Demo, opened: date, dept: Org, m: Matter, ref: Row | None, place: str) -> None:
    rng, today = g.rng, g.today
    created = g.at(opened)
    row = g.new(
        "disputes",
        department_id=dept.id,
        matter=f"{place}{m.name}行为的管辖争议",
        referral_id=ref,
        opened_on=opened,
        status=DisputeStatus.NEGOTIATING,
        created_at=created,
        updated_at=created,
        created_by_id=g.staff_id(),
    )
    planned = rng.choice((1, 1, 2, 2, 3))
    agreed = rng.random() < 0.6
    officers = rng.sample(g.officers, min(2, len(g.officers)))
    ours = "、".join(n for _i, n in officers)
    people = f"赵八镇：{ours}；{dept.short}：{dept.liaison or '联络人'}"
    day = opened
    held = 0
    for i in range(planned):
        day = day + timedelta(days=rng.randint(0, 3) if i == 0 else rng.randint(5, 15))
        if day > today:
            break
        last = i == planned - 1
        if last and agreed:
            handler = g.township if m.township else dept
            outcome = f"双方协商一致，由{handler.short}负责查处。"
        elif last:
            outcome = "双方仍未达成一致意见，同意提请县人民政府决定。"
        else:
            outcome = "双方未达成一致意见，约定补充材料后再次协商。"
        g.new(
            "negotiation_rounds",
            dispute_id=row,
            held_on=day,
            people=people,
            positions=(
                f"镇方认为该事项未列入划转乡镇的行政处罚事项清单，属{dept.short}行业监管职责；"
                f"{dept.short}认为该事项已划转乡镇，应由乡镇查处。"
            ),
            outcome=outcome,
        )
        held += 1
        row["updated_at"] = max(g.at(day), created)
    if held < planned:
        return
    if agreed:
        handler = g.township if m.township else dept
        row.update(status=DisputeStatus.AGREED, agreed_handler_id=handler.id, agreed_on=day)
        _follow(g, row, ref, handler, "协商一致")
        return
    escalated = day + timedelta(days=rng.randint(2, 7))
    if escalated > today:
        return
    row.update(
        status=DisputeStatus.ESCALATED,
        escalated_on=escalated,
        deadline_what=WAITING,
        updated_at=g.at(escalated),
    )
    decided = escalated + timedelta(days=rng.randint(10, 40))
    if decided > today:
        return
    handler = g.township if m.township else dept
    row.update(
        status=DisputeStatus.DECIDED,
        decision=f"经县人民政府研究，该事项由{handler.name}负责查处，相关单位予以配合。",
        decided_on=decided,
        decided_handler_id=handler.id,
        deadline_what=None,
        updated_at=g.at(decided),
    )
    _follow(g, row, ref, handler, "县人民政府决定")


def _follow(g: Demo, row: Row, ref: Row | None, handler: Org, how: str) -> None:
    """The returned (outgoing, signed-for) transfer follows the outcome (dispute_flow)."""
    if ref is None:
        return
    if handler.id == g.township.id:
        note = f"撤回理由：管辖争议{how}，由本镇管辖查处"
        ref.update(
            status=ReferralStatus.WITHDRAWN,
            note=((ref["note"] + "\n") if ref.get("note") else "") + note,
        )
    else:
        ref.update(status=ReferralStatus.SIGNED)
    ref["updated_at"] = max(ref["updated_at"], row["updated_at"])
