"""What a handover list looks like to its readers: the list, its rows in the work lists, its
signatures, supplement rounds and extensions (plain dicts for pages, the API and the PDF)."""
import json

from peewee import fn

from ...domain import deadlines as deadline_rules
from ...domain import handovers as rules
from ...domain import supplements as supplement_rules
from ...domain.timeutil import iso_local
from ...models import ArchiveFile, Extension, HandoverItem, ReceiptRefusal, Signature
from . import deadlines, supplements
from .items import item_dict, item_rows

A, B, ARCHIVIST = "A", "B", "archivist"
ROLE_NAMES = {A: "A角", B: "B角", ARCHIVIST: "档案管理员"}


def signature_dict(sig):
    return {"role": sig.role, "role_name": ROLE_NAMES[sig.role], "username": sig.user.username,
            "display_name": sig.user.display_name, "signed_at": iso_local(sig.signed_at),
            "content_hash": sig.content_hash, "changes": json.loads(sig.changes)}


def supplement_dict(req):
    """One return round: B's missing entries, each `resolved` once A supplied or explained it."""
    missing = supplements.entries(req)
    answered, total = supplement_rules.progress(missing)
    return {"round": req.round, "requested_by": req.requested_by.username,
            "requested_by_name": req.requested_by.display_name, "requested_at": iso_local(req.requested_at),
            "missing": missing, "answered": answered, "total": total,
            "progress": supplement_rules.progress_text(answered, total), "answered_at": iso_local(req.answered_at)}


def refusal_dict(refusal):
    return {"refused_by": refusal.refused_by.username, "refused_by_name": refusal.refused_by.display_name,
            "refused_at": iso_local(refusal.refused_at), "note": refusal.note,
            "differences": json.loads(refusal.differences)}


def _refused_pending(handover, refusals):
    """The archivist sent the list back and B has not handed it over again yet."""
    return bool(refusals) and handover.state == rules.SUBMITTED and \
        refusals[-1].refused_at >= handover.last_submitted_at


def handover_view(handover, cal=None):
    items = [item_dict(i) for i in item_rows(handover)]
    dl = deadlines.of_project(handover.project, handover, cal)
    archive = ArchiveFile.get_or_none(ArchiveFile.handover == handover.id)
    rounds = [supplement_dict(r) for r in supplements.requests_of([handover.id]).get(handover.id, [])]
    missing = [m for r in rounds for m in r["missing"]]
    answered, total = supplement_rules.progress(missing)
    refusals = list(handover.refusals.order_by(ReceiptRefusal.id))
    return {
        "id": handover.id, "project_id": handover.project_id, "project": project_summary(handover.project),
        "state": handover.state, "state_name": rules.STATE_NAMES[handover.state],
        "items": items, "totals": rules.totals(items), "content_hash": rules.content_hash(items),
        "supplements": rounds, "open_missing": [m for m in missing if not m["resolved"]],
        "supplement_progress": {"answered": answered, "total": total,
                                "text": supplement_rules.progress_text(answered, total)},
        "refusals": [refusal_dict(r) for r in refusals], "refused_pending": _refused_pending(handover, refusals),
        "signatures": [signature_dict(s) for s in handover.signatures.order_by(Signature.id)],
        "deadlines": dl.as_dict(),
        "on_time": {"a_to_b": handover.a_on_time, "b_to_archive": handover.b_on_time},
        "extensions": [extension_dict(e) for e in handover.extensions.order_by(Extension.id)],
        "created_at": iso_local(handover.created_at), "submitted_at": iso_local(handover.last_submitted_at),
        "accepted_at": iso_local(handover.accepted_at), "received_at": iso_local(handover.received_at),
        "archive_no": archive.archive_no if archive else None,
    }


def extension_dict(ext):
    return {"id": ext.id, "handover_id": ext.handover_id, "step": ext.step, "until": ext.until.isoformat(),
            "reason": ext.reason, "requested_by": ext.requested_by.username,
            "requested_by_name": ext.requested_by.display_name, "project_code": ext.handover.project.code,
            "project_title": ext.handover.project.title,
            "requested_at": iso_local(ext.requested_at), "state": ext.state,
            "decided_by": ext.decided_by.username if ext.decided_by_id else None,
            "decided_at": iso_local(ext.decided_at), "note": ext.note}


def project_summary(project):
    return {"id": project.id, "code": project.code, "title": project.title, "business": project.business,
            "customer_name": project.customer.name, "a_user": project.a_user.username,
            "b_user": project.b_user.username, "a_user_name": project.a_user.display_name,
            "b_user_name": project.b_user.display_name, "ended_on": project.ended_on.isoformat()}


def task_view(kind, project, handover, due, cal, today):
    """One row of the actor's to-do list: what to do on which project, by when."""
    return {"kind": kind, "project_id": project.id, "project_code": project.code, "project_title": project.title,
            "customer_name": project.customer.name, "handover_id": handover.id if handover else None,
            "state": handover.state if handover else None, "due": due.due.isoformat(), "confirmed": due.confirmed,
            "urgency": deadline_rules.urgency(cal, today, due.due)}


def item_totals(handover_ids):
    """{handover_id: (items, pages)} of many lists, in one query."""
    if not handover_ids:
        return {}
    rows = (HandoverItem.select(HandoverItem.handover, fn.COUNT(HandoverItem.id), fn.SUM(HandoverItem.pages))
            .where(HandoverItem.handover.in_(handover_ids)).group_by(HandoverItem.handover).tuples())
    return {handover_id: (count, pages) for handover_id, count, pages in rows}


def summary_views(handovers, today):
    """The rows of "my lists" or the inbox for these lists (each with its project, customer, A and B
    already joined): the calendar, extensions and item totals are read once for all of them."""
    book = deadlines.Book(handovers)
    totals = item_totals([h.id for h in handovers])
    return [summary_view(h, book, today, totals.get(h.id, (0, 0))) for h in handovers]


def summary_view(handover, book, today, totals):
    """One row of "my lists" and the archivist's inbox: state, the step now due and its urgency."""
    dl = book.of(handover.project, handover)
    cal = book.cal
    step = deadline_rules.A_TO_B if handover.state in (rules.DRAFT, rules.RETURNED) else deadline_rules.B_TO_ARCHIVE
    due = dl.of(step)
    return {"id": handover.id, "project": project_summary(handover.project), "state": handover.state,
            "state_name": rules.STATE_NAMES[handover.state], "deadlines": dl.as_dict(), "current_step": step,
            "due": due.due.isoformat(),
            "urgency": None if handover.state == rules.RECEIVED else deadline_rules.urgency(cal, today, due.due),
            "item_count": totals[0], "pages": totals[1],
            "on_time": {"a_to_b": handover.a_on_time, "b_to_archive": handover.b_on_time}}
