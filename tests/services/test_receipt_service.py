"""Receipt, numbering, registration and filing (R11–R13, R20, R22) through the services."""
import threading

import pytest

from archive_service.db import database
from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from archive_service.models import ArchiveFile, HandoverItem, RegisterEntry
from archive_service.services.archive import file_record as ledgers
from archive_service.services.archive import locations, receipt
from archive_service.services.archive import number_scheme as numbering
from archive_service.services.handover import handovers
from archive_service.services.ledgers import archive_ledger
from tests.conftest import NOW
from tests.services.handover_world import World, snapshot


@pytest.fixture
def world(make_actor):
    return World(make_actor)


def test_r11_mismatch_refused_numbers_nothing(world):
    h = world.accepted()
    checks = world.checks(h)
    checks[1]["pages"] -= 1
    del checks[3]
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receipt.receive(world.arch, h["id"], checks, "R1", now=NOW)
    assert refused.value.code == "handover.pages_mismatch"
    diffs = refused.value.details["differences"]
    assert [(d["title"], d["expected"], d["counted"], d["problem"]) for d in diffs] == [
        ("借款合同", 8, 7, "pages_differ"), ("调查报告", 12, None, "not_checked")]
    assert snapshot() == before
    assert HandoverItem.select().where(HandoverItem.number.is_null(False)).count() == 0


def test_r11_r12_match_signs_registers_and_numbers(world):
    f = world.received()
    assert f["archive_no"] == "XD-2026-0001" and f["status"] == "in_archive"
    h = handovers.get(world.arch, f["handover_id"], now=NOW)
    assert [s["role"] for s in h["signatures"]] == ["A", "B", "archivist"]
    assert h["signatures"][2]["content_hash"] == h["signatures"][1]["content_hash"]
    entry = RegisterEntry.get()
    assert (entry.handed_over_by.username, entry.received_by.username) == ("wang", "li")
    book = ledgers.register(world.arch, date_from="2026-10-09", date_to="2026-10-09", now=NOW)
    assert [e["archive_no"] for e in book["items"]] == ["XD-2026-0001"]
    assert ledgers.register(world.arch, date_from="2026-10-10", now=NOW)["items"] == []


def test_r9_attachments_are_not_numbered_and_contracts_get_ht_numbers(world):
    f = world.received()
    assert [(i["title"], i["number"]) for i in f["items"]] == [
        ("审批表", "XD-2026-0001-001"), ("借款合同", "XD-2026-0001-002"), ("借款合同(客户联)", None),
        ("调查报告", "XD-2026-0001-003")]
    assert [c["number"] for c in f["contracts"]] == ["XD-2026-0001-HT01"]
    assert f["attachments"][0]["number"] is None


def test_r20_numbers_run_per_business_and_year(world):
    assert world.received()["archive_no"] == "XD-2026-0001"
    assert world.received(business="guarantee")["archive_no"] == "DB-2026-0001"
    assert world.received(ended_on="2025-12-30")["archive_no"] == "XD-2025-0001"
    assert world.received()["archive_no"] == "XD-2026-0002"


def test_r11_receiving_twice_is_refused(world):
    f = world.received()
    h = handovers.get(world.arch, f["handover_id"], now=NOW)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receipt.receive(world.arch, h["id"], world.checks(h), "R1", now=NOW)
    assert refused.value.code == "handover.already_received"
    assert snapshot() == before


