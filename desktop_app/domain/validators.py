"""Input validators with Chinese messages (reliability notes §5).

Each ``check_*`` returns the normalised value or raises :class:`ValidationError`
whose text is shown to the user as is. Table-based checks that official
tables may outgrow (GB 32100 department/type codes) are warnings, not errors.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from desktop_app.domain import clock

__all__ = [
    "ValidationError",
    "check_credit_code",
    "check_date_order",
    "check_id_number",
    "check_phone",
    "check_text",
    "credit_code_warnings",
    "id_check_char",
    "is_valid_resident_id",
    "is_valid_uscc",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalize_code",
    "org_code_check_char",
    "parse_date",
    "uscc_check_char",
]


class ValidationError(ValueError):
    """Bad input; ``str(e)`` is the Chinese message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- codes ------------------------------------------------------------------

_DROP_IN_CODES = frozenset(
    " \t\r\n\u00a0\u3000-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
    "\u200b\u200c\u200d\u2060\ufeff"
)


def normalize_code(raw: str) -> str:
    """NFKC (folds 全角 digits/letters), drop spaces, dashes and zero-width
    characters, upper-case."""
    s = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in s if ch not in _DROP_IN_CODES and not ch.isspace()).upper()


def _describe(raw: str, limit: int = 24) -> str:
    """The user's input, shortened, for a message."""
    s = raw.strip()
    return s if len(s) <= limit else s[:limit] + "…"


# GB 11643-1999 公民身份号码: ISO 7064 MOD 11-2.
ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))

# Province-level part of the GB/T 2260 address code; 81/82/83 are the
# 港澳台居民居住证 codes (810000/820000/830000). Finer codes are not checked:
# county codes change, and a person keeps the code of their birth place.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

_ID_EARLIEST_BIRTH_YEAR = 1880


def id_check_char(first17: str) -> str:
    """GB 11643 check character for 17 digits."""
    v = (12 - sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11) % 11
    return "X" if v == 10 else str(v)


def check_id_number(raw: str, today: date | None = None) -> str:
    """GB 11643 公民身份号码 (18 characters; also 港澳台居民居住证).

    Checks length, characters, province code, birth date (a real date, not in
    the future) and the ISO 7064 MOD 11-2 check character. Returns the
    normalised value (``x`` upper-cased).
    """
    s = normalize_code(raw)
    if not s:
        raise ValidationError("身份证号码不能为空")
    if len(s) == 15 and s.isdigit():
        raise ValidationError("这是15位旧身份证号码，请填写18位公民身份号码")
    if len(s) != 18:
        raise ValidationError(f"身份证号码长度应为18位（现有{len(s)}位）")
    if not (s[:17].isascii() and s[:17].isdigit()) or s[17] not in "0123456789X":
        raise ValidationError("身份证号码格式不正确：前17位应为数字，最后一位应为数字或X")
    if s[:2] not in PROVINCE_CODES:
        raise ValidationError(f"身份证号码地区码不正确（{s[:6]}）")
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise ValidationError(f"身份证号码中的出生日期不存在（{s[6:14]}）") from None
    if born.year < _ID_EARLIEST_BIRTH_YEAR:
        raise ValidationError(f"身份证号码中的出生日期不正确（{s[6:14]}）")
    if born > (today or clock.today()):
        raise ValidationError(f"身份证号码中的出生日期晚于今天（{s[6:14]}）")
    if id_check_char(s[:17]) != s[17]:
        raise ValidationError("身份证号码校验码不符，请逐位核对")
    return s


def is_valid_resident_id(text: object, today: date | None = None) -> bool:
    """True when :func:`check_id_number` accepts ``text`` (GB 11643 check
    character, a real birth date not after today, a known province).

    The county part of the address code is not checked, so the ID of someone
    born before their county code existed, or whose county was since merged,
    is valid. Full-width digits, spaces, dashes and a lower-case ``x`` are
    accepted. A 15-digit legacy number is not (the form asks for the 18-digit
    one); anything that is not a string is ``False``, never an exception.
    """
    if not isinstance(text, str):
        return False
    try:
        check_id_number(text, today)
    except ValidationError:
        return False
    return True


# GB 32100-2015 统一社会信用代码: ISO 7064 MOD 31-3.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

