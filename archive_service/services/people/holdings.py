"""What a person still handles or holds (R21): nobody leaves, is deactivated or loses a role while
holding work that would then have nobody to hold it.

Each kind of holding is one `Kind`: `find(user_id)` lists what the user holds of it in a fixed
number of statements, `move(item, leaver, successor, actor, transfer, now)` hands one item on
inside the caller's transaction (refusing with 409 `departure.already_moved` when the leaver no
longer holds it), and `needs(item)` names the role the item is held by (a role change that takes
that role away is refused while the item is held). Every item has a stable `key`
("project:12:A") for partial transfers and an `outcome`: "hand_on" or "cancel".

- project: every project with the user as A or B, its file filed or not (a filed project's A and
  B still answer for it and read its file), held as a manager.
- custody: the last active custodian keeps the safe while certificates are in it or on loan; the
  last active archivist keeps the archive while files are in it. The successor takes the role.
- loan: the user's loans as borrower that are not closed. One that is out is handed on (the
  successor answers for its return, reading nothing on it: file_access); one requested or approved
  is cancelled, never handed on, because an approval is given to the person who asked (R17), and
  the leaver, the successor and the approvers who decided it are told.

Loan approval steps are not held by a person: a loan awaits a role (`Loan.awaiting`) and any
active holder of that role may decide it, so a leaver holds no approvals, only their own loans."""
from collections.abc import Callable
from dataclasses import dataclass

from peewee import JOIN

from ...db import for_update
from ...domain import certificates as certificate_rules
from ...domain import handovers as handover_rules
from ...domain import loans as loan_rules
from ...domain.errors import Conflict, require
from ...domain.permissions import ARCHIVIST, CUSTODIAN, MANAGER, ROLES
from ...models import ArchiveFile, Certificate, Customer, Handover, Loan, LoanApproval, Project, User
from ..platform import audit, outbox
from . import role_moves

KEPT = (certificate_rules.IN_SAFE, certificate_rules.ON_LOAN)
HAND_ON, CANCEL = "hand_on", "cancel"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    find: Callable
    move: Callable
    needs: Callable


def _projects(user_id):
    """Every project with the user as A or B, with its list (open or filed)."""
    rows = (Project.select(Project, Customer, Handover)
            .join(Customer).switch(Project)
            .join(Handover, JOIN.LEFT_OUTER, on=(Handover.project == Project.id), attr="listing")
            .where((Project.a_user == user_id) | (Project.b_user == user_id))
            .order_by(Project.id))
    found = []
    for project in rows:
        handover = getattr(project, "listing", None)
        handover = handover if handover is not None and handover.id is not None else None
        for role, holder in ((role_moves.A, project.a_user_id), (role_moves.B, project.b_user_id)):
            if holder == user_id:
                found.append(_project_item(project, role, handover))
    return found


def _project_item(project, role, handover):
    filed = handover is not None and handover.state == handover_rules.RECEIVED
    listing = ("已归档(接办人可查阅其档案)" if filed else
               f"移交清单 {handover_rules.STATE_NAMES[handover.state]}" if handover else "尚未编制移交清单")
    return {"key": f"project:{project.id}:{role}", "kind": "project", "kind_name": "经办项目",
            "id": project.id, "ref": project.code,
            "summary": f"项目 {project.code} {project.title}({project.customer.name})"
                       f" · {role_moves.ROLE_NAMES[role]} · {listing}",
            "role": role, "filed": filed, "outcome": HAND_ON,
            "open_list": {"id": handover.id, "state": handover.state,
                          "state_name": handover_rules.STATE_NAMES[handover.state]}
            if handover and not filed else None}


def _move_project(item, leaver, successor, actor, transfer, now):
    role_moves.move_for_departure(item["id"], item["role"], leaver, successor, actor,
                                  f"离职交接 #{transfer.id}", transfer=transfer, now=now)


# ---- custody: the last keeper of the safe or the archive --------------------------------------

@dataclass(frozen=True)
class Keep:
    key: str
    ref: str
    kind_name: str
    count: Callable
    summary: str


