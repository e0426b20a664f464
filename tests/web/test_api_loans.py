"""Borrowing through /api/v1: the whole file loan, problem+json refusals, the overdue sweep and
the caller's alerts, and fixed statement counts for every list (1 row and 50 rows of each kind)."""
from datetime import date

import pytest

from archive_service.cli import main as cli
from archive_service.db import database
from archive_service.models import Alert, Incident, Loan, Setting, User
from tests.conftest import NOW
from tests.loans.loan_world import on_day
from tests.sqlcount import count_statements
from tests.web.scan_world import TOTAL_PAGES


@pytest.fixture
def people(api, received):
    return {"borrower": api("qian", "manager"), "approver": api("sun", "approver"), "boss": api("boss", "executive"),
            "admin": api("root", "admin"), "arch": received["arch"], "no": received["no"]}


def test_r17_r18_a_file_loan_through_the_api(people):
    no, borrower, arch = people["no"], people["borrower"], people["arch"]
    r = borrower.post("/loans", json={"object": no, "purpose": "贷后检查", "days": 5})
    assert r.status_code == 201, r.get_json()
    loan = r.get_json()
    assert (loan["state"], loan["awaiting"], loan["archive_no"]) == ("requested", "approver", no)
    own = borrower.post(f"/loans/{loan['id']}/decision", json={"approve": True})
    assert (own.status_code, own.get_json()["code"]) == (403, "loan.own_request")
    early = arch.post(f"/loans/{loan['id']}/checkout", json={"scanned": no})
    assert (early.status_code, early.get_json()["code"]) == (409, "loan.not_approved")
    yes = people["approver"].post(f"/loans/{loan['id']}/decision", json={"approve": True, "note": "同意"})
    assert yes.status_code == 200
    wrong = arch.post(f"/loans/{loan['id']}/checkout", json={"scanned": "XD-2099-9999"})
    assert (wrong.status_code, wrong.get_json()["code"]) == (422, "loan.wrong_label")
    out = arch.post(f"/loans/{loan['id']}/checkout", json={"scanned": no}).get_json()
    assert out["state"] == "out" and date.fromisoformat(out["due"]) > date(2026, 10, 9)
    assert borrower.get(f"/archives/{no}").status_code == 200  # R19: an approved loan lets the borrower read
    short = arch.post(f"/loans/{loan['id']}/return", json={"scanned": no, "pages": TOTAL_PAGES - 1})
    assert (short.status_code, short.get_json()["code"]) == (409, "loan.pages_short")
    assert short.get_json()["details"]["expected_pages"] == TOTAL_PAGES
    incidents = people["approver"].get("/incidents?state=open").get_json()["items"]
    assert [i["object"] for i in incidents] == [no]
    done = arch.post(f"/loans/{loan['id']}/return", json={"scanned": no, "pages": TOTAL_PAGES})
    assert done.get_json()["state"] == "returned"
    again = arch.post(f"/loans/{loan['id']}/return", json={"scanned": no, "pages": TOTAL_PAGES})
    assert (again.status_code, again.get_json()["code"]) == (409, "loan.already_returned")
    assert borrower.get(f"/archives/{no}").status_code == 403
    closed = people["approver"].post(f"/incidents/{incidents[0]['id']}/close", json={"note": "缺页已找回"})
    assert closed.get_json()["state"] == "closed"


def test_r17_an_executives_loan_needs_no_approval(people):
    r = people["boss"].post("/loans", json={"object": people["no"], "purpose": "审阅", "days": 2})
    assert (r.status_code, r.get_json()["state"]) == (201, "approved")


@pytest.mark.parametrize("body, field", [({"object": "X", "purpose": "p"}, "days"),
                                         ({"object": "X", "purpose": "p", "days": "5"}, "days"),
                                         ({"object": "X", "purpose": "p", "days": 5, "extra": 1}, "extra")])
def test_malformed_requests_are_refused_in_chinese(people, body, field):
    r = people["borrower"].post("/loans", json=body)
    assert r.status_code == 422 and field in r.get_json()["errors"]
    assert r.mimetype == "application/problem+json"
    with database.connection_context():
        assert Loan.select().count() == 0


