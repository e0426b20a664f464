"""Deadline extensions (R10): A or B states a reason and a later date; an authorised approver
decides. Only an approved extension moves a deadline."""
from ...db import for_update, transaction
from ...domain import deadlines as deadline_rules
from ...domain import handovers as rules
from ...domain.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import parse_date, to_db
from ...models import Extension, Handover, Project, User
from ...paging import page_by_id, row_id
from ..platform import audit
from . import deadlines, handovers
from .handover_views import extension_dict
from .projects import is_party

STEP_DONE = {deadline_rules.A_TO_B: (rules.SUBMITTED, rules.ACCEPTED, rules.RECEIVED),
             deadline_rules.B_TO_ARCHIVE: (rules.ACCEPTED, rules.RECEIVED)}
MAX_REASON = 1000


def request(actor, handover_id, *, step, until, reason, now):
    require(step in deadline_rules.STEPS, InvalidInput, "extension.invalid_step", "step 必须是 a_to_b 或 b_to_archive",
            errors={"step": "a_to_b 或 b_to_archive"})
    require(isinstance(reason, str) and 0 < len(reason.strip()) <= MAX_REASON, InvalidInput,
            "extension.reason_required", "申请延期必须说明原因", errors={"reason": "必填"})
    until = parse_date(until, "until")
    with transaction():
        handover = handovers.load_visible(actor, handover_id, lock=True)
        require(is_party(actor, handover.project), Forbidden, "extension.not_party",
                "只有本项目的A角或B角可以申请延期")
        require(handover.state not in STEP_DONE[step], Conflict, "extension.step_done", "该环节已完成,无需延期")
        current = deadlines.of_project(handover.project, handover).of(step)
        require(until > current.due, Conflict, "extension.not_later",
                f"延期日期必须晚于当前期限 {current.due.isoformat()}",
                details={"current_due": current.due.isoformat()})
        pending = Extension.select().where(Extension.handover == handover.id, Extension.step == step,
                                           Extension.state == "pending").exists()
        require(not pending, Conflict, "extension.pending", "该环节已有待审批的延期申请")
        ext = Extension.create(handover=handover, step=step, until=until, reason=reason.strip(),
                               requested_by=actor.id, requested_at=to_db(now))
        audit.record(actor, "extension.request", "extension", ext.id,
                     {"handover": handover.id, "step": step, "until": until.isoformat(),
                      "current_due": current.due.isoformat(), "reason": reason.strip()}, now=now)
    return extension_dict(ext)


def decide(actor, extension_id, *, approve, note="", now):
    require_permission(actor, "extensions.decide")
    require(isinstance(approve, bool), InvalidInput, "extension.invalid_decision", "approve 必须是 true 或 false",
            errors={"approve": "true 或 false"})
    require(isinstance(note, str) and len(note) <= MAX_REASON, InvalidInput, "request.invalid_field",
            "备注过长", errors={"note": f"不超过 {MAX_REASON} 字"})
    with transaction():
        ext = (for_update(Extension.select().where(Extension.id == extension_id)).get_or_none()
               if row_id(extension_id) else None)
        if ext is None:
            raise NotFound("extension.not_found", f"找不到延期申请 {extension_id}")
        require(ext.state == "pending", Conflict, "extension.already_decided", "该延期申请已审批")
        project = ext.handover.project
        require(ext.requested_by_id != actor.id and not is_party(actor, project), Conflict,
                "extension.self_approval",
                f"不能审批本人申请或本人担任A角/B角的项目({project.code})的延期申请,请由其他有权审批人审批")
        ext.state = "approved" if approve else "rejected"
        ext.decided_by, ext.decided_at, ext.note = actor.id, to_db(now), note.strip()
        ext.save()
        audit.record(actor, "extension.decide", "extension", ext.id,
                     {"approve": approve, "note": note.strip(), "until": ext.until.isoformat()}, now=now)
    return extension_dict(ext)


def pending(actor, *, limit=None, cursor=None):
    """Requests waiting for a decision, oldest first: {"items", "next_cursor"}."""
    require_permission(actor, "extensions.decide")
    requested_by = User.alias()
    query = (Extension.select(Extension, requested_by, Handover, Project)
             .join(requested_by, on=(Extension.requested_by == requested_by.id), attr="requested_by")
             .switch(Extension).join(Handover).join(Project)
             .where(Extension.state == "pending"))
    return page_by_id(query, Extension.id, limit=limit, cursor=cursor, view=extension_dict)
