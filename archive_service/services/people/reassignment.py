"""Reassigning a project's A-role or B-role manager (R21): the archivist or an admin names the new
person with a reason. The list, its deadlines and signatures stay as they are; the project's tasks
follow the new person because they are worked out from the project's current A and B. A filed
project is reassigned too: its A and B still answer for it and read its file. The moves themselves
are role_moves.py."""
from ...db import transaction
from ...domain.errors import InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local
from ...models import Handover, Project, Reassignment, User
from ..handover.customers import project_view_of
from ..handover.projects import active_manager, load_project
from .role_moves import ROLE_FIELDS, ROLE_NAMES, A, B, apply, clean_reason, lock_project, plan


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
