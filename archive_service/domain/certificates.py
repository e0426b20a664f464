"""Important certificates (重要权证, R14–R16): pure rules for the handover list, the three-party
check, movements under dual control and the stock-take of a safe."""
import hashlib
import json
import re

from .bounds import bad_character
from .errors import Conflict, InvalidInput, require

# R14's six kinds: (code, zh-CN name). An admin may rename them or add more.
DEFAULT_KINDS = (
    ("borrower_title", "借款人财产权属证明"),
    ("guarantor_title", "保证人财产权属证明"),
    ("encumbrance", "他项权证"),
    ("chattel_mortgage", "动产抵押登记通知书"),
    ("equity_pledge", "股权出质设立登记通知书"),
    ("other_title", "其他权属证明"),
)
KIND_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")

LISTED, IN_SAFE, ON_LOAN, RELEASED = "listed", "in_safe", "on_loan", "released"
STATUS_NAMES = {LISTED: "待入库", IN_SAFE: "在保险柜", ON_LOAN: "借出", RELEASED: "已解押退还"}

# The certificate handover list: A lists and signs, B checks and signs, the custodian checks and stores.
# B or the custodian may instead return it to A (returned); A corrects it and signs again, and the
# checks start over in a new round (the returned round's signatures no longer count).
PENDING_B, PENDING_CUSTODIAN, STORED, RETURNED = "pending_b", "pending_custodian", "stored", "returned"
LIST_STATE_NAMES = {PENDING_B: "待B角核对", PENDING_CUSTODIAN: "待权证管理员核对入库", STORED: "已入保险柜",
                    RETURNED: "已退回A角"}
A, B, CUSTODIAN = "A", "B", "custodian"
SIGNER_NAMES = {A: "A角(列单)", B: "B角(核对)", CUSTODIAN: "权证管理员(核对入库)"}
RETURNER_NAMES = {B: "B角", CUSTODIAN: "权证管理员"}
MAX_RETURN_NOTE = 500

STORE, LEND, RETURN, RELEASE, MOVE = "store", "lend", "return", "release", "move"
MOVEMENT_NAMES = {STORE: "入库", LEND: "借出", RETURN: "归还", RELEASE: "解押退还", MOVE: "移位"}
STARTABLE = (LEND, RETURN, RELEASE, MOVE)
PENDING_APPROVAL, PENDING_SECOND, DONE, REFUSED = "pending_approval", "pending_second", "done", "refused"
MOVEMENT_STATE_NAMES = {PENDING_APPROVAL: "待审批", PENDING_SECOND: "待第二人确认", DONE: "已完成",
                        REFUSED: "已拒绝"}
OPEN_STATES = (PENDING_APPROVAL, PENDING_SECOND)
# The status a movement needs before it starts, and the status it leaves on confirmation.
BEFORE = {LEND: IN_SAFE, RETURN: ON_LOAN, RELEASE: IN_SAFE, MOVE: IN_SAFE}
AFTER = {LEND: ON_LOAN, RETURN: IN_SAFE, RELEASE: RELEASED, MOVE: IN_SAFE}

LABEL_PREFIX = "QZ"
LABEL_RE = re.compile(r"^QZ-(\d{4})-(\d{6})$")
MAX_CERTIFICATES, MAX_QUANTITY, MAX_TEXT = 200, 999, 200


def label_code(year, seq):
    """QZ-2026-000123: 权证 (QZ), the year it was listed, a running number within that year."""
    return f"{LABEL_PREFIX}-{year:04d}-{seq:06d}"


def is_label_code(code):
    return isinstance(code, str) and LABEL_RE.match(code) is not None


def _text(index, entry, field, label, max_len=MAX_TEXT):
    value = entry.get(field)
    ok = isinstance(value, str) and value.strip() and len(value.strip()) <= max_len and bad_character(value) is None
    require(ok, InvalidInput, f"certificate.invalid_{field}",
            f"第 {index + 1} 项:{label}不能为空、不超过 {max_len} 字且不含控制字符",
            errors={f"certificates.{index}.{field}": f"1–{max_len} 字"})
    return value.strip()


