"""What is late on a given day, and whom it concerns: late loans (R17) and late handover steps
(R10, A's and B's deadlines counted by domain/deadlines). Each source is a fixed number of
queries whatever the number of rows; working days are counted on one calendar in memory."""
from dataclasses import dataclass, field

from peewee import JOIN

from ..domain import deadlines as deadline_rules
from ..domain import handovers as handover_rules
from ..domain.timeutil import from_db, local_date
from ..models import Extension, Handover, Loan, LoanApproval, Project, User
from . import calendar

ARCHIVIST, CUSTODIAN, APPROVER, EXECUTIVE = "archivist", "custodian", "approver", "executive"
OPEN_FOR_A = (None, handover_rules.DRAFT, handover_rules.RETURNED)


@dataclass
class Notice:
    """Something to tell: one alert per recipient, one e-mail each, one robot post."""

    kind: str
    object: str
    message: str
    level: int = 1
    url: str = ""
    recipients: list = field(default_factory=list)  # User rows


def users_with_roles(*roles):
    """Active users holding any of `roles`, by id."""
    query = User.select().where(User.active == True)  # noqa: E712
    condition = None
    for role in roles:
        clause = User.roles_text.contains(role)
        condition = clause if condition is None else condition | clause
    return [u for u in query.where(condition) if set(u.roles) & set(roles)]


def notices(as_of, *, escalate_after, only=None):
    """[Notice] for everything late on `as_of`; `only` keeps the notices about one object."""
    cal = calendar.current()
    staff = users_with_roles(ARCHIVIST, CUSTODIAN, APPROVER, EXECUTIVE)
    found = _late_loans(as_of, cal, staff, escalate_after, only)
    found += _late_handovers(as_of, cal, staff, escalate_after, only)
    return found


def _holding(staff, *roles):
    return [u for u in staff if set(u.roles) & set(roles)]


def late_loans_query(as_of):
    return (Loan.select(Loan, User).join(User, on=(Loan.borrower == User.id))
            .where(Loan.state == "out", Loan.due_on < as_of))


def _late_loans(as_of, cal, staff, escalate_after, only):
    query = late_loans_query(as_of)
    if only is not None:
        query = query.where(Loan.object_code == only)
    loans = list(query.order_by(Loan.due_on, Loan.id))
    approvers = _approvers_of([loan.id for loan in loans])
    found = []
    for loan in loans:
        late = cal.working_days_between(loan.due_on, as_of)
        level = 2 if late >= escalate_after else 1
        recipients = [loan.borrower]
        if level == 2:
            recipients += approvers.get(loan.id, [])
            if loan.object_kind == "certificate":
                recipients += _holding(staff, CUSTODIAN, EXECUTIVE)
            else:
                recipients += _holding(staff, ARCHIVIST)
        message = (f"{loan.object_code} 借阅已逾期 {late} 个工作日(应还日期 {loan.due_on.isoformat()}),"
                   f"借阅人 {loan.borrower.display_name},请尽快归还。")
        found.append(Notice("loan_overdue", loan.object_code, message, level, f"/loans/{loan.id}", recipients))
    return found


def _approvers_of(loan_ids):
    if not loan_ids:
        return {}
    rows = (LoanApproval.select(LoanApproval, User).join(User, on=(LoanApproval.decided_by == User.id))
            .where(LoanApproval.loan.in_(loan_ids), LoanApproval.approve == True))  # noqa: E712
    found = {}
    for row in rows:
        found.setdefault(row.loan_id, []).append(row.decided_by)
    return found


def _late_handovers(as_of, cal, staff, escalate_after, only):
    """Projects whose A has not handed to B, or whose B has not passed to the archive, after the
    step's deadline (R10)."""
    A, B = User.alias(), User.alias()
    query = (Project.select(Project, Handover, A, B)
             .join(A, on=(Project.a_user == A.id), attr="a_user").switch(Project)
             .join(B, on=(Project.b_user == B.id), attr="b_user").switch(Project)
             .join(Handover, JOIN.LEFT_OUTER, on=(Handover.project == Project.id), attr="handover_row")
             .where(Handover.id.is_null() | Handover.state.in_(
                 [handover_rules.DRAFT, handover_rules.RETURNED, handover_rules.SUBMITTED]))
             .where(Project.ended_on < as_of))
    if only is not None:
        query = query.where(Project.code == only)
    projects = list(query.order_by(Project.ended_on, Project.id))
    extensions = _approved_extensions([_handover(p).id for p in projects if _handover(p)])
    approvers, archivists = _holding(staff, APPROVER), _holding(staff, ARCHIVIST)
    found = []
    for project in projects:
        handover = _handover(project)
        submitted = handover.last_submitted_at if handover else None
        ext = extensions.get(handover.id, {}) if handover else {}
        dl = deadline_rules.compute(cal, project.ended_on,
                                    a_submitted_on=local_date(from_db(submitted)) if submitted else None,
                                    a_until=ext.get(deadline_rules.A_TO_B),
                                    b_until=ext.get(deadline_rules.B_TO_ARCHIVE))
        state = handover.state if handover else None
        step, late_user, role = ((deadline_rules.A_TO_B, project.a_user, "A角") if state in OPEN_FOR_A
                                 else (deadline_rules.B_TO_ARCHIVE, project.b_user, "B角"))
        due = dl.of(step).due
        if as_of <= due:
            continue
        late = cal.working_days_between(due, as_of)
        level = 2 if late >= escalate_after else 1
        recipients = [late_user] + (approvers + archivists if level == 2 else [])
        what = "移交B角" if step == deadline_rules.A_TO_B else "移交档案室"
        message = (f"项目 {project.code}({project.title})的{role}{late_user.display_name}{what}已逾期 "
                   f"{late} 个工作日(期限 {due.isoformat()})。")
        url = f"/handovers/{handover.id}" if handover else f"/projects/{project.id}"
        found.append(Notice("handover_late", project.code, message, level, url, recipients))
    return found


def _handover(project):
    handover = getattr(project, "handover_row", None)
    return handover if handover is not None and handover.id is not None else None


def _approved_extensions(handover_ids):
    """{handover_id: {step: latest approved until}} in one query."""
    if not handover_ids:
        return {}
    found = {}
    rows = Extension.select().where(Extension.handover.in_(handover_ids), Extension.state == "approved")
    for ext in rows:
        steps = found.setdefault(ext.handover_id, {})
        if steps.get(ext.step) is None or ext.until > steps[ext.step]:
            steps[ext.step] = ext.until
    return found
