"""R17/R18 over HTTP: a file out on loan answers `loan: {id, borrower, due}` and status name 借出 in
its record, `GET /archives?status=on_loan` lists it, search hits and the lookup say so, and the
pages (record, ledger and its 借出 filter, search) show it; the ledger's 借出 filter costs the same
statements for 1 file out as for 50."""
from datetime import date

import pytest

from archive_service.db import database
from archive_service.models import ArchiveFile, Loan, User
from tests.conftest import NOW
from tests.listworld import ListWorld
from tests.sqlcount import count_statements
from tests.web.scan_world import TOTAL_PAGES


@pytest.fixture
def lent(api, received):
    """The received file, out on an executive's loan (no approval needed, R17)."""
    boss, arch, no = api("boss", "executive"), received["arch"], received["no"]
    loan = boss.post("/loans", json={"object": no, "purpose": "审阅", "days": 2}).get_json()
    out = arch.post(f"/loans/{loan['id']}/checkout", json={"scanned": no}).get_json()
    assert out["state"] == "out", out
    return {"arch": arch, "no": no, "loan": out, "items": received["items"]}


def test_r17_a_file_out_on_loan_shows_as_lent_through_the_api(lent):
    arch, no, out = lent["arch"], lent["no"], lent["loan"]
    record = arch.get(f"/archives/{no}").get_json()
    assert (record["status"], record["status_name"]) == ("in_archive", "借出")
    assert record["loan"] == {"id": out["id"], "borrower": "boss", "due": out["due"]}
    date.fromisoformat(record["loan"]["due"])
    rows = arch.get("/archives?status=on_loan").get_json()
    assert [(r["archive_no"], r["status_name"], r["loan"]) for r in rows["items"]] == [(no, "借出", record["loan"])]
    assert rows["total"] == 1 and arch.get("/archives?status=in_archive").get_json()["items"] == []
    hit = next(h for h in arch.get(f"/search?q={no}").get_json()["items"] if h["kind"] == "archive")
    assert hit["status_name"] == "借出"
    assert arch.get(f"/lookup/{no}").get_json()["status"] == "on_loan"
    bad = arch.get("/archives?status=lent")
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]
    back = arch.post(f"/loans/{out['id']}/return", json={"scanned": no, "pages": TOTAL_PAGES})
    assert back.get_json()["state"] == "returned"
    record = arch.get(f"/archives/{no}").get_json()
    assert (record["status_name"], record["loan"]) == ("在库", None)
    assert arch.get("/archives?status=on_loan").get_json()["items"] == []
    assert arch.get(f"/lookup/{no}").get_json()["status"] == "in_archive"


def test_r17_the_pages_show_a_file_out_on_loan_as_lent(lent, client, browser_login):
    no = lent["no"]
    browser_login("li")
    record = client.get(f"/archives/{no}").get_data(as_text=True)
    assert 'id="file-on-loan"' in record and "借阅人 boss" in record and lent["loan"]["due"] in record
    ledger = client.get("/archives?status=on_loan").get_data(as_text=True)
    assert no in ledger and ">借出<" in ledger and '<option value="on_loan" selected>借出</option>' in ledger
    assert no not in client.get("/archives?status=in_archive").get_data(as_text=True).split('id="ledger"')[1]
    assert ">借出<" in client.get(f"/search?q={no}").get_data(as_text=True)
    scanned = client.get(f"/scan?code={no}", follow_redirects=True)  # the header's scan box
    assert scanned.request.path == f"/archives/{no}" and 'id="file-on-loan"' in scanned.get_data(as_text=True)


def lend_all(world, upto):
    with database.connection_context():
        borrower = User.get(User.username == "zhang")
        for archive in ArchiveFile.select().where(~ArchiveFile.archive_no.in_(
                Loan.select(Loan.object_code).where(Loan.state == "out"))).limit(upto):
            Loan.create(borrower=borrower.id, object_kind="archive", object_code=archive.archive_no,
                        archive=archive.id, purpose="p", use="read", days=5, state="out", requested_at=NOW,
                        checked_out_at=NOW, due_on=date(2026, 10, 16), out_key=f"archive:{archive.archive_no}")


def test_r17_the_ledgers_lent_filter_costs_the_same_statements_for_1_and_50_files(make_actor, api, client,
                                                                                  browser_login):
    world = ListWorld(make_actor)
    arch = api("li")
    browser_login("li")
    costs = {}
    for size in (1, 50):
        world.grow(size)
        lend_all(world, size)
        for kind, call in (("API", lambda: arch.get("/archives?status=on_loan&limit=50")),
                           ("page", lambda: client.get("/archives?status=on_loan"))):
            with count_statements() as log:
                r = call()
            assert r.status_code == 200
            costs[kind, size] = len(log)
        assert arch.get("/archives?status=on_loan&limit=50").get_json()["total"] == size
    assert costs["API", 1] == costs["API", 50] and costs["page", 1] == costs["page", 50], costs
