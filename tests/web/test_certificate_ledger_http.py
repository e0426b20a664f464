"""R3: the certificate ledger (权证档案台帐) through the API and the pages — the old contract kept
(`items`, `next_cursor`, status/kind/project/q), with the total, previous page, sort and the new
filters; bad filters refused with a zh-CN 422; the page's filter form, sortable columns,
previous/next with the total, the printable layout and exports with the same filters and order."""
import base64
import csv
import io
import json

import openpyxl
import pytest

from tests.services.certificate_world import CERTS
from tests.web.certificate_people import stored_through_api

CURSOR_TOO_FAR = base64.urlsafe_b64encode(json.dumps(["QZ", 10**30, False]).encode()).decode()
MORE = [{**CERTS[0], "number": f"N-{n}"} for n in range(3)]


@pytest.fixture
def shelves(people):
    """CERTS in S9-A, MORE in S9-B (five certificates of the project P-2026-001, 2026, zhang/wang)."""
    first = stored_through_api(people, CERTS)
    second = stored_through_api(people, MORE, location="S9-B")
    return [c["code"] for c in first["certificates"] + second["certificates"]]


def codes(body):
    return [c["code"] for c in body["items"]]


def test_r3_certificate_ledger_api_keeps_its_contract_and_gains_total_previous_and_sort(people, shelves):
    arch = people["arch"]
    whole = arch.get("/certificates").get_json()
    assert {"items", "next_cursor", "total", "prev_cursor", "sort"} <= set(whole)
    assert codes(whole) == shelves[::-1] and whole["total"] == 5 and whole["sort"] == "-id"
    assert {"id", "code", "kind", "name", "number", "owner", "quantity", "status", "location"} <= set(
        whole["items"][0])
    assert len(arch.get("/certificates?status=in_safe&kind=equity_pledge&project=P-2026-001&q=股质").get_json()[
        "items"]) == 1
    older = arch.get(f"/certificates?limit=2&cursor={whole['items'][1]['id']}").get_json()  # a cursor of old: an id
    assert codes(older) == shelves[::-1][2:4]
    first = arch.get("/certificates?sort=code&limit=2&location=S9").get_json()
    assert codes(first) == shelves[:2] and first["total"] == 5 and first["prev_cursor"] is None
    second = arch.get(f"/certificates?sort=code&limit=2&location=S9&cursor={first['next_cursor']}").get_json()
    assert codes(second) == shelves[2:4]
    back = arch.get(f"/certificates?sort=code&limit=2&location=S9&cursor={second['prev_cursor']}").get_json()
    assert codes(back) == shelves[:2] and back["prev_cursor"] is None
    found = arch.get("/certificates?year=2026&business=loan&manager=wang&stored_from=2026-10-09"
                     "&stored_to=2026-10-09&location=S9-B&sort=-stored_at").get_json()
    assert sorted(codes(found)) == shelves[2:] and found["total"] == 3


@pytest.mark.parametrize(("query", "code"), [
    ("sort=owner", "request.invalid_sort"), ("status=lost", "request.invalid_filter"),
    ("kind=飞机", "request.invalid_filter"), ("location=nowhere", "request.invalid_filter"),
    ("business=car", "request.invalid_filter"), ("year=1999", "request.invalid"),
    ("cursor=not-a-cursor", "request.invalid_cursor"), (f"cursor={'9' * 30}", "request.invalid_cursor"),
    (f"sort=code&cursor={CURSOR_TOO_FAR}", "request.invalid_cursor"), ("stored_from=2026-13-01", "request.invalid")])
def test_r3_a_bad_certificate_ledger_filter_is_a_422_in_chinese(people, query, code):
    r = people["arch"].get(f"/certificates?{query}")
    body = r.get_json()
    assert r.status_code == 422 and body["code"] == code, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])


def test_r3_certificate_ledger_exports_use_the_list_filters_and_order(people, shelves):
    arch = people["arch"]
    table = arch.get("/certificates.csv?location=S9-B&sort=-code").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))
    assert [r[0] for r in rows[1:-1]] == shelves[2:][::-1] and rows[0][-5:] == ["年度", "业务类型", "A角", "B角",
                                                                                 "入库时间"]
    assert arch.get("/certificates.xlsx?manager=nobody").get_json()["code"] == "export.empty"
    assert arch.get("/certificates.xlsx?sort=owner").get_json()["code"] == "request.invalid_sort"


def test_r3_certificate_ledger_page_filters_sorts_pages_prints_and_exports(people, shelves, browser_login):
    client = browser_login("li")
    page = client.get("/certificates?location=S9&sort=code&limit=2").get_data(as_text=True)
    assert "共 5 件" in page and shelves[0] in page and shelves[2] not in page
    assert 'data-sort="code"' in page and 'aria-sort="ascending"' in page and "下一页" in page
    assert "sort=-code" in page  # the sorted column's header turns the order around
    later = client.get("/certificates?location=S9-B&sort=-stored_at").get_data(as_text=True)
    assert "共 3 件" in later and shelves[0] not in later and 'aria-sort="descending"' in later
    assert "没有符合条件的权证" in client.get("/certificates?business=guarantee").get_data(as_text=True)
    assert "筛选条件 status" in client.get("/certificates?status=lost").get_data(as_text=True)
    printed = client.get("/certificates/print?location=S9-B&sort=code").get_data(as_text=True)
    assert "@page { size: A4 landscape" in printed and "权证档案台帐" in printed and "合计 3 件" in printed
    assert printed.index(shelves[2]) < printed.index(shelves[4]) and shelves[0] not in printed
    book = openpyxl.load_workbook(io.BytesIO(client.get("/exports/certificates.xlsx?location=S9-B&sort=-code").data))
    assert [book.active.cell(n, 1).value for n in (2, 3, 4)] == shelves[2:][::-1]
