"""Whether a file is out on loan, for everything that shows a file (R17, R18): its record, the
ledger, search hits, appraisal and disposal lists, the scan lookup. The archivist must not walk
to an empty shelf.

A file is out while a loan of it is `out`; that loan holds the file's out key
(`archive:<archive_no>`, unique), so a LEFT JOIN on it finds at most one loan per file and a list
gains no statement. The join is written with literals only: a list whose SQL is written once per
shape (db.Shaped) carries the parameters of its WHERE and nothing else."""
from peewee import JOIN, SQL

from ...domain import loans as loan_rules
from ...domain.loans import ARCHIVE
from ...models import ArchiveFile, Loan, User

OutLoan, OutBorrower = Loan.alias("out_loan"), User.alias("out_borrower")
COLUMNS = (("loan_id", OutLoan.id), ("loan_borrower", OutBorrower.display_name), ("loan_due", OutLoan.due_on))


def out_key(archive_no):
    """The key a loan of this file holds while the file is out (as loan_desk writes it)."""
    return f"{ARCHIVE}:{archive_no}"


def _joined_on(archive_no):
    return ((OutLoan.out_key == SQL(f"'{ARCHIVE}:'").concat(archive_no))
            & (OutLoan.state == SQL(f"'{loan_rules.OUT}'")))


def join(query, archive=ArchiveFile, *, borrower=True):
    """`query` (which reads `archive`) with the file's out loan, and its borrower, LEFT JOINed:
    select COLUMNS (or OutLoan.id alone with borrower=False) to show it."""
    query = query.switch(archive).join(OutLoan, JOIN.LEFT_OUTER, on=_joined_on(archive.archive_no))
    if borrower:
        query = query.join(OutBorrower, JOIN.LEFT_OUTER, on=(OutLoan.borrower == OutBorrower.id))
    return query


def is_out():
    """Condition (on a query through `join`): the file is out on loan."""
    return OutLoan.id.is_null(False)


def is_in():
    return OutLoan.id.is_null()


def view(loan_id, borrower, due):
    """The `loan` field of a file: {id, borrower (display name), due (ISO date)}, None when in place."""
    if loan_id is None:
        return None
    return {"id": loan_id, "borrower": borrower, "due": due.isoformat() if due else None}


def loan_of(archive_no):
    """The `loan` field of one file (one statement)."""
    row = (Loan.select(Loan.id, User.display_name, Loan.due_on).join(User, on=(Loan.borrower == User.id))
           .where(Loan.out_key == out_key(archive_no), Loan.state == loan_rules.OUT).tuples().first())
    return view(*row) if row else None


def loans_of(archive_nos):
    """{archive_no: its `loan` field} of the files out among these (one statement, for a page)."""
    keys = {out_key(no): no for no in archive_nos}
    if not keys:
        return {}
    rows = (Loan.select(Loan.out_key, Loan.id, User.display_name, Loan.due_on)
            .join(User, on=(Loan.borrower == User.id))
            .where(Loan.out_key.in_(list(keys)), Loan.state == loan_rules.OUT).tuples())
    return {keys[key]: view(loan_id, borrower, due) for key, loan_id, borrower, due in rows}
