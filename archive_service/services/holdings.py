"""What a person still handles or holds (R21): nobody leaves, or is deactivated, holding work.

Each kind of holding is one `Kind`: `find(user_id)` lists what the user holds of it in a fixed
number of statements, `move(item, leaver, successor, actor, transfer, now)` hands one item to a
successor inside the caller's transaction (refusing with 409 `departure.already_moved` when the
leaver no longer holds it). Every item has a stable `key` ("project:12:A") for partial transfers.

Loan approval steps are not held by a person: a loan awaits a role (`Loan.awaiting`) and any
active holder of that role may decide it, so a leaver holds no approvals, only their own loans."""
from collections.abc import Callable
from dataclasses import dataclass

from peewee import JOIN

from ..db import for_update
from ..domain import certificates as certificate_rules
from ..domain import handovers as handover_rules
from ..domain import loans as loan_rules
from ..domain.errors import Conflict, require
from ..domain.permissions import CUSTODIAN
from ..models import Certificate, Customer, Handover, Loan, LoanApproval, Project, User
from . import audit, reassignment

KEPT = (certificate_rules.IN_SAFE, certificate_rules.ON_LOAN)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    find: Callable
    move: Callable


def _open_projects(user_id):
    """Projects whose file has not reached the archive, with the user as A or B, and their open list."""
    rows = (Project.select(Project, Customer, Handover)
            .join(Customer).switch(Project)
            .join(Handover, JOIN.LEFT_OUTER, on=(Handover.project == Project.id), attr="open_handover")
            .where((Project.a_user == user_id) | (Project.b_user == user_id),
                   Handover.state.is_null() | (Handover.state != handover_rules.RECEIVED))
            .order_by(Project.id))
    found = []
    for project in rows:
        handover = getattr(project, "open_handover", None)
        handover = handover if handover is not None and handover.id is not None else None
        for role, holder in ((reassignment.A, project.a_user_id), (reassignment.B, project.b_user_id)):
            if holder == user_id:
                found.append(_project_item(project, role, handover))
    return found


def _project_item(project, role, handover):
    listing = (f"移交清单 {handover_rules.STATE_NAMES[handover.state]}" if handover else "尚未编制移交清单")
    return {"key": f"project:{project.id}:{role}", "kind": "project", "kind_name": "经办项目",
            "id": project.id, "ref": project.code,
            "summary": f"项目 {project.code} {project.title}({project.customer.name})"
                       f" · {reassignment.ROLE_NAMES[role]} · {listing}",
            "role": role, "open_list": {"id": handover.id, "state": handover.state,
                                        "state_name": handover_rules.STATE_NAMES[handover.state]}
            if handover else None}


def _move_project(item, leaver, successor, actor, transfer, now):
    reassignment.move_for_departure(item["id"], item["role"], leaver, successor, actor,
                                    f"离职交接 #{transfer.id}", transfer=transfer, now=now)


def _custodians():
    return [u for u in User.select(User.id, User.roles_text).where(User.active) if CUSTODIAN in u.roles]


def _custody(user_id):
    """Custody of the safe: the certificates in the company's keeping are the custodians' charge, so
    the last active custodian holds all of them until someone else takes the custodian role."""
    if [u.id for u in _custodians()] != [user_id]:
        return []
    kept = Certificate.select().where(Certificate.status.in_(KEPT)).count()
    if not kept:
        return []
    return [{"key": "custody:safe", "kind": "custody", "kind_name": "权证保管", "id": None, "ref": "保险柜",
             "summary": f"唯一的权证管理员:在库或借出的重要权证 {kept} 件由其保管", "role": None, "open_list": None}]


def _move_custody(item, leaver, successor, actor, transfer, now):
    """The successor becomes a custodian (R16's keeping of the safe passes to them)."""
    require([u.id for u in _custodians()] == [leaver.id], Conflict, "departure.already_moved",
            "权证保管已由其他在职的权证管理员承担")
    before = successor.roles
    successor.roles_text = ",".join([*before, CUSTODIAN])
    successor.save()
    audit.record(actor, "user.update", "user", successor.username,
                 {"roles": [before, successor.roles], "transfer": transfer.id}, now=now)


def _open_loans(user_id):
    """The user's loans as borrower that are not closed: requested (also waiting in line), approved, out."""
    rows = (Loan.select().where(Loan.borrower == user_id, Loan.state.in_(loan_rules.OPEN)).order_by(Loan.id))
    return [_loan_item(loan) for loan in rows]


def _loan_item(loan):
    due = f" · 应还 {loan.due_on.isoformat()}" if loan.state == loan_rules.OUT and loan.due_on else ""
    return {"key": f"loan:{loan.id}", "kind": "loan", "kind_name": "借阅", "id": loan.id, "ref": loan.object_code,
            "summary": f"借阅单 {loan.id} · {loan.object_code} · {loan_rules.STATE_NAMES[loan.state]}"
                       f"(用途:{loan.purpose}){due}",
            "role": None, "open_list": None}


def _move_loan(item, leaver, successor, actor, transfer, now):
    """The successor becomes the borrower: answerable for the return and for what is still pending."""
    loan = for_update(Loan.select().where(Loan.id == item["id"])).get_or_none()
    require(loan is not None and loan.borrower_id == leaver.id and loan.state in loan_rules.OPEN, Conflict,
            "departure.already_moved", f"借阅单 {item['id']} 已不在 {leaver.display_name} 名下或已结束")
    twice = Loan.select().where(Loan.borrower == successor.id, Loan.object_code == loan.object_code,
                                Loan.state.in_(loan_rules.OPEN)).exists()
    require(not twice, Conflict, "departure.successor_has_loan",
            f"接办人 {successor.display_name} 已有 {loan.object_code} 的借阅,请先撤销或归还其中一笔")
    approved = LoanApproval.select().where(LoanApproval.loan == loan.id, LoanApproval.decided_by == successor.id)
    require(not approved.exists(), Conflict, "departure.successor_approved_loan",
            f"接办人 {successor.display_name} 审批过借阅单 {loan.id},不能成为其借阅人")
    loan.borrower = successor.id
    loan.save()
    audit.record(actor, "loan.reassign", "loan", loan.id, {"object": loan.object_code, "from": leaver.username,
                                                           "to": successor.username, "transfer": transfer.id},
                 now=now)


KINDS = [Kind("project", "经办项目(A角/B角,含未归档的移交清单)", _open_projects, _move_project),
         Kind("custody", "权证保管(保险柜)", _custody, _move_custody),
         Kind("loan", "借阅(待审批、待出借、借出中)", _open_loans, _move_loan)]
BY_NAME = {k.name: k for k in KINDS}


def of_user(user_id):
    """[{"key", "kind", "kind_name", "id", "ref", "summary", …}] of everything the user still holds."""
    return [item for kind in KINDS for item in kind.find(user_id)]


def move(items, leaver, successor, actor, transfer, *, now):
    """Hand each item to the successor (inside the caller's transaction)."""
    for item in items:
        BY_NAME[item["kind"]].move(item, leaver, successor, actor, transfer, now)


def summary(items):
    """[{"kind", "label", "count"}] per kind, in the order kinds are listed."""
    return [{"kind": k.name, "label": k.label, "count": sum(1 for i in items if i["kind"] == k.name)}
            for k in KINDS]