def clean_quantity(value, field):
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_QUANTITY
    require(ok, InvalidInput, "certificate.invalid_quantity", f"份数必须是 1–{MAX_QUANTITY} 的整数",
            errors={field: f"1–{MAX_QUANTITY} 的整数"})
    return value


def clean_certificate(index, entry):
    """One certificate of a list: kind (code or name, resolved by the service), name, number, owner,
    quantity (份数) — all required."""
    require(isinstance(entry, dict), InvalidInput, "certificate.invalid_entry", f"第 {index + 1} 项必须是对象",
            errors={f"certificates.{index}": "必须是对象"})
    cleaned = {"kind": _text(index, entry, "kind", "权证类别", 100),
               "name": _text(index, entry, "name", "权证名称"),
               "number": _text(index, entry, "number", "权证号"),
               "owner": _text(index, entry, "owner", "权利人", 100)}
    cleaned["quantity"] = clean_quantity(entry.get("quantity"), f"certificates.{index}.quantity")
    return cleaned


def clean_certificates(entries):
    require(isinstance(entries, list) and entries, InvalidInput, "certificate.empty_list",
            "权证移交清单至少要有一项", errors={"certificates": "至少一项"})
    require(len(entries) <= MAX_CERTIFICATES, InvalidInput, "certificate.too_many",
            f"一张清单最多 {MAX_CERTIFICATES} 项", errors={"certificates": f"最多 {MAX_CERTIFICATES} 项"})
    cleaned = [clean_certificate(n, e) for n, e in enumerate(entries)]
    seen = set()
    for n, entry in enumerate(cleaned):
        key = (entry["kind"], entry["number"])
        require(key not in seen, InvalidInput, "certificate.duplicate_in_list",
                f"第 {n + 1} 项:同一类别的权证号 {entry['number']} 在清单中重复",
                errors={f"certificates.{n}.number": "清单中重复"})
        seen.add(key)
    return cleaned


def clean_corrections(entries, listed_ids):
    """A's corrected list after a return: every entry as in `clean_certificates`, each with the `id`
    of the certificate of this list it corrects (it keeps its label), or none for a new one. A listed
    certificate no entry names is struck from the list."""
    cleaned = clean_certificates(entries)
    seen = set()
    for n, (entry, raw) in enumerate(zip(cleaned, entries, strict=True)):
        cid = raw.get("id")
        if cid is not None:
            ok = isinstance(cid, int) and not isinstance(cid, bool) and cid in listed_ids and cid not in seen
            require(ok, InvalidInput, "certificate.unknown_entry",
                    f"第 {n + 1} 项:id 必须是本清单中的一项权证,且只能出现一次",
                    errors={f"certificates.{n}.id": "不是本清单的权证或重复"})
            seen.add(cid)
        entry["id"] = cid
    return cleaned


def clean_return_note(note):
    """Why the list goes back to A: required, printable, at most MAX_RETURN_NOTE characters."""
    text = note.strip() if isinstance(note, str) else ""
    ok = text and len(text) <= MAX_RETURN_NOTE and all(ch.isprintable() or ch in "\n\t" for ch in text)
    require(ok, InvalidInput, "certificate.return_note_required",
            f"退回A角时必须写明差异或原因(不超过 {MAX_RETURN_NOTE} 字)", errors={"note": "必填"})
    return text


def canonical(certificates):
    """What each signature covers: kind, name, number, owner and quantity of every certificate."""
    rows = sorted([c["kind_code"], c["name"], c["number"], c["owner"], c["quantity"]] for c in certificates)
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def content_hash(certificates):
    return hashlib.sha256(canonical(certificates).encode()).hexdigest()


