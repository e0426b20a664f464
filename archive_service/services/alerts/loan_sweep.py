"""The overdue sweep's late loans (R17, R18), set-based: however many loans are late, the sweep
writes their alerts, e-mails and group-robot posts with a fixed number of INSERT … SELECT
statements, and reads back only the first lines of the daily digest. Each statement is written
by peewee once (db.Statement) and run with the day's values.

Working days are not in the database, so they are counted here once per distinct due date, and
the statements carry them as a CASE over the due date. A loan three working days late escalates:
its approvers, and the custodians and executives (certificates) or the archivists (files), are
told too. The alert table's unique (kind, object, recipient, day) makes a second run of the same
day write nothing; e-mails and robot posts go out only for alerts this run wrote."""
from peewee import Case, Cast, Value, fn

from ...db import Statement, is_postgres
from ...domain.timeutil import to_db
from ...models import Alert, Loan, LoanApproval, OutboxMessage, User
from ..platform import outbox

KINDS = {"certificate_out_late": "权证出库超期", "loan_overdue": "借阅逾期"}
ROLES_BY_OBJECT = {"certificate": ("custodian", "executive"), "archive": ("archivist",)}
EMAIL_GREETING, EMAIL_FOOTER = ",您好:\n\n", "\n\n此邮件由客户档案管理系统自动发送,请勿直接回复。"
DIGEST_LINES = 50
Borrower, Recipient = User.alias("borrower"), User.alias("recipient")


def _late(m):
    return [Loan.state == "out", Loan.due_on < m("as_of")]


def kind_of_loan():
    return Case(None, [(Loan.object_kind == "certificate", "certificate_out_late")], "loan_overdue")


LATE_DUE_DATES = Statement(lambda m: Loan.select(Loan.due_on, kind_of_loan(), fn.COUNT(Loan.id))
                           .where(*_late(m)).group_by(Loan.due_on, kind_of_loan()).tuples())
LAST_ALERT = Statement(lambda m: Alert.select(fn.COALESCE(fn.MAX(Alert.id), 0)))


class Lateness:
    """How late each due date is on `as_of`, in working days; which due dates escalate; how many
    late loans of each kind."""

    def __init__(self, as_of, cal, escalate_after):
        self.days, self.counts = {}, {}
        for due, kind, count in LATE_DUE_DATES.objects(as_of=as_of):
            self.days[due] = cal.working_days_between(due, as_of)
            self.counts[kind] = self.counts.get(kind, 0) + count
        escalated = [due for due, late in self.days.items() if late >= escalate_after]
        self.cutoff = max(escalated) if escalated else None  # lateness falls as the due date rises

    def values(self):
        """The marks' values of the CASE that turns a due date into its lateness."""
        pairs = sorted(self.days.items())
        return {**{f"due{i}": due for i, (due, _) in enumerate(pairs)},
                **{f"late{i}": str(late) for i, (_, late) in enumerate(pairs)}}

    def message(self, day):
        return (f"{{code}} 借阅已逾期 {self.days[day]} 个工作日(应还日期 {day.isoformat()}),"
                f"借阅人 {{name}},请尽快归还。")


def sweep(as_of, cal, staff, *, escalate_after, now):
    """Alert everyone a late loan concerns on `as_of`; returns (alerts written, late loans by kind,
    the digest's first lines as (object code, message))."""
    lateness, now = Lateness(as_of, cal, escalate_after), to_db(now)
    if not lateness.days:
        return 0, {}, []
    before = LAST_ALERT.run().fetchone()[0]
    values = {"as_of": as_of, "now": now, **lateness.values()}
    if lateness.cutoff:
        values["cutoff"] = lateness.cutoff
    shape = (len(lateness.days), bool(lateness.cutoff))
    written = ALERTS.run("borrower", *shape, **values).rowcount
    if lateness.cutoff:
        written += ALERTS.run("approver", *shape, **values).rowcount
        holders = _holders(staff)
        written += ALERTS.run("staff", *shape, len(holders["certificate"]), len(holders["archive"]),
                              **values, **_staff_values(holders)).rowcount
    if written:
        EMAILS.run(before=before, as_of=as_of, now=now)
        for robot in outbox.ROBOTS:
            ROBOT_POSTS.run(robot=robot, before=before, as_of=as_of, now=now)
    return written, lateness.counts, _digest_lines(as_of, lateness)


def _holders(staff):
    return {kind: [u.id for u in staff if set(u.roles) & set(roles)] for kind, roles in ROLES_BY_OBJECT.items()}


def _staff_values(holders):
    return {f"{kind}{i}": user_id for kind, ids in holders.items() for i, user_id in enumerate(ids)}


