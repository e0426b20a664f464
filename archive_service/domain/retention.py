"""Retention periods (保管期限) and appraisal (鉴定, R23). Pure: no database.

A file's period counts from 1 January of the year after its archive year: a 2015 file kept
10 years is kept through 2025-12-31 and may be destroyed from 2026-01-01 on."""
from datetime import date

from .errors import InvalidInput, require

PERMANENT = "permanent"
YEARS = {PERMANENT: None, "30y": 30, "10y": 10}
NAMES = {PERMANENT: "永久", "30y": "定期30年", "10y": "定期10年"}
DEFAULT = "30y"
MIN_YEAR, MAX_YEAR = 2000, 2099


def clean_period(period, field="period"):
    require(period in YEARS, InvalidInput, "retention.invalid_period",
            "保管期限必须是 permanent(永久)、30y(定期30年)或 10y(定期10年)",
            errors={field: "permanent、30y 或 10y"})
    return period


def clean_year(year, field="year"):
    """An appraisal year: a whole number within 2000–2099 (text from a query string is accepted)."""
    if isinstance(year, int) and not isinstance(year, bool):
        value = year
    elif isinstance(year, str) and year.strip().isascii() and year.strip().isdigit():
        value = int(year)
    else:
        value = None
    require(value is not None and MIN_YEAR <= value <= MAX_YEAR, InvalidInput, "appraisal.invalid_year",
            f"年度必须是 {MIN_YEAR}–{MAX_YEAR} 的整数", errors={field: f"{MIN_YEAR}–{MAX_YEAR}"})
    return value


def period_end(archive_year, period):
    """The last day the file must be kept, or None for a permanent file."""
    years = YEARS[period]
    return None if years is None else date(archive_year + years, 12, 31)


def due_by(archive_year, period, appraisal_year):
    """True when the period ends by 31 December of `appraisal_year` (the file is on that year's list)."""
    end = period_end(archive_year, period)
    return end is not None and end.year <= appraisal_year


def has_ended(archive_year, period, today):
    """True once the whole period is over (the day after its last day)."""
    end = period_end(archive_year, period)
    return end is not None and today > end


def latest_archive_year(period, appraisal_year):
    """The newest archive year whose files of `period` are due by `appraisal_year` (None: never)."""
    years = YEARS[period]
    return None if years is None else appraisal_year - years
