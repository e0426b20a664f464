"""How loans are shown: one loan, and pages of loans in a fixed number of statements (the
page, the approval steps of all its loans, and which of its objects are out)."""
from ...domain import loans as rules
from ...domain.loans import OBJECT_KINDS, USES
from ...domain.permissions import ROLES
from ...domain.timeutil import iso_local
from ...models import Loan, LoanApproval, User
from ...paging import cursor_id, page_size


def late_loans_query(as_of):
    """Loans out past their due day on `as_of`, each with its borrower (the sweep and the statistics)."""
    return (Loan.select(Loan, User).join(User, on=(Loan.borrower == User.id))
            .where(Loan.state == rules.OUT, Loan.due_on < as_of))


def approval_view(a):
    return {"round": a.round, "step": a.step, "role": a.role, "role_name": ROLES.get(a.role, a.role),
            "decided_by": a.decided_by.username, "decided_by_name": a.decided_by.display_name,
            "approve": a.approve, "note": a.note, "decided_at": iso_local(a.decided_at)}


def loan_view(loan, approvals, *, today, queued=False):
    """`queued`: the object is out on someone else's loan, so this one waits in line."""
    steps = [s for s in loan.steps.split(",") if s]
    return {
        "id": loan.id, "object": loan.object_code, "object_kind": loan.object_kind,
        "object_kind_name": OBJECT_KINDS[loan.object_kind],
        "archive_no": loan.object_code if loan.object_kind == "archive" else None,
        "borrower": loan.borrower.username, "borrower_name": loan.borrower.display_name,
        "purpose": loan.purpose, "use": loan.use, "use_name": USES[loan.use], "days": loan.days,
        "state": loan.state, "state_name": rules.STATE_NAMES[loan.state],
        "steps": steps, "step_names": [ROLES.get(s, s) for s in steps],
        "awaiting": loan.awaiting, "awaiting_name": ROLES.get(loan.awaiting) if loan.awaiting else None,
        "approvals": [approval_view(a) for a in approvals],
        "renewals": loan.renewals, "renewal_days": loan.renewal_days,
        "requested_at": iso_local(loan.requested_at), "checked_out_at": iso_local(loan.checked_out_at),
        "due": loan.due_on.isoformat() if loan.due_on else None,
        "overdue": bool(loan.state == rules.OUT and loan.due_on and today and loan.due_on < today),
        "returned_at": iso_local(loan.returned_at), "returned_pages": loan.returned_pages,
        "queued": queued, "movement_id": loan.movement_id,
    }


def approvals_of(loan_ids):
    """{loan_id: [LoanApproval with its decider]} in one query."""
    if not loan_ids:
        return {}
    found = {}
    rows = (LoanApproval.select(LoanApproval, User).join(User, on=(LoanApproval.decided_by == User.id))
            .where(LoanApproval.loan.in_(loan_ids)).order_by(LoanApproval.id))
    for row in rows:
        found.setdefault(row.loan_id, []).append(row)
    return found


def waiting_line(loans):
    """{loan_id: True} for the not-yet-out loans whose object is out on another loan (one query)."""
    codes = {loan.object_code for loan in loans if loan.state in (rules.REQUESTED, rules.APPROVED)}
    if not codes:
        return {}
    out = {code for (code,) in Loan.select(Loan.object_code)
           .where(Loan.state == rules.OUT, Loan.object_code.in_(list(codes))).tuples()}
    return {loan.id: True for loan in loans if loan.object_code in out and loan.state != rules.OUT}


def loan_page(query, *, limit, cursor, today):
    """Newest first; `cursor` is the last id of the previous page."""
    limit = page_size(limit)
    if cursor:
        query = query.where(Loan.id < cursor_id(cursor))
    rows = list(query.order_by(Loan.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    steps, line = approvals_of([r.id for r in rows]), waiting_line(rows)
    return {"items": [loan_view(r, steps.get(r.id, []), today=today, queued=line.get(r.id, False)) for r in rows],
            "next_cursor": str(rows[-1].id) if more and rows else None}
