"""R3: the certificate ledger (权证档案台帐) as the archive ledger — filters by year, business, status,
kind, location, manager, customer, project, text and the day the certificates went into the safe;
sorting; keyset pages both ways with a total; bad filters refused in Chinese; a fixed number of
statements per page."""
from datetime import timedelta

import pytest

from archive_service.domain.errors import Forbidden, InvalidInput
from archive_service.services.custody import certificate_lists
from archive_service.services.handover import customers
from archive_service.services.ledgers import certificate_ledger
from tests.conftest import NOW
from tests.services.certificate_world import CERTS, World, checks_of
from tests.sqlcount import count_statements

LATER = NOW + timedelta(days=2)  # 2026-10-11 in Shanghai
OTHER = {"kind": "借款人财产权属证明", "name": "机动车登记证书", "number": "JDC-778899", "owner": "王五", "quantity": 1}


@pytest.fixture
def world(make_actor):
    return World(make_actor)


class Ledger:
    """The world's ledger: P-1 (loan, 2026, zhang/wang, 李四商贸) with CERTS in S9-A since NOW, one
    of them lent; P-2 (guarantee, 2025, sun/wang, 王五) with OTHER in S9-B since LATER; P-3 (loan,
    2026, zhang/sun, 李四商贸) with one certificate listed, not yet stored."""

    def __init__(self, world, make_actor):
        self.world, self.sun = world, make_actor("sun", "manager")
        wang_wu = customers.create_customer(world.custodian, name="王五", kind="person",
                                            id_number="110101199001011234", now=NOW)
        self.customer_id = wang_wu["id"]
        first = world.stored()["certificates"]
        self.lent = first[1]["number"]
        world.lent(first[1])
        second = self._project("P-2", "guarantee", "2025-06-30", "sun", "wang", self.customer_id)
        self._store(second, [OTHER], "S9-B", LATER)
        third = self._project("P-3", "loan", "2026-09-30", "zhang", "sun", world.customer_id)
        certificate_lists.create(world.a, third, [{**CERTS[0], "number": "X-1"}], now=LATER)

    def _project(self, code, business, ended_on, a, b, customer_id):
        return customers.create_project(self.world.custodian, code=code, customer_id=customer_id, business=business,
                                        title="贷款", amount="1000", a_user=a, b_user=b, ended_on=ended_on,
                                        now=NOW)["id"]

    def _store(self, project_id, certs, location, now):
        listed = certificate_lists.create(self.sun, project_id, certs, now=now)
        certificate_lists.confirm(self.world.b, listed["id"], checks_of(listed), now=now)
        certificate_lists.confirm(self.world.custodian, listed["id"], checks_of(listed), location, now=now)

    def numbers(self, **filters):
        return sorted(c["number"] for c in certificate_ledger.page(self.world.custodian, **filters)["items"])


@pytest.fixture
def ledger(world, make_actor):
    return Ledger(world, make_actor)


P1 = sorted(c["number"] for c in CERTS)


def test_r3_certificate_ledger_filters(ledger, world):
    numbers = ledger.numbers
    assert numbers(year="2026") == sorted([*P1, "X-1"]) and numbers(year=2025) == ["JDC-778899"]
    assert numbers(business="guarantee") == ["JDC-778899"]
    assert numbers(status="listed") == ["X-1"] and numbers(status="on_loan") == [ledger.lent]
    assert numbers(kind="borrower_title") == ["JDC-778899"] == numbers(kind="借款人财产权属证明")
    assert numbers(location="S9") == sorted([*P1, "JDC-778899"])  # a safe holds what its shelves hold
    assert numbers(location="S9-B") == ["JDC-778899"] and numbers(location="R1") == []
    assert numbers(manager="sun") == sorted(["JDC-778899", "X-1"])
    assert numbers(manager="wang") == sorted([*P1, "JDC-778899"]) and numbers(manager="nobody") == []
    assert numbers(customer=str(ledger.customer_id)) == ["JDC-778899"]
    assert numbers(customer=world.customer_id) == sorted([*P1, "X-1"])
    assert numbers(stored_from="2026-10-10") == ["JDC-778899"]
    assert numbers(stored_from="2026-10-09", stored_to="2026-10-09") == P1
    assert numbers(stored_to="2026-10-11") == sorted([*P1, "JDC-778899"])  # never stored: in no range
    assert numbers(project="P-3") == ["X-1"]
    assert numbers(q="股质") == [CERTS[1]["number"]] and numbers(q="王五") == ["JDC-778899"] and numbers(q="%") == []
    assert numbers(year="2026", manager="sun", status="listed", q="X-1") == ["X-1"]


