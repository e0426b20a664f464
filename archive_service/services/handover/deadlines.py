"""Deadlines of a project's handover (R10), from the calendar in use and approved extensions."""
from peewee import fn

from ...domain import deadlines as rules
from ...domain.timeutil import from_db, local_date
from ...models import Extension
from ..platform import workdays


class Book:
    """Deadlines for a page of projects: the calendar read once, the approved extensions of all
    the page's handovers read in one query (a fixed number of statements whatever the rows)."""

    def __init__(self, handovers=(), cal=None):
        self.cal = cal or workdays.current()
        ids = [h.id for h in handovers if h is not None]
        self._until = {}
        if ids:
            latest = fn.MAX(Extension.until).python_value(Extension.until.python_value)
            rows = (Extension.select(Extension.handover, Extension.step, latest)
                    .where(Extension.handover.in_(ids), Extension.state == "approved")
                    .group_by(Extension.handover, Extension.step).tuples())
            self._until = {(handover_id, step): until for handover_id, step, until in rows}

    def of(self, project, handover=None):
        submitted = handover.last_submitted_at if handover is not None else None
        handover_id = handover.id if handover is not None else None
        return rules.compute(self.cal, project.ended_on,
                             a_submitted_on=local_date(from_db(submitted)) if submitted else None,
                             a_until=self._until.get((handover_id, rules.A_TO_B)),
                             b_until=self._until.get((handover_id, rules.B_TO_ARCHIVE)))


def of_project(project, handover=None, cal=None):
    return Book([handover], cal).of(project, handover)
