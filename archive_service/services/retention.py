"""Retention periods (保管期限) and the yearly appraisal list (鉴定, R23).

Every file has a period (permanent, 30 years, 10 years). A received file gets its business's
default (an admin setting); the archivist changes a file's period with a reason, audited."""
import json

from peewee import JOIN

from ..db import transaction
from ..domain import retention as rules
from ..domain.customers import BUSINESSES
from ..domain.errors import Conflict, InvalidInput, require
from ..domain.permissions import require_permission
from ..domain.timeutil import local_date
from ..models import ArchiveFile, Customer, Disposal, DisposalEntry, Project, Setting
from . import audit
from .archives import load_archive
from .paging import cursor_id, page_size

DEFAULTS_KEY = "retention_defaults"
OPEN_DISPOSAL_STATES = ("pending", "approved")
REASON_MAX = 200


def defaults():
    """{business: period}: what an admin set, else 30 years for every business."""
    row = Setting.get_or_none(Setting.key == DEFAULTS_KEY)
    stored = json.loads(row.value) if row else {}
    return {b: stored.get(b, rules.DEFAULT) for b in BUSINESSES}


def defaults_view():
    return {"defaults": defaults(), "periods": rules.NAMES}


def set_defaults(actor, values, *, now):
    """Change the default period of one or more businesses (admin); files already received keep theirs."""
    require_permission(actor, "retention.defaults")
    require(isinstance(values, dict) and values and set(values) <= set(BUSINESSES), InvalidInput,
            "retention.invalid_defaults", "按业务类型(loan、guarantee)填写默认保管期限",
            errors={"defaults": "loan / guarantee → permanent、30y 或 10y"})
    new = {**defaults(), **{b: rules.clean_period(p, b) for b, p in values.items()}}
    with transaction():
        (Setting.insert(key=DEFAULTS_KEY, value=json.dumps(new))
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(new)}).execute())
        audit.record(actor, "retention.defaults", "setting", DEFAULTS_KEY, new, now=now)
    return defaults_view()


def default_for(business):
    return defaults()[business]


def retention_view(archive):
    end = rules.period_end(archive.year, archive.retention)
    return {"retention": archive.retention, "retention_name": rules.NAMES[archive.retention],
            "period_end": end.isoformat() if end else None}


def set_period(actor, archive_no, period, reason, *, now):
    """The archivist changes a file's period, giving a reason; audited."""
    require_permission(actor, "retention.set")
    period = rules.clean_period(period)
    require(isinstance(reason, str) and reason.strip() and len(reason.strip()) <= REASON_MAX, InvalidInput,
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
    return {"archive_no": archive.archive_no, **retention_view(archive)}


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
    year, oldest first, each saying whether its period is over and whether a disposal list holds it."""
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
    today = local_date(now)
    items = [{"archive_no": r.archive_no, "year": r.year, "business": r.business, **retention_view(r),
              "expired": rules.has_ended(r.year, r.retention, today), "disposal_id": listed.get(r.id),
              "project_code": r.project.code, "project_title": r.project.title,
              "customer_name": r.project.customer.name} for r in rows]
    return {"year": year, "items": items, "next_cursor": str(rows[-1].id) if more and rows else None}
