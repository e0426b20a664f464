"""Receiving, numbering and filing (R11–R13, R20, R22): the archivist's side of the handover."""
import json
from datetime import timedelta

from ..db import for_update, transaction
from ..domain import handovers as rules
from ..domain import numbering
from ..domain.customers import BUSINESSES
from ..domain.errors import Conflict, InvalidInput, NotFound, require
from ..domain.permissions import require_permission
from ..domain.timeutil import iso_local, local_date, local_day_start, parse_date, to_db
from ..models import (
    ArchiveFile,
    Customer,
    HandoverItem,
    Location,
    LocationMove,
    NumberCounter,
    Project,
    RegisterEntry,
    Setting,
    Signature,
)
from . import audit, file_access, handovers
from .paging import cursor_id, page_size

LEVELS = ("room", "cabinet", "shelf", "box")
LEVEL_NAMES = {"room": "档案室", "cabinet": "档案柜", "shelf": "层架", "box": "档案盒"}
STATUSES = {"in_archive": "在库", "voided": "已作废"}
NUMBERING_KEY = "numbering"


# ---- locations (R22) -------------------------------------------------------------------------

def location_view(location):
    if location is None:
        return None
    path, node = [], location
    while node is not None:
        path.insert(0, node.code)
        node = node.parent
    return {"id": location.id, "code": location.code, "name": location.name, "level": location.level,
            "level_name": LEVEL_NAMES[location.level], "parent": location.parent.code if location.parent_id else None,
            "path": "/".join(path)}


def _location(code, field="location"):
    location = Location.get_or_none(Location.code == code) if isinstance(code, str) else None
    require(location is not None, InvalidInput, "location.not_found", f"找不到存放位置 {code}",
            errors={field: "未知的位置编码"})
    return location


def create_location(actor, *, code, name, parent=None, now):
    """A room, or a cabinet in a room, a shelf in a cabinet, a box on a shelf."""
    require_permission(actor, "locations.manage")
    require(isinstance(code, str) and 0 < len(code.strip()) <= 40 and code.strip() == code, InvalidInput,
            "location.invalid_code", "位置编码不能为空、不超过 40 字且不含首尾空格", errors={"code": "1–40 字"})
    require(isinstance(name, str) and 0 < len(name.strip()) <= 100, InvalidInput, "location.invalid_name",
            "位置名称不能为空且不超过 100 字", errors={"name": "1–100 字"})
    with transaction():
        parent_row = _location(parent, "parent") if parent is not None else None
        require(not parent_row or parent_row.level != "box", InvalidInput, "location.too_deep",
                "档案盒下不能再建位置", errors={"parent": "档案盒下不能再建位置"})
        level = LEVELS[LEVELS.index(parent_row.level) + 1] if parent_row else "room"
        require(not Location.select().where(Location.code == code).exists(), Conflict, "location.exists",
                f"位置编码 {code} 已存在")
        location = Location.create(code=code, name=name.strip(), level=level, parent=parent_row,
                                   created_at=to_db(now))
        audit.record(actor, "location.create", "location", code, {"name": name, "parent": parent}, now=now)
    return location_view(location)


def list_locations(actor):
    require_permission(actor, "archives.view")
    return {"items": [location_view(loc) for loc in Location.select().order_by(Location.code)], "next_cursor": None}


# ---- numbering scheme (R13, R20) -------------------------------------------------------------

def scheme():
    row = Setting.get_or_none(Setting.key == NUMBERING_KEY)
    return numbering.NumberingScheme(**json.loads(row.value)) if row else numbering.NumberingScheme()


def scheme_view():
    s = scheme()
    return {"pattern": s.pattern, "fonds": s.fonds, "category": s.category, "retention": s.retention, "org": s.org,
            "example": s.archive_no("loan", 2026, 1)}


def set_scheme(actor, *, now, **segments):
    """Change the archive-number pattern (admin). Existing numbers are never changed."""
    require_permission(actor, "numbering.edit")
    new = numbering.NumberingScheme(**{k: v for k, v in segments.items() if v is not None})
    value = {"pattern": new.pattern, "fonds": new.fonds, "category": new.category, "retention": new.retention,
             "org": new.org}
    with transaction():
        (Setting.insert(key=NUMBERING_KEY, value=json.dumps(value))
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute())
        audit.record(actor, "numbering.set", "setting", NUMBERING_KEY, value, now=now)
    return scheme_view()


