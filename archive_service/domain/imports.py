"""Reading rows of a legacy ledger or a disbursement export: which column is which, and each
cell's value checked. Pure: the rows come in as lists of cell values (str, int, float, date,
datetime or None); every problem is reported as (column header, zh-CN message)."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from .customers import BUSINESSES
from .errors import InvalidInput, require

HEADER_SCAN = 10  # the header row is looked for among the first rows (a title row may come first)
MAX_ROWS = 100_000
MAX_ERRORS = 1000  # listed in a report; the count says how many there were in all
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
BUSINESS_NAMES = {**{v: k for k, v in BUSINESSES.items()}, **{k: k for k in BUSINESSES},
                  "小额贷款": "loan", "贷款": "loan", "融资担保": "guarantee"}
DATE_RES = (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
            re.compile(r"^(\d{4})(\d{2})(\d{2})$"))


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # the usual header, also the column name in reports
    aliases: tuple = ()
    required: bool = True

    def names(self):
        return {self.header, *self.aliases}


def _norm(text):
    return re.sub(r"\s+", "", str(text or "")).replace("(", "(").replace(")", ")")


def find_header(rows, fields, mapping=None):
    """(index of the header row in `rows`, {field key: column index}, [ignored headers]).
    `mapping` ({field key or usual header: header in the file}) overrides the usual names."""
    names = {f.key: {_norm(n) for n in f.names()} for f in fields}
    for key, header in (mapping or {}).items():
        field = next((f for f in fields if key in (f.key, f.header)), None)
        require(field is not None and isinstance(header, str), InvalidInput, "import.invalid_mapping",
                f"列映射无效:{key}", errors={"mapping": f"未知字段 {key}"})
        names[field.key] = {_norm(header)}
    best = None
    for index, row in enumerate(rows[:HEADER_SCAN]):
        cells = [_norm(c) for c in row]
        found = {key: cells.index(n) for key, wanted in names.items() for n in wanted if n in cells}
        if best is None or len(found) > len(best[1]):
            best = (index, found, cells)
    index, found, cells = best or (0, {}, [])
    missing = [f.header for f in fields if f.required and f.key not in found]
    require(not missing, InvalidInput, "import.missing_columns", f"缺少必需的列:{'、'.join(missing)}",
            errors={"columns": f"缺少 {'、'.join(missing)}"}, details={"missing": missing, "found": cells})
    used = set(found.values())
    doubled = [f.header for f in fields if f.key in found and list(found.values()).count(found[f.key]) > 1]
    require(not doubled, InvalidInput, "import.ambiguous_columns", f"多个字段对应同一列:{'、'.join(doubled)}",
            errors={"columns": "列映射重复"})
    ignored = [c for n, c in enumerate(cells) if c and n not in used]
    return index, found, ignored


class CellError(Exception):
    """A cell that cannot be read; its message is shown to the user."""


def formula(value):
    if isinstance(value, str) and value.startswith("="):
        raise CellError("单元格是公式,请先复制并“粘贴为数值”")
    return value


def text(value, max_len, required=True):
    formula(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value if value is not None else "")
    if not result.isprintable():
        result = "".join(ch for ch in result if ch.isprintable())
    result = result.strip()
    if required and not result:
        raise CellError("不能为空")
    if len(result) > max_len:
        raise CellError(f"不能超过 {max_len} 字")
    return result


def day(value):
    """A date from a date cell or from text such as 2018-03-09, 2018/3/9, 2018年3月9日 or 20180309."""
    formula(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        value = _date_from_text(str(value).strip())
    if not isinstance(value, date):
        raise CellError("不是日期,应为 2018-03-09 这样的日期")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise CellError("日期必须在 2000-01-01 到 2099-12-31 之间")
    return value


def _date_from_text(text):
    for pattern in DATE_RES:
        match = pattern.match(text)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                raise CellError(f"日期无效:{text}") from None
    raise CellError(f"日期无效:{text},应为 2018-03-09 这样的日期")


def count(value, maximum=100_000):
    """A whole number from 1 to `maximum`."""
    formula(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= maximum:
        raise CellError(f"必须是 1 到 {maximum} 的整数")
    return value


def business(value):
    name = text(value, 10)
    if name not in BUSINESS_NAMES:
        raise CellError("业务类型必须是 小贷 或 担保")
    return BUSINESS_NAMES[name]


def read_row(fields, columns, values, readers):
    """({key: value}, [(header, message)]) of one data row; `readers` maps a field key to its reader."""
    clean, problems = {}, []
    for field in fields:
        index = columns.get(field.key)
        raw = values[index] if index is not None and index < len(values) else None
        if raw in (None, "") and not field.required:
            clean[field.key] = None
            continue
        try:
            clean[field.key] = readers[field.key](raw)
        except CellError as e:
            problems.append((field.header, str(e)))
    return clean, problems


def blank(values):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
