"""Customers and projects: input rules and the masked id number (R19)."""
import re
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput, require

KINDS = {"person": "个人", "enterprise": "企业"}
BUSINESSES = {"loan": "小贷", "guarantee": "担保"}
PERSON_ID_RE = re.compile(r"^(\d{17}[\dX]|\d{15})$")
ENTERPRISE_ID_RE = re.compile(r"^[0-9A-Z]{8,20}$")
PROJECT_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
MAX_AMOUNT = Decimal("1e12")


def mask_id_number(id_number: str) -> str:
    """3101**********0000: the first and last four characters, the rest starred."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def text(value, field, code, label, max_len=200):
    require(isinstance(value, str) and value.strip() and len(value.strip()) <= max_len, InvalidInput, code,
            f"{label}不能为空且不超过 {max_len} 字", errors={field: f"1–{max_len} 字"})
    return value.strip()


def clean_customer(name, kind, id_number):
    name = text(name, "name", "customer.invalid_name", "客户名称", 100)
    require(kind in KINDS, InvalidInput, "customer.invalid_kind", "客户类型必须是 person(个人)或 enterprise(企业)",
            errors={"kind": "person 或 enterprise"})
    number = id_number.strip().upper() if isinstance(id_number, str) else None
    pattern = PERSON_ID_RE if kind == "person" else ENTERPRISE_ID_RE
    require(number is not None and pattern.match(number), InvalidInput, "customer.invalid_id_number",
            "身份证号应为 18 位(或 15 位)" if kind == "person" else "统一社会信用代码格式错误",
            errors={"id_number": "格式错误"})
    return name, kind, number


def clean_amount(amount):
    try:
        value = Decimal(str(amount)) if not isinstance(amount, bool) and amount is not None else None
    except InvalidOperation:
        value = None
    ok = value is not None and value.is_finite() and Decimal(0) < value < MAX_AMOUNT and value == round(value, 2)
    require(ok, InvalidInput, "project.invalid_amount", "金额必须是大于 0 的数字,最多两位小数",
            errors={"amount": "大于 0,最多两位小数"})
    return value.quantize(Decimal("0.01"))


def clean_project_fields(code, business, title, amount):
    require(isinstance(code, str) and PROJECT_CODE_RE.match(code), InvalidInput, "project.invalid_code",
            "项目编号只能包含字母、数字、._-,1–40 位", errors={"code": "字母、数字、._-"})
    require(business in BUSINESSES, InvalidInput, "project.invalid_business",
            "业务类型必须是 loan(小贷)或 guarantee(担保)",
            errors={"business": "loan 或 guarantee"})
    return code, business, text(title, "title", "project.invalid_title", "项目名称"), clean_amount(amount)
