"""A's answers to B's supplement lists (R7), pure rules. Each entry B listed as missing is answered
once: supplied (an item of the list now holds it) or explained (A says why it cannot be given).
An entry stays open until answered, across rounds."""
from .errors import InvalidInput, require

SUPPLIED, EXPLAINED = "supplied", "explained"
OUTCOME_NAMES = {SUPPLIED: "已补交", EXPLAINED: "已说明"}
MAX_NOTE = 500


def entry_key(value):
    """{"round": r, "entry": e} -> (r, e); anything else -> None."""
    if not isinstance(value, dict):
        return None
    key = value.get("round"), value.get("entry")
    return key if all(isinstance(k, int) and not isinstance(k, bool) for k in key) else None


def clean_note(text, field):
    note = text.strip() if isinstance(text, str) else ""
    require(note and len(note) <= MAX_NOTE and all(ch.isprintable() or ch in "\n\t" for ch in note), InvalidInput,
            "handover.explanation_required", f"说明不能为空且不超过 {MAX_NOTE} 字", errors={field: "必填"})
    return note


def clean_explanations(explanations):
    """[{"round", "entry", "note"}] -> [((round, entry), note)]."""
    require(isinstance(explanations, list), InvalidInput, "handover.invalid_explanations", "explanations 必须是数组",
            errors={"explanations": "必须是数组"})
    cleaned = []
    for n, explanation in enumerate(explanations):
        key = entry_key(explanation)
        require(key is not None, InvalidInput, "handover.unknown_missing_entry",
                f"第 {n + 1} 条说明没有指明回答哪一项缺失资料", errors={f"explanations.{n}": "需要 round 和 entry"})
        cleaned.append((key, clean_note(explanation.get("note"), f"explanations.{n}.note")))
    return cleaned


def assign(open_keys, titles, item_refs, explained_keys):
    """Which open entry each new item and each explanation answers. `open_keys` maps (round, entry)
    to the missing title; `item_refs[i]` is the entry new item i names, or None (then it answers
    the first open entry with its exact title, if any). Returns {key: ("item", i) | ("note", j)};
    an entry answered twice, or a key that is not open, is refused."""
    answers = {}

    def take(key, answer, where):
        require(key in open_keys, InvalidInput, "handover.unknown_missing_entry",
                f"{where}回答的缺失资料不存在或已答复", errors={where: "不是待补的缺失资料"})
        require(key not in answers, InvalidInput, "handover.missing_answered_twice",
                f"{where}回答的缺失资料已有答复", errors={where: "每项缺失资料只答复一次"})
        answers[key] = answer

    for i, ref in enumerate(item_refs):
        if ref is not None:
            take(ref, ("item", i), f"第 {i + 1} 项补充资料")
    for i, title in enumerate(titles):
        if item_refs[i] is None:
            key = next((k for k, t in open_keys.items() if t == title and k not in answers), None)
            if key is not None:
                answers[key] = ("item", i)
    for j, key in enumerate(explained_keys):
        take(key, ("note", j), f"第 {j + 1} 条说明")
    return answers


def progress(entries):
    """(answered, total) over the entries of every round."""
    return sum(1 for e in entries if e["resolved"]), len(entries)


def progress_text(answered, total):
    if not total:
        return ""
    return "已补齐" if answered == total else f"已补 {answered}/{total}"
