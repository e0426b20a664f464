"""Certificates in custody (R14–R16): each certificate's history, and movements into or out of the
safe under dual control. The ledger is in certificate_ledger.py, the handover lists in
certificate_lists.py, stock-takes in stocktakes.py.

Public calls for other capabilities (loans lends certificates through these):
  start_movement(actor, certificate_id, kind, *, now, **details) -> movement view
  decide(actor, movement_id, *, approve, note="", now) -> movement view (releases only)
  confirm_movement(actor, movement_id, *, now) -> movement view (the certificate's new status in it)
  overdue_lists(as_of) -> certificate handover lists unconfirmed past the next working day
"""
import json

from ...adapters import certificate_pdf
from ...db import Statement, transaction
from ...domain import certificates as rules
from ...domain.bounds import bad_character
from ...domain.customers import PERSON_ID_RE, mask_id_number
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import allowed, require_permission
from ...domain.timeutil import from_db, iso_local, local_date, to_db
from ...models import (
    Certificate,
    CertificateHandover,
    CertificateKind,
    CertificateMovement,
    CertificateSignature,
    Customer,
    Location,
    Project,
    User,
)
from ...paging import row_id
from ..archive import locations
from ..platform import audit, lookup, workdays
from . import transitions

MAX_DETAILS = 2000


# ---- places and people -----------------------------------------------------------------------

class Places:
    """Every location, read once, so a list's paths cost one statement whatever its length."""

    def __init__(self):
        self.rows = {loc.id: loc for loc in Location.select()}

    def code(self, location_id):
        return self.rows[location_id].code if location_id in self.rows else None

    def path(self, location_id):
        parts = []
        while location_id in self.rows:
            parts.insert(0, self.rows[location_id].code)
            location_id = self.rows[location_id].parent_id
        return "/".join(parts) or None

    def within(self, location_id, root_id):
        """Whether the place is `root_id` or inside it."""
        while location_id in self.rows:
            if location_id == root_id:
                return True
            location_id = self.rows[location_id].parent_id
        return False


def safe_location(code, field="location"):
    """The location a certificate may go to: it exists and is a safe or inside one (R16)."""
    require(isinstance(code, str) and code.strip(), InvalidInput, "certificate.location_required",
            "必须指定保险柜位置", errors={field: "必填"})
    location = locations.load_location(code.strip(), field)
    require(location.safe, InvalidInput, "certificate.location_not_safe",
            f"位置 {location.code}({location.name})不是保险柜,权证只能存入保险柜(R16)",
            errors={field: "不是保险柜"})
    return location


def safe_places(actor):
    """The safes and the places inside them, for the forms that put or find certificates there."""
    require_permission(actor, "certificates.view")
    places = Places()
    return sorted(({"code": loc.code, "name": loc.name, "path": places.path(loc.id), "root": places.path(loc.id)
                    .split("/")[0]} for loc in places.rows.values() if loc.safe), key=lambda p: p["path"])


def people(ids):
    """{user id: display name} for the given ids, in one statement."""
    ids = {i for i in ids if i}
    return {u.id: u.display_name for u in User.select(User.id, User.display_name).where(User.id.in_(ids))} \
        if ids else {}


# ---- views -----------------------------------------------------------------------------------

def certificate_view(cert, places):
    project = cert.project
    return {"id": cert.id, "code": cert.code, "kind": cert.kind.name, "kind_code": cert.kind.code,
            "name": cert.name, "number": cert.number, "owner": cert.owner, "quantity": cert.quantity,
            "status": cert.status, "status_name": rules.STATUS_NAMES[cert.status],
            "location": places.code(cert.location_id), "location_path": places.path(cert.location_id),
            "handover_id": cert.handover_id, "project_id": project.id, "project_code": project.code,
            "project_title": project.title, "customer_name": project.customer.name}


def movement_view(move, names, places, *, full_id=False):
    id_number = move.recipient_id_number
    return {"id": move.id, "movement_id": move.id, "certificate_id": move.certificate_id,
            "kind": move.kind, "kind_name": rules.MOVEMENT_NAMES[move.kind],
            "state": move.state, "state_name": rules.MOVEMENT_STATE_NAMES[move.state],
            "from_location": places.code(move.from_location_id), "to_location": places.code(move.to_location_id),
            "started_by": names.get(move.started_by_id), "started_at": iso_local(move.started_at),
            "approved_by": names.get(move.approved_by_id), "decided_at": iso_local(move.decided_at),
            "decision_note": move.decision_note, "confirmed_by": names.get(move.confirmed_by_id),
            "confirmed_at": iso_local(move.confirmed_at), "recipient": move.recipient,
            "recipient_id_number": id_number if full_id or not id_number else mask_id_number(id_number),
            "note": move.note, "details": json.loads(move.details)}


