"""The custody invariants (issue 20): what must hold between certificates, loans, movements,
people, files, the audit trail and a backup after every step, whatever the order of the steps.

Each invariant is a pure predicate over a `Snapshot` of plain values (read from the database by
the caller): a function returning a list of human-readable violations, empty when it holds.
`INVARIANTS` names them all, in one place, so the tests and the code read the same list;
`violations(snapshot)` runs every one of them. Stdlib only: no database, no clock."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

# Values as the tables store them (the same words as domain/certificates.py and domain/loans.py).
LISTED, IN_SAFE, ON_LOAN, RELEASED = "listed", "in_safe", "on_loan", "released"
LIST_STORED = "stored"
LEND, RETURN, RELEASE, STORE = "lend", "return", "release", "store"
OPEN_MOVEMENT_STATES = ("pending_approval", "pending_second")
DONE, REQUESTED, APPROVED, OUT, RETURNED = "done", "requested", "approved", "out", "returned"
OPEN_LOAN_STATES = (REQUESTED, APPROVED, OUT)
IN_ARCHIVE, DESTROYED = "in_archive", "destroyed"
SHOWN_IN_PLACE = "在库"  # the status name the ledger shows for a file on its shelf
CUSTODIAN, ARCHIVIST, MANAGER, EXECUTIVE = "custodian", "archivist", "manager", "executive"


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    active: bool
    roles: tuple = ()


@dataclass(frozen=True)
class CertificateRow:
    id: int
    code: str
    status: str
    location_id: int | None
    list_id: int
    list_state: str


@dataclass(frozen=True)
class MovementRow:
    id: int
    certificate_id: int
    kind: str
    state: str
    started_by: int
    approved_by: int | None = None
    confirmed_by: int | None = None
    loan_id: int | None = None  # the loan whose checkout or return started it


@dataclass(frozen=True)
class LoanRow:
    id: int
    state: str
    object_kind: str
    object_code: str
    borrower_id: int
    certificate_id: int | None = None
    archive_id: int | None = None
    out_key: str | None = None
    due_on: date | None = None
    steps: tuple = ()
    approved_by: tuple = ()  # who said yes to the request (round 0), in step order
    decided_by: tuple = ()  # everyone who decided any step of any round
    checked_out: bool = False


@dataclass(frozen=True)
class ArchiveRow:
    id: int
    archive_no: str
    status: str
    shown_status_name: str  # what the ledger shows for it


@dataclass(frozen=True)
class ProjectRow:
    id: int
    code: str
    a_user: int
    b_user: int
    filed: bool


@dataclass(frozen=True)
class RestoreCheck:
    """A backup restored into an empty instance: what it found, and what the source had."""

    error: str | None
    source_counts: dict = field(default_factory=dict)
    restored_counts: dict = field(default_factory=dict)
    source_scans: frozenset = frozenset()
    restored_scans: frozenset = frozenset()
    audit_ok: bool = True


@dataclass(frozen=True)
class Snapshot:
    today: date
    users: tuple = ()
    safe_locations: frozenset = frozenset()
    certificates: tuple = ()
    movements: tuple = ()
    loans: tuple = ()
    archives: tuple = ()
    projects: tuple = ()
    list_states: dict = field(default_factory=dict)  # {certificate list id: state}
    stocktake_states: dict = field(default_factory=dict)
    disposal_states: dict = field(default_factory=dict)
    reassigned_projects: frozenset = frozenset()  # ids of projects with a reassignment row
    audit: dict = field(default_factory=dict)  # {(action, object_type, object_id as str): entries}
    audit_ok: bool = True  # what the service's `audit verify` said
    shown_overdue: frozenset = frozenset()  # ids of the loans the service shows as overdue
    restore: RestoreCheck | None = None


def _people(snapshot):
    return {u.id: u for u in snapshot.users}


def _name(snapshot, user_id):
    user = _people(snapshot).get(user_id)
    return user.username if user else f"user {user_id}"


def _loans_out(snapshot):
    return [loan for loan in snapshot.loans if loan.state == OUT]


# ---- certificates and loans ------------------------------------------------------------------

def certificate_on_loan_iff_one_loan_out(snapshot):
    """R16/R17: a certificate is on loan exactly when one loan of it is out; in the safe (or
    anywhere else) no loan of it is out."""
    out = Counter(loan.certificate_id for loan in _loans_out(snapshot) if loan.certificate_id is not None)
    found = []
    for cert in snapshot.certificates:
        if cert.status == ON_LOAN and out[cert.id] != 1:
            found.append(f"certificate {cert.code} is on_loan with {out[cert.id]} loans out")
        elif cert.status != ON_LOAN and out[cert.id]:
            found.append(f"certificate {cert.code} is {cert.status} but {out[cert.id]} loan(s) of it are out")
    return found


def one_loan_out_per_object(snapshot):
    """An object is out on one loan at a time, and a loan out holds its object's key."""
    found = []
    for code, count in Counter(loan.object_code for loan in _loans_out(snapshot)).items():
        if count > 1:
            found.append(f"{code} is out on {count} loans")
    found += [f"loan {loan.id} is out without its out_key" for loan in _loans_out(snapshot) if not loan.out_key]
    found += [f"loan {loan.id} is {loan.state} but still holds out_key {loan.out_key}"
              for loan in snapshot.loans if loan.state != OUT and loan.out_key]
    return found


