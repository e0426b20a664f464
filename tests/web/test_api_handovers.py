"""The handover workflow through /api/v1: the acceptance flow and its refusals."""
import pytest

from archive_service.db import database
from archive_service.models import ArchiveFile, AuditEntry, Extension, Handover, HandoverItem, RegisterEntry

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
    reg = arch.get("/register?from=2026-01-01&to=2099-12-31").get_json()
    assert [e["archive_no"] for e in reg["items"]] == ["XD-2026-0001"]
    beyond = arch.get("/register?from=1900-01-01&to=2100-12-31")  # a search bound past the range means "all"
    assert beyond.status_code == 200 and [e["archive_no"] for e in beyond.get_json()["items"]] == ["XD-2026-0001"]
    assert reg["items"][0]["handed_over_by"] == "wang" and reg["items"][0]["received_by"] == "li"
    pdf = arch.get(f"/handovers/{hid}/list.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    again = arch.post(f"/handovers/{hid}/receive", json={"checks": checks, "location": "R2"})
    assert again.status_code == 409 and again.get_json()["code"] == "handover.already_received"
    ledger = arch.get("/archives?year=2026&business=loan").get_json()
    assert [row["archive_no"] for row in ledger["items"]] == ["XD-2026-0001"]


def changes_counted():
    return count(Handover), count(HandoverItem), count(ArchiveFile), count(RegisterEntry), count(AuditEntry)


@pytest.mark.parametrize(("items", "code"), [
    ([{**ITEMS[0], "pages": 0}], "handover.invalid_pages"),
    ([{**ITEMS[0], "pages": -2}], "handover.invalid_pages"),
    ([], "handover.empty_list"),
    ([{**ITEMS[0], "part": 5}], "handover.unknown_part"),
    ([ITEMS[2]], "handover.nothing_numbered"),
])
def test_r6_r8_r9_bad_lists_are_422_with_zh_cn_codes_and_change_nothing(world, items, code):
    before = changes_counted()
    r = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": items})
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert changes_counted() == before


@pytest.mark.parametrize("pages", [2.5, "3", None])
def test_r6_non_integer_pages_are_422_field_errors(world, pages):
    before = changes_counted()
    r = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": [{**ITEMS[0], "pages": pages}]})
    assert r.status_code == 422 and r.get_json()["code"] == "request.invalid"
    assert "items.0.pages" in r.get_json()["errors"]
    assert changes_counted() == before


def test_r5_b_cannot_write_or_submit_as_a_and_outsider_sees_nothing(world, api):
    pid = world["project"]["id"]
    outsider = api("zhao", "manager")
    before = changes_counted()
    r = world["b"].post(f"/projects/{pid}/handovers", json={"items": ITEMS})
    assert r.status_code == 403 and r.get_json()["code"] == "handover.not_a_role"
    assert outsider.get(f"/projects/{pid}").status_code == 404
    assert changes_counted() == before
    hid = world["a"].post(f"/projects/{pid}/handovers", json={"items": ITEMS}).get_json()["id"]
    r = world["b"].post(f"/handovers/{hid}/submit")
    assert r.status_code == 403 and r.get_json()["code"] == "handover.not_a_role"
    r = outsider.post(f"/handovers/{hid}/submit")
    assert r.status_code == 404 and r.get_json()["code"] == "handover.not_found"


def test_r7_same_step_twice_is_409(world):
    hid = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    assert world["a"].post(f"/handovers/{hid}/submit").status_code == 200
    before = changes_counted()
    r = world["a"].post(f"/handovers/{hid}/submit")
    assert r.status_code == 409 and r.get_json()["code"] == "handover.cannot_submit"
    assert r.get_json()["details"]["state"] == "submitted"
    r = world["a"].post(f"/handovers/{hid}/supplement", json={"items": []})
    assert r.status_code == 409 and r.get_json()["code"] == "handover.cannot_supplement"
    assert changes_counted() == before


def test_r10_extension_refusals_and_approval_over_http(world, api):
    hid = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    before = changes_counted(), count(Extension)
    r = world["a"].post(f"/handovers/{hid}/extensions", json={"step": "a_to_b", "until": "2026-10-20"})
    assert r.status_code == 422 and r.get_json()["code"] == "extension.reason_required"
    r = world["a"].post(f"/handovers/{hid}/extensions", json={"step": "a_to_b", "until": "2026-10-09",
                                                               "reason": "出差"})
    assert r.status_code == 409 and r.get_json()["code"] == "extension.not_later"
    assert (changes_counted(), count(Extension)) == before
    ext = world["a"].post(f"/handovers/{hid}/extensions", json={"step": "a_to_b", "until": "2026-10-16",
                                                                 "reason": "客户未签回合同"})
    assert ext.status_code == 201
    approver = api("sun", "approver")
    assert world["b"].post(f"/extensions/{ext.get_json()['id']}/decision", json={"approve": True}).status_code == 403
    d = approver.post(f"/extensions/{ext.get_json()['id']}/decision", json={"approve": True, "note": "同意"})
    assert d.status_code == 200 and d.get_json()["state"] == "approved"
    project = world["a"].get(f"/projects/{world['project']['id']}").get_json()
    assert project["deadlines"]["a_to_b"]["due"] == "2026-10-16"


def test_r6_checklist_template_prefills_and_can_be_edited(world, api):
    tpl = world["a"].get("/checklists/loan").get_json()
    assert tpl["custom"] is False and {i["part"] for i in tpl["items"]} == {1, 2, 3, 4}
    r = world["a"].put("/checklists/loan", json={"items": [{"part": 1, "title": "审批表"}]})
    assert r.status_code == 403
    r = world["arch"].put("/checklists/loan", json={"items": [{"part": 2, "title": "借款合同", "contract": True},
                                                               {"part": 1, "title": "审批表"}]})
    assert r.status_code == 200 and [i["title"] for i in r.get_json()["items"]] == ["审批表", "借款合同"]
    assert world["arch"].get("/checklists/none").get_json()["code"] == "checklist.unknown_business"


def test_r10_my_lists_and_tasks(world):
    hid = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    mine = world["a"].get("/handovers/mine").get_json()
    assert [h["id"] for h in mine["as_a"]] == [hid] and mine["as_b"] == []
    assert world["b"].get("/handovers/mine").get_json()["as_b"][0]["due"] == "2026-10-10"
    assert world["a"].get("/tasks").get_json()["items"][0]["kind"] == "submit"
    assert world["a"].get("/handovers/inbox").status_code == 403


def test_openapi_lists_the_handover_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/projects", "/api/v1/handovers/{handover_id}/receive", "/api/v1/register",
                 "/api/v1/archives/{archive_no}", "/api/v1/handovers/{handover_id}/list.pdf"):
        assert path in spec["paths"]


