"""Working days in the Chinese statutory calendar (R10 counts deadlines in working days).

Pure: the statutory data and the local overrides are handed in, so a unit test can feed any
calendar. A day is a working day when an override says so; otherwise when the statutory data
lists it as a make-up workday (调休); otherwise when it is Monday–Friday and not a holiday.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from .errors import InvalidInput

ONE_DAY = timedelta(days=1)
HOLIDAY, WORKDAY = "holiday", "workday"
MAX_DAYS = 3660


@dataclass(frozen=True)
class Deadline:
    due: date
    confirmed: bool

    def as_dict(self):
        return {"due": self.due.isoformat(), "confirmed": self.confirmed}


@dataclass
class WorkCalendar:
    """Statutory holidays and make-up workdays for the `confirmed_years`, plus local overrides."""

    holidays: frozenset = frozenset()
    makeup_workdays: frozenset = frozenset()
    confirmed_years: frozenset = frozenset()
    overrides: dict = field(default_factory=dict)  # date -> HOLIDAY | WORKDAY

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == WORKDAY
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def is_confirmed(self, year: int) -> bool:
        """Whether the holidays of `year` are known: published statutory data, or an admin who
        entered the year's holidays and marked it confirmed."""
        return year in self.confirmed_years

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The n-th working day strictly after `start`; `start` itself never counts (R10). Counting
        stops at the last day a date can hold, unconfirmed, so no stored date can make it overflow."""
        if not isinstance(n, int) or n < 0 or n > MAX_DAYS:
            raise InvalidInput("calendar.invalid_days", f"工作日天数必须是 0 到 {MAX_DAYS} 之间的整数")
        day, confirmed = start, self.is_confirmed(start.year)
        while n:
            if day == date.max:
                return Deadline(due=day, confirmed=False)
            day += ONE_DAY
            confirmed = confirmed and self.is_confirmed(day.year)
            n -= self.is_workday(day)
        return Deadline(due=day, confirmed=confirmed)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count
