"""The server killed with SIGKILL in the middle of uploads and receipts: after a restart nothing is
half-written (R1, R18), nothing committed is lost, orphans are swept and the audit chain verifies
(R19). Which statement the kill lands on varies from run to run; what must hold after it does not."""
import hashlib
import os
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter

from archive_service.domain import handovers as rules
from archive_service.models import ArchiveFile, Handover, HandoverItem, NumberCounter, RegisterEntry, ScanFile

pytestmark = pytest.mark.heavy


def big_pdf(megabytes, seed):
    """A valid PDF of about `megabytes` MB (a random attachment): copying it into the store takes a while."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment(f"payload-{seed}.bin", os.urandom(megabytes * 2**20))
    path = Path(f"/tmp/big-{os.getpid()}-{seed}.pdf")
    with open(path, "wb") as out:
        writer.write(out)
    data = path.read_bytes()
    path.unlink()
    return data


def in_flight(folder, timeout=60):
    """Wait until an upload is being written into the store's staging folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.stat().st_size > 0 for p in Path(folder).glob("upload-*") if p.exists()):
            return True
        time.sleep(0.005)
    return False


def assert_store_matches_records(scans):
    """Every scan record's file is stored whole (its content hashes to its name), and nothing else is."""
    stored = {p.name: p for p in Path(scans).glob("??/??/*")}
    for row in ScanFile.select():
        assert hashlib.sha256(stored[row.sha256].read_bytes()).hexdigest() == row.sha256
    assert set(stored) == {row.sha256 for row in ScanFile.select()}
    assert not list(Path(scans, "tmp").glob("upload-*"))


def test_r18_sigkill_during_an_upload_leaves_no_partial_scan_and_the_orphan_is_swept(world, servers, tmp_path):
    archive_no = world.received()["archive_no"]
    server = servers()
    server.sign_in("li")
    content = big_pdf(48, "killed")
    answers = []
    upload = threading.Thread(target=lambda: answers.append(server.upload(archive_no, content, as_user="li")))
    upload.start()
    assert in_flight(tmp_path / "scans" / "tmp"), "the upload never reached the store"
    server.kill()
    upload.join(60)
    assert answers[0][0] is None, "the upload was answered before the kill"

    restarted = servers()
    swept = restarted.cli("scans", "sweep", "--grace-hours", "0")
    assert swept.returncode == 0, swept.stderr
    assert_store_matches_records(tmp_path / "scans")
    assert restarted.cli("audit", "verify").returncode == 0
    restarted.sign_in("li")
    status, scan = restarted.upload(archive_no, content, as_user="li")
    assert status == 201, scan
    assert hashlib.sha256(content).hexdigest() == scan["sha256"]
    assert_store_matches_records(tmp_path / "scans")


def assert_receipts_whole():
    """Each list is either received in full (number, items numbered, register line, filed) or
    untouched; the numbers given are 1..n without a gap and the counter says n."""
    files = {a.handover_id: a for a in ArchiveFile.select()}
    for h in Handover.select():
        items = list(HandoverItem.select().where(HandoverItem.handover == h.id))
        if h.id in files:
            assert h.state == rules.RECEIVED
            assert all(i.number for i in items if not i.attachment)
            assert RegisterEntry.select().where(RegisterEntry.archive == files[h.id].id).count() == 1
        else:
            assert h.state == rules.ACCEPTED
            assert not any(i.number for i in items)
    seqs = sorted(a.seq for a in files.values())
    assert seqs == list(range(1, len(seqs) + 1))
    assert (NumberCounter.get_or_none() or NumberCounter(last_seq=0)).last_seq == len(seqs)
    return len(seqs)


def test_r13_sigkill_during_receipts_leaves_whole_receipts_and_gapless_numbers(world, servers):
    lists = [world.accepted() for _ in range(12)]
    server = servers()
    server.sign_in("li")
    answers = []

    def receive(h):
        checks = world.checks(h)
        answers.append(server.call("POST", f"/api/v1/handovers/{h['id']}/receive",
                                   {"checks": checks, "location": "R1"}, as_user="li")[0])

    threads = [threading.Thread(target=receive, args=(h,)) for h in lists]
    for t in threads:
        t.start()
    while not answers:
        time.sleep(0.005)
    server.kill()
    for t in threads:
        t.join(60)
    filed = assert_receipts_whole()
    assert 1 <= filed < len(lists), "the kill landed before or after every receipt"

    restarted = servers()
    assert restarted.cli("audit", "verify").returncode == 0
    restarted.sign_in("li")
    for h in lists:
        status, body = restarted.call("POST", f"/api/v1/handovers/{h['id']}/receive",
                                      {"checks": world.checks(h), "location": "R1"}, as_user="li")
        assert status in (200, 409), body
    assert assert_receipts_whole() == len(lists)
    assert restarted.cli("audit", "verify").returncode == 0
