"""The one place an archive file's availability changes, in place → out on loan → back, or →
voided or destroyed (R13, R17, R18, R23), and the one place any loan goes out and comes back: a
certificate's loan follows its confirmed movement (custody/transitions.py calls these in the
movement's own transaction). The desk (loans/loan_desk.py), custody/transitions.py,
archive/file_record.py (voiding) and retention/disposals.py call these; nothing else writes a
loan's `out` state or a file's `voided` or `destroyed` status.

A checkout and a destruction of the same file both lock the file's row first, so one of them
waits for the other and then sees its result."""
from ...db import for_update
from ...domain import loans as rules
from ...domain.errors import Conflict, require
from ...domain.loans import CERTIFICATE
from ...domain.timeutil import local_date, to_db
from ...models import ArchiveFile, Certificate, HandoverItem, Loan, User
from ..platform import audit, outbox, workdays


def out_key(loan):
    return f"{loan.object_kind}:{loan.object_code}"


def tell_borrower(loan, message, now):
    outbox.notify([loan.borrower], kind="loan", obj=loan.object_code, url=f"/loans/{loan.id}", message=message,
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


def _lock_in_place(archive_id):
    archive = for_update(ArchiveFile.select().where(ArchiveFile.id == archive_id)).get()
    require(archive.status == "in_archive", Conflict, "loan.object_unavailable",
            f"档案 {archive.archive_no} 当前状态为「{archive.status}」,不能借出")


def hand_out(actor, loan, now):
    """The loan is out from now (for a certificate: from the second person's confirmation), due on
    the n-th working day after today."""
    if loan.archive_id is not None:
        _lock_in_place(loan.archive_id)
    loan.state, loan.out_key = rules.OUT, out_key(loan)
    loan.checked_out_at, loan.checked_out_by = to_db(now), loan.checked_out_by or actor.id
    loan.due_on = workdays.current().add_working_days(local_date(now), loan.days).due
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
    outbox.notify([w.borrower for w in waiting], kind="loan", obj=loan.object_code, url="/loans", now=now,
                  message=f"您排队借阅的 {loan.object_code} 已归还,可以办理借阅了。")


def destroy(archive_ids):
    """The files of an approved disposal are destroyed (R23); the caller holds their rows' locks. A
    file out on a loan is in the borrower's hands: it comes back first."""
    out = (Loan.select(Loan.id, Loan.object_code)
           .where(Loan.archive.in_(archive_ids), Loan.state == rules.OUT).order_by(Loan.object_code))
    out = {loan.object_code: loan.id for loan in out}
    require(not out, Conflict, "disposal.file_on_loan",
            "以下档案已借出,归还后才能销毁:" + "、".join(list(out)[:10]), details={"loans": out})
    ArchiveFile.update(status="destroyed").where(ArchiveFile.id.in_(archive_ids)).execute()


def void(archive, reason, now):
    """The file's number is withdrawn (R13); the caller holds the row's lock. A file out on a loan
    comes back first: a voided number must not be in someone's hands."""
    out = Loan.get_or_none(Loan.archive == archive.id, Loan.state == rules.OUT)
    require(out is None, Conflict, "archive.on_loan", f"档案 {archive.archive_no} 已借出,归还后才能作废",
            details={"loan_id": out.id if out else None})
    archive.status, archive.void_reason, archive.voided_at = "voided", reason, to_db(now)
    archive.save()
