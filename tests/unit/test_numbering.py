"""Archive, item and contract numbers (R9, R13, R20): pure rules."""
import pytest

from archive_service.domain.errors import InvalidInput
from archive_service.domain.numbering import NumberingScheme, item_numbers


def test_r13_default_pattern_is_business_year_sequence():
    s = NumberingScheme()
    assert s.archive_no("loan", 2026, 1) == "XD-2026-0001"
    assert s.archive_no("guarantee", 2026, 12) == "DB-2026-0012"


def test_r20_series_is_per_business_and_year():
    s = NumberingScheme()
    keys = {s.series("loan", 2026), s.series("guarantee", 2026), s.series("loan", 2027)}
    assert len(keys) == 3
    assert s.series("loan", 2026) == "XD-2026-#"


def test_r13_dat13_segments_fill_the_pattern():
    s = NumberingScheme(pattern="{fonds}-{category}·{year}-{retention}-{org}-{seq:04d}", fonds="J001",
                        category="KH", retention="D30", org="XD")
    assert s.archive_no("loan", 2026, 7) == "J001-KH·2026-D30-XD-0007"


@pytest.mark.parametrize("pattern", ["{business}-{seq}", "{year}-{nope}-{seq}", "{year}", "{year}-{seq}-{seq}",
                                     "{year-{seq}", "", "{year}-{seq:zz}"])
def test_r13_bad_patterns_are_refused(pattern):
    with pytest.raises(InvalidInput) as refused:
        NumberingScheme(pattern=pattern)
    assert refused.value.code == "numbering.invalid_pattern"


def test_r13_retention_must_be_y_d30_or_d10():
    with pytest.raises(InvalidInput) as refused:
        NumberingScheme(retention="D5")
    assert refused.value.code == "numbering.invalid_retention"


def test_r13_used_segment_must_have_a_value():
    with pytest.raises(InvalidInput) as refused:
        NumberingScheme(pattern="{fonds}-{year}-{seq:03d}", fonds="")
    assert refused.value.code == "numbering.invalid_segment"


def test_r9_attachments_are_not_numbered_and_items_follow_part_order():
    # (part, position, attachment, contract), deliberately out of order
    items = [(3, 0, False, False), (2, 1, True, True), (1, 0, False, False), (2, 0, False, True),
             (4, 0, False, False), (2, 2, False, True)]
    got = item_numbers("XD-2026-0001", items)
    assert [n.number for n in got] == ["XD-2026-0001-004", None, "XD-2026-0001-001", "XD-2026-0001-002",
                                       "XD-2026-0001-005", "XD-2026-0001-003"]
    assert [n.contract_number for n in got] == [None, None, None, "XD-2026-0001-HT01", None, "XD-2026-0001-HT02"]


def test_r13_seq_must_be_positive():
    with pytest.raises(InvalidInput):
        NumberingScheme().archive_no("loan", 2026, 0)


def test_r13_numbers_longer_than_the_ledger_holds_are_refused():
    with pytest.raises(InvalidInput) as refused:
        NumberingScheme(pattern="{fonds}{fonds}{fonds}{fonds}-{year}-{seq:04d}", fonds="F" * 16)
    assert refused.value.code == "numbering.too_long"
