"""The handover workflow (R5–R11): A writes and signs the list, B reviews (accepts or returns a
supplement list), A supplies, B accepts; the archivist then receives it (archive/receipt.py)."""
import json

from peewee import JOIN

from ...adapters import handover_pdf
from ...db import for_update, transaction
from ...domain import deadlines as deadline_rules
from ...domain import handovers as rules
from ...domain import supplements as supplement_rules
from ...domain.checklists import DEFAULT_CHECKLISTS
from ...domain.customers import BUSINESSES
from ...domain.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ...domain.permissions import allowed, require_permission
from ...domain.timeutil import local_date, to_db
from ...models import ChecklistEntry, Customer, Handover, HandoverItem, Project, Signature, SupplementRequest, User
from ...paging import page_sorted, row_id
from ..platform import audit
from . import deadlines, supplements
from .handover_views import ROLE_NAMES, A, B, handover_view, summary_views, task_view
from .items import item_rows
from .projects import is_party, load_project

# ---- checklist templates -------------------------------------------------------------------

def _business(business):
    require(business in BUSINESSES, InvalidInput, "checklist.unknown_business", "业务类型必须是 loan 或 guarantee",
            errors={"business": "loan 或 guarantee"})
    return business


def checklist(actor, business):
    """The template that pre-fills a new list: what an admin set, else the default."""
    _business(business)
    rows = list(ChecklistEntry.select().where(ChecklistEntry.business == business)
                .order_by(ChecklistEntry.part, ChecklistEntry.position))
    entries = ([(r.part, r.title, r.contract, r.attachment) for r in rows] if rows
               else DEFAULT_CHECKLISTS[business])
    return {"business": business, "custom": bool(rows),
            "items": [{"part": p, "part_name": rules.PARTS[p], "title": t, "contract": c, "attachment": a}
                      for p, t, c, a in entries]}


def set_checklist(actor, business, items, *, now):
    require_permission(actor, "checklists.edit")
    _business(business)
    cleaned = rules.clean_template(items)
    with transaction(conflict=Conflict("checklist.edited_concurrently", "该清单模板正被他人同时修改,请刷新后重试")):
        ChecklistEntry.delete().where(ChecklistEntry.business == business).execute()
        for position, item in enumerate(rules.in_order(cleaned)):
            ChecklistEntry.create(business=business, part=item["part"], position=position, title=item["title"],
                                  contract=item["contract"], attachment=item["attachment"])
        audit.record(actor, "checklist.set", "checklist", business, {"items": len(cleaned)}, now=now)
    return checklist(actor, business)


# ---- loading and viewing ---------------------------------------------------------------------

def load_visible(actor, handover_id, *, lock=False):
    """A list the actor may see: its project's A or B, or a role that sees all (others: 404).
    `lock` holds the row until the transaction ends, so each step happens once."""
    query = Handover.select().where(Handover.id == handover_id)
    handover = (for_update(query) if lock else query).get_or_none() if row_id(handover_id) else None
    if handover is None or not (is_party(actor, handover.project) or allowed(actor.roles, "handovers.view_all")):
        raise NotFound("handover.not_found", f"找不到移交清单 {handover_id}")
    return handover


def _require_role(actor, handover, role):
    project = handover.project
    user = project.a_user if role == A else project.b_user
    require(actor.id == user.id, Forbidden, f"handover.not_{role.lower()}_role",
            f"只有本项目的{ROLE_NAMES[role]}({user.username})可以执行此操作")


def get(actor, handover_id, *, now):
    """The list with its items, rounds, signatures and deadlines; reading it is audited (R19)."""
    handover = load_visible(actor, handover_id)
    with transaction():
        audit.record(actor, "handover.read", "handover", handover.id, now=now)
    return handover_view(handover)


# ---- A writes the list -----------------------------------------------------------------------

def _add_items(handover, items, round_no):
    start, created = _positions(handover), []
    for item in items:
        start[item["part"]] = start.get(item["part"], -1) + 1
        created.append(HandoverItem.create(handover=handover, position=start[item["part"]], round=round_no, **item))
    return created


def _positions(handover):
    found = {}
    for item in handover.items:
        found[item.part] = max(found.get(item.part, -1), item.position)
    return found


def create(actor, project_id, items, *, now):
    """A's draft list for the project (R6): items in the four parts (R8), pages counted."""
    cleaned = rules.clean_items(items)
    with transaction():
        project = load_project(actor, project_id)
        project = for_update(Project.select().where(Project.id == project.id)).get()
        require(actor.id == project.a_user_id, Forbidden, "handover.not_a_role",
                f"只有本项目的A角({project.a_user.username})可以编制移交清单")
        existing = Handover.get_or_none(Handover.project == project.id)
        require(existing is None, Conflict, "handover.exists", "该项目已有移交清单(一个项目一份档案)",
                details={"handover_id": existing.id if existing else None})
        handover = Handover.create(project=project, state=rules.DRAFT, created_at=to_db(now))
        _add_items(handover, cleaned, 0)
        audit.record(actor, "handover.create", "handover", handover.id,
                     {"project": project.code, "items": len(cleaned)}, now=now)
    return handover_view(handover)


