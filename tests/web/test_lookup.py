"""Scan lookup: every code the service prints resolves through GET /api/v1/lookup/{code} and the
scan box (archive numbers, item numbers, contract numbers -HTnn, location labels)."""
from urllib.parse import quote

from archive_service.db import database
from archive_service.models import AuditEntry
from archive_service.services.platform import lookup
from tests.sqlcount import count_statements


def numbers_of(received):
    detail = received["arch"].get(f"/archives/{received['no']}").get_json()
    item = next(i for i in detail["items"] if i["number"] and not i["contract"])
    contract = detail["contracts"][0]
    return item, contract


def test_every_printed_code_looks_up_to_its_object(received):
    arch, no = received["arch"], received["no"]
    item, contract = numbers_of(received)
    location = arch.get("/locations").get_json()["items"][0]
    expected = {
        no: {"kind": "archive", "status": "in_archive", "url": f"/archives/{quote(no)}"},
        item["number"]: {"kind": "item", "id": item["id"], "status": "in_archive",
                         "url": f"/archives/{quote(no)}#item-{item['id']}"},
        contract["number"]: {"kind": "contract", "id": contract["item_id"], "status": "in_archive",
                             "url": f"/archives/{quote(no)}#item-{contract['item_id']}"},
        "R1": {"kind": "location", "id": location["id"], "status": "in_use",
               "url": f"/locations#location-{location['id']}"},
    }
    assert contract["number"].endswith("-HT01")
    for code, want in expected.items():
        r = arch.get(f"/lookup/{code}")
        assert r.status_code == 200, (code, r.get_json())
        assert {k: v for k, v in r.get_json().items() if k in want} == want
        assert set(r.get_json()) == {"kind", "id", "status", "url"}


def test_lookup_of_a_voided_archive_says_voided(received):
    arch, no = received["arch"], received["no"]
    assert arch.post(f"/archives/{no}/void", json={"reason": "重复立卷"}).status_code == 200
    assert arch.get(f"/lookup/{no}").get_json()["status"] == "voided"


def test_a_typed_code_in_lower_case_or_with_surrounding_spaces_finds_the_printed_one(received):
    arch, no = received["arch"], received["no"]
    assert arch.get(f"/lookup/{no.lower()}").get_json()["kind"] == "archive"
    assert arch.get(f"/lookup/%20{no}%20").get_json()["kind"] == "archive"
    assert arch.get("/lookup/r1").get_json()["kind"] == "location"


def audit_count(app):
    with app.app_context(), database.connection_context():
        return AuditEntry.select().count()


def test_bad_codes_are_refused_clearly_and_change_nothing(received, app):
    arch, no = received["arch"], received["no"]
    before = audit_count(app)
    r = arch.get("/lookup/NO-SUCH-CODE")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.get_json()["code"] == "lookup.not_found" and "NO-SUCH-CODE" in r.get_json()["detail"]
    r = arch.get("/lookup/ZZ-2026-0001")  # a number with a prefix the service never prints
    assert r.status_code == 404 and r.get_json()["code"] == "lookup.not_found"
    spaced = no.replace("-", " ", 1)
    r = arch.get(f"/lookup/{quote(spaced)}")
    assert r.status_code == 422 and r.get_json()["code"] == "lookup.invalid_code"
    assert "空格" in r.get_json()["detail"]
    r = arch.get(f"/lookup/{'X' * 121}")
    assert r.status_code == 422 and r.get_json()["code"] == "lookup.invalid_code"
    assert audit_count(app) == before


def test_lookup_needs_a_signed_in_caller(anonymous):
    r = anonymous.get("/lookup/R1")
    assert r.status_code == 401 and r.get_json()["code"] == "auth.token_missing"


def test_lookup_of_an_archive_number_runs_one_statement(received, app):
    with app.app_context(), database.connection_context(), count_statements() as log:
        assert lookup.resolve(received["no"])["kind"] == "archive"
    assert len(log) == 1, log


def test_scan_box_takes_every_printed_code_to_its_page(received, browser_login):
    no = received["no"]
    item, contract = numbers_of(received)
    client = browser_login("li")
    location_id = received["arch"].get("/locations").get_json()["items"][0]["id"]
    for code, target in {no: f"/archives/{quote(no)}", item["number"]: f"/archives/{quote(no)}#item-{item['id']}",
                         contract["number"]: f"/archives/{quote(no)}#item-{contract['item_id']}",
                         "R1": f"/locations#location-{location_id}"}.items():
        r = client.get(f"/lookup/{code}")
        assert r.status_code == 302 and r.location == target, code
    page = client.get(f"/locations#location-{location_id}").get_data(as_text=True)
    assert f'id="location-{location_id}"' in page
    detail = client.get(f"/archives/{quote(no)}").get_data(as_text=True)
    assert f'id="item-{item["id"]}"' in detail


def test_scan_box_explains_an_unknown_or_malformed_code(received, browser_login):
    client = browser_login("li")
    r = client.get("/lookup/NO-SUCH-CODE")
    assert r.status_code == 404 and "未找到编码「NO-SUCH-CODE」" in r.get_data(as_text=True)
    r = client.get("/lookup/XD%202026")
    assert r.status_code == 422 and "空格" in r.get_data(as_text=True)


def test_r17_a_loan_slip_code_looks_up_to_its_loan(received):
    arch, no = received["arch"], received["no"]
    loan = arch.post("/loans", json={"object": no, "purpose": "贷后检查", "days": 3}).get_json()
    slip = f"JY-{loan['id']:06d}"
    found = arch.get(f"/lookup/{slip}").get_json()
    assert found == {"kind": "loan", "id": loan["id"], "status": loan["state"], "url": f"/loans/{loan['id']}"}
    assert arch.get(f"/lookup/JY-{loan['id'] + 1000:06d}").status_code == 404
