"""The hash chain of the audit trail (R19): each entry's hash covers its own content and the
hash of the entry before it, so an edited, deleted or inserted entry breaks the chain."""
import hashlib
import json

GENESIS = "0" * 64
CHAINED_FIELDS = ("id", "at", "actor", "action", "object_type", "object_id", "summary", "client_addr")


def entry_hash(prev_hash: str, content: dict) -> str:
    canonical = json.dumps([prev_hash, *(str(content[f]) for f in CHAINED_FIELDS)], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_break(entries, head_last_id, head_last_hash, *, start_id=0, start_hash=GENESIS):
    """The first bad entry as (id, reason), or None when the chain is whole.

    `entries` yields dicts with CHAINED_FIELDS plus prev_hash and hash, in id order, from the
    entry after `start_id` (whose hash is `start_hash`: a checkpoint verified before) on."""
    prev_id, prev_hash = start_id, start_hash
    for e in entries:
        if e["id"] != prev_id + 1:
            return prev_id + 1, "missing"
        if e["prev_hash"] != prev_hash:
            return e["id"], "broken_link"
        if entry_hash(prev_hash, e) != e["hash"]:
            return e["id"], "edited"
        if e["id"] > head_last_id:
            return e["id"], "inserted"
        prev_id, prev_hash = e["id"], e["hash"]
    if prev_id != head_last_id or prev_hash != head_last_hash:
        return prev_id + 1, "missing"
    return None
