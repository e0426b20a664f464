"""Fixtures of the web tests."""
import pytest

from tests.web.certificate_people import people  # noqa: F401 (a fixture the certificate tests share)
from tests.web.scan_world import ITEMS


@pytest.fixture
def received(api):
    """An archive file received through the API, with the list of ITEMS (23 pages)."""
    a, b, arch = api("zhang", "manager"), api("wang", "manager"), api("li", "archivist", "custodian")
    cust = arch.post("/customers", json={"name": "李四商贸有限公司", "kind": "enterprise",
                                         "id_number": "91110000MA00000000"})
    proj = arch.post("/projects", json={
        "code": "P-2026-001", "customer_id": cust.get_json()["id"], "business": "loan", "title": "流动资金贷款",
        "amount": 800000, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-03-02"})
    hid = a.post(f"/projects/{proj.get_json()['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    assert a.post(f"/handovers/{hid}/submit").status_code == 200
    assert b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []}).status_code == 200
    items = arch.get(f"/handovers/{hid}").get_json()["items"]
    assert arch.post("/locations", json={"code": "R1", "name": "一号档案室", "parent": None}).status_code == 201
    done = arch.post(f"/handovers/{hid}/receive", json={
        "checks": [{"item_id": i["id"], "pages": i["pages"]} for i in items], "location": "R1"})
    assert done.status_code == 200, done.get_json()
    return {"arch": arch, "manager": a, "no": done.get_json()["archive_no"], "items": items}