def test_sweep_and_alerts_through_the_api(people, app):
    no, arch = people["no"], people["arch"]
    loan = people["boss"].post("/loans", json={"object": no, "purpose": "审阅", "days": 2}).get_json()
    out = arch.post(f"/loans/{loan['id']}/checkout", json={"scanned": no}).get_json()
    as_of = "2026-11-30"
    app.extensions["archive_clock"].frozen = on_day(date.fromisoformat(as_of))  # a sweep is never for a coming day
    assert people["borrower"].post("/alerts/sweep", json={"as_of": as_of}).status_code == 403
    first = people["admin"].post("/alerts/sweep", json={"as_of": as_of}).get_json()["created"]
    assert first > 0 and people["admin"].post("/alerts/sweep", json={"as_of": as_of}).get_json()["created"] == 0
    mine = people["boss"].get("/alerts?unread=true").get_json()["items"]
    newest = mine[0]
    assert (newest["kind"], newest["object"], newest["level"], newest["read"]) == ("loan_overdue", no, 2, False)
    assert people["boss"].post(f"/alerts/{mine[0]['id']}/read").get_json()["read"] is True
    assert people["boss"].get("/alerts/unread-count").get_json() == {"unread": len(mine) - 1}
    assert [x["id"] for x in arch.get("/loans?overdue=true").get_json()["items"]] == [out["id"]]
    assert arch.post("/alerts/remind", json={"object": no}).get_json()["reminded"] == 1
    bad = people["admin"].post("/alerts/sweep", json={"as_of": "2026-13-01"})
    assert (bad.status_code, bad.get_json()["code"]) == (422, "request.invalid_date")


def test_r18_sweep_for_a_future_day_is_refused_by_the_api_and_the_command(people, app):
    no, arch = people["no"], people["arch"]
    loan = people["boss"].post("/loans", json={"object": no, "purpose": "审阅", "days": 2}).get_json()
    arch.post(f"/loans/{loan['id']}/checkout", json={"scanned": no})
    with app.app_context(), database.connection_context():
        before = (Alert.select().count(), list(Setting.select(Setting.key, Setting.value).tuples()))
    ahead = people["admin"].post("/alerts/sweep", json={"as_of": "2099-12-31"})
    assert (ahead.status_code, ahead.get_json()["code"]) == (422, "alerts.future_day")
    assert "as_of" in ahead.get_json()["errors"] and "今天" in ahead.get_json()["detail"]
    tomorrow = app.test_cli_runner().invoke(cli, ["sweep", "--as-of", "2026-10-10"])
    assert tomorrow.exit_code == 1 and "alerts.future_day" in tomorrow.output
    with app.app_context(), database.connection_context():
        assert (Alert.select().count(), list(Setting.select(Setting.key, Setting.value).tuples())) == before
    assert arch.get("/loans?overdue=true").get_json()["items"] == []
    assert arch.get(f"/loans/{loan['id']}").get_json()["overdue"] is False
    assert people["admin"].post("/alerts/sweep", json={}).get_json()["as_of"] == "2026-10-09"  # today


def test_loan_rules_are_edited_through_the_api(people):
    rules = [{"use": "*", "requester_role": "*", "steps": ["approver", "executive"], "max_days": 5, "max_renewals": 1}]
    assert people["borrower"].put("/loan-rules/archive", json={"rules": rules}).status_code == 403
    r = people["admin"].put("/loan-rules/archive", json={"rules": rules})
    assert r.status_code == 200 and r.get_json()["custom"]["archive"] is True
    loan = people["borrower"].post("/loans", json={"object": people["no"], "purpose": "p", "days": 5}).get_json()
    assert loan["steps"] == ["approver", "executive"]


# ---- fixed statement counts ---------------------------------------------------------------------

def _rows(n, start=0, username="qian"):
    with database.connection_context():
        user = User.get(User.username == username)
        for i in range(start, start + n):
            waiting = i % 2 == 0  # half wait for an approver, half are out and late
            loan = Loan.create(borrower=user.id, object_kind="archive", object_code=f"X-{i}", purpose="p", use="read",
                               days=1, state="requested" if waiting else "out", requested_at=NOW,
                               due_on=None if waiting else date(2026, 10, 1), out_key=None if waiting else f"k-{i}",
                               awaiting="approver" if waiting else None)
            Incident.create(loan=loan, kind="missing_pages", object_code=loan.object_code, expected_pages=2,
                            counted_pages=1, opened_by=user.id, opened_at=NOW)
            Alert.create(recipient=user.id, kind="loan", object=loan.object_code, message="m", created_at=NOW)


@pytest.mark.parametrize("path, who", [("/loans", "arch"), ("/loans?overdue=true", "arch"), ("/loans", "borrower"),
                                       ("/loans?inbox=true", "approver"), ("/alerts", "borrower"),
                                       ("/incidents", "approver")])
def test_lists_run_a_fixed_number_of_statements(people, path, who):
    client = people[who]
    _rows(2)
    client.get(path)
    with count_statements() as one:
        assert client.get(path).status_code == 200
    _rows(100, start=2)
    with count_statements() as fifty:
        assert len(client.get(path).get_json()["items"]) > 1
    assert len(one) == len(fifty), f"{path}: {len(one)} vs {len(fifty)}\n{fifty}"


