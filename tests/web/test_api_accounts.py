"""Tokens, users and problem+json through the HTTP API."""
from archive_service.db import database
from archive_service.models import AuditEntry, User


def count(model):
    with database.connection_context():
        return model.select().count()


def test_token_then_me(api):
    me = api("li", "archivist").get("/me")
    assert me.status_code == 200
    assert me.get_json()["roles"] == ["archivist"]


def test_missing_token_is_401_problem_json(anonymous):
    r = anonymous.get("/users")
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["code"] == "auth.token_missing" and body["status"] == 401 and body["detail"]


def test_wrong_password_and_unknown_user_get_the_same_answer(api, anonymous):
    api("zhang", "manager")
    wrong = anonymous.post("/tokens", json={"username": "zhang", "password": "nope-nope-nope"})
    unknown = anonymous.post("/tokens", json={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["code"] == unknown.get_json()["code"] == "auth.invalid_credentials"
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]


def test_admin_creates_user_and_duplicate_is_refused(api):
    admin = api("root", "admin")
    body = {"username": "wang", "display_name": "王经理", "password": "long-enough-1", "roles": ["manager"]}
    assert admin.post("/users", json=body).status_code == 201
    before = count(User), count(AuditEntry)
    again = admin.post("/users", json=body)
    assert again.status_code == 409 and again.get_json()["code"] == "user.exists"
    assert (count(User), count(AuditEntry)) == before


def test_malformed_json_is_400_and_changes_nothing(api):
    admin = api("root", "admin")
    before = count(User)
    r = admin.post("/users", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.get_json()["code"] == "request.malformed_json"
    assert count(User) == before


def test_wrong_field_types_are_422_with_field_errors(api):
    admin = api("root", "admin")
    r = admin.post("/users", json={"username": 5, "password": "x" * 9, "roles": "admin", "extra": 1})
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "request.invalid"
    assert set(body["errors"]) >= {"username", "roles", "extra"}
    assert body["errors"]["username"] == "必须是文本"


def test_r21_patch_active_false_is_409_while_the_user_handles_a_project(api):
    admin, arch = api("root", "admin"), api("li", "archivist")
    api("zhang", "manager"), api("wang", "manager")
    cust = arch.post("/customers", json={"name": "赵六", "kind": "person", "id_number": "310101198805050000"})
    arch.post("/projects", json={"code": "C-9", "customer_id": cust.get_json()["id"], "business": "loan",
                                 "title": "经营贷", "amount": 1000, "a_user": "zhang", "b_user": "wang",
                                 "ended_on": "2026-09-30"})
    r = admin.patch("/users/zhang", json={"active": False})
    assert r.status_code == 409 and r.get_json()["code"] == "user.still_holds"
    assert r.get_json()["details"]["holdings"][0]["ref"] == "C-9"
    assert admin.get("/users/zhang").get_json()["active"] is True
