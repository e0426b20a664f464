"""R18 for scans, as a pure rule: the scanned pages against the pages on the list."""
from archive_service.domain.scans import Reconciliation, cover_code, cover_payload, file_complete, split_at_covers


def test_r18_scan_page_count_matches_list():
    match = Reconciliation(scanned=23, expected=23)
    assert match.complete and match.difference == 0 and "页数一致" in match.message


def test_r18_a_missing_page_is_named_with_its_count():
    short = Reconciliation(scanned=22, expected=23).as_dict()
    assert short["complete"] is False and short["difference"] == -1
    assert short["reconciliation"] == "页数不符:扫描 22 页,清单 23 页,少 1 页"
    assert "多 2 页" in Reconciliation(scanned=25, expected=23).message


def test_r18_a_file_is_complete_by_one_whole_scan_or_by_every_item():
    items = {1: 2, 2: 8}
    assert file_complete(10, [10], items, {})
    assert not file_complete(10, [9], items, {})
    assert file_complete(10, [], items, {1: [2], 2: [7, 8]})
    assert not file_complete(10, [], items, {1: [2]})
    assert not file_complete(0, [], {}, {})


def test_r18_a_batch_is_cut_at_cover_pages_and_loose_pages_are_reported():
    covers = [None, "XD-2026-0001", None, None, "XD-2026-0002", "XD-2026-0003", None]
    segments, loose = split_at_covers(covers)
    assert loose == [0]
    assert [(s.archive_no, s.cover_page, s.pages) for s in segments] == [
        ("XD-2026-0001", 1, (2, 3)), ("XD-2026-0002", 4, ()), ("XD-2026-0003", 5, (6,))]


def test_only_a_cover_qr_counts_as_a_cover():
    assert cover_code(["XD-2026-0001", cover_payload("XD-2026-0002")]) == "XD-2026-0002"
    assert cover_code(["XD-2026-0001"]) is None
    assert cover_code([cover_payload("")]) is None
