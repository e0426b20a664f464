"""The working-day calendar an admin keeps: local holidays and working days that win over the
statutory data, and the years whose holidays are confirmed (audited). The calendar in use is
`workdays.current()`, also answered here as `current`."""
from datetime import date

from ...db import transaction
from ...domain.bounds import MAX_DATE, MIN_DATE
from ...domain.calendar import HOLIDAY, WORKDAY
from ...domain.errors import InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_date, parse_date, to_db
from ...models import CalendarOverride, CalendarYear
from . import audit
from .workdays import current

MIN_YEAR, MAX_YEAR = MIN_DATE.year, MAX_DATE.year


def add_working_days(start, days):
    """{"date", "confirmed"} for the n-th working day strictly after `start` (API input checked here)."""
    start = parse_date(start, "date")
    require(isinstance(days, int) or (isinstance(days, str) and days.lstrip("-").isdigit()), InvalidInput,
            "calendar.invalid_days", "days 必须是整数", errors={"days": "必须是整数"})
    deadline = current().add_working_days(start, int(days))
    return {"date": deadline.due.isoformat(), "confirmed": deadline.confirmed}


def _check_year_number(year):
    require(isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR, InvalidInput, "calendar.year_out_of_range",
            f"年份必须在 {MIN_YEAR} 到 {MAX_YEAR} 之间", errors={"year": "年份超出范围"})


def set_override(actor, day, kind, note="", *, now):
    """Make `day` a holiday or a working day locally, whatever the statutory data says."""
    require_permission(actor, "calendar.edit")
    day = parse_date(day)
    require(kind in (HOLIDAY, WORKDAY), InvalidInput, "calendar.invalid_kind", "kind 必须是 holiday 或 workday",
            errors={"kind": "holiday 或 workday"})
    require(isinstance(note, str) and len(note) <= 200, InvalidInput, "request.invalid_field",
            "备注不能超过 200 字", errors={"note": "不超过 200 字"})
    with transaction():
        before = CalendarOverride.get_or_none(CalendarOverride.day == day)
        (CalendarOverride.insert(day=day, kind=kind, note=note, set_by=actor.username, set_at=to_db(now))
         .on_conflict(conflict_target=[CalendarOverride.day],
                      update={CalendarOverride.kind: kind, CalendarOverride.note: note,
                              CalendarOverride.set_by: actor.username, CalendarOverride.set_at: to_db(now)})
         .execute())
        audit.record(actor, "calendar.override", "calendar_day", day.isoformat(),
                     {"kind": [before.kind if before else None, kind], "note": note}, now=now)
    return override_view(CalendarOverride.get(CalendarOverride.day == day))


def remove_override(actor, day, *, now):
    require_permission(actor, "calendar.edit")
    day = parse_date(day)
    with transaction():
        removed = CalendarOverride.delete().where(CalendarOverride.day == day).execute()
        if removed:
            audit.record(actor, "calendar.override_remove", "calendar_day", day.isoformat(), now=now)
    return {"date": day.isoformat(), "removed": bool(removed)}


def confirm_year(actor, year, *, now):
    """Mark a year's holidays as entered, so deadlines in it stop being provisional."""
    require_permission(actor, "calendar.edit")
    _check_year_number(year)
    with transaction():
        (CalendarYear.insert(year=year, confirmed_by=actor.username, confirmed_at=to_db(now))
         .on_conflict_ignore().execute())
        audit.record(actor, "calendar.confirm_year", "calendar_year", str(year), now=now)
    return {"year": year, "confirmed": True}


def override_view(o):
    return {"date": o.day.isoformat(), "kind": o.kind, "note": o.note, "set_by": o.set_by,
            "set_at": iso_local(o.set_at)}


def overview(year):
    """A year's overrides and whether it is confirmed, for the admin page."""
    _check_year_number(year)
    overrides = (CalendarOverride.select()
                 .where(CalendarOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
                 .order_by(CalendarOverride.day))
    return {"year": year, "confirmed": current().is_confirmed(year),
            "overrides": [override_view(o) for o in overrides]}


def unconfirmed_years_ahead(now, horizon_days=60, cal=None):
    """Years from today to `horizon_days` ahead whose holidays nobody has confirmed: the admin notice."""
    cal = cal or current()
    today = local_date(now)
    years = {today.year, date.fromordinal(today.toordinal() + horizon_days).year}
    return sorted(y for y in years if not cal.is_confirmed(y))
