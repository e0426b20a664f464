"""R18 for scans, as a pure rule: the scanned pages against the pages on the list."""
from archive_service.domain.scans import Reconciliation, file_complete


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
