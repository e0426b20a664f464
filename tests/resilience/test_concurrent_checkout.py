"""Two archivists scan the same file out at the same moment (R17): one hands it out, the other is
told it is out with a 409 and a stable code; the database holds one checkout, whichever loan,
connection or server process the two scans came through."""
import threading

import pytest

from archive_service.db import database
from archive_service.domain.errors import Conflict
from archive_service.models import AuditEntry, Loan
from archive_service.services.loans import loan_desk, loans
from archive_service.services.platform import audit
from tests.conftest import NOW
from tests.loans.loan_world import LoanWorld


@pytest.fixture
def world(make_actor):
    world = LoanWorld(make_actor)
    world.second_arch = make_actor("wu", "archivist", display_name="吴档案")
    return world


def at_once(calls):
    """Run each call on its own connection, all released together: [result or the Conflict raised]."""
    database.close()
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        with database.connection_context():
            barrier.wait()
            try:
                outcomes.append(call())
            except Conflict as refused:
                outcomes.append(refused)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    database.connect()
    return outcomes


def one_out(outcomes, code):
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    assert refused[0].code == code, (refused[0].code, refused[0].message)
    return next(o for o in outcomes if not isinstance(o, Conflict))


def two_loans(world, archive_no):
    """Two approved loans of one file, by two borrowers (the second waits in line)."""
    first = loans.request(world.borrower, object=archive_no, purpose="贷后检查", days=5, now=NOW)
    second = loans.request(world.a, object=archive_no, purpose="补充资料", days=5, now=NOW)
    return [loans.decide(world.approver, loan["id"], True, "同意", now=NOW)["id"] for loan in (first, second)]


def assert_one_checkout(archive_no):
    out = Loan.select().where(Loan.object_code == archive_no, Loan.state == "out")
    assert out.count() == 1 and out.get().out_key == f"archive:{archive_no}"
    checkouts = AuditEntry.select().where(AuditEntry.action == "loan.checkout",
                                          AuditEntry.summary.contains(f'"{archive_no}"'))
    assert checkouts.count() == 1
    assert audit.verify_chain()["ok"]


def test_r17_two_archivists_checking_out_two_loans_of_one_file_at_once_hand_it_out_once(world):
    ids = two_loans(world, world.file)
    outcomes = at_once([lambda: loan_desk.checkout(world.arch, ids[0], world.file, now=NOW),
                        lambda: loan_desk.checkout(world.second_arch, ids[1], world.file, now=NOW)])
    assert one_out(outcomes, "loan.object_out")["state"] == "out"
    assert_one_checkout(world.file)


def test_r17_two_archivists_checking_out_one_loan_at_once_hand_it_out_once(world):
    loan = world.approved()
    outcomes = at_once([lambda: loan_desk.checkout(world.arch, loan["id"], world.file, now=NOW),
                        lambda: loan_desk.checkout(world.second_arch, loan["id"], world.file, now=NOW)])
    assert one_out(outcomes, "loan.already_out")["state"] == "out"
    assert_one_checkout(world.file)


@pytest.mark.heavy
def test_r17_two_archivists_on_two_servers_checking_out_the_same_files_hand_each_out_once(world, servers):
    files = [world.file] + [world.received()["archive_no"] for _ in range(3)]
    pairs = {archive_no: two_loans(world, archive_no) for archive_no in files}
    pair = [servers(), servers()]
    pair[0].sign_in("li")
    pair[1].sign_in("wu")
    start, answers = threading.Barrier(2 * len(files)), []

    def checkout(server, who, loan_id, archive_no):
        start.wait()
        status, body = server.call("POST", f"/api/v1/loans/{loan_id}/checkout", {"scanned": archive_no}, as_user=who)
        answers.append((archive_no, status, body))

    work = [threading.Thread(target=checkout, args=(pair[n], who, ids[n], archive_no))
            for archive_no, ids in pairs.items() for n, who in enumerate(("li", "wu"))]
    for t in work:
        t.start()
    for t in work:
        t.join(60)

    for archive_no in files:
        mine = sorted((status, body.get("code") or body["state"]) for no, status, body in answers if no == archive_no)
        assert mine == [(200, "out"), (409, "loan.object_out")], answers
        assert_one_checkout(archive_no)
    assert pair[0].cli("audit", "verify").returncode == 0
