"""Borrowing (R17–R19): requests, approval steps, renewals and reading loans. Checkout and
return by scanning are in loan_desk.py. One object is out on one loan at a time (the `out_key`
column is unique); later requests wait in line and are told when it comes back."""

from ...db import for_share, for_update, transaction
from ...domain import certificates as certificate_rules
from ...domain import loans as rules
from ...domain.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ...domain.loans import ARCHIVE, CERTIFICATE
from ...domain.permissions import ROLES, allowed
from ...domain.timeutil import local_date, to_db
from ...models import ArchiveFile, Certificate, Loan, LoanApproval, User
from ...paging import row_id
from ..archive import availability
from ..platform import audit, lookup, outbox, workdays
from . import loan_rules
from .loan_views import approvals_of, loan_page, loan_view, waiting_line

# ---- what is borrowed ------------------------------------------------------------------------

def target(code):
    """(object_kind, code, archive row or None, certificate row or None) for a typed or scanned
    code; refuses unknown, voided, released or destroyed objects."""
    code = rules.clean_text(code, "object", max_len=rules.MAX_CODE, code="loan.invalid_object")
    if certificate_rules.is_label_code(code.upper()):
        return _certificate_target(code.upper())
    archive = ArchiveFile.get_or_none(ArchiveFile.archive_no == code)
    require(archive is not None, InvalidInput, "loan.unknown_object", f"找不到档号或权证编码为 {code} 的对象",
            errors={"object": "未知的档号或权证编码"})
    require(archive.status == "in_archive", Conflict, "loan.object_unavailable",
            f"档案 {code} 当前状态为「{archive.status}」,不能借阅")
    return ARCHIVE, archive.archive_no, archive, None


def _certificate_target(code):
    cert = Certificate.get_or_none(Certificate.code == code)
    require(cert is not None, InvalidInput, "loan.unknown_object", f"找不到权证 {code}",
            errors={"object": "未知的权证编码"})
    require(cert.status in (certificate_rules.IN_SAFE, certificate_rules.ON_LOAN), Conflict,
            "loan.object_unavailable",
            f"权证 {code} 当前状态为「{certificate_rules.STATUS_NAMES.get(cert.status, cert.status)}」,不能借阅")
    return CERTIFICATE, cert.code, None, cert


def load_loan(loan_id, *, lock=False):
    query = Loan.select().where(Loan.id == loan_id)
    loan = (for_update(query) if lock else query).get_or_none() if row_id(loan_id) else None
    if loan is None:
        raise NotFound("loan.not_found", f"找不到借阅单 {loan_id}")
    return loan


@lookup.resolver(order=50)
def resolve_slip(code):
    """A loan slip's code (JY-000123) for the scan box and GET /lookup/{code}."""
    loan_id = rules.slip_id(code)
    loan = Loan.get_or_none(Loan.id == loan_id) if loan_id else None
    return {"kind": "loan", "id": loan.id, "status": loan.state, "url": f"/loans/{loan.id}"} if loan else None


def _may_see(actor, loan):
    return (loan.borrower_id == actor.id or allowed(actor.roles, "loans.view_all")
            or (loan.awaiting is not None and actor.has_role(loan.awaiting)))


def load_visible(actor, loan_id, *, lock=False):
    loan = load_loan(loan_id, lock=lock)
    if not _may_see(actor, loan):
        raise NotFound("loan.not_found", f"找不到借阅单 {loan_id}")
    return loan


def holders(roles, *, besides=None):
    return [u for u in outbox.users_with_roles(*roles) if u.id != besides]


def _tell_awaiting(loan, now):
    role = loan.awaiting
    what = "续借" if loan.renewal_days else "借阅"
    outbox.notify(holders((role,), besides=loan.borrower_id), kind="loan", obj=loan.object_code,
                  url=f"/loans/{loan.id}", now=now,
                  message=f"{loan.borrower.display_name}申请{what} {loan.object_code}(用途:{loan.purpose}),"
                          f"等待{ROLES[role]}审批。")


# ---- request and approval (R17) --------------------------------------------------------------

