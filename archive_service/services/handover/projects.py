"""A project as the other services meet it: one the actor may see, whether the actor is its A or
B, and an active manager to name as A or B (R5, R21). Customers and projects are created and shown
in customers.py."""
from ...db import for_share
from ...domain.errors import InvalidInput, NotFound, require
from ...domain.permissions import MANAGER, allowed
from ...models import Project, User
from ...paging import row_id


def is_party(actor, project):
    return actor.id in (project.a_user_id, project.b_user_id)


def load_project(actor, project_id):
    """A project the actor may see: its A, its B, a role that sees all, or one that reassigns its A
    and B (the admin, R21) (others: 404)."""
    project = Project.get_or_none(Project.id == project_id) if row_id(project_id) else None
    if project is None or not (is_party(actor, project) or allowed(actor.roles, "projects.view_all")
                               or allowed(actor.roles, "projects.reassign")):
        raise NotFound("project.not_found", f"找不到项目 {project_id}")
    return project


def active_manager(username, field):
    """The user named `username` when an active manager (R5), else 422 `project.not_a_manager`. The
    row stays locked until the transaction ends, so a concurrent deactivation or role change waits
    and then sees the project this names them on (R21)."""
    user = for_share(User.select().where(User.username == username)).get_or_none() \
        if isinstance(username, str) else None
    require(user is not None and user.active and MANAGER in user.roles, InvalidInput, "project.not_a_manager",
            f"{username} 不是在职的客户经理", errors={field: "必须是在职的客户经理"})
    return user
