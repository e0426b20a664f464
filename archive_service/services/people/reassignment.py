"""Reassigning a project's A-role or B-role manager (R21): the archivist or an admin names the new
person with a reason. The list, its deadlines and signatures stay as they are; the project's tasks
follow the new person because they are worked out from the project's current A and B. A filed
project is reassigned too: its A and B still answer for it and read its file."""
from ...db import for_update, transaction
from ...domain import handovers as handover_rules
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import Handover, Project, Reassignment, Signature, User
from ...paging import row_id
from ..handover.customers import project_view_of
from ..handover.projects import active_manager, load_project
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


def reassign(actor, project_id, *, a_user=None, b_user=None, reason, now):
    """Change a project's A and/or B (archivist or admin), with a reason."""
    require_permission(actor, "projects.reassign")
    reason = clean_reason(reason)
    named = {role: name for role, name in ((A, a_user), (B, b_user)) if name is not None}
    require(named, InvalidInput, "reassignment.nobody_named", "请指定新的A角或B角",
            errors={"a_user": "a_user 或 b_user 至少填一个"})
    with transaction():
        project = lock_project(project_id)
        handover = Handover.get_or_none(Handover.project == project.id)
        wanted = {role: active_manager(name, ROLE_FIELDS[role]) for role, name in named.items()}
        apply(project, plan(project, handover, wanted, allow_swap=True), actor, reason, now=now)
    return {**project_view_of(Project.get_by_id(project.id)), "reassignments": history(project.id)}


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


def reassignment_view(row):
    return {"id": row.id, "project_id": row.project_id, "role": row.role, "role_name": ROLE_NAMES[row.role],
            "from_user": row.from_user.username, "from_user_name": row.from_user.display_name,
            "to_user": row.to_user.username, "to_user_name": row.to_user.display_name, "reason": row.reason,
            "done_by": row.done_by.username, "done_by_name": row.done_by.display_name,
            "done_at": iso_local(row.done_at), "transfer_id": row.transfer_id}


def history(project_id):
    """The project's reassignments, oldest first, with everyone's names (one statement)."""
    FromUser, ToUser, ByUser = User.alias(), User.alias(), User.alias()
    rows = (Reassignment.select(Reassignment, FromUser, ToUser, ByUser)
            .join(FromUser, on=(Reassignment.from_user == FromUser.id), attr="from_user").switch(Reassignment)
            .join(ToUser, on=(Reassignment.to_user == ToUser.id), attr="to_user").switch(Reassignment)
            .join(ByUser, on=(Reassignment.done_by == ByUser.id), attr="done_by")
            .where(Reassignment.project == project_id).order_by(Reassignment.id))
    return [reassignment_view(r) for r in rows]


def project_history(actor, project_id):
    """The reassignments of a project the actor may see (API and project page)."""
    return history(load_project(actor, project_id).id)
