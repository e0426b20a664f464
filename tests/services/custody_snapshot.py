"""The custody snapshot (archive_service/domain/invariants.py) read from the database in a few
queries, plus what the service shows (the ledger's status names, the loans it calls overdue)
and what its `audit verify` says (of the entries since the last whole check)."""
import json

from peewee import fn

from archive_service.domain import invariants as inv
from archive_service.domain.actors import Actor
from archive_service.domain.timeutil import local_date
from archive_service.models import (
    ArchiveFile,
    AuditEntry,
    Certificate,
    CertificateHandover,
    CertificateMovement,
    Disposal,
    Handover,
    Loan,
    LoanApproval,
    Location,
    Project,
    Reassignment,
    Stocktake,
    User,
)
from archive_service.services.ledgers import archive_ledger
from archive_service.services.loans import loans
from archive_service.services.platform import audit

# Sees the ledger and every loan, and writes nothing when it reads them.
VIEWER = Actor(id=None, username="snapshot", roles=("archivist", "custodian"))
RECEIVED = "received"


def _loan_id(details):
    loan = json.loads(details or "{}").get("loan")
    return int(loan) if isinstance(loan, int | str) and str(loan).isdigit() else None


def _approvals():
    """{loan id: (approving users of the request in step order, everyone who decided)}."""
    approved, decided = {}, {}
    for a in LoanApproval.select().order_by(LoanApproval.round, LoanApproval.step):
        decided.setdefault(a.loan_id, []).append(a.decided_by_id)
        if a.round == 0 and a.approve:
            approved.setdefault(a.loan_id, []).append(a.decided_by_id)
    return approved, decided


def _loans():
    approved, decided = _approvals()
    return tuple(inv.LoanRow(
        id=x.id, state=x.state, object_kind=x.object_kind, object_code=x.object_code, borrower_id=x.borrower_id,
        certificate_id=x.certificate_id, archive_id=x.archive_id, out_key=x.out_key, due_on=x.due_on,
        steps=tuple(s for s in x.steps.split(",") if s), approved_by=tuple(approved.get(x.id, ())),
        decided_by=tuple(decided.get(x.id, ())), checked_out=x.checked_out_at is not None)
        for x in Loan.select().order_by(Loan.id))


def _archives():
    shown = {row["archive_no"]: row["status_name"]
             for row in archive_ledger.page(VIEWER, limit=500, sort="id")["items"]}
    return tuple(inv.ArchiveRow(id=a.id, archive_no=a.archive_no, status=a.status,
                                shown_status_name=shown.get(a.archive_no, ""))
                 for a in ArchiveFile.select().order_by(ArchiveFile.id))


def _projects():
    filed = {h.project_id for h in Handover.select(Handover.project).where(Handover.state == RECEIVED)}
    return tuple(inv.ProjectRow(id=p.id, code=p.code, a_user=p.a_user_id, b_user=p.b_user_id, filed=p.id in filed)
                 for p in Project.select().order_by(Project.id))


def _audit_counts():
    rows = (AuditEntry.select(AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id, fn.COUNT(AuditEntry.id))
            .group_by(AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id).tuples())
    return {(action, obj_type, obj_id): count for action, obj_type, obj_id, count in rows}


def read(now, restore=None):
    """The snapshot as the database and the service have it at `now`."""
    lists = {h.id: h.state for h in CertificateHandover.select(CertificateHandover.id, CertificateHandover.state)}
    return inv.Snapshot(
        today=local_date(now),
        users=tuple(inv.UserRow(id=u.id, username=u.username, active=u.active, roles=tuple(u.roles))
                    for u in User.select().order_by(User.id)),
        safe_locations=frozenset(loc.id for loc in Location.select(Location.id).where(Location.safe)),
        certificates=tuple(inv.CertificateRow(id=c.id, code=c.code, status=c.status, location_id=c.location_id,
                                              list_id=c.handover_id, list_state=lists[c.handover_id])
                           for c in Certificate.select().order_by(Certificate.id)),
        movements=tuple(inv.MovementRow(id=m.id, certificate_id=m.certificate_id, kind=m.kind, state=m.state,
                                        started_by=m.started_by_id, approved_by=m.approved_by_id,
                                        confirmed_by=m.confirmed_by_id, loan_id=_loan_id(m.details))
                        for m in CertificateMovement.select().order_by(CertificateMovement.id)),
        loans=_loans(),
        archives=_archives(),
        projects=_projects(),
        list_states=lists,
        stocktake_states={s.id: s.state for s in Stocktake.select(Stocktake.id, Stocktake.state)},
        disposal_states={d.id: d.state for d in Disposal.select(Disposal.id, Disposal.state)},
        reassigned_projects=frozenset(r.project_id for r in Reassignment.select(Reassignment.project)),
        audit=_audit_counts(),
        audit_ok=audit.verify_since_checkpoint()["ok"],
        shown_overdue=frozenset(item["id"] for item in loans.find(VIEWER, overdue=True, limit=500, now=now)["items"]),
        restore=restore,
    )
