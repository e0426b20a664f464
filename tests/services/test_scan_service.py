"""Scans through the services (R18, R19): refusals change nothing, every read is audited, and a
failure between storing and committing leaves only an orphan the sweep removes."""
import io
from datetime import timedelta

import pytest

from archive_service.adapters import scan_store as store_module
from archive_service.domain.errors import Conflict, Forbidden, InvalidInput
from archive_service.models import ArchiveFile, AuditEntry, ScanFile
from archive_service.services.archive import file_record as ledgers
from archive_service.services.archive import scans as scan_service
from archive_service.services.platform import audit
from tests import scanfiles
from tests.conftest import NOW
from tests.services.handover_world import World

TOTAL = 30  # pages of handover_world.ITEMS, attachments included


class Unreadable(io.RawIOBase):
    def read(self, size=-1):
        raise AssertionError("the upload must not be read before the caller is allowed")


@pytest.fixture
def world(make_actor):
    return World(make_actor)


@pytest.fixture
def store(tmp_path):
    return store_module.ScanStore(tmp_path / "scans", max_bytes=10 * 1024 * 1024)


def counts():
    return ScanFile.select().count(), AuditEntry.select().count()


def test_r18_whole_file_scan_is_reconciled_with_the_list_total(world, store):
    no = world.received()["archive_no"]
    done = scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(TOTAL)), filename="a.pdf", store=store,
                               now=NOW)
    assert (done["pages"], done["expected_pages"], done["complete"]) == (TOTAL, TOTAL, True)
    assert done["uploaded_at"] == "2026-10-09T10:00:00+08:00"


def test_r18_a_refused_file_changes_nothing(world, store):
    no = world.received()["archive_no"]
    before = counts()
    with pytest.raises(InvalidInput):
        scan_service.upload(world.arch, no, io.BytesIO(scanfiles.encrypted_pdf()), filename="a.pdf", store=store,
                            now=NOW)
    assert counts() == before and store.usage().files == 0


def test_r19_an_unauthorised_upload_is_refused_before_reading_it(world, store):
    no = world.received()["archive_no"]
    with pytest.raises(Forbidden):
        scan_service.upload(world.a, no, Unreadable(), filename="a.pdf", store=store, now=NOW)


def test_a_voided_file_takes_no_scans(world, store):
    no = world.received()["archive_no"]
    ledgers.void(world.arch, no, "录入错误", now=NOW)
    with pytest.raises(Conflict) as refused:
        scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(1)), filename="a.pdf", store=store, now=NOW)
    assert refused.value.code == "archive.voided" and store.usage().files == 0


def test_a_failure_after_storing_leaves_an_orphan_that_the_sweep_removes(world, store, monkeypatch):
    no = world.received()["archive_no"]
    before = counts()

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(3)), filename="a.pdf", store=store, now=NOW)
    monkeypatch.undo()
    assert counts() == before and store.usage().files == 1
    assert scan_service.sweep(store, now=NOW + timedelta(days=3650)) != []
    assert store.usage().files == 0


def test_the_sweep_keeps_what_a_record_names(world, store):
    no = world.received()["archive_no"]
    kept = scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(2)), filename="a.pdf", store=store, now=NOW)
    assert scan_service.sweep(store, now=NOW + timedelta(days=3650)) == []
    assert store.path(kept["sha256"]).exists()


def test_r19_listing_and_downloading_are_audited_per_reader(world, store, make_actor):
    no = world.received()["archive_no"]
    scan = scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(TOTAL)), filename="a.pdf", store=store,
                               now=NOW)
    auditor = make_actor("shen", "auditor", display_name="沈审计")
    listing = scan_service.of_archive(auditor, no, now=NOW)
    assert listing["complete"] is True and listing["scans"][0]["id"] == scan["id"]
    name, copy = scan_service.download(auditor, scan["id"], store=store, now=NOW)
    with copy:
        assert name == f"{no}-scan-{scan['id']}.pdf" and copy.read(5) == b"%PDF-"
    reads = [(e.actor, e.action) for e in AuditEntry.select().where(AuditEntry.actor == "shen")]
    assert reads == [("shen", "scan.list"), ("shen", "scan.download")]


def test_r19_a_chinese_archive_number_downloads_under_its_own_name(world, store, make_actor):
    from archive_service.models import ArchiveFile

    no = world.received()["archive_no"]
    ArchiveFile.update(archive_no="档-2026-0001").where(ArchiveFile.archive_no == no).execute()
    scan = scan_service.upload(world.arch, "档-2026-0001", io.BytesIO(scanfiles.pdf(1)), filename="a.pdf",
                               store=store, now=NOW)
    name, copy = scan_service.download(world.arch, scan["id"], store=store, now=NOW)
    copy.close()
    assert name.startswith("档-2026-0001")


class DestroyedWhileRead(io.BytesIO):
    """A scan whose file is destroyed (another transaction commits) while its bytes are stored."""

    def __init__(self, data, archive_no):
        super().__init__(data)
        self.archive_no = archive_no

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            ArchiveFile.update(status="destroyed").where(
                ArchiveFile.archive_no == self.archive_no).execute()
        return chunk


def test_r23_a_destruction_committed_while_a_scan_uploads_wins(world, store):
    no = world.received()["archive_no"]
    scans_before = ScanFile.select().count()
    with pytest.raises(Conflict) as refused:
        scan_service.upload(world.arch, no, DestroyedWhileRead(scanfiles.pdf(TOTAL), no), filename="a.pdf",
                            store=store, now=NOW)
    assert refused.value.code == "archive.destroyed"
    assert ScanFile.select().count() == scans_before
