"""The audit hash chain (R19), pure."""
from archive_service.domain.auditchain import GENESIS, entry_hash, first_break


def chain(n):
    entries, prev = [], GENESIS
    for i in range(1, n + 1):
        e = {"id": i, "at": f"2026-10-0{i}T00:00:00", "actor": "li", "action": "x", "object_type": "t",
             "object_id": str(i), "summary": "{}", "client_addr": "127.0.0.1", "prev_hash": prev}
        e["hash"] = entry_hash(prev, e)
        prev = e["hash"]
        entries.append(e)
    return entries


def test_r19_whole_chain_verifies():
    entries = chain(4)
    assert first_break(entries, 4, entries[-1]["hash"]) is None


def test_r19_edited_entry_is_named():
    entries = chain(4)
    entries[2]["summary"] = '{"pages": 1}'
    assert first_break(entries, 4, entries[-1]["hash"]) == (3, "edited")


def test_r19_deleted_entry_is_named():
    entries = chain(4)
    del entries[1]
    assert first_break(entries, 4, entries[-1]["hash"]) == (2, "missing")


def test_r19_deleted_tail_is_named():
    entries = chain(4)
    head_hash = entries[-1]["hash"]
    assert first_break(entries[:3], 4, head_hash) == (4, "missing")


def test_r19_inserted_entry_is_named():
    entries = chain(5)
    assert first_break(entries, 4, entries[3]["hash"]) == (5, "inserted")


def test_r19_a_chain_checked_from_a_checkpoint_starts_at_the_entry_after_it():
    entries = chain(5)
    rest = entries[2:]
    assert first_break(rest, 5, entries[-1]["hash"], start_id=2, start_hash=entries[1]["hash"]) is None
    assert first_break(rest, 5, entries[-1]["hash"], start_id=2, start_hash=GENESIS) == (3, "broken_link")
    assert first_break(entries[3:], 5, entries[-1]["hash"], start_id=2, start_hash=entries[1]["hash"]) == (
        3, "missing")
