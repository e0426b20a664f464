"""Departure handover and reassignment (R21): holdings, one-step transfer, transfer list, PATCH a project."""
from flask import Response, request

from ...domain.errors import InvalidInput, require
from ...services.people import departure, reassignment
from ..context import current_actor, now
from .base import api_blueprint
from .schemas import ApiSchema, List, Text

bp = api_blueprint("departure", "Departure handover and reassignment of a project's A or B (R21)")


class Departure(ApiSchema):
    successor = Text(64, load_default=None, metadata={"description": "the successor's username"})
    jieban = Text(64, load_default=None, metadata={"description": "接办人: the same as `successor`"})
    items = List(Text(100), load_default=None, metadata={"description": "holding keys; omit to hand over everything"})
    note = Text(200, load_default="")


class Reassign(ApiSchema):
    a_user = Text(64, load_default=None)
    b_user = Text(64, load_default=None)
    reason = Text(200, required=True)


def _successor(body):
    named = {n for n in (body["successor"], body["jieban"]) if n is not None}
    require(len(named) <= 1, InvalidInput, "departure.successor_conflict", "successor 与 jieban 不一致",
            errors={"successor": "只填一个"})
    return next(iter(named), None)


@bp.get("/users/<username>/holdings")
@bp.response(200)
def holdings(username):
    """Everything the user holds: `items` (each with a `key` for partial transfers) and counts per kind."""
    return departure.user_holdings(current_actor(), username)


@bp.post("/users/<username>/departure")
@bp.arguments(Departure)
@bp.response(201)
def transfer(body, username):
    """Hand everything (or the `items` named) to the successor in one step; answers the transfer. Each
    item's `outcome` says what became of it: `hand_on` (projects open or filed, the keeping of the safe
    or the archive, a loan that is out) or `cancel` (a loan requested or approved but not yet out: an
    approval is never handed on; the leaver, the successor and its approvers are told)."""
    return departure.transfer(current_actor(), username, successor=_successor(body), items=body["items"],
                              note=body["note"], now=now())


@bp.get("/transfers/<int:transfer_id>")
@bp.response(200)
def get_transfer(transfer_id):
    return departure.get_transfer(current_actor(), transfer_id)


@bp.get("/transfers/<int:transfer_id>/list.pdf")
@bp.response(200, content_type="application/pdf")
def transfer_pdf(transfer_id):
    """The transfer list (交接清单) to print and sign."""
    url = f"{request.url_root}admin/transfers/{transfer_id}"
    data = departure.printable(current_actor(), transfer_id, url, now=now())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="transfer-{transfer_id}.pdf"'})


@bp.patch("/projects/<int:project_id>")
@bp.arguments(Reassign)
@bp.response(200)
def reassign(body, project_id):
    """Reassign the project's A and/or B with a reason (archivist, admin), its file filed or not."""
    return reassignment.reassign(current_actor(), project_id, now=now(), **body)


@bp.get("/projects/<int:project_id>/reassignments")
@bp.response(200)
def reassignments(project_id):
    return {"items": reassignment.project_history(current_actor(), project_id), "next_cursor": None}
