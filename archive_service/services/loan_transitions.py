"""The one place a loan goes out and comes back (R17, R18): a file's availability follows its
loan, and a certificate's loan follows its confirmed movement (custody.py calls these in the
movement's own transaction). The desk (loan_desk.py) and the custody module call these; nothing
else writes a loan's `out` state."""
from ..domain import loans as rules
from ..domain.timeutil import local_date, to_db
from ..models import ArchiveFile, Certificate, HandoverItem, Loan, User
from . import alerts, audit, calendar
from .approvals import CERTIFICATE


def out_key(loan):
    return f"{loan.object_kind}:{loan.object_code}"


def tell_borrower(loan, message, now):
    alerts.notify([loan.borrower], kind="loan", obj=loan.object_code, url=f"/loans/{loan.id}", message=message,
                  now=now)


def recorded_count(loan):
    """What must come back (R18): a file's pages as received (every item, attachments included),
    a certificate's quantity."""
    if loan.object_kind == CERTIFICATE:
        return Certificate.get_by_id(loan.certificate_id).quantity
    items = (HandoverItem.select(HandoverItem.pages)
             .join(ArchiveFile, on=(ArchiveFile.handover == HandoverItem.handover))
             .where(ArchiveFile.id == loan.archive_id))
    return sum(i.pages for i in items)


def hand_out(actor, loan, now):
    """The loan is out from now (for a certificate: from the second person's confirmation), due on
    the n-th working day after today."""
    loan.state, loan.out_key = rules.OUT, out_key(loan)
    loan.checked_out_at, loan.checked_out_by = to_db(now), loan.checked_out_by or actor.id
    loan.due_on = calendar.current().add_working_days(local_date(now), loan.days).due
    loan.save()
    audit.record(actor, "loan.checkout", "loan", loan.id, {"object": loan.object_code,
                                                           "due": loan.due_on.isoformat()}, now=now)
    tell_borrower(loan, f"{loan.object_code} 已借出给您,请于 {loan.due_on.isoformat()} 前归还。", now)


def take_back(actor, loan, pages, now):
    """The object is back in place; whoever waits in line for it is told."""
    loan.state, loan.out_key = rules.RETURNED, None
    loan.returned_at, loan.returned_by, loan.returned_pages = to_db(now), actor.id, pages
    loan.save()
    audit.record(actor, "loan.return", "loan", loan.id, {"object": loan.object_code, "pages": pages}, now=now)
    tell_borrower(loan, f"{loan.object_code} 已归还,谢谢。", now)
    waiting = (Loan.select(Loan, User).join(User, on=(Loan.borrower == User.id))
               .where(Loan.object_code == loan.object_code, Loan.state.in_((rules.REQUESTED, rules.APPROVED))))
    alerts.notify([w.borrower for w in waiting], kind="loan", obj=loan.object_code, url="/loans", now=now,
                  message=f"您排队借阅的 {loan.object_code} 已归还,可以办理借阅了。")
