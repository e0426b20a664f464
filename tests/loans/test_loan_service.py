"""Borrowing through the services: R17 approvals, R18 return check, R19 access, renewals, the queue."""
from datetime import date

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from archive_service.models import Alert, Incident, OutboxMessage
from archive_service.services.archive import file_record as ledgers
from archive_service.services.archive import scans
from archive_service.services.loans import incidents, loan_desk, loans
from archive_service.services.loans import loan_rules as approvals
from tests.conftest import NOW
from tests.loans.loan_world import PAGES, LoanWorld, snapshot


@pytest.fixture
def world(make_actor):
    return LoanWorld(make_actor)


def refused(error, code, call):
    before = snapshot()
    with pytest.raises(error) as caught:
        call()
    assert caught.value.code == code
    assert snapshot() == before, "a refused call changed something"
    return caught.value


def test_r17_a_file_needs_one_approver(world):
    loan = world.request()
    assert (loan["state"], loan["awaiting"], loan["steps"]) == ("requested", "approver", ["approver"])
    done = loans.decide(world.approver, loan["id"], True, "同意", now=NOW)
    assert done["state"] == "approved"
    assert [(a["decided_by"], a["approve"]) for a in done["approvals"]] == [("sun", True)]


def test_r17_an_executive_needs_no_approval(world):
    loan = world.request(who=world.boss)
    assert (loan["state"], loan["steps"], loan["awaiting"]) == ("approved", [], None)


def test_r17_nobody_approves_their_own_request(world, make_actor):
    both = make_actor("wu", "manager", "approver")
    loan = world.request(who=both)
    refused(Forbidden, "loan.own_request", lambda: loans.decide(both, loan["id"], True, "", now=NOW))


def test_r17_a_manager_cannot_approve(world):
    loan = world.request()
    refused(NotFound, "loan.not_found", lambda: loans.decide(world.a, loan["id"], True, "", now=NOW))
    refused(Forbidden, "loan.not_your_step", lambda: loans.decide(world.boss, loan["id"], True, "", now=NOW))


def test_r17_rules_are_a_table_an_admin_edits(world, admin):
    approvals.set_rules(admin, "archive", [
        {"use": "*", "requester_role": "*", "steps": ["approver", "approver"], "max_days": 3, "max_renewals": 0}],
        now=NOW)
    loan = world.request(days=3)
    assert loan["steps"] == ["approver", "approver"]
    loan = loans.decide(world.approver, loan["id"], True, "", now=NOW)
    assert (loan["state"], loan["step_names"]) == ("requested", ["有权审批人", "有权审批人"])
    refused(Conflict, "loan.already_decided", lambda: loans.decide(world.approver, loan["id"], True, "", now=NOW))
    assert loans.decide(world.approver2, loan["id"], True, "", now=NOW)["state"] == "approved"
    refused(InvalidInput, "loan.invalid_days", lambda: world.request(who=world.a, days=4))


def test_r17_the_rules_refuse_unknown_roles_and_stay_as_they_were(world, admin):
    before = approvals.all_rules()
    with pytest.raises(InvalidInput) as caught:
        approvals.set_rules(admin, "archive", [{"use": "*", "requester_role": "*", "steps": ["boss"],
                                                "max_days": 3}], now=NOW)
    assert caught.value.code == "loan_rule.invalid_steps"
    assert approvals.all_rules() == before
    with pytest.raises(Forbidden):
        approvals.set_rules(world.a, "archive", [], now=NOW)


def test_r17_executives_need_no_approval_whatever_the_table_says(world, admin):
    before = approvals.all_rules()
    with pytest.raises(InvalidInput) as caught:
        approvals.set_rules(admin, "archive", [{"use": "*", "requester_role": "executive", "steps": ["approver"],
                                                "max_days": 3}], now=NOW)
    assert caught.value.code == "loan_rule.executive_exempt"
    assert approvals.all_rules() == before
    approvals.set_rules(admin, "archive", [{"use": "*", "requester_role": "*", "steps": ["approver"],
                                            "max_days": 3}], now=NOW)  # no row for executives at all
    loan = world.request(who=world.boss, days=3)
    assert (loan["state"], loan["steps"]) == ("approved", [])


def test_a_rejected_request_tells_the_borrower(world):
    loan = world.request()
    done = loans.decide(world.approver, loan["id"], False, "用途不明确", now=NOW)
    assert done["state"] == "rejected"
    assert Alert.select().where(Alert.recipient == world.borrower.id, Alert.message.contains("未获批准")).exists()
    refused(Conflict, "loan.not_pending", lambda: loans.decide(world.approver2, loan["id"], True, "", now=NOW))