def replace_items(actor, handover_id, items, *, now):
    """A edits the draft list (nothing is signed yet)."""
    cleaned = rules.clean_items(items)
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        _require_role(actor, handover, A)
        rules.require_step(handover.state, "edit")
        HandoverItem.delete().where(HandoverItem.handover == handover.id).execute()
        _add_items(handover, cleaned, 0)
        audit.record(actor, "handover.edit", "handover", handover.id, {"items": len(cleaned)}, now=now)
    return handover_view(handover)


def signed_contents(handover):
    return [{"part": i.part, "position": i.position, "title": i.title, "pages": i.pages,
             "attachment": i.attachment, "contract": i.contract} for i in item_rows(handover)]


def sign(handover, user_id, role, now):
    """A signature over the list as it is now; `changes` says what changed since this role last signed."""
    content = signed_contents(handover)
    previous = (Signature.select().where(Signature.handover == handover.id, Signature.role == role)
                .order_by(Signature.id.desc()).first())
    before = json.loads(previous.content) if previous else None
    before = [dict(zip(("part", "title", "pages", "attachment", "contract"), r, strict=True)) for r in before] \
        if before is not None else None
    diff = rules.changes(before, content) if before is not None else {}
    return Signature.create(handover=handover, role=role, user=user_id, signed_at=to_db(now),
                            content_hash=rules.content_hash(content), content=rules.canonical(content),
                            changes=json.dumps(diff, ensure_ascii=False))


def _on_time(handover, step, now):
    due = deadlines.of_project(handover.project, handover).of(step).due
    return local_date(now) <= due


def submit(actor, handover_id, *, now):
    """A signs the list and hands it to B (R6); the list is frozen and its hash recorded."""
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        _require_role(actor, handover, A)
        rules.require_step(handover.state, "submit")
        handover.a_on_time = _on_time(handover, deadline_rules.A_TO_B, now)
        handover.state = rules.SUBMITTED
        handover.first_submitted_at = handover.last_submitted_at = to_db(now)
        handover.save()
        sig = sign(handover, actor.id, A, now)
        audit.record(actor, "handover.submit", "handover", handover.id,
                     {"hash": sig.content_hash, "on_time": handover.a_on_time}, now=now)
    return handover_view(handover)


def review(actor, handover_id, decision, missing=None, *, now):
    """B checks the file (R7): accept = B signs and sends it to the archive; return = a
    supplementary-materials list for A."""
    require(decision in ("accept", "return"), InvalidInput, "handover.invalid_decision",
            "decision 必须是 accept(通过)或 return(退回补充)", errors={"decision": "accept 或 return"})
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        _require_role(actor, handover, B)
        rules.require_step(handover.state, "review")
        still_open = bool(supplements.open_entries(handover)[0])
        cleaned = rules.clean_missing(missing, allow_empty=still_open) if decision == "return" else []
        if decision == "accept":
            handover.b_on_time = _on_time(handover, deadline_rules.B_TO_ARCHIVE, now)
            handover.state, handover.accepted_at = rules.ACCEPTED, to_db(now)
            sig = sign(handover, actor.id, B, now)
            summary = {"decision": decision, "hash": sig.content_hash, "on_time": handover.b_on_time}
        else:
            handover.rounds += 1
            handover.state = rules.RETURNED
            SupplementRequest.create(handover=handover, round=handover.rounds, requested_by=actor.id,
                                     requested_at=to_db(now), missing=json.dumps(cleaned, ensure_ascii=False))
            summary = {"decision": decision, "round": handover.rounds, "missing": cleaned}
        handover.save()
        audit.record(actor, "handover.review", "handover", handover.id, summary, now=now)
    return handover_view(handover)


def supplement(actor, handover_id, items, *, explanations=(), corrections=(), now):
    """A answers the supplement list (R7): each missing entry is supplied by a new item (named by
    `missing: {round, entry}` or by the same title) or explained; A may also correct existing
    items. A signs again (the signature shows what changed) and the list goes back to B. A
    supplement that answers no open entry is refused, with nothing changed."""
    refs = [supplement_rules.entry_key(i.get("missing")) if isinstance(i, dict) else None for i in items or []] \
        if isinstance(items, list) else []
    cleaned = rules.clean_items(items, allow_empty=True)
    notes = supplement_rules.clean_explanations(list(explanations))
    fixes = rules.clean_corrections(list(corrections))
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        _require_role(actor, handover, A)
        rules.require_step(handover.state, "supplement")
        open_keys, requests = supplements.open_entries(handover)
        assignments = supplement_rules.assign(open_keys, [i["title"] for i in cleaned], refs, [k for k, _ in notes])
        require(assignments, InvalidInput, "handover.supplement_answers_nothing",
                "请至少答复一项缺失资料:补交(填写页数)或说明原因", errors={"items": "没有答复任何缺失资料"})
        _correct_items(handover, fixes)
        new_items = _add_items(handover, cleaned, handover.rounds)
        supplements.record(requests, assignments, new_items, notes, actor, now)
        handover.state, handover.last_submitted_at = rules.SUBMITTED, to_db(now)
        handover.save()
        sig = sign(handover, actor.id, A, now)
        audit.record(actor, "handover.supplement", "handover", handover.id, {
            "round": handover.rounds, "added": len(cleaned), "corrected": len(fixes),
            "answered": [f"{r}.{e + 1}" for r, e in sorted(assignments)], "hash": sig.content_hash}, now=now)
    return handover_view(handover)


