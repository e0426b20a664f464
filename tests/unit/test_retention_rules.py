"""R23's retention arithmetic: a period counts from 1 January after the file's year."""
from datetime import date

import pytest

from archive_service.domain import retention
from archive_service.domain.errors import InvalidInput


def test_r23_a_2015_file_kept_10_years_ends_2025_12_31():
    assert retention.period_end(2015, "10y") == date(2025, 12, 31)
    assert retention.period_end(2015, "30y") == date(2045, 12, 31)
    assert retention.period_end(2015, "permanent") is None


def test_r23_due_by_the_end_of_the_appraisal_year_and_ended_only_the_day_after():
    assert retention.due_by(2015, "10y", 2025) and not retention.due_by(2015, "10y", 2024)
    assert not retention.due_by(1990, "permanent", 2099)
    assert not retention.has_ended(2015, "10y", date(2025, 12, 31))
    assert retention.has_ended(2015, "10y", date(2026, 1, 1))
    assert retention.latest_archive_year("30y", 2026) == 1996
    assert retention.latest_archive_year("permanent", 2026) is None


@pytest.mark.parametrize("year", ["1999", "2100", "20x6", None, True, "", 2026.5])
def test_r23_an_appraisal_year_outside_2000_2099_is_refused(year):
    with pytest.raises(InvalidInput) as refused:
        retention.clean_year(year)
    assert refused.value.code == "appraisal.invalid_year"


@pytest.mark.parametrize("period", ["5y", "", None, "PERMANENT"])
def test_r23_only_the_three_periods_exist(period):
    with pytest.raises(InvalidInput):
        retention.clean_period(period)
