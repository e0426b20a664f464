"""Handover deadlines (R10), counted exactly as RULES.md says.

A→B: the 3rd working day after the project's end date. B→archive: 2 working days after A's
latest submission (until A submits: 2 working days after A's due day). Overall target: the 5th
working day after the end date. The end date itself never counts. An approved extension moves
a step's due day to its `until` (never earlier than the counted day).
"""
from dataclasses import dataclass
from datetime import date

from .calendar import Deadline, WorkCalendar

A_DAYS, B_DAYS, OVERALL_DAYS = 3, 2, 5
A_TO_B, B_TO_ARCHIVE, OVERALL = "a_to_b", "b_to_archive", "overall"
STEPS = (A_TO_B, B_TO_ARCHIVE)
ON_TIME, DUE_SOON, LATE = "on_time", "due_soon", "late"


@dataclass(frozen=True)
class Deadlines:
    a_to_b: Deadline
    b_to_archive: Deadline
    overall: Deadline

    def as_dict(self):
        return {A_TO_B: self.a_to_b.as_dict(), B_TO_ARCHIVE: self.b_to_archive.as_dict(),
                OVERALL: self.overall.as_dict()}

    def of(self, step):
        return getattr(self, step)


def _extended(counted: Deadline, until: date | None) -> Deadline:
    if until is None or until <= counted.due:
        return counted
    return Deadline(due=until, confirmed=True)


def compute(cal: WorkCalendar, ended_on: date, *, a_submitted_on: date | None = None,
            a_until: date | None = None, b_until: date | None = None) -> Deadlines:
    """The three deadlines of one project. `a_submitted_on` is the local date of A's latest
    submission; `a_until`/`b_until` are approved extensions."""
    a_due = _extended(cal.add_working_days(ended_on, A_DAYS), a_until)
    b_start = a_submitted_on if a_submitted_on is not None else a_due.due
    b_counted = cal.add_working_days(b_start, B_DAYS)
    if a_submitted_on is None:
        b_counted = Deadline(b_counted.due, b_counted.confirmed and a_due.confirmed)
    b_due = _extended(b_counted, b_until)
    return Deadlines(a_to_b=a_due, b_to_archive=b_due, overall=cal.add_working_days(ended_on, OVERALL_DAYS))


def urgency(cal: WorkCalendar, today: date, due: date) -> str:
    """late after the due day; due_soon on it or the working day before; otherwise on_time."""
    if today > due:
        return LATE
    # at most one working day left: due before the second working day from today (bounded work,
    # however far away `due` is)
    return DUE_SOON if due < cal.add_working_days(today, 2).due else ON_TIME
