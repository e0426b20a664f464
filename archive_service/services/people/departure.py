"""Departure handover (离职交接, R21): an admin sees everything a leaving user holds and hands it,
all at once or item by item to several successors, each step in one transaction with a printable
transfer list (交接清单) both people sign. Projects (open or filed), the keeping of the safe or the
archive and loans that are out are handed on; a loan not yet out is cancelled, never handed on
(holdings.py). Only a user who holds nothing can be deactivated."""
import json

from ...adapters import signoff_pdf
from ...db import for_update, transaction
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import Transfer, User
from ...paging import row_id
from ..platform import audit
from . import holdings

NOTE_MAX = 200
MAX_ITEMS = 500


def _user(username, *, lock=False):
    query = User.select().where(User.username == str(username))
    user = (for_update(query) if lock else query).get_or_none()
    if user is None:
        raise NotFound("user.not_found", f"找不到用户 {username}")
    return user


def user_holdings(actor, username):
    """What the user holds, kind by kind: {"username", "display_name", "active", "items", "kinds"}."""
    require_permission(actor, "users.manage")
    user = _user(username)
    items = holdings.of_user(user.id)
    return {"username": user.username, "display_name": user.display_name, "active": user.active,
            "items": items, "kinds": holdings.summary(items), "count": len(items),
            "transfers": transfers_of(user.id)}


def _successor(name, leaver):
    require(isinstance(name, str) and name.strip(), InvalidInput, "departure.successor_required",
            "请指定接办人", errors={"successor": "必填"})
    # locked until the transfer commits: a concurrent deactivation or role change of the successor
    # waits, then sees what they now hold (and a second transfer to them waits its turn)
    successor = for_update(User.select().where(User.username == name.strip())).get_or_none()
    require(successor is not None, InvalidInput, "departure.unknown_successor", f"找不到接办人 {name}",
            errors={"successor": "没有这个用户"})
    require(successor.id != leaver.id, InvalidInput, "departure.same_user", "不能交接给本人",
            errors={"successor": "不能是离职人本人"})
    require(successor.active, InvalidInput, "departure.successor_inactive",
            f"接办人 {successor.display_name} 的账号已停用", errors={"successor": "必须是在职用户"})
    return successor


def _clean_keys(keys):
    if keys is None:
        return None
    ok = isinstance(keys, list) and 0 < len(keys) <= MAX_ITEMS and all(isinstance(k, str) for k in keys) \
        and len(set(keys)) == len(keys)
    require(ok, InvalidInput, "departure.invalid_items", f"items 必须是 1–{MAX_ITEMS} 个不重复的交接项编号",
            errors={"items": "交接项编号的数组,不重复"})
    return keys


def _clean_note(note):
    require(isinstance(note, str) and len(note.strip()) <= NOTE_MAX and note.isprintable(), InvalidInput,
            "departure.invalid_note", f"备注不超过 {NOTE_MAX} 字", errors={"note": f"不超过 {NOTE_MAX} 字"})
    return note.strip()


def transfer(actor, username, *, successor, items=None, note="", now):
    """Hand everything the user holds (or the items named by key) to the successor, in one
    transaction. Anything named that the user no longer holds refuses the whole step (409)."""
    require_permission(actor, "users.manage")
    keys, note = _clean_keys(items), _clean_note(note)
    with transaction():
        leaver = _user(username, lock=True)
        heir = _successor(successor, leaver)
        held = holdings.of_user(leaver.id)
        require(held, Conflict, "departure.nothing_held", f"{leaver.display_name} 没有需要交接的事项")
        if keys is not None:
            by_key = {i["key"]: i for i in held}
            gone = [k for k in keys if k not in by_key]
            require(not gone, Conflict, "departure.already_moved",
                    f"以下事项已不在 {leaver.display_name} 名下(可能已交接):{'、'.join(gone[:10])}",
                    details={"items": gone})
            held = [by_key[k] for k in keys]
        row = Transfer.create(leaver=leaver, successor=heir, done_by=actor.id, done_at=to_db(now),
                              items=json.dumps(held, ensure_ascii=False), note=note)
        holdings.move(held, leaver, heir, actor, row, now=now)
        audit.record(actor, "user.departure", "user", leaver.username, {
            "transfer": row.id, "successor": heir.username, "items": [i["key"] for i in held], "note": note},
            now=now)
    return transfer_view(Transfer.get_by_id(row.id), remaining=len(holdings.of_user(leaver.id)))


def transfer_view(row, remaining=None):
    view = {"id": row.id, "leaver": row.leaver.username, "leaver_name": row.leaver.display_name,
            "successor": row.successor.username, "successor_name": row.successor.display_name,
            "done_by": row.done_by.username, "done_by_name": row.done_by.display_name,
            "done_at": iso_local(row.done_at), "note": row.note, "items": json.loads(row.items)}
    if remaining is not None:
        view["remaining"] = remaining
    return view


def transfers_of(user_id):
    """The transfers a user gave, newest first, with the people named (one statement)."""
    Successor, By = User.alias(), User.alias()
    Leaver = User.alias()
    rows = (Transfer.select(Transfer, Leaver, Successor, By)
            .join(Leaver, on=(Transfer.leaver == Leaver.id), attr="leaver").switch(Transfer)
            .join(Successor, on=(Transfer.successor == Successor.id), attr="successor").switch(Transfer)
            .join(By, on=(Transfer.done_by == By.id), attr="done_by")
            .where(Transfer.leaver == user_id).order_by(Transfer.id.desc()))
    return [transfer_view(r) for r in rows]


def _transfer(transfer_id):
    row = Transfer.get_or_none(Transfer.id == transfer_id) if row_id(transfer_id) else None
    if row is None:
        raise NotFound("transfer.not_found", f"找不到交接记录 {transfer_id}")
    return row


def get_transfer(actor, transfer_id):
    require_permission(actor, "users.manage")
    return transfer_view(_transfer(transfer_id))


def printable(actor, transfer_id, record_url, *, now):
    """The transfer list (交接清单) as PDF bytes, for the leaver, the successor and the admin to sign."""
    view = get_transfer(actor, transfer_id)
    data = signoff_pdf.transfer_list(view, record_url)
    with transaction():
        audit.record(actor, "transfer.print", "transfer", view["id"], {"leaver": view["leaver"]}, now=now)
    return data
