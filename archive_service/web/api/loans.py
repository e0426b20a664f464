"""Borrowing: requests, approval steps, checkout and return by scanning, renewals, incidents,
and the approval rules an admin edits (R17–R19)."""
from ...services.loans import incidents, loan_desk, loan_rules, loans
from ..context import current_actor, now
from .base import api_blueprint
from .schemas import ApiSchema, Bool, Dict, Int, List, PageArgs, QueryFlag, Str

bp = api_blueprint("loans", "Borrowing: request → approval → checkout → return (R17–R19)")


class NewLoan(ApiSchema):
    object = Str(required=True, metadata={"description": "an archive number (or a certificate code)"})
    purpose = Str(required=True)
    days = Int(required=True, metadata={"description": "working days wanted"})
    use = Str(load_default="read", metadata={"description": "read (in the archive room) or take_out"})


class LoanDecision(ApiSchema):
    approve = Bool(required=True)
    note = Str(load_default="")


class Scan(ApiSchema):
    scanned = Str(required=True, metadata={"description": "the code read from the object's label"})


class Return(Scan):
    pages = Int(required=True, metadata={"description": "pages counted at the return (R18)"})


class Renewal(ApiSchema):
    days = Int(required=True)


class LoanArgs(PageArgs):
    state = Str(load_default=None)
    overdue = QueryFlag(load_default=False)
    inbox = QueryFlag(load_default=False, metadata={"description": "only loans waiting for my decision"})
    mine = QueryFlag(load_default=False, metadata={"description": "only my own loans"})


class IncidentArgs(PageArgs):
    state = Str(load_default=None)
    object = Str(load_default=None)


class Close(ApiSchema):
    note = Str(required=True)


class RuleSet(ApiSchema):
    rules = List(Dict(), required=True)


@bp.post("/loans")
@bp.arguments(NewLoan)
@bp.response(201)
def request_loan(body):
    """Ask to borrow; an executive's loan is approved at once (R17)."""
    return loans.request(current_actor(), object=body["object"], purpose=body["purpose"], days=body["days"],
                         use=body["use"], now=now())


@bp.get("/loans")
@bp.arguments(LoanArgs, location="query")
@bp.response(200)
def find_loans(args):
    """Loans I may see: `{items, next_cursor}`; `overdue=true` for those out past their due day."""
    return loans.find(current_actor(), now=now(), **args)


@bp.get("/loans/<int:loan_id>")
@bp.response(200)
def get_loan(loan_id):
    return loans.get(current_actor(), loan_id, now=now())


@bp.post("/loans/<int:loan_id>/decision")
@bp.arguments(LoanDecision)
@bp.response(200)
def decide(body, loan_id):
    """One approval step; never on one's own request (403 `loan.own_request`)."""
    return loans.decide(current_actor(), loan_id, body["approve"], body["note"], now=now())


@bp.post("/loans/<int:loan_id>/checkout")
@bp.arguments(Scan)
@bp.response(200)
def checkout(body, loan_id):
    """Hand the object out after scanning its label; answers the loan with its `due` date."""
    return loan_desk.checkout(current_actor(), loan_id, body["scanned"], now=now())


@bp.post("/loans/<int:loan_id>/return")
@bp.arguments(Return)
@bp.response(200)
def return_loan(body, loan_id):
    """Take the object back; fewer pages than recorded → 409 `loan.pages_short` and an incident (R18)."""
    return loan_desk.return_loan(current_actor(), loan_id, body["scanned"], body["pages"], now=now())


@bp.post("/loans/<int:loan_id>/confirm")
@bp.response(200)
def confirm(loan_id):
    """A certificate's checkout or return takes effect when a second authorised person (custodian
    or archivist, not the one who scanned) confirms its movement out of or into the safe (R16)."""
    return loan_desk.confirm(current_actor(), loan_id, now=now())


@bp.post("/loans/<int:loan_id>/renew")
@bp.arguments(Renewal)
@bp.response(200)
def renew(body, loan_id):
    return loans.renew(current_actor(), loan_id, body["days"], now=now())


@bp.post("/loans/<int:loan_id>/cancel")
@bp.response(200)
def cancel(loan_id):
    return loans.cancel(current_actor(), loan_id, now=now())


@bp.get("/incidents")
@bp.arguments(IncidentArgs, location="query")
@bp.response(200)
def find_incidents(args):
    return incidents.find(current_actor(), state=args["state"], obj=args["object"], limit=args["limit"],
                          cursor=args["cursor"])


@bp.get("/incidents/<int:incident_id>")
@bp.response(200)
def get_incident(incident_id):
    return incidents.get(current_actor(), incident_id)


@bp.post("/incidents/<int:incident_id>/close")
@bp.arguments(Close)
@bp.response(200)
def close_incident(body, incident_id):
    """An approver closes a return incident with a note."""
    return incidents.close(current_actor(), incident_id, body["note"], now=now())


@bp.get("/loan-rules")
@bp.response(200)
def get_rules():
    """The approval rules in force, per object kind (defaults until an admin sets them)."""
    current_actor()
    return loan_rules.all_rules()


@bp.put("/loan-rules/<object_kind>")
@bp.arguments(RuleSet)
@bp.response(200)
def set_rules(body, object_kind):
    """Replace the rules of `archive` or `certificate` loans: each `{use, requester_role, steps,
    max_days, max_renewals, renewal_steps}`; an empty list restores the defaults."""
    return loan_rules.set_rules(current_actor(), object_kind, body["rules"], now=now())
