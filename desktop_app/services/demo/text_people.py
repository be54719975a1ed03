"""Names, places and parties for the demo data: who and where, around 深泽县赵八镇.

Everything takes a ``random.Random`` so the demo is reproducible for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import accumulate

from desktop_app.domain.validators import id_check_char, org_code_check_char, uscc_check_char

REGION = "130128"  # 深泽县 (GB/T 2260)
NEIGHBOUR_REGIONS = ("130183", "130130", "131125", "131182", "130184")  # 晋州 无极 安平 深州 新乐

_SURNAME_WEIGHTS = (
    "王71 李70 张68 刘54 赵30 杨30 陈20 孙18 马16 高16 郭14 周12 吴10 徐10 韩10 黄10 "
    "宋9 田9 董9 于9 朱9 胡8 冯8 崔8 梁8 许7 郑7 曹7 贾7 魏7 邢7 闫6 杜6 苏6 吕6 任6 石6 "
    "孟6 侯6 丁5 姚5 卢5 姜5 程5 范5 袁5 耿5 牛5 史5 付5 郝5 武5 白5 何5 贺4 齐4 段4 薛4 "
    "康4 安4 常4 乔4 唐4 谢4 罗4 肖4 尹3 申3 庞3 甄3 焦3 温3 谷3 潘3 蒋3 沈3 夏3 金3 "
    "柴2 翟2 芦2 籍1 郄1"
)
SURNAMES = tuple(item[0] for item in _SURNAME_WEIGHTS.split())
_SURNAME_CUM = tuple(accumulate(int(item[1:]) for item in _SURNAME_WEIGHTS.split()))

GIVEN_MALE = (
    "建国 建军 建华 建民 志强 志刚 志勇 国庆 国强 振华 振东 海涛 海军 永刚 永强 立新 立军 "
    "保国 保平 红军 卫东 文彬 文杰 晓东 晓明 俊杰 浩然 子轩 宇航 明辉 新民 学军 春生 秋生 "
    "金良 占国 占军 树林 福贵 双喜 宝山 庆海 书林 会军 少华 运动 二强 小龙 长江 振江 "
    "伟 磊 强 军 勇 鹏 涛 超 斌 刚 亮 杰 辉 飞 凯 浩 博 帅 旭"
).split()
GIVEN_FEMALE = (
    "秀兰 秀英 秀珍 丽娜 丽华 红霞 玉梅 玉兰 晓燕 海燕 桂英 桂芝 淑芬 淑华 凤英 彩霞 春梅 "
    "冬梅 美玲 雪梅 慧敏 佳怡 欣怡 雨涵 梦瑶 子涵 思雨 素芳 翠兰 文静 艳红 亚楠 丽敏 小红 "
    "晓丽 静 丽 敏 芳 娟 艳 霞 燕 颖 婷 洁 琳 倩 莉 萍"
).split()

VILLAGES = (
    "赵八村 南孟村 北孟村 大兴庄 东马庄 西张庄 小堡村 韩家庄 白庄 刘家庄 王家庄 北马庄 "
    "南白庄 东张庄 杜家庄 前营村 后营村 西马庄 枣营村 耿家庄"
).split()
VILLAGE_SPOTS = (
    "村东农田 村西坑塘边 村南路口 村北机井旁 村委会东侧 村内主街 文化广场附近 小学门口 "
    "村东排水沟旁 村西旧砖厂 村南苗圃 村北林带 村口 村中心街 村东南角 村西大渠旁"
).split()
FIELD_SPOTS = "村东农田 村西农田 村南农田 村北农田 村东林带 村南机井旁 村北苗圃".split()
TOWN_PLACES = (
    "赵八镇集贸市场 赵八大街 镇政府东侧路口 赵八中学门口 镇卫生院门前 赵八镇工业区 "
    "赵八镇汽车站附近 赵八大街与南环路交叉口"
).split()
ROADS = (
    "深安线赵八段 赵八至南孟村道路 大兴庄至东马庄乡道 赵八大街东段 滹沱河大堤路 北孟村至小堡村道路"
).split()
STREETS = "东街 西街 南街 北街 前街 后街 中心街 新街".split()

SHOP_WORDS = (
    "宏达 鑫源 金穗 丰泽 振兴 永盛 德顺 兴旺 利民 福源 恒通 润丰 聚源 广丰 华泰 众鑫 长青 "
    "瑞丰 嘉禾 盛达 泰和 通达 新星 康源 冀中 益农 绿源 金鼎 宏远 顺发"
).split()
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 166 176 177 178 "
    "180 181 182 183 185 186 187 188 189 195 198 199"
).split()


# --- generators ---------------------------------------------------------------


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def person_name(rng: random.Random, male: bool | None = None) -> tuple[str, bool]:
    if male is None:
        male = rng.random() < 0.55
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return surname(rng) + given, male


def id_number(rng: random.Random, male: bool, today: date) -> str:
    """A GB 11643 公民身份号码 with a correct check character."""
    region = REGION if rng.random() < 0.85 else rng.choice(NEIGHBOUR_REGIONS)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    if (today - born).days < 18 * 365:
        born = born.replace(year=born.year - 20)
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(rng: random.Random, kind: str) -> str:
    """A GB 32100 统一社会信用代码 (工商, 深泽县) with a correct check character."""
    category = "1" if kind.endswith(("厂", "公司")) else "3" if kind.endswith("社") else "2"
    body8 = "MA0" + "".join(rng.choice(_CODE_CHARS) for _ in range(5))
    first17 = f"9{category}{REGION}{body8}{org_code_check_char(body8)}"
    return first17 + uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def village_place(rng: random.Random) -> tuple[str, str]:
    village = rng.choice(VILLAGES)
    return village, village + rng.choice(VILLAGE_SPOTS)


def place_for(rng: random.Random, kind: str) -> tuple[str, str]:
    """(village, place) for a matter's kind of place."""
    village = rng.choice(VILLAGES)
    if kind == "town":
        return village, rng.choice(TOWN_PLACES) if rng.random() < 0.7 else village + "村内主街"
    if kind == "road":
        return village, rng.choice(ROADS)
    if kind == "river":
        return village, f"滹沱河{village}段"
    if kind == "field":
        return village, village + rng.choice(FIELD_SPOTS)
    return village, village + rng.choice(VILLAGE_SPOTS)


def home_address(rng: random.Random, village: str | None = None) -> str:
    village = village or rng.choice(VILLAGES)
    return f"河北省深泽县赵八镇{village}{rng.choice(STREETS)}{rng.randrange(1, 120)}号"


def business_name(rng: random.Random, kind: str, owner: str) -> str:
    word = rng.choice(SHOP_WORDS)
    if kind.endswith("有限公司"):
        return f"深泽县{word}{kind}"
    r = rng.random()
    if r < 0.55:
        return f"深泽县赵八镇{word}{kind}"
    if r < 0.8:
        return f"深泽县赵八镇{owner}{kind}"
    return f"{word}{kind}"


PARTY_KEYS = (
    "party_kind",
    "party_name",
    "party_id_number",
    "party_credit_code",
    "party_address",
    "party_phone",
)