def differences(certificates, checks):
    """The checker's count against the list (R15): each certificate once, name, number and
    quantity equal. Returns every difference (empty when all match)."""
    require(isinstance(checks, list) and checks, InvalidInput, "certificate.checks_required",
            "必须逐项核对名称、权证号和份数", errors={"checks": "至少一项"})
    expected = {c["id"]: c for c in certificates}
    seen, diffs = set(), []
    for n, check in enumerate(checks):
        require(isinstance(check, dict), InvalidInput, "certificate.invalid_check", f"第 {n + 1} 项核对必须是对象",
                errors={f"checks.{n}": "必须是对象"})
        cid = check.get("certificate_id")
        cert = expected.get(cid) if isinstance(cid, int) and not isinstance(cid, bool) else None
        if cert is None:
            diffs.append({"certificate_id": cid, "field": None, "expected": None, "counted": None,
                          "problem": "unknown_certificate"})
            continue
        if cid in seen:
            diffs.append({"certificate_id": cid, "field": None, "expected": None, "counted": None,
                          "problem": "checked_twice"})
        seen.add(cid)
        for field in ("name", "number", "quantity"):
            counted = check.get(field)
            counted = counted.strip() if isinstance(counted, str) else counted
            if counted != cert[field] or isinstance(counted, bool):
                diffs.append({"certificate_id": cid, "field": field, "expected": cert[field], "counted": counted,
                              "problem": f"{field}_differs"})
    diffs += [{"certificate_id": c["id"], "field": None, "expected": None, "counted": None,
               "problem": "not_checked"} for c in certificates if c["id"] not in seen]
    return diffs


def require_movable(status, kind):
    """A movement starts only from the status it needs: a release of a certificate out on loan or
    not in the safe is refused."""
    require(kind in STARTABLE, InvalidInput, "certificate.invalid_movement",
            "kind 必须是 lend、return、release 或 move", errors={"kind": "lend/return/release/move"})
    if status == BEFORE[kind]:
        return
    if status == ON_LOAN:
        raise Conflict("certificate.on_loan", "该权证已借出,归还入库后才能办理")
    if status == RELEASED:
        raise Conflict("certificate.released", "该权证已解押退还,记录已关闭")
    raise Conflict("certificate.not_in_safe", f"该权证当前状态为「{STATUS_NAMES[status]}」,不在保险柜中")


LOAN_KINDS = (LEND, RETURN)  # only a loan starts these, at the desk (R17); never the generic movement route


def require_second_person(actor_id, *, started_by, approved_by=None, borrower=None):
    """Dual control (R16): the person who confirms a movement is none of those already on it: not
    who started it, not who approved it, not the borrower whose loan it is."""
    require(actor_id != started_by, Conflict, "certificate.dual_control",
            "双人控制:发起人不能自己审批或确认同一笔出入库,须由另一位有权人员办理")
    require(actor_id != approved_by, Conflict, "certificate.approver_confirms",
            "双人控制:审批人不能再作为第二人确认同一笔出入库,须由另一位有权人员确认")
    require(actor_id != borrower, Conflict, "certificate.borrower_confirms",
            "双人控制:借阅人不能确认自己借阅的权证出入库,须由另一位有权人员确认")


def stocktake_result(expected, scans):
    """Close a stock-take. `expected`: [{code, location, status}] frozen at start; `scans`:
    {code: location} (each label once). Found where recorded, found elsewhere in the safe
    (misplaced), not found (missing), out on loan, or scanned but not expected here (unexpected)."""
    result = {"found": [], "missing": [], "misplaced": [], "unexpected": [], "on_loan": []}
    known = set()
    for entry in expected:
        code = entry["code"]
        known.add(code)
        if entry["status"] == ON_LOAN and code not in scans:
            result["on_loan"].append(code)
        elif entry["status"] == ON_LOAN:
            result["unexpected"].append(code)
        elif code not in scans:
            result["missing"].append(code)
        elif scans[code] == entry["location"]:
            result["found"].append(code)
        else:
            result["misplaced"].append(code)
    result["unexpected"] += [code for code in scans if code not in known]
    return {key: sorted(codes) for key, codes in result.items()}
