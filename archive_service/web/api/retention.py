"""Retention periods, the appraisal list and disposal lists (R23 鉴定/销毁)."""
from flask import Response, request

from ...services.archive import retention_defaults
from ...services.retention import disposals, retention
from ..context import current_actor, now, scan_store
from .base import api_blueprint
from .schemas import ApiSchema, Bool, Dict, List, PageArgs, Text

bp = api_blueprint("retention", "Retention periods, yearly appraisal and approved disposal (R23)")


class Period(ApiSchema):
    period = Text(16, required=True, metadata={"description": "permanent, 30y or 10y"})
    reason = Text(200, required=True)


class Defaults(ApiSchema):
    defaults = Dict(keys=Text(16), values=Text(16), required=True,
                    metadata={"description": "{business: period}, e.g. {\"loan\": \"30y\"}"})


class AppraisalArgs(PageArgs):
    year = Text(8, required=True, metadata={"description": "the appraisal year, 2000–2099"})


class NewDisposal(ApiSchema):
    archive_nos = List(Text(80), required=True)
    reason = Text(200, required=True)


class DisposalDecision(ApiSchema):
    approve = Bool(required=True)
    note = Text(200, load_default="")
    remove_scans = Bool(load_default=False, metadata={"description": "remove the files' scans with them"})


class DisposalArgs(PageArgs):
    state = Text(16, load_default=None)


@bp.put("/archives/<archive_no>/retention")
@bp.arguments(Period)
@bp.response(200)
def set_period(body, archive_no):
    """Change a file's retention period with a reason (archivist); audited."""
    return retention.set_period(current_actor(), archive_no, body["period"], body["reason"], now=now())


@bp.get("/retention/defaults")
@bp.response(200)
def get_defaults():
    """The default period of each business, given to files when they are received."""
    return retention_defaults.defaults_view()


@bp.put("/retention/defaults")
@bp.arguments(Defaults)
@bp.response(200)
def set_defaults(body):
    return retention_defaults.set_defaults(current_actor(), body["defaults"], now=now())


@bp.get("/appraisals")
@bp.arguments(AppraisalArgs, location="query")
@bp.response(200)
def appraisal(args):
    """Files whose period ends by 31 December of `year`."""
    return retention.appraisal(current_actor(), args["year"], limit=args["limit"], cursor=args["cursor"], now=now())


@bp.post("/disposals")
@bp.arguments(NewDisposal)
@bp.response(201)
def create_disposal(body):
    return disposals.create(current_actor(), body["archive_nos"], body["reason"], now=now())


@bp.get("/disposals")
@bp.arguments(DisposalArgs, location="query")
@bp.response(200)
def find_disposals(args):
    return disposals.find(current_actor(), **args)


@bp.get("/disposals/<int:disposal_id>")
@bp.response(200)
def get_disposal(disposal_id):
    return disposals.get(current_actor(), disposal_id)


@bp.post("/disposals/<int:disposal_id>/decision")
@bp.arguments(DisposalDecision)
@bp.response(200)
def decide(body, disposal_id):
    """An approver other than the list's author approves or rejects it."""
    return disposals.decide(current_actor(), disposal_id, now=now(), **body)


@bp.post("/disposals/<int:disposal_id>/destroy")
@bp.response(200)
def destroy(disposal_id):
    """Destroy the files of an approved list whose periods are over."""
    return disposals.destroy(current_actor(), disposal_id, store=scan_store(), now=now())


@bp.get("/disposals/<int:disposal_id>/list.pdf")
@bp.response(200, content_type="application/pdf")
def disposal_pdf(disposal_id):
    """The destruction list (销毁清单) to print and sign."""
    url = f"{request.url_root}disposals/{disposal_id}"
    data = disposals.printable(current_actor(), disposal_id, url, now=now())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="disposal-{disposal_id}.pdf"'})
