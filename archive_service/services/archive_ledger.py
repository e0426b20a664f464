"""The archive ledger list (档案台帐, R3): filters, sorting, keyset pages with a total count and
previous/next, the same for the page, the API, the printable layout and the exports.

A page costs the same statements whatever it holds: the rows with their project, customer,
managers, place and page total in one select, and one count."""
import base64
import json
from datetime import date, datetime, timedelta

from peewee import JOIN, Tuple, fn

from ..domain.customers import BUSINESSES
from ..domain.errors import InvalidInput, require
from ..domain.permissions import require_permission
from ..domain.timeutil import iso_local, local_day_start, parse_date
from ..models import ArchiveFile, Customer, HandoverItem, Location, Project, User
from .ledgers import STATUSES, retention_fields
from .paging import page_size

SORTS = {"id": ArchiveFile.id, "archive_no": ArchiveFile.archive_no, "received_at": ArchiveFile.received_at,
         "year": ArchiveFile.year}
DEFAULT_SORT = "-id"
FILTERS = ("q", "year", "business", "status", "location", "manager", "customer", "received_from", "received_to",
           "ended_from", "ended_to", "imported")
A, B = User.alias("a"), User.alias("b")


def _bad(field, message):
    return InvalidInput("request.invalid_filter", f"筛选条件 {field} 无效:{message}", errors={field: message})