def _next_seq(series):
    """The next number of a series, gapless: the counter row is locked until the transaction ends."""
    NumberCounter.insert(series=series, last_seq=0).on_conflict_ignore().execute()
    counter = for_update(NumberCounter.select().where(NumberCounter.series == series)).get()
    counter.last_seq += 1
    counter.save()
    return counter.last_seq


# ---- receipt (R11–R13) -----------------------------------------------------------------------

def _clean_checks(checks):
    require(isinstance(checks, list) and checks, InvalidInput, "handover.checks_required",
            "必须逐项核对页数", errors={"checks": "至少一项"})
    for n, check in enumerate(checks):
        ok = isinstance(check, dict) and isinstance(check.get("item_id"), int) and \
            isinstance(check.get("pages"), int) and not isinstance(check.get("pages"), bool)
        require(ok, InvalidInput, "handover.invalid_check", f"第 {n + 1} 项核对需要 item_id 和整数页数",
                errors={f"checks.{n}": "需要 item_id 和 pages(整数)"})
    return checks


def receive(actor, handover_id, checks, location, *, now):
    """The archivist checks every item against B's list (R11). Any difference: refused with all
    differences listed, nothing changed. All equal: the archivist signs, the file is numbered
    (R13), entered in the registration book (R12) and put in its place (R22)."""
    require_permission(actor, "handovers.receive")
    checks = _clean_checks(checks)
    with transaction():
        handover = handovers.load_visible(actor, handover_id, lock=True)
        require(handover.state != rules.RECEIVED, Conflict, "handover.already_received",
                "该清单已被接收归档,不能重复接收", details={"archive_no": _archive_no_of(handover)})
        rules.require_step(handover.state, "receive")
        place = _location(location)
        items = handovers.item_rows(handover)
        diffs = rules.differences([handovers.item_dict(i) for i in items], checks)
        require(not diffs, Conflict, "handover.pages_mismatch",
                f"核对不一致:{len(diffs)} 项与清单不符,未接收、未编号", details={"differences": diffs})
        b_sig = _latest_signature(handover, handovers.B)
        require(b_sig is not None and b_sig.content_hash == rules.content_hash(handovers._contents(handover)),
                Conflict, "handover.content_changed", "清单在B角签字后被修改,需重新签字")
        archive = _number(handover, items, actor, place, now)
        received_sig = handovers.sign(handover, actor.id, handovers.ARCHIVIST, now)
        _register(archive, handover, b_sig, received_sig, actor, now)
        handover.state, handover.received_at = rules.RECEIVED, to_db(now)
        handover.save()
        audit.record(actor, "handover.receive", "handover", handover.id,
                     {"archive_no": archive.archive_no, "location": place.code, "items": len(items)}, now=now)
    return archive_view(ArchiveFile.get_by_id(archive.id))


def _archive_no_of(handover):
    archive = ArchiveFile.get_or_none(ArchiveFile.handover == handover.id)
    return archive.archive_no if archive else None


def _latest_signature(handover, role):
    return (Signature.select().where(Signature.handover == handover.id, Signature.role == role)
            .order_by(Signature.id.desc()).first())


def _number(handover, items, actor, place, now):
    project = handover.project
    s, year = scheme(), project.ended_on.year
    series = s.series(project.business, year)
    seq = _next_seq(series)
    archive_no = s.archive_no(project.business, year, seq)
    archive = ArchiveFile.create(archive_no=archive_no, series=series, seq=seq, handover=handover, project=project,
                                 business=project.business, year=year, location=place, received_by=actor.id,
                                 received_at=to_db(now))
    numbers = numbering.item_numbers(archive_no, [(i.part, i.position, i.attachment, i.contract) for i in items])
    for item, num in zip(items, numbers, strict=True):
        if num.number:
            HandoverItem.update(number=num.number, contract_number=num.contract_number).where(
                HandoverItem.id == item.id).execute()
    LocationMove.create(archive=archive, from_location=None, to_location=place, moved_by=actor.username,
                        moved_at=to_db(now), note="接收入库")
    return archive


def _register(archive, handover, b_sig, received_sig, actor, now):
    project = handover.project
    RegisterEntry.create(archive=archive, day=local_date(now), file_name=f"{project.customer.name} {project.title}",
                         handed_over_by=project.b_user_id, received_by=actor.id, handed_over_signature=b_sig,
                         received_signature=received_sig, at=to_db(now))


# ---- the ledger (R3) -------------------------------------------------------------------------

