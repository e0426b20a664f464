"""Alerts: the overdue sweep, the caller's notification centre, remind now, the outbox."""
from ...services.alerts import alerts
from ...services.platform import outbox
from ..context import current_actor, now
from .base import api_blueprint
from .schemas import ApiSchema, PageArgs, QueryFlag, Str

bp = api_blueprint("alerts", "Overdue sweep, in-app alerts, reminders and the notification outbox")


class Sweep(ApiSchema):
    as_of = Str(load_default=None, metadata={"description": "YYYY-MM-DD, today or a past day (a coming day is 422 "
                                                           "`alerts.future_day`); default today"})


class AlertArgs(PageArgs):
    unread = QueryFlag(load_default=False)


class Remind(ApiSchema):
    object = Str(required=True, metadata={"description": "a borrowed object's code or a late project's code"})


class OutboxArgs(PageArgs):
    state = Str(load_default=None)


@bp.post("/alerts/sweep")
@bp.arguments(Sweep)
@bp.response(200)
def sweep(body):
    """Run the overdue sweep for today or a past day: `{created, as_of}`; idempotent per object, recipient
    and day. A coming day is refused (422 `alerts.future_day`): "overdue" is always judged on today."""
    return alerts.run_sweep(current_actor(), body["as_of"], now=now())


@bp.get("/alerts")
@bp.arguments(AlertArgs, location="query")
@bp.response(200)
def mine(args):
    """My alerts, newest first: `items` each with `id, kind, object, level, message, created_at, read`."""
    return alerts.mine(current_actor(), **args)


@bp.get("/alerts/unread-count")
@bp.response(200)
def unread_count():
    return {"unread": alerts.unread_count(current_actor())}


@bp.post("/alerts/<int:alert_id>/read")
@bp.response(200)
def mark_read(alert_id):
    return alerts.mark_read(current_actor(), alert_id, now=now())


@bp.post("/alerts/read-all")
@bp.response(200)
def mark_all_read():
    return alerts.mark_all_read(current_actor(), now=now())


@bp.post("/alerts/remind")
@bp.arguments(Remind)
@bp.response(200)
def remind(body):
    """Remind the late person now (archivist, custodian); logged."""
    return alerts.remind(current_actor(), body["object"], now=now())


@bp.get("/outbox")
@bp.arguments(OutboxArgs, location="query")
@bp.response(200)
def outbox_messages(args):
    """Queued, sent and skipped e-mail and robot messages (admin)."""
    return outbox.messages(current_actor(), **args)
