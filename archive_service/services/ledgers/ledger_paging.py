"""What the two R3 ledgers share (the archive ledger in archive_ledger.py, the certificate ledger
in certificate_ledger.py): filter values checked with zh-CN 422s, a place with everything inside
it, the sort, and keyset pages both ways.

A cursor carries the sort key's raw value (as stored, before any view formats it), the row id and
the direction, so the next statement starts exactly after (or before) that row."""
import base64
import json
from datetime import date, datetime

from peewee import Tuple

from ...domain.errors import InvalidInput, require
from ...domain.timeutil import parse_date
from ...paging import MAX_ID


def bad_filter(field, message):
    return InvalidInput("request.invalid_filter", f"筛选条件 {field} 无效:{message}", errors={field: message})


def whole_number(value, field, low=1, high=MAX_ID):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise bad_filter(field, f"必须是 {low}–{high} 的整数")
    return number


def filter_day(value, field):
    day = parse_date(value, field)
    if not date(2000, 1, 1) <= day <= date(2099, 12, 31):
        raise bad_filter(field, "日期必须在 2000-01-01 到 2099-12-31 之间")
    return day


def one_of(value, field, names):
    """`value` when it is a key of `names` ({code: zh-CN name}), else 422 naming the choices."""
    choices = "、".join(f"{code}({name})" for code, name in names.items())
    require(value in names, InvalidInput, "request.invalid_filter", f"筛选条件 {field} 必须是 {choices} 之一",
            errors={field: choices})
    return value


def used(filters, names):
    """The filters that are known and not empty."""
    return {k: v for k, v in (filters or {}).items() if k in names and v not in (None, "")}


def subtree(places, code):
    """Ids of the place with this code and every place inside it; `places` are (id, code, parent)
    rows of the whole (small) tree, read in one statement."""
    start = next((i for i, c, _ in places if c == code), None)
    if start is None:
        raise bad_filter("location", f"找不到存放位置 {code}")
    found, frontier = {start}, {start}
    while frontier:
        frontier = {i for i, _, parent in places if parent in frontier} - found
        found |= frontier
    return sorted(found)


def parse_sort(sort, sorts, default):
    """(key, descending) of `sort` ("key" or "-key", a key of `sorts`), or 422."""
    sort = sort or default
    key = sort.lstrip("-")
    require(key in sorts, InvalidInput, "request.invalid_sort", f"排序字段必须是 {'、'.join(sorts)} 之一",
            errors={"sort": "、".join(sorts)})
    return key, sort.startswith("-")


def sort_text(key, descending):
    return f"{'-' if descending else ''}{key}"


def encode(value, row_id, back):
    if isinstance(value, datetime | date):
        value = value.isoformat()
    raw = json.dumps([value, row_id, back], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor, read_value):
    """(value, row id, back) of a cursor; `read_value` turns the JSON value back into the key's
    type, raising ValueError or TypeError when it cannot be one."""
    try:
        value, row_id, back = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value = read_value(value)
        ok = read_int(row_id) is not None and isinstance(back, bool)
    except (ValueError, TypeError, UnicodeDecodeError):
        ok = False
    require(ok, InvalidInput, "request.invalid_cursor", "cursor 无效", errors={"cursor": "无效"})
    return value, row_id, back


def after(cursor, column, id_column, descending, read_value):
    """([the keyset condition of `cursor`] or [], whether the cursor pages backwards)."""
    if not cursor:
        return [], False
    value, row_id, back = _decode(str(cursor), read_value)
    keyset, anchor = Tuple(column, id_column), Tuple(value, row_id)
    return [keyset < anchor if descending != back else keyset > anchor], back


def order(column, id_column, key_is_id, newest_first):
    """The ORDER BY of a keyset page: the sort column, then the id to break ties."""
    terms = [column.desc() if newest_first else column.asc()]
    if not key_is_id:
        terms.append(id_column.desc() if newest_first else id_column.asc())
    return terms


def cut(rows, limit, cursor, back, key_of):
    """(the page's rows in display order, next_cursor, prev_cursor) from up to limit + 1 raw rows
    read in the statement's order; `key_of(row)` is (the raw sort value, the row id)."""
    more = len(rows) > limit
    rows = rows[:limit]
    if back:
        rows.reverse()
    has_next, has_prev = (bool(cursor), more) if back else (more, bool(cursor))
    next_cursor = encode(*key_of(rows[-1]), False) if rows and has_next else None
    prev_cursor = encode(*key_of(rows[0]), True) if rows and has_prev else None
    return rows, next_cursor, prev_cursor


def read_int(value):
    """A whole number a column can hold (a larger one would fail in the driver, not here)."""
    if not isinstance(value, int) or isinstance(value, bool) or not -MAX_ID <= value <= MAX_ID:
        raise TypeError("not a whole number a column holds")
    return value


def read_text(value):
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def read_time(value):
    """A stored moment: naive UTC, as the cursor was given it."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        raise ValueError("a stored moment carries no time zone")
    return moment
