"""Search across all ledgers (issue 9, item 4): grouping, totals, words, odd
characters, letter numbers — and never the complainant."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from complaint_helpers import ADDRESS, ID_NUMBER, NAME, PHONE, complaint
from info_share_helpers import share
from referral_helpers import incoming, ready_to_send
from sqlalchemy import select

from desktop_app.services import complaints, info_shares, ledgers, referrals, search
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.search import SearchGroup
from desktop_app.storage.models import Document

DAY = date(2026, 11, 28)


def add_share(ctx: ServiceContext, title: str, on: date = DAY, **kw: Any) -> int:
    return info_shares.create(ctx, share(ctx, title=title, formed_on=on, shared_on=on, **kw))


@pytest.fixture
def data(op: ServiceContext) -> ServiceContext:
    """A complaint (with its complainant), two transfers with a letter, some shared items."""
    complaints.register(op, complaint())
    ready_to_send(op)  # 露天焚烧秸秆 / 王建国 / 赵八村村东农田, with its 移送函
    referrals.register_incoming(op, incoming(op))  # 违规倾倒建筑垃圾 / 赵八村北侧坑塘
    add_share(op, "生僻字𠀀的登记信息")
    add_share(op, "表情😀测试信息")
    add_share(op, "PM2.5 监测达标率100%通报")
    add_share(op, "文件名a_b的信息")
    return op


def by_key(groups: list[SearchGroup]) -> dict[str, SearchGroup]:
    return {g.ledger_key: g for g in groups}


def titles(groups: list[SearchGroup]) -> list[str]:
    return [h.title for g in groups for h in g.hits]


def test_groups_in_navigation_order_with_totals(data: ServiceContext) -> None:
    groups = search.search_all(data, "赵八村")
    assert [g.ledger_key for g in groups] == ["referrals", "complaints"]
    assert [g.label for g in groups] == ["案件移送", "投诉举报"]
    referral, compl = groups
    assert referral.total == 2 and len(referral.hits) == 2
    assert [h.title for h in referral.hits] == ["露天焚烧秸秆", "违规倾倒建筑垃圾"]  # newest first
    first = referral.hits[0]
    assert first.serial == "移2026-0001" and first.ledger_key == "referrals"
    assert "王建国" in first.detail and "赵八村村东农田" in first.detail
    assert "2026-11-25" in first.detail
    assert compl.total == 1 and compl.hits[0].serial.startswith("诉2026-")


def test_total_is_the_full_count_hits_the_newest_up_to_the_limit(op: ServiceContext) -> None:
    for i in range(25):
        add_share(op, f"秸秆禁烧第{i + 1:02d}期", on=DAY - timedelta(days=i))
    (group,) = search.search_all(op, "禁烧")
    assert group.ledger_key == "info_shares"
    assert group.total == 25 and len(group.hits) == 20
    assert group.hits[0].title == "秸秆禁烧第01期" and group.hits[-1].title == "秸秆禁烧第20期"
    (small,) = search.search_all(op, "禁烧", limit_per_ledger=3)
    assert small.total == 25 and [h.title for h in small.hits] == [
        "秸秆禁烧第01期",
        "秸秆禁烧第02期",
        "秸秆禁烧第03期",
    ]
    (counted,) = search.search_all(op, "禁烧", limit_per_ledger=0)
    assert counted.total == 25 and counted.hits == []


def test_every_word_must_match_somewhere(data: ServiceContext) -> None:
    both = by_key(search.search_all(data, "秸秆 王建国"))
    # matter and party in different columns; the 移送函's title names both
    assert set(both) == {"referrals", "complaints", "documents"}
    assert both["referrals"].total == 1
    assert by_key(search.search_all(data, "秸秆\u3000王建国")).keys() == both.keys()  # 全角空格
    assert search.search_all(data, "秸秆 建材") == []
    assert search.search_all(data, "  建材   坑塘 ")[0].hits[0].title == "违规倾倒建筑垃圾"


def test_rare_characters_and_emoji(data: ServiceContext) -> None:
    rare = search.search_all(data, "𠀀")
    assert [(g.ledger_key, g.total) for g in rare] == [("info_shares", 1)]
    assert rare[0].hits[0].title == "生僻字𠀀的登记信息"
    assert titles(search.search_all(data, "😀")) == ["表情😀测试信息"]


def test_latin_is_case_insensitive(data: ServiceContext) -> None:
    assert titles(search.search_all(data, "pm2.5")) == ["PM2.5 监测达标率100%通报"]


def test_wildcards_are_matched_literally(data: ServiceContext) -> None:
    assert titles(search.search_all(data, "%")) == ["PM2.5 监测达标率100%通报"]
    assert titles(search.search_all(data, "100%")) == ["PM2.5 监测达标率100%通报"]
    assert titles(search.search_all(data, "_")) == ["文件名a_b的信息"]
    assert search.search_all(data, "a%b") == []
    assert search.search_all(data, "率_00") == []
    assert search.search_all(data, "/") == []  # the escape character itself


def test_letter_numbers_are_found(data: ServiceContext) -> None:
    with data.read() as s:
        number = s.execute(select(Document.number)).scalar_one()
    assert number
    groups = search.search_all(data, number)
    assert [g.ledger_key for g in groups] == ["documents"]
    (hit,) = groups[0].hits
    assert groups[0].label == "文书登记"
    assert hit.serial == number and "移送王建国" in hit.title
    assert by_key(search.search_all(data, "执移"))["documents"].total == 1


@pytest.mark.parametrize("identity", [NAME, "李", PHONE, ID_NUMBER, ADDRESS, "12号"])
def test_the_complainant_is_never_found(data: ServiceContext, identity: str) -> None:
    assert search.search_all(data, identity) == []


def test_the_complainant_is_never_shown(data: ServiceContext) -> None:
    groups = search.search_all(data, "秸秆")
    shown = " ".join(f"{h.serial} {h.title} {h.detail}" for g in groups for h in g.hits)
    assert "投诉举报" in [g.label for g in groups]
    for identity in (NAME, PHONE, ID_NUMBER, ADDRESS):
        assert identity not in shown


def test_penalty_catalogue_is_not_searched(loaded: ServiceContext) -> None:
    catalogue = ledgers.Query(search="食品生产经营")
    assert ledgers.count(loaded, "penalty_matters", catalogue) == 1  # it is there…
    assert search.search_all(loaded, "食品生产经营") == []  # …but not a record
    assert "penalty_matters" not in search.SEARCHED


def test_blank_text_finds_nothing(data: ServiceContext) -> None:
    assert search.search_all(data, "") == []
    assert search.search_all(data, "   \u3000 ") == []


def test_overlong_text_is_refused(data: ServiceContext) -> None:
    assert search.search_all(data, "秸" * 100) == []
    with pytest.raises(InvalidInput) as err:
        search.search_all(data, "秸" * 101)
    assert "100" in str(err.value) and "过长" in str(err.value)
