"""Handing a project's A or B role to another person (R21): the plan (A and B stay two people,
nobody becomes the B who reviews a list they signed as A) and its record, audited. A reassignment
(reassignment.py) and a departure (holdings.py) both move roles through here."""
from ...db import for_update
from ...domain import handovers as handover_rules
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.timeutil import to_db
from ...models import Handover, Project, Reassignment, Signature
from ...paging import row_id
from ..handover.projects import active_manager
from ..platform import audit

A, B = "A", "B"
ROLE_FIELDS = {A: "a_user", B: "b_user"}
ROLE_NAMES = {A: "A角", B: "B角"}
REASON_MAX = 200


def clean_reason(reason, field="reason"):
    require(isinstance(reason, str) and reason.strip() and len(reason.strip()) <= REASON_MAX
            and reason.isprintable(), InvalidInput,
            "reassignment.reason_required", f"必须说明原因(不超过 {REASON_MAX} 字)",
            errors={field: f"1–{REASON_MAX} 字"})
    return reason.strip()


def lock_project(project_id):
    project = for_update(Project.select().where(Project.id == project_id)).get_or_none() \
        if row_id(project_id) else None
    if project is None:
        raise NotFound("project.not_found", f"找不到项目 {project_id}")
    return project


def _signed_as_a(handover):
    """Who signed the list as A, while B still has it to review (a filed list is reviewed for good)."""
    if handover is None or handover.state == handover_rules.RECEIVED:
        return set()
    return {s.user_id for s in Signature.select(Signature.user).where(Signature.handover == handover.id,
                                                                      Signature.role == A)}


def plan(project, handover, wanted, *, allow_swap):
    """[(role, from_user, to_user)] that give the project the `wanted` {role: User}. Naming the other
    role's current person swaps the two roles when `allow_swap`; A and B always stay two people, and
    nobody who signed the list as A becomes its B (the reviewer of their own list)."""
    current = {A: project.a_user, B: project.b_user}
    target = dict(current)
    for role, user in wanted.items():
        target[role] = user
        other = B if role == A else A
        if allow_swap and other not in wanted and user.id == current[other].id:
            target[other] = current[role]
    require(target[A].id != target[B].id, InvalidInput, "project.same_manager", "A角和B角必须是两个不同的人",
            errors={ROLE_FIELDS[next(iter(wanted))]: "不能与另一角相同"})
    require(target[B].id not in _signed_as_a(handover), Conflict, "reassignment.b_signed_as_a",
            f"{target[B].display_name} 已作为A角在本项目清单上签字,不能改任B角审核自己的清单")
    moves = [(role, current[role], target[role]) for role in (A, B) if target[role].id != current[role].id]
    require(moves, Conflict, "reassignment.unchanged",
            "所指定的人员已担任该角色,无需变更", details={"project": project.code})
    return moves


def apply(project, moves, actor, reason, *, now, transfer=None):
    """Record and make the moves on the locked project; audited."""
    for role, old, new in moves:
        setattr(project, ROLE_FIELDS[role], new)
        Reassignment.create(project=project, role=role, from_user=old, to_user=new, reason=reason,
                            done_by=actor.id, done_at=to_db(now), transfer=transfer)
    project.save()
    audit.record(actor, "project.reassign", "project", project.id, {
        "code": project.code, "reason": reason, "transfer": transfer.id if transfer else None,
        "moves": [{"role": role, "from": old.username, "to": new.username} for role, old, new in moves]}, now=now)


def move_for_departure(project_id, role, leaver, successor, actor, reason, *, transfer, now):
    """Hand the leaver's role on one project to the successor (one line of a departure transfer).
    Refused when the leaver no longer holds that role there (moved already)."""
    project = lock_project(project_id)
    handover = Handover.get_or_none(Handover.project == project.id)
    holder = project.a_user_id if role == A else project.b_user_id
    require(holder == leaver.id, Conflict, "departure.already_moved",
            f"项目 {project.code} 的{ROLE_NAMES[role]}已不是 {leaver.display_name}")
    active_manager(successor.username, "successor")
    apply(project, plan(project, handover, {role: successor}, allow_swap=False), actor, reason,
          now=now, transfer=transfer)
