"""R21 and R23 through /api/v1: the departure of a manager with two open projects, reassignment,
retention, appraisal and an approved disposal; refusals are problem+json and change nothing."""
import pytest

from archive_service.db import database
from archive_service.models import ArchiveFile, AuditEntry, Disposal, Project, Transfer
from tests.web.scan_world import ITEMS


def snapshot():
    with database.connection_context():
        return {"projects": [(p.a_user_id, p.b_user_id) for p in Project.select().order_by(Project.id)],
                "transfers": Transfer.select().count(), "disposals": [d.state for d in Disposal.select()],
                "files": [(a.status, a.retention) for a in ArchiveFile.select()], "audit": AuditEntry.select().count()}


@pytest.fixture
def office(api):
    admin, arch = api("boss", "admin"), api("li", "archivist", "custodian")
    for name in ("lizhi", "bjiao", "jieban"):
        api(name, "manager")
    cust = arch.post("/customers", json={"name": "孙十", "kind": "person", "id_number": "110101198202022222"})
    projects = []
    for n in range(2):
        p = arch.post("/projects", json={"code": f"C-DEP-{n}", "customer_id": cust.get_json()["id"],
                                         "business": "loan", "title": "经营贷", "amount": 200000,
                                         "a_user": "lizhi", "b_user": "bjiao", "ended_on": "2026-09-30"})
        projects.append(p.get_json()["id"])
    return {"admin": admin, "arch": arch, "projects": projects}


def test_r21_a_leaving_manager_hands_everything_over_and_only_then_is_deactivated(office, api):
    admin, arch = office["admin"], office["arch"]
    lizhi = api("lizhi")
    assert lizhi.post(f"/projects/{office['projects'][0]}/handovers", json={"items": ITEMS}).status_code == 201
    refused = admin.patch("/users/lizhi", json={"active": False})
    assert refused.status_code == 409 and refused.get_json()["code"] == "user.still_holds"
    assert [h["ref"] for h in refused.get_json()["details"]["holdings"]] == ["C-DEP-0", "C-DEP-1"]
    held = admin.get("/users/lizhi/holdings").get_json()
    assert held["count"] == 2 and held["items"][0]["open_list"]["state"] == "draft"

    done = admin.post("/users/lizhi/departure", json={"jieban": "jieban", "note": "离职"})
    assert done.status_code == 201 and done.get_json()["remaining"] == 0
    pdf = admin.get(f"/transfers/{done.get_json()['id']}/list.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data[:5] == b"%PDF-"
    assert admin.patch("/users/lizhi", json={"active": False}).get_json()["active"] is False
    assert [arch.get(f"/projects/{p}").get_json()["a_user"] for p in office["projects"]] == ["jieban"] * 2
    tasks = api("jieban").get("/tasks").get_json()["items"]
    assert sorted(t["project_code"] for t in tasks) == ["C-DEP-0", "C-DEP-1"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"successor": "lizhi"}, 422, "departure.same_user"),
    ({"jieban": "lizhi"}, 422, "departure.same_user"),
    ({"successor": "ghost"}, 422, "departure.unknown_successor"),
    ({}, 422, "departure.successor_required"),
    ({"successor": "jieban", "jieban": "bjiao"}, 422, "departure.successor_conflict"),
    ({"successor": "jieban", "items": ["project:999:A"]}, 409, "departure.already_moved"),
    ({"successor": "jieban", "items": "all"}, 422, "request.invalid"),
    ({"successor": "jieban", "extra": 1}, 422, "request.invalid"),
])
def test_r21_bad_departures_are_refused_with_a_code_and_change_nothing(office, body, status, code):
    before = snapshot()
    r = office["admin"].post("/users/lizhi/departure", json=body)
    assert (r.status_code, r.get_json()["code"]) == (status, code)
    assert snapshot() == before


def test_r21_a_departure_to_an_inactive_user_and_by_a_non_admin_are_refused(office, api):
    admin = office["admin"]
    assert admin.patch("/users/jieban", json={"active": False}).status_code == 200
    before = snapshot()
    r = admin.post("/users/lizhi/departure", json={"successor": "jieban"})
    assert (r.status_code, r.get_json()["code"]) == (422, "departure.successor_inactive")
    assert office["arch"].post("/users/lizhi/departure", json={"successor": "bjiao"}).status_code == 403
    assert office["arch"].get("/users/lizhi/holdings").status_code == 403
    assert snapshot() == before


