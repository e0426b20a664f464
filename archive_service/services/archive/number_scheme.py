"""The archive-number scheme (R13, R20) and the gapless counters numbers are drawn from."""
import json

from ...db import for_update, transaction
from ...domain import numbering
from ...domain.errors import Conflict, require
from ...domain.permissions import require_permission
from ...models import ArchiveFile, NumberCounter, Setting
from ..platform import audit

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
        clashes = reissued_numbers(new)
        require(not clashes, Conflict, "numbering.reissues_existing",
                f"新的档号格式会重新发出已有档号 {clashes[0] if clashes else ''}:已发出的档号不能再用",
                details={"clashes": clashes[:20]})
        (Setting.insert(key=NUMBERING_KEY, value=json.dumps(value))
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute())
        audit.record(actor, "numbering.set", "setting", NUMBERING_KEY, value, now=now)
    return scheme_view()


def reissued_numbers(new):
    """The archive numbers already given that `new` would give again: numbers it can write whose
    sequence is still ahead of its counter (R13: a number is never given twice)."""
    last = {c.series: c.last_seq for c in NumberCounter.select(NumberCounter.series, NumberCounter.last_seq)}
    clashes = []
    for (archive_no,) in ArchiveFile.select(ArchiveFile.archive_no).order_by(ArchiveFile.id).tuples():
        parsed = new.parse(archive_no)
        if parsed and parsed[2] > last.get(new.series(parsed[0] or "loan", parsed[1]), 0):
            clashes.append(archive_no)
    return clashes


def next_seq(series):
    """The next number of a series, gapless: the counter row is locked until the transaction ends."""
    NumberCounter.insert(series=series, last_seq=0).on_conflict_ignore().execute()
    counter = for_update(NumberCounter.select().where(NumberCounter.series == series)).get()
    counter.last_seq += 1
    counter.save()
    return counter.last_seq
