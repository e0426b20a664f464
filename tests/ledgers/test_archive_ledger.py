"""R3: the archive ledger — filters, sorting, keyset pages with a total and previous/next — at a
fixed number of statements, through the service and the API; the registration book likewise."""
import io
from datetime import timedelta

import openpyxl
import pytest

from archive_service.domain.errors import InvalidInput
from archive_service.services.archive import file_record as ledgers
from archive_service.services.archive import locations, receipt
from archive_service.services.imports import imports
from archive_service.services.ledgers import archive_ledger
from archive_service.services.reports import exports
from tests.conftest import NOW
from tests.ledgers.sheetfiles import GOOD, xlsx
from tests.sqlcount import count_statements


def numbers(page):
    return [r["archive_no"] for r in page["items"]]


def test_r3_ledger_filters(world, make_actor):
    locations.create_location(world.arch, code="R1-C1", name="一号柜", parent="R1", now=NOW)
    world.received(ended_on="2026-09-30")
    world.received(business="guarantee", ended_on="2026-08-03")
    imports.ledger(world.arch, xlsx(GOOD), "x.xlsx", dry_run=False, now=NOW)
    ledgers.move(world.arch, "XD-2018-0012", "R1-C1", now=NOW)
    page = lambda **f: numbers(archive_ledger.page(world.arch, **f))  # noqa: E731
    assert page(year="2018") == ["XD-2018-0012", "XD-2018-0011"]
    assert page(business="guarantee") == ["DB-2026-0001"]
    assert page(manager="wang") == ["DB-2026-0001", "XD-2026-0001"]
    assert page(manager="li") == ["XD-2018-0012", "XD-2018-0011"] and page(manager="zhao") == []
    assert page(location="R1-C1") == ["XD-2018-0012"]
    assert len(page(location="R1")) == 4  # a room holds what its cabinets hold
    assert page(received_from="2018-04-01", received_to="2018-04-02") == ["XD-2018-0012"]
    assert page(ended_from="2026-08-01", ended_to="2026-08-31") == ["DB-2026-0001"]
    assert page(imported="true") == ["XD-2018-0012", "XD-2018-0011"]
    assert page(customer=str(world.customer_id)) == ["DB-2026-0001", "XD-2026-0001"]
    assert page(q="刘二") == ["XD-2018-0012"] and page(q="%") == []
    row = archive_ledger.page(world.arch, year="2026", business="loan")["items"][0]
    assert (row["a_user_name"], row["b_user_name"], row["pages"]) == ("zhang", "wang", 30)


@pytest.mark.parametrize(("field", "value"), [("year", "twenty"), ("business", "car"), ("status", "lost"),
                                              ("location", "nowhere"), ("customer", "x"),
                                              ("received_from", "2018-13-01"), ("ended_to", "1999-01-01"),
                                              ("sort", "customer"), ("cursor", "not-a-cursor"), ("limit", "0")])
def test_r3_a_bad_filter_is_refused_with_its_field(world, field, value):
    with pytest.raises(InvalidInput) as e:
        archive_ledger.page(world.arch, **{field: value})
    assert field in e.value.errors or e.value.code.startswith("request.")


def test_r3_sorting_and_pages_forward_and_back_with_a_total(world):
    for _ in range(5):
        world.received()
    first = archive_ledger.page(world.arch, sort="archive_no", limit=2)
    assert numbers(first) == ["XD-2026-0001", "XD-2026-0002"] and first["total"] == 5
    assert first["prev_cursor"] is None
    second = archive_ledger.page(world.arch, sort="archive_no", limit=2, cursor=first["next_cursor"])
    assert numbers(second) == ["XD-2026-0003", "XD-2026-0004"]
    third = archive_ledger.page(world.arch, sort="archive_no", limit=2, cursor=second["next_cursor"])
    assert numbers(third) == ["XD-2026-0005"] and third["next_cursor"] is None
    back = archive_ledger.page(world.arch, sort="archive_no", limit=2, cursor=third["prev_cursor"])
    assert numbers(back) == numbers(second) and back["prev_cursor"] and back["next_cursor"]
    assert numbers(archive_ledger.page(world.arch, sort="archive_no", limit=2, cursor=back["prev_cursor"])) == \
        numbers(first)
    newest = archive_ledger.page(world.arch, sort="-received_at", limit=5)
    assert numbers(newest) == [f"XD-2026-000{n}" for n in (5, 4, 3, 2, 1)]  # same time: newest id first


def test_r3_pages_by_receipt_time_move_on_both_ways(world):
    for hour in range(4):
        handover = world.accepted()
        receipt.receive(world.arch, handover["id"], world.checks(handover), "R1", now=NOW + timedelta(hours=hour))
    whole = numbers(archive_ledger.page(world.arch, sort="-received_at"))
    first = archive_ledger.page(world.arch, sort="-received_at", limit=2)
    second = archive_ledger.page(world.arch, sort="-received_at", limit=2, cursor=first["next_cursor"])
    assert numbers(first) + numbers(second) == whole == [f"XD-2026-000{n}" for n in (4, 3, 2, 1)]
    assert numbers(archive_ledger.page(world.arch, sort="-received_at", limit=2, cursor=second["prev_cursor"])) == \
        numbers(first)


def test_r3_a_ledger_page_costs_the_same_statements_for_1_and_50_rows(world):
    world.received()
    with count_statements() as one:
        archive_ledger.page(world.arch, year="2026", location="R1")
    for _ in range(49):
        world.received()
    with count_statements() as fifty:
        found = archive_ledger.page(world.arch, year="2026", location="R1")
    assert len(found["items"]) == 50 and len(one) == len(fifty)


def test_r12_a_register_page_costs_the_same_statements_for_1_and_50_rows(world):
    world.received()
    with count_statements() as one:
        ledgers.register(world.arch, now=NOW)
    for _ in range(49):
        world.received()
    with count_statements() as fifty:
        found = ledgers.register(world.arch, now=NOW)
    assert len(found["items"]) == 50 and len(one) == len(fifty)


def test_r3_register_exports_with_dates_as_dates(world):
    archive = world.received()
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(
        exports.register_book(world.arch, "xlsx", "2026-10-01", "2026-10-31", now=NOW).chunks()))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "档号", "档案名称") and rows[1][1] == archive["archive_no"]
    assert rows[1][0].date().isoformat() == "2026-10-09" and rows[-1][:2] == ("合计", "1 条")
    with pytest.raises(InvalidInput):
        exports.register_book(world.arch, "csv", "2025-01-01", "2025-01-31", now=NOW)


def test_r3_ledger_through_the_api(received):
    arch = received["arch"]
    got = arch.get("/archives?business=loan&sort=-archive_no&limit=1&location=R1")
    page = got.get_json()
    assert got.status_code == 200, page
    assert page["total"] == 1 and page["items"][0]["archive_no"] == received["no"]
    assert arch.get("/archives?sort=owner").get_json()["code"] == "request.invalid_sort"
    assert arch.get("/archives.csv?manager=zhang").status_code == 200
    assert arch.get("/register.xlsx").status_code == 200
    assert arch.get("/archives.xlsx?manager=nobody").get_json()["code"] == "export.empty"