@pytest.mark.parametrize("obj, code", [("XD-2099-9999", "loan.unknown_object"), ("", "loan.invalid_object"),
                                       ("XD\x00", "loan.invalid_object")])
def test_borrowing_an_unknown_object_is_refused(world, obj, code):
    refused(InvalidInput, code, lambda: loans.request(world.borrower, object=obj, purpose="x", days=1, now=NOW))


def test_borrowing_a_voided_file_is_refused(world):
    ledgers.void(world.arch, world.file, "编号错误", now=NOW)
    refused(Conflict, "loan.object_unavailable", world.request)


@pytest.mark.parametrize("purpose, days, code", [
    ("", 5, "loan.invalid_purpose"), ("x" * 201, 5, "loan.invalid_purpose"), ("a\x07b", 5, "loan.invalid_purpose"),
    ("查账", 0, "loan.invalid_days"), ("查账", 11, "loan.invalid_days"), ("查账", True, "loan.invalid_days")])
def test_bad_requests_are_refused(world, purpose, days, code):
    refused(InvalidInput, code, lambda: loans.request(world.borrower, object=world.file, purpose=purpose, days=days,
                                                      now=NOW))


def test_asking_twice_for_the_same_object_is_refused(world):
    world.request()
    refused(Conflict, "loan.duplicate", world.request)


def test_checkout_before_approval_is_refused(world):
    loan = world.request()
    refused(Conflict, "loan.not_approved", lambda: loan_desk.checkout(world.arch, loan["id"], world.file, now=NOW))


def test_checkout_refuses_another_objects_label(world):
    loan = world.approved()
    error = refused(InvalidInput, "loan.wrong_label",
                    lambda: loan_desk.checkout(world.arch, loan["id"], "XD-2026-0099", now=NOW))
    assert "XD-2026-0099" in error.message


def test_only_the_archivist_hands_a_file_out(world):
    loan = world.approved()
    refused(Forbidden, "auth.forbidden", lambda: loan_desk.checkout(world.approver, loan["id"], world.file, now=NOW))


def test_checkout_sets_due_on_the_nth_working_day(world):
    loan = world.out(days=5)
    # 2026-10-09 is a Friday after the National Day holiday (10-10 is a make-up Saturday workday)
    assert date.fromisoformat(loan["due"]) > date(2026, 10, 9)
    assert loan["state"] == "out"
    assert loans.get(world.borrower, loan["id"], now=NOW)["due"] == loan["due"]


def test_one_object_is_out_on_one_loan_and_later_requests_queue(world):
    first = world.out()
    second = loans.decide(world.approver, world.request(who=world.a)["id"], True, "", now=NOW)
    assert second["queued"] is True
    refused(Conflict, "loan.object_out", lambda: loan_desk.checkout(world.arch, second["id"], world.file, now=NOW))
    loan_desk.return_loan(world.arch, first["id"], world.file, PAGES, now=NOW)
    told = Alert.select().where(Alert.recipient == world.a.id, Alert.message.contains("已归还"))
    assert told.count() == 1
    assert loan_desk.checkout(world.arch, second["id"], world.file, now=NOW)["state"] == "out"


def test_r18_a_short_return_is_refused_and_opens_an_incident(world):
    loan = world.out()
    with pytest.raises(Conflict) as caught:
        loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES - 1, now=NOW)
    assert caught.value.code == "loan.pages_short"
    assert loans.get(world.borrower, loan["id"], now=NOW)["state"] == "out"
    incident = Incident.get()
    assert (incident.state, incident.expected_pages, incident.counted_pages) == ("open", PAGES, PAGES - 1)
    told = {a.recipient.username for a in Alert.select().where(Alert.kind == "incident")}
    assert told == {"li", "sun"}  # the archivist and the approver
    assert OutboxMessage.select().where(OutboxMessage.channel == "wecom").exists()
    assert incidents.open_for(world.file) == 1
    assert ledgers.get_archive(world.arch, world.file, now=NOW)["open_incidents"] == 1  # the file is flagged


def test_r18_the_incident_stays_open_until_an_approver_closes_it(world):
    loan = world.out()
    with pytest.raises(Conflict):
        loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES - 2, now=NOW)
    with pytest.raises(Conflict):  # a second short count keeps the one incident
        loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES - 2, now=NOW)
    incident_id = Incident.get().id
    assert Incident.select().count() == 1
    loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES, now=NOW)  # the pages were found
    assert incidents.get(world.arch, incident_id)["state"] == "open"
    with pytest.raises(Forbidden):
        incidents.close(world.arch, incident_id, "已找到", now=NOW)
    with pytest.raises(InvalidInput):
        incidents.close(world.approver, incident_id, "  ", now=NOW)
    closed = incidents.close(world.approver, incident_id, "缺页已找回并归档", now=NOW)
    assert (closed["state"], closed["closed_by"]) == ("closed", "sun")
    assert incidents.open_for(world.file) == 0


