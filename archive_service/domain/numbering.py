"""Archive numbers (档号), item numbers and contract numbers (R13, R20, R9).

The archive number comes from a pattern of named segments. The default is
`{business}-{year}-{seq:04d}` (XD-2026-0001). A pattern may also use the DA/T 13-2022 档号
segments: `{fonds}` 全宗号, `{category}` 档案门类代码, `{year}` 年度, `{retention}` 保管期限
(Y 永久 / D30 定期30年 / D10 定期10年), `{org}` 机构(问题)代码 and `{seq}` 件号, e.g.
`{fonds}-{category}·{year}-{retention}-{org}-{seq:04d}`.

Pure: no database. The sequence itself is allocated by the service from a locked counter.
"""
import functools
import re
import string
from dataclasses import dataclass

from .errors import InvalidInput, require

BUSINESS_CODES = {"loan": "XD", "guarantee": "DB"}
RETENTION_PERIODS = ("Y", "D30", "D10")
DEFAULT_PATTERN = "{business}-{year}-{seq:04d}"
SEGMENTS = ("business", "fonds", "category", "year", "retention", "org", "seq")
SEGMENT_RE = re.compile(r"^[0-9A-Za-z]{1,16}$")
MAX_ITEMS = 999
MAX_LENGTH = 60  # the stored archive number, with room for "-HT99" item and contract suffixes
MAX_CONTRACTS = 99


@dataclass(frozen=True)
class NumberingScheme:
    """A pattern and the fixed segment values it is filled with."""

    pattern: str = DEFAULT_PATTERN
    fonds: str = ""
    category: str = "KH"
    retention: str = "Y"
    org: str = ""

    def __post_init__(self):
        check_pattern(self.pattern)
        require(self.retention in RETENTION_PERIODS, InvalidInput, "numbering.invalid_retention",
                f"保管期限必须是 {'/'.join(RETENTION_PERIODS)} 之一", errors={"retention": "Y、D30 或 D10"})
        for name in ("fonds", "category", "org"):
            value = getattr(self, name)
            used = name in pattern_fields(self.pattern)
            require(not used or SEGMENT_RE.match(value), InvalidInput, "numbering.invalid_segment",
                    f"{name} 必须是 1–16 位字母或数字", errors={name: "1–16 位字母或数字"})
        longest = max((self.archive_no(b, 2026, 99999) for b in BUSINESS_CODES), key=len)
        require(len(longest) <= MAX_LENGTH, InvalidInput, "numbering.too_long",
                f"档号不能超过 {MAX_LENGTH} 个字符", errors={"pattern": f"档号不超过 {MAX_LENGTH} 字符"})

    def series(self, business, year):
        """The key of the sequence a number belongs to: the number with its `seq` left out."""
        return _fill(self.pattern, self._values(business, year), seq="#")

    def archive_no(self, business, year, seq):
        require(isinstance(seq, int) and seq >= 1, InvalidInput, "numbering.invalid_seq", "件号必须是正整数")
        return _fill(self.pattern, self._values(business, year), seq=seq)

    def parse(self, archive_no):
        """(business, year, seq) of a number written in this scheme, or None when it is not one
        (business is None when the pattern does not show it)."""
        match = _number_re(self).fullmatch(archive_no or "")
        if not match or int(match["seq"]) < 1:
            return None
        codes = {code: key for key, code in BUSINESS_CODES.items()}
        business = codes.get(match.groupdict().get("business"))
        year, seq = int(match["year"]), int(match["seq"])
        if self.archive_no(business or "loan", year, seq) != archive_no:
            return None
        return business, year, seq

    def _values(self, business, year):
        require(business in BUSINESS_CODES, InvalidInput, "numbering.unknown_business", f"未知业务类型:{business}")
        return {"business": BUSINESS_CODES[business], "year": year, "fonds": self.fonds,
                "category": self.category, "retention": self.retention, "org": self.org}


@functools.lru_cache(maxsize=16)
def _number_re(scheme):
    parts = []
    for literal, name, _, _ in string.Formatter().parse(scheme.pattern):
        parts.append(re.escape(literal))
        if name == "business":
            parts.append("(?P<business>" + "|".join(BUSINESS_CODES.values()) + ")")
        elif name in ("year", "seq"):
            parts.append(f"(?P<{name}>[0-9]{{1,{4 if name == 'year' else 9}}})")
        elif name is not None:
            parts.append(re.escape(getattr(scheme, name)))
    return re.compile("".join(parts))


def pattern_fields(pattern):
    try:
        return [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        raise InvalidInput("numbering.invalid_pattern", "档号格式无效", errors={"pattern": "括号不匹配"}) from None


def check_pattern(pattern):
    """A pattern must name `{year}` (R20 files by year) and `{seq}` once, and only known segments."""
    require(isinstance(pattern, str) and 0 < len(pattern) <= 100, InvalidInput, "numbering.invalid_pattern",
            "档号格式不能为空且不超过 100 字", errors={"pattern": "1–100 字"})
    names = pattern_fields(pattern)
    unknown = sorted(set(names) - set(SEGMENTS))
    require(not unknown, InvalidInput, "numbering.invalid_pattern", f"档号格式含未知字段:{', '.join(unknown)}",
            errors={"pattern": f"可用字段:{', '.join(SEGMENTS)}"})
    require(names.count("seq") == 1 and "year" in names, InvalidInput, "numbering.invalid_pattern",
            "档号格式必须包含一个 {seq} 和 {year}", errors={"pattern": "必须包含 {seq} 和 {year}"})
    try:
        _fill(pattern, {"business": "XD", "year": 2026, "fonds": "F", "category": "C", "retention": "Y",
                        "org": "O"}, seq=1)
    except (ValueError, IndexError, KeyError):
        raise InvalidInput("numbering.invalid_pattern", "档号格式无效", errors={"pattern": "格式说明无效"}) from None


def _fill(pattern, values, seq):
    if seq == "#":
        pattern = re.sub(r"\{seq(:[^}]*)?\}", "#", pattern)
        return pattern.format(**values)
    return pattern.format(**values, seq=seq)


@dataclass(frozen=True)
class ItemNumber:
    number: str | None
    contract_number: str | None


def item_numbers(archive_no, items):
    """Numbers for the items of one file, given as (part, position, attachment, contract) in any
    order; returns ItemNumbers in the same order as given. Non-attachments are numbered
    `{archive_no}-001…` in part order; non-attachment contracts also `{archive_no}-HT01…`;
    attachments (附件) get no number at all (R9)."""
    order = sorted(range(len(items)), key=lambda i: (items[i][0], items[i][1]))
    result = [ItemNumber(None, None)] * len(items)
    seq = contracts = 0
    for i in order:
        _, _, attachment, contract = items[i]
        if attachment:
            continue
        seq += 1
        contracts += bool(contract)
        require(seq <= MAX_ITEMS and contracts <= MAX_CONTRACTS, InvalidInput, "numbering.too_many_items",
                f"一份档案最多 {MAX_ITEMS} 项、{MAX_CONTRACTS} 份合同")
        result[i] = ItemNumber(f"{archive_no}-{seq:03d}", f"{archive_no}-HT{contracts:02d}" if contract else None)
    return result
