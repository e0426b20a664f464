"""Two archivists receive the same list at the same moment: one files it, the other is told it
is already filed; one number is used (R13)."""
import threading

from archive_service.db import database
from archive_service.domain.errors import Conflict
from archive_service.models import ArchiveFile, NumberCounter, RegisterEntry
from archive_service.services.archive import receipt
from archive_service.services.platform import audit
from tests.conftest import NOW


def test_r13_two_archivists_receiving_one_list_at_once_file_it_once(world, make_actor):
    second = make_actor("zhou", "archivist")
    h = world.accepted()
    database.close()
    barrier, filed, refused = threading.Barrier(2), [], []

    def receive(archivist):
        database.connect()
        try:
            barrier.wait()
            filed.append(receipt.receive(archivist, h["id"], world.checks(h), "R1", now=NOW)["archive_no"])
        except Conflict as conflict:
            refused.append(conflict)
        finally:
            database.close()

    threads = [threading.Thread(target=receive, args=(who,)) for who in (world.arch, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    database.connect()
    assert filed == ["XD-2026-0001"]
    assert [c.code for c in refused] == ["handover.already_received"]
    assert refused[0].details == {"archive_no": "XD-2026-0001"}
    assert ArchiveFile.select().count() == RegisterEntry.select().count() == 1
    assert NumberCounter.get().last_seq == 1
    assert audit.verify_chain()["ok"]