def request(actor, *, object, purpose, days, use="read", now):
    """Ask to borrow an archive file (by its number) for `days` working days. Executives need no
    approval (R17); a request for an object someone else has waits in line."""
    purpose = rules.clean_text(purpose, "purpose", max_len=rules.MAX_PURPOSE, code="loan.invalid_purpose")
    require(use in loan_rules.USES, InvalidInput, "loan.invalid_use", "use 必须是 read(档案室内查阅)或 take_out(借出)",
            errors={"use": "read 或 take_out"})
    with transaction():
        _lock_active_borrower(actor)
        kind, code, archive, cert = target(object)
        rule = loan_rules.rule_for(kind, use, actor.roles)
        rules.whole_number(days, "days", 1, rule.max_days, code="loan.invalid_days")
        duplicate = Loan.select().where(Loan.borrower == actor.id, Loan.object_code == code,
                                        Loan.state.in_(rules.OPEN)).exists()
        require(not duplicate, Conflict, "loan.duplicate", f"您已有 {code} 的借阅申请或借出记录")
        loan = Loan.create(borrower=actor.id, object_kind=kind, object_code=code, archive=archive,
                           certificate_id=cert.id if cert else None, purpose=purpose,
                           use=use, days=days, steps=",".join(rule.steps), step=0,
                           awaiting=rule.steps[0] if rule.steps else None,
                           state=rules.REQUESTED if rule.steps else rules.APPROVED,
                           requested_at=to_db(now), decided_at=None if rule.steps else to_db(now))
        audit.record(actor, "loan.request", "loan", loan.id, {"object": code, "use": use, "days": days,
                                                              "steps": list(rule.steps)}, now=now)
        if loan.awaiting:
            _tell_awaiting(loan, now)
    return get(actor, loan.id, now=now)


def _lock_active_borrower(actor):
    """The borrower's row, locked until the request commits: a deactivation at the same moment
    either waits and then sees this loan (409 `user.still_holds`), or went first and this request
    is refused (R21: nobody inactive holds a loan)."""
    borrower = for_share(User.select(User.id, User.active).where(User.id == actor.id)).get_or_none()
    require(borrower is not None and borrower.active, Conflict, "user.inactive",
            f"账号 {actor.username} 已停用,不能申请借阅")


def decide(actor, loan_id, approve, note="", *, now):
    """One approval step. Nobody decides their own request, nor two steps of the same one."""
    require(isinstance(approve, bool), InvalidInput, "loan.invalid_decision", "approve 必须是 true 或 false",
            errors={"approve": "true 或 false"})
    note = rules.clean_text(note, "note", max_len=rules.MAX_NOTE, required=False)
    with transaction():
        loan = load_visible(actor, loan_id, lock=True)
        require(loan.awaiting is not None, Conflict, "loan.not_pending",
                f"借阅单当前状态为「{rules.STATE_NAMES[loan.state]}」,没有待审批的步骤")
        require(loan.borrower_id != actor.id, Forbidden, "loan.own_request", "不能审批自己的借阅申请")
        require(actor.has_role(loan.awaiting), Forbidden, "loan.not_your_step", f"此步骤需要{ROLES[loan.awaiting]}审批")
        round_no = loan.renewals + 1 if loan.renewal_days else 0
        decided_before = LoanApproval.select().where(LoanApproval.loan == loan.id, LoanApproval.round == round_no,
                                                     LoanApproval.decided_by == actor.id).exists()
        require(not decided_before, Conflict, "loan.already_decided", "您已审批过此申请的前一步,需由他人审批")
        LoanApproval.create(loan=loan, round=round_no, step=loan.step, role=loan.awaiting,
                                    decided_by=actor.id, approve=approve, note=note, decided_at=to_db(now))
        _advance(loan, approve, now)
        audit.record(actor, "loan.decide", "loan", loan.id, {"approve": approve, "note": note, "round": round_no,
                                                             "step": loan.step, "state": loan.state}, now=now)
    return get(actor, loan.id, now=now)


def _advance(loan, approve, now):
    steps = loan.steps.split(",")
    renewal = loan.renewal_days is not None
    if not approve:
        loan.awaiting = None
        if renewal:
            loan.renewal_days = None
            message = f"您对 {loan.object_code} 的续借申请未获批准,请按期归还。"
        else:
            loan.state, loan.decided_at = rules.REJECTED, to_db(now)
            message = f"您借阅 {loan.object_code} 的申请未获批准。"
        loan.save()
        return availability.tell_borrower(loan, message, now)
    loan.step += 1
    if loan.step < len(steps):
        loan.awaiting = steps[loan.step]
        loan.save()
        return _tell_awaiting(loan, now)
    loan.awaiting = None
    if renewal:
        _extend(loan, loan.renewal_days)
        message = f"您对 {loan.object_code} 的续借已批准,新的归还期限为 {loan.due_on.isoformat()}。"
    else:
        loan.state, loan.decided_at = rules.APPROVED, to_db(now)
        message = f"您借阅 {loan.object_code} 的申请已批准,请到档案室办理。"
    loan.save()
    availability.tell_borrower(loan, message, now)


