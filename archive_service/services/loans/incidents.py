"""Incidents found at a return (R18): a short file stays flagged until an approver closes the
incident with a note saying what was found or done."""
from peewee import JOIN

from ...db import for_update, transaction
from ...domain import loans as rules
from ...domain.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import Incident, Loan, User
from ...paging import page_by_id_desc, row_id
from ..platform import audit, outbox

OPEN, CLOSED = rules.INCIDENT_OPEN, rules.INCIDENT_CLOSED
STATE_NAMES = {OPEN: "未处理", CLOSED: "已关闭"}
KIND_NAMES = {"missing_pages": "归还缺页"}


def incident_view(incident):
    loan = incident.loan
    return {"id": incident.id, "kind": incident.kind, "kind_name": KIND_NAMES.get(incident.kind, incident.kind),
            "object": incident.object_code, "loan_id": incident.loan_id, "borrower": loan.borrower.username,
            "borrower_name": loan.borrower.display_name, "expected_pages": incident.expected_pages,
            "counted_pages": incident.counted_pages, "state": incident.state,
            "state_name": STATE_NAMES[incident.state], "opened_by": incident.opened_by.username,
            "opened_at": iso_local(incident.opened_at),
            "closed_by": incident.closed_by.username if incident.closed_by_id else None,
            "closed_at": iso_local(incident.closed_at), "note": incident.note}


def _query():
    Opener, Closer, Borrower = User.alias(), User.alias(), User.alias()
    return (Incident.select(Incident, Loan, Borrower, Opener, Closer)
            .join(Loan, on=(Incident.loan == Loan.id), attr="loan")
            .join(Borrower, on=(Loan.borrower == Borrower.id), attr="borrower").switch(Incident)
            .join(Opener, on=(Incident.opened_by == Opener.id), attr="opened_by").switch(Incident)
            .join(Closer, JOIN.LEFT_OUTER, on=(Incident.closed_by == Closer.id), attr="closed_by"))


def find(actor, *, state=None, obj=None, limit=None, cursor=None):
    """Incidents, newest first: {items, next_cursor}."""
    require_permission(actor, "incidents.view")
    query = _query()
    if state:
        require(state in STATE_NAMES, InvalidInput, "request.invalid_filter", "state 必须是 open 或 closed",
                errors={"state": "open 或 closed"})
        query = query.where(Incident.state == state)
    if obj:
        query = query.where(Incident.object_code == obj)
    return page_by_id_desc(query, Incident.id, limit=limit, cursor=cursor, view=incident_view)


def get(actor, incident_id):
    require_permission(actor, "incidents.view")
    incident = _query().where(Incident.id == incident_id).get_or_none() if row_id(incident_id) else None
    if incident is None:
        raise NotFound("incident.not_found", f"找不到事件 {incident_id}")
    return incident_view(incident)


def open_for(object_code):
    """The open incidents of an object (a file shown as flagged while there is one)."""
    return Incident.select().where(Incident.object_code == object_code, Incident.state == OPEN).count()


def close(actor, incident_id, note, *, now):
    """An approver closes the incident, saying what was found or done; the borrower cannot."""
    require_permission(actor, "incidents.close")
    note = rules.clean_text(note, "note", max_len=rules.MAX_NOTE, code="incident.note_required")
    with transaction():
        incident = for_update(Incident.select().where(Incident.id == incident_id)).get_or_none() \
            if row_id(incident_id) else None
        if incident is None:
            raise NotFound("incident.not_found", f"找不到事件 {incident_id}")
        require(incident.state == OPEN, Conflict, "incident.already_closed", "该事件已关闭")
        require(incident.loan.borrower_id != actor.id, Forbidden, "incident.own_loan", "不能处理自己借阅产生的事件")
        incident.state, incident.closed_by, incident.closed_at, incident.note = CLOSED, actor.id, to_db(now), note
        incident.save()
        audit.record(actor, "incident.close", "incident", incident.id, {"object": incident.object_code,
                                                                        "note": note}, now=now)
        outbox.notify(outbox.users_with_roles("archivist"), kind="incident", obj=incident.object_code,
                      url=f"/incidents/{incident.id}", now=now,
                      message=f"{incident.object_code} 的缺页事件已由{actor.display_name}关闭:{note}")
    return get(actor, incident.id)
