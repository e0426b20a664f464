"""The working-day calendar."""
from ...domain.calendar import MAX_DAYS
from ...services.platform import calendar
from ..context import current_actor, now
from .base import api_blueprint
from .schemas import ApiSchema, Text, one_of

bp = api_blueprint("calendar", "Working days: statutory holidays, make-up workdays and local overrides")


class AddArgs(ApiSchema):
    date = Text(10, required=True, metadata={"format": "date"})
    days = Text(8, required=True, metadata={"description": f"0..{MAX_DAYS}"})


class DayOverride(ApiSchema):
    kind = Text(16, required=True, validate=one_of(["holiday", "workday"]))
    note = Text(200, load_default="")


@bp.get("/calendar/add-working-days")
@bp.arguments(AddArgs, location="query")
@bp.response(200)
def add_working_days(args):
    """The n-th working day strictly after `date`; `confirmed` is false for a year without data."""
    current_actor()
    return calendar.add_working_days(args["date"], args["days"])


@bp.put("/calendar/days/<day>")
@bp.arguments(DayOverride)
@bp.response(200)
def set_day(body, day):
    """Make one day a holiday or a working day locally (admin)."""
    return calendar.set_override(current_actor(), day, body["kind"], body["note"], now=now())


@bp.delete("/calendar/days/<day>")
@bp.response(200)
def remove_day(day):
    return calendar.remove_override(current_actor(), day, now=now())


@bp.put("/calendar/years/<int:year>")
@bp.response(200)
def confirm_year(year):
    """Mark a year's holidays as entered, so its deadlines are no longer provisional (admin)."""
    return calendar.confirm_year(current_actor(), year, now=now())


@bp.get("/calendar/years/<int:year>")
@bp.response(200)
def year_overview(year):
    current_actor()
    return calendar.overview(year)
