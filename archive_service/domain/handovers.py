"""The handover list (册内资料清单) and its steps: pure rules (R6–R9, R11).

Items are dicts with `part`, `title`, `pages`, `attachment`, `contract`. The canonical content
of a list is what a signature covers: its sha256 changes whenever any item changes.
"""
import hashlib
import json

from .errors import Conflict, InvalidInput, require

PARTS = {1: "立项审批资料", 2: "重要合同或单据", 3: "项目调查资料", 4: "客户或企业资料"}
MAX_ITEMS, MAX_PAGES, MAX_TITLE = 500, 10_000, 200

DRAFT, SUBMITTED, RETURNED, ACCEPTED, RECEIVED = "draft", "submitted", "returned", "accepted", "received"
STATE_NAMES = {DRAFT: "草稿", SUBMITTED: "待B角审核", RETURNED: "退回补充", ACCEPTED: "待档案室接收",
               RECEIVED: "已归档"}
# step -> the states it may start from
STEPS = {"edit": {DRAFT}, "submit": {DRAFT}, "review": {SUBMITTED}, "supplement": {RETURNED},
         "receive": {ACCEPTED}, "refuse": {ACCEPTED}}
STEP_NAMES = {"edit": "修改清单", "submit": "A角提交", "review": "B角审核", "supplement": "A角补充",
              "receive": "档案室接收", "refuse": "拒收退回B角"}


def _bad(index, field, code, message):
    return InvalidInput(code, f"第 {index + 1} 项:{message}", errors={f"items.{index}.{field}": message})


def clean_item(index, item):
    """One item, checked: part 1–4, a title, a positive whole page count, booleans."""
    if not isinstance(item, dict):
        raise _bad(index, "body", "handover.invalid_item", "必须是对象")
    part, title, pages = item.get("part"), item.get("title"), item.get("pages")
    if not isinstance(part, int) or isinstance(part, bool) or part not in PARTS:
        raise _bad(index, "part", "handover.unknown_part", "part 必须是 1–4(立项审批、合同单据、项目调查、客户资料)")
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > MAX_TITLE:
        raise _bad(index, "title", "handover.invalid_title", f"名称不能为空且不超过 {MAX_TITLE} 字")
    if not isinstance(pages, int) or isinstance(pages, bool) or not 1 <= pages <= MAX_PAGES:
        raise _bad(index, "pages", "handover.invalid_pages", f"页数必须是 1–{MAX_PAGES} 的整数(含封面)")
    flags = {}
    for name in ("attachment", "contract"):
        value = item.get(name, False)
        if not isinstance(value, bool):
            raise _bad(index, name, "handover.invalid_flag", f"{name} 必须是 true 或 false")
        flags[name] = value
    return {"part": part, "title": title.strip(), "pages": pages, **flags}


def clean_items(items, *, allow_empty=False):
    """The items of a new list (or a supplement), checked. A new list needs at least one item
    that will be numbered (attachments never are, R9)."""
    require(isinstance(items, list), InvalidInput, "handover.invalid_items", "items 必须是数组",
            errors={"items": "必须是数组"})
    require(allow_empty or items, InvalidInput, "handover.empty_list", "清单不能为空", errors={"items": "至少一项"})
    require(len(items) <= MAX_ITEMS, InvalidInput, "handover.too_many_items", f"清单最多 {MAX_ITEMS} 项",
            errors={"items": f"最多 {MAX_ITEMS} 项"})
    cleaned = [clean_item(i, item) for i, item in enumerate(items)]
    require(allow_empty or any(not i["attachment"] for i in cleaned), InvalidInput, "handover.nothing_numbered",
            "清单中至少要有一项非附件资料(附件不编号)", errors={"items": "至少一项非附件"})
    return cleaned


def clean_template(items):
    """A checklist template: the same lines as a list, without page counts."""
    require(isinstance(items, list), InvalidInput, "handover.invalid_items", "items 必须是数组",
            errors={"items": "必须是数组"})
    return clean_items([{**i, "pages": 1} if isinstance(i, dict) else i for i in items])


def in_order(items):
    """Items in the fixed order of the four parts (R8), stable within a part."""
    return sorted(items, key=lambda i: (i["part"], i.get("position", 0)))


def canonical(items):
    """The signed content: the ordered items without ids or numbers, as compact JSON."""
    rows = [[i["part"], i["title"], i["pages"], bool(i["attachment"]), bool(i["contract"])] for i in in_order(items)]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def content_hash(items):
    return hashlib.sha256(canonical(items).encode()).hexdigest()


