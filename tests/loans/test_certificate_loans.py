"""Certificate loans (R16, R17): an approver and an executive approve; checkout and return are
movements out of and into the safe that take effect on a second person's confirmation; a late
certificate and an unconfirmed certificate list are swept."""
from datetime import date

import pytest

from archive_service.domain.errors import Conflict, InvalidInput
from archive_service.models import Alert, Certificate
from archive_service.services.custody import certificates
from archive_service.services.loans import loan_desk, loans
from archive_service.services.platform import calendar
from tests.conftest import NOW
from tests.loans.loan_world import sweep_on
from tests.services.certificate_world import World


@pytest.fixture
def world(make_actor):
    w = World(make_actor)
    w.borrower = make_actor("qian", "manager", display_name="钱借阅")
    w.boss = make_actor("boss", "executive", display_name="孙总")
    w.code = w.stored()["certificates"][0]["code"]
    return w


def _approved(world):
    loan = loans.request(world.borrower, object=world.code, purpose="办理抵押变更", days=3, use="take_out", now=NOW)
    assert (loan["object_kind"], loan["steps"]) == ("certificate", ["approver", "executive"])
    loans.decide(world.approver, loan["id"], True, "同意", now=NOW)
    return loans.decide(world.boss, loan["id"], True, "同意", now=NOW)


def status(world):
    return Certificate.get(Certificate.code == world.code).status


def test_r17_a_certificate_needs_an_approver_and_an_executive(world):
    loan = loans.request(world.borrower, object=world.code, purpose="办理抵押变更", days=3, now=NOW)
    after_one = loans.decide(world.approver, loan["id"], True, "同意", now=NOW)
    assert (after_one["state"], after_one["awaiting"]) == ("requested", "executive")
    assert loans.decide(world.boss, loan["id"], True, "", now=NOW)["state"] == "approved"


def test_r16_checkout_and_return_are_dual_controlled_movements(world):
    loan = _approved(world)
    started = loan_desk.checkout(world.custodian, loan["id"], world.code, now=NOW)
    assert (started["state"], status(world)) == ("approved", "in_safe")  # nothing moves on one person's word
    assert started["movement_id"] is not None
    with pytest.raises(Conflict) as same:
        loan_desk.confirm(world.custodian, loan["id"], now=NOW)
    assert same.value.code == "certificate.dual_control"
    out = loan_desk.confirm(world.second, loan["id"], now=NOW)
    assert (out["state"], status(world), out["movement_id"]) == ("out", "on_loan", None)
    assert out["due"] == calendar.current().add_working_days(date(2026, 10, 9), 3).due.isoformat()
    back = loan_desk.return_loan(world.second, loan["id"], world.code, 1, now=NOW)
    assert (back["state"], status(world)) == ("out", "on_loan")
    done = loan_desk.confirm(world.custodian, loan["id"], now=NOW)
    assert (done["state"], status(world)) == ("returned", "in_safe")
    moves = certificates.get(world.custodian, Certificate.get(Certificate.code == world.code).id, now=NOW)
    assert moves["status"] == "in_safe"


def test_a_certificate_label_of_another_certificate_is_refused(world):
    loan = _approved(world)
    other = Certificate.select().where(Certificate.code != world.code).first().code
    with pytest.raises(InvalidInput) as caught:
        loan_desk.checkout(world.custodian, loan["id"], other, now=NOW)
    assert caught.value.code == "loan.wrong_label"


def test_a_released_certificate_cannot_be_borrowed(world):
    cert_id = Certificate.get(Certificate.code == world.code).id
    move = certificates.release(world.custodian, cert_id, recipient="李四", recipient_id_number="310101199001010017",
                                now=NOW)
    certificates.decide(world.approver, move["id"], approve=True, now=NOW)
    certificates.confirm_movement(world.second, move["id"], now=NOW)
    with pytest.raises(Conflict) as caught:
        loans.request(world.borrower, object=world.code, purpose="p", days=1, now=NOW)
    assert caught.value.code == "loan.object_unavailable"


def test_r17_a_late_certificate_tells_the_custodian_and_the_executives_after_three_working_days(world):
    loan = _approved(world)
    loan_desk.checkout(world.custodian, loan["id"], world.code, now=NOW)
    due = date.fromisoformat(loan_desk.confirm(world.second, loan["id"], now=NOW)["due"])
    sweep_on(calendar.current().add_working_days(due, 3).due)
    told = {a.recipient.username for a in Alert.select().where(Alert.kind == "certificate_out_late")}
    assert told == {"qian", "zhao", "boss", "chen", "liu"}


def test_r15_an_unconfirmed_certificate_list_is_swept(world):
    world.listed([{"kind": "他项权证", "name": "不动产登记证明", "number": "沪(2026)第0000099号", "owner": "李四",
                   "quantity": 1}], now=NOW)
    sweep_on(date(2026, 10, 12))  # the list was made on 10-09; due the next working day
    told = [(a.recipient.username, a.object) for a in Alert.select().where(Alert.kind == "certificate_list_late")]
    assert told == [("wang", "P-1")]  # B has not checked it
    assert sweep_on(date(2026, 10, 12))["created"] == 0