def _recipients(m, who, certificate_staff=0, archive_staff=0):
    """(the recipient column, the late loans joined to it) for the borrowers, the approvers of
    escalated loans, or the staff an escalated loan's object names."""
    loans = Loan.select().join(Borrower, on=(Loan.borrower == Borrower.id))
    if who == "borrower":
        return Borrower.id, loans.where(Borrower.active == True)  # noqa: E712
    if who == "approver":
        loans = (loans.join(LoanApproval, on=((LoanApproval.loan == Loan.id) & (LoanApproval.approve == True)))  # noqa: E712
                 .join(Recipient, on=(LoanApproval.decided_by == Recipient.id)))
    else:
        marks = {kind: [Value(m(f"{kind}{i}")) for i in range(n)] or [Value(0)]
                 for kind, n in (("certificate", certificate_staff), ("archive", archive_staff))}
        by_kind = (((Loan.object_kind == "certificate") & Recipient.id.in_(marks["certificate"]))
                   | ((Loan.object_kind != "certificate") & Recipient.id.in_(marks["archive"])))
        loans = loans.join(Recipient, on=by_kind)
    return Recipient.id, loans.where(Recipient.active == True, Loan.due_on <= m("cutoff"))  # noqa: E712


def _alerts(m, who, dates, escalates, *staff):
    """INSERT … SELECT the alerts of one kind of recipient."""
    recipient, loans = _recipients(m, who, *staff)
    late = Case(Loan.due_on, [(m(f"due{i}"), m(f"late{i}")) for i in range(dates)], "0")
    level = Case(None, [(Loan.due_on <= m("cutoff"), 2)], 1) if escalates else Value(1)
    message = (Loan.object_code.concat(" 借阅已逾期 ").concat(late).concat(" 个工作日(应还日期 ")
               .concat(Cast(Loan.due_on, "TEXT")).concat("),借阅人 ").concat(Borrower.display_name)
               .concat(",请尽快归还。"))
    rows = loans.select(recipient, kind_of_loan(), Loan.object_code, level, Value(m("as_of")), message,
                        Value("/loans/").concat(Cast(Loan.id, "TEXT")), Value(m("now"))).where(*_late(m))
    fields = [Alert.recipient, Alert.kind, Alert.object, Alert.level, Alert.day, Alert.message, Alert.url,
              Alert.created_at]
    return Alert.insert_from(rows, fields).on_conflict_ignore()


ALERTS = Statement(_alerts)


def _subject():
    return Value("【档案系统】").concat(Case(Alert.kind, list(KINDS.items()), "通知")).concat(":").concat(Alert.object)


def _queued(m):
    return [Value(outbox.QUEUED), Value(0), Value(m("now")), Value(""), Value(m("now"))]


def _into_outbox(rows):
    fields = [OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body,
              OutboxMessage.state, OutboxMessage.attempts, OutboxMessage.next_attempt_at, OutboxMessage.last_error,
              OutboxMessage.created_at]
    return OutboxMessage.insert_from(rows, fields)


def _emails(m):
    """One e-mail per alert this run wrote, to recipients with an address."""
    body = Recipient.display_name.concat(EMAIL_GREETING).concat(Alert.message).concat(EMAIL_FOOTER)
    return _into_outbox(Alert.select(Value("email"), Recipient.email, _subject(), body, *_queued(m))
                        .join(Recipient, on=(Alert.recipient == Recipient.id))
                        .where(Alert.id > Value(m("before")), Alert.day == m("as_of"), Alert.kind.in_(list(KINDS)),
                               Recipient.email != ""))


def _robot_posts(m):
    """One post per late loan with a new alert this run, naming everyone alerted about it that day."""
    names = (fn.string_agg(Recipient.display_name, "、") if is_postgres()
             else fn.group_concat(Recipient.display_name, "、"))
    body = fn.MIN(Alert.message).concat("\n\n> 提醒:").concat(names)
    return _into_outbox(Alert.select(Value(m("robot")), Value(""), _subject(), body, *_queued(m))
                        .join(Recipient, on=(Alert.recipient == Recipient.id))
                        .where(Alert.day == m("as_of"), Alert.kind.in_(list(KINDS)))
                        .group_by(Alert.kind, Alert.object).having(fn.MAX(Alert.id) > Value(m("before"))))


EMAILS, ROBOT_POSTS = Statement(_emails), Statement(_robot_posts)
DIGEST = Statement(lambda m: Loan.select(Loan.object_code, Loan.due_on, Borrower.display_name)
                   .join(Borrower, on=(Loan.borrower == Borrower.id)).where(*_late(m))
                   .order_by(Loan.due_on, Loan.id).limit(DIGEST_LINES).tuples())


def _digest_lines(as_of, lateness):
    """The first DIGEST_LINES late loans, oldest due first: (object code, message)."""
    return [(code, lateness.message(due).format(code=code, name=name))
            for code, due, name in DIGEST.objects(as_of=as_of)]
