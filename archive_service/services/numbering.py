"""The archive-number scheme (R13, R20) and the gapless counters numbers are drawn from."""
import json

from ..db import for_update, transaction
from ..domain import numbering
from ..domain.permissions import require_permission
from ..models import NumberCounter, Setting
from . import audit

NUMBERING_KEY = "numbering"


def scheme():
    row = Setting.get_or_none(Setting.key == NUMBERING_KEY)
    return numbering.NumberingScheme(**json.loads(row.value)) if row else numbering.NumberingScheme()


def scheme_view():
    s = scheme()
    return {"pattern": s.pattern, "fonds": s.fonds, "category": s.category, "retention": s.retention, "org": s.org,
            "example": s.archive_no("loan", 2026, 1)}


def set_scheme(actor, *, now, **segments):
    """Change the archive-number pattern (admin). Existing numbers are never changed."""
    require_permission(actor, "numbering.edit")
    new = numbering.NumberingScheme(**{k: v for k, v in segments.items() if v is not None})
    value = {"pattern": new.pattern, "fonds": new.fonds, "category": new.category, "retention": new.retention,
             "org": new.org}
    with transaction():
        (Setting.insert(key=NUMBERING_KEY, value=json.dumps(value))
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute())
        audit.record(actor, "numbering.set", "setting", NUMBERING_KEY, value, now=now)
    return scheme_view()


def next_seq(series):
    """The next number of a series, gapless: the counter row is locked until the transaction ends."""
    NumberCounter.insert(series=series, last_seq=0).on_conflict_ignore().execute()
    counter = for_update(NumberCounter.select().where(NumberCounter.series == series)).get()
    counter.last_seq += 1
    counter.save()
    return counter.last_seq
