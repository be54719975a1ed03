"""导入已有台账 — 案件移送（部门移入）: transfers received from county departments,
answered or returned; refused rows; duplicates; audit."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger_import_helpers import ledger_book, row_counts
from sqlalchemy import select

from desktop_app.domain.terms import AuditAction, Direction, ReferralStatus
from desktop_app.services import ledger_import, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import AuditEntry, Organisation, Referral

HEADERS = [
    "序号",
    "移送部门",
    "收到日期",
    "案由",
    "当事人",
    "身份证号",
    "统一社会信用代码",
    "地点",
    "签收人",
    "处理结果",
    "反馈日期",
    "退回日期",
    "退回原因",
]


def row(**cells: Any) -> list[Any]:
    return [cells.get(h) for h in HEADERS]


ANSWERED = row(
    序号=1,
    移送部门="县生态环境分局",
    收到日期=date(2025, 3, 4),
    案由="露天焚烧秸秆",
    当事人="王建国",
    身份证号="110101198503071235",
    地点="赵八村村东农田",
    签收人="张建国",
    处理结果="已立案，罚款500元",
    反馈日期="2025年3月20日",
)
RETURNED = row(
    序号=2,
    移送部门="深泽县水利局",
    收到日期="2026-10-12 09:30",
    案由="河道内倾倒建筑垃圾",
    地点="赵八村南河道",
    退回日期="2026/10/14",
    退回原因="该河段未划转乡镇，不属本镇管辖",
)
OPEN = row(
    序号=3,
    移送部门="县市场监管局",
    收到日期="2026.11.2",
    案由="无照经营",
    当事人="赵八镇某某超市",
    地点="赵八村",
)


def book(
    tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, name: str = "移入.xlsx"
) -> Path:
    return ledger_book(tmp_path / name, "移入案件", "赵八镇部门移送案件登记台账", headers, rows)


def mapping(headers: list[str] = HEADERS) -> dict[int, str | None]:
    return ledger_import.guess_mapping("referrals_incoming", headers)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    return row_counts(ctx, Referral, AuditEntry)


def by_serial(ctx: ServiceContext) -> dict[str, Referral]:
    with ctx.read() as s:
        return {r.serial: r for r in s.execute(select(Referral)).scalars()}


def org_id(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def test_target_declared_in_the_referrals_ledger() -> None:
    t = ledger_import.TARGETS["referrals_incoming"]
    assert t.label == "案件移送（部门移入）" and t.ledger_key == "referrals"


def test_guess_mapping_usual_headers() -> None:
    got = {HEADERS[i]: name for i, name in mapping().items()}
    assert got == {
        "序号": None,
        "移送部门": "sender",
        "收到日期": "received_at",
        "案由": "matter",
        "当事人": "party_name",
        "身份证号": "party_id_number",
        "统一社会信用代码": "party_credit_code",
        "地点": "place",
        "签收人": "signed_by",
        "处理结果": "result_summary",
        "反馈日期": "result_at",
        "退回日期": "returned_at",
        "退回原因": "return_reason",
    }
    other = ["来文单位", "接收时间", "违法事项", "退回理由", "办理状态"]
    assert list(ledger_import.guess_mapping("referrals_incoming", other).values()) == [
        "sender",
        "received_at",
        "matter",
        "return_reason",
        "status",
    ]


def test_historical_states_serials_clock_and_audit(ctx: ServiceContext, tmp_path: Path) -> None:
    path = book(tmp_path, [ANSWERED, RETURNED, OPEN])
    preview = ledger_import.preview_import(ctx, "referrals_incoming", path, None, mapping())
    assert preview.ok_rows == 3 and not preview.problems and not preview.duplicates
    result = ledger_import.run_import(ctx, "referrals_incoming", path, None, mapping())
    assert result.serials == ["移2025-0001", "移2026-0001", "移2026-0002"]
    got = by_serial(ctx)
    town = settings.get(ctx, "township_org_id")
    for r in got.values():
        assert r.direction == Direction.INCOMING and r.receiver_id == town
        assert r.deadline_at is None and r.deadline_what is None  # no clock for a received one
        assert not r.pre_transfer

    answered = got["移2025-0001"]
    assert answered.status == ReferralStatus.RESULT
    assert answered.sender_id == org_id(ctx, "石家庄市生态环境局深泽县分局")
    assert answered.signed_at == answered.found_at == datetime(2025, 3, 4)
    assert answered.signed_by == "张建国" and answered.party_id_number == "110101198503071235"
    assert answered.result_at == datetime(2025, 3, 20)
    assert answered.result_summary == "已立案，罚款500元"

    returned = got["移2026-0001"]
    assert returned.status == ReferralStatus.RETURNED
    assert returned.signed_at == datetime(2026, 10, 12, 9, 30)
    assert returned.returned_at == datetime(2026, 10, 14)
    assert returned.return_reason == "该河段未划转乡镇，不属本镇管辖"

    still = got["移2026-0002"]
    assert still.status == ReferralStatus.SIGNED and still.signed_at == datetime(2026, 11, 2)
    assert still.result_at is None and still.returned_at is None

    with ctx.read() as s:
        entries = list(
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == "referral")
                .order_by(AuditEntry.id)
            ).scalars()
        )
    creates = [e for e in entries if e.action == AuditAction.CREATE]
    assert [e.record_id for e in creates] == [answered.id, returned.id, still.id]
    assert "移2025-0001 从台账导入（移入.xlsx 第3行）" in (creates[0].summary or "")
    imports = [e for e in entries if e.action == AuditAction.IMPORT]
    assert len(imports) == 1
    assert "案件移送（部门移入）" in (imports[0].summary or "")
    assert "新增3条" in (imports[0].summary or "")


def test_serials_shared_with_outgoing_transfers(ctx: ServiceContext, tmp_path: Path) -> None:
    out_headers = ["案由", "违法地点", "发现时间", "接收部门"]
    out = book(
        tmp_path, [["占道经营", "赵八村集市", "2025/5/6", "县城管执法局"]], out_headers, "o.xlsx"
    )
    ledger_import.run_import(
        ctx, "referrals", out, None, ledger_import.guess_mapping("referrals", out_headers)
    )
    result = ledger_import.run_import(
        ctx, "referrals_incoming", book(tmp_path, [ANSWERED]), None, mapping()
    )
    assert result.serials == ["移2025-0002"]


def test_bad_rows_refused_with_excel_row_and_nothing_written(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    def bad(**changes: Any) -> list[Any]:
        cells = dict(zip(HEADERS, ANSWERED, strict=True)) | changes
        return [cells[h] for h in HEADERS]

    rows = [
        OPEN,
        bad(身份证号="11010119850307123X", 案由="坏身份证"),  # row 4
        bad(收到日期="2025-02-30", 案由="坏日期"),  # row 5
        bad(反馈日期="2025-03-01", 案由="反馈早于接收"),  # row 6
        bad(移送部门="县不存在局", 案由="未知部门"),  # row 7
        bad(移送部门="深泽县赵八镇人民政府", 案由="本镇移给本镇"),  # row 8
        bad(统一社会信用代码="91130131MA0CXXXX7B", 当事人="某公司", 身份证号=None),  # row 9
        bad(退回日期="2025-03-10", 退回原因="不属本镇", 案由="既退回又反馈"),  # row 10
        bad(处理结果=None, 案由="有反馈日期无结果"),  # row 11
        bad(收到日期=None, 案由="无接收时间"),  # row 12
    ]
    path = book(tmp_path, rows)
    preview = ledger_import.preview_import(ctx, "referrals_incoming", path, None, mapping())
    got = {(p.row_number, p.field): p.message for p in preview.problems}
    assert "身份证号码" in got[(4, "party_id_number")]
    assert "接收时间" in got[(5, "received_at")]
    assert "「反馈时间」不能早于「接收时间」" in got[(6, "result_at")]
    assert "找不到单位「县不存在局」" in got[(7, "sender")]
    assert (8, "sender") in got
    assert "统一社会信用代码" in got[(9, "party_credit_code")]
    assert "不能既退回" in got[(10, "returned_at")]
    assert "请同时填写处理结果" in got[(11, "result_summary")]
    assert "请填写「收到时间」" in got[(12, "received_at")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "referrals_incoming", path, None, mapping())
    text = str(err.value)
    assert "未导入任何数据" in text and "第4行" in text and "第12行" in text
    assert counts(ctx) == before


def test_missing_required_column(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = ["移送部门", "案由", "地点"]
    path = book(tmp_path, [["县水利局", "河道采砂", "赵八村"]], headers)
    with pytest.raises(InvalidInput) as err:
        ledger_import.preview_import(ctx, "referrals_incoming", path, None, mapping(headers))
    assert "请为「接收时间」指定对应的列" in str(err.value)
    assert counts(ctx)[0] == 0


def test_status_column_must_agree(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = ["移送单位", "接收时间", "违法事项", "状态"]
    rows = [
        ["县水利局", "2026-11-02", "河道采砂", "已退回"],
        ["县水利局", "2026-11-03", "河道堆放", "草稿"],
        ["县水利局", "2026-11-04", "河道围垦", "已签收"],
    ]
    path = book(tmp_path, rows, headers)
    preview = ledger_import.preview_import(ctx, "referrals_incoming", path, None, mapping(headers))
    got = {(p.row_number, p.field): p.message for p in preview.problems}
    assert "退回时间" in got[(3, "returned_at")]
    assert "不能是“草稿”" in got[(4, "status")]
    assert preview.ok_rows == 1


def test_duplicates_against_existing_and_within_file(ctx: ServiceContext, tmp_path: Path) -> None:
    ledger_import.run_import(
        ctx, "referrals_incoming", book(tmp_path, [ANSWERED], name="a.xlsx"), None, mapping()
    )
    same = list(ANSWERED)
    same[HEADERS.index("收到日期")] = "2025-03-04 15:00"  # the same day
    same[HEADERS.index("移送部门")] = "石家庄市生态环境局深泽县分局"  # full name, same department
    path = book(tmp_path, [same, OPEN, OPEN], name="b.xlsx")
    preview = ledger_import.preview_import(ctx, "referrals_incoming", path, None, mapping())
    assert preview.duplicates == [(3, "移2025-0001"), (5, "本文件第4行")]
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="重复"):
        ledger_import.run_import(
            ctx, "referrals_incoming", path, None, mapping(), skip_duplicates=False
        )
    assert counts(ctx) == before
    result = ledger_import.run_import(ctx, "referrals_incoming", path, None, mapping())
    assert result.created == 1 and result.skipped_duplicates == 2
    assert result.serials == ["移2026-0001"]
