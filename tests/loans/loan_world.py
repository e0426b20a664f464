"""A world for the borrowing tests: a received file (30 pages), a borrower, approvers, an
archivist, an executive."""
from datetime import datetime, time, timedelta

from archive_service.domain.timeutil import LOCAL_TZ
from archive_service.models import Alert, AuditEntry, Incident, Loan, LoanApproval, OutboxMessage
from archive_service.services.alerts import alerts
from archive_service.services.loans import loan_desk, loans
from tests.conftest import NOW
from tests.services.handover_world import World

PAGES = 30  # handover_world.ITEMS, the attachment included
TABLES = (Loan, LoanApproval, Incident, Alert, OutboxMessage, AuditEntry)


def snapshot():
    return {m.__name__: m.select().count() for m in TABLES} | {
        "loans": [(x.state, x.step, x.awaiting, x.due_on, x.renewals) for x in Loan.select().order_by(Loan.id)]}


class LoanWorld(World):
    def __init__(self, make_actor):
        super().__init__(make_actor)
        self.borrower = make_actor("qian", "manager", display_name="钱借阅")
        self.approver2 = make_actor("zhou", "approver", display_name="周审批")
        self.boss = make_actor("boss", "executive", display_name="孙总")
        self.file = self.received()["archive_no"]

    def request(self, who=None, obj=None, days=5, **kw):
        return loans.request(who or self.borrower, object=obj or self.file, purpose="贷后检查", days=days,
                             now=kw.pop("now", NOW), **kw)

    def approved(self, **kw):
        loan = self.request(**kw)
        return loans.decide(self.approver, loan["id"], True, "同意", now=NOW)

    def out(self, **kw):
        loan = self.approved(**kw)
        return loan_desk.checkout(self.arch, loan["id"], self.file, now=NOW)


def days_after(n):
    return NOW + timedelta(days=n)


def on_day(day, hour=10):
    """The service's clock at `hour` (Shanghai) on `day`."""
    return datetime.combine(day, time(hour), LOCAL_TZ)


def sweep_on(day):
    """The overdue sweep of `day` as cron runs it that morning (a sweep is never for a coming day)."""
    return alerts.sweep(day, now=on_day(day))
