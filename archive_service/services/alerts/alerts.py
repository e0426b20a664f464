"""Alerts: the in-app notification centre and the overdue sweep (R10, R17, R18).

How a service tells people something is platform/outbox.py; this is what reads everything late.
`sweep(as_of, now=)` finds everything late on a day (today or a past day, never a
coming one) and alerts the people it concerns, escalating after three working days; it is
idempotent per object, recipient and day and runs a fixed number of statements whatever the
number of late things. "Overdue" is always judged on today; the latest day swept is only a fact
(shown on the overdue page), kept apart from the row two sweeps serialize on."""
from ...db import Statement, for_update, transaction
from ...domain.errors import InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_date, parse_date, to_db
from ...models import Alert, Setting
from ...paging import page_by_id_desc, row_id
from ..platform import audit, outbox
from ..platform.outbox import KIND_NAMES, Notice, alert_row, distinct_active, notify, outbox_rows
from . import loan_sweep, overdue

ESCALATE_AFTER = 3  # working days late before the approver and the archivist are told too
SWEEP_LOCK = "alerts.sweep"  # the row two sweeps serialize on; its value means nothing
SWEPT_DAY = "alerts.swept_day"  # the latest day a sweep ran for (ISO date): a fact, never "today"
DIGEST = "digest"
REMINDER = "reminder"


# ---- the sweep -------------------------------------------------------------------------------

def require_not_future(as_of, now):
    """A sweep is for today or a past day by the service's clock: a coming day is refused (422
    `alerts.future_day`), so nothing late "then" is alerted or shown now."""
    today = local_date(now)
    require(as_of <= today, InvalidInput, "alerts.future_day",
            f"不能为未来的日期({as_of.isoformat()})运行逾期扫描,只能扫描今天({today.isoformat()})或以前的日期",
            errors={"as_of": f"不能晚于今天 {today.isoformat()}"})


def sweep(as_of, *, now):
    """Alert everyone concerned by what is late on `as_of` (a date, not after today):
    {"created": n alerts}. Running it again for the same day creates nothing new."""
    require_not_future(as_of, now)
    with transaction():
        Setting.insert(key=SWEEP_LOCK, value="").on_conflict_ignore().execute()
        for_update(Setting.select().where(Setting.key == SWEEP_LOCK)).get()
        _record_swept_day(as_of)
        cal, staff = overdue.context()
        written, counts, lines = loan_sweep.sweep(as_of, cal, staff, escalate_after=ESCALATE_AFTER, now=now)
        notices = overdue.steps_and_lists(as_of, cal, staff, escalate_after=ESCALATE_AFTER)
        notices += _digests(counts, lines, notices, as_of, [u for u in staff if "archivist" in u.roles])
        already = _already_alerted(as_of)
        alerts, messages = [], []
        for notice in notices:
            fresh = [u for u in distinct_active(notice.recipients)
                     if (notice.kind, notice.object, u.id) not in already]
            alerts += [alert_row(u.id, notice, as_of, now) for u in fresh]
            messages += outbox_rows(notice, fresh, now)
        for start in range(0, len(alerts), 500):
            Alert.insert_many(alerts[start:start + 500]).execute()
        for start in range(0, len(messages), 500):
            outbox.enqueue_rows(messages[start:start + 500])
    return {"created": written + len(alerts), "as_of": as_of.isoformat()}


def _record_swept_day(as_of):
    """Keep the latest day swept (one statement: a sweep of an earlier day leaves it)."""
    day = as_of.isoformat()
    (Setting.insert(key=SWEPT_DAY, value=day)
     .on_conflict(conflict_target=[Setting.key], update={Setting.value: day}, where=(Setting.value < day))
     .execute())


def swept_day():
    """The latest day a sweep ran for, or None: what the overdue page says was last swept."""
    row = Setting.get_or_none(Setting.key == SWEPT_DAY)
    return parse_date(row.value) if row and row.value else None


_ALERTED = Statement(lambda m: Alert.select(Alert.kind, Alert.object, Alert.recipient)
                     .where(Alert.day == m("day")).tuples())


def _already_alerted(day):
    return set(_ALERTED.objects(day=day))


