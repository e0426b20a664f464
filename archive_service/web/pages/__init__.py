"""HTML pages (zh-CN), signed in with a browser session."""
from flask import current_app, g, request
from flask_login import LoginManager, current_user

from ...domain.permissions import ROLES, allowed
from ...domain.timeutil import minute_text
from ...services.accounts import users
from ...services.alerts import alerts
from ..context import client_addr
from ..errors import typed_form
from . import (
    admin,
    archives,
    auth,
    certificates,
    customers,
    departure,
    handovers,
    home,
    ledgers,
    loans,
    retention,
    scans,
)
from .auth import SessionUser
from .formats import yuan


def init_pages(app):
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = None  # the login page says what to do; no warning on a first visit
    login.session_protection = "strong"

    @login.user_loader
    def _load(key):
        actor = users.load_actor(key, client_addr())
        return SessionUser(actor, key) if actor else None

    app.before_request(_actor_from_session)
    app.context_processor(_template_helpers)
    app.add_template_filter(minute_text, "minute")
    app.add_template_filter(yuan, "yuan")
    for bp in (auth.bp, home.bp, admin.bp, customers.bp, handovers.bp, archives.bp, scans.bp, certificates.bp,
               ledgers.bp, departure.bp, retention.bp, loans.bp):
        app.register_blueprint(bp)


def _actor_from_session():
    if not request.environ.get("PATH_INFO", "").startswith("/api/") and current_user.is_authenticated:
        g.actor = current_user.actor


# The navigation, in order: (group label or None, [(endpoint, label, permission or None)]).
# Entries whose endpoint is not registered, or that the actor may not use, are left out; a group
# with one entry left shows as a plain link.
NAV_GROUPS = [
    (None, [("home.dashboard", "工作台", None),
            ("handover_pages.tasks", "我的任务", None)]),
    ("移交", [("handover_pages.mine", "我的移交", None),
             ("handover_pages.inbox", "待接收档案", "handovers.receive"),
             ("handover_pages.pending_extensions", "延期审批", "extensions.decide"),
             ("certificate_pages.movements", "权证解押审批", "certificates.decide")]),
    ("档案", [("customer_pages.find_projects", "项目", None),
             ("customer_pages.find_customers", "客户", "customers.view"),
             ("ledger_pages.search_page", "档案检索", None),
             ("archive_pages.ledger", "档案台帐", "archives.view"),
             ("archive_pages.register", "档案登记本", "register.view"),
             ("archive_pages.locations", "存放位置", "locations.manage"),
             ("ledger_pages.stats_page", "统计", "stats.view"),
             ("ledger_pages.import_form", "导入", "imports.projects"),
             ("retention_pages.appraisals", "鉴定与销毁", "appraisals.view")]),
    ("权证", [("certificate_pages.ledger", "权证台帐", "certificates.view"),
            ("certificate_pages.movements", "出入库复核", "certificates.move"),
            ("certificate_pages.day", "日终核对", "certificates.custody"),
            ("certificate_pages.stocktake_list", "权证盘点", "certificates.custody")]),
    ("借阅", [("loan_pages.mine", "我的借阅", None),
            ("loan_pages.inbox", "借阅审批", None),
            ("loan_pages.desk", "借还台", "loans.desk"),
            ("loan_pages.overdue", "逾期催还", "alerts.remind"),
            ("loan_pages.incident_list", "缺失事件", "incidents.view")]),
    ("标签与扫描", [("scan_pages.label_form", "标签打印", "labels.print"),
                ("scan_pages.batch_form", "批量扫描", "scans.upload")]),
    ("系统管理", [("admin.users", "用户管理", "users.manage"),
               ("admin.calendar", "工作日历", "calendar.edit"),
               ("retention_pages.defaults", "保管期限", "retention.defaults"),
               ("certificate_pages.kinds", "权证类别", "certificate_kinds.edit"),
               ("admin.settings", "系统设置", "settings.edit"),
               ("admin.audit", "审计日志", "audit.view")]),
]
NAV_ITEMS = [item for _, items in NAV_GROUPS for item in items]


def _visible_nav(actor):
    if actor is None:
        return []
    groups = []
    for label, items in NAV_GROUPS:
        visible = [i for i in items if i[0] in current_app.view_functions
                   and (i[2] is None or allowed(actor.roles, i[2]))]
        if visible:
            groups.append((label if len(visible) > 1 else None, visible))
    return groups


def _template_helpers():
    actor = g.get("actor")
    if "typed" not in g:
        g.typed = typed_form()
    return {
        "typed": (lambda name, default="": (g.typed.get(name) or [default])[0]),
        "typed_all": (lambda name, default=(): g.typed.get(name, default)),
        "nav_items": [n for n in NAV_ITEMS if n[0] in current_app.view_functions],
        "nav_groups": _visible_nav(actor),
        "actor": actor,
        "unread_alerts": alerts.unread_count(actor) if actor is not None else 0,
        "can": (lambda action: actor is not None and allowed(actor.roles, action)),
        "role_names": ROLES,
    }
