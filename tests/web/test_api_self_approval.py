"""R10 over HTTP: a manager who also approves cannot approve the extension of their own project."""


def test_r10_self_approval_is_409_with_a_stable_code_and_changes_nothing(api):
    arch, boss, b = api("li", "archivist"), api("qian", "manager", "approver"), api("wang", "manager")
    cust = arch.post("/customers", json={"name": "钱九", "kind": "person", "id_number": "110101199009099999"})
    proj = arch.post("/projects", json={"code": "C-SELF", "customer_id": cust.get_json()["id"], "business": "loan",
                                        "title": "贷款", "amount": 1000, "a_user": "qian", "b_user": "wang",
                                        "ended_on": "2026-09-30"}).get_json()
    h = boss.post(f"/projects/{proj['id']}/handovers", json={"items": [
        {"part": 1, "title": "审批表", "pages": 1, "attachment": False, "contract": False}]}).get_json()
    ext = b.post(f"/handovers/{h['id']}/extensions",
                 json={"step": "a_to_b", "until": "2026-10-30", "reason": "等客户签字"}).get_json()
    r = boss.post(f"/extensions/{ext['id']}/decision", json={"approve": True, "note": "同意"})
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert r.get_json()["code"] == "extension.self_approval"
    pending = boss.get("/extensions").get_json()["items"]
    assert [(e["id"], e["state"]) for e in pending] == [(ext["id"], "pending")]
