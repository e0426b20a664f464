"""The certificate calls of /api/v1 (R14–R16): the three-party flow, a dual-controlled release, a
stock-take with one missing and one misplaced certificate, refusals with stable codes and nothing
changed, the ledger's fixed statement count."""
import pytest

from archive_service.db import database
from tests.services.certificate_world import CERTS, checks_of, snapshot
from tests.sqlcount import count_statements
from tests.web.certificate_people import stored_through_api


def _refused(call, status, code):
    with database.connection_context():
        before = snapshot()
    r = call()
    assert (r.status_code, r.get_json()["code"]) == (status, code), r.get_json()
    with database.connection_context():
        assert snapshot() == before
    return r.get_json()


def test_r15_three_party_flow_through_the_api(people):
    listed = people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                              json={"certificates": CERTS}).get_json()
    wrong = checks_of(listed)
    wrong[0]["quantity"] = 2
    body = _refused(lambda: people["b"].post(f"/certificate-handovers/{listed['id']}/confirm", json={"checks": wrong}),
                    409, "certificate.check_mismatch")
    assert body["details"]["differences"][0]["problem"] == "quantity_differs"
    assert people["b"].post(f"/certificate-handovers/{listed['id']}/confirm",
                            json={"checks": checks_of(listed)}).status_code == 200
    _refused(lambda: people["arch"].post(f"/certificate-handovers/{listed['id']}/confirm",
                                         json={"checks": checks_of(listed), "location": "R1"}),
             422, "certificate.location_not_safe")
    done = people["arch"].post(f"/certificate-handovers/{listed['id']}/confirm",
                               json={"checks": checks_of(listed), "location": "S9-A"}).get_json()
    assert [s["role"] for s in done["signatures"]] == ["A", "B", "custodian"]
    safe = people["arch"].get("/certificates?status=in_safe").get_json()["items"]
    assert sorted(c["number"] for c in safe) == sorted(c["number"] for c in CERTS)
    pdf = people["arch"].get(f"/certificate-handovers/{listed['id']}/list.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    history = people["arch"].get(f"/certificates/{safe[0]['id']}").get_json()["history"]
    assert [h["entry"] for h in history] == ["signature"] * 3 + ["movement"]


@pytest.mark.parametrize("change, status, code", [
    ({"quantity": 0}, 422, "certificate.invalid_quantity"),
    ({"quantity": -2}, 422, "certificate.invalid_quantity"),
    ({"kind": "房产证"}, 422, "certificate.unknown_kind"),
    ({"number": ""}, 422, "certificate.invalid_number"),
    ({"quantity": "1"}, 422, "request.invalid"),
])
def test_r14_bad_certificates_are_refused_and_nothing_changes(people, change, status, code):
    _refused(lambda: people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                                      json={"certificates": [{**CERTS[0], **change}]}), status, code)


def test_r14_a_number_already_in_the_safe_is_refused(people):
    stored_through_api(people)
    _refused(lambda: people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                                      json={"certificates": [CERTS[0]]}), 409, "certificate.number_in_safe")


