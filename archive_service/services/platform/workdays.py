"""The working days in use: statutory data from `chinesecalendar`, plus the local overrides and
confirmed years an admin enters (platform/calendar.py), which win. Every deadline and due date is
counted on `current()`."""
from functools import lru_cache

import chinese_calendar

from ...domain.calendar import WorkCalendar
from ...models import CalendarOverride, CalendarYear


@lru_cache(maxsize=1)
def _statutory():
    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    years = frozenset(range(min(holidays).year, max(holidays).year + 1))
    return holidays, workdays, years


def current():
    """The WorkCalendar with today's overrides: what every deadline is computed from."""
    holidays, workdays, years = _statutory()
    overrides = {o.day: o.kind for o in CalendarOverride.select()}
    local_years = {y.year for y in CalendarYear.select()}
    return WorkCalendar(holidays=holidays, makeup_workdays=workdays,
                        confirmed_years=years | local_years, overrides=overrides)
