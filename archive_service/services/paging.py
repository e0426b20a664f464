"""Row ids and keyset pagination shared by every list: `?limit=&cursor=` -> {"items", "next_cursor"}."""
from ..domain.errors import InvalidInput

PAGE_MAX = 500
MAX_ID = 2**63 - 1  # the largest id either database can hold


def row_id(value):
    """`value` when it can be a row id (a whole number the database can hold), else None."""
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    return value if ok else None


def page_size(limit, default=100):
    if limit in (None, ""):
        return default
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise InvalidInput("request.invalid_limit", "limit 必须是整数", errors={"limit": "必须是整数"}) from None
    if not 1 <= limit <= PAGE_MAX:
        raise InvalidInput("request.invalid_limit", f"limit 必须在 1 到 {PAGE_MAX} 之间",
                           errors={"limit": f"必须在 1 到 {PAGE_MAX} 之间"})
    return limit


def cursor_id(cursor):
    try:
        value = int(cursor)
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 <= value <= MAX_ID:
        raise InvalidInput("request.invalid_cursor", "cursor 无效", errors={"cursor": "无效"})
    return value


def page_by_id_desc(query, id_field, *, limit, cursor, view):
    """Newest first by `id_field`; `cursor` is the last id of the previous page."""
    limit = page_size(limit)
    if cursor:
        query = query.where(id_field < cursor_id(cursor))
    rows = list(query.order_by(id_field.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [view(r) for r in rows], "next_cursor": str(rows[-1].id) if more and rows else None}