KEEPS = {
    CUSTODIAN: Keep("custody:safe", "保险柜", "权证保管",
                    lambda: Certificate.select().where(Certificate.status.in_(KEPT)).count(),
                    "唯一的权证管理员:在库或借出的重要权证 {n} 件由其保管"),
    ARCHIVIST: Keep("custody:archive", "档案室", "档案保管",
                    lambda: ArchiveFile.select().where(ArchiveFile.status == "in_archive").count(),
                    "唯一的档案管理员:在库档案 {n} 卷由其保管"),
}


def keepers(role):
    """The ids of the active users with `role`."""
    return [u.id for u in User.select(User.id, User.roles_text).where(User.active).order_by(User.id)
            if role in u.roles]


def _custody(user_id):
    """What only this user keeps: the certificates in the company's keeping are the custodians'
    charge and the files in the archive the archivists', so the last active holder of the role
    holds all of them until someone else takes the role."""
    active = list(User.select(User.id, User.roles_text).where(User.active).order_by(User.id))
    found = []
    for role, keep in KEEPS.items():
        if [u.id for u in active if role in u.roles] != [user_id]:
            continue
        kept = keep.count()
        if kept:
            found.append({"key": keep.key, "kind": "custody", "kind_name": keep.kind_name, "id": None,
                          "ref": keep.ref, "summary": keep.summary.format(n=kept), "role": role,
                          "outcome": HAND_ON, "open_list": None})
    return found


def _move_custody(item, leaver, successor, actor, transfer, now):
    """The successor takes the role (the keeping of the safe or the archive passes to them)."""
    role = item["role"]
    require(keepers(role) == [leaver.id], Conflict, "departure.already_moved",
            f"{KEEPS[role].kind_name}已由其他在职的{ROLES[role]}承担")
    before = successor.roles
    successor.roles_text = ",".join([*before, role])
    successor.save()
    audit.record(actor, "user.update", "user", successor.username,
                 {"roles": [before, successor.roles], "transfer": transfer.id}, now=now)


# ---- loans as borrower ------------------------------------------------------------------------

def _open_loans(user_id):
    """The user's loans as borrower that are not closed: requested (also waiting in line), approved, out."""
    rows = (Loan.select().where(Loan.borrower == user_id, Loan.state.in_(loan_rules.OPEN)).order_by(Loan.id))
    return [_loan_item(loan) for loan in rows]


def _loan_item(loan):
    out = loan.state == loan_rules.OUT
    due = f" · 应还 {loan.due_on.isoformat()}" if out and loan.due_on else ""
    fate = " · 交接给接办人负责归还" if out else " · 审批不随交接转移,离职交接时撤销"
    return {"key": f"loan:{loan.id}", "kind": "loan", "kind_name": "借阅", "id": loan.id, "ref": loan.object_code,
            "summary": f"借阅单 {loan.id} · {loan.object_code} · {loan_rules.STATE_NAMES[loan.state]}"
                       f"(用途:{loan.purpose}){due}{fate}",
            "role": None, "state": loan.state, "outcome": HAND_ON if out else CANCEL, "open_list": None}


def _move_loan(item, leaver, successor, actor, transfer, now):
    loan = for_update(Loan.select().where(Loan.id == item["id"])).get_or_none()
    require(loan is not None and loan.borrower_id == leaver.id and loan.state in loan_rules.OPEN, Conflict,
            "departure.already_moved", f"借阅单 {item['id']} 已不在 {leaver.display_name} 名下或已结束")
    require((loan.state == loan_rules.OUT) == (item["outcome"] == HAND_ON), Conflict, "departure.already_moved",
            f"借阅单 {loan.id} 的状态已变为「{loan_rules.STATE_NAMES[loan.state]}」,请刷新后重新交接")
    if loan.state == loan_rules.OUT:
        _hand_on_loan(loan, leaver, successor, actor, transfer, now)
    else:
        _cancel_loan(loan, leaver, successor, actor, transfer, now)


