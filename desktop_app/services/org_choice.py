"""The organisations ticked on a form (参会单位, 参加单位…): valid ids, each one
existing and active — one already on the record may stay after being deactivated."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.services.forms import Checker
from desktop_app.storage.models import Organisation

FIELD = "organisation_ids"


def chosen_ids(c: Checker, raw: Iterable[Any] | None, what: str) -> list[int]:
    """The ids in the order ticked, each once; a value that is no id is a problem."""
    out: list[int] = []
    for value in raw or ():
        if isinstance(value, bool):
            c.fail(FIELD, f"{what}的取值无效：{value}")
            return []
        try:
            number = int(value)
        except (TypeError, ValueError):
            c.fail(FIELD, f"{what}的取值无效：{value}")
            return []
        if number not in out:
            out.append(number)
    return out


def chosen_organisations(
    c: Checker, session: Session, raw: Iterable[Any] | None, what: str, keep: frozenset[int]
) -> list[Organisation] | None:
    """The organisations ticked, or None after recording the problem under ``FIELD``.
    ``keep``: those already on the record (a since-deactivated one may stay)."""
    ids = chosen_ids(c, raw, what)
    if FIELD in c.problems:
        return None
    found = {
        o.id: o
        for o in session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars()
    }
    why: list[str] = []
    for i in ids:
        org = found.get(i)
        if org is None:
            why.append(f"所选{what}不存在，请重新选择。")
        elif not org.active and i not in keep:
            why.append(f"「{org.name}」已停用，不能选为{what}。")
    if why:
        c.fail(FIELD, "\n".join(dict.fromkeys(why)))
        return None
    return [found[i] for i in ids]
