"""Two servers on one database and one scan store take receipts and uploads at once while the scan
sweep runs: numbers stay gapless (R13), every scan is stored whole (R18), the sweep removes nothing
that is referenced, and the audit chain verifies (R19)."""
import hashlib
import threading
from pathlib import Path

import pytest

from archive_service.models import ArchiveFile, ScanFile
from tests import scanfiles

pytestmark = pytest.mark.heavy


def test_r13_r18_r19_two_servers_receive_upload_and_sweep_at_once(world, servers, tmp_path):
    first = world.received()["archive_no"]
    lists = [world.accepted() for _ in range(8)]
    pdfs = [scanfiles.pdf(pages=n) for n in range(1, 7)]
    pair = [servers(), servers()]
    for server in pair:
        server.sign_in("li")
    answers, sweeps = [], []

    def receive(server, h):
        answers.append(("receipt", *server.call("POST", f"/api/v1/handovers/{h['id']}/receive",
                                                {"checks": world.checks(h), "location": "R1"}, as_user="li")))

    def upload(server, pdf):
        answers.append(("upload", *server.upload(first, pdf, as_user="li")))

    def sweep(server):
        sweeps.append(server.cli("scans", "sweep"))

    work = [threading.Thread(target=receive, args=(pair[n % 2], h)) for n, h in enumerate(lists)]
    work += [threading.Thread(target=upload, args=(pair[n % 2], pdf)) for n, pdf in enumerate(pdfs)]
    work += [threading.Thread(target=sweep, args=(server,)) for server in pair]
    for t in work:
        t.start()
    for t in work:
        t.join(120)

    assert sorted(status for _, status, _ in answers) == [200] * len(lists) + [201] * len(pdfs), answers
    numbers = sorted(body["archive_no"] for kind, _, body in answers if kind == "receipt")
    assert numbers == [f"XD-2026-{n:04d}" for n in range(2, 10)]
    assert sorted(a.seq for a in ArchiveFile.select()) == list(range(1, 10))
    assert all(s.returncode == 0 for s in sweeps), [s.stderr for s in sweeps]
    stored = {p.name: p for p in Path(tmp_path / "scans").glob("??/??/*")}
    assert {row.sha256 for row in ScanFile.select()} == {hashlib.sha256(p).hexdigest() for p in pdfs} == set(stored)
    for name, path in stored.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == name
    assert pair[0].cli("audit", "verify").returncode == 0
