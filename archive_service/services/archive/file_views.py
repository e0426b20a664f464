"""An archive file as every reader sees it (R3, R17, R23): loaded by its number, its status's name
(借出 while it is out on loan), its view with items, contracts, place, loan and retention period.
The file's moves, voiding and the registration book are file_record.py."""
from ...db import for_update
from ...domain import handovers as rules
from ...domain import retention as retention_rules
from ...domain.errors import NotFound
from ...domain.timeutil import iso_local
from ...models import ArchiveFile
from ..handover.items import item_dict, item_rows
from . import on_loan
from .locations import location_view

STATUSES = {"in_archive": "在库", "voided": "已作废", "destroyed": "已销毁"}
ON_LOAN = "on_loan"  # not a status (a file out keeps `in_archive`): what the ledger filters and the lookup say
ON_LOAN_NAME = "借出"


def status_name(status, loan):
    """What a file's status is called where it is shown: 借出 while a file in the archive's
    keeping is out on `loan` (its `loan` field, or anything true), else its status's name."""
    return ON_LOAN_NAME if loan and status == "in_archive" else STATUSES[status]


def archive_view(archive):
    items = item_rows(archive.handover)
    project = archive.project
    loan = on_loan.loan_of(archive.archive_no)
    return {
        "id": archive.id, "archive_no": archive.archive_no, "status": archive.status,
        "status_name": status_name(archive.status, loan), "loan": loan, "business": archive.business,
        "year": archive.year,
        "handover_id": archive.handover_id, "project_id": project.id, "project_code": project.code,
        "project_title": project.title, "customer_name": project.customer.name,
        "items": [_archive_item(i) for i in items],
        "contracts": [{"item_id": i.id, "title": i.title, "number": i.contract_number, "item_number": i.number,
                       "pages": i.pages} for i in items if i.contract and not i.attachment],
        "attachments": [{"item_id": i.id, "title": i.title, "pages": i.pages, "number": None}
                        for i in items if i.attachment],
        "totals": rules.totals([item_dict(i) for i in items]),
        "location": location_view(archive.location),
        "received_at": iso_local(archive.received_at), "received_by": archive.received_by.username,
        "received_by_name": archive.received_by.display_name,
        "void_reason": archive.void_reason, "voided_at": iso_local(archive.voided_at),
        **retention_fields(archive),
    }


def retention_fields(archive):
    """The file's retention period (R23); its period ends on 31 December, counted from the year after its own."""
    end = retention_rules.period_end(archive.year, archive.retention)
    return {"retention": archive.retention, "retention_name": retention_rules.NAMES[archive.retention],
            "period_end": end.isoformat() if end else None}


def _archive_item(item):
    return {"id": item.id, "part": item.part, "part_name": rules.PARTS[item.part], "title": item.title,
            "pages": item.pages, "attachment": item.attachment, "contract": item.contract,
            "number": None if item.attachment else item.number,
            "contract_number": item.contract_number}


def load_archive(archive_no, lock=False):
    """The archive file with this number (locked for update when asked); 404 when there is none."""
    query = ArchiveFile.select().where(ArchiveFile.archive_no == str(archive_no))
    archive = (for_update(query) if lock else query).get_or_none()
    if archive is None:
        raise NotFound("archive.not_found", f"找不到档案 {archive_no}")
    return archive