def _int(value, field, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise _bad(field, f"必须是 {low}–{high} 的整数")
    return number


def _day(value, field):
    day = parse_date(value, field)
    if not date(2000, 1, 1) <= day <= date(2099, 12, 31):
        raise _bad(field, "日期必须在 2000-01-01 到 2099-12-31 之间")
    return day


def _descendants(code):
    """Ids of the location with this code and every place inside it (one query over the small tree)."""
    rows = list(Location.select(Location.id, Location.code, Location.parent).tuples())
    start = next((i for i, c, _ in rows if c == code), None)
    if start is None:
        raise _bad("location", f"找不到存放位置 {code}")
    found, frontier = {start}, {start}
    while frontier:
        frontier = {i for i, _, parent in rows if parent in frontier} - found
        found |= frontier
    return list(found)


def conditions(filters):
    """The where-clauses of the ledger's filters (unknown or empty filters are ignored)."""
    f = {k: v for k, v in (filters or {}).items() if k in FILTERS and v not in (None, "")}
    where = []
    if "year" in f:
        where.append(ArchiveFile.year == _int(f["year"], "year", 1, 9999))
    if "business" in f:
        require(f["business"] in BUSINESSES, InvalidInput, "request.invalid_filter",
                "business 必须是 loan 或 guarantee", errors={"business": "loan 或 guarantee"})
        where.append(ArchiveFile.business == f["business"])
    if "status" in f:
        require(f["status"] in STATUSES, InvalidInput, "request.invalid_filter",
                "status 必须是 in_archive、voided 或 destroyed",
                errors={"status": "in_archive、voided 或 destroyed"})
        where.append(ArchiveFile.status == f["status"])
    if "location" in f:
        where.append(ArchiveFile.location.in_(_descendants(str(f["location"]))))
    if "manager" in f:
        where.append((A.username == f["manager"]) | (B.username == f["manager"]))
    if "customer" in f:
        where.append(Project.customer == _int(f["customer"], "customer", 1, 2**63 - 1))
    if "received_from" in f:
        where.append(ArchiveFile.received_at >= local_day_start(_day(f["received_from"], "received_from")))
    if "received_to" in f:
        where.append(ArchiveFile.received_at < local_day_start(_day(f["received_to"], "received_to") + timedelta(1)))
    if "ended_from" in f:
        where.append(Project.ended_on >= _day(f["ended_from"], "ended_from"))
    if "ended_to" in f:
        where.append(Project.ended_on <= _day(f["ended_to"], "ended_to"))
    if "imported" in f:
        where.append(ArchiveFile.imported == (str(f["imported"]).lower() in ("true", "1")))
    if "q" in f:
        q = str(f["q"]).strip()[:100]
        where.append(ArchiveFile.archive_no.contains(q) | Project.title.contains(q) | Customer.name.contains(q)
                     | Project.code.contains(q))
    return where


def _base(where):
    pages = HandoverItem.select(fn.SUM(HandoverItem.pages)).where(HandoverItem.handover == ArchiveFile.handover)
    query = (ArchiveFile.select(ArchiveFile, Project, Customer, Location, A.display_name, B.display_name,
                                pages.alias("pages"))
             .join(Project).join(Customer)
             .switch(Project).join(A, on=(Project.a_user == A.id), attr="a_user")
             .switch(Project).join(B, on=(Project.b_user == B.id), attr="b_user")
             .switch(ArchiveFile).join(Location, JOIN.LEFT_OUTER))
    return query.where(*where) if where else query


def _sort(sort):
    sort = sort or DEFAULT_SORT
    key = sort.lstrip("-")
    require(key in SORTS, InvalidInput, "request.invalid_sort", f"排序字段必须是 {'、'.join(SORTS)} 之一",
            errors={"sort": "、".join(SORTS)})
    return key, sort.startswith("-")


def _encode(key_value, row_id, back):
    if isinstance(key_value, datetime):
        key_value = key_value.isoformat()
    raw = json.dumps([key_value, row_id, back], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor, key):
    try:
        value, row_id, back = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if key == "received_at":
            value = datetime.fromisoformat(value)
        ok = isinstance(row_id, int) and isinstance(back, bool) and (key != "year" or isinstance(value, int))
    except (ValueError, TypeError, UnicodeDecodeError):
        ok = False
    require(ok, InvalidInput, "request.invalid_cursor", "cursor 无效", errors={"cursor": "无效"})
    return value, row_id, back


def page(actor, *, sort=None, limit=None, cursor=None, **filters):
    """{"items", "total", "next_cursor", "prev_cursor", "sort"}: one page of the filtered ledger."""
    require_permission(actor, "archives.view")
    key, descending = _sort(sort)
    limit = page_size(limit)
    where = conditions(filters)
    column = SORTS[key]
    query, back = _base(where), False
    if cursor:
        value, row_id, back = _decode(str(cursor), key)
        after = (Tuple(column, ArchiveFile.id) < Tuple(value, row_id)) if descending != back else \
            (Tuple(column, ArchiveFile.id) > Tuple(value, row_id))
        query = query.where(after)
    forward = descending != back
    order = (column.desc(), ArchiveFile.id.desc()) if forward else (column.asc(), ArchiveFile.id.asc())
    rows = list(query.order_by(*order).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    if back:
        rows.reverse()
    total = _base(where).count()
    has_next, has_prev = (bool(cursor), more) if back else (more, bool(cursor))
    return {"items": [_row(r) for r in rows], "total": total, "sort": f"{'-' if descending else ''}{key}",
            "next_cursor": _encode(getattr(rows[-1], key), rows[-1].id, False) if rows and has_next else None,
            "prev_cursor": _encode(getattr(rows[0], key), rows[0].id, True) if rows and has_prev else None}


def rows(actor, *, sort=None, **filters):
    """Every row of the filtered ledger, page by page (for exports and the printable layout)."""
    cursor = None
    while True:
        found = page(actor, sort=sort, limit=500, cursor=cursor, **filters)
        yield from found["items"]
        cursor = found["next_cursor"]
        if not cursor:
            return


def _row(archive):
    project = archive.project
    return {"id": archive.id, "archive_no": archive.archive_no, "status": archive.status,
            "status_name": STATUSES[archive.status], "business": archive.business,
            "business_name": BUSINESSES[archive.business], "year": archive.year,
            "project_id": project.id, "project_code": project.code, "project_title": project.title,
            "customer_id": project.customer.id, "customer_name": project.customer.name,
            "a_user_name": project.a_user.display_name, "b_user_name": project.b_user.display_name,
            "ended_on": project.ended_on.isoformat(), "pages": int(archive.pages or 0),
            "location": archive.location.code if archive.location_id else None,
            "received_at": iso_local(archive.received_at), "imported": archive.imported,
            **retention_fields(archive)}


def received_local(row):
    """The row's receipt time as the naive local time a spreadsheet shows."""
    return datetime.fromisoformat(row["received_at"]).replace(tzinfo=None) if row["received_at"] else None
