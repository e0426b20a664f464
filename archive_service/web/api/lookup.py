"""Scan lookup: what a printed or typed code names."""
from ...services.platform import lookup
from ..context import current_actor
from .base import api_blueprint

bp = api_blueprint("lookup", "Scan lookup: archive numbers, item and contract numbers, locations and more")


@bp.get("/lookup/<path:code>")
@bp.response(200)
def lookup_code(code):
    """{kind, id, status, url} of the object the code names; 404 `lookup.not_found` when none."""
    current_actor()
    return lookup.resolve(code)
