"""Letter templates: TOML files in ``forms_templates/`` the office may edit.

A template declares its fields (with Chinese labels) and lists the blocks of
the letter. Text uses ``{field}`` placeholders, filled by a plain lookup: no
expression, attribute access or format specification is ever evaluated, so
an edited template cannot run code. A placeholder whose value is empty is an
error naming the field — a printed letter never has a silent blank — except
in a block marked ``when = "field"``, which is left out when that field is
empty (``unless = "field"``: left out when it is filled).

Example (``referral_letter.toml``)::

    [document]
    code = "referral_letter"
    name = "涉嫌违法案件移送函"
    layout = "letter"            # letter | document | plain | minutes | form
    number_code = "移"

    [fields]
    receiver = "接收单位"
    facts = { label = "基本违法事实", kind = "text" }
    materials = { label = "移送材料", kind = "list" }

    [[blocks]]
    type = "title"
    text = "关于移送{party}涉嫌{matter}案件的函"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.paths import TEMPLATES_DIR

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
LAYOUTS = ("letter", "document", "plain", "minutes", "form")
BLOCK_TYPES = (
    "title",
    "salutation",
    "paragraph",
    "heading1",
    "heading2",
    "heading3",
    "attachments",
    "signature",
    "note",
    "cc",
    "blank",
    "attendance",
    "urgency",
)
FIELD_KINDS = ("text", "list", "rows")
Value = str | list[str] | list[dict[str, str]]


class TemplateError(ValueError):
    """A template file that cannot be used, or values that do not fill it."""


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    kind: str = "text"  # text | list (of strings) | rows (list of dicts, for tables)


@dataclass(frozen=True)
class Block:
    type: str
    text: str = ""
    when: str | None = None  # shown only when this field has a value
    unless: str | None = None  # shown only when this field is empty
    items: str | None = None  # a list field (attachments, attendance)
    label: str = ""
    issuer: str = ""
    date: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A form's table: fixed rows, and optionally one repeating item list."""

    columns: tuple[float, ...]  # widths in mm, summing to the type area (156)
    rows: tuple[tuple[dict[str, Any], ...], ...]
    items: str | None = None  # rows field filling the item rows
    item_headers: tuple[str, ...] = ()
    item_keys: tuple[str, ...] = ()
    min_item_rows: int = 0


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    layout: str
    fields: dict[str, FieldSpec]
    blocks: tuple[Block, ...]
    numbered: bool
    number_code: str
    issuer: str = ""  # banner text; usually {issuer}
    table: TableSpec | None = None
    footer: tuple[Block, ...] = ()
    path: Path | None = None
    landscape: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def placeholders(self) -> set[str]:
        texts: list[str] = [self.issuer, str(self.meta.get("signer", ""))]
        for b in (*self.blocks, *self.footer):
            texts += [b.text, b.label, b.issuer, b.date]
        if self.table is not None:
            for row in self.table.rows:
                texts += [str(c.get("text", "")) for c in row]
        return {m.group(1) for t in texts for m in PLACEHOLDER.finditer(t)}


def _err(path: Path | None, message: str) -> TemplateError:
    where = f"模板「{path.name}」" if path else "模板"
    return TemplateError(f"{where}有误：{message}")


def _field(path: Path | None, key: str, raw: Any) -> FieldSpec:
    if isinstance(raw, str):
        return FieldSpec(key, raw)
    if isinstance(raw, dict) and isinstance(raw.get("label"), str):
        kind = raw.get("kind", "text")
        if kind not in FIELD_KINDS:
            raise _err(path, f"字段「{key}」的类型「{kind}」无效（可用：{'、'.join(FIELD_KINDS)}）")
        return FieldSpec(key, raw["label"], kind)
    raise _err(path, f'字段「{key}」应写成 名称 = "中文标签"')


def _block(path: Path | None, index: int, raw: Any) -> Block:
    if not isinstance(raw, dict) or raw.get("type") not in BLOCK_TYPES:
        kind = raw.get("type") if isinstance(raw, dict) else raw
        raise _err(path, f"第{index}个内容块的类型「{kind}」无效（可用：{'、'.join(BLOCK_TYPES)}）")
    allowed = {"type", "text", "when", "unless", "items", "label", "issuer", "date"}
    unknown = set(raw) - allowed
    if unknown:
        raise _err(path, f"第{index}个内容块有不认识的项：{'、'.join(sorted(unknown))}")
    values = {k: raw[k] for k in allowed - {"type"} if k in raw}
    for k, v in values.items():
        if not isinstance(v, str):
            raise _err(path, f"第{index}个内容块的「{k}」应为文字")
    return Block(type=raw["type"], **values)


