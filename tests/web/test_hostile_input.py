"""Issue 9, rows 1-4: absurd dates, NUL bytes, crafted login redirects and query-string numbers,
through /api/v1 and the pages, on both engines. Each refusal changes nothing."""
from datetime import date

import pytest

from archive_service.db import database
from archive_service.models import AuditEntry, Customer, Extension, Project, User
from tests.conftest import NOW, PASSWORD, csrf_token
from tests.web.test_api_handovers import ITEMS, world  # noqa: F401 - the fixture


def rows(model):
    with database.connection_context():
        return model.select().count()


def project_body(world, **change):  # noqa: F811
    return {"code": "C-FAR", "customer_id": world["customer"]["id"], "business": "loan", "title": "远期",
            "amount": 1, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30", **change}


@pytest.mark.parametrize("ended_on", ["9999-12-30", "3000-01-01", "1999-12-31", "2100-01-01"])
def test_post_projects_with_ended_on_9999_12_30_is_422_and_lists_still_answer(world, ended_on):  # noqa: F811
    before = rows(Project)
    r = world["arch"].post("/projects", json=project_body(world, ended_on=ended_on))
    assert r.status_code == 422 and r.get_json()["errors"] == {"ended_on": "日期必须在 2000-01-01 到 2099-12-31 之间"}
    assert rows(Project) == before
    for who in ("a", "b", "arch"):
        assert world[who].get("/projects").status_code == 200
        assert world[who].get("/tasks").status_code == 200


def _stored_far_future_project(world):  # noqa: F811
    """A row from before the range check: written straight to the table."""
    with database.connection_context():
        source = Project.get_by_id(world["project"]["id"])
        Project.create(code="C-OLD", customer=source.customer, business="loan", title="旧数据", amount=1,
                       a_user=source.a_user, b_user=source.b_user, ended_on=date(9999, 12, 30),
                       created_by="li", created_at=source.created_at)


def test_one_stored_project_ending_9999_12_30_cannot_break_get_projects_or_tasks(world):  # noqa: F811
    _stored_far_future_project(world)
    for who in ("a", "b", "arch"):
        r = world[who].get("/projects")
        assert r.status_code == 200 and "C-OLD" in [p["code"] for p in r.get_json()["items"]]
        assert world[who].get("/tasks").status_code == 200
    old = next(p for p in world["a"].get("/projects").get_json()["items"] if p["code"] == "C-OLD")
    assert old["deadlines"]["a_to_b"] == {"due": "9999-12-31", "confirmed": False}


def test_extension_until_9999_12_31_is_422_and_an_approved_one_breaks_no_list_nor_submit(world, api):  # noqa: F811
    hid = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    r = world["a"].post(f"/handovers/{hid}/extensions", json={"step": "a_to_b", "until": "9999-12-31",
                                                               "reason": "出差"})
    assert r.status_code == 422 and "until" in r.get_json()["errors"]
    assert rows(Extension) == 0
    with database.connection_context():  # an approved one from before the check
        Extension.create(handover=hid, step="a_to_b", until=date(9999, 12, 31), reason="旧数据",
                         requested_by=User.get(User.username == "zhang"), requested_at=NOW.replace(tzinfo=None),
                         state="approved")
    for who in ("a", "b", "arch"):
        assert world[who].get("/projects").status_code == 200
        assert world[who].get("/tasks").status_code == 200
    assert world["a"].get(f"/handovers/{hid}").status_code == 200
    assert world["a"].post(f"/handovers/{hid}/submit").status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/customers?q=%00", None),
    ("GET", "/archives?q=%00", None),
    ("GET", "/archives/XD%00", None),
    ("GET", "/audit?actor=%00", None),
    ("POST", "/customers", {"name": "坏\u0000名", "kind": "person", "id_number": "110101199303034444"}),
    ("POST", "/customers", {"name": "坏\u0007名", "kind": "person", "id_number": "110101199303034444"}),
    ("POST", "/customers", {"name": "坏\t名", "kind": "person", "id_number": "110101199303034444"}),
    ("POST", "/customers", '{"name": "坏\\ud800名", "kind": "person", "id_number": "110101199303034444"}'),
    ("POST", "/locations", {"code": "R\u00009", "name": "室", "parent": None}),
])
def test_any_nul_byte_is_422_before_any_query_not_500(auditor_world, method, path, body):
    client = auditor_world["auditor"] if "audit" in path else auditor_world["arch"]
    before = (rows(Customer), rows(AuditEntry))
    if isinstance(body, str):  # raw JSON text: a lone surrogate cannot be sent any other way
        r = client.call(method, path, data=body, content_type="application/json")
    else:
        r = client.call(method, path, json=body)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert r.get_json()["code"] in ("request.control_character", "request.invalid")
    assert (rows(Customer), rows(AuditEntry)) == before