def test_r21_reassignment_through_patch_is_audited_and_refuses_bad_people(office, api):
    arch, pid = office["arch"], office["projects"][1]
    r = arch.patch(f"/projects/{pid}", json={"b_user": "jieban", "reason": "岗位调整"})
    assert r.status_code == 200 and r.get_json()["b_user"] == "jieban"
    assert arch.get(f"/projects/{pid}/reassignments").get_json()["items"][0]["reason"] == "岗位调整"
    api("retired", "manager")
    assert office["admin"].patch("/users/retired", json={"active": False}).status_code == 200
    lizhi = api("lizhi")
    before = snapshot()
    for body, status, code in (({"b_user": "retired", "reason": "x"}, 422, "project.not_a_manager"),
                               ({"a_user": "li", "reason": "x"}, 422, "project.not_a_manager"),
                               ({"b_user": "jieban", "reason": "x"}, 409, "reassignment.unchanged"),
                               ({"b_user": "lizhi"}, 422, "request.invalid"),
                               ({"reason": "x"}, 422, "reassignment.nobody_named")):
        got = arch.patch(f"/projects/{pid}", json=body)
        assert (got.status_code, got.get_json()["code"]) == (status, code), body
    assert lizhi.patch(f"/projects/{pid}", json={"a_user": "jieban", "reason": "x"}).status_code == 403
    assert snapshot() == before



# ---- filed projects, loans not yet out, role changes ----

def test_r21_departure_hands_on_filed_projects_through_the_api(received, api):
    admin, no = api("boss", "admin"), received["no"]
    jieban = api("jieban", "manager")
    pid = received["arch"].get(f"/archives/{no}").get_json()["project_id"]
    assert jieban.get(f"/archives/{no}").status_code == 403
    assert admin.get(f"/projects/{pid}").get_json()["handover_state"] == "received"  # the admin reaches it
    before = snapshot()
    refused = admin.patch("/users/zhang", json={"active": False})
    assert (refused.status_code, refused.get_json()["code"]) == (409, "user.still_holds")
    assert [(h["ref"], h["filed"]) for h in refused.get_json()["details"]["holdings"]] == [("P-2026-001", True)]
    assert snapshot() == before

    done = admin.post("/users/zhang/departure", json={"successor": "jieban", "note": "离职"})
    assert done.status_code == 201 and [i["outcome"] for i in done.get_json()["items"]] == ["hand_on"]
    assert admin.get(f"/projects/{pid}").get_json()["a_user"] == "jieban"
    assert jieban.get(f"/archives/{no}").status_code == 200
    assert admin.patch("/users/zhang", json={"active": False}).get_json()["active"] is False


def test_r21_the_admin_reassigns_a_filed_project_through_patch(received, api):
    admin = api("boss", "admin")
    api("jieban", "manager")
    pid = received["arch"].get(f"/archives/{received['no']}").get_json()["project_id"]
    r = admin.patch(f"/projects/{pid}", json={"b_user": "jieban", "reason": "原B角调岗"})
    assert r.status_code == 200 and (r.get_json()["a_user"], r.get_json()["b_user"]) == ("zhang", "jieban")
    assert admin.get(f"/projects/{pid}/reassignments").get_json()["items"][0]["reason"] == "原B角调岗"
    assert received["manager"].patch(f"/projects/{pid}", json={"b_user": "wang", "reason": "x"}).status_code == 403


def test_r17_r21_departure_cancels_an_executives_loan_approved_at_once_through_the_api(received, api):
    admin, no = api("boss", "admin"), received["no"]
    gao, jieban = api("gao", "manager", "executive"), api("jieban", "manager")
    loan = gao.post("/loans", json={"object": no, "purpose": "贷后检查", "days": 3}).get_json()
    assert loan["state"] == "approved"
    done = admin.post("/users/gao/departure", json={"successor": "jieban"})
    assert done.status_code == 201
    assert [(i["key"], i["outcome"]) for i in done.get_json()["items"]] == [(f"loan:{loan['id']}", "cancel")]
    assert gao.get(f"/loans/{loan['id']}").get_json()["state"] == "cancelled"
    assert jieban.get(f"/loans/{loan['id']}").status_code == 404  # never his
    assert jieban.get(f"/archives/{no}").status_code == 403
    assert any("离职交接" in a["message"] for a in jieban.get("/alerts").get_json()["items"])
    assert admin.patch("/users/gao", json={"active": False}).get_json()["active"] is False