def test_r3_a_certificate_ledger_row_carries_its_project_people_place_and_storing(ledger, world):
    row = certificate_ledger.page(world.custodian, business="guarantee")["items"][0]
    assert (row["code"], row["kind"], row["kind_code"], row["status"], row["status_name"]) == (
        row["code"], "借款人财产权属证明", "borrower_title", "in_safe", "在保险柜")
    assert (row["location"], row["location_path"], row["stored_at"]) == ("S9-B", "S9/S9-B", "2026-10-11T10:00:00+08:00")
    assert (row["project_code"], row["business_name"], row["year"], row["ended_on"]) == ("P-2", "担保", 2025,
                                                                                          "2025-06-30")
    assert (row["customer_name"], row["a_user"], row["b_user"], row["a_user_name"]) == ("王五", "sun", "wang", "sun")
    listed = certificate_ledger.page(world.custodian, status="listed")["items"][0]
    assert (listed["location"], listed["location_path"], listed["stored_at"]) == (None, None, None)


@pytest.mark.parametrize(("field", "value", "code"), [
    ("year", "twenty", "request.invalid_filter"), ("year", "1999", "request.invalid_filter"),
    ("business", "car", "request.invalid_filter"), ("status", "lost", "request.invalid_filter"),
    ("kind", "飞机", "request.invalid_filter"), ("location", "nowhere", "request.invalid_filter"),
    ("customer", "x", "request.invalid_filter"), ("stored_from", "2026-13-01", "request.invalid_date"),
    ("stored_to", "1999-01-01", "request.date_out_of_range"), ("sort", "owner", "request.invalid_sort"),
    ("cursor", "not-a-cursor", "request.invalid_cursor"), ("limit", "0", "request.invalid_limit")])
def test_r3_a_bad_certificate_filter_is_refused_in_chinese(world, field, value, code):
    with pytest.raises(InvalidInput) as refused:
        certificate_ledger.page(world.custodian, **{field: value})
    assert refused.value.code == code and field in refused.value.errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)


def test_r3_only_those_who_see_certificates_read_the_ledger(world):
    with pytest.raises(Forbidden):
        certificate_ledger.page(world.a)


def codes(page):
    return [c["code"] for c in page["items"]]


def test_r3_certificate_ledger_sorts_and_pages_both_ways_with_a_total(ledger, world):
    everything = codes(certificate_ledger.page(world.custodian, sort="code"))
    assert everything == sorted(everything) and len(everything) == 4
    first = certificate_ledger.page(world.custodian, sort="code", limit=3)
    assert codes(first) == everything[:3] and first["total"] == 4 and first["prev_cursor"] is None
    assert first["sort"] == "code"
    second = certificate_ledger.page(world.custodian, sort="code", limit=3, cursor=first["next_cursor"])
    assert codes(second) == everything[3:] and second["next_cursor"] is None and second["total"] == 4
    back = certificate_ledger.page(world.custodian, sort="code", limit=3, cursor=second["prev_cursor"])
    assert codes(back) == everything[:3] and back["prev_cursor"] is None and back["next_cursor"]
    newest = certificate_ledger.page(world.custodian)
    assert codes(newest) == everything[::-1] and newest["sort"] == "-id"
    assert [c["status"] for c in certificate_ledger.page(world.custodian, sort="status")["items"]] == [
        "in_safe", "in_safe", "listed", "on_loan"]


@pytest.mark.parametrize("sort", ["stored_at", "-stored_at", "status", "-code"])
def test_r3_walking_the_certificate_ledger_by_one_sees_every_row_once_both_ways(ledger, world, sort):
    whole = codes(certificate_ledger.page(world.custodian, sort=sort))
    seen, found = [], certificate_ledger.page(world.custodian, sort=sort, limit=1)
    while True:
        seen += codes(found)
        if not found["next_cursor"]:
            break
        found = certificate_ledger.page(world.custodian, sort=sort, limit=1, cursor=found["next_cursor"])
    assert seen == whole
    back = []
    while True:
        back = codes(found) + back
        if not found["prev_cursor"]:
            break
        found = certificate_ledger.page(world.custodian, sort=sort, limit=1, cursor=found["prev_cursor"])
    assert back == whole


def test_r3_by_storing_time_the_certificates_not_yet_stored_come_last(ledger, world):
    rows = certificate_ledger.page(world.custodian, sort="stored_at")["items"]
    assert [r["stored_at"][:10] if r["stored_at"] else None for r in rows] == [
        "2026-10-09", "2026-10-09", "2026-10-11", None]


def test_r3_a_certificate_ledger_page_costs_the_same_statements_for_1_and_50_rows(world):
    filters = {"year": "2026", "location": "S9", "manager": "zhang", "stored_from": "2026-10-01", "q": "N-",
               "sort": "-stored_at"}
    world.stored([{**CERTS[0], "number": "N-first"}])
    with count_statements() as one:
        assert len(certificate_ledger.page(world.custodian, **filters)["items"]) == 1
    world.stored([{**CERTS[0], "number": f"N-{n}"} for n in range(49)], location="S9-B")
    with count_statements() as fifty:
        found = certificate_ledger.page(world.custodian, **filters)
    assert len(found["items"]) == 50 and found["total"] == 50 and len(one) == len(fifty) == 3
    middle = certificate_ledger.page(world.custodian, **filters, limit=20)
    with count_statements() as paged:
        assert len(certificate_ledger.page(world.custodian, **filters, limit=20, cursor=middle["next_cursor"])[
            "items"]) == 20
    assert len(paged) == 3
