"""The archive ledger list (档案台帐, R3): filters, sorting, keyset pages with a total count and
previous/next, the same for the page, the API, the printable layout and the exports.

A page costs the same statements whatever it holds: the rows with their project, customer,
managers, place, page total and the loan a file is out on (archive/on_loan) in one select, and
one count. The status filter reads as the rows show: `in_archive` (在库) is a file in place,
`on_loan` (借出) one out on loan."""
from datetime import timedelta
from functools import lru_cache

from peewee import JOIN, fn

from ...db import Shaped, database, row_reader, where_params
from ...domain import retention as retention_rules
from ...domain.customers import BUSINESSES
from ...domain.errors import InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_day_start
from ...models import ArchiveFile, Customer, HandoverItem, Location, Project, User
from ...paging import page_size
from ..archive import on_loan
from ..archive.file_views import ON_LOAN, STATUSES, status_name
from . import ledger_paging
from .ledger_paging import filter_day as _day

SORTS = {"id": ArchiveFile.id, "archive_no": ArchiveFile.archive_no, "received_at": ArchiveFile.received_at,
         "year": ArchiveFile.year}
DEFAULT_SORT = "-id"
FILTERS = ("q", "year", "business", "status", "location", "manager", "customer", "received_from", "received_to",
           "ended_from", "ended_to", "imported")
A, B = User.alias("a"), User.alias("b")
STATUS_FILTERS = (*STATUSES, ON_LOAN)


def _descendants(code):
    """Ids of the location with this code and every place inside it (one query over the small tree)."""
    return ledger_paging.subtree(list(Location.select(Location.id, Location.code, Location.parent).tuples()), code)


def conditions(filters):
    """The where-clauses of the ledger's filters (unknown or empty filters are ignored)."""
    f = _used(filters)
    where = []
    if "year" in f:
        where.append(ArchiveFile.year == ledger_paging.whole_number(f["year"], "year", 1, 9999))
    if "business" in f:
        require(f["business"] in BUSINESSES, InvalidInput, "request.invalid_filter",
                "business 必须是 loan 或 guarantee", errors={"business": "loan 或 guarantee"})
        where.append(ArchiveFile.business == f["business"])
    if "status" in f:
        require(f["status"] in STATUS_FILTERS, InvalidInput, "request.invalid_filter",
                "status 必须是 in_archive(在库)、on_loan(借出)、voided 或 destroyed",
                errors={"status": "in_archive、on_loan、voided 或 destroyed"})
        where.append(_status_condition(f["status"]))
    if "location" in f:
        where.append(ArchiveFile.location.in_(_descendants(str(f["location"]))))
    if "manager" in f:
        where.append((A.username == f["manager"]) | (B.username == f["manager"]))
    if "customer" in f:
        where.append(Project.customer == ledger_paging.whole_number(f["customer"], "customer"))
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


def _status_condition(status):
    """A file in place (在库) or out on loan (借出) is in the archive's keeping; the other statuses
    are read as they are."""
    if status == ON_LOAN:
        return (ArchiveFile.status == "in_archive") & on_loan.is_out()
    if status == "in_archive":
        return (ArchiveFile.status == "in_archive") & on_loan.is_in()
    return ArchiveFile.status == status


# What a ledger row shows, read as plain tuples: a page of 50 is one select, with no model objects.
COLUMNS = (("id", ArchiveFile.id), ("archive_no", ArchiveFile.archive_no), ("status", ArchiveFile.status),
           ("business", ArchiveFile.business), ("year", ArchiveFile.year), ("retention", ArchiveFile.retention),
           ("received_at", ArchiveFile.received_at), ("imported", ArchiveFile.imported),
           ("location", Location.code), ("project_id", Project.id), ("project_code", Project.code),
           ("project_title", Project.title), ("ended_on", Project.ended_on), ("customer_id", Customer.id),
           ("customer_name", Customer.name), ("a_user_name", A.display_name), ("b_user_name", B.display_name),
           *on_loan.COLUMNS)
NAMES = (*(name for name, _ in COLUMNS), "pages")
READ = row_reader([column for _, column in COLUMNS] + [None])
SHAPED = Shaped()