def test_r11_only_an_accepted_list_is_received_and_only_by_the_archivist(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    before = snapshot()
    with pytest.raises(Conflict) as early:
        receipt.receive(world.arch, h["id"], world.checks(h), "R1", now=NOW)
    assert early.value.code == "handover.cannot_receive"
    with pytest.raises(Forbidden):
        receipt.receive(world.b, h["id"], world.checks(h), "R1", now=NOW)
    assert snapshot() == before


def test_r22_receipt_needs_a_known_location(world):
    h = world.accepted()
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        receipt.receive(world.arch, h["id"], world.checks(h), "NOWHERE", now=NOW)
    assert refused.value.code == "location.not_found"
    assert snapshot() == before


def test_r22_locations_nest_room_cabinet_shelf_box_and_moves_are_recorded(world):
    levels = [locations.create_location(world.arch, code=c, name=c, parent=p, now=NOW)["level"]
              for c, p in (("R1-C1", "R1"), ("R1-C1-S1", "R1-C1"), ("R1-C1-S1-B1", "R1-C1-S1"))]
    assert levels == ["cabinet", "shelf", "box"]
    with pytest.raises(InvalidInput) as deep:
        locations.create_location(world.arch, code="X", name="X", parent="R1-C1-S1-B1", now=NOW)
    assert deep.value.code == "location.too_deep"
    with pytest.raises(Conflict):
        locations.create_location(world.arch, code="R1", name="again", now=NOW)
    f = world.received()
    moved = ledgers.move(world.arch, f["archive_no"], "R1-C1-S1-B1", "上架", now=NOW)
    assert moved["location"]["path"] == "R1/R1-C1/R1-C1-S1/R1-C1-S1-B1"
    assert [(m["from"], m["to"]) for m in moved["moves"]] == [(None, "R1"), ("R1", "R1-C1-S1-B1")]


def test_r13_voided_number_stays_in_the_ledger_and_is_never_reused(world):
    f = world.received()
    with pytest.raises(InvalidInput) as no_reason:
        ledgers.void(world.arch, f["archive_no"], " ", now=NOW)
    assert no_reason.value.code == "archive.reason_required"
    ledgers.void(world.arch, f["archive_no"], "重复立卷", now=NOW)
    assert world.received()["archive_no"] == "XD-2026-0002"
    ledger = archive_ledger.page(world.arch, status="voided")
    assert [(r["archive_no"], r["status"]) for r in ledger["items"]] == [("XD-2026-0001", "voided")]
    assert ledgers.get_archive(world.arch, "XD-2026-0001", now=NOW)["void_reason"] == "重复立卷"


def test_r3_ledger_filters_and_keyset_pages(world):
    for _ in range(3):
        world.received()
    world.received(business="guarantee")
    page = archive_ledger.page(world.arch, business="loan", limit=2)
    assert [r["archive_no"] for r in page["items"]] == ["XD-2026-0003", "XD-2026-0002"]
    rest = archive_ledger.page(world.arch, business="loan", limit=2, cursor=page["next_cursor"])
    assert [r["archive_no"] for r in rest["items"]] == ["XD-2026-0001"] and rest["next_cursor"] is None
    assert archive_ledger.page(world.arch, q="DB-2026")["items"][0]["business"] == "guarantee"
    assert archive_ledger.page(world.arch, year="2025")["items"] == []
    with pytest.raises(InvalidInput):
        archive_ledger.page(world.arch, year="twenty")
    with pytest.raises(NotFound):
        ledgers.get_archive(world.arch, "XD-2099-0001", now=NOW)


def test_r13_configured_dat13_pattern_is_used(world, admin):
    numbering.set_scheme(admin, pattern="{fonds}-{category}·{year}-{retention}-{seq:04d}", fonds="J001",
                        retention="D30", now=NOW)
    assert world.received()["archive_no"] == "J001-KH·2026-D30-0001"
    with pytest.raises(Forbidden):
        numbering.set_scheme(world.arch, pattern="{year}-{seq}", now=NOW)


def test_r13_eight_concurrent_receipts_are_gapless(world):
    """Eight workers, each on its own connection, receive eight files at once."""
    lists = [world.accepted() for _ in range(8)]
    database.close()
    barrier, results, errors = threading.Barrier(8), [], []

    def work(h):
        database.connect()
        try:
            barrier.wait()
            results.append(receipt.receive(world.arch, h["id"], world.checks(h), "R1", now=NOW)["archive_no"])
        except Exception as exc:
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=work, args=(h,)) for h in lists]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    database.connect()
    assert errors == []
    assert sorted(results) == [f"XD-2026-{n:04d}" for n in range(1, 9)]
    assert ArchiveFile.select().count() == 8
    numbers = [i.number for i in HandoverItem.select().where(HandoverItem.number.is_null(False))]
    assert len(numbers) == len(set(numbers)) == 24