def _table(path: Path | None, raw: Any) -> TableSpec:
    if not isinstance(raw, dict):
        raise _err(path, "[table] 应为表格设置")
    columns = tuple(float(w) for w in raw.get("columns", ()))
    if not columns or abs(sum(columns) - 156) > 0.5:
        raise _err(path, f"表格各列宽度之和应为156毫米（版心宽度），现为{sum(columns):g}")
    rows: list[tuple[dict[str, Any], ...]] = []
    for r, row in enumerate(raw.get("rows", ()), start=1):
        cells: list[dict[str, Any]] = []
        for cell in row:
            cells.append({"text": cell} if isinstance(cell, str) else dict(cell))
        span = sum(int(c.get("span", 1)) for c in cells)
        if span != len(columns):
            raise _err(path, f"表格第{r}行占{span}列，应为{len(columns)}列")
        rows.append(tuple(cells))
    headers = tuple(raw.get("item_headers", ()))
    keys = tuple(raw.get("item_keys", ()))
    if raw.get("items") and (len(headers) != len(columns) or len(keys) != len(columns)):
        raise _err(path, "明细表的表头（item_headers）和字段（item_keys）须与列数相同")
    return TableSpec(
        columns=columns,
        rows=tuple(rows),
        items=raw.get("items"),
        item_headers=headers,
        item_keys=keys,
        min_item_rows=int(raw.get("min_item_rows", 0)),
    )


def parse(text: str, path: Path | None = None) -> Template:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _err(path, f"格式错误（{exc}）") from exc
    doc = data.get("document")
    if not isinstance(doc, dict):
        raise _err(path, "缺少 [document] 部分")
    for key in ("code", "name", "layout"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise _err(path, f"[document] 缺少「{key}」")
    if doc["layout"] not in LAYOUTS:
        raise _err(path, f"版式「{doc['layout']}」无效（可用：{'、'.join(LAYOUTS)}）")
    fields = {k: _field(path, k, v) for k, v in (data.get("fields") or {}).items()}
    blocks = tuple(_block(path, i, b) for i, b in enumerate(data.get("blocks", ()), start=1))
    footer = tuple(_block(path, i, b) for i, b in enumerate(data.get("footer", ()), start=1))
    table = _table(path, data["table"]) if "table" in data else None
    if doc["layout"] == "form" and table is None:
        raise _err(path, "表格类文书（form）须有 [table] 部分")
    template = Template(
        code=doc["code"].strip(),
        name=doc["name"].strip(),
        layout=doc["layout"],
        fields=fields,
        blocks=blocks,
        numbered=bool(doc.get("numbered", bool(doc.get("number_code")))),
        number_code=str(doc.get("number_code", "")),
        issuer=str(doc.get("issuer", "")),
        table=table,
        footer=footer,
        path=path,
        landscape=bool(doc.get("landscape", False)),
        meta={k: v for k, v in doc.items() if k not in {"code", "name", "layout"}},
    )
    undeclared = template.placeholders() - set(fields)
    for b in (*blocks, *footer):
        for key in (b.when, b.unless):
            if key and key not in fields:
                undeclared.add(key)
        if b.items and b.items not in fields:
            undeclared.add(b.items)
    if table is not None and table.items and table.items not in fields:
        undeclared.add(table.items)
    if undeclared:
        raise _err(path, f"用到了未在 [fields] 中声明的字段：{'、'.join(sorted(undeclared))}")
    return template


def load(code: str, folder: Path | None = None) -> Template:
    if not re.fullmatch(r"[a-z_]+", code or ""):
        raise TemplateError(f"文书类型「{code}」无效")
    path = (folder or TEMPLATES_DIR) / f"{code}.toml"
    if not path.exists():
        raise TemplateError(f"没有「{code}」的文书模板（{path}）")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _err(path, f"无法读取（{exc}）") from exc
    template = parse(text, path)
    if template.code != code:
        raise _err(path, f"文件名与模板代码「{template.code}」不一致")
    return template


def available(folder: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (folder or TEMPLATES_DIR).glob("*.toml"))


def fill(text: str, values: Mapping[str, Value], labels: Mapping[str, str]) -> str:
    """Replace ``{field}`` with its value; an empty or missing value is an error."""
    missing: list[str] = []

    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        value = values.get(key)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        if value is None or str(value).strip() == "":
            missing.append(labels.get(key, key))
            return ""
        return str(value)

    out = PLACEHOLDER.sub(sub, text)
    if missing:
        raise TemplateError("以下内容未填写，不能生成文书：" + "、".join(dict.fromkeys(missing)))
    return out


def shown(block: Block, values: Mapping[str, Value]) -> bool:
    """Whether a block appears, given its ``when`` / ``unless`` condition."""
    if block.when and is_empty(values.get(block.when)):
        return False
    return not (block.unless and not is_empty(values.get(block.unless)))


def is_empty(value: Value | None) -> bool:
    if value is None:
        return True
    if isinstance(value, list):
        return not value
    return str(value).strip() == ""
