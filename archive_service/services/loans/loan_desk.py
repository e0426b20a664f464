"""The archivist's and the custodian's desk: checkout and return by scanning the label (R17, R18).

A file goes out and comes back on the archivist's scan. A certificate moves out of and into the
safe under dual control (R16): the custodian's scan starts a certificate movement, and the loan
changes only when a second authorised person confirms it (`confirm`). A count short of the
record refuses the return and opens an incident, kept although the call fails."""
from ...db import transaction
from ...domain import certificates as certificate_rules
from ...domain import loans as rules
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.loans import ARCHIVE, CERTIFICATE
from ...domain.permissions import require_permission
from ...domain.timeutil import local_date, to_db
from ...models import Incident, Loan, User
from ..archive import availability
from ..custody import transitions
from ..platform import audit, lookup, outbox
from . import loans
from .loan_views import loan_page

HAND_OUT = {ARCHIVE: "loans.hand_out_archive", CERTIFICATE: "loans.hand_out_certificate"}
KEEPERS = {ARCHIVE: ("archivist",), CERTIFICATE: ("custodian",)}
SHORT_WORDS = {ARCHIVE: ("页数", "页", "档案管理员"), CERTIFICATE: ("份数", "份", "权证管理员")}


def _scanned(loan, scanned):
    code = rules.clean_text(scanned, "scanned", max_len=rules.MAX_CODE, code="loan.invalid_scan")
    require(code == loan.object_code, InvalidInput, "loan.wrong_label",
            f"扫描的标签 {code} 不是本借阅单的对象 {loan.object_code},请扫描正确的标签",
            errors={"scanned": f"应为 {loan.object_code}"})


def _require_no_open_movement(loan):
    require(loan.movement_id is None, Conflict, "loan.movement_open",
            "该权证的出入库正等待第二人确认(双人控制),请先确认", details={"movement_id": loan.movement_id})


def scan(actor, code, *, now):
    """The desk's scan box: the open loans of the object a label names (to check out, take back
    or confirm), and what the object is."""
    require_permission(actor, "loans.desk")
    code = rules.clean_text(code, "code", max_len=rules.MAX_CODE, code="loan.invalid_scan")
    try:
        found = lookup.resolve(code)
    except NotFound:
        found = None
    query = (Loan.select(Loan, User).join(User, on=(Loan.borrower == User.id))
             .where(Loan.object_code.in_([code, code.upper()]), Loan.state.in_((rules.APPROVED, rules.OUT))))
    return {"code": code, "object": found,
            "loans": loan_page(query, limit=None, cursor=None, today=local_date(now))["items"]}


# ---- checkout --------------------------------------------------------------------------------

def checkout(actor, loan_id, scanned, *, now):
    """The keeper scans the label and hands the object out. A file is out at once, due on the
    n-th working day after today; a certificate waits for a second person's confirmation."""
    # Two loans of one object scanned at once both pass the holder check on PostgreSQL; the
    # unique out_key then refuses the second, and that is the same answer as the check's.
    with transaction(Conflict("loan.object_out", "该对象已被他人借出,归还后才能再出借")):
        loan = loans.load_loan(loan_id, lock=True)
        require_permission(actor, HAND_OUT[loan.object_kind])
        require(loan.state == rules.APPROVED, Conflict,
                "loan.already_out" if loan.state == rules.OUT else "loan.not_approved",
                f"借阅单当前状态为「{rules.STATE_NAMES[loan.state]}」,不能出借")
        _scanned(loan, scanned)
        _require_no_open_movement(loan)
        loans.target(loan.object_code)
        holder = Loan.get_or_none(Loan.out_key == availability.out_key(loan))
        require(holder is None, Conflict, "loan.object_out", f"{loan.object_code} 已借出,归还后才能再出借",
                details={"loan_id": holder.id if holder else None})
        if loan.object_kind == CERTIFICATE:
            _start_movement(actor, loan, certificate_rules.LEND, now)
        else:
            availability.hand_out(actor, loan, now)
    return loans.get(actor, loan.id, now=now)