def _used(filters):
    return ledger_paging.used(filters, FILTERS)


def _shape(filters):
    """The filters used, as the SQL's shape: their names, and which status (the condition differs)."""
    f = _used(filters)
    return tuple(sorted(f)) + ((f"status:{f['status']}",) if "status" in f else ())


def _base(where):
    pages = HandoverItem.select(fn.SUM(HandoverItem.pages)).where(HandoverItem.handover == ArchiveFile.handover)
    query = (ArchiveFile.select(*(column for _, column in COLUMNS), pages.alias("pages"))
             .join(Project).join(Customer)
             .switch(Project).join(A, on=(Project.a_user == A.id))
             .switch(Project).join(B, on=(Project.b_user == B.id))
             .switch(ArchiveFile).join(Location, JOIN.LEFT_OUTER))
    query = on_loan.join(query)
    return query.where(*where) if where else query


def _count(where, values, used):
    """How many rows match, joining only what the filters read (an unfiltered count reads the index)."""
    return SHAPED.execute(("count", *used), lambda: _count_query(where, used), where, values=values).fetchone()[0]


def _count_query(where, used):
    query = ArchiveFile.select(fn.COUNT(ArchiveFile.id))
    if set(used) & {"q", "customer", "ended_from", "ended_to", "manager"}:
        query = query.join(Project).join(Customer)
        if "manager" in used:
            query = (query.switch(Project).join(A, on=(Project.a_user == A.id))
                     .switch(Project).join(B, on=(Project.b_user == B.id)))
    if "status" in used:
        query = on_loan.join(query, borrower=False)
    return query.where(*where) if where else query


READ_KEY = {"id": ledger_paging.read_int, "archive_no": ledger_paging.read_text, "received_at": ledger_paging.read_time,
            "year": ledger_paging.read_int}


def page(actor, *, sort=None, limit=None, cursor=None, **filters):
    """{"items", "total", "next_cursor", "prev_cursor", "sort"}: one page of the filtered ledger."""
    require_permission(actor, "archives.view")
    key, descending = ledger_paging.parse_sort(sort, SORTS, DEFAULT_SORT)
    limit = page_size(limit)
    where, used = conditions(filters), _shape(filters)
    values = where_params(database.obj, where)
    after, back = ledger_paging.after(cursor, SORTS[key], ArchiveFile.id, descending, READ_KEY[key])
    rows = _rows(key, descending != back, where + after, values + where_params(database.obj, after), used, limit)
    rows, next_cursor, prev_cursor = ledger_paging.cut(rows, limit, cursor, back, lambda r: (r[key], r["id"]))
    return {"items": [_row(r) for r in rows], "total": _count(where, values, used),
            "sort": ledger_paging.sort_text(key, descending), "next_cursor": next_cursor, "prev_cursor": prev_cursor}


def _rows(key, forward, where, values, used, limit):
    """Up to limit + 1 rows in `forward` (descending) or ascending order, as dicts of NAMES."""
    order = ledger_paging.order(SORTS[key], ArchiveFile.id, key == "id", forward)
    found = SHAPED.execute(("page", key, forward, len(where), *used),
                           lambda: _base(where).order_by(*order).limit(limit + 1), where, (limit + 1,), values)
    return [dict(zip(NAMES, READ(row), strict=True)) for row in found.fetchall()]


def _row(row):
    row["loan"] = on_loan.view(row.pop("loan_id"), row.pop("loan_borrower"), row.pop("loan_due"))
    row["status_name"] = status_name(row["status"], row["loan"])
    row["business_name"] = BUSINESSES[row["business"]]
    row["ended_on"] = row["ended_on"].isoformat()
    row["pages"] = int(row["pages"] or 0)
    row["received_at"] = iso_local(row["received_at"])
    row["retention_name"] = retention_rules.NAMES[row["retention"]]
    row["period_end"] = _period_end(row["year"], row["retention"])
    return row


@lru_cache(maxsize=4096)
def _period_end(year, retention):
    end = retention_rules.period_end(year, retention)
    return end.isoformat() if end else None
