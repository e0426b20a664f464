"""Storage locations (R22): rooms, cabinets in rooms, shelves in cabinets, boxes on shelves."""
from peewee import JOIN

from ...db import transaction
from ...domain.errors import Conflict, InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import to_db
from ...models import Location
from ...paging import keyset_page, text_cursor
from ..platform import audit, lookup

LEVELS = ("room", "cabinet", "shelf", "box")
LEVEL_NAMES = {"room": "档案室", "cabinet": "档案柜", "shelf": "层架", "box": "档案盒"}


def location_view(location):
    if location is None:
        return None
    path, node = [], location
    while node is not None:
        path.insert(0, node.code)
        node = node.parent
    return {"id": location.id, "code": location.code, "name": location.name, "level": location.level,
            "level_name": LEVEL_NAMES[location.level], "parent": location.parent.code if location.parent_id else None,
            "path": "/".join(path), "safe": location.safe}


def load_location(code, field="location"):
    """The location with this code; an unknown code is bad input on `field`."""
    location = Location.get_or_none(Location.code == code) if isinstance(code, str) else None
    require(location is not None, InvalidInput, "location.not_found", f"找不到存放位置 {code}",
            errors={field: "未知的位置编码"})
    return location


def create_location(actor, *, code, name, parent=None, safe=False, now):
    """A room, or a cabinet in a room, a shelf in a cabinet, a box on a shelf. `safe` marks a safe or
    a drawer/bag inside one: certificates may be placed only there (R16); custodians create those."""
    require_permission(actor, "locations.manage_safe" if safe is True else "locations.manage")
    require(isinstance(code, str) and 0 < len(code.strip()) <= 40 and code.strip() == code, InvalidInput,
            "location.invalid_code", "位置编码不能为空、不超过 40 字且不含首尾空格", errors={"code": "1–40 字"})
    require(isinstance(name, str) and 0 < len(name.strip()) <= 100, InvalidInput, "location.invalid_name",
            "位置名称不能为空且不超过 100 字", errors={"name": "1–100 字"})
    exists = Conflict("location.exists", f"位置编码 {code} 已存在")
    with transaction(conflict=exists):
        parent_row = load_location(parent, "parent") if parent is not None else None
        require(not parent_row or parent_row.level != "box", InvalidInput, "location.too_deep",
                "档案盒下不能再建位置", errors={"parent": "档案盒下不能再建位置"})
        level = LEVELS[LEVELS.index(parent_row.level) + 1] if parent_row else "room"
        if Location.select().where(Location.code == code).exists():
            raise exists
        location = Location.create(code=code, name=name.strip(), level=level, parent=parent_row,
                                   created_at=to_db(now), safe=safe)
        audit.record(actor, "location.create", "location", code, {"name": name, "parent": parent, "safe": safe},
                     now=now)
    return location_view(location)


@lookup.resolver(order=30)
def resolve_location_code(code):
    """A location label (room, cabinet, shelf or box)."""
    row = Location.select(Location.id).where(Location.code == code).tuples().first()
    return {"kind": "location", "id": row[0], "status": "in_use", "url": f"/locations#location-{row[0]}"} \
        if row else None


def _with_ancestors():
    """Locations with their parent, grandparent and great-grandparent (a box's whole path) joined."""
    parent, grandparent, great = Location.alias(), Location.alias(), Location.alias()
    return (Location.select(Location, parent, grandparent, great)
            .join(parent, JOIN.LEFT_OUTER, on=(Location.parent == parent.id), attr="parent")
            .join(grandparent, JOIN.LEFT_OUTER, on=(parent.parent == grandparent.id), attr="parent")
            .join(great, JOIN.LEFT_OUTER, on=(grandparent.parent == great.id), attr="parent"))


def list_locations(actor, *, limit=None, cursor=None):
    """The locations by code, a page at a time: {"items", "next_cursor"}."""
    require_permission(actor, "archives.view")
    return keyset_page(_with_ancestors(), Location.code, limit=limit, cursor=cursor, view=location_view,
                       parse_cursor=text_cursor)


def all_locations(actor):
    """Every location by code, for choosing one in a form."""
    require_permission(actor, "archives.view")
    return [location_view(loc) for loc in _with_ancestors().order_by(Location.code)]