def test_r15_dual_controlled_release_through_the_api(people):
    cert = stored_through_api(people)["certificates"][1]
    move = people["arch"].post(f"/certificates/{cert['id']}/release", json={
        "recipient": "李四", "recipient_id_number": "310101197505050000", "note": "结清"}).get_json()
    assert move["state"] == "pending_approval"
    mid = move["movement_id"]
    _refused(lambda: people["second"].post(f"/certificate-movements/{mid}/confirm"), 409, "certificate.not_approved")
    assert people["approver"].post(f"/certificate-movements/{mid}/decision",
                                   json={"approve": True, "note": "同意"}).get_json()["state"] == "pending_second"
    _refused(lambda: people["arch"].post(f"/certificate-movements/{mid}/confirm"), 409, "certificate.dual_control")
    assert people["second"].post(f"/certificate-movements/{mid}/confirm").status_code == 200
    assert people["arch"].get(f"/certificates/{cert['id']}").get_json()["status"] == "released"
    receipt = people["arch"].get(f"/certificate-movements/{mid}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    day = people["arch"].get("/certificate-days/2026-10-09").get_json()
    assert [m["kind"] for m in day["items"]] == ["store", "store", "release"]
    assert people["arch"].post("/certificate-days/2026-10-09/check").get_json()["checked"]["movements"] == 3


def test_r16_stocktake_with_one_missing_and_one_misplaced_through_the_api(people):
    first, second = (c["code"] for c in stored_through_api(people)["certificates"])
    take = people["arch"].post("/stocktakes", json={"location": "S9"}).get_json()
    assert people["arch"].post(f"/stocktakes/{take['id']}/scan",
                               json={"code": second, "location": "S9-B"}).get_json()["duplicate"] is False
    _refused(lambda: people["arch"].post(f"/stocktakes/{take['id']}/scan", json={"code": "S9-A", "location": "S9-A"}),
             422, "stocktake.location_label")
    _refused(lambda: people["arch"].post(f"/stocktakes/{take['id']}/scan",
                                         json={"code": "QZ-2026-000999", "location": "S9-A"}),
             422, "stocktake.unknown_code")
    result = people["arch"].post(f"/stocktakes/{take['id']}/close").get_json()
    assert (result["missing"], result["misplaced"], result["found"]) == ([first], [second], [])
    report = people["arch"].get(f"/stocktakes/{take['id']}/report.pdf")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")


def test_certificate_kinds_are_listed_and_edited_by_an_admin(api, people):
    admin = api("boss", "admin")
    assert len(people["arch"].get("/certificate-kinds").get_json()["items"]) == 6
    assert admin.post("/certificate-kinds", json={"code": "vehicle", "name": "机动车登记证书"}).status_code == 201
    _refused(lambda: people["arch"].post("/certificate-kinds", json={"code": "x1", "name": "y"}), 403, "auth.forbidden")
    assert admin.patch("/certificate-kinds/vehicle", json={"active": False}).get_json()["active"] is False


def test_the_ledger_api_runs_the_same_statements_for_1_and_50(people):
    stored_through_api(people, CERTS[:1])
    with count_statements() as one:
        assert len(people["arch"].get("/certificates").get_json()["items"]) == 1
    stored_through_api(people, [{**CERTS[0], "number": f"N-{n}"} for n in range(49)], location="S9-B")
    with count_statements() as fifty:
        assert len(people["arch"].get("/certificates").get_json()["items"]) == 50
    assert len(one) == len(fifty)


def test_a_certificate_label_resolves_through_the_lookup_and_prints(people):
    cert = stored_through_api(people)["certificates"][0]
    found = people["arch"].get(f"/lookup/{cert['code'].lower()}").get_json()
    assert found == {"kind": "certificate", "id": cert["id"], "status": "in_safe", "url": f"/certificates/{cert['id']}"}
    label = people["arch"].get(f"/labels.pdf?codes={cert['code']}&layout=thermal-60x40")
    assert label.status_code == 200 and label.data.startswith(b"%PDF")


def test_r16_stocktake_of_a_safe_inside_a_room_through_the_api(people):
    for code, parent in (("R1-S01", "R1"), ("R1-S01-A", "R1-S01")):
        assert people["arch"].post("/locations", json={"code": code, "name": "保险柜", "parent": parent,
                                                       "safe": True}).status_code == 201
    inner = stored_through_api(people, CERTS[:1], location="R1-S01-A")["certificates"][0]["code"]
    take = people["arch"].post("/stocktakes", json={"location": "R1-S01"})
    assert take.status_code == 201 and take.get_json()["location_path"] == "R1/R1-S01"
    assert [e["code"] for e in take.get_json()["expected"]] == [inner]
    tid = take.get_json()["id"]
    scanned = people["arch"].post(f"/stocktakes/{tid}/scan", json={"code": inner, "location": "R1-S01-A"})
    assert scanned.status_code == 200
    assert people["arch"].post(f"/stocktakes/{tid}/close").get_json()["found"] == [inner]
    assert people["arch"].get("/stocktakes").get_json()["items"][0]["location_path"] == "R1/R1-S01"
    _refused(lambda: people["arch"].post("/stocktakes", json={"location": "R1"}), 422, "certificate.location_not_safe")


def test_r15_b_returns_a_list_with_differences_and_a_corrects_and_signs_again_through_the_api(people):
    listed = people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                              json={"certificates": CERTS}).get_json()
    hid, counted = listed["id"], checks_of(listed)
    counted[0]["number"] = "沪(2026)浦东新区不动产证明第0000002号"
    _refused(lambda: people["b"].post(f"/certificate-handovers/{hid}/return", json={"checks": counted}),
             422, "request.invalid")
    _refused(lambda: people["b"].post(f"/certificate-handovers/{hid}/return", json={"note": " "}),
             422, "certificate.return_note_required")
    _refused(lambda: people["arch"].post(f"/certificate-handovers/{hid}/return", json={"note": "x"}),
             409, "certificate.b_check_first")
    _refused(lambda: people["a"].post(f"/certificate-handovers/{hid}/sign"), 409, "certificate.not_returned")
    r = people["b"].post(f"/certificate-handovers/{hid}/return", json={"checks": counted, "note": "证明号与原件不符"})
    assert r.status_code == 200 and r.get_json()["state"] == "returned"
    assert r.get_json()["returns"][0]["differences"][0]["problem"] == "number_differs"
    assert people["a"].get("/certificate-handovers/waiting").get_json()["as_a"][0]["id"] == hid
    _refused(lambda: people["b"].post(f"/certificate-handovers/{hid}/confirm", json={"checks": checks_of(listed)}),
             409, "certificate.list_returned")
    entries = [{"id": c["id"], "kind": c["kind_code"], "name": c["name"], "number": c["number"], "owner": c["owner"],
                "quantity": c["quantity"]} for c in listed["certificates"]]
    entries[0]["number"] = counted[0]["number"]
    _refused(lambda: people["b"].put(f"/certificate-handovers/{hid}/certificates", json={"certificates": entries}),
             403, "certificate.not_a_role")
    corrected = people["a"].put(f"/certificate-handovers/{hid}/certificates", json={"certificates": entries})
    assert corrected.status_code == 200 and corrected.get_json()["certificates"][0]["number"] == counted[0]["number"]
    signed = people["a"].post(f"/certificate-handovers/{hid}/sign").get_json()
    assert signed["state"] == "pending_b"
    assert people["b"].post(f"/certificate-handovers/{hid}/confirm", json={"checks": counted}).status_code == 200
    done = people["arch"].post(f"/certificate-handovers/{hid}/confirm",
                               json={"checks": counted, "location": "S9-A"}).get_json()
    assert [(s["role"], s["round"]) for s in done["signatures"]] == [("A", 2), ("B", 2), ("custodian", 2)]
    assert {s["content_hash"] for s in done["signatures"]} == {signed["content_hash"]} != {listed["content_hash"]}
    assert [s["role"] for s in done["superseded_signatures"]] == ["A"]
