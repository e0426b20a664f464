"""R23 and R3 for borrowing: loans per month and overdue loans in the statistics (one grouped
query each, exportable, on the page), and loans found by their object's number in the search."""
import io

import openpyxl
import pytest

from archive_service.services.ledgers import search
from archive_service.services.loans import loan_desk
from archive_service.services.reports import exports, stats
from tests.conftest import NOW
from tests.loans.loan_world import PAGES, LoanWorld, days_after
from tests.sqlcount import count_statements


@pytest.fixture
def lw(make_actor):
    return LoanWorld(make_actor)


def loan_hits(result):
    return [h for h in result["items"] if h["kind"] == "loan"]


def test_r23_loans_are_counted_per_shanghai_month_by_object_kind(lw):
    lw.out()
    lw.request(obj=lw.received()["archive_no"])  # requested, never checked out: not counted
    loans = stats.figures(lw.arch, 2026, now=NOW)["loans"]
    assert [(m["month"], m["archive"], m["certificate"], m["total"]) for m in loans if m["total"]] == [(10, 1, 0, 1)]
    assert len(loans) == 12
    assert all(m["total"] == 0 for m in stats.figures(lw.arch, 2025, now=NOW)["loans"])


def test_r23_overdue_loans_are_those_still_out_past_due_and_those_returned_late(lw):
    loan = lw.out()
    assert stats.figures(lw.arch, 2026, now=NOW)["overdue_loans"][0]["total"] == 0
    late = stats.figures(lw.arch, 2026, now=days_after(30))["overdue_loans"]
    assert [(r["kind"], r["still_out"], r["returned_late"], r["total"]) for r in late] == [
        ("archive", 1, 0, 1), ("certificate", 0, 0, 0)]
    loan_desk.return_loan(lw.arch, loan["id"], lw.file, PAGES, now=days_after(30))
    back = stats.figures(lw.arch, 2026, now=days_after(31))["overdue_loans"][0]
    assert (back["still_out"], back["returned_late"], back["total"]) == (0, 1, 1)


def test_r23_a_loan_returned_on_time_is_not_overdue(lw):
    loan = lw.out()
    loan_desk.return_loan(lw.arch, loan["id"], lw.file, PAGES, now=days_after(1))
    assert stats.figures(lw.arch, 2026, now=days_after(60))["overdue_loans"][0]["total"] == 0


def test_r23_loan_figures_cost_the_same_statements_for_1_and_8_loans(lw):
    lw.out()
    with count_statements() as one:
        stats.figures(lw.arch, 2026, now=days_after(30))
    for _ in range(7):
        lw.request(obj=lw.received()["archive_no"])
    with count_statements() as eight:
        stats.figures(lw.arch, 2026, now=days_after(30))
    assert len(one) == len(eight)


def test_r23_loan_tables_export_with_a_totals_row(lw):
    lw.out()
    for table in ("loans", "overdue_loans"):
        book = openpyxl.load_workbook(io.BytesIO(b"".join(
            exports.stats_table(lw.arch, "xlsx", 2026, table, now=days_after(30)).chunks())))
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[-1][0] == "合计" and rows[-1][-1] == 1, table


def test_r23_loan_figures_through_the_api_and_on_the_page(received, api, browser_login):
    arch = received["arch"]
    loan = api("qian", "manager").post("/loans", json={"object": received["no"], "purpose": "贷后检查", "days": 5})
    assert loan.status_code in (200, 201), loan.get_json()
    figures = arch.get("/stats?year=2026").get_json()
    assert len(figures["loans"]) == 12 and [r["kind"] for r in figures["overdue_loans"]] == ["archive", "certificate"]
    assert arch.get("/stats.csv?year=2026&table=overdue_loans").status_code == 200
    page = browser_login("li").get("/stats?year=2026").get_data(as_text=True)
    assert 'id="chart-loans"' in page and 'id="table-loans"' in page and 'id="stat-overdue-loans">0<' in page
    assert "table=overdue_loans" in page


def test_r3_a_search_for_an_archive_number_lists_its_loans(lw):
    loan = lw.out()
    hits = loan_hits(search.search(lw.arch, lw.file.lower()))
    assert [(h["id"], h["archive_no"], h["url"]) for h in hits] == [(loan["id"], lw.file, f"/loans/{loan['id']}")]
    assert "钱借阅" in hits[0]["detail"] and "借出中" in hits[0]["detail"]
    assert search.search(lw.arch, lw.file)["counts"]["loan"] == 1
    assert loan_hits(search.search(lw.arch, "商贸")) == []


def test_r3_loans_in_search_respect_who_may_see_them(lw, make_actor):
    loan = lw.out()
    assert [h["id"] for h in loan_hits(search.search(lw.borrower, lw.file))] == [loan["id"]]
    assert [h["id"] for h in loan_hits(search.search(lw.boss, lw.file))] == [loan["id"]]
    assert loan_hits(search.search(make_actor("liu", "manager"), lw.file)) == []
    assert loan_hits(search.search(lw.a, lw.file)) == []


def test_r3_search_costs_the_same_statements_for_1_and_8_loans(lw, make_actor):
    lw.out()
    with count_statements() as one:
        search.search(lw.arch, lw.file)
    for n in range(7):
        lw.request(who=make_actor(f"m{n}", "manager"))
    assert len(loan_hits(search.search(lw.arch, lw.file))) == 8
    with count_statements() as eight:
        search.search(lw.arch, lw.file)
    assert len(one) == len(eight)
