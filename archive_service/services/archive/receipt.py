"""Receiving a handover list (R11–R13): the archivist checks it item by item, signs, and the file
is numbered, entered in the registration book and put in its place."""
import json

from ...db import transaction
from ...domain import handovers as rules
from ...domain import numbering
from ...domain.errors import Conflict, InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import local_date, to_db
from ...models import ArchiveFile, HandoverItem, LocationMove, ReceiptRefusal, RegisterEntry, Setting, Signature
from ..handover import handovers
from ..handover.handover_views import ARCHIVIST, B, handover_view
from ..handover.items import item_dict, item_rows
from ..platform import audit
from . import number_scheme, retention_defaults
from .file_views import archive_view
from .locations import load_location


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
        place = load_location(location)
        items = item_rows(handover)
        diffs = rules.differences([item_dict(i) for i in items], checks)
        require(not diffs, Conflict, "handover.pages_mismatch",
                f"核对不一致:{len(diffs)} 项与清单不符,未接收、未编号", details={"differences": diffs})
        b_sig = _latest_signature(handover, B)
        require(b_sig is not None and b_sig.content_hash == rules.content_hash(handovers.signed_contents(handover)),
                Conflict, "handover.content_changed", "清单在B角签字后被修改,需重新签字")
        archive = _number(handover, items, actor, place, now)
        received_sig = handovers.sign(handover, actor.id, ARCHIVIST, now)
        _register(archive, handover, b_sig, received_sig, actor, now)
        handover.state, handover.received_at = rules.RECEIVED, to_db(now)
        handover.save()
        audit.record(actor, "handover.receive", "handover", handover.id,
                     {"archive_no": archive.archive_no, "location": place.code, "items": len(items)}, now=now)
    return archive_view(ArchiveFile.get_by_id(archive.id))


MAX_NOTE = 500
BLIND_COUNT_KEY = "receipt.blind_count"


def refuse(actor, handover_id, checks, note, *, now):
    """The paper really differs: the archivist sends the list back to B with the counted
    differences and a note (R11). B then returns it to A or hands it over again. Audited."""
    require_permission(actor, "handovers.receive")
    checks = _clean_checks(checks)
    text = note.strip() if isinstance(note, str) else ""
    require(text and len(text) <= MAX_NOTE and all(ch.isprintable() or ch in "\n\t" for ch in text), InvalidInput,
            "handover.refuse_note_required", f"拒收时必须写明原因(不超过 {MAX_NOTE} 字)", errors={"note": "必填"})
    with transaction():
        handover = handovers.load_visible(actor, handover_id, lock=True)
        rules.require_step(handover.state, "refuse")
        diffs = rules.differences([item_dict(i) for i in item_rows(handover)], checks)
        ReceiptRefusal.create(handover=handover, refused_by=actor.id, refused_at=to_db(now), note=text,
                              differences=json.dumps(diffs, ensure_ascii=False))
        handover.state, handover.accepted_at = rules.SUBMITTED, None
        handover.save()
        audit.record(actor, "handover.refuse", "handover", handover.id,
                     {"note": text, "differences": diffs}, now=now)
    return handover_view(handover)


def blind_count():
    """Whether the receive form hides the expected pages until the count is submitted (default on)."""
    row = Setting.get_or_none(Setting.key == BLIND_COUNT_KEY)
    return row is None or row.value != "off"


def set_blind_count(actor, on, *, now):
    require_permission(actor, "settings.edit")
    require(isinstance(on, bool), InvalidInput, "setting.invalid", "必须是 true 或 false",
            errors={"blind_count": "布尔值"})
    value = "on" if on else "off"
    with transaction():
        (Setting.insert(key=BLIND_COUNT_KEY, value=value)
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: value}).execute())
        audit.record(actor, "setting.set", "setting", BLIND_COUNT_KEY, {"blind_count": on}, now=now)
    return {"blind_count": on}


def _archive_no_of(handover):
    archive = ArchiveFile.get_or_none(ArchiveFile.handover == handover.id)
    return archive.archive_no if archive else None


def _latest_signature(handover, role):
    return (Signature.select().where(Signature.handover == handover.id, Signature.role == role)
            .order_by(Signature.id.desc()).first())


def _number(handover, items, actor, place, now):
    project = handover.project
    s, year = number_scheme.scheme(), project.ended_on.year
    series = s.series(project.business, year)
    seq = number_scheme.next_seq(series)
    archive_no = s.archive_no(project.business, year, seq)
    require(not ArchiveFile.select().where(ArchiveFile.archive_no == archive_no).exists(), Conflict,
            "numbering.reissues_existing", f"档号 {archive_no} 已发出过,请管理员检查档号格式",
            details={"clashes": [archive_no]})
    archive = ArchiveFile.create(archive_no=archive_no, series=series, seq=seq, handover=handover, project=project,
                                 business=project.business, year=year, location=place, received_by=actor.id,
                                 received_at=to_db(now), retention=retention_defaults.default_period(project.business))
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
