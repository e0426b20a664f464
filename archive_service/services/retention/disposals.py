"""Disposal lists (销毁, R23): the archivist lists files past their period with a reason, an
approver who did not make the list decides (and whether the scans go too), the archivist then
destroys them. A destroyed file keeps its ledger row and number with status `destroyed`."""
from peewee import JOIN

from ...adapters import signoff_pdf
from ...db import for_update, transaction
from ...domain import retention as rules
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_date, to_db
from ...models import ArchiveFile, Customer, Disposal, DisposalEntry, Project, ScanFile, User
from ...paging import page_by_id_desc, row_id
from ..archive import availability, on_loan
from ..archive import scans as scan_service
from ..archive.file_views import retention_fields, status_name
from ..platform import audit
from . import retention

PENDING, APPROVED, REJECTED, DESTROYED = "pending", "approved", "rejected", "destroyed"
STATE_NAMES = {PENDING: "待审批", APPROVED: "已批准", REJECTED: "未批准", DESTROYED: "已销毁"}
MAX_FILES = 500
TEXT_MAX = 200


def _text(value, field, code, label, *, required):
    ok = isinstance(value, str) and len(value.strip()) <= TEXT_MAX and value.isprintable() \
        and (value.strip() or not required)
    require(ok, InvalidInput, code, f"{label}{'不能为空且' if required else ''}不超过 {TEXT_MAX} 字",
            errors={field: f"{'1' if required else '0'}–{TEXT_MAX} 字"})
    return value.strip()


def _clean_numbers(archive_nos):
    ok = isinstance(archive_nos, list) and 0 < len(archive_nos) <= MAX_FILES \
        and all(isinstance(n, str) and n.strip() for n in archive_nos)
    require(ok, InvalidInput, "disposal.invalid_archive_nos", f"archive_nos 必须是 1–{MAX_FILES} 个档号",
            errors={"archive_nos": f"1–{MAX_FILES} 个档号"})
    numbers = [n.strip() for n in archive_nos]
    require(len(set(numbers)) == len(numbers), InvalidInput, "disposal.duplicate_archive_no",
            "同一档号不能重复列入", errors={"archive_nos": "有重复档号"})
    return numbers


def _problems(archives, today, *, listing):
    """{archive_no: why it may not be listed (listing) or destroyed now} for each file refused."""
    found = {}
    for archive in archives:
        end = rules.period_end(archive.year, archive.retention)
        if archive.status != "in_archive":
            found[archive.archive_no] = "档案不在库(已作废或已销毁)"
        elif end is None:
            found[archive.archive_no] = "永久保管,不能销毁"
        elif listing and end.year > today.year:
            found[archive.archive_no] = f"保管期至 {end.isoformat()},不在本年度及以前的鉴定范围"
        elif not listing and today <= end:
            found[archive.archive_no] = f"保管期至 {end.isoformat()},尚未期满"
    return found


def create(actor, archive_nos, reason, *, now):
    """A disposal list of files on this year's (or an earlier) appraisal list, with a reason."""
    require_permission(actor, "disposals.create")
    numbers = _clean_numbers(archive_nos)
    reason = _text(reason, "reason", "disposal.reason_required", "销毁事由", required=True)
    with transaction():
        archives = list(for_update(ArchiveFile.select().where(ArchiveFile.archive_no.in_(numbers))))
        unknown = sorted(set(numbers) - {a.archive_no for a in archives})
        require(not unknown, InvalidInput, "disposal.unknown_archive", f"找不到档案:{'、'.join(unknown[:10])}",
                errors={"archive_nos": "、".join(unknown[:10])})
        refused = _problems(archives, local_date(now), listing=True)
        require(not refused, Conflict, "disposal.not_due", "以下档案不能列入销毁清单:"
                + ";".join(f"{n} {why}" for n, why in list(refused.items())[:10]), details={"refused": refused})
        listed = retention.open_listings(a.id for a in archives)
        require(not listed, Conflict, "disposal.already_listed", "以下档案已在其他销毁清单上:" + "、".join(
            a.archive_no for a in archives if a.id in listed), details={"disposals": sorted(set(listed.values()))})
        disposal = Disposal.create(reason=reason, state=PENDING, created_by=actor.id, created_at=to_db(now))
        for archive in sorted(archives, key=lambda a: a.archive_no):
            DisposalEntry.create(disposal=disposal, archive=archive)
        audit.record(actor, "disposal.create", "disposal", disposal.id,
                     {"archive_nos": sorted(numbers), "reason": reason}, now=now)
    return get(actor, disposal.id)


