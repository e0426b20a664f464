"""The permission matrix: every API route and page × every role and signed-out, with the answer each
gets. A route registered without a row fails `test_every_route_has_a_row`.

A row is one line: "METHOD rule", the answers, and the body to send (optional). The answers are one
letter per caller, in the order of CALLERS (signed-out first):
  o  let through: 2xx or 3xx (not to the login page)
  c  let through, then refused by the rules: 409
  f  forbidden: 403
  h  hidden: 404 (the object exists but is not the caller's to see, or no such object)
  i  let through, then refused as bad input: 422 (or 415, a file of the wrong type)
  u  not signed in: 401, or a redirect to the login page
Rows run top to bottom and each row's callers in CALLERS order, so a row may rely on what an
earlier row did (the last rows sign everyone out). Path parts such as <archive_no> are filled from
the world below (or from a row's fifth element, for one row only); `{who}` in a body is the caller's
role, so two callers never create the same thing."""
import io
import re

import pytest

from tests.conftest import csrf_token
from tests.scanfiles import pdf
from tests.web.scan_world import ITEMS

CALLERS = ("anonymous", "admin", "archivist", "custodian", "manager", "approver", "executive", "auditor")
PDF = "__pdf__"  # a body that is a multipart upload of a one-page PDF

CERT = {"kind": "不动产权证", "name": "不动产权证书", "number": "京(2026)0001", "owner": "王五", "quantity": 1}
RELEASE = {"recipient": "王五", "recipient_id_number": "110101199001011234"}
ITEM = [{"part": 1, "title": "审批表", "pages": 1, "attachment": False, "contract": False}]
ROWS = [
    # ---- API ----
    ("POST /api/v1/tokens", "oooooooo", {"username": "target", "password": "Test-Passw0rd!"}),
    ("GET /api/v1/openapi.json", "oooooooo"),
    ("GET /api/v1/me", "uooooooo"),
    ("GET /api/v1/users", "uofffffo"),
    ("POST /api/v1/users", "uoffffff", {"username": "new_{who}", "password": "Long-enough-1", "roles": ["manager"]}),
    ("GET /api/v1/users/<username>", "uofffffo"),
    ("PATCH /api/v1/users/<username>", "uoffffff", {"display_name": "新名字"}),
    ("GET /api/v1/calendar/add-working-days", "uooooooo", None, "?date=2026-10-09&days=1"),
    ("PUT /api/v1/calendar/days/<day>", "uoffffff", {"kind": "holiday", "note": "停电"}),
    ("DELETE /api/v1/calendar/days/<day>", "uoffffff"),
    ("GET /api/v1/calendar/years/<int:year>", "uooooooo"),
    ("PUT /api/v1/calendar/years/<int:year>", "uoffffff"),
    ("GET /api/v1/audit", "uofffffo"),
    ("GET /api/v1/audit/verify", "uofffffo"),
    ("GET /api/v1/customers", "ufofoooo"),
    # one customer per id number: each caller registers a company of its own
    ("POST /api/v1/customers", "ufofofff", {"name": "客户{who}", "kind": "enterprise", "id_number": "91{who}000000"}),
    ("GET /api/v1/customers/<int:customer_id>", "ufofoooo"),
    ("GET /api/v1/projects", "uooooooo"),
    ("POST /api/v1/projects", "ufofofff", {"code": "C-{who}", "customer_id": "<customer_id>", "business": "loan",
                                           "title": "贷款", "amount": 1000, "a_user": "zhang", "b_user": "wang",
                                           "ended_on": "2026-03-02"}),
    ("GET /api/v1/projects/<int:project_id>", "uoohhooo"),
    ("POST /api/v1/projects/<int:project_id>/handovers", "uffhhfff", {"items": ITEM}),
    ("GET /api/v1/checklists/<business>", "uooooooo"),
    ("PUT /api/v1/checklists/<business>", "uoofffff", {"items": [{"part": 1, "title": "审批表"}]}),
    ("GET /api/v1/handovers/<int:handover_id>", "uhohhooo"),
    ("PUT /api/v1/handovers/<int:handover_id>/items", "uhfhhfff", {"items": ITEM}),
    ("GET /api/v1/handovers/<int:handover_id>/list.pdf", "uhohhooo"),
    ("POST /api/v1/handovers/<int:handover_id>/submit", "uhfhhfff"),
    ("POST /api/v1/handovers/<int:handover_id>/review", "uhfhhfff", {"decision": "accept", "missing": []}),
    ("POST /api/v1/handovers/<int:handover_id>/supplement", "uhfhhfff", {"items": ITEM}),
    ("POST /api/v1/handovers/<int:handover_id>/extensions", "uhfhhfff",
     {"step": "b_to_archive", "until": "2026-12-31", "reason": "等客户签字"}),
    ("GET /api/v1/handovers/mine", "uooooooo"),
    ("GET /api/v1/handovers/inbox", "ufofffff"),
    ("GET /api/v1/tasks", "uooooooo"),
    ("GET /api/v1/extensions", "uffffoff"),
    ("POST /api/v1/extensions/<int:extension_id>/decision", "uffffoff", {"approve": True, "note": "同意"}),
    ("POST /api/v1/handovers/<int:handover_id>/receive", "ufofffff", "<checks>"),
    ("POST /api/v1/handovers/<int:handover_id>/refuse", "ufcfffff",
     {"checks": [{"item_id": 1, "pages": 1}], "note": "少一页"}),
    ("GET /api/v1/settings/receipt", "uooooooo"),
    ("PUT /api/v1/settings/receipt", "uoffffff", {"blind_count": True}),
    ("GET /api/v1/locations", "ufofffoo"),
    ("POST /api/v1/locations", "ufofffff", {"code": "L-{who}", "name": "柜", "parent": None}),
    ("GET /api/v1/archives", "ufofffoo"),
    ("GET /api/v1/archives/<archive_no>", "ufofffoo"),
    ("POST /api/v1/archives/<archive_no>/move", "ufofffff", {"location": "L-archivist", "note": ""}),
    ("GET /api/v1/register", "ufoffffo"),
    ("GET /api/v1/numbering", "uooooooo"),
    ("PUT /api/v1/numbering", "uoffffff", {"pattern": "{business}-{year}-{seq:04d}", "category": "KH"}),
    ("GET /api/v1/lookup/<path:code>", "uooooooo"),
    ("GET /api/v1/label-layouts", "ufooffff"),
    ("GET /api/v1/labels.pdf", "ufooffff", None, "?codes=<archive_no>"),
    ("GET /api/v1/labels.png", "ufooffff", None, "?codes=<archive_no>"),
    ("POST /api/v1/archives/<archive_no>/scans", "ufofffff", PDF),
    ("GET /api/v1/archives/<archive_no>/scans", "ufofffoo"),
    ("GET /api/v1/scans/<int:scan_id>", "ufofffoo"),
    ("POST /api/v1/scans/<int:scan_id>/void", "ufofffff", {"reason": "扫错了档案"}),
    ("POST /api/v1/scans/batches", "ufofffff", PDF),
    ("GET /api/v1/scans/covers.pdf", "ufofffff", None, "?codes=<archive_no>"),
    ("POST /api/v1/archives/<archive_no>/void", "ufofffff", {"reason": "重复编号"}),
    # ---- pages ----
    ("GET /bootstrap/static/<path:filename>", "oooooooo"),
    ("GET /login", "oooooooo"),
    ("GET /favicon.ico", "oooooooo"),
    ("POST /login", "uuuuuuuu", {"username": "nobody", "password": "wrong-password"}),
    ("GET /", "uooooooo"),
    ("GET /scan", "uooooooo", None, "?code=<archive_no>"),
    ("GET /lookup/<path:code>", "uooooooo"),
    ("GET /tasks", "uooooooo"),
    ("GET /admin/users", "uofffffo"),
    ("POST /admin/users", "uoffffff", {"username": "page_{who}", "password": "Long-enough-1", "roles": "manager"}),
    ("GET /admin/users/<username>", "uofffffo"),
    ("POST /admin/users/<username>", "uoffffff", {"display_name": "新名字", "roles": "manager"}),
    ("POST /admin/users/<username>/password", "uoffffff", {"password": "Another-long-1"}),
    ("POST /admin/users/<username>/<any(activate, deactivate):change>", "uoffffff"),
    ("GET /admin/calendar", "uooooooo"),
    ("POST /admin/calendar/days", "uoffffff", {"date": "2026-10-13", "kind": "holiday", "note": ""}),
    ("POST /admin/calendar/days/<day>/delete", "uoffffff"),
    ("POST /admin/calendar/years/<int:year>/confirm", "uoffffff"),
    ("GET /admin/audit", "uofffffo"),
    ("GET /admin/settings", "uoffffff"),
    ("POST /admin/settings", "uoffffff", {"blind_count": "on"}),
    ("GET /customers", "ufofoooo"),
    ("POST /customers", "ufofofff", {"name": "页面客户{who}", "kind": "enterprise", "id_number": "92{who}000000"}),
    ("GET /customers/<int:customer_id>", "ufofoooo"),
    ("GET /projects", "uooooooo"),
    ("POST /projects", "ufofofff", {"code": "PG-{who}", "customer_id": "<customer_id>", "business": "loan",
                                    "title": "贷款", "amount": "1000", "a_user": "zhang", "b_user": "wang",
                                    "ended_on": "2026-03-02"}),
    ("GET /projects/<int:project_id>", "uoohhooo"),
    ("GET /projects/<int:project_id>/handovers/new", "uoohhooo"),
    ("POST /projects/<int:project_id>/handovers", "uffhhfff", {"part-0": "1", "title-0": "审批表", "pages-0": "1"}),
    ("GET /handovers", "uooooooo"),
    ("GET /handovers/inbox", "ufofffff"),
    ("GET /handovers/<int:handover_id>", "uhohhooo"),
    ("GET /handovers/<int:handover_id>/list.pdf", "uhohhooo"),
    ("POST /handovers/<int:handover_id>/submit", "uhfhhfff"),
    ("POST /handovers/<int:handover_id>/review", "uhfhhfff", {"decision": "accept"}),
    ("POST /handovers/<int:handover_id>/supplement", "uhfhhfff"),
    ("POST /handovers/<int:handover_id>/extensions", "uhfhhfff",
     {"step": "b_to_archive", "until": "2026-12-31", "reason": "等客户签字"}),
    ("GET /handovers/<int:handover_id>/receive", "uhohhfoo"),
    ("POST /handovers/<int:handover_id>/receive", "ufcfffff", "<check_form>"),
    ("POST /handovers/<int:handover_id>/refuse", "ufifffff", "<check_form>"),
    ("POST /handovers/<int:handover_id>/items", "uhfhhfff", {"part-0": "1", "title-0": "审批表", "pages-0": "1"}),
    ("GET /extensions", "uffffoff"),
    ("POST /extensions/<int:extension_id>/decision", "uffffcff", {"approve": "1", "note": "同意"}),
    ("GET /archives", "ufofffoo"),
    ("GET /archives/<path:archive_no>", "ufofffoo"),
    ("POST /archives/<path:archive_no>/move", "ufofffff", {"location": "R1", "note": ""}),
    ("GET /archives/<path:archive_no>/scans", "ufofffoo"),
    ("POST /archives/<path:archive_no>/scans", "ufcfffff", PDF),
    ("GET /register", "ufoffffo"),
    ("GET /locations", "ufofffoo"),
    ("POST /locations", "ufofffff", {"code": "PL-{who}", "name": "柜", "parent": ""}),
    ("GET /labels", "ufooffff"),
    ("GET /labels.pdf", "ufooffff", None, "?codes=<archive_no>"),
    ("GET /labels.png", "ufooffff", None, "?codes=<archive_no>"),
    ("GET /scans/<int:scan_id>", "ufofffoo"),
    ("POST /scans/<int:scan_id>/void", "ufcfffff", {"reason": "扫错了档案"}),
    ("GET /scans/batch", "uooooooo"),
    ("POST /scans/batch", "ufofffff", PDF),
    ("GET /scans/covers.pdf", "ufofffff", None, "?codes=<archive_no>"),
    # ---- certificates ----
    ("GET /api/v1/certificate-days/<day>", "ufooffoo"),
    ("POST /api/v1/certificate-days/<day>/check", "uffoffff"),
    ("GET /api/v1/certificate-handovers/<int:handover_id>", "uhhhhhhh"),
    ("POST /api/v1/certificate-handovers/<int:handover_id>/confirm", "uhhhhhhh", {"checks": [], "location": None}),
    ("GET /api/v1/certificate-handovers/<int:handover_id>/list.pdf", "uhhhhhhh"),
    ("POST /api/v1/certificate-handovers/<int:handover_id>/return", "uhhhhhhh", {"note": "份数不符"}),
    ("PUT /api/v1/certificate-handovers/<int:handover_id>/certificates", "uhhhhhhh", {"certificates": [CERT]}),
    ("POST /api/v1/certificate-handovers/<int:handover_id>/sign", "uhhhhhhh"),
    ("GET /api/v1/certificate-handovers/overdue", "uooooooo"),
    ("GET /api/v1/certificate-handovers/waiting", "uooooooo"),
    ("GET /api/v1/certificate-kinds", "uooooooo"),
    ("POST /api/v1/certificate-kinds", "uiffffff", {"code": "K{who}", "name": "种类{who}"}),
    ("PATCH /api/v1/certificate-kinds/<code>", "uhffffff", {"name": "新名称"}),
    ("GET /api/v1/certificate-movements", "uooooooo"),
    ("POST /api/v1/certificate-movements/<int:movement_id>/confirm", "ufhhffff"),
    ("POST /api/v1/certificate-movements/<int:movement_id>/decision", "uffffhff", {"approve": True, "note": ""}),
    ("GET /api/v1/certificate-movements/<int:movement_id>/receipt.pdf", "ufhhffhh"),
    ("GET /api/v1/certificates", "ufooffoo"),
    ("GET /api/v1/certificates/<int:certificate_id>", "ufhhffhh"),
    ("POST /api/v1/certificates/<int:certificate_id>/movements", "ufhhffff", {"kind": "move", "to_location": "R1"}),
    ("POST /api/v1/certificates/<int:certificate_id>/release", "uffhffff", RELEASE),
    ("GET /api/v1/projects/<int:project_id>/certificate-handovers", "uoohhooo"),
    ("POST /api/v1/projects/<int:project_id>/certificate-handovers", "uffhhfff", {"certificates": [CERT]}),
    ("GET /api/v1/stocktakes", "ufooffoo"),
    ("POST /api/v1/stocktakes", "uffiffff", {"location": "R1"}),
    ("GET /api/v1/stocktakes/<int:stocktake_id>", "ufhhffhh"),
    ("POST /api/v1/stocktakes/<int:stocktake_id>/close", "uffhffff"),
    ("GET /api/v1/stocktakes/<int:stocktake_id>/report.pdf", "ufhhffhh"),
    ("POST /api/v1/stocktakes/<int:stocktake_id>/scan", "uffhffff", {"code": "R1", "location": "R1"}),
    ("GET /certificate-days", "ufooffoo"),
    ("POST /certificate-days/<day>/check", "uffcffff"),
    ("GET /certificate-handovers/<int:handover_id>", "uhhhhhhh"),
    ("POST /certificate-handovers/<int:handover_id>/confirm", "uhhhhhhh"),
    ("GET /certificate-handovers/<int:handover_id>/list.pdf", "uhhhhhhh"),
    ("POST /certificate-handovers/<int:handover_id>/return", "uhhhhhhh"),
    ("POST /certificate-handovers/<int:handover_id>/certificates", "uhhhhhhh"),
    ("POST /certificate-handovers/<int:handover_id>/sign", "uhhhhhhh"),
    ("GET /certificate-kinds", "uooooooo"),
    ("POST /certificate-kinds", "uiffffff"),
    ("POST /certificate-kinds/<code>", "uhffffff"),
    ("GET /certificate-movements", "uooooooo"),
    ("POST /certificate-movements/<int:movement_id>/confirm", "ufhhffff"),
    ("POST /certificate-movements/<int:movement_id>/decision", "uffffhff"),
    ("GET /certificate-movements/<int:movement_id>/receipt.pdf", "ufhhffhh"),
    ("GET /certificates", "ufooffoo"),
    ("GET /certificates/<int:certificate_id>", "ufhhffhh"),
    ("POST /certificates/<int:certificate_id>/move", "ufhhffff"),
    ("POST /certificates/<int:certificate_id>/release", "uffhffff"),
    ("POST /projects/<int:project_id>/certificate-handovers", "uiiiiiii"),
    ("GET /projects/<int:project_id>/certificate-handovers/new", "uoohhooo"),
    ("GET /stocktakes", "ufooffoo"),
    ("POST /stocktakes", "uffiffff"),
    ("GET /stocktakes/<int:stocktake_id>", "ufhhffhh"),
    ("POST /stocktakes/<int:stocktake_id>/close", "uffhffff"),
    ("GET /stocktakes/<int:stocktake_id>/report.pdf", "ufhhffhh"),
    ("POST /stocktakes/<int:stocktake_id>/scan", "uffhffff"),
    # ---- search, exports, imports and statistics (R3, R23) ----
    ("GET /api/v1/search", "uooooooo", None, "?q=%E5%95%86%E8%B4%B8"),
    ("GET /api/v1/search.xlsx", "uioioooo", None, "?q=%E5%95%86%E8%B4%B8"),
    ("GET /api/v1/archives.xlsx", "ufofffoo"),
    ("GET /api/v1/archives.csv", "ufofffoo"),
    ("GET /api/v1/register.xlsx", "ufoffffo"),
    ("GET /api/v1/register.csv", "ufoffffo"),
    ("GET /api/v1/certificates.xlsx", "ufiiffii"),
    ("GET /api/v1/certificates.csv", "ufiiffii"),
    ("GET /api/v1/stats", "ufofffof"),
    ("GET /api/v1/stats.xlsx", "ufofffof"),
    ("GET /api/v1/stats.csv", "ufofffof"),
    ("POST /api/v1/imports/ledger", "uiiiiiii"),
    ("POST /api/v1/imports/projects", "uiiiiiii"),
    ("GET /search", "uooooooo", None, "?q=%E5%95%86%E8%B4%B8"),
    ("GET /ledger/print", "ufofffoo"),
    ("GET /certificates/print", "ufooffoo"),
    ("GET /exports/archives.<fmt>", "ufofffoo"),
    ("GET /exports/register.<fmt>", "ufoffffo"),
    ("GET /exports/certificates.<fmt>", "ufiiffii"),
    ("GET /exports/search.<fmt>", "uioioooo", None, "?q=%E5%95%86%E8%B4%B8"),
    ("GET /exports/stats.<fmt>", "ufofffof"),
    ("GET /stats", "ufofffof"),
    ("GET /imports", "ufofofff"),
    ("POST /imports/<kind>", "ufifffff"),
    # ---- departure, reassignment, retention and disposal (R21, R23); by now the project's file is
    # received (still reassignable: "target" is no manager, 422) and the archive number voided (no
    # period change: 409) ----
    ("GET /api/v1/users/<username>/holdings", "uoffffff"),
    ("POST /api/v1/users/<username>/departure", "ucffffff", {"successor": "zhang"}),
    ("GET /api/v1/transfers/<int:transfer_id>", "uhffffff"),
    ("GET /api/v1/transfers/<int:transfer_id>/list.pdf", "uhffffff"),
    ("PATCH /api/v1/projects/<int:project_id>", "uiifffff", {"a_user": "target", "reason": "调岗"}),
    ("GET /api/v1/projects/<int:project_id>/reassignments", "uoohhooo"),
    ("PUT /api/v1/archives/<archive_no>/retention", "ufcfffff", {"period": "10y", "reason": "短期保管"}),
    ("GET /api/v1/retention/defaults", "uooooooo"),
    ("PUT /api/v1/retention/defaults", "uoffffff", {"defaults": {"loan": "30y"}}),
    ("GET /api/v1/appraisals", "ufoffofo", None, "?year=2026"),
    ("GET /api/v1/disposals", "ufoffofo"),
    ("POST /api/v1/disposals", "ufcfffff", {"archive_nos": ["XD-2026-0001"], "reason": "保管期满"}),
    ("GET /api/v1/disposals/<int:disposal_id>", "ufhffhfh"),
    ("GET /api/v1/disposals/<int:disposal_id>/list.pdf", "ufhffhfh"),
    ("POST /api/v1/disposals/<int:disposal_id>/decision", "uffffhff", {"approve": True, "note": ""}),
    ("POST /api/v1/disposals/<int:disposal_id>/destroy", "ufhfffff"),
    ("GET /admin/users/<username>/departure", "uoffffff"),
    ("POST /admin/users/<username>/departure", "ucffffff", {"successor": "zhang", "scope": "all"}),
    ("GET /admin/transfers/<int:transfer_id>", "uhffffff"),
    ("GET /admin/transfers/<int:transfer_id>/list.pdf", "uhffffff"),
    ("POST /projects/<int:project_id>/reassign", "uiifffff", {"role": "B", "user": "target", "reason": "调岗"}),
    ("POST /archives/<path:archive_no>/retention", "ufcfffff", {"period": "30y", "reason": "恢复长期保管"}),
    ("GET /appraisals", "ufoffofo"),
    ("GET /disposals", "ufoffofo"),
    ("POST /disposals", "ufcfffff", {"archive_nos": "<archive_no>", "reason": "保管期满"}),
    ("GET /disposals/<int:disposal_id>", "ufhffhfh"),
    ("GET /disposals/<int:disposal_id>/list.pdf", "ufhffhfh"),
    ("POST /disposals/<int:disposal_id>/decision", "uffffhff", {"decision": "approve"}),
    ("POST /disposals/<int:disposal_id>/destroy", "ufhfffff"),
    ("GET /admin/retention", "uooooooo"),
    ("POST /admin/retention", "uoffffff", {"loan": "30y"}),
    # ---- borrowing, incidents and alerts (R17, R18, R19); by now the file's number is voided, so it
    # can be neither requested nor handed out (409). The one loan, the manager's, waits for an approver;
    # rows take it through approval, refused desk actions and cancellation ----
    ("GET /api/v1/loans/<int:loan_id>", "uhoooooo"),
    ("GET /loans/<int:loan_id>", "uhoooooo"),
    ("POST /loans/<int:loan_id>/decision", "uhfffocc", {"approve": "1", "note": ""}),
    ("POST /api/v1/loans/<int:loan_id>/decision", "uhcccccc", {"approve": True, "note": ""}),
    ("POST /api/v1/loans/<int:loan_id>/checkout", "ufcfffff", {"scanned": "<archive_no>"}),
    ("POST /desk/<int:loan_id>/<any(checkout, return, confirm):action>", "ufcfffff", {"scanned": "<archive_no>"},
     None, {"action": "checkout"}),
    ("POST /api/v1/loans/<int:loan_id>/return", "ufcfffff", {"scanned": "<archive_no>", "pages": 1}),
    ("POST /api/v1/loans/<int:loan_id>/confirm", "ufccffff"),
    ("POST /api/v1/loans/<int:loan_id>/renew", "uhffcfff", {"days": 1}),
    ("POST /api/v1/loans/<int:loan_id>/cancel", "uhffofff"),
    ("POST /loans/<int:loan_id>/<any(renew, cancel):action>", "uhffcfff", None, None, {"action": "cancel"}),
    ("GET /api/v1/loans", "uooooooo"),
    ("POST /api/v1/loans", "uccccccc", {"object": "<archive_no>", "purpose": "查阅", "days": 1}),
    ("GET /loans", "uooooooo"),
    ("POST /loans", "uccccccc", {"object": "<archive_no>", "purpose": "查阅", "days": "1"}),
    ("GET /loans/inbox", "uooooooo"),
    ("GET /desk", "ufooffff", None, "?code=<archive_no>"),
    ("GET /api/v1/loan-rules", "uooooooo"),
    ("PUT /api/v1/loan-rules/<object_kind>", "uoffffff", {"rules": []}),
    ("GET /api/v1/incidents", "ufoofooo"),
    ("GET /api/v1/incidents/<int:incident_id>", "ufhhfhhh"),
    ("POST /api/v1/incidents/<int:incident_id>/close", "uffffhff", {"note": "已找回"}),
    ("GET /incidents", "ufoofooo"),
    ("GET /incidents/<int:incident_id>", "ufhhfhhh"),
    ("POST /incidents/<int:incident_id>/close", "uffffhff", {"note": "已找回"}),
    ("POST /api/v1/alerts/sweep", "uoffffff", {}),
    ("GET /api/v1/alerts", "uooooooo"),
    ("GET /api/v1/alerts/unread-count", "uooooooo"),
    ("POST /api/v1/alerts/<int:alert_id>/read", "uhhhhohh"),
    ("POST /api/v1/alerts/read-all", "uooooooo"),
    ("POST /api/v1/alerts/remind", "ufhhffff", {"object": "<archive_no>"}),
    ("GET /api/v1/outbox", "uoffffff"),
    ("GET /alerts", "uooooooo"),
    ("POST /alerts/<int:alert_id>/read", "uhhhhohh"),
    ("POST /alerts/read-all", "uooooooo"),
    ("GET /overdue", "ufooffff"),
    ("POST /overdue/remind", "ufhhffff", {"object": "<archive_no>"}),
    # ---- last: signing out ----
    ("DELETE /api/v1/tokens/current", "uooooooo"),
    ("POST /logout", "uooooooo"),
]

PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def routes_of(app):
    """Every "METHOD rule" the app answers, static files aside."""
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_row(app):
    rows = [row[0] for row in ROWS]
    assert len(rows) == len(set(rows)), "a route has two rows"
    missing, gone = sorted(routes_of(app) - set(rows)), sorted(set(rows) - routes_of(app))
    assert not missing, f"routes without a row in the permission matrix: {missing}"
    assert not gone, f"rows for routes that no longer exist: {gone}"
    assert all(len(row[1]) == len(CALLERS) and set(row[1]) <= set("ocfhiu") for row in ROWS)


@pytest.fixture
def world(app, api, received):
    """The callers (one user per role, signed in to the API and to the pages) and the objects the
    rows name: a received file with a scan, a list waiting for receipt, a pending extension."""
    arch, manager = received["arch"], received["manager"]
    b = api("wang", "manager")
    callers = {"anonymous": (None, app.test_client())}
    for role in CALLERS[1:]:
        username = f"m_{role}"
        api_client = api(username, role)
        page_client = app.test_client()
        token = csrf_token(page_client)
        r = page_client.post("/login", data={"username": username, "password": "Test-Passw0rd!", "csrf_token": token})
        assert r.status_code == 302
        callers[role] = (api_client, page_client)
    cust = arch.post("/customers", json={"name": "王五", "kind": "person", "id_number": "110101199001011234"})
    proj = arch.post("/projects", json={
        "code": "P-2026-002", "customer_id": cust.get_json()["id"], "business": "loan", "title": "贷款",
        "amount": 1000, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30"}).get_json()
    hid = manager.post(f"/projects/{proj['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    assert manager.post(f"/handovers/{hid}/submit").status_code == 200
    assert b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []}).status_code == 200
    draft = arch.post("/projects", json={
        "code": "P-2026-003", "customer_id": cust.get_json()["id"], "business": "loan", "title": "贷款",
        "amount": 1000, "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30"}).get_json()
    draft_id = manager.post(f"/projects/{draft['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    ext = manager.post(f"/handovers/{draft_id}/extensions", json={"step": "a_to_b", "until": "2026-12-31",
                                                                "reason": "等客户签字"})
    assert ext.status_code == 201, ext.get_json()
    items = arch.get(f"/handovers/{hid}").get_json()["items"]
    scan = arch.call("POST", f"/archives/{received['no']}/scans", data={"file": (io.BytesIO(pdf(1)), "s.pdf")},
                     content_type="multipart/form-data")
    assert scan.status_code == 201, scan.get_json()
    values = {"archive_no": received["no"], "code": received["no"], "handover_id": hid, "project_id": proj["id"],
              "customer_id": cust.get_json()["id"], "extension_id": ext.get_json()["id"],
              "scan_id": scan.get_json()["id"], "username": "target", "day": "2026-10-12", "year": 2027,
              "business": "loan", "change": "deactivate", "filename": "css/bootstrap.min.css",
              "certificate_id": 999999, "movement_id": 999999, "stocktake_id": 999999,
              "transfer_id": 999999, "disposal_id": 999999, "fmt": "xlsx", "kind": "ledger",
              "checks": {"checks": [{"item_id": i["id"], "pages": i["pages"]} for i in items], "location": "R1"},
              "check_form": {**{f"check-{i['id']}": i["pages"] for i in items}, "location": "R1"},
              **_a_loan_waiting(callers, received["no"])}
    api("target", "manager")
    return {"callers": callers, "values": values}