def _correct_items(handover, fixes):
    """A's corrections of items already on the list (title, pages, flags; the part stays)."""
    rows = {i.id: i for i in handover.items}
    for n, fix in enumerate(fixes):
        item = rows.get(fix["item_id"])
        require(item is not None, InvalidInput, "handover.unknown_item", f"第 {n + 1} 项更正:清单中没有该项",
                errors={f"corrections.{n}.item_id": "不是本清单的项"})
        item.title, item.pages, item.attachment, item.contract = (
            fix["title"], fix["pages"], fix["attachment"], fix["contract"])
        item.save()


# ---- lists of work ---------------------------------------------------------------------------

def tasks(actor, *, now, cal=None):
    """What the actor has to do next, soonest due first: write/submit/supplement as A, review
    as B, receive as archivist. A fixed number of statements, however many projects."""
    today, found = local_date(now), []
    mine = list(Project.select(Project, Customer, Handover).join(Customer)
                .switch(Project).join(Handover, JOIN.LEFT_OUTER, on=(Handover.project == Project.id), attr="handover")
                .where((Project.a_user == actor.id) | (Project.b_user == actor.id)))
    waiting = list(_with_project(Handover.select()).where(Handover.state == rules.ACCEPTED)) \
        if allowed(actor.roles, "handovers.receive") else []
    book = deadlines.Book([p.handover for p in mine] + waiting, cal)
    for project in mine:
        handover = project.handover
        dl = book.of(project, handover)
        state = handover.state if handover else None
        if project.a_user_id == actor.id and state in (None, rules.DRAFT, rules.RETURNED):
            kind = {None: "create", rules.DRAFT: "submit", rules.RETURNED: "supplement"}[state]
            found.append(task_view(kind, project, handover, dl.a_to_b, book.cal, today))
        if project.b_user_id == actor.id and state == rules.SUBMITTED:
            found.append(task_view("review", project, handover, dl.b_to_archive, book.cal, today))
    found += [task_view("receive", h.project, h, book.of(h.project, h).b_to_archive, book.cal, today) for h in waiting]
    return sorted(found, key=_task_order)


def _task_order(task):
    return task["due"], task["project_code"], task["kind"]


def task_page(actor, *, limit=None, cursor=None, now):
    """The task list a page at a time: {"items", "next_cursor"}."""
    return page_sorted(tasks(actor, now=now), _task_order, limit=limit, cursor=cursor)


def _with_project(query):
    """Handovers with their project, its customer, A and B in the same query."""
    a_user, b_user = User.alias(), User.alias()
    return (query.select_extend(Project, Customer, a_user, b_user).join(Project).join(Customer)
            .switch(Project).join(a_user, on=(Project.a_user == a_user.id), attr="a_user")
            .switch(Project).join(b_user, on=(Project.b_user == b_user.id), attr="b_user"))


def mine(actor, *, now):
    """The actor's lists as A and as B."""
    rows = list(_with_project(Handover.select())
                .where((Project.a_user == actor.id) | (Project.b_user == actor.id)).order_by(Handover.id.desc()))
    views = summary_views(rows, local_date(now))
    progress = supplements.progress_of({h.id for h in rows})
    for view in views:
        view["supplement_progress"] = supplement_rules.progress_text(*progress.get(view["id"], (0, 0)))
    return {"as_a": [v for h, v in zip(rows, views, strict=True) if h.project.a_user_id == actor.id],
            "as_b": [v for h, v in zip(rows, views, strict=True) if h.project.b_user_id == actor.id]}


def inbox(actor, *, now):
    """The archivist's inbox: lists B has accepted, soonest due first (late ones on top)."""
    require_permission(actor, "handovers.receive")
    rows = summary_views(list(_with_project(Handover.select()).where(Handover.state == rules.ACCEPTED)),
                         local_date(now))
    return sorted(rows, key=_inbox_order)


def _inbox_order(row):
    return row["due"], row["id"]


def inbox_page(actor, *, limit=None, cursor=None, now):
    """The inbox a page at a time: {"items", "next_cursor"}."""
    return page_sorted(inbox(actor, now=now), _inbox_order, limit=limit, cursor=cursor)


def printable(actor, handover_id, record_url, *, now):
    """The printable list in three copies (R6) as PDF bytes; printing is audited."""
    handover = load_visible(actor, handover_id)
    view = handover_view(handover)
    data = handover_pdf.render(view, record_url)
    with transaction():
        audit.record(actor, "handover.print", "handover", handover.id, {"hash": view["content_hash"]}, now=now)
    return data
