"""Printable labels for archive boxes and storage locations."""
from flask import Response

from ...services.archive import labels
from ..context import current_actor, now, setting
from .base import api_blueprint
from .schemas import ApiSchema, QueryInt, Text

bp = api_blueprint("labels", "Label sheets and thermal labels with Code128 and QR codes")


class LabelArgs(ApiSchema):
    codes = Text(4000, required=True, metadata={"description": "archive numbers or location codes, comma-separated"})
    layout = Text(40, load_default="a4-3x8")
    start = QueryInt(load_default=1, metadata={"description": "first free position (1-based) on a used sheet",
                                               "minimum": 1})


@bp.get("/labels.pdf")
@bp.arguments(LabelArgs, location="query")
@bp.response(200, content_type="application/pdf")
def labels_pdf(args):
    """One label per code; customer names only where the company allows it."""
    return Response(_render(labels.print_labels, args), mimetype="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="labels.pdf"'})


@bp.get("/labels.png")
@bp.arguments(LabelArgs, location="query")
@bp.response(200, content_type="image/png")
def labels_png(args):
    """The first page of the same labels as an image, to check before printing."""
    return Response(_render(labels.preview, args), mimetype="image/png")


def _render(service, args):
    """`service` (print or preview) on the query's labels, customer names as the company decides."""
    return service(current_actor(), labels.parse_codes(args["codes"]), args["layout"], start=args["start"],
                   show_customer=setting("SHOW_CUSTOMER_ON_LABELS"), now=now())


@bp.get("/label-layouts")
@bp.response(200)
def layouts():
    """The label stocks the service can print on."""
    return labels.layouts(current_actor())
