"""The audit trail."""
from ...services.platform import audit
from ..context import current_actor, now
from .base import api_blueprint
from .schemas import FilterDate, PageArgs, Text

bp = api_blueprint("audit", "The hash-chained audit trail (auditor, admin)")


class AuditArgs(PageArgs):
    actor = Text(64, load_default=None)
    action = Text(64, load_default=None)
    object_type = Text(32, load_default=None)
    object_id = Text(64, load_default=None)
    date_from = FilterDate(load_default=None, data_key="from")
    date_to = FilterDate(load_default=None, data_key="to")


@bp.get("/audit")
@bp.arguments(AuditArgs, location="query")
@bp.response(200)
def search(args):
    args["actor_name"] = args.pop("actor")
    return audit.search(current_actor(), now=now(), **args)


@bp.get("/audit/verify")
@bp.response(200)
def verify():
    """{"ok", "entries", "first_bad"}: the first entry edited, deleted or inserted behind the service's back."""
    return audit.verify(current_actor())
