"""The default retention period of each business (an admin setting), given to files as they are
received (R23). Files already received keep their period when a default changes."""
import json

from ...db import transaction
from ...domain import retention as rules
from ...domain.customers import BUSINESSES
from ...domain.errors import InvalidInput, require
from ...domain.permissions import require_permission
from ...models import Setting
from ..platform import audit

DEFAULTS_KEY = "retention_defaults"


def defaults():
    """{business: period}: what an admin set, else 30 years for every business."""
    row = Setting.get_or_none(Setting.key == DEFAULTS_KEY)
    stored = json.loads(row.value) if row else {}
    return {b: stored.get(b, rules.DEFAULT) for b in BUSINESSES}


def defaults_view():
    return {"defaults": defaults(), "periods": rules.NAMES}


def set_defaults(actor, values, *, now):
    """Change the default period of one or more businesses (admin); files already received keep theirs."""
    require_permission(actor, "retention.defaults")
    require(isinstance(values, dict) and values and set(values) <= set(BUSINESSES), InvalidInput,
            "retention.invalid_defaults", "按业务类型(loan、guarantee)填写默认保管期限",
            errors={"defaults": "loan / guarantee → permanent、30y 或 10y"})
    new = {**defaults(), **{b: rules.clean_period(p, b) for b, p in values.items()}}
    with transaction():
        (Setting.insert(key=DEFAULTS_KEY, value=json.dumps(new))
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(new)}).execute())
        audit.record(actor, "retention.defaults", "setting", DEFAULTS_KEY, new, now=now)
    return defaults_view()


def default_period(business):
    return defaults()[business]
