"""Row ids and keyset pagination shared by every list: `?limit=&cursor=` -> {"items", "next_cursor"}."""
import json

from .domain.errors import InvalidInput

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


def text_cursor(cursor):
    """A cursor that is a text key (a username, a location code)."""
    if not isinstance(cursor, str) or len(cursor) > 200:
        raise InvalidInput("request.invalid_cursor", "cursor 无效", errors={"cursor": "无效"})
    return cursor


def keyset_page(query, key, *, limit, cursor, view=None, views=None, descending=False, parse_cursor=cursor_id):
    """One page of `query` ordered by the unique column `key`: {"items", "next_cursor"}; `cursor`
    is the key of the previous page's last row. Items come from `view(row)` per row, or from
    `views(rows)` for the whole page at once (one query for what all the rows refer to)."""
    limit = page_size(limit)
    if cursor:
        after = parse_cursor(cursor)
        query = query.where(key < after if descending else key > after)
    rows = list(query.order_by(key.desc() if descending else key).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    items = views(rows) if views is not None else [view(r) for r in rows]
    return {"items": items, "next_cursor": str(getattr(rows[-1], key.name)) if more and rows else None}


def page_by_id_desc(query, id_field, *, limit, cursor, view=None, views=None):
    """Newest first by `id_field`; `cursor` is the last id of the previous page."""
    return keyset_page(query, id_field, limit=limit, cursor=cursor, view=view, views=views, descending=True)


def page_by_id(query, id_field, *, limit, cursor, view=None, views=None):
    """Oldest first by `id_field`; `cursor` is the last id of the previous page."""
    return keyset_page(query, id_field, limit=limit, cursor=cursor, view=view, views=views)


def page_sorted(items, sort_key, *, limit, cursor):
    """A page of items already built and sorted by `sort_key(item)` (a tuple of str/int, unique per
    item), for lists ordered by what only the service computes (a due date). The cursor is the
    last item's key."""
    limit = page_size(limit)
    if cursor:
        after = _sorted_cursor(cursor)
        try:
            items = [i for i in items if list(sort_key(i)) > after]
        except TypeError:
            raise InvalidInput("request.invalid_cursor", "cursor 无效", errors={"cursor": "无效"}) from None
    page = items[:limit]
    more = len(items) > limit
    return {"items": page, "next_cursor": json.dumps(list(sort_key(page[-1])), ensure_ascii=False) if more else None}


def _sorted_cursor(cursor):
    try:
        key = json.loads(cursor)
    except (TypeError, ValueError):
        key = None
    if not isinstance(key, list) or not all(isinstance(k, str | int) for k in key):
        raise InvalidInput("request.invalid_cursor", "cursor 无效", errors={"cursor": "无效"})
    return key
