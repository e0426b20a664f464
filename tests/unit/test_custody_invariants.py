"""The custody invariants (issue 20) as pure predicates: a consistent snapshot has no violation,
and each invariant names what is wrong in a snapshot broken just there (others may too)."""
from dataclasses import replace
from datetime import date

import pytest

from archive_service.domain import invariants as inv

TODAY = date(2026, 10, 9)
USERS = (inv.UserRow(1, "a", True, ("manager",)), inv.UserRow(2, "b", True, ("manager",)),
         inv.UserRow(3, "keeper", True, ("custodian",)), inv.UserRow(4, "second", True, ("custodian", "approver")),
         inv.UserRow(5, "arch", True, ("archivist",)), inv.UserRow(6, "boss", True, ("executive",)),
         inv.UserRow(7, "gone", False, ("manager",)))
CERTS = (inv.CertificateRow(1, "QZ-2026-000001", "on_loan", 10, 1, "stored"),
         inv.CertificateRow(2, "QZ-2026-000002", "in_safe", 10, 1, "stored"),
         inv.CertificateRow(3, "QZ-2026-000003", "released", None, 1, "stored"),
         inv.CertificateRow(4, "QZ-2026-000004", "listed", None, 2, "pending_b"))
MOVES = (inv.MovementRow(1, 1, "store", "done", 2, confirmed_by=3),
         inv.MovementRow(2, 1, "lend", "done", 3, confirmed_by=4, loan_id=1),
         inv.MovementRow(3, 3, "release", "done", 3, approved_by=4, confirmed_by=5))
LOANS = (inv.LoanRow(1, "out", "certificate", "QZ-2026-000001", 1, certificate_id=1,
                     out_key="certificate:QZ-2026-000001", due_on=date(2026, 10, 14), steps=("approver", "executive"),
                     approved_by=(4, 6), decided_by=(4, 6), checked_out=True),
         inv.LoanRow(2, "approved", "archive", "XD-2026-0001", 6, archive_id=1),
         inv.LoanRow(3, "out", "archive", "XD-2026-0002", 2, archive_id=2, out_key="archive:XD-2026-0002",
                     due_on=date(2026, 10, 1), steps=("approver",), approved_by=(4,), decided_by=(4,),
                     checked_out=True))
AUDIT = {("certificate.lend", "certificate", "1"): 1, ("certificate.release", "certificate", "3"): 1,
         ("certificate.decision", "certificate", "3"): 1,
         ("certificate_list.check_custodian", "certificate_list", "1"): 1,
         ("loan.request", "loan", "1"): 1, ("loan.request", "loan", "2"): 1, ("loan.request", "loan", "3"): 1,
         ("loan.checkout", "loan", "1"): 1, ("loan.checkout", "loan", "3"): 1, ("loan.decide", "loan", "1"): 2,
         ("loan.decide", "loan", "3"): 1, ("user.update", "user", "gone"): 1}
GOOD = inv.Snapshot(
    today=TODAY, users=USERS, safe_locations=frozenset({10}), certificates=CERTS, movements=MOVES, loans=LOANS,
    archives=(inv.ArchiveRow(1, "XD-2026-0001", "in_archive", "在库"),
              inv.ArchiveRow(2, "XD-2026-0002", "in_archive", "借出")),
    projects=(inv.ProjectRow(1, "P-1", 1, 2, False), inv.ProjectRow(2, "P-2", 2, 1, True)),
    list_states={1: "stored", 2: "pending_b"}, audit=AUDIT, shown_overdue=frozenset({3}))


def with_loan(n, **changes):
    return replace(GOOD, loans=tuple(replace(x, **changes) if x.id == n else x for x in GOOD.loans))


def with_move(n, **changes):
    return replace(GOOD, movements=tuple(replace(m, **changes) if m.id == n else m for m in GOOD.movements))


def with_cert(n, **changes):
    return replace(GOOD, certificates=tuple(replace(c, **changes) if c.id == n else c for c in GOOD.certificates))


