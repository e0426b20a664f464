"""What a person still handles or holds (R21): nobody leaves, or is deactivated, holding work.

Each kind of holding is one `Kind`: `find(user_id)` lists what the user holds of it in a fixed
number of statements, `move(item, leaver, successor, actor, transfer, now)` hands one item to a
successor inside the caller's transaction (refusing with 409 `departure.already_moved` when the
leaver no longer holds it). Every item has a stable `key` ("project:12:A") for partial transfers."""
from collections.abc import Callable
from dataclasses import dataclass

from peewee import JOIN

from ..domain import handovers as handover_rules
from ..models import Customer, Handover, Project
from . import reassignment


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


KINDS = [Kind("project", "经办项目(A角/B角,含未归档的移交清单)", _open_projects, _move_project)]
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