# 登记管理部门代码 → (部门, {机构类别代码: 类别}) per GB 32100 + later amendments
# (secondary sources; a mismatch is only a warning).
USCC_DEPARTMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters."""
    s = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 组织机构代码 check character (digits 0–9, letters A=10 … Z=35)."""
    total = 0
    for c, w in zip(first8, _ORG_WEIGHTS, strict=True):
        total += (int(c) if c in "0123456789" else ord(c) - ord("A") + 10) * w
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def check_credit_code(raw: str) -> str:
    """GB 32100 统一社会信用代码: 18 characters of the code alphabet with a
    correct MOD 31-3 check character. Department/type/region table checks are
    warnings only, see :func:`credit_code_warnings`."""
    s = normalize_code(raw)
    if not s:
        raise ValidationError("统一社会信用代码不能为空")
    if len(s) != 18:
        raise ValidationError(f"统一社会信用代码长度应为18位（现有{len(s)}位）")
    bad = [c for c in s if c not in _USCC_VALUE]
    if bad:
        shown = "、".join(dict.fromkeys(bad))
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符「{shown}」（只用数字和大写字母，不用I、O、Z、S、V）"
        )
    if uscc_check_char(s[:17]) != s[17]:
        raise ValidationError("统一社会信用代码校验码不符，请逐位核对")
    return s


def is_valid_uscc(text: object) -> bool:
    """True when :func:`check_credit_code` accepts ``text`` (GB 32100 alphabet
    and MOD 31-3 check character). Department, type and region codes are not
    checked here (tables get amended), so e.g. the 村级集体经济组织 codes
    ``N2…`` are valid; :func:`credit_code_warnings` lists table mismatches."""
    if not isinstance(text, str):
        return False
    try:
        check_credit_code(text)
    except ValidationError:
        return False
    return True


def credit_code_warnings(code: str) -> list[str]:
    """Table mismatches of a (checksum-valid) code, as Chinese warnings."""
    s = normalize_code(code)
    if len(s) != 18 or any(c not in _USCC_VALUE for c in s):
        return []
    warnings: list[str] = []
    dept = USCC_DEPARTMENTS.get(s[0])
    if dept is None:
        warnings.append(f"登记管理部门代码「{s[0]}」不在已知代码表中，请核对")
    elif s[1] not in dept[1]:
        warnings.append(f"机构类别代码「{s[1]}」不在{dept[0]}部门的已知类别中，请核对")
    if s[2:4] not in PROVINCE_CODES and s[2:4] != "10":
        warnings.append(f"登记管理机关行政区划码「{s[2:8]}」不在已知省级代码中，请核对")
    org = s[8:17]
    if org_code_check_char(org[:8]) != org[8]:
        warnings.append(f"主体标识码（组织机构代码）「{org}」校验不符，请核对")
    return warnings


# --- phone ------------------------------------------------------------------

_PHONE_SEPARATOR_CHARS = r"\s\-\u2010-\u2015\u2212\u30fc()（）.·/\\\u00a0\u3000"
_PHONE_SEPARATORS = re.compile(f"[{_PHONE_SEPARATOR_CHARS}]+")
_EXTENSION = re.compile(
    r"^(?P<main>.*?)(?:转|分机|ext\.?|x)(?P<ext>\d{1,6})$", re.IGNORECASE | re.ASCII
)
_PHONE_ALLOWED = re.compile(f"^\\+?[0-9{_PHONE_SEPARATOR_CHARS}]+$", re.ASCII)

_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_TOLL_FREE = re.compile(r"^[48]00\d{7}$", re.ASCII)
# 110, 12345, 95xxx, 96xxx(x)
_SERVICE = re.compile(r"^(?:1\d{2}|1\d{4}|9[56]\d{3,4})$", re.ASCII)
_LOCAL = re.compile(r"^[2-9]\d{6,7}$", re.ASCII)


def _not_a_phone(raw: str) -> ValidationError:
    return ValidationError(
        f"「{_describe(raw)}」不是有效的电话号码：手机号为1开头的11位数字，"
        "固定电话为区号加7至8位号码（可加“转”分机号）"
    )


def _split_landline(digits: str) -> tuple[str, str] | None:
    """0 + area code + 7–8 digit local number; 010 and 02x are 3 digits long."""
    if len(digits) < 2 or not digits.startswith("0") or not digits.isdigit():
        return None
    area_len = 3 if digits[1] in "12" else 4
    area, local = digits[:area_len], digits[area_len:]
    if len(area) == area_len and _LOCAL.match(local):
        return area, local
    return None


