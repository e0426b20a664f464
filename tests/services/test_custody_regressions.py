"""Sequences the custody state machine (test_custody_state_machine.py) found failing, kept as plain
tests: each replays the steps as Hypothesis printed them, from the same starting world, and
checks every custody invariant after every step. Add a new one the same way: the starting
world's certificates are `certs[0..3]` (0, 1 stored in S9-A, 2 in R1-S01, 3 listed and waiting
for B), its loans `loans[0..3]` (approved: file:new for m1, certs[0] for m2, certs[2] for the
executive mgrexec, certs[1] for the archivist-custodian archcus)."""
import pytest

from tests.services.custody_machine import CustodyMachine
from tests.services.custody_world import custody_env  # noqa: F401 (a fixture)


class Checked:
    """The machine, checking every invariant after each step as Hypothesis does."""

    def __init__(self, machine):
        self.machine = machine
        machine.custody_holds()

    def __getattr__(self, name):
        step = getattr(self.machine, name)

        def checked(*args, **kwargs):
            result = step(*args, **kwargs)
            self.machine.custody_holds()
            return result
        return checked


@pytest.fixture
def state(custody_env):  # noqa: F811
    machine = CustodyMachine.bound(custody_env)()
    yield Checked(machine)
    machine.teardown()


@pytest.fixture
def certs(state):
    return state.machine.world.certificates


@pytest.fixture
def loans(state):
    return state.machine.world.loans


def test_r16_a_lend_on_the_generic_movement_route_belongs_to_a_loan(state, certs):
    """Finding 2: custodian POST /certificates/{id}/movements {"kind": "lend"}."""
    state.start_movement(cert=certs[2], kind="lend", place="S9", who="archcus")
    state.confirm_movement(cert=certs[2], who="cusappr")


def test_r17_r21_a_departure_hands_on_no_approval_and_no_filed_project(state):
    """Findings 4 and 10: the manager-executive's own loan was approved at once (R17); they are
    also B of the filed project P-4."""
    state.depart(leaver="mgrexec", successor="m2")


def test_r21_a_departure_hands_on_the_filed_projects_too(state):
    """Finding 10, as the machine found it on PostgreSQL: m3 is A of the filed P-4 and B of the
    filed P-5; the transfer hands on only the open P-2, then m3 is deactivated."""
    state.depart(leaver="m3", successor="mgrexec")


def test_r16_a_certificate_loan_confirmed_on_the_movements_list_goes_out(state, loans):
    """Finding 1: the second custodian confirms the checkout from the movements to-do list."""
    state.check_out(loan=loans[1], who="archcus")
    state.confirm_loan_movement(loan=loans[1], who="cusappr", route="movements")
    state.confirm_loan_movement(loan=loans[1], who="cusappr", route="loan_desk")


def test_r16_the_approver_of_a_release_is_not_its_second_person(state, certs):
    """Finding 5: the custodian-approver approves a release, then confirms it."""
    state.release(cert=certs[0], who="archcus")
    state.decide_movement(cert=certs[0], who="cusappr", approve=True)
    state.confirm_movement(cert=certs[0], who="cusappr")


def test_r16_the_borrower_is_not_the_second_person_of_their_own_loan(state, loans):
    """Finding 5: the archivist-custodian confirms the checkout of their own certificate loan."""
    state.check_out(loan=loans[3], who="cusappr")
    state.confirm_loan_movement(loan=loans[3], who="archcus", route="loan_desk")


def test_r21_the_last_custodian_keeps_the_role_while_the_safe_holds_certificates(state):
    """Finding 11: a role change is not checked as deactivation is."""
    state.toggle_role(who="cusappr", role="custodian")
    state.toggle_role(who="archcus", role="custodian")


def test_r21_a_or_b_of_a_project_keeps_the_manager_role(state):
    """Found by the machine (not in the issue's list): a role change takes the manager role from
    the A of an open project and the B of a filed one."""
    state.toggle_role(who="mgrexec", role="manager")


def test_r17_a_file_out_on_loan_is_not_shown_in_place(state, loans):
    """Finding 9: the ledger shows a file out on loan as 在库."""
    state.check_out(loan=loans[0], who="arch")


def test_r16_a_certificate_return_confirmed_on_the_movements_list_comes_back(state, loans):
    """Finding 1, the return side: the loan stays out while the certificate is in the safe."""
    state.check_out(loan=loans[1], who="archcus")
    state.confirm_loan_movement(loan=loans[1], who="cusappr", route="loan_desk")
    state.return_loan(loan=loans[1], who="archcus", short=False)
    state.confirm_loan_movement(loan=loans[1], who="cusappr", route="movements")


def test_r18_a_sweep_for_a_future_day_makes_no_loan_overdue(state, loans):
    """Finding 8: the day swept last is taken for today."""
    state.check_out(loan=loans[1], who="archcus")
    state.confirm_loan_movement(loan=loans[1], who="cusappr", route="loan_desk")
    state.sweep(offset=400)
    state.sweep(offset=0)


def test_r23_a_backup_after_a_disposal_that_removed_scans_restores_whole(state):
    """Finding 3: restore counts scans an approved disposal removed as missing."""
    state.upload_scan(file="file:old", pages=2, who="arch")
    disposal = state.list_for_disposal(who="arch")
    state.decide_disposal(disposal=disposal, who="appr", approve=True, remove_scans=True)
    state.destroy(disposal=disposal, who="arch")
    state.time_passes(days=1)
    state.backup_and_restore()
