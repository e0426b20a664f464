"""The people around a certificate list, made through the API: A and B, an archivist who is also
the custodian, a second custodian, an approver; a project and a safe (S9 with shelves S9-A, S9-B)."""
import pytest

from tests.services.certificate_world import CERTS, checks_of


@pytest.fixture
def people(api):
    arch = api("li", "archivist", "custodian")
    cust = arch.post("/customers", json={"name": "李四商贸有限公司", "kind": "enterprise",
                                         "id_number": "91110000MA00000000"}).get_json()
    a, b = api("zhang", "manager"), api("wang", "manager")
    proj = arch.post("/projects", json={
        "code": "P-2026-001", "customer_id": cust["id"], "business": "loan", "title": "流动资金贷款",
        "amount": 800000, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-03-02"}).get_json()
    for code, parent in (("S9", None), ("S9-A", "S9"), ("S9-B", "S9")):
        r = arch.post("/locations", json={"code": code, "name": "保险柜", "parent": parent, "safe": True})
        assert r.status_code == 201 and r.get_json()["safe"] is True
    assert arch.post("/locations", json={"code": "R1", "name": "档案室", "parent": None}).get_json()["safe"] is False
    return {"a": a, "b": b, "arch": arch, "second": api("liu", "custodian"), "approver": api("zhao", "approver"),
            "project": proj["id"]}


def stored_through_api(people, certs=CERTS, location="S9-A"):
    listed = people["a"].post(f"/projects/{people['project']}/certificate-handovers", json={"certificates": certs})
    assert listed.status_code == 201, listed.get_json()
    listed = listed.get_json()
    assert people["b"].post(f"/certificate-handovers/{listed['id']}/confirm",
                            json={"checks": checks_of(listed)}).status_code == 200
    done = people["arch"].post(f"/certificate-handovers/{listed['id']}/confirm",
                               json={"checks": checks_of(listed), "location": location})
    assert done.status_code == 200, done.get_json()
    return done.get_json()