def test_r21_a_role_change_leaving_the_archive_without_its_keeper_is_409(received, api):
    admin = api("boss", "admin")
    before = snapshot()
    refused = admin.patch("/users/li", json={"roles": ["custodian"]})
    assert (refused.status_code, refused.get_json()["code"]) == (409, "user.still_holds")
    assert refused.mimetype == "application/problem+json" and "档案管理员" in refused.get_json()["detail"]
    assert [h["key"] for h in refused.get_json()["details"]["holdings"]] == ["custody:archive"]
    assert admin.get("/users/li").get_json()["roles"] == ["archivist", "custodian"]
    assert snapshot() == before
    api("xu", "archivist")
    assert admin.patch("/users/li", json={"roles": ["custodian"]}).get_json()["roles"] == ["custodian"]

def test_r23_a_file_past_its_period_is_appraised_approved_and_destroyed_through_the_api(received, api):
    arch, no = received["arch"], received["no"]
    approver = api("pizhun", "approver")
    assert arch.get(f"/archives/{no}").get_json()["retention"] == "30y"
    # the received file is of 2026: 10 years end 2036-12-31, so it is not due in 2026
    changed = arch.put(f"/archives/{no}/retention", json={"period": "10y", "reason": "短期保管"})
    assert changed.status_code == 200 and changed.get_json()["period_end"] == "2036-12-31"
    assert arch.get("/appraisals?year=2036").get_json()["items"][0]["archive_no"] == no
    assert arch.get("/appraisals?year=2026").get_json()["items"] == []
    before = snapshot()
    refused = arch.post("/disposals", json={"archive_nos": [no], "reason": "保管期满"})
    assert (refused.status_code, refused.get_json()["code"]) == (409, "disposal.not_due")
    assert arch.get("/appraisals?year=abc").status_code == 422
    assert arch.put(f"/archives/{no}/retention", json={"period": "5y", "reason": "x"}).status_code == 422
    assert approver.put(f"/archives/{no}/retention", json={"period": "30y", "reason": "x"}).status_code == 403
    assert snapshot() == before
    with database.connection_context():  # an older file: back-date it to 2014 (ends 2024-12-31)
        ArchiveFile.update(year=2014).where(ArchiveFile.archive_no == no).execute()
    d = arch.post("/disposals", json={"archive_nos": [no], "reason": "保管期满"}).get_json()
    early = arch.post(f"/disposals/{d['id']}/destroy")
    assert (early.status_code, early.get_json()["code"]) == (409, "disposal.not_approved")
    assert approver.post(f"/disposals/{d['id']}/decision", json={"approve": True, "note": "同意"}).status_code == 200
    assert arch.post(f"/disposals/{d['id']}/destroy").get_json()["state"] == "destroyed"
    row = arch.get(f"/archives/{no}").get_json()
    assert row["status"] == "destroyed" and row["archive_no"] == no
    pdf = arch.get(f"/disposals/{d['id']}/list.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert api("boss", "admin").get("/audit/verify").get_json()["ok"] is True


def test_r23_retention_defaults_are_an_admin_setting(api):
    admin = api("boss", "admin")
    assert admin.get("/retention/defaults").get_json()["defaults"] == {"loan": "30y", "guarantee": "30y"}
    r = admin.put("/retention/defaults", json={"defaults": {"loan": "10y"}})
    assert r.status_code == 200 and r.get_json()["defaults"]["loan"] == "10y"
    bad = admin.put("/retention/defaults", json={"defaults": {"loan": "forever"}})
    assert (bad.status_code, bad.get_json()["code"]) == (422, "retention.invalid_period")
    assert api("li", "archivist").put("/retention/defaults", json={"defaults": {"loan": "30y"}}).status_code == 403
    assert admin.get("/retention/defaults").get_json()["defaults"]["loan"] == "10y"
