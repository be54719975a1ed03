"""Ledger import: the importable fields of a target and how a cell becomes a value.

A field is declared once with its Chinese label and the other headers offices
use for it (synonyms); :func:`guess_mapping <ledger_import.guess_mapping>` reads
them and the converters below turn a cell into what the service's input form
takes (dates, terms by their Chinese label, organisations by name or short name).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain.terms import PartyKind, Term
from desktop_app.domain.validators import ValidationError
from desktop_app.services.ledger_import_sheet import (
    blank,
    cell_bool,
    cell_date,
    cell_moment,
    cell_text,
)
from desktop_app.services.organisations import match_name
from desktop_app.storage.models import Organisation

# Kinds of field: how a cell is read.
TEXT, DATE, MOMENT, TERM, ORG, ORGS, BOOL = "text", "date", "moment", "term", "org", "orgs", "bool"
_SPLIT = re.compile(r"[、，,;；/／\n]+")


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    kind: str = TEXT
    required: bool = False  # the column must be mapped
    also: str = ""  # other headers, separated by spaces
    term: type[Term] | None = None
    words: dict[str, str] = field(default_factory=dict)  # extra spellings → term code

    @property
    def synonyms(self) -> tuple[str, ...]:
        return (self.label, *self.also.split())


# 违法事项 and 当事人: the same columns in both directions of a transfer ledger.
MATTER_AND_PARTY = (
    ImportField(
        "matter",
        "违法事项",
        required=True,
        also="案件名称 案由 涉嫌违法事项 违法行为 移送事项 案件 事项 违法事实名称",
    ),
    ImportField("party_name", "当事人", also="当事人名称 当事人姓名 违法主体 当事人姓名或名称"),
    ImportField(
        "party_kind",
        "当事人类型",
        TERM,
        term=PartyKind,
        words={"个人": "person", "自然人": "person", "单位": "organisation"}
        | {"企业": "organisation", "法人": "organisation", "公司": "organisation"},
    ),
    ImportField("party_id_number", "身份证号码", also="身份证号 公民身份号码 证件号码"),
    ImportField("party_credit_code", "统一社会信用代码", also="信用代码 社会信用代码"),
    ImportField("party_address", "当事人地址", also="住所 地址 住址"),
    ImportField("party_phone", "联系电话", also="电话 当事人电话"),
)


def norm(value: Any) -> str:
    """Header or term text folded for comparison: NFKC, no brackets' content,
    no spaces or punctuation, lower-case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN").lower()


def term_value(f: ImportField, raw: Any) -> str:
    """The code of the term written as its code, its label, an extra spelling, or a
    unique part of its label (「技术支撑」 → technical)."""
    assert f.term is not None
    text = cell_text(raw)
    key = norm(text)
    words = {norm(k): v for k, v in f.words.items()}
    for member in f.term:
        if key in (norm(member.value), norm(member.label)):
            return member.value
    if key in words:
        return words[key]
    hits = {m.value for m in f.term if key and (key in norm(m.label) or norm(m.label) in key)}
    hits |= {v for k, v in words.items() if key and len(k) >= 2 and (k in key or key in k)}
    if len(hits) == 1:
        return hits.pop()
    allowed = "、".join(m.label for m in f.term)
    raise ValidationError(f"「{text}」无法识别，应为：{allowed}")


class OrgCache:
    """Organisations found by name or short name (organisations.match_name), once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[str, Organisation | None] = {}

    def get(self, name: str) -> Organisation:
        key = unicodedata.normalize("NFKC", name).strip()
        if key not in self.found:
            self.found[key] = match_name(self.session, key) if key else None
        org = self.found[key]
        if org is None:
            raise ValidationError(
                f"找不到单位「{name.strip()}」，请使用单位全称或简称，或先在“单位管理”中添加该单位"
            )
        return org


def convert(f: ImportField, raw: Any, orgs: OrgCache) -> Any:
    """The cell as the form's value (None when blank); ValidationError when unreadable."""
    if blank(raw):
        return [] if f.kind == ORGS else None
    if f.kind == DATE:
        return cell_date(raw)
    if f.kind == MOMENT:
        return cell_moment(raw)
    if f.kind == BOOL:
        return cell_bool(raw)
    if f.kind == TERM:
        return term_value(f, raw)
    if f.kind == ORG:
        return orgs.get(cell_text(raw)).id
    if f.kind == ORGS:
        ids: list[int] = []
        for part in _SPLIT.split(cell_text(raw)):
            if part.strip():
                org_id = orgs.get(part).id
                if org_id not in ids:
                    ids.append(org_id)
        return ids
    return cell_text(raw) or None
