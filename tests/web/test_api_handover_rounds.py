"""The "done when" flow through /api/v1: a draft is edited, returned with two missing items,
answered one at a time, refused once at receipt with a recorded difference, and received."""
from archive_service.db import database
from archive_service.models import AuditEntry, ReceiptRefusal
from tests.web.test_api_handovers import ITEMS, world  # noqa: F401  (the fixture)

MISSING = [{"title": "抵押登记证明", "reason": "未附"}, {"title": "借款人签字页", "reason": "缺签字"}]


def checks(view):
    return [{"item_id": i["id"], "pages": i["pages"]} for i in view["items"]]


def audited(action):
    with database.connection_context():
        return AuditEntry.select().where(AuditEntry.action == action).count()


def test_r6_r7_r11_draft_edited_returned_answered_one_at_a_time_refused_once_and_received(world):  # noqa: F811
    a, b, arch, pid = world["a"], world["b"], world["arch"], world["project"]["id"]
    hid = a.post(f"/projects/{pid}/handovers", json={"items": ITEMS}).get_json()["id"]
    edited = [*ITEMS[:3], {**ITEMS[3], "pages": 9}]
    assert [i["pages"] for i in a.put(f"/handovers/{hid}/items", json={"items": edited}).get_json()["items"]] \
        == [2, 5, 5, 9]
    assert a.post(f"/handovers/{hid}/submit").status_code == 200
    signed = a.put(f"/handovers/{hid}/items", json={"items": ITEMS})
    assert signed.status_code == 409 and signed.get_json()["code"] == "handover.cannot_edit"
    assert b.post(f"/handovers/{hid}/review", json={"decision": "return", "missing": MISSING}).status_code == 200

    nothing = a.post(f"/handovers/{hid}/supplement", json={"items": []})
    assert nothing.status_code == 422 and nothing.get_json()["code"] == "handover.supplement_answers_nothing"
    first = a.post(f"/handovers/{hid}/supplement", json={"items": [
        {"part": 2, "title": "抵押证明原件", "pages": 2, "missing": {"round": 1, "entry": 0}}]}).get_json()
    assert [m["resolved"] for m in first["supplements"][0]["missing"]] == [True, False]
    assert first["supplement_progress"]["text"] == "已补 1/2"
    assert b.post(f"/handovers/{hid}/review", json={"decision": "return", "missing": []}).status_code == 200
    second = a.post(f"/handovers/{hid}/supplement", json={"explanations": [
        {"round": 1, "entry": 1, "note": "借款人已补签,见审批表第2页"}]}).get_json()
    assert second["supplement_progress"]["text"] == "已补齐"
    accepted = b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []}).get_json()

    short = checks(accepted)
    short[0]["pages"] -= 1
    no_note = arch.post(f"/handovers/{hid}/refuse", json={"checks": short})
    assert no_note.status_code == 422 and no_note.get_json()["code"] == "handover.refuse_note_required"
    refused = arch.post(f"/handovers/{hid}/refuse", json={"checks": short, "note": "审批表少一页"}).get_json()
    assert refused["state"] == "submitted" and refused["refusals"][0]["differences"][0]["counted"] == 1
    early = arch.post(f"/handovers/{hid}/receive", json={"checks": checks(accepted), "location": "R1"})
    assert early.status_code == 409
    assert b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []}).status_code == 200
    assert arch.post("/locations", json={"code": "R1", "name": "一号档案室", "parent": None}).status_code == 201
    done = arch.post(f"/handovers/{hid}/receive", json={"checks": checks(accepted), "location": "R1"})
    assert done.status_code == 200, done.get_json()
    with database.connection_context():
        assert ReceiptRefusal.select().count() == 1
    assert audited("handover.refuse") == 1 and audited("handover.supplement") == 2


def test_r11_the_blind_count_setting_is_an_admin_setting(world, api):  # noqa: F811
    assert world["arch"].get("/settings/receipt").get_json() == {"blind_count": True}
    assert world["arch"].put("/settings/receipt", json={"blind_count": False}).status_code == 403
    admin = api("boss", "admin")
    assert admin.put("/settings/receipt", json={"blind_count": False}).get_json() == {"blind_count": False}
    assert world["arch"].get("/settings/receipt").get_json() == {"blind_count": False}
