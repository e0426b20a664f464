"""What a person still handles or holds (R21): nobody leaves, or is deactivated, holding work."""
from ..domain import handovers as handover_rules
from ..models import Handover, Project


def of_user(user_id):
    """[{"kind", "ref", "summary"}] of what the user still handles: projects whose file has not
    yet reached the archive, with the user as A-role or B-role."""
    finished = Handover.select(Handover.project).where(Handover.state == handover_rules.RECEIVED)
    open_projects = (Project.select()
                     .where((Project.a_user == user_id) | (Project.b_user == user_id), Project.id.not_in(finished))
                     .order_by(Project.id))
    return [{"kind": "project", "ref": p.code,
             "summary": f"项目 {p.code}({'A角' if p.a_user_id == user_id else 'B角'}),档案尚未移交档案室"}
            for p in open_projects]