def test_r18_more_pages_than_recorded_is_refused_without_an_incident(world):
    loan = world.out()
    refused(InvalidInput, "loan.pages_over",
            lambda: loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES + 1, now=NOW))


def test_returning_twice_is_refused(world):
    loan = world.out()
    loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES, now=NOW)
    refused(Conflict, "loan.already_returned", lambda: loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES,
                                                                         now=NOW))


def test_a_return_refuses_another_label(world):
    loan = world.out()
    refused(InvalidInput, "loan.wrong_label",
            lambda: loan_desk.return_loan(world.arch, loan["id"], "R1", PAGES, now=NOW))


def test_renewals_are_limited(world):
    loan = world.out()
    due = loan["due"]
    once = loans.renew(world.borrower, loan["id"], 2, now=NOW)
    assert once["due"] > due and once["renewals"] == 1
    loans.renew(world.borrower, loan["id"], 2, now=NOW)
    refused(Conflict, "loan.renewal_limit", lambda: loans.renew(world.borrower, loan["id"], 2, now=NOW))


def test_a_renewal_is_refused_while_someone_is_queued(world):
    loan = world.out()
    world.request(who=world.a)
    refused(Conflict, "loan.queued", lambda: loans.renew(world.borrower, loan["id"], 2, now=NOW))


def test_only_the_borrower_renews(world):
    loan = world.out()
    refused(Forbidden, "loan.not_borrower", lambda: loans.renew(world.arch, loan["id"], 2, now=NOW))


def test_a_renewal_needs_approval_when_the_rules_say_so(world, admin):
    approvals.set_rules(admin, "archive", [{"use": "*", "requester_role": "*", "steps": ["approver"], "max_days": 10,
                                            "max_renewals": 1, "renewal_steps": ["approver"]}], now=NOW)
    loan = world.out()
    pending = loans.renew(world.borrower, loan["id"], 3, now=NOW)
    assert (pending["due"], pending["awaiting"], pending["renewal_days"]) == (loan["due"], "approver", 3)
    done = loans.decide(world.approver2, loan["id"], True, "", now=NOW)
    assert done["due"] > loan["due"] and done["renewals"] == 1 and done["awaiting"] is None


def test_r19_outside_an_approved_loan_only_the_allowed_read_a_file(world, make_actor):
    stranger = world.borrower
    with pytest.raises(Forbidden) as caught:
        ledgers.get_archive(stranger, world.file, now=NOW)
    assert caught.value.code == "archive.access_denied"
    with pytest.raises(Forbidden):
        scans.of_archive(stranger, world.file, now=NOW)
    assert ledgers.get_archive(world.a, world.file, now=NOW)["archive_no"] == world.file  # the project's A
    assert ledgers.get_archive(make_actor("aud", "auditor"), world.file, now=NOW)
    loan = world.approved()
    assert ledgers.get_archive(stranger, world.file, now=NOW)["archive_no"] == world.file
    loan_desk.checkout(world.arch, loan["id"], world.file, now=NOW)
    loan_desk.return_loan(world.arch, loan["id"], world.file, PAGES, now=NOW)
    with pytest.raises(Forbidden):
        ledgers.get_archive(stranger, world.file, now=NOW)


def test_r19_every_view_by_a_borrower_is_audited(world):
    from archive_service.models import AuditEntry

    world.approved()
    ledgers.get_archive(world.borrower, world.file, now=NOW)
    scans.of_archive(world.borrower, world.file, now=NOW)
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.actor == "qian")]
    assert {"archive.read", "scan.list"} <= set(actions)


def test_others_do_not_see_someone_elses_loan(world):
    loan = world.request()
    with pytest.raises(NotFound):
        loans.get(world.a, loan["id"], now=NOW)
    assert loans.get(world.approver, loan["id"], now=NOW)["id"] == loan["id"]


def test_the_borrower_cancels_a_request(world):
    loan = world.request()
    assert loans.cancel(world.borrower, loan["id"], now=NOW)["state"] == "cancelled"
    refused(Conflict, "loan.not_cancellable", lambda: loans.cancel(world.borrower, loan["id"], now=NOW))
