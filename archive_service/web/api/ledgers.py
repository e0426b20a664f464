"""Search, ledger exports, legacy imports and statistics (R3, R23)."""
from ...services import search
from ..context import current_actor
from .base import api_blueprint
from .schemas import ApiSchema, Int, Str

bp = api_blueprint("ledgers", "Search, exports, imports and statistics (R3, R23)")


class SearchArgs(ApiSchema):
    q = Str(required=True, metadata={"description": "a complete number, or two or more characters of a name"})
    limit = Int(load_default=None)


@bp.get("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200)
def search_all(args):
    """Files, items, projects and customers matching a number or a partial name, as the caller may see them."""
    return search.search(current_actor(), args["q"], limit=args["limit"])
