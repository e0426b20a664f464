"""The one place a certificate's custody changes (R15, R16): into the safe from its list, and every
later movement (lend, return, release, move) under dual control. A movement that belongs to a loan
moves the loan in the same transaction, whichever page confirms it (the loan desk or the
movements to-do list), so the safe and the loan records never disagree.

Locks are always taken in one order, movement → certificate → loan, so two routes confirming at
once wait for each other instead of deadlocking."""
import json

from ...db import for_update, transaction
from ...domain import certificates as rules
from ...domain.errors import Conflict, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import to_db
from ...models import Certificate, CertificateMovement, Loan
from ...paging import row_id
from ..archive import availability
from ..platform import audit


def store(certificate_ids, location_id):
    """The custodian's check passed: the listed certificates go into the safe at `location_id`."""
    stored = (Certificate.update(status=rules.IN_SAFE, location=location_id)
              .where(Certificate.id.in_(certificate_ids), Certificate.status == rules.LISTED).execute())
    require(stored == len(certificate_ids), Conflict, "certificate.not_listed", "清单中有权证已不是待入库状态")


def load_certificate(certificate_id, *, lock=False):
    query = Certificate.select().where(Certificate.id == certificate_id)
    cert = (for_update(query) if lock else query).get_or_none() if row_id(certificate_id) else None
    if cert is None:
        raise NotFound("certificate.not_found", f"找不到权证 {certificate_id}")
    return cert


def load_movement(movement_id):
    query = CertificateMovement.select().where(CertificateMovement.id == movement_id)
    move = for_update(query).get_or_none() if row_id(movement_id) else None
    if move is None:
        raise NotFound("certificate.movement_not_found", f"找不到出入库记录 {movement_id}")
    return move


def start(actor, certificate_id, kind, *, now, loan=None, to_location=None, note="", **fields):
    """The first half of a movement: a release waits for an approver, the others for a second
    person. Lend and return only ever start from their loan (`loan`), at the desk."""
    require_permission(actor, "certificates.custody" if kind == rules.RELEASE else "certificates.move")
    require((kind in rules.LOAN_KINDS) == (loan is not None), Conflict, "certificate.loan_movement_only",
            "权证借出和归还须凭借阅单在借还台办理,不能直接发起")
    with transaction():
        cert = load_certificate(certificate_id, lock=True)
        rules.require_movable(cert.status, kind)
        open_move = cert.movements.where(CertificateMovement.state.in_(rules.OPEN_STATES)).first()
        require(open_move is None, Conflict, "certificate.movement_open",
                "该权证已有一笔未完成的出入库,请先处理", details={"movement_id": open_move.id if open_move else None})
        if kind == rules.MOVE:
            require(to_location.id != cert.location_id, Conflict, "certificate.same_location", "权证已在该位置")
        if kind in (rules.MOVE, rules.RETURN):
            fields["to_location"] = to_location or cert.location_id
        state = rules.PENDING_APPROVAL if kind == rules.RELEASE else rules.PENDING_SECOND
        details = json.dumps({"loan": loan.id} if loan else {}, sort_keys=True)
        move = CertificateMovement.create(certificate=cert, kind=kind, state=state, from_location=cert.location_id,
                                          started_by=actor.id, started_at=to_db(now), details=details, note=note,
                                          **fields)
        audit.record(actor, f"certificate.{kind}_start", "certificate", cert.id,
                     {"movement": move.id, "code": cert.code, "state": state}, now=now)
    return move


def movement_loan(move):
    """The loan a lend or return movement belongs to, or None."""
    loan_id = json.loads(move.details or "{}").get("loan")
    return Loan.get_or_none(Loan.id == loan_id) if loan_id else None


def confirm(actor, movement_id, *, now):
    """The second half, from either page: a different authorised person confirms, the certificate
    moves and, for a loan's movement, the loan goes out (with its due day) or comes back."""
    require_permission(actor, "certificates.move")
    with transaction():
        move = load_movement(movement_id)
        require(move.state != rules.PENDING_APPROVAL, Conflict, "certificate.not_approved",
                "该笔出入库尚未经有权审批人同意,不能确认")
        require(move.state == rules.PENDING_SECOND, Conflict, "certificate.movement_closed",
                f"该笔出入库已{rules.MOVEMENT_STATE_NAMES[move.state]}")
        loan = movement_loan(move)
        rules.require_second_person(actor.id, started_by=move.started_by_id, approved_by=move.approved_by_id,
                                    borrower=loan.borrower_id if loan else None)
        cert = load_certificate(move.certificate_id, lock=True)
        rules.require_movable(cert.status, move.kind)
        cert.status = rules.AFTER[move.kind]
        if move.kind in (rules.MOVE, rules.RETURN):
            cert.location = move.to_location_id
        elif move.kind == rules.RELEASE:
            cert.location = None
        cert.save()
        move.state, move.confirmed_by, move.confirmed_at = rules.DONE, actor.id, to_db(now)
        move.save()
        audit.record(actor, f"certificate.{move.kind}", "certificate", cert.id,
                     {"movement": move.id, "code": cert.code, "status": cert.status}, now=now)
        if loan is not None:
            _follow_loan(actor, move, loan.id, now)
    return move


def _follow_loan(actor, move, loan_id, now):
    loan = for_update(Loan.select().where(Loan.id == loan_id)).get()
    require(loan.movement_id == move.id, Conflict, "loan.no_open_movement", "该借阅单没有待确认的出入库")
    loan.movement_id = None
    if move.kind == rules.LEND:
        availability.hand_out(actor, loan, now)
    else:
        availability.take_back(actor, loan, availability.recorded_count(loan), now)
