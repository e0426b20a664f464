"""A handover list's items as every reader sees them, the archive file's included: in part and
position order, as plain dicts."""
from ...domain import handovers as rules
from ...models import HandoverItem


def item_rows(handover):
    return list(handover.items.order_by(HandoverItem.part, HandoverItem.position))


def item_dict(item):
    return {"id": item.id, "part": item.part, "part_name": rules.PARTS[item.part], "position": item.position,
            "title": item.title, "pages": item.pages, "attachment": item.attachment, "contract": item.contract,
            "round": item.round, "number": item.number, "contract_number": item.contract_number}
