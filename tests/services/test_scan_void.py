"""R18: a wrong scan is voided, never deleted: kept in the history with the reason, out of the
page reconciliation, audited; bad voids change nothing."""
import io

import pytest

from archive_service.adapters import scan_store as store_module
from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from archive_service.models import AuditEntry, ScanFile
from archive_service.services.archive import scans as scan_service
from tests import scanfiles
from tests.conftest import NOW
from tests.services.handover_world import World

TOTAL = 30


@pytest.fixture
def world(make_actor):
    return World(make_actor)


@pytest.fixture
def store(tmp_path):
    return store_module.ScanStore(tmp_path / "scans", max_bytes=10 * 1024 * 1024)


def upload(world, no, pages, store):
    return scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(pages)), filename=f"{pages}.pdf",
                               store=store, now=NOW)


def state():
    return [(s.id, s.voided_at, s.void_reason) for s in ScanFile.select().order_by(ScanFile.id)], \
        AuditEntry.select().count()


def test_r18_a_voided_scan_stays_in_the_history_and_leaves_the_reconciliation(world, store):
    no = world.received()["archive_no"]
    wrong = upload(world, no, TOTAL, store)
    voided = scan_service.void(world.arch, wrong["id"], "  扫错了档案 ", now=NOW)
    assert (voided["voided"], voided["void_reason"], voided["voided_by_name"]) == (True, "扫错了档案", "li")
    listing = scan_service.of_archive(world.arch, no, now=NOW)
    assert listing["complete"] is False and [s["voided"] for s in listing["scans"]] == [True]
    assert AuditEntry.select().where(AuditEntry.action == "scan.void").count() == 1


def test_r18_the_same_content_uploaded_after_a_void_is_a_new_scan(world, store):
    no = world.received()["archive_no"]
    first = upload(world, no, TOTAL, store)
    scan_service.void(world.arch, first["id"], "误传", now=NOW)
    again = upload(world, no, TOTAL, store)
    assert again["id"] != first["id"] and again["duplicate"] is False and again["complete"] is True
    assert scan_service.of_archive(world.arch, no, now=NOW)["complete"] is True


@pytest.mark.parametrize(("reason", "error"), [("", InvalidInput), ("   ", InvalidInput), ("原\x00因", InvalidInput),
                                               ("长" * 201, InvalidInput), (None, InvalidInput)])
def test_r18_a_void_without_a_reason_is_refused_and_changes_nothing(world, store, reason, error):
    no = world.received()["archive_no"]
    scan = upload(world, no, 3, store)
    before = state()
    with pytest.raises(error) as refused:
        scan_service.void(world.arch, scan["id"], reason, now=NOW)
    assert refused.value.code == "scan.void_reason_required" and state() == before


def test_r18_a_scan_is_voided_once(world, store):
    no = world.received()["archive_no"]
    scan = upload(world, no, 3, store)
    scan_service.void(world.arch, scan["id"], "第一次", now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        scan_service.void(world.arch, scan["id"], "第二次", now=NOW)
    assert refused.value.code == "scan.already_voided" and state() == before


def test_r19_only_the_archivist_voids_and_unknown_scans_are_404(world, store):
    no = world.received()["archive_no"]
    scan = upload(world, no, 3, store)
    before = state()
    with pytest.raises(Forbidden):
        scan_service.void(world.a, scan["id"], "不对", now=NOW)
    with pytest.raises(NotFound):
        scan_service.void(world.arch, 9999, "不对", now=NOW)
    assert state() == before