def test_ids_and_cursors_beyond_the_database_range_are_404_or_422_not_500(world):
    arch, huge = world["arch"], "9" * 25
    assert arch.get(f"/handovers/{huge}").get_json()["code"] == "handover.not_found"
    assert arch.get(f"/projects/{huge}").get_json()["code"] == "project.not_found"
    assert arch.post(f"/extensions/{huge}/decision", json={"approve": True}).status_code in (403, 404)
    r = arch.post("/projects", json={**{k: world["project"][k] for k in ("business", "title", "ended_on")},
                                     "code": "C-002", "customer_id": int(huge), "amount": 1,
                                     "a_user": "zhang", "b_user": "wang"})
    assert r.status_code == 404 and r.get_json()["code"] == "customer.not_found"
    for query in (f"cursor={huge}", f"year={huge}", "year=abc", "business=car"):
        r = arch.get(f"/archives?{query}")
        assert r.status_code == 422, query
    assert arch.get(f"/register?cursor={huge}").status_code == 422


def _received(world):
    a, b, arch, pid = world["a"], world["b"], world["arch"], world["project"]["id"]
    hid = a.post(f"/projects/{pid}/handovers", json={"items": ITEMS}).get_json()["id"]
    a.post(f"/handovers/{hid}/submit")
    b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []})
    arch.post("/locations", json={"code": "R1", "name": "一号档案室", "parent": None})
    items = arch.get(f"/handovers/{hid}").get_json()["items"]
    before = changes_counted()
    r = arch.post(f"/handovers/{hid}/receive", json={"checks": [], "location": "R1"})
    assert r.status_code == 422 and r.get_json()["code"] == "handover.checks_required"
    assert changes_counted() == before
    checks = [{"item_id": i["id"], "pages": i["pages"]} for i in items]
    assert arch.post(f"/handovers/{hid}/receive", json={"checks": checks, "location": "R1"}).status_code == 200
    return hid


def test_r22_move_and_r13_void_over_http(world):
    _received(world)
    arch = world["arch"]
    assert arch.post("/locations", json={"code": "R1-C1", "name": "一号柜", "parent": "R1"}).status_code == 201
    r = arch.post("/locations", json={"code": "X", "name": "x", "parent": "NOPE"})
    assert r.status_code == 422 and r.get_json()["code"] == "location.not_found"
    moved = arch.post("/archives/XD-2026-0001/move", json={"location": "R1-C1", "note": "上柜"}).get_json()
    assert moved["location"]["path"] == "R1/R1-C1" and len(moved["moves"]) == 2
    assert world["a"].post("/archives/XD-2026-0001/move", json={"location": "R1"}).status_code == 403
    voided = arch.post("/archives/XD-2026-0001/void", json={"reason": "立卷错误"}).get_json()
    assert voided["status"] == "voided" and voided["void_reason"] == "立卷错误"
    again = arch.post("/archives/XD-2026-0001/void", json={"reason": "again"})
    assert again.status_code == 409 and again.get_json()["code"] == "archive.already_voided"
    assert arch.get("/archives?status=voided").get_json()["items"][0]["archive_no"] == "XD-2026-0001"


def test_r13_numbering_pattern_is_configurable_by_admin_only(world, api):
    admin = api("root", "admin")
    assert world["arch"].get("/numbering").get_json()["example"] == "XD-2026-0001"
    r = admin.put("/numbering", json={"pattern": "{fonds}-{category}·{year}-{retention}-{org}-{seq:04d}",
                                      "fonds": "J001", "retention": "D10", "org": "YW"})
    assert r.status_code == 200 and r.get_json()["example"] == "J001-KH·2026-D10-YW-0001"
    bad = admin.put("/numbering", json={"pattern": "{year}"})
    assert bad.status_code == 422 and bad.get_json()["code"] == "numbering.invalid_pattern"
    assert world["arch"].put("/numbering", json={"pattern": "{year}-{seq}"}).status_code == 403


def test_r12_register_is_for_archivist_and_auditor_only(world, api):
    _received(world)
    assert api("aud", "auditor").get("/register").get_json()["items"][0]["archive_no"] == "XD-2026-0001"
    assert world["a"].get("/register").status_code == 403
    assert api("stranger", "manager").get("/archives/XD-2026-0001").status_code == 403
