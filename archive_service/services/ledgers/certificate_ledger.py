"""The certificate ledger (权证档案台帐, R3): filters, sorting, keyset pages with a total count and
previous/next, the same for the page, the API, the printable layout and the exports.

What the filters mean to a records clerk:
- `year` is the year of the certificate's project end (normally the disbursement), the year the
  archive ledger files the same project's file under, so a year shows a project's file and its
  certificates together;
- `stored_from`/`stored_to` bound the local day the certificates went into the safe: the moment
  the custodian's check stored their list (the list's `stored_at`, also the time of their `store`
  movement); a certificate still being checked has none and matches no date range;
- `location` is a place and everything inside it, `manager` the project's A or B (by username),
  `customer` the customer's id, `project` a project code or id, `q` part of a number, title,
  owner, customer or project code, or a whole label code.

A page costs the same statements whatever it holds: the rows with their kind, list, project,
customer and managers in one select, one count, and one read of the location tree (for the
places' paths and the `location` filter); the `kind` filter reads its kind once more."""
from datetime import date, datetime, timedelta

from peewee import SQL, fn

from ...db import Shaped, database, row_reader, where_params
from ...domain import certificates as rules
from ...domain.customers import BUSINESSES
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_day_start
from ...models import Certificate, CertificateHandover, CertificateKind, Customer, Location, Project, User
from ...paging import cursor_id, page_size, row_id
from . import ledger_paging

FILTERS = ("q", "year", "business", "status", "kind", "location", "manager", "customer", "project", "stored_from",
           "stored_to")
# A certificate not yet stored sorts as stored after every other (last going up, first coming down);
# the same moment stands in for it in a cursor. A literal, so the ORDER BY carries no parameter.
NEVER = datetime(9999, 12, 31, 23, 59, 59)
STORED = fn.COALESCE(CertificateHandover.stored_at, SQL(f"'{NEVER.isoformat(' ')}'"))
SORTS = {"id": Certificate.id, "code": Certificate.code, "stored_at": STORED, "status": Certificate.status}
DEFAULT_SORT = "-id"
A, B = User.alias("a"), User.alias("b")

# What a ledger row shows, read as plain tuples: a page of 50 is one select, with no model objects.
COLUMNS = (("id", Certificate.id), ("code", Certificate.code), ("kind", CertificateKind.name),
           ("kind_code", CertificateKind.code), ("name", Certificate.name), ("number", Certificate.number),
           ("owner", Certificate.owner), ("quantity", Certificate.quantity), ("status", Certificate.status),
           ("location_id", Certificate.location), ("handover_id", Certificate.handover),
           ("stored_at", CertificateHandover.stored_at), ("project_id", Project.id), ("project_code", Project.code),
           ("project_title", Project.title), ("business", Project.business), ("ended_on", Project.ended_on),
           ("customer_id", Customer.id), ("customer_name", Customer.name), ("a_user", A.username),
           ("a_user_name", A.display_name), ("b_user", B.username), ("b_user_name", B.display_name))
NAMES = tuple(name for name, _ in COLUMNS)
READ = row_reader([column for _, column in COLUMNS])
READ_KEY = {"id": ledger_paging.read_int, "code": ledger_paging.read_text, "status": ledger_paging.read_text,
            "stored_at": lambda value: NEVER if value is None else ledger_paging.read_time(value)}
SHAPED = Shaped()
# the filters a count must join the project for, and those it must join the list for
ON_PROJECT = {"q", "year", "business", "manager", "customer", "project"}
ON_LIST = {"stored_from", "stored_to"}


def _used(filters):
    return ledger_paging.used(filters, FILTERS)


def _places():
    """(id, code, parent) of every location: one statement over the small tree."""
    return list(Location.select(Location.id, Location.code, Location.parent).tuples())


def _kind(text):
    kind = CertificateKind.get_or_none((CertificateKind.code == text) | (CertificateKind.name == text))
    if kind is None:
        raise ledger_paging.bad_filter("kind", f"未知的权证类别 {text}")
    return kind.id


def _year(value):
    year = ledger_paging.whole_number(value, "year", 2000, 2099)
    return Project.ended_on.between(date(year, 1, 1), date(year, 12, 31))


def _project(text):
    text = str(text).strip()
    number = int(text) if text.isdigit() else None
    return (Project.code == text) | (Project.id == (row_id(number) or 0))


def _text(q):
    q = str(q).strip()[:200]
    return (Certificate.number.contains(q) | Certificate.name.contains(q) | Certificate.owner.contains(q)
            | (Certificate.code == q) | Customer.name.contains(q) | Project.code.contains(q))


