"""Issue 9 row 7: a numbering pattern that would re-issue an existing number is refused when set,
with the clash named, and nothing changes; a receipt never answers 500 over a clash."""
import itertools
import json

import pytest

from archive_service.db import database
from archive_service.models import ArchiveFile, AuditEntry, Setting
from tests.web.test_api_handovers import ITEMS, world  # noqa: F401 - the fixture

CODES = itertools.count(100)


def receive(world):  # noqa: F811
    """A second project received through the API; its archive number."""
    a, b, arch = world["a"], world["b"], world["arch"]
    project = arch.post("/projects", json={
        "code": f"C-{next(CODES)}", "customer_id": world["customer"]["id"], "business": "loan", "title": "经营贷",
        "amount": 1000, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30"})
    pid = project.get_json()["id"]
    hid = a.post(f"/projects/{pid}/handovers", json={"items": ITEMS}).get_json()["id"]
    a.post(f"/handovers/{hid}/submit")
    b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []})
    arch.post("/locations", json={"code": "R1", "name": "一号档案室", "parent": None})
    items = arch.get(f"/handovers/{hid}").get_json()["items"]
    return arch.post(f"/handovers/{hid}/receive", json={
        "checks": [{"item_id": i["id"], "pages": i["pages"]} for i in items], "location": "R1"})


def count(model):
    with database.connection_context():
        return model.select().count()


@pytest.mark.parametrize("change", [
    {"pattern": "{business}-{year}-0{seq:03d}"},
    {"pattern": "{business}-{year}-00{seq:02d}"},
    {"pattern": "{business}-{year}-{seq}"},
])
def test_a_numbering_pattern_that_reissues_existing_numbers_is_refused_naming_the_clash(world, api, change):  # noqa: F811
    admin = api("root", "admin")
    for _ in range(2):
        assert receive(world).status_code == 200
    if change["pattern"].endswith("{seq}"):  # the counter at 2, a number 10 given by an earlier scheme
        with database.connection_context():
            ArchiveFile.update(archive_no="XD-2026-10").where(ArchiveFile.archive_no == "XD-2026-0002").execute()
    before = (count(AuditEntry), admin.get("/numbering").get_json())
    r = admin.put("/numbering", json=change)
    assert r.status_code == 409 and r.get_json()["code"] == "numbering.reissues_existing", r.get_json()
    clashes = r.get_json()["details"]["clashes"]
    assert clashes and clashes[0] in r.get_json()["detail"]
    assert (count(AuditEntry), admin.get("/numbering").get_json()) == before
    assert receive(world).status_code == 200  # receipts go on under the unchanged scheme


def test_a_pattern_that_continues_the_sequence_is_accepted(world, api):  # noqa: F811
    admin = api("root", "admin")
    assert receive(world).get_json()["archive_no"] == "XD-2026-0001"
    r = admin.put("/numbering", json={"pattern": "{business}-{year}-{seq:05d}"})
    assert r.status_code == 200, r.get_json()
    assert receive(world).get_json()["archive_no"] == "XD-2026-00002"
    same_series = admin.put("/numbering", json={"pattern": "{org}-{year}-{seq:04d}", "org": "XD"})
    assert same_series.status_code == 200, same_series.get_json()  # its counter is the same: 0003 next
    assert receive(world).get_json()["archive_no"] == "XD-2026-0003"


def test_a_receipt_under_a_stored_pattern_that_reissues_answers_409_not_500(world, api):  # noqa: F811
    assert receive(world).get_json()["archive_no"] == "XD-2026-0001"
    with database.connection_context():  # a scheme set before the check existed
        Setting.create(key="numbering", value=json.dumps({"pattern": "{business}-{year}-0{seq:03d}", "fonds": "",
                                                          "category": "KH", "retention": "Y", "org": ""}))
    before = count(ArchiveFile)
    r = receive(world)
    assert r.status_code == 409 and r.get_json()["code"] == "numbering.reissues_existing"
    assert r.get_json()["details"]["clashes"] == ["XD-2026-0001"]
    assert count(ArchiveFile) == before
