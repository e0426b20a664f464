"""A certificate loan through /api/v1 (R16, R17): an approver and an executive approve; checkout
and return are safe movements that a second person confirms; a short count is refused."""
from tests.web.certificate_people import stored_through_api


def test_r16_r17_a_certificate_loan_through_the_api(api, people):
    stored = stored_through_api(people)
    code, quantity = stored["certificates"][0]["code"], stored["certificates"][0]["quantity"]
    borrower, boss, approver = api("qian", "manager"), api("boss", "executive"), people["approver"]
    body = {"object": code, "purpose": "抵押变更", "days": 3, "use": "take_out"}
    loan = borrower.post("/loans", json=body).get_json()
    assert loan["steps"] == ["approver", "executive"]
    approver.post(f"/loans/{loan['id']}/decision", json={"approve": True})
    assert boss.post(f"/loans/{loan['id']}/decision", json={"approve": True}).get_json()["state"] == "approved"
    started = people["arch"].post(f"/loans/{loan['id']}/checkout", json={"scanned": code}).get_json()
    assert started["state"] == "approved" and started["movement_id"]
    same = people["arch"].post(f"/loans/{loan['id']}/confirm")
    assert (same.status_code, same.get_json()["code"]) == (409, "certificate.dual_control")
    out = people["second"].post(f"/loans/{loan['id']}/confirm").get_json()
    assert out["state"] == "out" and out["due"]
    short = people["second"].post(f"/loans/{loan['id']}/return", json={"scanned": code, "pages": quantity - 1})
    assert (short.status_code, short.get_json()["code"]) == (409, "loan.pages_short")
    people["second"].post(f"/loans/{loan['id']}/return", json={"scanned": code, "pages": quantity})
    done = people["arch"].post(f"/loans/{loan['id']}/confirm").get_json()
    assert done["state"] == "returned"