def without_role(role):
    return replace(GOOD, users=tuple(replace(u, roles=tuple(r for r in u.roles if r != role)) for u in GOOD.users))


BROKEN = [
    ("certificate_on_loan_iff_one_loan_out", with_cert(1, status="in_safe")),
    ("certificate_on_loan_iff_one_loan_out", with_loan(1, state="returned", out_key=None)),
    ("one_loan_out_per_object", with_loan(3, object_code="QZ-2026-000001")),
    ("one_loan_out_per_object", with_loan(3, out_key=None)),
    ("loans_out_have_a_due_date", with_loan(3, due_on=None)),
    ("approved_loans_were_approved", with_loan(2, borrower_id=1)),
    ("approved_loans_were_approved", with_loan(3, decided_by=(2,))),
    ("lend_and_return_movements_belong_to_a_loan", with_move(2, loan_id=None)),
    ("done_movements_have_two_people", with_move(2, confirmed_by=3)),
    ("done_movements_have_two_people", with_move(3, confirmed_by=4)),
    ("done_movements_have_two_people", with_move(2, confirmed_by=1)),
    ("releases_are_approved", with_move(3, approved_by=None)),
    ("one_open_movement_per_certificate", replace(GOOD, movements=(
        *GOOD.movements, inv.MovementRow(4, 2, "move", "pending_second", 3),
        inv.MovementRow(5, 2, "release", "pending_approval", 4)))),
    ("certificate_places_match_status", with_cert(2, location_id=11)),
    ("certificate_places_match_status", with_cert(3, location_id=10)),
    ("certificate_places_match_status", with_cert(4, list_state="stored")),
    ("open_loans_have_active_borrowers", with_loan(2, borrower_id=7)),
    ("projects_have_active_managers", replace(GOOD, projects=(inv.ProjectRow(2, "P-2", 7, 1, True),))),
    ("the_safe_has_an_active_custodian", without_role("custodian")),
    ("the_archive_has_an_active_archivist", without_role("archivist")),
    ("files_out_on_loan_say_so", replace(GOOD, archives=(inv.ArchiveRow(2, "XD-2026-0002", "in_archive", "在库"),))),
    ("files_out_on_loan_say_so", replace(GOOD, archives=(inv.ArchiveRow(2, "XD-2026-0002", "destroyed", "已销毁"),))),
    ("overdue_is_judged_from_today", replace(GOOD, shown_overdue=frozenset({1, 3}))),
    ("overdue_is_judged_from_today", replace(GOOD, shown_overdue=frozenset())),
    ("state_changes_are_audited", replace(GOOD, audit={k: v for k, v in AUDIT.items() if k[0] != "certificate.lend"})),
    ("state_changes_are_audited", replace(GOOD, audit={k: v for k, v in AUDIT.items() if k[0] != "user.update"})),
    ("audit_chain_is_whole", replace(GOOD, audit_ok=False)),
    ("backup_restores_whole", replace(GOOD, restore=inv.RestoreCheck(error="restore.scans_missing"))),
    ("backup_restores_whole", replace(GOOD, restore=inv.RestoreCheck(None, {"Loan": 3}, {"Loan": 2}))),
]


def test_a_consistent_snapshot_violates_no_custody_invariant():
    assert inv.violations(GOOD) == []
    assert inv.violations(replace(GOOD, restore=inv.RestoreCheck(None, {"Loan": 3}, {"Loan": 3}))) == []


@pytest.mark.parametrize(("name", "snapshot"), BROKEN, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BROKEN)])
def test_each_custody_invariant_names_what_is_broken(name, snapshot):
    found = inv.violations(snapshot)
    assert name in {v.split(":")[0] for v in found}, found


def test_every_invariant_is_listed_once_and_tested():
    names = [check.__name__ for check in inv.INVARIANTS]
    assert len(set(names)) == len(names) and set(names) == {name for name, _ in BROKEN}
