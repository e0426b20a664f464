"""Demo accounts for every role (and, as capabilities arrive, a few demo records), loaded only
into an empty database by `archive-service serve --demo`."""
from ..models import User
from . import users

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


def load(now):
    """Create the demo accounts when the database has no users; returns [(username, password, roles)]."""
    if User.select().exists():
        return []
    created = []
    for username, name, roles, department in DEMO_ACCOUNTS:
        users.create_user(None, username=username, password=DEMO_PASSWORD, roles=roles,
                          display_name=name, department=department, now=now)
        created.append((username, DEMO_PASSWORD, roles))
    return created