def archive_view(archive):
    items = handovers.item_rows(archive.handover)
    project = archive.project
    return {
        "id": archive.id, "archive_no": archive.archive_no, "status": archive.status,
        "status_name": STATUSES[archive.status], "business": archive.business, "year": archive.year,
        "handover_id": archive.handover_id, "project_id": project.id, "project_code": project.code,
        "project_title": project.title, "customer_name": project.customer.name,
        "items": [_archive_item(i) for i in items],
        "contracts": [{"item_id": i.id, "title": i.title, "number": i.contract_number, "item_number": i.number,
                       "pages": i.pages} for i in items if i.contract and not i.attachment],
        "attachments": [{"item_id": i.id, "title": i.title, "pages": i.pages, "number": None}
                        for i in items if i.attachment],
        "totals": rules.totals([handovers.item_dict(i) for i in items]),
        "location": location_view(archive.location),
        "received_at": iso_local(archive.received_at), "received_by": archive.received_by.username,
        "void_reason": archive.void_reason, "voided_at": iso_local(archive.voided_at),
    }


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
    return view


def find_archive_no(code):
    """The archive number a scanned code names, or None (for the scan box)."""
    archive = ArchiveFile.get_or_none(ArchiveFile.archive_no == code)
    return archive.archive_no if archive else None


def _ledger_row(archive):
    project = archive.project
    return {"id": archive.id, "archive_no": archive.archive_no, "status": archive.status,
            "status_name": STATUSES[archive.status], "business": archive.business, "year": archive.year,
            "project_code": project.code, "project_title": project.title, "customer_name": project.customer.name,
            "location": archive.location.code if archive.location_id else None,
            "received_at": iso_local(archive.received_at)}


def _int_filter(value, field):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    require(number is not None and 1 <= number <= 9999, InvalidInput, "request.invalid_filter",
            f"{field} 必须是 1–9999 的整数", errors={field: "必须是 1–9999 的整数"})
    return number


def ledger(actor, *, year=None, business=None, status=None, q=None, limit=None, cursor=None):
    """The archive ledger (档案台帐, R3), by archive number: {items, next_cursor}."""
    require_permission(actor, "archives.view")
    query = ArchiveFile.select(ArchiveFile).join(Project).join(Customer)
    year = _int_filter(year, "year")
    if year is not None:
        query = query.where(ArchiveFile.year == year)
    if business:
        require(business in BUSINESSES, InvalidInput, "request.invalid_filter", "business 必须是 loan 或 guarantee",
                errors={"business": "loan 或 guarantee"})
        query = query.where(ArchiveFile.business == business)
    if status:
        require(status in STATUSES, InvalidInput, "request.invalid_filter", "status 必须是 in_archive 或 voided",
                errors={"status": "in_archive 或 voided"})
        query = query.where(ArchiveFile.status == status)
    if q:
        query = query.where(ArchiveFile.archive_no.contains(q) | Project.title.contains(q) |
                            Customer.name.contains(q) | Project.code.contains(q))
    limit = page_size(limit)
    if cursor:
        query = query.where(ArchiveFile.id < cursor_id(cursor))
    rows = list(query.order_by(ArchiveFile.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_ledger_row(r) for r in rows], "next_cursor": str(rows[-1].id) if more and rows else None}


def move(actor, archive_no, location, note="", *, now):
    """Move a file to another place; every move is recorded (R22)."""
    require_permission(actor, "locations.manage")
    require(isinstance(note, str) and len(note) <= 200, InvalidInput, "request.invalid_field", "备注不超过 200 字",
            errors={"note": "不超过 200 字"})
    with transaction():
        archive = load_archive(archive_no, lock=True)
        place = _location(location)
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
        archive.status, archive.void_reason, archive.voided_at = "voided", reason.strip(), to_db(now)
        archive.save()
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


def register(actor, *, date_from=None, date_to=None, limit=None, cursor=None, now):
    """The registration book between two dates (inclusive), oldest first."""
    require_permission(actor, "register.view")
    query = RegisterEntry.select()
    if date_from:
        query = query.where(RegisterEntry.at >= local_day_start(parse_date(date_from, "from")))
    if date_to:
        query = query.where(RegisterEntry.at < local_day_start(parse_date(date_to, "to") + timedelta(days=1)))
    limit = page_size(limit)
    if cursor:
        query = query.where(RegisterEntry.id > cursor_id(cursor))
    rows = list(query.order_by(RegisterEntry.id).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    with transaction():
        audit.record(actor, "register.read", "register", "", {"from": date_from, "to": date_to}, now=now)
    return {"items": [_register_row(r) for r in rows], "next_cursor": str(rows[-1].id) if more and rows else None}