@pytest.fixture
def auditor_world(world, api):  # noqa: F811
    return {**world, "auditor": api("shen", "auditor")}


def test_any_nul_byte_in_post_tokens_before_login_is_4xx(anonymous, db):
    for body in ({"username": "x\u0000", "password": "y"}, {"username": "admin", "password": "p\u0000w"}):
        r = anonymous.post("/tokens", json=body)
        assert r.status_code == 422 and r.mimetype == "application/problem+json"


def test_multiline_fields_keep_newlines_and_tabs(world):  # noqa: F811
    hid = world["a"].post(f"/projects/{world['project']['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    r = world["a"].post(f"/handovers/{hid}/extensions", json={"step": "a_to_b", "until": "2026-12-31",
                                                               "reason": "出差\n\t两周"})
    assert r.status_code == 201 and r.get_json()["reason"] == "出差\n\t两周"


def _login(client, next_path):
    token = csrf_token(client)
    return client.post("/login?next=" + next_path,
                       data={"csrf_token": token, "username": "li", "password": PASSWORD})


@pytest.mark.parametrize("next_path", ["/%09/evil.example", "/%0a/x", "//evil.example", "/\\evil.example",
                                       "https://evil.example/", "/%0d%0aSet-Cookie:x=1"])
def test_post_login_next_tab_evil_example_stays_on_the_service(world, client, next_path):  # noqa: F811
    r = _login(client, next_path)
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert "evil" not in location and "\n" not in location and "\r" not in location


def test_login_next_to_a_path_of_the_service_is_kept(world, client):  # noqa: F811
    assert _login(client, "/archives%3Fyear%3D2026").headers["Location"] == "/archives?year=2026"


@pytest.mark.parametrize("path", ["/customers", "/projects", "/archives", "/register", "/audit"])
def test_limit_5_in_the_query_string_parses_on_every_list(auditor_world, path):
    client = auditor_world["auditor"] if path in ("/audit", "/register") else auditor_world["arch"]
    r = client.get(f"{path}?limit=5")
    assert r.status_code == 200, r.get_json()
    assert set(r.get_json()) >= {"items", "next_cursor"}
    for bad in ("0", "501", "x", "5.5"):
        r = client.get(f"{path}?limit={bad}")
        assert r.status_code == 422 and "limit" in r.get_json()["errors"], bad


def test_limit_pages_through_a_list(world):  # noqa: F811
    arch = world["arch"]
    for n in range(3):
        arch.post("/customers", json={"name": f"客户{n}", "kind": "person", "id_number": f"11010119930303{n:04d}"})
    first = arch.get("/customers?limit=2").get_json()
    second = arch.get(f"/customers?limit=2&cursor={first['next_cursor']}").get_json()
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert len(ids) == 4 and len(set(ids)) == 4


def test_customer_form_with_a_tab_in_the_name_is_refused_and_nothing_changes(world, client):  # noqa: F811
    _login(client, "/")
    before = rows(Customer)
    token = csrf_token(client, "/customers")
    r = client.post("/customers", data={"csrf_token": token, "name": "坏\t名", "kind": "person",
                                        "id_number": "110101199303034444"}, headers={"Referer": "/customers"})
    assert r.status_code == 302
    assert rows(Customer) == before
    assert "控制字符" in client.get("/customers").get_data(as_text=True)
