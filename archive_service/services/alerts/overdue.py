"""What is late on a given day, and whom it concerns: late loans of files and certificates (R17),
late handover steps (R10, A's and B's deadlines counted by domain/deadlines) and certificate lists
not yet in the safe (R15). Each source is a fixed number of
queries whatever the number of rows; working days are counted on one calendar in memory."""
from datetime import date, datetime, time

from peewee import JOIN

from ...db import Statement
from ...domain import deadlines as deadline_rules
from ...domain import handovers as handover_rules
from ...domain.timeutil import LOCAL_TZ, from_db, local_date
from ...models import Extension, Handover, Loan, LoanApproval, Project, User
from ..custody import certificate_views
from ..loans.loan_views import late_loans_query
from ..platform import workdays
from ..platform.outbox import Notice, users_with_roles

ARCHIVIST, CUSTODIAN, APPROVER, EXECUTIVE = "archivist", "custodian", "approver", "executive"
OPEN_FOR_A = (None, handover_rules.DRAFT, handover_rules.RETURNED)


def context():
    """(the working-day calendar, the staff who may be told) that judging lateness needs."""
    return workdays.current(), users_with_roles(ARCHIVIST, CUSTODIAN, APPROVER, EXECUTIVE)


def notices(as_of, *, escalate_after, only=None):
    """[Notice] for everything late on `as_of`; `only` keeps the notices about one object."""
    cal, staff = context()
    return _late_loans(as_of, cal, staff, escalate_after, only) + steps_and_lists(
        as_of, cal, staff, escalate_after=escalate_after, only=only)


def steps_and_lists(as_of, cal, staff, *, escalate_after, only=None):
    """[Notice] for the late handover steps and certificate lists (the sweep writes late loans' own
    alerts set-based: alerts/loan_sweep)."""
    found = _late_handovers(as_of, cal, staff, escalate_after, only)
    found += _late_certificate_lists(as_of, cal, staff, escalate_after, only)
    return found


def _holding(staff, *roles):
    return [u for u in staff if set(u.roles) & set(roles)]


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
        kind = "certificate_out_late" if loan.object_kind == "certificate" else "loan_overdue"
        found.append(Notice(kind, loan.object_code, message, level, f"/loans/{loan.id}", recipients))
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


def _open_projects(mark, one):
    """Projects ended before a day whose file has not reached the archive (one project's, by code)."""
    A, B = User.alias(), User.alias()
    # The handover first: a project's managers are read only for the few projects still open.
    query = (Project.select(Project, Handover, A, B)
             .join(Handover, JOIN.LEFT_OUTER, on=(Handover.project == Project.id), attr="handover_row")
             .switch(Project).join(A, on=(Project.a_user == A.id), attr="a_user")
             .switch(Project).join(B, on=(Project.b_user == B.id), attr="b_user")
             .where(Handover.id.is_null() | Handover.state.in_(
                 [handover_rules.DRAFT, handover_rules.RETURNED, handover_rules.SUBMITTED]))
             .where(Project.ended_on < mark("as_of")))
    if one:
        query = query.where(Project.code == mark("only"))
    return query.order_by(Project.ended_on, Project.id)


_OPEN_PROJECTS = Statement(_open_projects)


def _late_handovers(as_of, cal, staff, escalate_after, only):
    """Projects whose A has not handed to B, or whose B has not passed to the archive, after the
    step's deadline (R10)."""
    one = {"only": only} if only is not None else {}
    projects = _OPEN_PROJECTS.objects(bool(one), as_of=as_of, **one)
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


def _late_certificate_lists(as_of, cal, staff, escalate_after, only):
    """Certificate lists not in the safe a working day after they were made (R15: at once):
    B or the custodian who has not confirmed, or A when the list was returned to A for correction;
    later also the approvers, archivists and executives."""
    late = certificate_views.overdue_lists(datetime.combine(as_of, time(12), LOCAL_TZ), cal)
    if only is not None:
        late = [row for row in late if row["project_code"] == only]
    if not late:
        return []
    a_user = User.alias()
    projects = {p.id: p for p in Project.select(Project, User, a_user).join(User, on=(Project.b_user == User.id),
                                                                             attr="b_user")
                .switch(Project).join(a_user, on=(Project.a_user == a_user.id), attr="a_user")
                .where(Project.id.in_([row["project_id"] for row in late]))}
    found = []
    for row in late:
        due = date.fromisoformat(row["due"])
        days = cal.working_days_between(due, as_of)
        level = 2 if days >= escalate_after else 1
        project = projects[row["project_id"]]
        who = {"pending_b": [project.b_user], "returned": [project.a_user]}.get(row["state"]) \
            or _holding(staff, CUSTODIAN)
        if level == 2:
            who += _holding(staff, APPROVER, ARCHIVIST, CUSTODIAN, EXECUTIVE)
        message = (f"项目 {row['project_code']} 的重要权证移交清单({row['state_name']})已逾期 {days} 个工作日"
                   f"未入保险柜(期限 {row['due']}),权证应视同现金第一时间移交。")
        found.append(Notice("certificate_list_late", row["project_code"], message, level,
                            f"/certificate-handovers/{row['id']}", who))
    return found
