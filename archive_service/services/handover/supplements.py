"""A's answers to B's supplement lists (R7): which missing entries are still open, recording an
answer per entry, and how far each list has got (for the work lists)."""
import json

from ...domain import supplements as rules
from ...domain.timeutil import to_db
from ...models import SupplementAnswer, SupplementRequest


def requests_of(handover_ids):
    """{handover_id: [request, ...]} in round order, with their answers, in two statements."""
    requests = list(SupplementRequest.select().where(SupplementRequest.handover.in_(list(handover_ids)))
                    .order_by(SupplementRequest.round))
    answers = {}
    if requests:
        for answer in SupplementAnswer.select().where(SupplementAnswer.request.in_([r.id for r in requests])):
            answers.setdefault(answer.request_id, {})[answer.entry] = answer
    found = {}
    for request in requests:
        request.answer_by_entry = answers.get(request.id, {})
        found.setdefault(request.handover_id, []).append(request)
    return found


def entries(request):
    """The request's missing entries, each with whether (and how) it is answered."""
    rows = []
    for n, missing in enumerate(json.loads(request.missing)):
        answer = request.answer_by_entry.get(n)
        rows.append({"round": request.round, "entry": n, "title": missing["title"], "reason": missing["reason"],
                     "resolved": answer is not None, "outcome": answer.outcome if answer else None,
                     "outcome_name": rules.OUTCOME_NAMES[answer.outcome] if answer else None,
                     "item_id": answer.item_id if answer else None, "note": answer.note if answer else ""})
    return rows


def progress_of(handover_ids):
    """{handover_id: (answered, total)} over every round of each list."""
    return {hid: rules.progress([e for r in requests for e in entries(r)])
            for hid, requests in requests_of(handover_ids).items()}


def open_entries(handover):
    """{(round, entry): title} of the entries not answered yet, with the requests by round."""
    requests = requests_of([handover.id]).get(handover.id, [])
    open_keys = {(e["round"], e["entry"]): e["title"] for r in requests for e in entries(r) if not e["resolved"]}
    return open_keys, {r.round: r for r in requests}


def record(requests, assignments, new_items, explanations, actor, now):
    """Store one answer per assigned entry; a request whose entries are all answered is marked so."""
    for (round_no, entry), (kind, index) in assignments.items():
        supplied = kind == "item"
        SupplementAnswer.create(request=requests[round_no], entry=entry,
                                outcome=rules.SUPPLIED if supplied else rules.EXPLAINED,
                                item=new_items[index] if supplied else None,
                                note="" if supplied else explanations[index][1],
                                answered_by=actor.id, answered_at=to_db(now))
    for request in requests.values():
        answered = SupplementAnswer.select().where(SupplementAnswer.request == request.id).count()
        if request.answered_at is None and answered == len(json.loads(request.missing)):
            request.answered_at = to_db(now)
            request.save()
