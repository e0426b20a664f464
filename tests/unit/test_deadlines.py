"""Handover deadlines (R10) on a hand-made calendar and on 2026's statutory one."""
from datetime import date

import chinese_calendar

from archive_service.domain.calendar import WorkCalendar
from archive_service.domain.deadlines import DUE_SOON, LATE, ON_TIME, compute, urgency

PLAIN = WorkCalendar(confirmed_years=frozenset({2026}))  # Monday-Friday, no holidays


def statutory():
    return WorkCalendar(holidays=frozenset(chinese_calendar.holidays),
                        makeup_workdays=frozenset(chinese_calendar.workdays),
                        confirmed_years=frozenset({2025, 2026}))


def test_r10_a_has_three_working_days_not_counting_the_end_date():
    # Monday 2026-03-02 -> Thursday 03-05
    assert compute(PLAIN, date(2026, 3, 2)).a_to_b.due == date(2026, 3, 5)


def test_r10_a_deadline_skips_the_weekend():
    # Thursday 2026-03-05 -> Fri, Mon, Tue
    assert compute(PLAIN, date(2026, 3, 5)).a_to_b.due == date(2026, 3, 10)


def test_r10_national_day_and_makeup_saturday():
    dl = compute(statutory(), date(2026, 9, 30))
    assert dl.a_to_b.due == date(2026, 10, 10)  # Oct 8, 9 and make-up Saturday Oct 10
    assert dl.overall.due == date(2026, 10, 13)
    assert dl.b_to_archive.due == date(2026, 10, 13)


def test_r10_b_has_two_working_days_from_a_submission():
    dl = compute(PLAIN, date(2026, 3, 2), a_submitted_on=date(2026, 3, 3))
    assert dl.b_to_archive.due == date(2026, 3, 5)


def test_r10_b_before_a_submits_is_two_working_days_after_a_due():
    dl = compute(PLAIN, date(2026, 3, 2))
    assert dl.b_to_archive.due == date(2026, 3, 9)  # A due Thu 03-05 -> Fri, Mon


def test_r10_late_submission_moves_b_but_not_a():
    dl = compute(PLAIN, date(2026, 3, 2), a_submitted_on=date(2026, 3, 12))
    assert dl.a_to_b.due == date(2026, 3, 5)
    assert dl.b_to_archive.due == date(2026, 3, 16)


def test_r10_approved_extension_moves_only_its_step_and_never_earlier():
    dl = compute(PLAIN, date(2026, 3, 2), a_until=date(2026, 3, 20), b_until=date(2026, 3, 1))
    assert dl.a_to_b.due == date(2026, 3, 20)
    assert dl.b_to_archive.due == date(2026, 3, 24)  # counted from A's (extended) due day
    assert dl.overall.due == date(2026, 3, 9)


def test_r10_unconfirmed_year_is_provisional():
    cal = WorkCalendar(confirmed_years=frozenset({2026}))
    dl = compute(cal, date(2026, 12, 30))
    assert dl.a_to_b.confirmed is False and dl.overall.confirmed is False


def test_r10_urgency_colours():
    due = date(2026, 3, 5)
    assert urgency(PLAIN, date(2026, 3, 2), due) == ON_TIME
    assert urgency(PLAIN, date(2026, 3, 4), due) == DUE_SOON
    assert urgency(PLAIN, due, due) == DUE_SOON
    assert urgency(PLAIN, date(2026, 3, 6), due) == LATE
