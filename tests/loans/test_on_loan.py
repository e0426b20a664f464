"""R17/R18: a file out on loan says so wherever it is shown (its record, the ledger and its 借出
filter, search hits, the appraisal and disposal lists, the scan lookup) and goes back to 在库 when
it comes back; `status` keeps its archival meaning. Through the services."""
import pytest

from archive_service.domain.errors import Conflict, InvalidInput
from archive_service.services.archive import file_record as ledgers
from archive_service.services.ledgers import archive_ledger, search
from archive_service.services.loans import loan_desk, loans
from archive_service.services.platform import lookup
from archive_service.services.retention import disposals, retention
from tests.conftest import NOW
from tests.loans.loan_world import PAGES, LoanWorld


@pytest.fixture
def world(make_actor):
    return LoanWorld(make_actor)


def old_file(world):
    """A 2014 file kept 10 years: on the 2024 appraisal list, and listable for disposal."""
    no = world.received(ended_on="2014-06-30")["archive_no"]
    retention.set_period(world.arch, no, "10y", "短期保管", now=NOW)
    return no


def lend(world, no):
    loan = loans.request(world.borrower, object=no, purpose="贷后检查", days=5, now=NOW)
    loans.decide(world.approver, loan["id"], True, now=NOW)
    return loan_desk.checkout(world.arch, loan["id"], no, now=NOW)


def shown(world, no):
    """What each place that shows the file says about it: {place: (status name, loan)}."""
    item = next(i["number"] for i in ledgers.get_archive(world.arch, no, now=NOW)["items"] if i["number"])
    record = ledgers.get_archive(world.arch, no, now=NOW)
    row = next(r for r in archive_ledger.page(world.arch)["items"] if r["archive_no"] == no)
    hits = {h["kind"]: h for h in search.search(world.arch, no)["items"]}
    item_hit = next(h for h in search.search(world.arch, item)["items"] if h["kind"] == "item")
    entry = next(e for d in disposals.find(world.arch)["items"]
                 for e in disposals.get(world.arch, d["id"])["entries"] if e["archive_no"] == no)
    appraised = next(i for i in retention.appraisal(world.arch, 2024, now=NOW)["items"] if i["archive_no"] == no)
    return {"record": (record["status"], record["status_name"], record["loan"]),
            "ledger": (row["status"], row["status_name"], row["loan"]),
            "search": (hits["archive"]["status_name"], item_hit["status_name"]),
            "disposal list": (entry["status"], entry["status_name"], entry["loan"]),
            "appraisal": (appraised["status_name"], appraised["loan"]),
            "lookup": (lookup.resolve(no)["status"], lookup.resolve(item)["status"])}


def filtered(world, status):
    return [r["archive_no"] for r in archive_ledger.page(world.arch, status=status)["items"]]


def test_r17_a_file_out_on_loan_shows_as_lent_in_record_ledger_search_and_disposal_list(world):
    no = old_file(world)
    disposals.create(world.arch, [no], "保管期满", now=NOW)
    in_place = {"record": ("in_archive", "在库", None), "ledger": ("in_archive", "在库", None),
                "search": ("在库", "在库"), "disposal list": ("in_archive", "在库", None),
                "appraisal": ("在库", None), "lookup": ("in_archive", "in_archive")}
    assert shown(world, no) == in_place
    out = lend(world, no)
    loan = {"id": out["id"], "borrower": "钱借阅", "due": out["due"]}
    assert shown(world, no) == {"record": ("in_archive", "借出", loan), "ledger": ("in_archive", "借出", loan),
                                "search": ("借出", "借出"), "disposal list": ("in_archive", "借出", loan),
                                "appraisal": ("借出", loan), "lookup": ("on_loan", "on_loan")}
    assert filtered(world, "on_loan") == [no]
    assert filtered(world, "in_archive") == [world.file]  # 在库: on the shelf
    assert archive_ledger.page(world.arch, status="on_loan")["total"] == 1
    loan_desk.return_loan(world.arch, out["id"], no, PAGES, now=NOW)
    assert shown(world, no) == in_place
    assert filtered(world, "on_loan") == [] and filtered(world, "in_archive") == [no, world.file]


def test_r13_r17_a_file_out_on_loan_cannot_be_voided_until_it_comes_back(world):
    out = lend(world, world.file)
    with pytest.raises(Conflict) as refused:
        ledgers.void(world.arch, world.file, "重复立卷", now=NOW)
    assert (refused.value.code, refused.value.details) == ("archive.on_loan", {"loan_id": out["id"]})
    record = ledgers.get_archive(world.arch, world.file, now=NOW)
    assert (record["status"], record["status_name"], record["loan"]["id"]) == ("in_archive", "借出", out["id"])
    loan_desk.return_loan(world.arch, out["id"], world.file, PAGES, now=NOW)
    assert ledgers.void(world.arch, world.file, "重复立卷", now=NOW)["status"] == "voided"
    assert filtered(world, "voided") == [world.file] and filtered(world, "on_loan") == []


def test_r17_the_ledger_refuses_an_unknown_status_naming_on_loan(world):
    with pytest.raises(InvalidInput) as refused:
        archive_ledger.page(world.arch, status="lent")
    assert "on_loan" in refused.value.errors["status"]
