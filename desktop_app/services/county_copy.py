"""Moving a township from its PC to the county's shared server (issue 13, part 4).

:func:`copy_township` copies everything a township's own SQLite database holds
into the shared (PostgreSQL) database, in **one transaction** on the server:
it all lands, or nothing does. A dry run does the same work and rolls it back,
so its report is what a real run would do, checked by the server's own
constraints.

* **Organisations** are matched by name (unique); one the server lacks is
  added. The township itself becomes the owner of every copied record (also of
  records made before a township was chosen). **Staff** are matched by name
  within their (matched) organisation, the penalty catalogue by code and name,
  the working-day calendar by day (the server's entries win). Staff without a
  unit on the PC (its first administrator) become the township's.
* **Records** get new ids; every reference between them follows — foreign
  keys, the (record type, record id) pairs of attachments, materials, letters
  and the audit trail, and the references that point forwards (a complaint's
  transfer, a complaint's duplicate).
* **Complainants' identities** are opened with the township's data key and
  sealed again under the server's (they are bound to their record's id).
* **Attachments and letters** are read from the data folder, checked against
  their registered SHA-256 and stored in the server database unchanged: a
  letter's hash stays the hash of the file that was printed.
* **The audit trail** is verified on the PC, then appended to the server's
  chain entry by entry (times, operators and contents as they were; record
  ids translated), between two entries saying so.
* Not copied: the settings (the server keeps its own), the login accounts and
  their key wraps (passwords and keys belong to one database: the county
  administrator opens accounts on the server), files no record registers.

Refused, with nothing written: a township that already has records on the
server, a file missing or altered, a broken audit chain, encrypted identities
without the township's key, a value too long for the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import String, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.paths import DataPaths
from desktop_app.security import vault
from desktop_app.services import audit, file_store, identity, scope
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.services.records import label as field_label
from desktop_app.storage.models import Base, Organisation, Setting

T = Base.metadata.tables

RECORD_TABLES = scope.RECORD_TABLES
MATCHED = ("organisations", "staff", "penalty_matters", "calendar_years", "calendar_overrides")
NOT_COPIED = {
    "settings": "设置（服务器使用自己的设置）",
    "accounts": "登录账户（请县级管理员在服务器上为工作人员开设账户）",
    "key_wraps": "账户密钥（随账户一起由服务器重新生成）",
    "stored_files": "",
    "audit_log": "",
}
POINTING = ("attachments", "materials", "documents")  # (record type, record id) pairs
LABELS = {
    "referrals": "案件移送",
    "complaints": "投诉举报",
    "complainants": "投诉举报人信息",
    "info_shares": "信息共享",
    "info_share_counterparts": "信息共享的对方单位",
    "meetings": "协商会议",
    "meeting_organisations": "参会单位",
    "follow_up_actions": "会议落实事项",
    "urgent_notices": "紧急情况通知",
    "joint_actions": "联合执法行动",
    "joint_action_organisations": "联合执法参加单位",
    "assistance_requests": "执法协助",
    "assistance_extensions": "协助延期",
    "disputes": "管辖争议",
    "negotiation_rounds": "协商记录",
    "criminal_transfers": "行刑衔接",
    "criminal_transfer_officers": "行刑衔接经办人",
    "cases": "立案案件",
    "attachments": "附件",
    "materials": "材料清单",
    "documents": "发文登记（文书）",
    "audit_log": "操作留痕",
}

ALREADY_THERE = (
    "服务器上已有「{name}」的记录（{n} 条），不能再复制一次：同一乡镇只复制一次。"
    "如上次复制的不对，请服务器管理员先从复制前的 pg_dump 备份恢复。"
)
NO_TOWNSHIP = "本机数据库还没有设置本乡镇（设置 → 本乡镇），无法确定复制到服务器上的哪个单位。"
NEED_SOURCE_KEY = (
    "本机数据库的投诉举报人信息已加密保存：请用本机的管理员账户登录（--source-login）后再复制。"
)
NEED_SERVER_ADMIN = (
    "本机的投诉举报人信息已加密保存，服务器上还没有设置管理员，复制过去将无法加密："
    "请先在服务器上完成首次设置（设置管理员）后再复制。"
)
NEED_TARGET_KEY = (
    "服务器数据库的投诉举报人信息已加密保存：请用服务器上的管理员账户登录（--login）后再复制。"
)


@dataclass
class CopyReport:
    township: str
    township_new: bool = False
    dry_run: bool = True
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    orgs_matched: int = 0
    orgs_added: list[str] = field(default_factory=list)
    staff_matched: int = 0
    staff_added: list[str] = field(default_factory=list)
    matters_added: int = 0
    calendar_added: int = 0
    files: int = 0
    file_bytes: int = 0
    audit_entries: int = 0
    not_copied: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        head = "试运行（未写入服务器）" if self.dry_run else "已复制到服务器"
        out = [f"{head}：{self.township}" + ("（服务器上新建该单位）" if self.township_new else "")]
        order = [t for t in LABELS if t in self.rows] + [t for t in self.rows if t not in LABELS]
        for table in order:
            if self.rows[table]:
                out.append(f"  {LABELS.get(table, table)}：{self.rows[table]} 条")
        out.append(f"  附件和文书文件：{self.files} 个，共 {self.file_bytes / 1048576:.1f} MB")
        out.append(f"  操作留痕：{self.audit_entries} 条（接在服务器的留痕链之后）")
        out.append(
            f"  单位：{self.orgs_matched} 个按名称对应服务器上已有的"
            + (
                f"，新增 {len(self.orgs_added)} 个：{'、'.join(self.orgs_added)}"
                if self.orgs_added
                else ""
            )
        )
        out.append(
            f"  工作人员：{self.staff_matched} 人已在服务器上"
            + (
                f"，新增 {len(self.staff_added)} 人：{'、'.join(self.staff_added)}"
                if self.staff_added
                else ""
            )
        )
        if self.matters_added:
            out.append(f"  行政处罚事项：新增 {self.matters_added} 项（服务器清单中没有的）")
        if self.calendar_added:
            out.append(f"  工作日历调整：新增 {self.calendar_added} 条")
        for what in self.not_copied:
            out.append(f"  未复制：{what}")
        return out


@dataclass
class _Copy:
    src: Session
    dst: Session
    paths: DataPaths
    src_key: bytes | None
    dst_key: bytes | None
    report: CopyReport
    township_id: int = 0  # on the server
    ids: dict[str, dict[Any, Any]] = field(default_factory=dict)
    # references to rows copied later: (table, old row id, column, target table, old value)
    later: list[tuple[str, int, str, str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    owned: list[Table] = field(default_factory=lambda: _owned_tables())
    letter_names: dict[int, tuple[str, str]] = field(default_factory=dict)  # PC id: year, type

    # --- helpers ----------------------------------------------------------------------

    def rows(self, table: Table) -> list[dict[str, Any]]:
        order = list(table.primary_key.columns)
        return [dict(r._mapping) for r in self.src.execute(select(table).order_by(*order))]

    def insert(self, table: Table, values: list[dict[str, Any]]) -> list[Any]:
        """Insert ``values`` (without ids); the new ids in the same order. The
        problems found so far stop it first: the server would refuse a value too
        long with its own English message."""
        self.stop_on_problems()
        if not values:
            return []
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id":
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(self.dst.execute(stmt, values).scalars())
        self.dst.execute(insert(table), values)
        return [None] * len(values)

    def stop_on_problems(self) -> None:
        if self.problems:
            raise InvalidInput({str(i): p for i, p in enumerate(self.problems)})

    def check_lengths(self, table: Table, row: dict[str, Any], label: str) -> None:
        for col in table.columns:
            limit = getattr(col.type, "length", None)
            value = row.get(col.name)
            if (
                isinstance(col.type, String)
                and limit
                and isinstance(value, str)
                and len(value) > limit
            ):
                self.problems.append(
                    f"{LABELS.get(table.name, table.name)}「{label}」的「{field_label(col.name)}」"
                    f"有 {len(value)} 个字，"
                    f"超过服务器上限 {limit} 个字，请先在本机改短。"
                )

    def map_fks(self, table: Table, row: dict[str, Any], new_row: dict[str, Any]) -> None:
        for col in table.columns:
            if not col.foreign_keys or row.get(col.name) is None:
                continue
            target = next(iter(col.foreign_keys)).column.table.name
            mapping = self.ids.get(target)
            if mapping is None or target == table.name:  # copied later: set afterwards
                new_row[col.name] = None
                self.later.append((table.name, row["id"], col.name, target, row[col.name]))
            else:
                new_row[col.name] = mapping.get(row[col.name])

    # --- reference data ---------------------------------------------------------------

    def organisations(self) -> None:
        t = T["organisations"]
        by_name = {r.name: r.id for r in self.dst.execute(select(t.c.id, t.c.name))}
        mapping: dict[int, int] = {}
        fresh: list[tuple[int, dict[str, Any]]] = []
        rows = self.rows(t)
        for row in rows:
            if row["name"] in by_name:
                mapping[row["id"]] = by_name[row["name"]]
                self.report.orgs_matched += 1
            else:
                values = {k: v for k, v in row.items() if k not in ("id", "parent_id")}
                self.check_lengths(t, values, row["name"])
                fresh.append((row["id"], values))
                self.report.orgs_added.append(row["name"])
        for (old, _values), new in zip(fresh, self.insert(t, [v for _, v in fresh]), strict=True):
            mapping[old] = new
        self.ids["organisations"] = mapping
        added = {old for old, _ in fresh}
        parents = [  # now that every organisation has its id
            {"_id": mapping[r["id"]], "_value": mapping.get(r["parent_id"])}
            for r in rows
            if r["id"] in added and r["parent_id"] is not None
        ]
        self.update_many(t, "parent_id", parents)

    def staff(self) -> None:
        t = T["staff"]
        orgs = self.ids["organisations"]
        there = {
            (r.organisation_id, r.name): r.id
            for r in self.dst.execute(select(t.c.id, t.c.organisation_id, t.c.name))
        }
        mapping: dict[int, int] = {}
        fresh: list[tuple[int, dict[str, Any]]] = []
        for row in self.rows(t):
            # on a PC everyone without a unit is the township's (the first administrator)
            org = orgs.get(row["organisation_id"]) if row["organisation_id"] else self.township_id
            if (org, row["name"]) in there:
                mapping[row["id"]] = there[(org, row["name"])]
                self.report.staff_matched += 1
                continue
            values = {k: v for k, v in row.items() if k != "id"}
            values["organisation_id"] = org
            self.check_lengths(t, values, row["name"])
            fresh.append((row["id"], values))
            self.report.staff_added.append(row["name"])
        for (old, _), new in zip(fresh, self.insert(t, [v for _, v in fresh]), strict=True):
            mapping[old] = new
        self.ids["staff"] = mapping

    def penalty_matters(self) -> None:
        t = T["penalty_matters"]
        there = {
            (r.code, r.name): r.id for r in self.dst.execute(select(t.c.id, t.c.code, t.c.name))
        }
        mapping: dict[int, int] = {}
        fresh: list[tuple[int, dict[str, Any]]] = []
        for row in self.rows(t):
            if (row["code"], row["name"]) in there:
                mapping[row["id"]] = there[(row["code"], row["name"])]
                continue
            values = {k: v for k, v in row.items() if k != "id"}
            values["department_id"] = self.ids["organisations"].get(row["department_id"])
            self.check_lengths(t, values, row["name"])
            fresh.append((row["id"], values))
        for (old, _), new in zip(fresh, self.insert(t, [v for _, v in fresh]), strict=True):
            mapping[old] = new
        self.ids["penalty_matters"] = mapping
        self.report.matters_added = len(fresh)

    def calendar(self) -> None:
        staff = self.ids["staff"]
        for name, key, who in (
            ("calendar_years", "year", "confirmed_by_id"),
            ("calendar_overrides", "day", "created_by_id"),
        ):
            t = T[name]
            there = set(self.dst.execute(select(t.c[key])).scalars())
            fresh = []
            for row in self.rows(t):
                if row[key] in there:
                    continue
                values = {k: v for k, v in row.items() if k != "id"}
                values[who] = staff.get(row[who]) if row[who] is not None else None
                fresh.append(values)
            self.insert(t, fresh)
            if name == "calendar_overrides":
                self.report.calendar_added = len(fresh)

    # --- records ----------------------------------------------------------------------

    def pointed(self, row: dict[str, Any], new_row: dict[str, Any]) -> None:
        kind, old = row.get("record_type"), row.get("record_id")
        if kind is None or old is None:
            return
        table = RECORD_TABLES.get(kind)
        new_row["record_id"] = self.ids.get(table, {}).get(old) if table else None

    def table(self, table: Table) -> None:
        src_rows = self.rows(table)
        values: list[dict[str, Any]] = []
        for row in src_rows:
            new_row = {k: v for k, v in row.items() if k != "id"}
            self.map_fks(table, row, new_row)
            if table in self.owned:
                new_row["owner_org_id"] = self.township_id
            if "record_type" in new_row:
                self.pointed(row, new_row)
            self.check_lengths(table, new_row, str(row.get("serial") or row.get("id") or ""))
            values.append(new_row)
        if table.name == "complainants":
            self.reseal(src_rows, values)
        if table.name == "documents":
            self.letters(src_rows)
        if table.name == "attachments":
            self.attachments(src_rows)
        new_ids = self.insert(table, values)
        if "id" in table.c:
            self.ids[table.name] = {r["id"]: n for r, n in zip(src_rows, new_ids, strict=True)}
        self.report.rows[table.name] = len(values)

    def update_many(self, t: Table, column: str, rows: list[dict[str, Any]]) -> None:
        """Set ``column`` of many rows in one statement (rows: ``_id``, ``_value``)."""
        if rows:
            stmt = update(t).where(t.c.id == bindparam("_id")).values({column: bindparam("_value")})
            self.dst.connection().execute(stmt, rows)

    def forward_references(self) -> None:
        """The references to rows copied after the row holding them (a complaint's
        transfer, a complaint's duplicate), now that both have their new ids."""
        grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for name, old_id, col, target, old_value in self.later:
            grouped.setdefault((name, col), []).append(
                {"_id": self.ids[name][old_id], "_value": self.ids.get(target, {}).get(old_value)}
            )
        for (name, col), rows in grouped.items():
            self.update_many(T[name], col, rows)

    def reseal(self, src_rows: list[dict[str, Any]], values: list[dict[str, Any]]) -> None:
        """Identities are bound to their complaint's id and sealed with one
        database's key: opened with the PC's key, sealed with the server's."""
        target_sealed = identity.has_data_key(self.dst)
        for row, new_row in zip(src_rows, values, strict=True):
            new_complaint = self.ids["complaints"][row["complaint_id"]]
            for f in identity.FIELDS:
                value = row.get(f)
                if not value:
                    continue
                if vault.is_sealed(value):
                    if self.src_key is None:
                        raise ServiceError(NEED_SOURCE_KEY)
                    if not target_sealed:  # never in clear where the PC kept them sealed
                        raise ServiceError(NEED_SERVER_ADMIN)
                    value = identity.open_field(self.src_key, f, row["complaint_id"], value)[0]
                if target_sealed:
                    if self.dst_key is None:
                        raise ServiceError(NEED_TARGET_KEY)
                    value = vault.seal(self.dst_key, str(value), identity.aad(f, new_complaint))
                new_row[f] = value

    def _file(self, path: Path, sha256: str | None, what: str) -> None:
        if sha256 is None:
            self.problems.append(f"{what}没有登记校验值，无法核对文件：{path}")
            return
        if not file_store.local_copy_ok(path, sha256):
            why = "不见了" if not path.is_file() else "与登记时的校验值不一致（被改动或损坏）"
            self.problems.append(f"{what}的文件{why}：{path}")
            return
        data = path.read_bytes()
        file_store.put(self.dst, sha256, data)
        self.report.files += 1
        self.report.file_bytes += len(data)

    def attachments(self, src_rows: list[dict[str, Any]]) -> None:
        for row in src_rows:
            path = self.paths.attachments / row["stored_name"]
            self._file(path, row["sha256"], f"附件「{row['original_name']}」")

    def letters(self, src_rows: list[dict[str, Any]]) -> None:
        for row in src_rows:
            if row["file_name"]:
                what = f"文书「{row['number'] or row['title']}」"
                self._file(self.paths.documents / row["file_name"], row["sha256"], what)
                self.letter_names[row["id"]] = (row["file_name"].split("/")[0], row["doc_type"])

    def rename_letters(self) -> None:
        """Letters are named after their id in each PC's folder: the new id."""
        new_ids = self.ids.get("documents", {})
        rows = [
            {"_id": new_ids[old], "_value": f"{year}/{new_ids[old]:06d}-{doc_type}.pdf"}
            for old, (year, doc_type) in self.letter_names.items()
        ]
        self.update_many(T["documents"], "file_name", rows)

    # --- the audit trail --------------------------------------------------------------

    def audit_trail(self, operator_id: int | None, operator_name: str | None) -> None:
        broken = audit.verify_chain(self.src)
        if broken:
            self.problems.append(
                f"本机的操作留痕校验未通过（第 {broken[0]} 条起被改动），请先查明原因，不能复制。"
            )
            return
        t = T["audit_log"]
        entries = self.rows(t)
        name = self.report.township
        audit.append(
            self.dst,
            operator_id=operator_id,
            operator_name=operator_name,
            action=AuditAction.IMPORT,
            record_type=RecordType.DATABASE.value,
            record_id=None,
            summary=f"以下 {len(entries)} 条操作留痕从「{name}」本机数据库复制"
            "（本机留痕链校验通过；时间、操作人和内容照原样，记录编号已换成服务器上的编号）",
            before=None,
            after=None,
        )
        staff = self.ids["staff"]
        carried = []
        for e in entries:
            new = dict(e)
            self.pointed(e, new)
            new["operator_id"] = staff.get(e["operator_id"]) if e["operator_id"] else None
            new["action"] = AuditAction(e["action"])
            carried.append(new)
        audit.append_many(self.dst, carried)
        self.report.audit_entries = len(entries)


def _source_township(src: Session) -> tuple[int, str]:
    found = src.execute(select(Setting.value).where(Setting.key == "township_org_id")).scalar()
    org = src.get(Organisation, int(found)) if found else None
    if org is None:
        raise ServiceError(NO_TOWNSHIP)
    return org.id, org.name


def _owned_tables() -> list[Table]:
    """The tables whose ``owner_org_id`` says who registered the row (a follow-up
    action's is its 责任单位 and is copied as the organisation it names)."""
    return [m.class_.__table__ for m in Base.registry.mappers if scope.has_owner(m.class_)]


def _owned_on_server(dst: Session, org_id: int) -> int:
    n = 0
    for t in _owned_tables():
        n += (
            dst.execute(
                select(func.count()).select_from(t).where(t.c.owner_org_id == org_id)
            ).scalar()
            or 0
        )
    return int(n)


def _record_tables() -> Iterable[Table]:
    skip = set(MATCHED) | set(NOT_COPIED) | set(POINTING)
    for t in Base.metadata.sorted_tables:
        if t.name not in skip:
            yield t
    for name in POINTING:
        yield T[name]


def copy_township(
    src: Session,
    dst: Session,
    paths: DataPaths,
    *,
    src_key: bytes | None = None,
    dst_key: bytes | None = None,
    operator_id: int | None = None,
    operator_name: str | None = None,
    dry_run: bool = True,
) -> CopyReport:
    """Copy the township of ``src`` (its PC's database, data folder ``paths``)
    into ``dst`` (the server's write session, not yet committed). The caller
    commits when the report comes back and ``dry_run`` is False; on any
    problem :class:`ServiceError` / :class:`InvalidInput` and the caller rolls back."""
    old_id, name = _source_township(src)
    report = CopyReport(township=name, dry_run=dry_run)
    report.not_copied = [v for v in NOT_COPIED.values() if v]
    job = _Copy(src, dst, paths, src_key, dst_key, report)
    dst.info[identity.DATA_KEY] = dst_key
    try:
        job.organisations()
        township = job.ids["organisations"][old_id]
        report.township_new = name in report.orgs_added
        owned = _owned_on_server(dst, township)
        if owned:
            raise ServiceError(ALREADY_THERE.format(name=name, n=owned))
        job.township_id = township
        job.staff()
        job.penalty_matters()
        job.calendar()
        for table in _record_tables():
            job.table(table)
        job.forward_references()
        job.rename_letters()
        job.audit_trail(operator_id, operator_name)
        job.stop_on_problems()
        audit.append(
            dst,
            operator_id=operator_id,
            operator_name=operator_name,
            action=AuditAction.IMPORT,
            record_type=RecordType.ORGANISATION.value,
            record_id=township,
            summary=f"「{name}」从本机数据库复制到服务器：" + "；".join(report.lines()[1:]),
            before=None,
            after={"rows": report.rows, "files": report.files},
        )
        dst.flush()
    except DBAPIError as err:
        raise ServiceError(f"服务器拒绝了复制的数据，未写入任何内容：{err.orig}") from err
    return report
