"""投诉举报 intake (seed 三（二）1–2): 首问负责, the channel and the informing
department with its materials, bad input with nothing half-saved, corrections
before verification, duplicates of open complaints, the lead-in of a content."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from complaint_helpers import (  # noqa: F401 (fixtures)
    ADDRESS,
    ENV,
    ID_NUMBER,
    NAME,
    NOW,
    PHONE,
    RECEIVED,
    SCJG_STATION,
    TOWNSHIP,
    VERIFIED,
    WATER,
    People,
    complaint,
    counts,
    end,
    get,
    informed,
    make_people,
    org,
    pdf_text,
    scan,
    stored_files,
    verify,
)
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.terms import (
    ComplaintStatus,
    MaterialKind,
    RecordType,
)
from desktop_app.services import (
    attachments,
    complaints,
)
from desktop_app.services.complaints import ComplainantInput, PartyInput
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation
from desktop_app.storage.models import (
    Complainant,
    Material,
    PenaltyMatter,
)

# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


# --- 首问负责 ------------------------------------------------------------------------------


def test_first_contact_defaults_to_the_operator(op: ServiceContext, people: People) -> None:
    cid = complaints.register(op, complaint())
    c = get(op, cid)
    assert c.first_contact_id == people.clerk
    assert c.serial == "诉2026-0001" and c.status == ComplaintStatus.REGISTERED
    other = complaints.register(op, complaint(first_contact_id=people.officer))
    assert get(op, other).first_contact_id == people.officer


def test_first_contact_must_be_an_active_staff_member(
    ctx: ServiceContext, op: ServiceContext, people: People
) -> None:
    before = counts(ctx)
    with pytest.raises(InvalidInput) as exc:
        complaints.register(op, complaint(first_contact_id=people.retired))
    assert "已停用" in exc.value.problems["first_contact_id"]
    with pytest.raises(InvalidInput) as exc:
        complaints.register(op, complaint(first_contact_id=99999))
    assert "不存在" in exc.value.problems["first_contact_id"]
    with pytest.raises(InvalidInput) as exc:  # nobody operating and nobody chosen
        complaints.register(ctx, complaint())
    assert "首问责任人" in exc.value.problems["first_contact_id"]
    assert counts(ctx) == before


# --- the channel and the informing department (三（二）2–3) --------------------------------


def test_department_channel_needs_the_informing_department_and_date(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    before = counts(ctx)
    problems = complaints.validate_complaint(op, complaint(channel="department"))
    assert {"informing_org_id", "informed_on"} <= set(problems)
    bad_orgs = {
        TOWNSHIP: "应为县级职能部门",
        SCJG_STATION: "不能以自己的名义",
    }
    for name, message in bad_orgs.items():
        problems = complaints.validate_complaint(op, informed(ctx, informing_org_id=org(ctx, name)))
        assert message in problems["informing_org_id"], name
    late = informed(ctx, informed_on=date(2026, 11, 24))  # after it was received
    assert "不能早于「告知日期」" in complaints.validate_complaint(op, late)["informed_on"]
    with pytest.raises(InvalidInput):
        complaints.register(op, late)
    assert counts(ctx) == before
    assert complaints.validate_complaint(op, informed(ctx)) == {}


def test_other_channels_must_not_have_an_informing_department(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    data = complaint(
        channel="hotline_12345",
        informing_org_id=org(ctx, WATER),
        informed_on=date(2026, 11, 23),
        materials_handed_over=True,
    )
    problems = complaints.validate_complaint(op, data)
    assert {"informing_org_id", "informed_on", "materials_handed_over"} <= set(problems)


def test_informed_materials_are_stored_with_the_complaint(
    ctx: ServiceContext, op: ServiceContext, tmp_path: Path
) -> None:
    cid = complaints.register(op, informed(ctx), [scan(tmp_path)])
    rows = attachments.list_for(op, RecordType.COMPLAINT, cid)
    assert [a.original_name for a in rows] == ["水利局移交材料.pdf"]
    assert attachments.path_of(op, rows[0].id).read_bytes() == b"%PDF-1.4 scan"
    with ctx.read() as s:
        m = s.execute(select(Material).where(Material.record_id == cid)).scalar_one()
    assert m.record_type == RecordType.COMPLAINT.value
    assert m.kind == MaterialKind.COMPLAINT_MATERIAL and m.attachment_id == rows[0].id
    assert m.title.startswith("县水利局移交的书面材料")


def test_a_failing_material_leaves_no_record_and_no_file(
    ctx: ServiceContext, op: ServiceContext, tmp_path: Path
) -> None:
    before = counts(ctx)
    good, missing = scan(tmp_path), tmp_path / "scans" / "不存在.pdf"
    with pytest.raises(Exception, match="找不到文件"):
        complaints.register(op, informed(ctx), [good, missing])
    assert counts(ctx) == before
    assert stored_files(ctx) == []


# --- bad input ------------------------------------------------------------------------------

BAD = [
    ("content", {"content": "  "}, "不能为空"),
    ("content", {"content": "烧" * 5001}, "不能超过5000个字"),
    ("place", {"place": "村" * 201}, "不能超过200个字"),
    ("complainant.name", {"complainant": ComplainantInput("李" * 41, PHONE)}, "不能超过40个字"),
    ("complainant.name", {"complainant": ComplainantInput(None, PHONE)}, "勾选“匿名”"),
    ("complainant.phone", {"complainant": ComplainantInput(NAME, "请打电话")}, "不是有效的电话"),
    ("complainant.phone", {"complainant": ComplainantInput(NAME, "1383111222")}, "不是有效的电话"),
    (
        "complainant.id_number",
        {"complainant": ComplainantInput(NAME, None, "110101198503071234")},
        "校验码不符",
    ),
    ("respondent.name", {"respondent": PartyInput("person", "王" * 101)}, "不能超过100个字"),
    (
        "respondent.id_number",
        {"respondent": PartyInput("person", "王建国", "11010519491231002Y")},
        "身份证号码",
    ),
    ("received_at", {"received_at": NOW + timedelta(minutes=10)}, "将来"),
    ("received_at", {"received_at": None}, "受理时间"),
    ("channel", {"channel": "pigeon"}, "取值无效"),
    (
        "complainant.phone",
        {"anonymous": True, "complainant": ComplainantInput(None, PHONE)},
        "匿名投诉举报不登记",
    ),
    ("penalty_matter_id", {"penalty_matter_id": 4242}, "不存在"),
]


@pytest.mark.parametrize(
    ("field", "changes", "message"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_is_refused_and_nothing_saved(
    ctx: ServiceContext, op: ServiceContext, field: str, changes: dict[str, Any], message: str
) -> None:
    before = counts(ctx)
    with pytest.raises(InvalidInput) as exc:
        complaints.register(op, complaint(**changes))
    assert message in exc.value.problems[field]
    assert counts(ctx) == before
    assert (
        complaints.validate_complaint(op, complaint(**changes))[field] == exc.value.problems[field]
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("138 3111 2222", "13831112222"),
        ("+86 138-3111-2222", "13831112222"),
        ("１３８３１１１２２２２", "13831112222"),
        ("0311-8765 4321", "0311-87654321"),
        ("(0311)87654321转12", "0311-87654321转12"),
    ],
)
def test_phone_formats_are_accepted_and_normalised(
    op: ServiceContext, raw: str, stored: str
) -> None:
    cid = complaints.register(op, complaint(complainant=ComplainantInput(NAME, raw)))
    with op.read() as s:
        p = s.execute(select(Complainant).where(Complainant.complaint_id == cid)).scalar_one()
    assert p.phone == stored


def test_received_in_the_future_only_within_the_clock_skew(op: ServiceContext) -> None:
    complaints.register(op, complaint(received_at=NOW + timedelta(minutes=4)))
    with pytest.raises(InvalidInput, match="将来"):
        complaints.register(op, complaint(received_at=NOW + timedelta(minutes=6)))


def test_rare_characters_and_emoji_are_stored_intact(op: ServiceContext) -> None:
    content = "𠀀" * 4993 + "烧秸秆😀🔥冒烟"  # 5000 code points, more UTF-16 units
    assert len(content) == 5000
    cid = complaints.register(
        op,
        complaint(
            content=content,
            place="𠀀𠀁村东头🌾",
            respondent=PartyInput("person", "𠀂建国"),
            note="来电人语速快😅",
        ),
    )
    c = get(op, cid)
    assert (c.content, c.place, c.party_name, c.note) == (
        content,
        "𠀀𠀁村东头🌾",
        "𠀂建国",
        "来电人语速快😅",
    )
    assert complaints.reveal_complainant(op, cid).name == NAME


def test_anonymous_complaint_has_no_complainant_row(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    with ctx.read() as s:
        assert s.execute(select(Complainant).where(Complainant.complaint_id == cid)).first() is None
    assert get(op, cid).anonymous is True
    view = complaints.complainant_masked(op, cid)
    assert view.anonymous and not view.masked and view.name == ""


# --- edit before verification --------------------------------------------------------------


def test_update_only_before_verification_with_the_version(
    ctx: ServiceContext, op: ServiceContext, people: People
) -> None:
    cid = complaints.register(op, complaint())
    version = get(op, cid).version
    complaints.update(
        op,
        cid,
        complaint(place="赵八村村西", anonymous=True, complainant=ComplainantInput()),
        version,
    )
    c = get(op, cid)
    assert c.place == "赵八村村西" and c.anonymous
    with ctx.read() as s:
        assert s.execute(select(Complainant).where(Complainant.complaint_id == cid)).first() is None
    with pytest.raises(Conflict):
        complaints.update(op, cid, complaint(), version)  # stale
    complaints.update(op, cid, complaint(), get(op, cid).version)  # named again
    assert complaints.reveal_complainant(op, cid).phone == PHONE
    summaries = [h.summary for h in complaints.history(op, cid)]
    assert any("修改投诉举报人信息（姓名、联系电话、身份证号码、住址）" in x for x in summaries)
    verify(op, cid, "no_violation")
    with pytest.raises(RuleViolation, match=r"处理中.*不能修改登记内容"):
        complaints.update(op, cid, complaint(place="别处"))


# --- duplicates -----------------------------------------------------------------------------


def test_duplicates_are_open_complaints_about_the_same_place_and_matter(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    with ctx.uow() as uow:
        a, b = PenaltyMatter(name="对露天焚烧秸秆的处罚"), PenaltyMatter(name="对占道经营的处罚")
        uow.session.add_all([a, b])
        uow.flush()
        straw, stall = a.id, b.id
    first = complaints.register(op, complaint(penalty_matter_id=straw))
    later = complaints.register(
        op, complaint(penalty_matter_id=straw, received_at=RECEIVED + timedelta(hours=2))
    )
    complaints.register(op, complaint(penalty_matter_id=stall, content="有人占道摆摊。"))
    complaints.register(op, complaint(place="赵八村村西", penalty_matter_id=straw))
    no_matter = complaints.register(op, complaint(content="村东有人烧秸秆冒黑烟。"))
    closed = complaints.register(
        op, complaint(penalty_matter_id=straw, anonymous=True, complainant=ComplainantInput())
    )
    verify(op, closed, "no_violation")
    assert get(op, closed).status == ComplaintStatus.CLOSED

    rows = complaints.find_duplicates(op, "  赵八村村东农田 ", straw, "随便写的")
    assert [r.id for r in rows] == [later, first]  # open, same place and matter, newest first
    assert rows[0].status_label == "已登记" and rows[0].serial == "诉2026-0002"
    # Without a matter: content sharing four characters in a row ("焚烧秸秆")
    by_text = [r.id for r in complaints.find_duplicates(op, "赵八村村东农田", None, "又在焚烧秸秆")]
    assert by_text == [later, first]
    assert [
        r.id for r in complaints.find_duplicates(op, "赵八村村东农田", None, "有人烧秸秆冒烟")
    ] == [no_matter]
    assert complaints.find_duplicates(op, "赵八村村东农田", None, "烧秸秆了") == []
    assert complaints.find_duplicates(op, "赵八村村东农田", None, "烧秸") == []
    assert complaints.find_duplicates(op, None, straw, "焚烧秸秆") == []
    rows = complaints.find_duplicates(op, "赵八村村东农田", straw, "", exclude_id=later)
    assert [r.id for r in rows] == [first]


def test_at_most_ten_duplicates(op: ServiceContext) -> None:
    for n in range(12):
        complaints.register(op, complaint(received_at=RECEIVED + timedelta(minutes=n)))
    rows = complaints.find_duplicates(op, "赵八村村东农田", None, "露天焚烧秸秆")
    assert len(rows) == 10
    assert rows[0].received_at == RECEIVED + timedelta(minutes=11)


@pytest.mark.parametrize(
    "content, matter",
    [
        ("群众来电反映赵八村村东有人夜间焚烧垃圾。", "赵八村村东有人夜间焚烧垃圾。"),
        ("县水利局告知：反映滹沱河韩家庄段有人偷采河沙", "滹沱河韩家庄段有人偷采河沙"),
        ("12345热线转办：举报南孟村有人砍伐林带", "南孟村有人砍伐林带"),
        ("投诉人称夜间噪音大", "投诉人称夜间噪音大"),  # the word after is 人: kept
        ("反映", "反映"),  # nothing would be left: kept
        ("村东有人焚烧秸秆", "村东有人焚烧秸秆"),
    ],
)
def test_the_lead_in_of_a_complaint_is_not_its_matter(content: str, matter: str) -> None:
    from desktop_app.services.complaint_common import reported_matter

    assert reported_matter(content) == matter