def loans_out_have_a_due_date(snapshot):
    """R17: every loan out has its due date."""
    return [f"loan {loan.id} of {loan.object_code} is out with no due date"
            for loan in _loans_out(snapshot) if loan.due_on is None]


def approved_loans_were_approved(snapshot):
    """R17: a loan waiting to go out was approved for its borrower: every step by someone else, or
    no step because the borrower is an executive. Nobody ever decides their own loan."""
    people, found = _people(snapshot), []
    for loan in snapshot.loans:
        borrower = people.get(loan.borrower_id)
        if loan.state == APPROVED:
            if not loan.steps and (borrower is None or EXECUTIVE not in borrower.roles):
                found.append(f"loan {loan.id} is approved with no approval step, but its borrower "
                             f"{_name(snapshot, loan.borrower_id)} is not an executive")
            elif loan.steps and len(loan.approved_by) < len(loan.steps):
                found.append(f"loan {loan.id} is approved with {len(loan.approved_by)} of {len(loan.steps)} steps")
        if loan.borrower_id in loan.decided_by:
            found.append(f"loan {loan.id} was decided by its own borrower {_name(snapshot, loan.borrower_id)}")
    return found


def lend_and_return_movements_belong_to_a_loan(snapshot):
    """R16/R17: a certificate leaves or comes back to the safe only on a loan of that certificate."""
    loans, found = {loan.id: loan for loan in snapshot.loans}, []
    for move in snapshot.movements:
        if move.kind not in (LEND, RETURN):
            continue
        loan = loans.get(move.loan_id)
        if loan is None:
            found.append(f"{move.kind} movement {move.id} ({move.state}) belongs to no loan")
        elif loan.certificate_id != move.certificate_id:
            found.append(f"{move.kind} movement {move.id} is of another certificate than loan {loan.id}")
    return found


# ---- movements under dual control ------------------------------------------------------------

def done_movements_have_two_people(snapshot):
    """R16: the second person who confirms a movement is none of the people already on it: not
    its starter, not its approver, not the borrower of its loan."""
    borrowers = {loan.id: loan.borrower_id for loan in snapshot.loans}
    found = []
    for move in snapshot.movements:
        if move.state != DONE or move.kind == STORE:
            continue
        who = _name(snapshot, move.confirmed_by)
        if move.confirmed_by is None:
            found.append(f"{move.kind} movement {move.id} is done but nobody confirmed it")
        elif move.confirmed_by == move.started_by:
            found.append(f"{move.kind} movement {move.id} was started and confirmed by {who}")
        elif move.confirmed_by == move.approved_by:
            found.append(f"{move.kind} movement {move.id} was approved and confirmed by {who}")
        elif move.loan_id is not None and borrowers.get(move.loan_id) == move.confirmed_by:
            found.append(f"{move.kind} movement {move.id} of loan {move.loan_id} was confirmed by its borrower {who}")
    return found


def releases_are_approved(snapshot):
    """R16: a certificate goes back to the customer only on an approver's yes, given by someone
    other than the custodian who started the release."""
    found = []
    for move in snapshot.movements:
        if move.kind != RELEASE or move.state != DONE:
            continue
        if move.approved_by is None:
            found.append(f"release {move.id} is done without an approval")
        elif move.approved_by == move.started_by:
            found.append(f"release {move.id} was started and approved by {_name(snapshot, move.started_by)}")
    return found


