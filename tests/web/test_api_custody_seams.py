"""Custody seams (R16, R17): a loan's certificate movement confirmed from either page moves the
certificate and the loan together; lend and return never start outside a loan; the second person
is nobody already on the movement; a release checks custody on every route."""
import pytest

from archive_service.models import Certificate, Loan
from tests.services.certificate_world import snapshot
from tests.web.certificate_people import stored_through_api

RECIPIENT = {"recipient": "李四", "recipient_id_number": "310101197505050000", "note": "贷款结清"}


def _approved_loan(api, people, code, borrower=None):
    borrower = borrower or api("qian", "manager")
    loan = borrower.post("/loans", json={"object": code, "purpose": "抵押变更", "days": 3, "use": "take_out"})
    assert loan.status_code == 201, loan.get_json()
    loan_id = loan.get_json()["id"]
    if loan.get_json()["state"] != "approved":
        people["approver"].post(f"/loans/{loan_id}/decision", json={"approve": True})
        api("boss", "executive").post(f"/loans/{loan_id}/decision", json={"approve": True})
    return loan_id


def _refused(client, path, body, status, code):
    before = snapshot()
    answer = client.post(path, json=body)
    assert (answer.status_code, answer.get_json()["code"]) == (status, code), answer.get_json()
    assert snapshot() == before


def test_r16_a_loans_movement_confirmed_on_the_movements_page_moves_the_loan_too(api, people):
    cert = stored_through_api(people)["certificates"][0]
    loan_id = _approved_loan(api, people, cert["code"])
    started = people["arch"].post(f"/loans/{loan_id}/checkout", json={"scanned": cert["code"]}).get_json()
    confirmed = people["second"].post(f"/certificate-movements/{started['movement_id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.get_json()["certificate"]["status"] == "on_loan"
    out = people["second"].get(f"/loans/{loan_id}").get_json()
    assert (out["state"], out["movement_id"]) == ("out", None) and out["due"]
    _refused(people["second"], f"/loans/{loan_id}/confirm", None, 409, "loan.no_open_movement")
    back = people["second"].post(f"/loans/{loan_id}/return", json={"scanned": cert["code"],
                                                                    "pages": cert["quantity"]}).get_json()
    assert people["arch"].post(f"/certificate-movements/{back['movement_id']}/confirm").status_code == 200
    assert people["arch"].get(f"/loans/{loan_id}").get_json()["state"] == "returned"
    assert Certificate.get_by_id(cert["id"]).status == "in_safe"
    assert Loan.get_by_id(loan_id).out_key is None


@pytest.mark.parametrize("kind", ["lend", "return"])
def test_r16_lend_and_return_never_start_on_the_generic_movement_route(people, kind):
    cert = stored_through_api(people)["certificates"][0]
    _refused(people["arch"], f"/certificates/{cert['id']}/movements", {"kind": kind}, 409,
             "certificate.loan_movement_only")


def test_r16_the_approver_of_a_release_is_not_its_second_person(api, people):
    cert = stored_through_api(people)["certificates"][0]
    both = api("qian", "custodian", "approver")
    release = people["arch"].post(f"/certificates/{cert['id']}/release", json=RECIPIENT).get_json()
    assert both.post(f"/certificate-movements/{release['id']}/decision", json={"approve": True}).status_code == 200
    _refused(both, f"/certificate-movements/{release['id']}/confirm", None, 409, "certificate.approver_confirms")
    assert people["second"].post(f"/certificate-movements/{release['id']}/confirm").status_code == 200
    assert Certificate.get_by_id(cert["id"]).status == "released"


def test_r16_the_borrower_is_not_the_second_person_of_their_own_loan(api, people):
    cert = stored_through_api(people)["certificates"][0]
    borrower = api("qian", "archivist", "custodian")
    loan_id = _approved_loan(api, people, cert["code"], borrower)
    started = people["arch"].post(f"/loans/{loan_id}/checkout", json={"scanned": cert["code"]}).get_json()
    _refused(borrower, f"/loans/{loan_id}/confirm", None, 409, "certificate.borrower_confirms")
    _refused(borrower, f"/certificate-movements/{started['movement_id']}/confirm", None, 409,
             "certificate.borrower_confirms")
    assert people["second"].post(f"/loans/{loan_id}/confirm").get_json()["state"] == "out"


def test_r16_a_release_needs_custody_on_every_route(api, people):
    cert = stored_through_api(people)["certificates"][0]
    archivist = api("qian", "archivist")
    _refused(archivist, f"/certificates/{cert['id']}/release", RECIPIENT, 403, "auth.forbidden")
    _refused(archivist, f"/certificates/{cert['id']}/movements", {"kind": "release", **RECIPIENT}, 403,
             "auth.forbidden")
