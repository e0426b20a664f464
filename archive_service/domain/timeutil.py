"""Time conventions: timestamps are stored as naive UTC; dates that carry a rule are local
dates in Asia/Shanghai."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .bounds import check_date
from .errors import InvalidInput

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def to_db(moment: datetime) -> datetime:
    """A moment as stored: naive UTC."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db(stored: datetime | None) -> datetime | None:
    return stored.replace(tzinfo=UTC) if stored else None


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def iso_local(stored: datetime | None) -> str | None:
    """A stored timestamp as ISO 8601 with the +08:00 offset users read."""
    moment = from_db(stored)
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if moment else None


def parse_date(text, field="date") -> date:
    """A YYYY-MM-DD date within the service's range (domain/bounds.py), or 422."""
    try:
        day = date.fromisoformat(str(text))
    except (TypeError, ValueError):
        raise InvalidInput("request.invalid_date", f"日期格式错误,应为 YYYY-MM-DD:{str(text)[:40]}",
                           errors={field: "日期格式错误,应为 YYYY-MM-DD"}) from None
    return check_date(day, field)


def local_day_start(day: date) -> datetime:
    """The stored (naive UTC) moment at which local day `day` begins."""
    return to_db(datetime.combine(day, datetime.min.time(), LOCAL_TZ))


def minute_text(stamp: str | None) -> str:
    """An ISO timestamp from a view as people read it: '2026-10-09T10:00:00+08:00' -> '2026-10-09 10:00'
    (views already give Shanghai time; the API keeps the full ISO form)."""
    return stamp[:16].replace("T", " ") if stamp else ""
