"""The archive file's record (R12, R13, R22): one file read by those who may (audited), its moves
between places and its voiding, the scan box's resolvers for its numbers, and the registration
book (登记簿). How a file is shown is file_views.py; the ledger's pages are ledgers/archive_ledger.py."""
from datetime import timedelta
from urllib.parse import quote

from ...db import Statement, transaction
from ...domain.errors import Conflict, InvalidInput, require
from ...domain.loans import INCIDENT_OPEN
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_day_start, parse_date, to_db
from ...models import ArchiveFile, HandoverItem, Incident, LocationMove, RegisterEntry, Signature, User
from ...paging import page_by_id
from ..platform import audit, lookup
from . import availability, file_access, on_loan
from .file_views import ON_LOAN, archive_view, load_archive
from .locations import load_location


def get_archive(actor, archive_no, *, now):
    """One file with its numbered items, for those who may read it (R19); every read is audited."""
    archive = load_archive(archive_no)
    file_access.require_read(actor, archive)
    with transaction():
        audit.record(actor, "archive.read", "archive", archive.archive_no, now=now)
    view = archive_view(archive)
    view["moves"] = [{"from": m.from_location.code if m.from_location_id else None, "to": m.to_location.code,
                      "moved_by": m.moved_by, "moved_at": iso_local(m.moved_at), "note": m.note}
                     for m in archive.moves.order_by(LocationMove.id)]
    view["open_incidents"] = Incident.select().where(Incident.object_code == archive.archive_no,
                                                     Incident.state == INCIDENT_OPEN).count()
    return view


def archive_url(archive_no, item_id=None):
    return f"/archives/{quote(archive_no)}" + (f"#item-{item_id}" if item_id else "")


def lookup_status(status, loan_id):
    """A scanned file's status: `on_loan` while a file in the archive's keeping is out, so the
    scan box says where it is (as a certificate's says `on_loan`)."""
    return ON_LOAN if loan_id is not None and status == "in_archive" else status


_ARCHIVE_BY_NO = Statement(lambda m: on_loan.join(
    ArchiveFile.select(ArchiveFile.id, ArchiveFile.status, on_loan.OutLoan.id), borrower=False)
    .where(ArchiveFile.archive_no == m("code")).limit(1))


@lookup.resolver(order=10)
def resolve_archive_no(code):
    """A box label's archive number (档号): the most scanned code, so its SQL is built once."""
    row = _ARCHIVE_BY_NO.run(code=code).fetchone()
    return {"kind": "archive", "id": row[0], "status": lookup_status(row[1], row[2]),
            "url": archive_url(code)} if row else None


@lookup.resolver(order=20)
def resolve_item_no(code):
    """An item number, or a contract number (…-HTnn), inside a filed archive."""
    row = (on_loan.join(HandoverItem.select(HandoverItem.id, HandoverItem.contract_number, ArchiveFile.status,
                                            ArchiveFile.archive_no, on_loan.OutLoan.id)
                        .join(ArchiveFile, on=(ArchiveFile.handover == HandoverItem.handover)), borrower=False)
           .where((HandoverItem.number == code) | (HandoverItem.contract_number == code)).tuples().first())
    if row is None:
        return None
    item_id, contract_number, status, archive_no, loan_id = row
    return {"kind": "contract" if contract_number == code else "item", "id": item_id,
            "status": lookup_status(status, loan_id), "url": archive_url(archive_no, item_id)}


def move(actor, archive_no, location, note="", *, now):
    """Move a file to another place; every move is recorded (R22)."""
    require_permission(actor, "locations.manage")
    require(isinstance(note, str) and len(note) <= 200, InvalidInput, "request.invalid_field", "备注不超过 200 字",
            errors={"note": "不超过 200 字"})
    with transaction():
        archive = load_archive(archive_no, lock=True)
        place = load_location(location)
        require(archive.location_id != place.id, Conflict, "archive.same_location", "档案已在该位置")
        LocationMove.create(archive=archive, from_location=archive.location_id, to_location=place,
                            moved_by=actor.username, moved_at=to_db(now), note=note)
        before = archive.location.code if archive.location_id else None
        archive.location = place
        archive.save()
        audit.record(actor, "archive.move", "archive", archive.archive_no,
                     {"from": before, "to": place.code, "note": note}, now=now)
    return get_archive(actor, archive_no, now=now)