def _extend(loan, days):
    loan.due_on = workdays.current().add_working_days(loan.due_on, days).due
    loan.renewals += 1
    loan.renewal_days = None


def cancel(actor, loan_id, *, now):
    """The borrower withdraws a request that is not yet out."""
    with transaction():
        loan = load_visible(actor, loan_id, lock=True)
        require(loan.borrower_id == actor.id, Forbidden, "loan.not_borrower", "只有借阅人本人可以撤销申请")
        require(loan.state in (rules.REQUESTED, rules.APPROVED), Conflict, "loan.not_cancellable",
                f"借阅单当前状态为「{rules.STATE_NAMES[loan.state]}」,不能撤销")
        loan.state, loan.awaiting = rules.CANCELLED, None
        loan.save()
        audit.record(actor, "loan.cancel", "loan", loan.id, {"object": loan.object_code}, now=now)
    return get(actor, loan.id, now=now)


# ---- renewal ---------------------------------------------------------------------------------

def renew(actor, loan_id, days, *, now):
    """The borrower asks for more working days: limited in number, refused while someone waits
    for the object, approved as the rules say."""
    with transaction():
        loan = load_visible(actor, loan_id, lock=True)
        require(loan.borrower_id == actor.id, Forbidden, "loan.not_borrower", "只有借阅人本人可以续借")
        require(loan.state == rules.OUT, Conflict, "loan.not_out", "只有借出中的借阅可以续借")
        require(loan.renewal_days is None, Conflict, "loan.renewal_pending", "已有待审批的续借申请")
        rule = loan_rules.rule_for(loan.object_kind, loan.use, loan.borrower.roles)
        rules.whole_number(days, "days", 1, rule.max_days, code="loan.invalid_days")
        require(loan.renewals < rule.max_renewals, Conflict, "loan.renewal_limit",
                f"续借次数已达上限({rule.max_renewals} 次)")
        queued = Loan.select().where(Loan.object_code == loan.object_code, Loan.id != loan.id,
                                     Loan.state.in_((rules.REQUESTED, rules.APPROVED))).exists()
        require(not queued, Conflict, "loan.queued", "已有他人排队借阅该对象,不能续借,请按期归还")
        if rule.renewal_steps:
            loan.steps, loan.step, loan.awaiting = ",".join(rule.renewal_steps), 0, rule.renewal_steps[0]
            loan.renewal_days = days
        else:
            _extend(loan, days)
        loan.save()
        audit.record(actor, "loan.renew", "loan", loan.id, {"days": days, "approval": list(rule.renewal_steps),
                                                            "due": loan.due_on.isoformat()}, now=now)
        if loan.awaiting:
            _tell_awaiting(loan, now)
    return get(actor, loan.id, now=now)


# ---- reading ---------------------------------------------------------------------------------

def get(actor, loan_id, *, now):
    """One loan with its approval steps."""
    loan = load_visible(actor, loan_id)
    return loan_view(loan, approvals_of([loan.id]).get(loan.id, []), today=local_date(now),
                     queued=waiting_line([loan]).get(loan.id, False))


def find(actor, *, state=None, overdue=False, inbox=False, mine=False, limit=None, cursor=None, now):
    """Loans the actor may see, newest first: {items, next_cursor}. `inbox` = waiting for the
    actor's decision; `mine` = the actor's own; `overdue` = out past the due day."""
    query = Loan.select(Loan, User).join(User, on=(Loan.borrower == User.id))
    if inbox:
        query = query.where(Loan.awaiting.in_(list(actor.roles) or [""]), Loan.borrower != actor.id)
    elif mine or not allowed(actor.roles, "loans.view_all"):
        query = query.where(Loan.borrower == actor.id)
    if state:
        require(state in rules.STATE_NAMES, InvalidInput, "request.invalid_filter",
                f"state 必须是 {'、'.join(rules.STATE_NAMES)} 之一", errors={"state": "未知的状态"})
        query = query.where(Loan.state == state)
    day = local_date(now)  # overdue is judged on today, never on a day swept
    if overdue:
        query = query.where(Loan.state == rules.OUT, Loan.due_on < day)
    return loan_page(query, limit=limit, cursor=cursor, today=day)
