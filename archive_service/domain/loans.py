"""Loan states and the checks on what a borrower types (pure)."""
import re

from .errors import InvalidInput, require

ARCHIVE, CERTIFICATE = "archive", "certificate"  # what is borrowed: a file or a certificate
OBJECT_KINDS = {ARCHIVE: "档案", CERTIFICATE: "权证"}
USES = {"read": "档案室内查阅", "take_out": "借出"}
INCIDENT_OPEN, INCIDENT_CLOSED = "open", "closed"  # an incident at a return (R18): the file is flagged while open
REQUESTED, APPROVED, OUT, RETURNED, REJECTED, CANCELLED = (
    "requested", "approved", "out", "returned", "rejected", "cancelled")
STATE_NAMES = {REQUESTED: "待审批", APPROVED: "待出借", OUT: "借出中", RETURNED: "已归还", REJECTED: "已驳回",
               CANCELLED: "已撤销"}
OPEN = (REQUESTED, APPROVED, OUT)
ACTIVE = (APPROVED, OUT)  # an approved loan lets the borrower read the file (R19)
# R17: the chairman and the general manager (the executive role) borrow without approval, whatever
# rules an admin sets; the rule table only sets their days and renewals.
EXEMPT_ROLE = "executive"


def approval_exempt(roles):
    return EXEMPT_ROLE in roles
MAX_PURPOSE, MAX_NOTE, MAX_CODE = 200, 500, 80
SLIP_RE = re.compile(r"^JY-(\d{6,12})$")


def slip_code(loan_id):
    """The code a loan slip carries (借阅单 JY-000123), which the scan box and lookup resolve."""
    return f"JY-{loan_id:06d}"


def slip_id(code):
    found = SLIP_RE.match(code) if isinstance(code, str) else None
    return int(found[1]) if found else None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, field, *, max_len, required=True, code="request.invalid_field"):
    """`value` stripped, control characters refused, at most `max_len` characters."""
    if value is None and not required:
        return ""
    require(isinstance(value, str), InvalidInput, code, f"{field} 必须是文本", errors={field: "必须是文本"})
    value = value.strip()
    require(not _CONTROL.search(value), InvalidInput, code, f"{field} 含有不可见的控制字符",
            errors={field: "含有控制字符"})
    require(len(value) <= max_len, InvalidInput, code, f"{field} 不能超过 {max_len} 字",
            errors={field: f"不超过 {max_len} 字"})
    require(value or not required, InvalidInput, code, f"{field} 不能为空", errors={field: "必填"})
    return value


def whole_number(value, field, low, high, code="request.invalid_number"):
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    require(ok, InvalidInput, code, f"{field} 必须是 {low}–{high} 的整数", errors={field: f"{low}–{high} 的整数"})
    return value
