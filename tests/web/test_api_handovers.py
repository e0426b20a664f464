"""The handover workflow through /api/v1: the acceptance flow and its refusals."""
import pytest

from archive_service.db import database
from archive_service.models import ArchiveFile, AuditEntry, Handover, HandoverItem, RegisterEntry

ITEMS = [{"part": 1, "title": "审批表", "pages": 2, "attachment": False, "contract": False},
         {"part": 2, "title": "借款合同", "pages": 5, "attachment": False, "contract": True},
         {"part": 2, "title": "借款合同(客户联)", "pages": 5, "attachment": True, "contract": True},
         {"part": 3, "title": "调查报告", "pages": 8, "attachment": False, "contract": False}]


def count(model):
    with database.connection_context():
        return model.select().count()


@pytest.fixture
def world(api):
    a, b, arch = api("zhang", "manager"), api("wang", "manager"), api("li", "archivist")
    cust = arch.post("/customers", json={"name": "赵六", "kind": "person", "id_number": "310101198805050000"})
    assert cust.status_code == 201, cust.get_json()
    proj = arch.post("/projects", json={
        "code": "C-001", "customer_id": cust.get_json()["id"], "business": "loan", "title": "赵六经营贷",
        "amount": 300000, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30"})
    assert proj.status_code == 201, proj.get_json()
    return {"a": a, "b": b, "arch": arch, "project": proj.get_json(), "customer": cust.get_json()}


def test_r10_project_answer_carries_the_deadlines(world):
    dl = world["project"]["deadlines"]
    assert dl["a_to_b"] == {"due": "2026-10-10", "confirmed": True}
    assert dl["b_to_archive"]["due"] == "2026-10-13"
    assert dl["overall"]["due"] == "2026-10-13"
    assert world["project"]["a_user"] == "zhang" and world["project"]["b_user"] == "wang"


def test_r19_id_number_is_masked_for_managers(world, api):
    manager = world["a"]
    got = manager.get(f"/customers/{world['customer']['id']}").get_json()
    assert got["id_number"] == "3101**********0000"
    assert world["customer"]["id_number"] == "310101198805050000"  # the archivist may see it


def test_r6_r7_r11_r12_r13_full_flow_with_supplement_round(world):
    a, b, arch, pid = world["a"], world["b"], world["arch"], world["project"]["id"]
    h = a.post(f"/projects/{pid}/handovers", json={"items": ITEMS})
    assert h.status_code == 201, h.get_json()
    hid = h.get_json()["id"]
    assert a.post(f"/handovers/{hid}/submit").status_code == 200
    r = b.post(f"/handovers/{hid}/review", json={"decision": "return", "missing": [{"title": "身份证复印件",
                                                                                     "reason": "未附"}]})
    assert r.status_code == 200 and r.get_json()["state"] == "returned"
    r = a.post(f"/handovers/{hid}/supplement", json={"items": [
        {"part": 4, "title": "身份证复印件", "pages": 1, "attachment": False, "contract": False}]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["signatures"][-1]["changes"]["added"][0]["title"] == "身份证复印件"
    assert b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []}).status_code == 200
    got = arch.get(f"/handovers/{hid}").get_json()
    assert arch.post("/locations", json={"code": "R2", "name": "二号档案室", "parent": None}).status_code == 201
    checks = [{"item_id": i["id"], "pages": i["pages"]} for i in got["items"]]
    short = [dict(c) for c in checks]
    short[0]["pages"] += 1
    refused = arch.post(f"/handovers/{hid}/receive", json={"checks": short, "location": "R2"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "handover.pages_mismatch"
    assert refused.get_json()["details"]["differences"][0]["expected"] == 2
    assert count(ArchiveFile) == 0
    done = arch.post(f"/handovers/{hid}/receive", json={"checks": checks, "location": "R2"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["archive_no"] == "XD-2026-0001"
    f = arch.get("/archives/XD-2026-0001").get_json()
    numbers = sorted(i["number"] for i in f["items"] if i.get("number"))
    assert numbers == ["XD-2026-0001-001", "XD-2026-0001-002", "XD-2026-0001-003", "XD-2026-0001-004"]
    assert [i["number"] for i in f["items"] if i["attachment"]] == [None]
    assert [c["number"] for c in f["contracts"]] == ["XD-2026-0001-HT01"]
    assert f["location"]["code"] == "R2" and f["status"] == "in_archive"
    reg = arch.get("/register?from=2026-01-01&to=2100-12-31").get_json()
    assert [e["archive_no"] for e in reg["items"]] == ["XD-2026-0001"]
    assert reg["items"][0]["handed_over_by"] == "wang" and reg["items"][0]["received_by"] == "li"
    pdf = arch.get(f"/handovers/{hid}/list.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    again = arch.post(f"/handovers/{hid}/receive", json={"checks": checks, "location": "R2"})
    assert again.status_code == 409 and again.get_json()["code"] == "handover.already_received"
    ledger = arch.get("/archives?year=2026&business=loan").get_json()
    assert [row["archive_no"] for row in ledger["items"]] == ["XD-2026-0001"]