def _movement_names(moves):
    return people(uid for m in moves for uid in (m.started_by_id, m.approved_by_id, m.confirmed_by_id))


def movements_view(moves, actor=None):
    moves = list(moves)
    full = actor is not None and allowed(actor.roles, "customers.view_id_number")
    names, places = _movement_names(moves), Places()
    return [movement_view(m, names, places, full_id=full) for m in moves]


def _certificates_query():
    return (Certificate.select(Certificate, CertificateKind, Project, Customer)
            .join(CertificateKind).switch(Certificate).join(Project).join(Customer))


# ---- one certificate (the ledger, R3, is certificate_ledger.py) ------------------------------

def history(cert, actor=None):
    """The list's signatures, then every movement, oldest first."""
    sigs = list(CertificateSignature.select(CertificateSignature, User).join(User)
                .where(CertificateSignature.handover == cert.handover_id).order_by(CertificateSignature.id))
    signed = [{"entry": "signature", "role": s.role, "role_name": rules.SIGNER_NAMES[s.role],
               "by": s.user.display_name, "at": iso_local(s.signed_at), "content_hash": s.content_hash}
              for s in sigs]
    moves = movements_view(cert.movements.order_by(CertificateMovement.id), actor)
    return signed + [{"entry": "movement", **m} for m in moves]


def get(actor, certificate_id, *, now):
    """One certificate with its history; reading it is audited (R19)."""
    require_permission(actor, "certificates.view")
    cert = _certificates_query().where(Certificate.id == certificate_id).get_or_none() \
        if row_id(certificate_id) else None
    if cert is None:
        raise NotFound("certificate.not_found", f"找不到权证 {certificate_id}")
    with transaction():
        audit.record(actor, "certificate.read", "certificate", cert.id, now=now)
    return {**certificate_view(cert, Places()), "history": history(cert, actor)}


@lookup.resolver(order=40)
def resolve_code(code):
    """A certificate label (QZ-2026-000123) for the scan box and GET /lookup/{code}."""
    cert = Certificate.get_or_none(Certificate.code == code) if rules.is_label_code(code) else None
    if cert is None:
        return None
    return {"kind": "certificate", "id": cert.id, "status": cert.status, "url": f"/certificates/{cert.id}"}


def label_lines(code, *, show_customer):
    """The lines of a certificate's bag label, or None when `code` is no certificate's."""
    cert = _certificates_query().where(Certificate.code == code).get_or_none() if rules.is_label_code(code) else None
    if cert is None:
        return None
    lines = [cert.code, f"{cert.kind.name} ×{cert.quantity}", cert.number, cert.project.code]
    if show_customer:
        lines.append(cert.owner)
    return tuple(lines)


# ---- movements under dual control -------------------------------------------------------------

def _text(value, field, label, max_len=200, required=False):
    value = "" if value is None else value
    ok = isinstance(value, str) and len(value.strip()) <= max_len and bad_character(value) is None and \
        (value.strip() or not required)
    require(ok, InvalidInput, f"certificate.invalid_{field}",
            f"{label}{'不能为空且' if required else ''}不超过 {max_len} 字", errors={field: f"不超过 {max_len} 字"})
    return value.strip()


def _extra(details):
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    require(len(text) <= MAX_DETAILS, InvalidInput, "certificate.invalid_details", "附加信息过长",
            errors={"details": f"不超过 {MAX_DETAILS} 字"})
    return text


def _movement_fields(kind, to_location, recipient, recipient_id_number, note):
    fields = {"note": _text(note, "note", "备注")}
    if kind == rules.MOVE or (kind == rules.RETURN and to_location):
        fields["to_location"] = safe_location(to_location)
    if kind == rules.RELEASE:
        fields["recipient"] = _text(recipient, "recipient", "领取人姓名", 100, required=True)
        number = recipient_id_number.strip().upper() if isinstance(recipient_id_number, str) else ""
        require(PERSON_ID_RE.match(number), InvalidInput, "certificate.invalid_recipient_id_number",
                "领取人身份证号应为 18 位(或 15 位)", errors={"recipient_id_number": "格式错误"})
        fields["recipient_id_number"] = number
    return fields