def one_open_movement_per_certificate(snapshot):
    counts = Counter(m.certificate_id for m in snapshot.movements if m.state in OPEN_MOVEMENT_STATES)
    return [f"certificate {cid} has {n} open movements" for cid, n in counts.items() if n > 1]


def certificate_places_match_status(snapshot):
    """R16: a certificate in the safe is at a safe location; a released or listed one is nowhere;
    it is listed exactly while its handover list is not yet stored."""
    found = []
    for cert in snapshot.certificates:
        if cert.status == IN_SAFE and cert.location_id not in snapshot.safe_locations:
            found.append(f"certificate {cert.code} is in_safe at location {cert.location_id}, which is no safe")
        if cert.status in (RELEASED, LISTED) and cert.location_id is not None:
            found.append(f"certificate {cert.code} is {cert.status} but has location {cert.location_id}")
        if (cert.status == LISTED) != (cert.list_state != LIST_STORED):
            found.append(f"certificate {cert.code} is {cert.status} while its list {cert.list_id} is "
                         f"{cert.list_state}")
    return found


# ---- people (R21) ----------------------------------------------------------------------------

def open_loans_have_active_borrowers(snapshot):
    people = _people(snapshot)
    return [f"loan {loan.id} ({loan.state}) is held by inactive {_name(snapshot, loan.borrower_id)}"
            for loan in snapshot.loans if loan.state in OPEN_LOAN_STATES
            and not (loan.borrower_id in people and people[loan.borrower_id].active)]


def projects_have_active_managers(snapshot):
    """R5/R21: the A and B of every project, filed or not, are active managers."""
    people, found = _people(snapshot), []
    for project in snapshot.projects:
        for role, user_id in (("A", project.a_user), ("B", project.b_user)):
            user = people.get(user_id)
            if user is None or not user.active or MANAGER not in user.roles:
                state = "inactive" if user is not None and not user.active else "not a manager"
                found.append(f"{role} of {'filed ' if project.filed else ''}project {project.code} is "
                             f"{_name(snapshot, user_id)}, {state}")
    return found


def _has_active(snapshot, role):
    return any(u.active and role in u.roles for u in snapshot.users)


def the_safe_has_an_active_custodian(snapshot):
    kept = [c.code for c in snapshot.certificates if c.status in (IN_SAFE, ON_LOAN)]
    if kept and not _has_active(snapshot, CUSTODIAN):
        return [f"{len(kept)} certificates are kept ({', '.join(kept[:5])}) but no active user is a custodian"]
    return []


def the_archive_has_an_active_archivist(snapshot):
    kept = [a.archive_no for a in snapshot.archives if a.status == IN_ARCHIVE]
    if kept and not _has_active(snapshot, ARCHIVIST):
        return [f"{len(kept)} files are in the archive ({', '.join(kept[:5])}) but no active user is an archivist"]
    return []


# ---- files (R17, R23) ------------------------------------------------------------------------

def files_out_on_loan_say_so(snapshot):
    """A file out on loan is never destroyed, and the ledger does not show it in its place."""
    archives, found = {a.id: a for a in snapshot.archives}, []
    for loan in _loans_out(snapshot):
        archive = archives.get(loan.archive_id)
        if archive is None:
            continue
        if archive.status == DESTROYED:
            found.append(f"file {archive.archive_no} is destroyed while out on loan {loan.id}")
        if archive.shown_status_name == SHOWN_IN_PLACE:
            found.append(f"file {archive.archive_no} is out on loan {loan.id} but shown as {SHOWN_IN_PLACE}")
    return found


def overdue_is_judged_from_today(snapshot):
    """R18: a loan is shown overdue exactly when it is out past its due date, judged from today."""
    late, shown, day = ({loan.id for loan in _loans_out(snapshot) if loan.due_on is not None
                         and loan.due_on < snapshot.today}, snapshot.shown_overdue, snapshot.today)
    return [f"loan {i} is shown overdue on {day} but is not late" for i in sorted(shown - late)] \
        + [f"loan {i} is late on {day} but not shown overdue" for i in sorted(late - shown)]


# ---- the audit trail (R19) and the backup ----------------------------------------------------

