"""Stock-takes of a safe (R16): the expected list frozen at the start, each label once, and the
close: found / missing / misplaced / unexpected / on loan, with a signed PDF report."""
import json

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput
from archive_service.models import Stocktake
from archive_service.services.archive import locations
from archive_service.services.custody import stocktakes
from tests.conftest import NOW
from tests.services import handover_world
from tests.services.certificate_world import CERTS, World, snapshot
from tests.sqlcount import count_statements


@pytest.fixture
def world(make_actor):
    return World(make_actor)


def _refused(error, code, call):
    before = snapshot()
    with pytest.raises(error) as refused:
        call()
    assert refused.value.code == code
    assert snapshot() == before
    return refused.value


def test_r16_a_stocktake_finds_one_missing_and_one_misplaced(world):
    first, second = (c["code"] for c in world.stored()["certificates"])
    third = world.stored([{**CERTS[0], "number": "N-3", "kind": "借款人财产权属证明"}])["certificates"][0]["code"]
    take = stocktakes.start(world.custodian, "S9", now=NOW)
    assert sorted(e["code"] for e in take["expected"]) == sorted([first, second, third])
    stocktakes.scan(world.custodian, take["id"], second, "S9-A", now=NOW)
    stocktakes.scan(world.custodian, take["id"], third, "S9-B", now=NOW)
    result = stocktakes.close(world.custodian, take["id"], now=NOW)
    assert (result["found"], result["missing"], result["misplaced"]) == ([second], [first], [third])
    assert result["unexpected"] == [] and result["on_loan"] == []
    closed = stocktakes.get(world.custodian, take["id"])
    assert closed["closed_by"] == "陈权证" and closed["result_hash"] == result["result_hash"]
    assert stocktakes.report(world.custodian, take["id"], "http://x/", now=NOW).startswith(b"%PDF")


def test_r16_the_expected_list_is_frozen_at_the_start(world):
    take = stocktakes.start(world.custodian, "S9", now=NOW)
    late = world.stored()["certificates"][0]["code"]
    stocktakes.scan(world.custodian, take["id"], late, "S9-A", now=NOW)
    result = stocktakes.close(world.custodian, take["id"], now=NOW)
    assert result["unexpected"] == [late] and result["missing"] == []


def test_r16_the_same_label_twice_counts_once(world):
    code = world.stored()["certificates"][0]["code"]
    take = stocktakes.start(world.custodian, "S9", now=NOW)
    assert stocktakes.scan(world.custodian, take["id"], code, "S9-A", now=NOW)["duplicate"] is False
    before = snapshot()
    again = stocktakes.scan(world.custodian, take["id"], code, "S9-B", now=NOW)
    assert (again["duplicate"], again["scanned"]) == (True, 1) and snapshot() == before
    assert code in stocktakes.close(world.custodian, take["id"], now=NOW)["found"]


def test_r16_a_certificate_on_loan_is_reported_as_on_loan(world):
    cert = world.stored()["certificates"][0]
    world.lent(cert)
    take = stocktakes.start(world.custodian, "S9", now=NOW)
    assert stocktakes.close(world.custodian, take["id"], now=NOW)["on_loan"] == [cert["code"]]


@pytest.mark.parametrize("code, error", [("QZ-2026-999999", "stocktake.unknown_code"),
                                         ("garbage", "stocktake.unknown_code"),
                                         ("S9-B", "stocktake.location_label"),
                                         ("", "stocktake.code_required")])
def test_r16_an_unknown_or_foreign_code_is_refused(world, code, error):
    world.stored()
    take = stocktakes.start(world.custodian, "S9", now=NOW)
    _refused(InvalidInput, error, lambda: stocktakes.scan(world.custodian, take["id"], code, "S9-A", now=NOW))


def test_r16_a_scan_outside_the_safe_or_in_a_closed_stocktake_is_refused(world):
    code = world.stored()["certificates"][0]["code"]
    locations.create_location(world.custodian, code="S8", name="二号保险柜", safe=True, now=NOW)
    take = stocktakes.start(world.custodian, "S9", now=NOW)
    _refused(InvalidInput, "stocktake.location_outside",
             lambda: stocktakes.scan(world.custodian, take["id"], code, "S8", now=NOW))
    _refused(InvalidInput, "certificate.location_not_safe",
             lambda: stocktakes.scan(world.custodian, take["id"], code, "R1", now=NOW))
    _refused(Conflict, "stocktake.not_closed", lambda: stocktakes.report(world.custodian, take["id"], "u", now=NOW))
    stocktakes.close(world.custodian, take["id"], now=NOW)
    _refused(Conflict, "stocktake.closed",
             lambda: stocktakes.scan(world.custodian, take["id"], code, "S9-A", now=NOW))
    _refused(Conflict, "stocktake.closed", lambda: stocktakes.close(world.custodian, take["id"], now=NOW))