def start_movement(actor, certificate_id, kind, *, now, to_location=None, recipient=None,
                   recipient_id_number=None, note=""):
    """The first half of a move within the safe or a release (which waits for an approver first).
    Lend and return start only from a loan at the desk (loan_desk.py), never here."""
    require_permission(actor, "certificates.custody" if kind == rules.RELEASE else "certificates.move")
    transitions.load_certificate(certificate_id)
    require(kind in rules.STARTABLE, InvalidInput, "certificate.invalid_movement",
            "kind 必须是 lend、return、release 或 move", errors={"kind": "lend/return/release/move"})
    require(kind not in rules.LOAN_KINDS, Conflict, "certificate.loan_movement_only",
            "权证借出和归还须凭借阅单在借还台办理,不能直接发起")
    fields = _movement_fields(kind, to_location, recipient, recipient_id_number, note)
    move = transitions.start(actor, certificate_id, kind, now=now, **fields)
    return movement_of(move.id)


def release(actor, certificate_id, *, recipient, recipient_id_number, note="", now):
    """Return to the customer on settlement (解押/退还): waits for an approver, then a second person."""
    return start_movement(actor, certificate_id, rules.RELEASE, recipient=recipient,
                          recipient_id_number=recipient_id_number, note=note, now=now)


def movement_of(movement_id, actor=None):
    move = CertificateMovement.get_or_none(CertificateMovement.id == movement_id) if row_id(movement_id) else None
    if move is None:
        raise NotFound("certificate.movement_not_found", f"找不到出入库记录 {movement_id}")
    view = movements_view([move], actor)[0]
    view["certificate"] = certificate_view(_certificates_query().where(Certificate.id == move.certificate_id).get(),
                                           Places())
    return view


def decide(actor, movement_id, *, approve, note="", now):
    """An approver's yes or no to a release, before anyone touches the safe."""
    require_permission(actor, "certificates.decide")
    require(isinstance(approve, bool), InvalidInput, "certificate.invalid_decision", "approve 必须是 true 或 false",
            errors={"approve": "true 或 false"})
    note = _text(note, "note", "审批意见")
    with transaction():
        move = transitions.load_movement(movement_id)
        rules.require_second_person(actor.id, started_by=move.started_by_id)
        require(move.state == rules.PENDING_APPROVAL, Conflict, "certificate.not_pending_approval",
                f"该笔出入库当前为「{rules.MOVEMENT_STATE_NAMES[move.state]}」,不需要审批")
        move.state = rules.PENDING_SECOND if approve else rules.REFUSED
        move.approved_by, move.decided_at, move.decision_note = actor.id, to_db(now), note
        move.save()
        audit.record(actor, "certificate.decision", "certificate", move.certificate_id,
                     {"movement": move.id, "approve": approve, "note": note}, now=now)
    return movement_of(move.id, actor)


def confirm_movement(actor, movement_id, *, now):
    """The second half: another authorised person confirms and the movement takes effect (a loan's
    movement moves its loan too, as at the desk)."""
    move = transitions.confirm(actor, movement_id, now=now)
    return movement_of(move.id, actor)


def release_receipt(actor, movement_id, record_url, *, now):
    """The release receipt (解押/退还回执) custodian and recipient sign; the ID number is masked."""
    require_permission(actor, "certificates.view")
    view = movement_of(movement_id)
    require(view["kind"] == rules.RELEASE, NotFound, "certificate.movement_not_found",
            f"出入库记录 {movement_id} 不是解押退还")
    data = certificate_pdf.render_release(view, record_url)
    with transaction():
        audit.record(actor, "certificate.release_receipt", "certificate", view["certificate_id"],
                     {"movement": view["id"]}, now=now)
    return data


def with_certificates(views):
    """Movement views, each with its certificate's view (two statements whatever the count)."""
    certs = {c.id: c for c in _certificates_query().where(Certificate.id.in_([v["certificate_id"] for v in views]))} \
        if views else {}
    places = Places()
    return [{**v, "certificate": certificate_view(certs[v["certificate_id"]], places)} for v in views]


# ---- overdue lists ---------------------------------------------------------------------------

_OPEN_LISTS = Statement(lambda m: CertificateHandover.select(
    CertificateHandover.id, CertificateHandover.project, Project.code, CertificateHandover.state,
    CertificateHandover.created_at).join(Project).where(CertificateHandover.state != rules.STORED)
    .order_by(CertificateHandover.id).tuples())


def overdue_lists(as_of, cal=None):
    """Certificate handover lists still not in the safe after the end of the next working day after
    the day they were made (R15 says at once): [{id, project_id, project_code, state, created_at, due}]."""
    cal, today = cal or workdays.current(), local_date(as_of)
    found = []
    for list_id, project_id, project_code, state, created_at in _OPEN_LISTS.objects():
        due = cal.add_working_days(local_date(from_db(created_at)), 1).due
        if today > due:
            found.append({"id": list_id, "project_id": project_id, "project_code": project_code, "state": state,
                          "state_name": rules.LIST_STATE_NAMES[state], "created_at": iso_local(created_at),
                          "due": due.isoformat()})
    return found