def _load(disposal_id, *, lock=False):
    query = Disposal.select().where(Disposal.id == disposal_id)
    disposal = (for_update(query) if lock else query).get_or_none() if row_id(disposal_id) else None
    if disposal is None:
        raise NotFound("disposal.not_found", f"找不到销毁清单 {disposal_id}")
    return disposal


def decide(actor, disposal_id, approve, note="", remove_scans=False, *, now):
    """An approver who did not make the list approves or rejects it, saying whether the files'
    scans are removed with them (default: kept)."""
    require_permission(actor, "disposals.decide")
    require(isinstance(approve, bool), InvalidInput, "disposal.invalid_decision", "approve 必须是 true 或 false",
            errors={"approve": "true 或 false"})
    require(isinstance(remove_scans, bool), InvalidInput, "disposal.invalid_decision",
            "remove_scans 必须是 true 或 false", errors={"remove_scans": "true 或 false"})
    note = _text(note, "note", "disposal.invalid_note", "审批意见", required=False)
    with transaction():
        disposal = _load(disposal_id, lock=True)
        require(disposal.created_by_id != actor.id, Conflict, "disposal.own_list",
                "不能审批自己编制的销毁清单,须由另一位有权审批人决定")
        require(disposal.state == PENDING, Conflict, "disposal.already_decided",
                f"该销毁清单已{STATE_NAMES[disposal.state]},不能再次审批")
        disposal.state = APPROVED if approve else REJECTED
        disposal.decided_by, disposal.decided_at, disposal.note = actor.id, to_db(now), note
        disposal.remove_scans = approve and remove_scans
        disposal.save()
        audit.record(actor, "disposal.decide", "disposal", disposal.id,
                     {"approve": approve, "note": note, "remove_scans": disposal.remove_scans}, now=now)
    return get(actor, disposal.id)


def destroy(actor, disposal_id, *, store, now):
    """Destroy the files of an approved list, once every period is over and no file is out.
    Each file keeps its row and number with status `destroyed`; its scans are removed when the
    approval said so (rows kept and marked, content swept from the store)."""
    require_permission(actor, "disposals.destroy")
    with transaction():
        disposal = _load(disposal_id, lock=True)
        require(disposal.state != DESTROYED, Conflict, "disposal.already_destroyed", "该清单上的档案已销毁")
        require(disposal.state == APPROVED, Conflict, "disposal.not_approved",
                f"销毁清单{STATE_NAMES[disposal.state]},只有批准后才能销毁")
        ids = [e.archive_id for e in disposal.entries]
        archives = list(for_update(ArchiveFile.select().where(ArchiveFile.id.in_(ids)).order_by(ArchiveFile.id)))
        refused = _problems(archives, local_date(now), listing=False)
        require(not refused, Conflict, "disposal.not_destroyable", "以下档案现在不能销毁:"
                + ";".join(f"{n} {why}" for n, why in list(refused.items())[:10]), details={"refused": refused})
        availability.destroy(ids)
        removed = _remove_scans(ids, now) if disposal.remove_scans else []
        disposal.state, disposal.destroyed_by, disposal.destroyed_at = DESTROYED, actor.id, to_db(now)
        disposal.save()
        for archive in archives:
            audit.record(actor, "archive.destroy", "archive", archive.archive_no,
                         {"disposal": disposal.id, "scans_removed": [s for a, s in removed if a == archive.id]},
                         now=now)
        audit.record(actor, "disposal.destroy", "disposal", disposal.id,
                     {"archive_nos": [a.archive_no for a in archives], "scans_removed": len(removed)}, now=now)
    if removed:
        scan_service.sweep(store, now=now)
    return get(actor, disposal.id)


