"""Retention periods (保管期限) and the yearly appraisal list (鉴定, R23).

Every file has a period (permanent, 30 years, 10 years). A received file gets its business's
default (archive/retention_defaults.py); the archivist changes a file's period with a reason, audited."""
from peewee import JOIN

from ...db import transaction
from ...domain import retention as rules
from ...domain.errors import Conflict, InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import local_date
from ...models import ArchiveFile, Customer, Disposal, DisposalEntry, Project
from ...paging import cursor_id, page_size
from ..archive import on_loan
from ..archive.file_views import load_archive, retention_fields, status_name
from ..platform import audit

OPEN_DISPOSAL_STATES = ("pending", "approved")
REASON_MAX = 200


def set_period(actor, archive_no, period, reason, *, now):
    """The archivist changes a file's period, giving a reason; audited."""
    require_permission(actor, "retention.set")
    period = rules.clean_period(period)
    require(isinstance(reason, str) and reason.strip() and len(reason.strip()) <= REASON_MAX
            and reason.isprintable(), InvalidInput,
            "retention.reason_required", f"变更保管期限必须说明原因(不超过 {REASON_MAX} 字)",
            errors={"reason": f"1–{REASON_MAX} 字"})
    with transaction():
        archive = load_archive(archive_no, lock=True)
        require(archive.status == "in_archive", Conflict, "retention.not_in_archive",
                f"档案 {archive.archive_no} 已{'销毁' if archive.status == 'destroyed' else '作废'},不能变更保管期限")
        require(archive.retention != period, Conflict, "retention.unchanged",
                f"档案 {archive.archive_no} 的保管期限已是{rules.NAMES[period]}")
        before = archive.retention
        archive.retention = period
        archive.save()
        audit.record(actor, "archive.retention", "archive", archive.archive_no,
                     {"from": before, "to": period, "reason": reason.strip()}, now=now)
    return {"archive_no": archive.archive_no, **retention_fields(archive)}


def due_condition(appraisal_year):
    """SQL condition: the file's period ends by 31 December of `appraisal_year`."""
    condition = None
    for period in rules.YEARS:
        newest = rules.latest_archive_year(period, appraisal_year)
        if newest is not None:
            term = (ArchiveFile.retention == period) & (ArchiveFile.year <= newest)
            condition = term if condition is None else condition | term
    return condition


def open_listings(archive_ids):
    """{archive id: disposal id} of the files on a disposal list not yet destroyed or rejected."""
    rows = (DisposalEntry.select(DisposalEntry.archive, DisposalEntry.disposal).join(Disposal)
            .where(DisposalEntry.archive.in_(list(archive_ids)), Disposal.state.in_(OPEN_DISPOSAL_STATES)))
    return {r.archive_id: r.disposal_id for r in rows}


def appraisal(actor, year, *, limit=None, cursor=None, now):
    """The appraisal list of `year`: files in the archive whose period ends by 31 December of that
    year, oldest first, each saying whether its period is over, whether a disposal list holds it
    and whether it is out on loan (`loan`, status name 借出)."""
    require_permission(actor, "appraisals.view")
    year = rules.clean_year(year)
    limit = page_size(limit)
    query = (ArchiveFile.select(ArchiveFile, Project, Customer).join(Project).join(Customer, JOIN.INNER)
             .where(ArchiveFile.status == "in_archive", due_condition(year)))
    if cursor:
        query = query.where(ArchiveFile.id > cursor_id(cursor))
    rows = list(query.order_by(ArchiveFile.id).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    listed = open_listings(r.id for r in rows)
    out = on_loan.loans_of(r.archive_no for r in rows)
    today = local_date(now)
    items = [{"archive_no": r.archive_no, "year": r.year, "business": r.business, **retention_fields(r),
              "status": r.status, "status_name": status_name(r.status, out.get(r.archive_no)),
              "loan": out.get(r.archive_no),
              "expired": rules.has_ended(r.year, r.retention, today), "disposal_id": listed.get(r.id),
              "project_code": r.project.code, "project_title": r.project.title,
              "customer_name": r.project.customer.name} for r in rows]
    return {"year": year, "items": items, "next_cursor": str(rows[-1].id) if more and rows else None}
