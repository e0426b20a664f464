"""The audit trail (R19): every change and every read of a confidential record, appended in the
same transaction as the change, hash-chained."""
import json
from datetime import timedelta

from peewee import JOIN, fn

from ...db import for_update, transaction
from ...domain import auditchain
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, local_day_start, parse_date, to_db
from ...models import AuditEntry, AuditHead
from ...paging import page_by_id_desc


def record(actor, action, obj_type="", obj_id="", summary=None, *, now):
    """Append one entry. Call inside the transaction of the change it records."""
    head = _locked_head()
    content = {
        "id": head.last_id + 1,
        "at": to_db(now).isoformat(),
        "actor": actor.username if actor else None,
        "action": action,
        "object_type": obj_type,
        "object_id": str(obj_id),
        "summary": json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str),
        "client_addr": (actor.client_addr if actor else "") or "",
    }
    digest = auditchain.entry_hash(head.last_hash, content)
    AuditEntry.insert(**{**content, "at": to_db(now)}, prev_hash=head.last_hash, hash=digest).execute()
    AuditHead.update(last_id=content["id"], last_hash=digest, count=AuditHead.count + 1).where(
        AuditHead.id == 1).execute()


def _locked_head():
    """The chain's head row, locked until the transaction ends (created with the first entry)."""
    head = for_update(AuditHead.select().where(AuditHead.id == 1)).get_or_none()
    if head is None:
        AuditHead.insert(id=1, last_id=0, last_hash=auditchain.GENESIS, count=0).on_conflict_ignore().execute()
        head = for_update(AuditHead.select().where(AuditHead.id == 1)).get()
    return head


def _stored_content(entry):
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "client_addr": entry.client_addr,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def verify_chain():
    """The whole chain, from the first entry (`audit verify`, run by hand or scheduled):
    {"ok", "entries", "first_bad"}; first_bad names the first entry edited, deleted or inserted
    behind the service's back (None when the chain is whole). A whole chain moves the checkpoint."""
    head = AuditHead.get_or_none(AuditHead.id == 1)
    entries = AuditEntry.select().order_by(AuditEntry.id).iterator()
    result = _check(head, entries, 0, auditchain.GENESIS)
    result["entries"] = AuditEntry.select().count()
    return result


def verify_since_checkpoint():
    """Only the entries after the last verified checkpoint (what the audit page shows on every
    view), read with the head in one statement; the checkpoint moves on when they are whole.
    Entries before it are left to `verify_chain`. Adds "verified_from": the checkpoint's id."""
    rows = list(AuditHead.select(AuditHead, AuditEntry)
                .join(AuditEntry, JOIN.LEFT_OUTER, attr="entry",
                      on=(AuditEntry.id > fn.COALESCE(AuditHead.verified_id, 0)))
                .where(AuditHead.id == 1).order_by(AuditEntry.id))
    head = rows[0] if rows else None
    start_id, start_hash = ((head.verified_id, head.verified_hash) if head and head.verified_id
                            else (0, auditchain.GENESIS))
    result = _check(head, (r.entry for r in rows if r.entry is not None), start_id, start_hash)
    return {**result, "entries": head.count if head else 0, "verified_from": start_id}


def _check(head, entries, start_id, start_hash):
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, auditchain.GENESIS)
    broken = auditchain.first_break((_stored_content(e) for e in entries), last_id, last_hash,
                                    start_id=start_id, start_hash=start_hash)
    if broken is None and last_id > start_id:
        # a plain update outside any transaction: the head row is not held while appends wait
        (AuditHead.update(verified_id=last_id, verified_hash=last_hash)
         .where(AuditHead.id == 1, (AuditHead.verified_id < last_id) | AuditHead.verified_id.is_null()).execute())
    first_bad = {"id": broken[0], "reason": broken[1]} if broken else None
    return {"ok": broken is None, "first_bad": first_bad}


def verify(actor):
    """The whole chain, for the API's explicit check."""
    require_permission(actor, "audit.view")
    return verify_chain()


def verify_recent(actor):
    """What is new since the checkpoint, for the audit page's banner."""
    require_permission(actor, "audit.view")
    return verify_since_checkpoint()


def entry_view(entry):
    return {
        "id": entry.id,
        "at": iso_local(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": json.loads(entry.summary),
        "client_addr": entry.client_addr,
    }


def search(actor, *, actor_name=None, action=None, object_type=None, object_id=None,
           date_from=None, date_to=None, cursor=None, limit=100, now):
    """The log, newest first, filtered; keyset pagination by entry id. Reading it is audited."""
    require_permission(actor, "audit.view")
    query = AuditEntry.select()
    if actor_name:
        query = query.where(AuditEntry.actor == actor_name)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == str(object_id))
    if date_from:
        query = query.where(AuditEntry.at >= local_day_start(parse_date(date_from, "from")))
    if date_to:
        query = query.where(AuditEntry.at < local_day_start(parse_date(date_to, "to") + timedelta(days=1)))
    page = page_by_id_desc(query, AuditEntry.id, limit=limit, cursor=cursor, view=entry_view)
    with transaction():
        record(actor, "audit.read", "audit", "", {"filters": {
            "actor": actor_name, "action": action, "object_type": object_type,
            "object_id": object_id, "from": date_from, "to": date_to}}, now=now)
    return page