def _remove_scans(archive_ids, now):
    """Mark the files' scans removed; [(archive id, scan id)]. The store's sweep then deletes
    content no live scan names (content shared with a kept scan stays)."""
    rows = list(ScanFile.select(ScanFile.id, ScanFile.archive)
                .where(ScanFile.archive.in_(archive_ids), ScanFile.removed_at.is_null()))
    ScanFile.update(removed_at=to_db(now)).where(ScanFile.id.in_([r.id for r in rows])).execute()
    return [(r.archive_id, r.id) for r in rows]


def disposal_view(disposal, entries=None):
    view = {"id": disposal.id, "reason": disposal.reason, "state": disposal.state,
            "state_name": STATE_NAMES[disposal.state], "created_by": disposal.created_by.username,
            "created_by_name": disposal.created_by.display_name, "created_at": iso_local(disposal.created_at),
            "decided_by": disposal.decided_by.username if disposal.decided_by_id else None,
            "decided_by_name": disposal.decided_by.display_name if disposal.decided_by_id else None,
            "decided_at": iso_local(disposal.decided_at), "note": disposal.note,
            "remove_scans": disposal.remove_scans,
            "destroyed_by": disposal.destroyed_by.username if disposal.destroyed_by_id else None,
            "destroyed_by_name": disposal.destroyed_by.display_name if disposal.destroyed_by_id else None,
            "destroyed_at": iso_local(disposal.destroyed_at)}
    if entries is not None:
        view["entries"] = entries
    return view


def _entries(disposal):
    rows = (DisposalEntry.select(DisposalEntry, ArchiveFile, Project, Customer)
            .join(ArchiveFile).join(Project).join(Customer)
            .where(DisposalEntry.disposal == disposal.id).order_by(ArchiveFile.archive_no))
    rows = list(rows)
    out = on_loan.loans_of(e.archive.archive_no for e in rows)
    return [{"archive_no": e.archive.archive_no, "year": e.archive.year, "status": e.archive.status,
             "status_name": status_name(e.archive.status, out.get(e.archive.archive_no)),
             "loan": out.get(e.archive.archive_no),
             **retention_fields(e.archive), "project_code": e.archive.project.code,
             "project_title": e.archive.project.title, "customer_name": e.archive.project.customer.name}
            for e in rows]


def get(actor, disposal_id):
    require_permission(actor, "appraisals.view")
    disposal = _load(disposal_id)
    return disposal_view(disposal, _entries(disposal))


def find(actor, *, state=None, limit=None, cursor=None):
    """Disposal lists, newest first, with who made, decided and destroyed them (fixed statements)."""
    require_permission(actor, "appraisals.view")
    Creator, Decider, Destroyer = User.alias(), User.alias(), User.alias()
    query = (Disposal.select(Disposal, Creator, Decider, Destroyer)
             .join(Creator, on=(Disposal.created_by == Creator.id), attr="created_by").switch(Disposal)
             .join(Decider, JOIN.LEFT_OUTER, on=(Disposal.decided_by == Decider.id), attr="decided_by")
             .switch(Disposal)
             .join(Destroyer, JOIN.LEFT_OUTER, on=(Disposal.destroyed_by == Destroyer.id), attr="destroyed_by"))
    if state:
        require(state in STATE_NAMES, InvalidInput, "request.invalid_filter",
                "state 必须是 pending、approved、rejected 或 destroyed", errors={"state": "未知状态"})
        query = query.where(Disposal.state == state)
    return page_by_id_desc(query, Disposal.id, limit=limit, cursor=cursor, view=disposal_view)


def printable(actor, disposal_id, record_url, *, now):
    """The destruction list (销毁清单) as PDF bytes; printing is audited."""
    view = get(actor, disposal_id)
    data = signoff_pdf.destruction_list(view, record_url)
    with transaction():
        audit.record(actor, "disposal.print", "disposal", view["id"], {"state": view["state"]}, now=now)
    return data