def conditions(filters, places):
    """The where-clauses of the ledger's filters (unknown or empty filters are ignored)."""
    f = _used(filters)
    where = []
    if "year" in f:
        where.append(_year(f["year"]))
    if "business" in f:
        where.append(Project.business == ledger_paging.one_of(f["business"], "business", BUSINESSES))
    if "status" in f:
        where.append(Certificate.status == ledger_paging.one_of(f["status"], "status", rules.STATUS_NAMES))
    if "kind" in f:
        where.append(Certificate.kind == _kind(str(f["kind"]).strip()))
    if "location" in f:
        where.append(Certificate.location.in_(ledger_paging.subtree(places, str(f["location"]).strip())))
    if "manager" in f:
        where.append((A.username == f["manager"]) | (B.username == f["manager"]))
    if "customer" in f:
        where.append(Project.customer == ledger_paging.whole_number(f["customer"], "customer"))
    if "project" in f:
        where.append(_project(f["project"]))
    if "stored_from" in f:
        day = ledger_paging.filter_day(f["stored_from"], "stored_from")
        where.append(CertificateHandover.stored_at >= local_day_start(day))
    if "stored_to" in f:
        day = ledger_paging.filter_day(f["stored_to"], "stored_to")
        where.append(CertificateHandover.stored_at < local_day_start(day + timedelta(1)))
    if "q" in f:
        where.append(_text(f["q"]))
    return where


def page(actor, *, sort=None, limit=None, cursor=None, **filters):
    """{"items", "total", "next_cursor", "prev_cursor", "sort"}: one page of the filtered ledger."""
    require_permission(actor, "certificates.view")
    key, descending = ledger_paging.parse_sort(sort, SORTS, DEFAULT_SORT)
    limit = page_size(limit)
    places = _places()
    where, used = conditions(filters, places), tuple(sorted(_used(filters)))
    values = where_params(database.obj, where)
    if cursor and str(cursor).isdigit() and (key, descending) == ("id", True):
        last = cursor_id(cursor)  # the first ledger's cursor: the last id it showed
        cursor = ledger_paging.encode(last, last, False)
    after, back = ledger_paging.after(cursor, SORTS[key], Certificate.id, descending, READ_KEY[key])
    rows = _rows(key, descending != back, where + after, values + where_params(database.obj, after), used, limit)
    rows, next_cursor, prev_cursor = ledger_paging.cut(rows, limit, cursor, back, lambda r: (r[key], r["id"]))
    paths = _paths(places)
    return {"items": [_row(r, paths) for r in rows], "total": _count(where, values, used),
            "sort": ledger_paging.sort_text(key, descending), "next_cursor": next_cursor, "prev_cursor": prev_cursor}


def _base(where):
    query = (Certificate.select(*(column for _, column in COLUMNS))
             .join(CertificateKind).switch(Certificate).join(CertificateHandover)
             .switch(Certificate).join(Project).join(Customer)
             .switch(Project).join(A, on=(Project.a_user == A.id))
             .switch(Project).join(B, on=(Project.b_user == B.id)))
    return query.where(*where) if where else query


def _rows(key, newest_first, where, values, used, limit):
    """Up to limit + 1 rows in `newest_first` (descending) or ascending order, as dicts of NAMES."""
    order = ledger_paging.order(SORTS[key], Certificate.id, key == "id", newest_first)
    found = SHAPED.execute(("page", key, newest_first, len(where), *used),
                           lambda: _base(where).order_by(*order).limit(limit + 1), where, (limit + 1,), values)
    return [dict(zip(NAMES, READ(row), strict=True)) for row in found.fetchall()]


def _count(where, values, used):
    """How many rows match, joining only what the filters read (an unfiltered count reads the index)."""
    return SHAPED.execute(("count", *used), lambda: _count_query(where, used), where, values=values).fetchone()[0]


def _count_query(where, used):
    query = Certificate.select(fn.COUNT(Certificate.id))
    if ON_LIST & set(used):
        query = query.join(CertificateHandover).switch(Certificate)
    if ON_PROJECT & set(used):
        query = query.join(Project)
        if "q" in used:
            query = query.join(Customer)
        if "manager" in used:
            query = (query.switch(Project).join(A, on=(Project.a_user == A.id))
                     .switch(Project).join(B, on=(Project.b_user == B.id)))
    return query.where(*where) if where else query


def _paths(places):
    """{location id: (code, "ROOM/SAFE/SHELF")} of every place."""
    parents = {i: (code, parent) for i, code, parent in places}

    def path(location_id):
        parts = []
        while location_id in parents:
            code, location_id = parents[location_id]
            parts.insert(0, code)
        return "/".join(parts)

    return {i: (code, path(i)) for i, (code, _) in parents.items()}


def _row(row, paths):
    location_id = row.pop("location_id")
    row["location"], row["location_path"] = paths.get(location_id, (None, None))
    row["status_name"] = rules.STATUS_NAMES[row["status"]]
    row["business_name"] = BUSINESSES[row["business"]]
    row["year"] = row["ended_on"].year
    row["ended_on"] = row["ended_on"].isoformat()
    row["stored_at"] = iso_local(row["stored_at"])
    return row