def check_phone(raw: str) -> str:
    """A Chinese phone number, normalised.

    Accepts 全角 digits, spaces/dashes/brackets, ``+86``/``0086`` prefixes.
    Returns ``13800000000`` (mobile), ``0311-87654321`` or
    ``0311-87654321转123`` (landline), ``400-123-4567``, a service number
    such as ``12345``, or a 7–8 digit local number as typed (no area code).
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise ValidationError("电话号码不能为空")
    ext = ""
    m = _EXTENSION.match(text.replace(" ", ""))
    if m:
        text, ext = m.group("main"), m.group("ext")
    if not _PHONE_ALLOWED.match(text):
        raise _not_a_phone(raw)
    groups = [g for g in _PHONE_SEPARATORS.split(text) if g]
    digits = "".join(groups)
    international = False
    if digits.startswith("+"):
        if not digits.startswith("+86"):
            raise ValidationError("只支持中国大陆的电话号码（+86）")
        digits, international = digits[3:], True
    elif digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and len(digits) == 13 and _MOBILE.match(digits[2:]):
        digits = digits[2:]
    if "+" in digits:
        raise _not_a_phone(raw)
    if (
        international
        and digits
        and not digits.startswith("0")
        and not _MOBILE.match(digits)
        and not _TOLL_FREE.match(digits)
    ):
        digits = "0" + digits  # +86 10 8765 4321: the trunk 0 is dropped abroad
    if (
        not ext
        and len(groups) >= 3
        and groups[0].lstrip("+").startswith("0")
        and _split_landline("".join(groups[:-1]).lstrip("+")) is not None
        and len(groups[-1]) <= 6
    ):
        # 0311-87654321-123: the last group is an extension
        ext = groups[-1]
        digits = digits[: -len(ext)]

    if _MOBILE.match(digits):
        if ext:
            raise ValidationError("手机号码不能带分机号")
        return digits
    landline = _split_landline(digits)
    if landline is not None:
        main = f"{landline[0]}-{landline[1]}"
        return f"{main}转{ext}" if ext else main
    if ext:
        raise _not_a_phone(raw)
    if _TOLL_FREE.match(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if _SERVICE.match(digits) or _LOCAL.match(digits):
        return digits
    raise _not_a_phone(raw)


# --- dates ------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$", re.ASCII),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII),
)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def parse_date(raw: str) -> date:
    """One of 2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日, 20240501.

    Two-digit years and anything else are refused rather than guessed.
    """
    s = unicodedata.normalize("NFKC", raw or "").strip()
    if not s:
        raise ValidationError("日期不能为空")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            break
    else:
        raise ValidationError(f"无法识别的日期「{_describe(raw)}」，请按2024-05-01的格式填写")
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        raise ValidationError(f"年份{y}超出范围（{_MIN_YEAR}—{_MAX_YEAR}）")
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValidationError(f"日期不存在：{y}年{mo}月{d}日") from None


def check_date_order(
    earlier: date | datetime | None,
    later: date | datetime | None,
    earlier_label: str,
    later_label: str,
) -> None:
    """``later`` must not be before ``earlier`` (e.g. 结案日期 after 受理日期).

    Missing values are not checked; a date compared with a date-time compares
    the dates only.
    """
    if earlier is None or later is None:
        return
    a, b = earlier, later
    if isinstance(a, datetime) != isinstance(b, datetime):
        a = a.date() if isinstance(a, datetime) else a
        b = b.date() if isinstance(b, datetime) else b
    if b < a:
        raise ValidationError(f"「{later_label}」不能早于「{earlier_label}」")


# --- text -------------------------------------------------------------------


def check_text(raw: str | None, label: str, *, max_len: int, required: bool = False) -> str:
    """Trimmed text of at most ``max_len`` code points (a rare character such
    as 𠀀 or an emoji counts as one). Line breaks are normalised to ``\\n``;
    control characters other than newline and tab are refused."""
    s = (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not s:
        if required:
            raise ValidationError(f"「{label}」不能为空")
        return ""
    for ch in s:
        cat = unicodedata.category(ch)
        if cat == "Cc" and ch not in "\n\t":
            raise ValidationError(f"「{label}」含有不可见的控制字符，请删除后重新输入")
        if cat == "Cs":
            raise ValidationError(f"「{label}」含有无法保存的字符，请删除后重新输入")
    n = len(s)
    if n > max_len:
        raise ValidationError(f"「{label}」不能超过{max_len}个字（现有{n}个字）")
    return s


# --- masking (for roles that may not see a complainant) ---------------------


def mask_name(name: str | None) -> str:
    """王* / 王*明 / 欧**娜: keep the first and (from three characters) the last."""
    s = (name or "").strip()
    if not s:
        return ""
    if len(s) == 1:
        return "*"
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def mask_phone(phone: str | None) -> str:
    """138****0000: keep the first three and the last four characters."""
    s = (phone or "").strip()
    if not s:
        return ""
    try:
        s = check_phone(s)
    except ValidationError:
        s = normalize_code(s)
    if s.startswith("0") and "-" in s:  # 0311-****4321 (an extension is not shown)
        area, local = s.split("-", 1)
        local = local.split("转", 1)[0]
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    if len(s) <= 7:
        return "*" * (len(s) - 2) + s[-2:] if len(s) > 2 else "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_id_number(id_number: str | None) -> str:
    """1101**********123X: keep the first four and the last four characters."""
    s = normalize_code(id_number or "")
    if not s:
        return ""
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]