def _start_movement(actor, loan, kind, now):
    move = transitions.start(actor, loan.certificate_id, kind, now=now, note=f"借阅单 {loan.id}", loan=loan)
    loan.movement_id = move.id
    if kind == certificate_rules.LEND:
        loan.checked_out_by = actor.id
    loan.save()
    audit.record(actor, f"loan.{kind}_start", "loan", loan.id, {"object": loan.object_code, "movement": move.id},
                 now=now)


def confirm(actor, loan_id, *, now):
    """A second authorised person confirms the certificate movement a checkout or return started
    (dual control, R16): the same transition as confirming it from the movements to-do list, which
    moves the certificate and the loan (out with its due day, or returned) together."""
    require_permission(actor, "loans.desk")
    loan = loans.load_loan(loan_id)
    require(loan.movement_id is not None, Conflict, "loan.no_open_movement", "该借阅单没有待确认的出入库")
    transitions.confirm(actor, loan.movement_id, now=now)
    return loans.get(actor, loan.id, now=now)


# ---- return ----------------------------------------------------------------------------------

def return_loan(actor, loan_id, scanned, pages, *, now):
    """Take the object back by scanning its label and counting it (R18). Fewer pages (or sheets)
    than recorded: refused, an incident is opened and the keepers and the loan's approvers told."""
    rules.whole_number(pages, "pages", 0, 100_000, code="loan.invalid_pages")
    with transaction():
        loan = loans.load_loan(loan_id, lock=True)
        require_permission(actor, HAND_OUT[loan.object_kind])
        require(loan.state == rules.OUT, Conflict,
                "loan.already_returned" if loan.state == rules.RETURNED else "loan.not_out",
                f"借阅单当前状态为「{rules.STATE_NAMES[loan.state]}」,不能归还")
        _scanned(loan, scanned)
        _require_no_open_movement(loan)
        expected = availability.recorded_count(loan)
        require(pages <= expected, InvalidInput, "loan.pages_over",
                f"清点 {pages} 页多于登记的 {expected} 页,请重新清点", errors={"pages": f"登记为 {expected} 页"})
        incident = _short_return(actor, loan, expected, pages, now) if pages < expected else None
        if incident is None and loan.object_kind == CERTIFICATE:
            _start_movement(actor, loan, certificate_rules.RETURN, now)
        elif incident is None:
            availability.take_back(actor, loan, pages, now)
    if incident is not None:
        what, unit, keeper = SHORT_WORDS[loan.object_kind]
        raise Conflict("loan.pages_short", f"{what}不符:登记 {expected} {unit},清点 {pages} {unit},不能正常归还;"
                       f"已登记缺失事件,并通知审批人和{keeper}", details={
                           "incident_id": incident.id, "expected_pages": expected, "counted_pages": pages})
    return loans.get(actor, loan.id, now=now)


def _short_return(actor, loan, expected, pages, now):
    incident = Incident.get_or_none(Incident.loan == loan.id, Incident.state == "open")
    if incident is None:
        incident = Incident.create(loan=loan, kind="missing_pages", object_code=loan.object_code,
                                   expected_pages=expected, counted_pages=pages, opened_by=actor.id,
                                   opened_at=to_db(now))
    audit.record(actor, "loan.return_short", "loan", loan.id, {"object": loan.object_code, "expected": expected,
                                                               "counted": pages, "incident": incident.id}, now=now)
    approvers = [a.decided_by for a in loan.approvals if a.approve]
    outbox.notify(loans.holders(KEEPERS[loan.object_kind]) + approvers, kind="incident", obj=loan.object_code,
                  url=f"/incidents/{incident.id}", level=2, robots=True, now=now,
                  message=f"{loan.object_code} 归还时缺失:登记 {expected},清点 {pages}(借阅人 "
                          f"{loan.borrower.display_name}),已登记事件,待审批人处理。")
    return incident
