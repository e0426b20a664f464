"""Demo accounts for every role and a few demo records, loaded only into an empty database by
`archive-service serve --demo`. Everything goes through the services, as a person would do it."""
from datetime import timedelta

from ..domain.timeutil import local_date
from ..models import User
from ..services.accounts import users
from ..services.archive import locations, receipt
from ..services.handover import customers, handovers

DEMO_PASSWORD = "demo-pass-2026"

DEMO_ACCOUNTS = [
    ("admin", "系统管理员", ["admin"], "信息技术部"),
    ("archivist", "李档案", ["archivist"], "综合管理部"),
    ("custodian", "陈权证", ["custodian"], "财务部"),
    ("zhang", "张经理", ["manager"], "业务一部"),
    ("wang", "王经理", ["manager"], "业务一部"),
    ("approver", "赵审批", ["approver"], "风险管理部"),
    ("gm", "孙总经理", ["executive"], "总经理室"),
    ("auditor", "周审计", ["auditor"], "审计部"),
]

# What each manager does on the demo projects, printed beside the accounts.
DEMO_PARTS = {"zhang": "演示项目的A角(编制并移交清单)", "wang": "演示项目的B角(审核并移交档案室)"}

DEMO_CUSTOMERS = [
    ("赵六", "person", "310101198805050012", "loan", "赵六个人经营贷", "300000"),
    ("李四商贸有限公司", "enterprise", "91310000MA1K000001", "loan", "流动资金贷款", "800000"),
    ("华东建材有限公司", "enterprise", "91320000MA1K000002", "guarantee", "融资担保", "2000000"),
]

DEMO_ITEMS = [{"part": 1, "title": "项目审批表", "pages": 2, "attachment": False, "contract": False},
              {"part": 2, "title": "借款合同", "pages": 8, "attachment": False, "contract": True},
              {"part": 2, "title": "借款合同(客户联)", "pages": 8, "attachment": True, "contract": True},
              {"part": 3, "title": "调查报告", "pages": 12, "attachment": False, "contract": False},
              {"part": 4, "title": "营业执照或身份证复印件", "pages": 1, "attachment": False, "contract": False}]


def load(now):
    """Create the demo accounts and records when the database has no users; returns
    [(username, password, roles)] of the accounts made (empty when nothing was loaded)."""
    if User.select().exists():
        return []
    created = []
    for username, name, roles, department in DEMO_ACCOUNTS:
        users.create_user(None, username=username, password=DEMO_PASSWORD, roles=roles,
                          display_name=name, department=department, now=now)
        created.append((username, DEMO_PASSWORD, roles))
    _load_records(now)
    return created


def _actor(username):
    return users.actor_of(User.get(User.username == username), "demo")


def _load_records(now):
    """Three projects at three steps: a draft for A, a list waiting for the archivist, a filed file."""
    archivist, a, b = _actor("archivist"), _actor("zhang"), _actor("wang")
    locations.create_location(archivist, code="R1", name="一号档案室", now=now)
    locations.create_location(archivist, code="R1-C01", name="一号柜", parent="R1", now=now)
    ended = local_date(now) - timedelta(days=2)
    lists = []
    for n, (name, kind, id_number, business, title, amount) in enumerate(DEMO_CUSTOMERS, start=1):
        customer = customers.create_customer(archivist, name=name, kind=kind, id_number=id_number, now=now)
        project = customers.create_project(archivist, code=f"DEMO-{n:03d}", customer_id=customer["id"],
                                           business=business, title=title, amount=amount, a_user="zhang",
                                           b_user="wang", ended_on=ended.isoformat(), now=now)
        lists.append(handovers.create(a, project["id"], DEMO_ITEMS, now=now))
    for handover in lists[1:]:
        handovers.submit(a, handover["id"], now=now)
        handovers.review(b, handover["id"], "accept", now=now)
    filed = lists[2]
    checks = [{"item_id": i["id"], "pages": i["pages"]} for i in filed["items"]]
    receipt.receive(archivist, filed["id"], checks, "R1-C01", now=now)
