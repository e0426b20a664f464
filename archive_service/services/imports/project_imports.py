"""Projects from the lending system's disbursement export (放款明细): customers, projects, their A
and B and their end dates, without typing (R5, R10). The R10 clock starts on the disbursement
date, which becomes the project's end date. A dry run reports every bad cell by its Excel row;
a real run imports all rows or none. The same row twice (in one file or in two imports) makes
one project; the same project code with different content is an error."""
import hashlib
import re

from ...db import transaction
from ...domain import customers as rules
from ...domain import imports as cells
from ...domain.errors import InvalidInput, require
from ...domain.imports import Field
from ...domain.permissions import MANAGER, require_permission
from ...domain.timeutil import to_db
from ...models import Customer, Project, User
from ..platform import audit, search_index
from .imports import Report, chunks, counted, table_rows

FIELDS = [
    Field("code", "项目编号", ("合同编号", "借据号", "贷款编号")),
    Field("customer", "客户名称", ("借款人", "客户", "借款人名称")),
    Field("id_number", "证件号码", ("身份证号", "统一社会信用代码", "证件号")),
    Field("kind", "客户类型", ("借款人类型",), required=False),
    Field("business", "业务类型", ("业务", "业务品种")),
    Field("title", "项目名称", ("贷款品种", "产品名称")),
    Field("amount", "放款金额", ("金额", "贷款金额", "发放金额")),
    Field("a_user", "A角", ("主办客户经理", "A角客户经理")),
    Field("b_user", "B角", ("协办客户经理", "B角客户经理")),
    Field("disbursed_on", "放款日期", ("发放日期", "放款日")),
]
KIND_NAMES = {"个人": "person", "企业": "enterprise", "person": "person", "enterprise": "enterprise"}


def _readers(managers):
    def code(value):
        text = cells.text(value, 40)
        if not rules.PROJECT_CODE_RE.match(text):
            raise cells.CellError("项目编号只能包含字母、数字、._-,1–40 位")
        return text

    def kind(value):
        name = cells.text(value, 10)
        if name not in KIND_NAMES:
            raise cells.CellError("客户类型必须是 个人 或 企业")
        return KIND_NAMES[name]

    def amount(value):
        cells.formula(value)
        try:
            return rules.clean_amount(str(value).replace(",", "").strip() if isinstance(value, str) else value)
        except InvalidInput as refused:
            raise cells.CellError(refused.message) from None

    def manager(value):
        name = cells.text(value, 100)
        if name not in managers:
            raise cells.CellError(f"{name} 不是在职的客户经理(用户名或姓名)")
        return managers[name]

    return {"code": code, "customer": lambda v: cells.text(v, 100), "id_number": lambda v: cells.text(v, 32).upper(),
            "kind": kind, "business": cells.business, "title": lambda v: cells.text(v, 200), "amount": amount,
            "a_user": manager, "b_user": manager, "disbursed_on": cells.day}


def _managers():
    """{username or display name: user id} of active managers (a display name shared by two is left out)."""
    found, seen = {}, {}
    for user in User.select().where(User.active):
        if MANAGER in user.roles:
            found[user.username] = user.id
            seen[user.display_name] = seen.get(user.display_name, 0) + 1
            found.setdefault(user.display_name, user.id)
    return {name: i for name, i in found.items() if seen.get(name, 1) == 1 or name not in seen}


def _row_problems(row):
    problems = []
    if row.get("customer") and row.get("id_number"):
        kind = row.get("kind") or ("person" if re.match(rules.PERSON_ID_RE, row["id_number"]) else "enterprise")
        row["kind"] = kind
        try:
            rules.clean_customer(row["customer"], kind, row["id_number"])
        except InvalidInput as refused:
            problems.append(("证件号码", refused.message))
    if row.get("a_user") and row.get("a_user") == row.get("b_user"):
        problems.append(("B角", "A角和B角必须是两个不同的人"))
    return problems


def _fingerprint(row):
    return (row["customer"], row["id_number"], row["business"], row["title"], row["amount"], row["a_user"],
            row["b_user"], row["disbursed_on"])


def _existing_differs(project, row):
    """How an existing project with the row's code differs from the row, or None when it is the same."""
    same = (project.customer.id_number == row["id_number"] and project.business == row["business"]
            and project.title == row["title"] and project.amount == row["amount"]
            and (project.a_user_id, project.b_user_id) == (row["a_user"], row["b_user"])
            and project.ended_on == row["disbursed_on"])
    return None if same else f"项目编号 {row['code']} 已存在,内容与本行不同"


def _place(actor, row, n, seen, report, now):
    """Create the row's project (and customer) unless it is a repeat; problems go to the report."""
    earlier = seen.get(row["code"])
    if earlier is not None:
        if earlier[1] != _fingerprint(row):
            report.problem(n, "项目编号", f"与第 {earlier[0]} 行的项目编号相同但内容不同")
            return
        report.ok += 1
        report.skipped += 1
        return
    seen[row["code"]] = (n, _fingerprint(row))
    project = Project.get_or_none(Project.code == row["code"])
    if project is not None:
        differs = _existing_differs(project, row)
        if differs:
            report.problem(n, "项目编号", differs)
        else:
            report.ok += 1
            report.skipped += 1
        return
    customer = Customer.get_or_none(Customer.id_number == row["id_number"])
    if customer is not None and customer.name != row["customer"]:
        report.problem(n, "客户名称", f"证件号码 {rules.mask_id_number(row['id_number'])} 已登记为客户 {customer.name}")
        return
    report.ok += 1
    report.created += 1
    _create(actor, customer, row, now)


def _create(actor, customer, row, now):
    if customer is None:
        customer = Customer.create(name=row["customer"], kind=row["kind"], id_number=row["id_number"],
                                   created_by=actor.username, created_at=to_db(now))
        search_index.put("customer", customer.id, customer.name)
    project = Project.create(code=row["code"], customer=customer, business=row["business"], title=row["title"],
                             amount=row["amount"], a_user=row["a_user"], b_user=row["b_user"],
                             ended_on=row["disbursed_on"], created_by=actor.username, created_at=to_db(now))
    search_index.put("project", project.id, project.title)
    audit.record(actor, "project.import", "project", project.id,
                 {"code": project.code, "ended_on": row["disbursed_on"].isoformat()}, now=now)


def run(actor, data, filename="", *, mapping=None, dry_run=True, now):
    """Import the disbursement export; the report as for the legacy ledger. A dry run does the
    whole import inside a transaction and rolls it back."""
    require_permission(actor, "imports.projects")
    columns, ignored, body = table_rows(data, FIELDS, mapping)
    report, readers, seen = Report(ignored, dry_run), _readers(_managers()), {}
    with transaction() as txn:
        for chunk in chunks(counted(body, report)):
            for n, values in chunk:
                row, problems = cells.read_row(FIELDS, columns, values, readers)
                problems = problems or _row_problems(row)
                for column, message in problems:
                    report.problem(n, column, message)
                if not problems:
                    _place(actor, row, n, seen, report, now)
        if dry_run:
            txn.rollback()
            return report.view()
        require(not report.error_count, InvalidInput, "import.invalid_rows",
                f"有 {report.error_count} 处错误,未导入任何数据", details=report.view())
        audit.record(actor, "import.projects", "import", "", {
            "file": filename, "sha256": hashlib.sha256(data).hexdigest(), "rows": report.rows,
            "created": report.created, "skipped": report.skipped}, now=now)
    return report.view()
