"""The bench's generated archive (benchmarks/world.py): loaded set-based in the database, it must
hold what the services would have written, and leave the migrated schema exactly as it was."""
from collections import Counter, defaultdict
from datetime import datetime

import pytest

from archive_service import migrations
from archive_service.db import bind, database, is_sqlite, transaction
from archive_service.domain import numbering
from archive_service.services.platform import search_index
from benchmarks import world as worlds
from tests.conftest import PG_URL
from tests.schema import describe

FILES = 480


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def built(request):
    """(world, schema as migrated, schema after the load) of one small generated archive."""
    if request.param == "postgres" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with worlds.scratch_database(request.param.replace("postgres", "postgresql"), PG_URL) as url:
        bind(url)
        with database.connection_context():
            migrations.upgrade()
            migrated = describe()
            world = worlds.build(request.param, url, FILES, report=lambda _line: None)
            yield world, migrated, describe()


def rows(sql, params=()):
    return database.execute_sql(sql.replace("?", database.param), params).fetchall()


def test_bench_world_leaves_the_migrated_indexes_and_foreign_keys_as_they_were(built):
    _, migrated, loaded = built
    assert loaded == migrated
    if is_sqlite():
        assert rows("PRAGMA journal_mode") == [("wal",)] and rows("PRAGMA foreign_keys") == [(1,)]
        assert rows("PRAGMA foreign_key_check") == []


def test_bench_world_search_index_is_what_the_service_writes(built):
    world, _, _ = built
    docs = "SELECT d.kind, d.ref, d.text FROM search_doc d"
    postings = "SELECT d.kind, d.ref, g.gram FROM search_gram g JOIN search_doc d ON d.id = g.doc_id"
    generated = set(rows(docs)), set(rows(postings))
    with transaction():
        search_index.rebuild()
    assert generated == (set(rows(docs)), set(rows(postings)))
    assert len(generated[0]) == FILES + FILES // worlds.FILES_PER_CUSTOMER
    for fragment in world.names:
        assert len(fragment) == 2
        assert rows("SELECT COUNT(*) FROM customer WHERE name LIKE ?", (f"%{fragment}%",))[0][0] > 0
        assert rows("SELECT COUNT(*) FROM project WHERE title LIKE ?", (f"%{fragment}%",))[0][0] == 0, \
            "the search workload's name fragments find customers only"


def test_bench_world_numbers_files_items_and_counters_like_the_services(built):
    world, _, _ = built
    scheme = numbering.NumberingScheme()
    files = rows("SELECT a.id, a.archive_no, a.series, a.seq, a.business, a.year, p.ended_on FROM archive_file a"
                 " JOIN project p ON p.id = a.project_id ORDER BY a.id")
    assert len(files) == FILES
    for _, archive_no, series, seq, business, year, ended_on in files:
        assert (archive_no, series) == (scheme.archive_no(business, year, seq), scheme.series(business, year))
        assert str(ended_on).startswith(str(year))
    by_series = defaultdict(list)
    for file_id, _, series, seq, *_ in files:
        by_series[series].append((file_id, seq))
    for numbered in by_series.values():
        assert [seq for _, seq in sorted(numbered)] == list(range(1, len(numbered) + 1))
    assert dict(rows("SELECT series, last_seq FROM number_counter")) == {s: len(n) for s, n in by_series.items()}
    items = defaultdict(list)
    for handover, part, position, attachment, contract, number, contract_number in rows(
            "SELECT handover_id, part, position, attachment, contract, number, contract_number FROM handover_item"
            " ORDER BY id"):
        items[handover].append(((part, position, bool(attachment), bool(contract)), (number, contract_number)))
    assert len(items) == FILES
    for file_id, archive_no, *_ in files:
        given = [numbers for _, numbers in items[file_id]]
        expected = numbering.item_numbers(archive_no, [shape for shape, _ in items[file_id]])
        assert given == [(e.number, e.contract_number) for e in expected]
    ledger = [f for f in files if (f[5], f[4]) == (world.filter["year"], world.filter["business"])]
    assert len(ledger) > FILES // 30, "the ledger workload's year and business filter matches many files"


def test_bench_world_loans_are_mostly_back_some_out_and_late(built):
    loans = rows("SELECT l.state, l.object_code, l.out_key, l.due_on, l.checked_out_at, l.returned_at,"
                 " l.returned_pages, a.archive_no, a.received_at,"
                 " (SELECT SUM(i.pages) FROM handover_item i WHERE i.handover_id = a.handover_id)"
                 " FROM loan l JOIN archive_file a ON a.id = l.archive_id")
    assert len(loans) == FILES
    states = Counter(state for state, *_ in loans)
    assert states == {"out": FILES // worlds.OUT_EVERY, "returned": FILES - FILES // worlds.OUT_EVERY}
    now = worlds.NOW.replace(tzinfo=None)
    late = 0
    for state, code, out_key, due_on, taken, returned, pages, archive_no, received, recorded in loans:
        taken, received = _moment(taken), _moment(received)
        assert code == archive_no and received < taken < now
        if state == "out":
            assert (out_key, returned, pages) == (f"archive:{code}", None, None)
            late += _day(due_on) < worlds.AS_OF
        else:
            assert out_key is None and taken < _moment(returned) < now and pages == recorded
    assert 0 < late < states["out"]


def _moment(value):
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _day(value):
    return value if not isinstance(value, str) else datetime.fromisoformat(value).date()