def void(actor, archive_no, reason, *, now):
    """Withdraw a number: the file stays in the ledger as voided, with the reason; the number is
    never given again (R13)."""
    require_permission(actor, "archives.void_number")
    require(isinstance(reason, str) and 0 < len(reason.strip()) <= 500, InvalidInput, "archive.reason_required",
            "作废必须说明原因", errors={"reason": "必填"})
    with transaction():
        archive = load_archive(archive_no, lock=True)
        require(archive.status != "voided", Conflict, "archive.already_voided", "该档号已作废")
        availability.void(archive, reason.strip(), now)
        audit.record(actor, "archive.void", "archive", archive.archive_no, {"reason": reason.strip()}, now=now)
    return archive_view(archive)


# ---- the registration book (R12) -------------------------------------------------------------

def _register_row(entry):
    return {"id": entry.id, "date": entry.day.isoformat(), "archive_no": entry.archive.archive_no,
            "file_name": entry.file_name, "handed_over_by": entry.handed_over_by.username,
            "handed_over_by_name": entry.handed_over_by.display_name, "received_by": entry.received_by.username,
            "received_by_name": entry.received_by.display_name,
            "handed_over_signed_at": iso_local(entry.handed_over_signature.signed_at),
            "received_signed_at": iso_local(entry.received_signature.signed_at), "at": iso_local(entry.at)}


def _register_query(date_from, date_to):
    """The book's entries between two local dates (inclusive) with their file, people and
    signatures joined, so a page costs the same statements whatever its length."""
    handed, received = User.alias("handed"), User.alias("received")
    handed_sig, received_sig = Signature.alias("handed_sig"), Signature.alias("received_sig")
    query = (RegisterEntry.select(RegisterEntry, ArchiveFile.archive_no, handed, received, handed_sig.signed_at,
                                  received_sig.signed_at)
             .join(ArchiveFile).switch(RegisterEntry)
             .join(handed, on=(RegisterEntry.handed_over_by == handed.id), attr="handed_over_by").switch(RegisterEntry)
             .join(received, on=(RegisterEntry.received_by == received.id), attr="received_by").switch(RegisterEntry)
             .join(handed_sig, on=(RegisterEntry.handed_over_signature == handed_sig.id),
                   attr="handed_over_signature").switch(RegisterEntry)
             .join(received_sig, on=(RegisterEntry.received_signature == received_sig.id),
                   attr="received_signature"))
    if date_from:
        query = query.where(RegisterEntry.at >= local_day_start(parse_date(date_from, "from")))
    if date_to:
        query = query.where(RegisterEntry.at < local_day_start(parse_date(date_to, "to") + timedelta(days=1)))
    return query


def _register_page(date_from, date_to, limit, cursor):
    return page_by_id(_register_query(date_from, date_to), RegisterEntry.id, limit=limit, cursor=cursor,
                      view=_register_row)


def register(actor, *, date_from=None, date_to=None, limit=None, cursor=None, now):
    """The registration book between two dates (inclusive), oldest first; reading it is audited."""
    require_permission(actor, "register.view")
    found = _register_page(date_from, date_to, limit, cursor)
    with transaction():
        audit.record(actor, "register.read", "register", "", {"from": date_from, "to": date_to}, now=now)
    return found


def register_entries(actor, *, date_from=None, date_to=None):
    """Every entry between two dates, page by page, not audited: for an export, which audits itself."""
    require_permission(actor, "register.view")
    cursor = None
    while True:
        found = _register_page(date_from, date_to, 500, cursor)
        yield from found["items"]
        cursor = found["next_cursor"]
        if not cursor:
            return