def test_r16_a_stocktake_is_of_a_safe_one_at_a_time_by_a_custodian(world):
    _refused(InvalidInput, "certificate.location_not_safe", lambda: stocktakes.start(world.custodian, "R1", now=NOW))
    _refused(Forbidden, "auth.forbidden", lambda: stocktakes.start(world.a, "S9", now=NOW))
    stocktakes.start(world.custodian, "S9", now=NOW)
    _refused(Conflict, "stocktake.already_open", lambda: stocktakes.start(world.second, "S9", now=NOW))
    assert json.loads(Stocktake.get().expected) == []


def test_stocktake_list_runs_the_same_statements_for_1_and_50(world):
    for n in range(50):
        locations.create_location(world.custodian, code=f"T{n}", name="保险柜", safe=True, now=NOW)
    stocktakes.start(world.custodian, "T0", now=NOW)
    with count_statements() as one:
        assert len(stocktakes.recent(world.custodian)) == 1
    for n in range(1, 50):
        stocktakes.start(world.custodian, f"T{n}", now=NOW)
    with count_statements() as fifty:
        assert len(stocktakes.recent(world.custodian)) == 50
    assert len(one) == len(fifty)


def test_r16_a_foreign_code_an_archive_number_is_refused_by_name(make_actor):
    files = handover_world.World(make_actor)
    archive_no = files.received()["archive_no"]
    custodian = make_actor("chen", "custodian")
    locations.create_location(custodian, code="S9", name="保险柜", safe=True, now=NOW)
    take = stocktakes.start(custodian, "S9", now=NOW)
    err = _refused(InvalidInput, "stocktake.foreign_code",
                   lambda: stocktakes.scan(custodian, take["id"], archive_no, "S9", now=NOW))
    assert err.message == f"{archive_no} 不是权证标签,而是档案的编码"


def _safe_in_a_room(world):
    """Room R1 (not a safe) → safe R1-S01 → drawer R1-S01-A; another safe R1-S02 in the same room."""
    for code, parent in (("R1-S01", "R1"), ("R1-S01-A", "R1-S01"), ("R1-S02", "R1")):
        locations.create_location(world.custodian, code=code, name="保险柜", parent=parent, safe=True, now=NOW)


def test_r16_stocktake_of_a_safe_inside_a_room(world):
    _safe_in_a_room(world)
    first, second = (c["code"] for c in world.stored(location="R1-S01")["certificates"])
    inner = world.stored([{**CERTS[0], "number": "N-3", "kind": "借款人财产权属证明"}],
                         location="R1-S01-A")["certificates"][0]["code"]
    elsewhere = world.stored([{**CERTS[0], "number": "N-4", "kind": "借款人财产权属证明"}],
                             location="R1-S02")["certificates"][0]["code"]
    take = stocktakes.start(world.custodian, "R1-S01", now=NOW)
    assert (take["location"], take["location_path"]) == ("R1-S01", "R1/R1-S01")
    assert sorted(e["code"] for e in take["expected"]) == sorted([first, second, inner])
    stocktakes.scan(world.custodian, take["id"], first, "R1-S01", now=NOW)
    stocktakes.scan(world.custodian, take["id"], inner, "R1-S01-A", now=NOW)
    _refused(InvalidInput, "stocktake.location_outside",
             lambda: stocktakes.scan(world.custodian, take["id"], elsewhere, "R1-S02", now=NOW))
    result = stocktakes.close(world.custodian, take["id"], now=NOW)
    assert (result["found"], result["missing"]) == (sorted([first, inner]), [second])
    assert [(r["location"], r["location_path"]) for r in stocktakes.recent(world.custodian)] == [
        ("R1-S01", "R1/R1-S01")]


def test_r16_a_drawer_inside_a_safe_is_stock_taken_on_its_own(world):
    _safe_in_a_room(world)
    world.stored(location="R1-S01")
    inner = world.stored([{**CERTS[0], "number": "N-3", "kind": "借款人财产权属证明"}],
                         location="R1-S01-A")["certificates"][0]["code"]
    take = stocktakes.start(world.custodian, "R1-S01-A", now=NOW)
    assert [e["code"] for e in take["expected"]] == [inner]
    _refused(InvalidInput, "certificate.location_not_safe", lambda: stocktakes.start(world.custodian, "R1", now=NOW))