def _digests(counts, lines, notices, as_of, archivists):
    """The archivists' daily digest: how many late things of each kind, and the first 50 of them
    (late loans first: `counts` and `lines` of loan_sweep, then the other `notices`)."""
    counts = dict(counts)
    for notice in notices:
        counts[notice.kind] = counts.get(notice.kind, 0) + 1
    if not counts:
        return []
    summary = ";".join(f"{KIND_NAMES[k]} {n} 项" for k, n in sorted(counts.items()))
    lines = "\n".join(f"- {obj}:{message}" for obj, message in
                      (lines + [(n.object, n.message) for n in notices])[:loan_sweep.DIGEST_LINES])
    return [Notice(DIGEST, f"日报 {as_of.isoformat()}", f"{as_of.isoformat()} 逾期汇总:{summary}\n{lines}"[:500],
                   0, "/overdue", archivists)]


def run_sweep(actor, as_of=None, *, now):
    """The sweep for `as_of` (default: today), by an admin through the API; audited."""
    require_permission(actor, "alerts.sweep")
    day = parse_date(as_of, "as_of") if as_of else local_date(now)
    require(2000 <= day.year <= 2099, InvalidInput, "request.date_out_of_range", "日期必须在 2000–2099 年之间",
            errors={"as_of": "2000–2099 年"})
    result = sweep(day, now=now)
    with transaction():
        audit.record(actor, "alerts.sweep", "alerts", day.isoformat(), result, now=now)
    return result


# ---- the overdue list and remind now ---------------------------------------------------------

def overdue_now(actor, *, now):
    """Everything late today, for the overdue page (with the latest day swept, for information)."""
    require_permission(actor, "alerts.remind")
    day, swept = local_date(now), swept_day()
    return {"day": day.isoformat(), "swept": swept.isoformat() if swept else None, "items": [
        {"kind": n.kind, "kind_name": KIND_NAMES.get(n.kind, n.kind), "object": n.object, "message": n.message,
         "level": n.level, "url": n.url, "people": [u.display_name for u in n.recipients[:1]]}
        for n in overdue.notices(day, escalate_after=ESCALATE_AFTER)]}


def remind(actor, obj, *, now):
    """Remind the late person about `obj` (a borrowed object's code or a late project's code)
    at once, whatever the sweep already sent; logged."""
    require_permission(actor, "alerts.remind")
    require(isinstance(obj, str) and 0 < len(obj.strip()) <= 100, InvalidInput, "alert.invalid_object",
            "请提供逾期对象的编码", errors={"object": "必填,不超过 100 字"})
    found = overdue.notices(local_date(now), escalate_after=ESCALATE_AFTER, only=obj.strip())
    if not found:
        raise NotFound("alert.not_overdue", f"{obj} 当前没有逾期事项")
    with transaction():
        sent = 0
        for notice in found:
            sent += notify(notice.recipients[:1], kind=REMINDER, obj=notice.object, url=notice.url,
                           level=notice.level, robots=True, now=now,
                           message=f"{actor.display_name}提醒您:{notice.message}")
        audit.record(actor, "alerts.remind", "alert", obj.strip(), {"recipients": sent}, now=now)
    return {"object": obj.strip(), "reminded": sent}


# ---- the notification centre -----------------------------------------------------------------

def alert_view(alert):
    return {"id": alert.id, "kind": alert.kind, "kind_name": KIND_NAMES.get(alert.kind, alert.kind),
            "object": alert.object, "level": alert.level, "message": alert.message, "url": alert.url,
            "day": alert.day.isoformat() if alert.day else None, "created_at": iso_local(alert.created_at),
            "read": alert.read_at is not None}


def mine(actor, *, unread=False, limit=None, cursor=None):
    """The caller's alerts, newest first: {items, next_cursor}."""
    query = Alert.select().where(Alert.recipient == actor.id)
    if unread:
        query = query.where(Alert.read_at.is_null())
    return page_by_id_desc(query, Alert.id, limit=limit, cursor=cursor, view=alert_view)


def unread_count(actor):
    return Alert.select().where(Alert.recipient == actor.id, Alert.read_at.is_null()).count()


def mark_read(actor, alert_id, *, now):
    alert = Alert.get_or_none(Alert.id == alert_id, Alert.recipient == actor.id) if row_id(alert_id) else None
    if alert is None:
        raise NotFound("alert.not_found", f"找不到提醒 {alert_id}")
    if alert.read_at is None:
        with transaction():
            Alert.update(read_at=to_db(now)).where(Alert.id == alert.id).execute()
        alert.read_at = to_db(now)
    return alert_view(alert)


def mark_all_read(actor, *, now):
    with transaction():
        changed = Alert.update(read_at=to_db(now)).where(Alert.recipient == actor.id,
                                                         Alert.read_at.is_null()).execute()
    return {"read": changed}