def _hand_on_loan(loan, leaver, successor, actor, transfer, now):
    """The successor becomes the borrower of a loan that is out: answerable for its return. A
    renewal the leaver asked for and nobody decided yet is withdrawn with it."""
    twice = Loan.select().where(Loan.borrower == successor.id, Loan.object_code == loan.object_code,
                                Loan.state.in_(loan_rules.OPEN)).exists()
    require(not twice, Conflict, "departure.successor_has_loan",
            f"接办人 {successor.display_name} 已有 {loan.object_code} 的借阅,请先撤销或归还其中一笔")
    approved = LoanApproval.select().where(LoanApproval.loan == loan.id, LoanApproval.decided_by == successor.id)
    require(not approved.exists(), Conflict, "departure.successor_approved_loan",
            f"接办人 {successor.display_name} 审批过借阅单 {loan.id},不能成为其借阅人")
    renewal = loan.renewal_days
    if renewal is not None:
        loan.renewal_days, loan.awaiting = None, None
    loan.borrower, loan.handed_on_in = successor.id, transfer.id
    loan.save()
    audit.record(actor, "loan.reassign", "loan", loan.id, {"object": loan.object_code, "from": leaver.username,
                                                           "to": successor.username, "transfer": transfer.id,
                                                           "renewal_withdrawn": renewal}, now=now)


def _cancel_loan(loan, leaver, successor, actor, transfer, now):
    """An approval is given to the person who asked: a loan not yet out is cancelled, not handed on."""
    require(loan.movement_id is None, Conflict, "departure.loan_in_hand",
            f"借阅单 {loan.id} 的权证正在出库、等待第二人确认,请先完成确认后再交接")
    state = loan.state
    loan.state, loan.awaiting = loan_rules.CANCELLED, None
    loan.save()
    deciders = [a.decided_by for a in LoanApproval.select(LoanApproval, User)
                .join(User, on=(LoanApproval.decided_by == User.id)).where(LoanApproval.loan == loan.id)]
    outbox.notify([leaver, successor, *deciders], kind="loan", obj=loan.object_code, url=f"/loans/{loan.id}",
                  now=now, message=f"{leaver.display_name}离职交接(交接单 #{transfer.id}):借阅单 {loan.id}"
                                   f"({loan.object_code},{loan_rules.STATE_NAMES[state]})的审批只对申请人本人有效,"
                                   f"不转给接办人{successor.display_name},已撤销;如仍需借阅,请重新申请。")
    audit.record(actor, "loan.cancel", "loan", loan.id, {
        "object": loan.object_code, "state": state, "departure": transfer.id, "leaver": leaver.username,
        "successor": successor.username, "told": sorted({leaver.username, successor.username,
                                                         *(u.username for u in deciders)})}, now=now)


KINDS = [Kind("project", "经办项目(A角/B角,含已归档的项目)", _projects, _move_project, lambda i: MANAGER),
         Kind("custody", "保管(保险柜的权证、档案室的档案)", _custody, _move_custody, lambda i: i["role"]),
         Kind("loan", "借阅(借出中的交接,未借出的撤销)", _open_loans, _move_loan, lambda i: None)]
BY_NAME = {k.name: k for k in KINDS}


def of_user(user_id):
    """[{"key", "kind", "kind_name", "id", "ref", "summary", "outcome", …}] of everything the user still holds."""
    return [item for kind in KINDS for item in kind.find(user_id)]


def held_by_roles(user_id, roles):
    """What the user holds by one of `roles`: what taking those roles away would leave without a holder."""
    return [item for item in of_user(user_id) if BY_NAME[item["kind"]].needs(item) in set(roles)]


def move(items, leaver, successor, actor, transfer, *, now):
    """Hand each item on to the successor, or cancel it (inside the caller's transaction)."""
    for item in items:
        BY_NAME[item["kind"]].move(item, leaver, successor, actor, transfer, now)


def summary(items):
    """[{"kind", "label", "count"}] per kind, in the order kinds are listed."""
    return [{"kind": k.name, "label": k.label, "count": sum(1 for i in items if i["kind"] == k.name)}
            for k in KINDS]
