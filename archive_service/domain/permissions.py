"""Who may do what: one readable table. Services check it; object-level rules (only the
project's A-role may act as A) live in the service that owns the object."""
from .errors import Forbidden

ADMIN, ARCHIVIST, CUSTODIAN, MANAGER = "admin", "archivist", "custodian", "manager"
APPROVER, EXECUTIVE, AUDITOR = "approver", "executive", "auditor"

ROLES = {
    ADMIN: "系统管理员",
    ARCHIVIST: "档案管理员",
    CUSTODIAN: "权证管理员",
    MANAGER: "客户经理",
    APPROVER: "有权审批人",
    EXECUTIVE: "董事长/总经理",
    AUDITOR: "审计",
}

ANYONE = frozenset(ROLES)

PERMISSIONS = {
    "users.manage": {ADMIN},
    "users.view": {ADMIN, AUDITOR},
    "calendar.edit": {ADMIN},
    "audit.view": {ADMIN, AUDITOR},
    "customers.create": {MANAGER, ARCHIVIST},
    "customers.view": {MANAGER, ARCHIVIST, EXECUTIVE, AUDITOR, APPROVER},
    "customers.view_id_number": {ARCHIVIST, EXECUTIVE},
    "projects.create": {MANAGER, ARCHIVIST},
    "projects.view_all": {ARCHIVIST, EXECUTIVE, AUDITOR, APPROVER},
    "handovers.receive": {ARCHIVIST},
    "handovers.view_all": {ARCHIVIST, EXECUTIVE, AUDITOR, APPROVER},
    "checklists.edit": {ADMIN, ARCHIVIST},
    "extensions.decide": {APPROVER},
    "locations.manage": {ARCHIVIST},
    "locations.manage_safe": {ARCHIVIST, CUSTODIAN},
    "archives.view": {ARCHIVIST, EXECUTIVE, AUDITOR},
    "archives.void_number": {ARCHIVIST},
    "register.view": {ARCHIVIST, AUDITOR},
    "labels.print": {ARCHIVIST, CUSTODIAN},
    "scans.upload": {ARCHIVIST},
    "scans.view": {ARCHIVIST, EXECUTIVE, AUDITOR},
    "numbering.edit": {ADMIN},
    "settings.edit": {ADMIN},
    "certificates.view": {CUSTODIAN, ARCHIVIST, EXECUTIVE, AUDITOR},
    "certificates.custody": {CUSTODIAN},
    "certificates.move": {CUSTODIAN, ARCHIVIST},
    "certificates.decide": {APPROVER},
    "certificate_kinds.edit": {ADMIN},
    "imports.ledger": {ARCHIVIST},
    "imports.projects": {ARCHIVIST, MANAGER},
    "stats.view": {ARCHIVIST, EXECUTIVE},
    "projects.reassign": {ARCHIVIST, ADMIN},
    "retention.set": {ARCHIVIST},
    "retention.defaults": {ADMIN},
    "appraisals.view": {ARCHIVIST, APPROVER, AUDITOR},
    "disposals.create": {ARCHIVIST},
    "disposals.decide": {APPROVER},
    "disposals.destroy": {ARCHIVIST},
    "loans.view_all": {ARCHIVIST, CUSTODIAN, EXECUTIVE, AUDITOR, APPROVER},
    "loans.hand_out_archive": {ARCHIVIST},
    "loans.hand_out_certificate": {CUSTODIAN},
    "loans.rules": {ADMIN},
    "loans.desk": {ARCHIVIST, CUSTODIAN},
    "incidents.view": {ARCHIVIST, CUSTODIAN, APPROVER, EXECUTIVE, AUDITOR},
    "incidents.close": {APPROVER},
    "alerts.sweep": {ADMIN},
    "alerts.remind": {ARCHIVIST, CUSTODIAN},
    "outbox.view": {ADMIN},
}


def allowed(roles, action):
    return bool(set(roles) & PERMISSIONS[action])


def require_permission(actor, action):
    """Raise Forbidden unless one of the actor's roles grants `action`."""
    if not allowed(actor.roles, action):
        raise Forbidden("auth.forbidden", "您没有执行此操作的权限")
