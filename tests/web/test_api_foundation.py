"""The calendar, audit and OpenAPI endpoints through HTTP."""
import re

import pytest
from openapi_spec_validator import validate

from archive_service.db import database
from archive_service.models import AuditEntry, CalendarOverride


@pytest.mark.parametrize("date, days, want", [("2026-09-30", 1, "2026-10-08"), ("2026-10-09", 1, "2026-10-10")])
def test_r10_add_working_days_endpoint(api, date, days, want):
    r = api("zhang", "manager").get(f"/calendar/add-working-days?date={date}&days={days}")
    assert r.status_code == 200
    assert r.get_json() == {"date": want, "confirmed": True}


@pytest.mark.parametrize("query, code", [
    ("date=2026-02-30&days=1", "request.invalid_date"),
    ("date=2026-10-09&days=x", "calendar.invalid_days"),
    ("date=2026-10-09", "request.invalid"),
])
def test_impossible_calendar_queries_are_422_problems(api, query, code):
    r = api("zhang", "manager").get(f"/calendar/add-working-days?{query}")
    assert r.status_code == 422
    assert r.mimetype == "application/problem+json" and r.get_json()["code"] == code


def test_admin_overrides_a_day_over_http(api):
    admin = api("root", "admin")
    r = admin.put("/calendar/days/2026-10-12", json={"kind": "holiday", "note": "停电"})
    assert r.status_code == 200 and r.get_json()["kind"] == "holiday"
    assert admin.get("/calendar/add-working-days?date=2026-09-30&days=5").get_json()["date"] == "2026-10-14"
    manager = api("zhang", "manager")
    refused = manager.put("/calendar/days/2026-10-13", json={"kind": "holiday"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "auth.forbidden"
    with database.connection_context():
        assert CalendarOverride.select().count() == 1


def test_audit_verify_endpoint_and_tamper_detection(api):
    auditor = api("zhou", "auditor")
    assert auditor.get("/audit/verify").get_json()["ok"] is True
    with database.connection_context():
        first = AuditEntry.select().order_by(AuditEntry.id).first()
        database.execute_sql(f"UPDATE audit_entry SET actor = 'someone' WHERE id = {first.id}")
    body = auditor.get("/audit/verify").get_json()
    assert body["ok"] is False and body["first_bad"]["id"] == first.id


def test_audit_log_endpoint_filters(api):
    auditor = api("zhou", "auditor")
    items = auditor.get("/audit?action=token.").get_json()["items"]
    assert items and all(e["action"].startswith("token.") for e in items)
    assert api("zhang", "manager").get("/audit").status_code == 403


def test_revoked_token_is_refused(api):
    client = api("zhang", "manager")
    assert client.delete("/tokens/current").status_code == 204
    r = client.get("/me")
    assert r.status_code == 401 and r.get_json()["code"] == "auth.token_invalid"


def test_openapi_document_is_valid_3_1_and_covers_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method in ("get", "post", "put", "patch", "delete")}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in the OpenAPI document"


def test_unknown_api_path_is_problem_json_404(api):
    r = api("zhang", "manager").get("/no-such-thing")
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(api):
    r = api("zhang", "manager").call("PUT", "/me")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