def changes(before, after):
    """What changed between two signed versions: items added and removed (by content)."""
    old = json.loads(canonical(before)) if before is not None else []
    new = json.loads(canonical(after))
    keys = ("part", "title", "pages", "attachment", "contract")
    added = [row for row in new if row not in old]
    removed = [row for row in old if row not in new]
    return {"added": [dict(zip(keys, r, strict=True)) for r in added],
            "removed": [dict(zip(keys, r, strict=True)) for r in removed]}


def totals(items):
    """Items and pages per part and overall (attachments counted: every page must arrive, R18)."""
    parts = {}
    for part, name in PARTS.items():
        rows = [i for i in items if i["part"] == part]
        parts[str(part)] = {"name": name, "items": len(rows), "pages": sum(i["pages"] for i in rows),
                            "attachments": sum(1 for i in rows if i["attachment"])}
    return {"parts": parts, "items": len(items), "pages": sum(i["pages"] for i in items),
            "attachments": sum(1 for i in items if i["attachment"])}


def require_step(state, step):
    """Each step only from its state: anything else is a 409 with a stable code."""
    require(state in STEPS[step], Conflict, f"handover.cannot_{step}",
            f"清单当前状态为「{STATE_NAMES.get(state, state)}」,不能{STEP_NAMES[step]}",
            details={"state": state, "step": step})


def clean_missing(missing, *, allow_empty=False):
    """B's supplementary-materials list (补充资料清单): each entry with title and reason; at least
    one, unless entries of an earlier round are still open (they stay on A's list)."""
    require(isinstance(missing, list) and (missing or allow_empty), InvalidInput, "handover.missing_required",
            "退回时必须列出补充资料清单", errors={"missing": "至少一项"})
    cleaned = []
    for n, entry in enumerate(missing):
        ok = isinstance(entry, dict) and all(
            isinstance(entry.get(k), str) and 0 < len(entry[k].strip()) <= MAX_TITLE for k in ("title", "reason"))
        require(ok, InvalidInput, "handover.invalid_missing", f"补充资料清单第 {n + 1} 项需要名称和原因",
                errors={f"missing.{n}": "需要 title 和 reason"})
        cleaned.append({"title": entry["title"].strip(), "reason": entry["reason"].strip()})
    return cleaned


def clean_corrections(corrections):
    """A's corrections of existing items: [{"item_id", "title", "pages", "attachment", "contract"}]."""
    require(isinstance(corrections, list), InvalidInput, "handover.invalid_corrections", "corrections 必须是数组",
            errors={"corrections": "必须是数组"})
    cleaned = []
    for n, fix in enumerate(corrections):
        item_id = fix.get("item_id") if isinstance(fix, dict) else None
        require(isinstance(item_id, int) and not isinstance(item_id, bool), InvalidInput, "handover.unknown_item",
                f"第 {n + 1} 项更正需要 item_id", errors={f"corrections.{n}.item_id": "必填"})
        fields = clean_item(n, {**fix, "part": 1})  # a correction keeps the item's part
        cleaned.append({"item_id": item_id, **{k: v for k, v in fields.items() if k != "part"}})
    return cleaned


def differences(items, checks):
    """The archivist's item-by-item check (R11): every item checked once, pages equal. Returns
    the list of differences (empty when everything matches)."""
    expected = {i["id"]: i for i in items}
    seen, diffs = set(), []
    for check in checks:
        item_id, pages = check.get("item_id"), check.get("pages")
        if item_id not in expected:
            diffs.append({"item_id": item_id, "title": None, "expected": None, "counted": pages,
                          "problem": "unknown_item"})
        elif item_id in seen:
            diffs.append({"item_id": item_id, "title": expected[item_id]["title"],
                          "expected": expected[item_id]["pages"], "counted": pages, "problem": "checked_twice"})
        elif pages != expected[item_id]["pages"] or isinstance(pages, bool):
            diffs.append({"item_id": item_id, "title": expected[item_id]["title"],
                          "expected": expected[item_id]["pages"], "counted": pages, "problem": "pages_differ"})
        seen.add(item_id)
    for item in in_order(items):
        if item["id"] not in seen:
            diffs.append({"item_id": item["id"], "title": item["title"], "expected": item["pages"],
                          "counted": None, "problem": "not_checked"})
    return diffs
