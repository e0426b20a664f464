"""The working-day calendar (used by every R10 deadline), against hand-written dates."""
from datetime import date

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_service.domain.calendar import HOLIDAY, WORKDAY, WorkCalendar
from archive_service.domain.deadlines import ON_TIME, urgency
from archive_service.domain.errors import InvalidInput


def statutory(**overrides):
    holidays = frozenset(chinese_calendar.holidays)
    return WorkCalendar(holidays=holidays, makeup_workdays=frozenset(chinese_calendar.workdays),
                        confirmed_years=frozenset(range(2004, 2027)), overrides=overrides.get("overrides", {}))


STATUTORY = statutory()


@pytest.mark.parametrize("start, days, due", [
    # National Day 2026: 10-01..10-07 off, Saturday 10-10 is a make-up workday
    (date(2026, 9, 30), 1, date(2026, 10, 8)),
    (date(2026, 10, 9), 1, date(2026, 10, 10)),
    (date(2026, 9, 30), 3, date(2026, 10, 10)),
    (date(2026, 9, 30), 5, date(2026, 10, 13)),
    # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 are make-up workdays
    (date(2026, 2, 13), 1, date(2026, 2, 14)),
    (date(2026, 2, 14), 1, date(2026, 2, 24)),
    (date(2026, 2, 27), 1, date(2026, 2, 28)),
    # year end: 2026-01-01..01-03 off, Sunday 01-04 a make-up workday
    (date(2025, 12, 31), 1, date(2026, 1, 4)),
    # an ordinary week: Friday + 1 is Monday
    (date(2026, 11, 27), 1, date(2026, 11, 30)),
    # a holiday start still counts from the day after
    (date(2026, 10, 3), 1, date(2026, 10, 8)),
])
def test_r10_add_working_days_follows_the_statutory_calendar(start, days, due):
    result = statutory().add_working_days(start, days)
    assert result.due == due
    assert result.confirmed is True


def test_r10_the_start_day_itself_never_counts():
    assert statutory().add_working_days(date(2026, 11, 23), 0).due == date(2026, 11, 23)
    assert statutory().add_working_days(date(2026, 11, 23), 1).due == date(2026, 11, 24)


def test_makeup_saturday_is_a_workday_and_festival_weekday_is_not():
    cal = statutory()
    assert cal.is_workday(date(2026, 10, 10))
    assert not cal.is_workday(date(2026, 10, 5))
    assert not cal.is_workday(date(2026, 10, 11))


def test_a_deadline_in_an_unpublished_year_is_not_confirmed():
    result = statutory().add_working_days(date(2026, 12, 30), 3)
    assert result.due == date(2027, 1, 4)
    assert result.confirmed is False


def test_local_overrides_win_over_statutory_data():
    closed = statutory(overrides={date(2026, 10, 12): HOLIDAY})
    assert closed.add_working_days(date(2026, 9, 30), 5).due == date(2026, 10, 14)
    opened = statutory(overrides={date(2026, 10, 7): WORKDAY})
    assert opened.add_working_days(date(2026, 9, 30), 1).due == date(2026, 10, 7)


def test_working_days_between_counts_after_start_up_to_end():
    cal = statutory()
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert cal.working_days_between(date(2026, 10, 13), date(2026, 9, 30)) == -5
    assert cal.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_plain_calendar_without_data_uses_weekdays():
    cal = WorkCalendar()
    assert cal.add_working_days(date(2030, 1, 4), 1).due == date(2030, 1, 7)
    assert cal.add_working_days(date(2030, 1, 4), 1).confirmed is False


@pytest.mark.parametrize("days", [-1, 100000, 1.5, "3"])
def test_bad_day_counts_are_refused(days):
    with pytest.raises(InvalidInput) as refused:
        statutory().add_working_days(date(2026, 1, 1), days)
    assert refused.value.code == "calendar.invalid_days"


@given(start=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 20)), days=st.integers(1, 30))
@settings(max_examples=300, deadline=None)
def test_r10_the_nth_working_day_is_a_working_day_exactly_n_working_days_later(start, days):
    cal = STATUTORY
    due = cal.add_working_days(start, days).due
    assert cal.is_workday(due)
    assert cal.working_days_between(start, due) == days
    assert due > start



def test_add_working_days_never_overflows_past_the_last_date():
    """Issue 9 row 1: a stored 9999-12-30 once raised OverflowError in every list showing it."""
    due = WorkCalendar().add_working_days(date(9999, 12, 30), 5)
    assert due.due == date.max and due.confirmed is False


def test_urgency_of_a_far_deadline_is_on_time_without_counting_every_day():
    assert urgency(WorkCalendar(), date(2026, 10, 9), date(9999, 12, 31)) == ON_TIME
