"""Races give answers, not 500s: the same thing created by several requests at once gives one
success and 409s with the service's code, on both engines (on PostgreSQL both may pass the check
before either commits; the unique index then refuses the second, and that refusal is a 409 too)."""
import threading

import pytest
from peewee import IntegrityError

from archive_service.db import database, transaction
from archive_service.domain import loans as loan_rules
from archive_service.domain.errors import ArchiveError, Conflict
from archive_service.models import ChecklistEntry, Customer, Loan, Location, Project, User
from archive_service.services.accounts import users
from archive_service.services.archive import locations
from archive_service.services.handover import customers, handovers
from archive_service.services.people import holdings
from tests.conftest import NOW, PASSWORD
from tests.loans.loan_world import LoanWorld
from tests.services.certificate_world import World as CertificateWorld

THREADS = 3
ROUNDS = 6


def at_once(call):
    """Run `call()` in THREADS threads released together: [result or the ArchiveError raised]."""
    start, results = threading.Barrier(THREADS), []

    def run():
        with database.connection_context():
            start.wait()
            try:
                results.append(call())
            except ArchiveError as refused:
                results.append(refused)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def side_by_side(*calls):
    """Run each call in a thread of its own, released together: [result or the ArchiveError raised],
    in the order of the calls."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        with database.connection_context():
            start.wait()
            try:
                results[n] = call()
            except ArchiveError as refused:
                results[n] = refused

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def one_success_and_conflicts(results, code):
    refused = [r for r in results if isinstance(r, ArchiveError)]
    assert len(results) == THREADS and len(refused) == THREADS - 1, results
    assert {(type(r), r.code) for r in refused} == {(Conflict, code)}


def test_the_same_location_created_at_once(make_actor):
    arch = make_actor("li", "archivist")
    results = at_once(lambda: locations.create_location(arch, code="R9", name="九号档案室", now=NOW))
    one_success_and_conflicts(results, "location.exists")
    assert Location.select().where(Location.code == "R9").count() == 1


def test_the_same_customer_created_at_once(make_actor):
    arch = make_actor("li", "archivist")
    results = at_once(lambda: customers.create_customer(arch, name="钱九", kind="person",
                                                        id_number="110101199009099999", now=NOW))
    one_success_and_conflicts(results, "customer.exists")
    assert Customer.select().count() == 1


def test_the_same_project_created_at_once(make_actor):
    arch = make_actor("li", "archivist")
    make_actor("zhang", "manager")
    make_actor("wang", "manager")
    customer = customers.create_customer(arch, name="钱九", kind="person", id_number="110101199009099999", now=NOW)
    results = at_once(lambda: customers.create_project(
        arch, code="P-RACE", customer_id=customer["id"], business="loan", title="贷款", amount="1000",
        a_user="zhang", b_user="wang", ended_on="2026-09-30", now=NOW))
    one_success_and_conflicts(results, "project.exists")
    assert Project.select().count() == 1


def test_the_same_user_created_at_once(admin):
    results = at_once(lambda: users.create_user(admin, username="twice", password=PASSWORD, roles=["manager"],
                                                now=NOW))
    one_success_and_conflicts(results, "user.exists")
    assert User.select().where(User.username == "twice").count() == 1


def test_a_checklist_set_by_several_at_once_is_one_of_them_whole(make_actor):
    arch = make_actor("li", "archivist")
    templates = [[{"part": 1, "title": f"审批表{n}", "attachment": False, "contract": False},
                  {"part": 2, "title": f"合同{n}", "attachment": False, "contract": True}] for n in range(THREADS)]
    turn = iter(templates)
    lock = threading.Lock()

    def set_one():
        with lock:
            items = next(turn)
        return handovers.set_checklist(arch, "loan", items, now=NOW)

    results = at_once(set_one)
    refused = [r for r in results if isinstance(r, ArchiveError)]
    assert len(refused) < THREADS and {r.code for r in refused} <= {"checklist.edited_concurrently"}
    titles = [e.title for e in ChecklistEntry.select().order_by(ChecklistEntry.part, ChecklistEntry.position)]
    assert titles in [[i["title"] for i in t] for t in templates]


def test_a_unique_violation_in_a_transaction_is_the_services_conflict(make_actor):
    arch = make_actor("li", "archivist")
    locations.create_location(arch, code="R1", name="一号档案室", now=NOW)
    exists = Conflict("location.exists", "位置编码 R1 已存在")
    with pytest.raises(Conflict) as refused, transaction(conflict=exists):
        Location.create(code="R1", name="again", level="room", created_at=NOW)
    assert refused.value.code == "location.exists" and Location.select().count() == 1


def test_a_foreign_key_violation_in_a_transaction_is_a_generic_conflict(db):
    with pytest.raises(Conflict) as refused, transaction():
        Location.create(code="X", name="X", level="cabinet", parent=999_999, created_at=NOW)
    assert refused.value.code == "request.conflict" and Location.select().count() == 0
    assert issubclass(type(refused.value.__cause__), IntegrityError)


# ---- R21: nothing held by an inactive user or by one without the role, however requests meet ----

def test_r21_deactivation_and_a_new_loan_race_leaves_no_inactive_borrower(make_actor, admin):
    world = LoanWorld(make_actor)

    def one_round(borrower):
        return side_by_side(lambda: users.update_user(admin, borrower.username, active=False, now=NOW),
                            lambda: world.request(who=borrower))

    for n in range(ROUNDS):
        deactivated, requested = one_round(make_actor(f"jie{n}", "manager"))
        went = (not isinstance(deactivated, ArchiveError), not isinstance(requested, ArchiveError))
        assert went in {(True, False), (False, True)}, (n, deactivated, requested)
        refused = requested if went[0] else deactivated
        assert (type(refused), refused.code) == (Conflict, "user.inactive" if went[0] else "user.still_holds")
    open_loans_of_inactive = (Loan.select().join(User, on=(Loan.borrower == User.id))
                              .where(~User.active, Loan.state.in_(loan_rules.OPEN)))
    assert open_loans_of_inactive.count() == 0


def test_r21_the_last_two_custodians_losing_the_role_at_once_leave_one_keeper_of_the_safe(make_actor, admin):
    certs = CertificateWorld(make_actor)
    certs.stored()
    chen, liu = side_by_side(lambda: users.update_user(admin, "chen", roles=["archivist"], now=NOW),
                             lambda: users.update_user(admin, "liu", roles=["approver"], now=NOW))
    refused = [r for r in (chen, liu) if isinstance(r, ArchiveError)]
    assert [(type(r), r.code) for r in refused] == [(Conflict, "user.still_holds")], (chen, liu)
    assert len(holdings.keepers("custodian")) == 1


def test_r21_the_last_two_custodians_deactivated_at_once_leave_one_keeper_of_the_safe(make_actor, admin):
    certs = CertificateWorld(make_actor)
    certs.stored()
    results = side_by_side(lambda: users.update_user(admin, "chen", active=False, now=NOW),
                           lambda: users.update_user(admin, "liu", active=False, now=NOW))
    refused = [r for r in results if isinstance(r, ArchiveError)]
    assert [(type(r), r.code) for r in refused] == [(Conflict, "user.still_holds")], results
    assert len(holdings.keepers("custodian")) == 1