def _audited(snapshot, action, obj_type, obj_id):
    return snapshot.audit.get((action, obj_type, str(obj_id)), 0)


def state_changes_are_audited(snapshot):
    """R19: each state change has its audit entry (at least as many entries as changes)."""
    found = []
    done = Counter((m.certificate_id, m.kind) for m in snapshot.movements if m.state == DONE and m.kind != STORE)
    found += [f"certificate {cid}: {n} {kind} movements done, fewer audit entries" for (cid, kind), n in done.items()
              if _audited(snapshot, f"certificate.{kind}", "certificate", cid) < n]
    decided = Counter(m.certificate_id for m in snapshot.movements if m.approved_by is not None)
    found += [f"certificate {cid}: {n} movement decisions, fewer audit entries" for cid, n in decided.items()
              if _audited(snapshot, "certificate.decision", "certificate", cid) < n]
    for loan in snapshot.loans:
        changes = (("loan.request", True), ("loan.checkout", loan.checked_out), ("loan.return", loan.state == RETURNED))
        found += [f"loan {loan.id} ({loan.state}) has no {action} audit entry" for action, happened in changes
                  if happened and not _audited(snapshot, action, "loan", loan.id)]
        if len(loan.decided_by) > _audited(snapshot, "loan.decide", "loan", loan.id):
            found.append(f"loan {loan.id} has {len(loan.decided_by)} decisions, fewer audit entries")
    # (what is in that state, its audit action, object type, the id the entry names)
    closed = [(f"certificate list {i}", "certificate_list.check_custodian", "certificate_list", i)
              for i, state in snapshot.list_states.items() if state == LIST_STORED]
    closed += [(f"file {a.archive_no}", "archive.destroy", "archive", a.archive_no)
               for a in snapshot.archives if a.status == DESTROYED]
    closed += [(f"inactive user {u.username}", "user.update", "user", u.username)
               for u in snapshot.users if not u.active]
    closed += [(f"reassigned project {i}", "project.reassign", "project", i) for i in snapshot.reassigned_projects]
    closed += [(f"closed stock-take {i}", "stocktake.close", "stocktake", i)
               for i, state in snapshot.stocktake_states.items() if state == "closed"]
    closed += [(f"destroyed disposal {i}", "disposal.destroy", "disposal", i)
               for i, state in snapshot.disposal_states.items() if state == DESTROYED]
    return found + [f"{what} has no {action} audit entry" for what, action, obj_type, obj_id in closed
                    if not _audited(snapshot, action, obj_type, obj_id)]


def audit_chain_is_whole(snapshot):
    """R19: `audit verify` holds."""
    return [] if snapshot.audit_ok else ["audit verify: the hash chain is broken"]


def backup_restores_whole(snapshot):
    """A backup restores into an empty instance with the same rows, the same scans and a whole
    audit chain (the restore's own audit entry aside)."""
    check = snapshot.restore
    if check is None:
        return []
    if check.error:
        return [f"restore of the backup failed: {check.error}"]
    found = [f"restored {table}: {check.restored_counts.get(table)} rows, the source had {count}"
             for table, count in sorted(check.source_counts.items()) if check.restored_counts.get(table) != count]
    if check.source_scans != check.restored_scans:
        found.append(f"restored scans differ: {len(check.restored_scans)} restored, {len(check.source_scans)} "
                     f"in the source")
    if not check.audit_ok:
        found.append("audit verify fails on the restored instance")
    return found


INVARIANTS = (
    certificate_on_loan_iff_one_loan_out,
    one_loan_out_per_object,
    loans_out_have_a_due_date,
    approved_loans_were_approved,
    lend_and_return_movements_belong_to_a_loan,
    done_movements_have_two_people,
    releases_are_approved,
    one_open_movement_per_certificate,
    certificate_places_match_status,
    open_loans_have_active_borrowers,
    projects_have_active_managers,
    the_safe_has_an_active_custodian,
    the_archive_has_an_active_archivist,
    files_out_on_loan_say_so,
    overdue_is_judged_from_today,
    state_changes_are_audited,
    audit_chain_is_whole,
    backup_restores_whole,
)


def violations(snapshot, invariants=INVARIANTS):
    """Every violation of every invariant, each as "name: what is wrong"."""
    return [f"{check.__name__}: {problem}" for check in invariants for problem in check(snapshot)]
