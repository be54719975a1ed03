"""导入已有台账 — 投诉举报: statuses and clocks of historical complaints, the
complainant kept in its own table, refused rows, duplicates, audit."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger_import_helpers import ledger_book, row_counts
from sqlalchemy import select

from desktop_app.domain.terms import AuditAction, ComplaintOutcome, ComplaintStatus
from desktop_app.services import ledger_import, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import AuditEntry, Complainant, Complaint, Organisation

HEADERS = [
    "序号",
    "受理日期",
    "来源",
    "投诉人",
    "联系电话",
    "身份证号码",
    "被投诉对象",
    "地点",
    "反映内容",
    "转办部门",
    "核实时间",
    "核实结果",
    "核实情况",
    "答复日期",
    "答复方式",
    "处理结果",
    "反馈日期",
    "反馈情况",
    "办理状态",
]
NAME, PHONE, ID_NUMBER = "李𠀀华", "13831112222", "110101198503071235"


def row(**cells: Any) -> list[Any]:
    """A data row, by header."""
    return [cells.get(h) for h in HEADERS]


CLOSED = row(
    序号=1,
    受理日期=date(2025, 3, 4),
    来源="来电",
    投诉人=NAME,
    联系电话=PHONE,
    身份证号码=ID_NUMBER,
    被投诉对象="王建国",
    地点="赵八村村东农田",
    反映内容="反映村东农田有人露天焚烧秸秆",
    核实时间="2025-03-05",
    核实结果="不属实",
    核实情况="现场未发现焚烧痕迹",
    答复日期="2025年3月6日",
    答复方式="电话",
    处理结果="经核实未发现违法行为，已电话答复",
    办理状态="已办结",
)
REGISTERED = row(
    序号=2,
    受理日期="2026/11/25",
    来源="12345热线",
    投诉人="匿名",
    地点="赵八村集市",
    反映内容="反映赵八村集市有人占道经营",
    办理状态="待核实",
)
HANDLING = row(
    序号=3,
    受理日期=datetime(2026, 11, 2, 9, 30),
    来源="县级部门告知",
    投诉人="赵六",
    联系电话="0311-83512345",
    地点="赵八村南河道",
    反映内容="县水利局告知：有人在河道内倾倒建筑垃圾",
    转办部门="县水利局",
    核实时间="2026-11-03 15:00",
    核实结果="未发现违法行为",
    核实情况="现场已清理，未发现倾倒",
    答复日期="2026.11.5",
    答复方式="电话",
    处理结果="已告知核实情况",
    办理状态="办理中",
)


def book(
    tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, name: str = "诉.xlsx"
) -> Path:
    return ledger_book(tmp_path / name, "投诉举报", "赵八镇投诉举报受理台账", headers, rows)


def mapping(headers: list[str] = HEADERS) -> dict[int, str | None]:
    return ledger_import.guess_mapping("complaints", headers)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    return row_counts(ctx, Complaint, Complainant, AuditEntry)


def by_serial(ctx: ServiceContext) -> dict[str, Complaint]:
    with ctx.read() as s:
        return {c.serial: c for c in s.execute(select(Complaint)).scalars()}


def test_guess_mapping_usual_headers() -> None:
    m = mapping()
    got = {HEADERS[i]: name for i, name in m.items()}
    assert got == {
        "序号": None,
        "受理日期": "received_at",
        "来源": "channel",
        "投诉人": "complainant_name",
        "联系电话": "complainant_phone",
        "身份证号码": "complainant_id_number",
        "被投诉对象": "respondent_name",
        "地点": "place",
        "反映内容": "content",
        "转办部门": "informing_org",
        "核实时间": "verified_at",
        "核实结果": "outcome",
        "核实情况": "verification_note",
        "答复日期": "replied_at",
        "答复方式": "reply_method",
        "处理结果": "reply_summary",
        "反馈日期": "feedback_at",
        "反馈情况": "feedback_summary",
        "办理状态": "status",
    }
    other = ["登记时间", "受理渠道", "举报人姓名", "举报人联系电话", "投诉举报事项", "办结日期"]
    assert list(ledger_import.guess_mapping("complaints", other).values()) == [
        "received_at",
        "channel",
        "complainant_name",
        "complainant_phone",
        "content",
        "closed_at",
    ]


def test_historical_statuses_clocks_serials_and_audit(ctx: ServiceContext, tmp_path: Path) -> None:
    path = book(tmp_path, [CLOSED, REGISTERED, HANDLING])
    preview = ledger_import.preview_import(ctx, "complaints", path, None, mapping())
    assert preview.ok_rows == 3 and not preview.problems and not preview.duplicates
    result = ledger_import.run_import(ctx, "complaints", path, None, mapping())
    assert result.serials == ["诉2025-0001", "诉2026-0001", "诉2026-0002"]
    got = by_serial(ctx)

    closed = got["诉2025-0001"]
    assert closed.status == ComplaintStatus.CLOSED and closed.channel == "phone"
    assert closed.received_at == datetime(2025, 3, 4) and not closed.anonymous
    assert closed.outcome == ComplaintOutcome.NO_VIOLATION
    assert closed.verified_at == datetime(2025, 3, 5)
    assert closed.replied_at == datetime(2025, 3, 6) and closed.reply_method == "电话"
    assert closed.closed_at == datetime(2025, 3, 6)
    assert closed.deadline_at is None and closed.deadline_what is None
    assert closed.party_name == "王建国"

    anon = got["诉2026-0001"]
    assert anon.status == ComplaintStatus.REGISTERED and anon.anonymous
    assert anon.channel == "hotline_12345"
    assert anon.deadline_what == "核实期限"
    assert anon.deadline_at is not None and anon.deadline_at.date() > date(2026, 11, 25)

    handling = got["诉2026-0002"]
    assert handling.status == ComplaintStatus.HANDLING and handling.channel == "department"
    with ctx.read() as s:
        water = s.execute(
            select(Organisation.id).where(Organisation.name == "深泽县水利局")
        ).scalar_one()
    assert handling.informing_org_id == water and handling.informed_on == date(2026, 11, 2)
    assert handling.replied_at == datetime(2026, 11, 5) and handling.feedback_at is None
    assert handling.deadline_at is not None
    assert handling.deadline_what is not None and "向告知部门反馈" in handling.deadline_what
    assert "答复投诉人" not in handling.deadline_what  # the reply is done

    # the complainant's identity: in its own table, nowhere in the complaint or the audit trail
    with ctx.read() as s:
        people = {p.complaint_id: p for p in s.execute(select(Complainant)).scalars()}
        entries = list(s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())
    assert set(people) == {closed.id, handling.id}
    assert (people[closed.id].name, people[closed.id].phone) == (NAME, PHONE)
    assert people[closed.id].id_number == ID_NUMBER
    assert people[handling.id].phone == "0311-83512345"
    for c in (closed, anon, handling):
        row_text = json.dumps({k: str(v) for k, v in vars(c).items()}, ensure_ascii=False)
        assert NAME not in row_text and PHONE not in row_text and ID_NUMBER not in row_text
    creates = [
        e for e in entries if e.action == AuditAction.CREATE and e.record_type == "complaint"
    ]
    assert [e.record_id for e in creates] == [closed.id, anon.id, handling.id]
    assert all("从台账导入" in (e.summary or "") for e in creates)
    assert "第3行" in (creates[0].summary or "")
    imports = [
        e for e in entries if e.action == AuditAction.IMPORT and e.record_type == "complaint"
    ]
    assert len(imports) == 1 and "新增3条" in (imports[0].summary or "")
    assert (imports[0].after or {})["serials"] == result.serials
    trail = json.dumps(
        [[e.summary, e.before, e.after] for e in entries], ensure_ascii=False, default=str
    )
    assert NAME not in trail and PHONE not in trail and ID_NUMBER not in trail


def test_first_contact_named_or_the_importing_operator(ctx: ServiceContext, tmp_path: Path) -> None:
    clerk = staff.save(ctx, staff.StaffInput(name="张首问"))
    other = staff.save(ctx, staff.StaffInput(name="孙受理"))
    op = ctx.as_operator(clerk, "张首问")
    headers = ["受理日期", "来源", "反映内容", "受理人"]
    rows: list[list[Any]] = [
        ["2026-11-20", "来访", "反映噪音扰民", "孙受理"],
        ["2026-11-21", "来信", "反映油烟扰民", None],
    ]
    m = ledger_import.guess_mapping("complaints", headers)
    assert m[3] == "first_contact"
    result = ledger_import.run_import(op, "complaints", book(tmp_path, rows, headers), None, m)
    got = by_serial(ctx)
    assert got[result.serials[0]].first_contact_id == other
    assert got[result.serials[1]].first_contact_id == clerk
    assert got[result.serials[1]].created_by_id == clerk
    bad = [["2026-11-22", "来访", "反映路灯不亮", "查无此人"]]
    with pytest.raises(InvalidInput, match="找不到工作人员「查无此人」"):
        ledger_import.run_import(op, "complaints", book(tmp_path, bad, headers, "b.xlsx"), None, m)


def test_bad_rows_refused_with_excel_row_and_nothing_written(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    def bad(**changes: Any) -> list[Any]:
        cells = dict(zip(HEADERS, CLOSED, strict=True)) | changes
        return [cells[h] for h in HEADERS]

    rows = [
        CLOSED,
        bad(身份证号码="11010119850307123X", 反映内容="坏身份证"),  # row 4: check digit
        bad(受理日期="2025-13-40", 反映内容="坏日期"),  # row 5
        bad(答复日期="2025-03-01", 反映内容="答复早于受理"),  # row 6
        bad(来源="县级部门告知", 转办部门="不存在局", 反映内容="未知部门"),  # row 7
        bad(反映内容=f"{NAME}反映有人焚烧秸秆"),  # row 8: identity in the content
        bad(投诉人="匿名", 联系电话=None, 身份证号码=None, 反映内容="匿名却答复"),  # row 9
        bad(反馈日期="2025-03-07", 反馈情况="已反馈", 反映内容="无告知部门却反馈"),  # row 10
        bad(答复日期=None, 处理结果=None, 办理状态="已登记", 反映内容="状态不符"),  # row 11
    ]
    path = book(tmp_path, rows)
    preview = ledger_import.preview_import(ctx, "complaints", path, None, mapping())
    got = {(p.row_number, p.field): p.message for p in preview.problems}
    assert "身份证号码" in got[(4, "complainant_id_number")]
    assert "投诉举报人" in got[(4, "complainant_id_number")]
    assert "「受理时间」" in got[(5, "received_at")] or "日期" in got[(5, "received_at")]
    assert "「答复时间」不能早于「核实时间」" in got[(6, "replied_at")]
    assert "找不到单位「不存在局」" in got[(7, "informing_org")]
    assert "姓名" in got[(8, "content")]
    assert "匿名" in got[(9, "replied_at")]
    assert "没有需要反馈的部门" in got[(10, "feedback_at")]
    assert "状态" in got[(11, "status")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "complaints", path, None, mapping())
    text = str(err.value)
    assert "未导入任何数据" in text and "第4行" in text and "第11行" in text
    assert counts(ctx) == before


def test_reply_before_receipt_and_missing_required_column(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    headers = ["受理日期", "来源", "投诉人", "反映内容", "答复日期", "处理结果"]
    rows = [["2025-03-04", "来电", "赵六", "反映噪音", "2025-03-01", "已答复"]]
    m = ledger_import.guess_mapping("complaints", headers)
    with pytest.raises(InvalidInput, match="第3行：「答复时间」不能早于「受理时间」"):
        ledger_import.run_import(ctx, "complaints", book(tmp_path, rows, headers), None, m)
    no_content = ["受理日期", "来源", "投诉人"]
    m = ledger_import.guess_mapping("complaints", no_content)
    path = book(tmp_path, [["2025-03-04", "来电", "赵六"]], no_content, "n.xlsx")
    with pytest.raises(InvalidInput) as err:
        ledger_import.preview_import(ctx, "complaints", path, None, m)
    assert "请为「投诉举报内容」指定对应的列" in str(err.value)
    assert counts(ctx)[0] == 0


def test_duplicates_against_existing_and_within_file(ctx: ServiceContext, tmp_path: Path) -> None:
    ledger_import.run_import(
        ctx, "complaints", book(tmp_path, [CLOSED], name="a.xlsx"), None, mapping()
    )
    # the same day and content, written a little differently, is the same complaint
    same = list(CLOSED)
    same[HEADERS.index("受理日期")] = "2025-03-04 16:20"
    same[HEADERS.index("反映内容")] = "反映：村东农田有人露天焚烧秸秆。"
    path = book(tmp_path, [same, REGISTERED, REGISTERED], name="b.xlsx")
    preview = ledger_import.preview_import(ctx, "complaints", path, None, mapping())
    assert preview.duplicates == [(3, "诉2025-0001"), (5, "本文件第4行")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="重复"):
        ledger_import.run_import(ctx, "complaints", path, None, mapping(), skip_duplicates=False)
    assert counts(ctx) == before
    result = ledger_import.run_import(ctx, "complaints", path, None, mapping())
    assert result.created == 1 and result.skipped_duplicates == 2
    assert result.serials == ["诉2026-0001"]
