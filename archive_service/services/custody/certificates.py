"""Certificates in custody (R14–R16): each certificate's history, and movements into or out of the
safe under dual control. The ledger is in ledgers/certificate_ledger.py, the handover lists in
certificate_lists.py, stock-takes in stocktakes.py, views, safe places and late lists in
certificate_views.py.

Public calls (loans lend and take back certificates through transitions.py, never these):
  start_movement(actor, certificate_id, kind, *, now, **details) -> movement view
  decide(actor, movement_id, *, approve, note="", now) -> movement view (releases only)
  confirm_movement(actor, movement_id, *, now) -> movement view (the certificate's new status in it)
"""
import json

from ...adapters import certificate_pdf
from ...db import transaction
from ...domain import certificates as rules
from ...domain.bounds import bad_character
from ...domain.customers import PERSON_ID_RE
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import (
    Certificate,
    CertificateMovement,
    CertificateSignature,
    User,
)
from ...paging import row_id
from ..platform import audit, lookup
from . import transitions
from .certificate_views import Places, certificate_view, certificates_query, movements_view, safe_location

MAX_DETAILS = 2000


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
    cert = certificates_query().where(Certificate.id == certificate_id).get_or_none() \
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
    view["certificate"] = certificate_view(certificates_query().where(Certificate.id == move.certificate_id).get(),
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


