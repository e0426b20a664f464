"""Two servers run the overdue sweep at the same moment, several times each, by cron's command and
by the API, for two days (R17): every alert and every outbox message is made once, whichever
process got there first; the audit chain verifies (R19)."""
import re
import threading
from datetime import date

import pytest

from archive_service.models import Alert, AuditEntry, OutboxMessage, User
from archive_service.services.loans import loan_desk, loans
from archive_service.services.platform import audit, calendar
from tests.conftest import NOW
from tests.loans.loan_world import LoanWorld, sweep_on

pytestmark = pytest.mark.heavy

ROUNDS = 2  # API sweeps of each day on each server, besides one `archive-service sweep` of a day each


@pytest.fixture
def world(make_actor):
    world = LoanWorld(make_actor)
    world.admin = make_actor("admin", "admin", display_name="管理员")
    return world


def late_loans(world):
    """Three files out to three borrowers, all due on the same day: [archive_no]."""
    files = [world.file] + [world.received()["archive_no"] for _ in range(2)]
    for who, archive_no in zip((world.borrower, world.a, world.b), files, strict=True):
        loan = world.approved(who=who, obj=archive_no)
        loan_desk.checkout(world.arch, loan["id"], archive_no, now=NOW)
    User.update(email=User.username.concat("@example.com")).execute()
    return files


def swept_ahead(due):
    """A later day was swept already: the sweeps of earlier days that follow leave the latest day
    swept as it is, so only the sweep's lock keeps them apart."""
    sweep_on(calendar.current().add_working_days(due, 5).due)
    OutboxMessage.delete().execute()  # that sweep's, the requests' and the checkouts' messages


def expected(late):
    """Alerts and outbox rows one sweep of each day makes: a digest for the archivist (li) besides
    each late loan's notice. Day one tells the borrower; from the third working day late also the
    approver and the archivist. Everyone has an e-mail address; each notice goes to both robots."""
    alerts_one, alerts_three = late + 1, 3 * late + 1
    robots = 2 * (late + 1)
    return {"alerts": alerts_one + alerts_three, "outbox": alerts_one + alerts_three + 2 * robots}


def sweep_by(how, server, day):
    """(whether it succeeded, alerts created, what it said) for one sweep by cron's command or the API."""
    if how == "cli":
        done = server.cli("sweep", "--as-of", day)
        made = re.search(r"(\d+) alert\(s\) created", done.stdout)
        return done.returncode == 0 and made is not None, int(made.group(1)) if made else 0, done.stderr
    status, body = server.call("POST", "/api/v1/alerts/sweep", {"as_of": day}, as_user="admin")
    return status == 200, body["created"] if status == 200 else 0, body


def test_r17_two_servers_sweeping_the_same_days_at_once_alert_once(world, servers):
    files = late_loans(world)
    due = date.fromisoformat(loans.find(world.arch, state="out", now=NOW)["items"][0]["due"])
    days = [calendar.current().add_working_days(due, n).due.isoformat() for n in (1, 3)]
    swept_ahead(due)
    pair = [servers(), servers()]
    for server in pair:
        server.sign_in("admin")
    calls = [("cli", server, day) for server, day in zip(pair, days, strict=True)]
    calls += [("api", server, day) for server in pair for day in days for _ in range(ROUNDS)]
    start, results = threading.Barrier(len(calls)), []

    def sweep(how, server, day):
        start.wait()
        results.append(sweep_by(how, server, day))

    work = [threading.Thread(target=sweep, args=call) for call in calls]
    for t in work:
        t.start()
    for t in work:
        t.join(120)

    assert len(results) == len(calls) and all(ok for ok, _, _ in results), results
    want = expected(len(files))
    swept = Alert.select().where(Alert.day.in_(days))
    assert sum(made for _, made, _ in results) == swept.count() == want["alerts"], results
    messages = list(OutboxMessage.select(OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.subject,
                                         OutboxMessage.body).tuples())
    assert len(messages) == len(set(messages)) == want["outbox"]
    for day in days:
        assert sweep_on(date.fromisoformat(day))["created"] == 0
    assert AuditEntry.select().where(AuditEntry.action == "alerts.sweep").count() == 2 * len(days) * ROUNDS
    assert audit.verify_chain()["ok"]
