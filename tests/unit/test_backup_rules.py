"""What a whole backup holds (R19, R23): every scan's content but the content an approved disposal
removed with its file."""
from archive_service.domain.backups import DisposalRow, ScanRow, files_whose_scans_went, missing_content

A, B, C = "a" * 64, "b" * 64, "c" * 64


def test_r23_content_removed_with_its_file_by_an_approved_disposal_is_removed_not_missing():
    went = files_whose_scans_went([DisposalRow(1, "destroyed", True)], [(1, 10)], destroyed={10})
    assert went == {10}
    assert missing_content([ScanRow(A, 10, True), ScanRow(B, 11, False)], went, held={B}) == []


def test_r19_a_scan_marked_removed_without_a_disposal_that_removed_it_is_missing():
    disposals = [DisposalRow(1, "destroyed", False), DisposalRow(2, "approved", True),
                 DisposalRow(3, "destroyed", True)]
    # scans kept by the approval, a list not yet carried out, a file on the list that is not destroyed
    went = files_whose_scans_went(disposals, [(1, 10), (2, 11), (3, 12)], destroyed={10, 11})
    assert went == set()
    scans = [ScanRow(A, 10, True), ScanRow(B, 11, True), ScanRow(C, 12, True)]
    assert missing_content(scans, went, held=set()) == [A, B, C]


def test_r19_content_a_kept_scan_also_names_is_needed_and_a_live_scan_always_is():
    went = {10}
    scans = [ScanRow(A, 10, True), ScanRow(A, 11, False), ScanRow(B, 10, False)]
    assert missing_content(scans, went, held=set()) == [A, B]
    assert missing_content(scans, went, held={A, B}) == []
