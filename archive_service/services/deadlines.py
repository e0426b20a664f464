"""Deadlines of a project's handover (R10), from the calendar in use and approved extensions."""
from ..domain import deadlines as rules
from ..domain.timeutil import from_db, local_date
from ..models import Extension
from . import calendar


def _approved_until(handover, step):
    if handover is None:
        return None
    row = (Extension.select().where(Extension.handover == handover.id, Extension.step == step,
                                    Extension.state == "approved")
           .order_by(Extension.until.desc()).first())
    return row.until if row else None


def of_project(project, handover=None, cal=None):
    cal = cal or calendar.current()
    submitted = handover.last_submitted_at if handover is not None else None
    return rules.compute(cal, project.ended_on,
                         a_submitted_on=local_date(from_db(submitted)) if submitted else None,
                         a_until=_approved_until(handover, rules.A_TO_B),
                         b_until=_approved_until(handover, rules.B_TO_ARCHIVE))

