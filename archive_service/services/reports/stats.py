"""Statistics (R23) for one year: files received per month by business, the handover steps on
time or late per manager (A and B apart), extensions asked and decided, certificates in the safe
by kind, loans checked out per month by object kind and the year's overdue loans.

Every figure is one grouped query, whatever the number of files; months are Shanghai months."""
from datetime import date

from peewee import SQL, Case, fn

from ...db import is_postgres
from ...domain.certificates import IN_SAFE
from ...domain.customers import BUSINESSES
from ...domain.deadlines import A_TO_B, B_TO_ARCHIVE
from ...domain.errors import InvalidInput, require
from ...domain.loans import OBJECT_KINDS
from ...domain.permissions import require_permission
from ...domain.timeutil import local_date, local_day_start
from ...models import ArchiveFile, Certificate, CertificateKind, Extension, Handover, Loan, Project, User
from ..loans.loan_views import late_loans_query

STEP_NAMES = {A_TO_B: "A角移交B角", B_TO_ARCHIVE: "B角移交档案室"}


def clean_year(year, now):
    if year in (None, ""):
        return local_date(now).year
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    require(value is not None and 2000 <= value <= 2099, InvalidInput, "stats.invalid_year",
            "年度必须是 2000–2099 的整数", errors={"year": "2000–2099"})
    return value


def _year_span(field, year):
    return (field >= local_day_start(date(year, 1, 1))) & (field < local_day_start(date(year + 1, 1, 1)))


def _local_month(field):
    """The Shanghai month (1–12) of a stored UTC timestamp (Shanghai keeps UTC+8 all year)."""
    if is_postgres():
        return fn.date_part("month", field + SQL("interval '8 hours'")).cast("integer")
    return fn.strftime("%m", field, "+8 hours").cast("integer")


def _local_day(field):
    """The Shanghai calendar day of a stored UTC timestamp, comparable with a date column."""
    if is_postgres():
        return (field + SQL("interval '8 hours'")).cast("date")
    return fn.date(field, "+8 hours")


def figures(actor, year=None, *, now):
    """{year, received, by_month, on_time, late, extensions, loans, overdue_loans, certificates_in_safe}."""
    require_permission(actor, "stats.view")
    year = clean_year(year, now)
    by_month = _received_by_month(year)
    on_time = _on_time(year)
    return {"year": year, "received": sum(m["total"] for m in by_month), "by_month": by_month,
            "on_time": on_time, "late": sum(r["late"] for r in on_time), "extensions": _extensions(year),
            "loans": _loans_by_month(year), "overdue_loans": _overdue_loans(year, local_date(now)),
            "certificates_in_safe": _certificates_in_safe()}


def _received_by_month(year):
    month = _local_month(ArchiveFile.received_at)
    rows = (ArchiveFile.select(month.alias("month"), ArchiveFile.business, fn.COUNT(ArchiveFile.id))
            .where(_year_span(ArchiveFile.received_at, year)).group_by(month, ArchiveFile.business).tuples())
    table = {m: {"month": m, "total": 0, **dict.fromkeys(BUSINESSES, 0)} for m in range(1, 13)}
    for m, business, count in rows:
        table[int(m)][business] += count
        table[int(m)]["total"] += count
    return list(table.values())


def _on_time(year):
    """[{user, user_name, step, step_name, on_time, late}] for handovers of projects ended in `year`."""
    found = []
    for step, user_field, flag in ((A_TO_B, Project.a_user, Handover.a_on_time),
                                   (B_TO_ARCHIVE, Project.b_user, Handover.b_on_time)):
        rows = (Handover.select(User.username, User.display_name, flag, fn.COUNT(Handover.id))
                .join(Project).join(User, on=(user_field == User.id))
                .where(flag.is_null(False), Project.ended_on.between(date(year, 1, 1), date(year, 12, 31)))
                .group_by(User.username, User.display_name, flag).tuples())
        counts = {}
        for username, name, on_time, count in rows:
            entry = counts.setdefault(username, {"user": username, "user_name": name, "step": step,
                                                 "step_name": STEP_NAMES[step], "on_time": 0, "late": 0})
            entry["on_time" if on_time else "late"] += count
        found += sorted(counts.values(), key=lambda r: r["user"])
    return found


def _certificates_in_safe():
    """[{kind, kind_name, count}] of the certificates in the safe now, by kind (a snapshot, not a year's)."""
    rows = (CertificateKind.select(CertificateKind.code, CertificateKind.name, fn.COUNT(Certificate.id))
            .join(Certificate).where(Certificate.status == IN_SAFE)
            .group_by(CertificateKind.code, CertificateKind.name, CertificateKind.position)
            .order_by(CertificateKind.position).tuples())
    return [{"kind": code, "kind_name": name, "count": count} for code, name, count in rows]


def _extensions(year):
    rows = (Extension.select(Extension.step, Extension.state, fn.COUNT(Extension.id))
            .where(_year_span(Extension.requested_at, year)).group_by(Extension.step, Extension.state).tuples())
    table = {step: {"step": step, "step_name": STEP_NAMES[step], "pending": 0, "approved": 0, "rejected": 0}
             for step in (A_TO_B, B_TO_ARCHIVE)}
    for step, state, count in rows:
        table[step][state] = table[step].get(state, 0) + count
    return list(table.values())


def _loans_by_month(year):
    """[{month, archive, certificate, total}]: loans checked out in each Shanghai month of `year`."""
    month = _local_month(Loan.checked_out_at)
    rows = (Loan.select(month.alias("month"), Loan.object_kind, fn.COUNT(Loan.id))
            .where(_year_span(Loan.checked_out_at, year)).group_by(month, Loan.object_kind).tuples())
    table = {m: {"month": m, "total": 0, **dict.fromkeys(OBJECT_KINDS, 0)} for m in range(1, 13)}
    for m, kind, count in rows:
        table[int(m)][kind] += count
        table[int(m)]["total"] += count
    return list(table.values())


def _overdue_loans(year, today):
    """[{kind, kind_name, still_out, returned_late, total}] of the loans checked out in `year`: still out
    past their due day as of `today` (the borrowing service's own definition and day), or returned on a
    Shanghai day after their due day."""
    still_out = Case(None, [(Loan.id.in_(late_loans_query(today).columns(Loan.id)), 1)], 0)
    returned_late = Case(None, [(Loan.returned_at.is_null(False) & (_local_day(Loan.returned_at) > Loan.due_on), 1)], 0)
    rows = (Loan.select(Loan.object_kind, fn.SUM(still_out), fn.SUM(returned_late))
            .where(_year_span(Loan.checked_out_at, year)).group_by(Loan.object_kind).tuples())
    table = {kind: {"kind": kind, "kind_name": name, "still_out": 0, "returned_late": 0, "total": 0}
             for kind, name in OBJECT_KINDS.items()}
    for kind, out, late in rows:
        table[kind].update(still_out=int(out or 0), returned_late=int(late or 0), total=int(out or 0) + int(late or 0))
    return list(table.values())