def _a_loan_waiting(callers, archive_no):
    """The manager's request to read the file, and the alert it sent the approver."""
    loan = callers["manager"][0].post("/loans", json={"object": archive_no, "purpose": "查阅", "days": 1})
    assert loan.status_code == 201, loan.get_json()
    alerts = callers["approver"][0].get("/alerts").get_json()["items"]
    return {"loan_id": loan.get_json()["id"], "alert_id": alerts[0]["id"], "incident_id": 999999,
            "object_kind": "archive"}


def _fill(text, values, who):
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text).replace("{who}", who)


def _body(body, values, who):
    if isinstance(body, str) and body.startswith("<"):
        return values[body[1:-1]]
    if isinstance(body, dict):
        return {k: _body(v, values, who) for k, v in body.items()}
    return _fill(body, values, who) if isinstance(body, str) else body


def _answer(response):
    status, location = response.status_code, response.headers.get("Location", "")
    if status == 401 or (status in (302, 303) and "/login?next=" in location):
        return "u"
    return {409: "c", 403: "f", 404: "h", 415: "i", 422: "i"}.get(status, "o" if status < 400 else str(status))


def _call(world, who, row):
    route, _expected, body, query, values = (*row, None, None, None)[:5]
    method, rule = route.split(" ", 1)
    values = {**world["values"], **(values or {})}
    path = _fill(rule, values, who) + (_fill(query, values, who) if query else "")
    api_client, page_client = world["callers"][who]
    if rule.startswith("/api/"):
        headers = {"Authorization": f"Bearer {api_client.token}"} if who != "anonymous" else {}
        if body == PDF:
            return page_client.open(path, method=method, headers=headers, content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(pdf(1)), "s.pdf")})
        return page_client.open(path, method=method, headers=headers,
                                json=_body(body, values, who) if body is not None else None)
    if method == "GET":
        return page_client.get(path)
    data = {"csrf_token": csrf_token(page_client, "/login")}
    if body == PDF:
        data["file"] = (io.BytesIO(pdf(1)), "s.pdf")
    elif body:
        data.update({k: str(v) for k, v in _body(body, values, who).items()})
    return page_client.post(path, data=data)


def test_the_permission_matrix(world):
    """Each row's callers get exactly the answers the row says; every difference is listed."""
    wrong = []
    for row in ROWS:
        got = "".join(_answer(_call(world, who, row)) for who in CALLERS)
        if got != row[1]:
            wrong.append(f"{row[0]:<60} want {row[1]}  got {got}")
    assert not wrong, "permission matrix differs:\n" + "\n".join(wrong)
