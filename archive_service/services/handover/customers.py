"""Customers and projects (the objects a handover list belongs to)."""
from decimal import Decimal

from peewee import JOIN

from ...db import transaction
from ...domain import customers as rules
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import MANAGER, allowed, require_permission
from ...domain.timeutil import iso_local, parse_date, to_db
from ...models import Customer, Handover, Project, User
from ...paging import page_by_id_desc, row_id
from ..platform import audit, search_index
from . import deadlines
from .projects import active_manager, load_project

CENT = Decimal("0.01")

def customer_view(customer, actor):
    full = allowed(actor.roles, "customers.view_id_number")
    return {"id": customer.id, "name": customer.name, "kind": customer.kind,
            "kind_name": rules.KINDS[customer.kind],
            "id_number": customer.id_number if full else rules.mask_id_number(customer.id_number),
            "id_number_masked": not full, "created_at": iso_local(customer.created_at)}


def create_customer(actor, *, name, kind, id_number, now):
    require_permission(actor, "customers.create")
    name, kind, id_number = rules.clean_customer(name, kind, id_number)
    exists = Conflict("customer.exists", f"证件号码 {rules.mask_id_number(id_number)} 的客户已存在")
    with transaction(conflict=exists):
        if Customer.select().where(Customer.id_number == id_number).exists():
            raise exists
        customer = Customer.create(name=name, kind=kind, id_number=id_number, created_by=actor.username,
                                   created_at=to_db(now))
        search_index.put("customer", customer.id, name)
        audit.record(actor, "customer.create", "customer", customer.id,
                     {"name": name, "kind": kind, "id_number": rules.mask_id_number(id_number)}, now=now)
    return customer_view(customer, actor)


def _customer(customer_id):
    customer = Customer.get_or_none(Customer.id == customer_id) if row_id(customer_id) else None
    if customer is None:
        raise NotFound("customer.not_found", f"找不到客户 {customer_id}")
    return customer


def get_customer(actor, customer_id, *, now):
    """One customer; reading it (with its id number) is audited (R19)."""
    require_permission(actor, "customers.view")
    customer = _customer(customer_id)
    with transaction():
        audit.record(actor, "customer.read", "customer", customer.id, now=now)
    view = customer_view(customer, actor)
    view["projects"] = [{"id": p.id, "code": p.code, "title": p.title} for p in customer.projects.order_by(Project.id)]
    return view


def find_customers(actor, *, q=None, limit=None, cursor=None):
    require_permission(actor, "customers.view")
    query = Customer.select()
    if q:
        query = query.where(Customer.name.contains(q) | (Customer.id_number == q.strip().upper()))
    return page_by_id_desc(query, Customer.id, limit=limit, cursor=cursor, view=lambda c: customer_view(c, actor))


def active_managers(actor):
    """The managers a project can name as A or B, by display name (one statement); for those who
    create projects or reassign them."""
    if not allowed(actor.roles, "projects.reassign"):
        require_permission(actor, "projects.create")
    rows = User.select(User.username, User.display_name, User.roles_text).where(User.active).order_by(User.display_name)
    return [{"username": u.username, "display_name": u.display_name} for u in rows if MANAGER in u.roles]


def customer_by_search(actor, text):
    """The one customer whose name contains `text` or whose ID number is `text`; none or several
    is refused in Chinese (people pick customers by name or ID number, never by internal id)."""
    found = find_customers(actor, q=(text or "").strip() or None, limit=2)["items"] if (text or "").strip() else []
    require(found, InvalidInput, "project.customer_not_found", f"找不到客户「{(text or '').strip()}」",
            errors={"customer": "按客户名称或证件号查找"})
    require(len(found) == 1, InvalidInput, "project.customer_ambiguous",
            f"有多个客户与「{text.strip()}」相符,请输入完整名称或证件号", errors={"customer": "不唯一"})
    return found[0]


def create_project(actor, *, code, customer_id, business, title, amount, a_user, b_user, ended_on, now):
    """A project with its A-role and B-role managers (R5): two different active managers."""
    require_permission(actor, "projects.create")
    code, business, title, amount = rules.clean_project_fields(code, business, title, amount)
    ended_on = parse_date(ended_on, "ended_on")
    exists = Conflict("project.exists", f"项目编号 {code} 已存在")
    with transaction(conflict=exists):
        customer = _customer(customer_id)
        a, b = active_manager(a_user, "a_user"), active_manager(b_user, "b_user")
        require(a.id != b.id, InvalidInput, "project.same_manager", "A角和B角必须是两个不同的人",
                errors={"b_user": "不能与 A角相同"})
        if Project.select().where(Project.code == code).exists():
            raise exists
        project = Project.create(code=code, customer=customer, business=business, title=title, amount=amount,
                                 a_user=a, b_user=b, ended_on=ended_on, created_by=actor.username,
                                 created_at=to_db(now))
        search_index.put("project", project.id, title)
        audit.record(actor, "project.create", "project", project.id,
                     {"code": code, "a_user": a.username, "b_user": b.username,
                      "ended_on": ended_on.isoformat()}, now=now)
    return project_view(project, None)


def project_view_of(project):
    """The view of one project, its handover read for it."""
    return project_view(project, Handover.get_or_none(Handover.project == project.id))


def project_view(project, handover, book=None):
    """The project with its handover's state and its deadlines (`book` holds the calendar and the
    approved extensions when a whole page is built)."""
    book = book or deadlines.Book([handover])
    return {"id": project.id, "code": project.code, "customer_id": project.customer_id,
            "customer_name": project.customer.name, "business": project.business,
            "business_name": rules.BUSINESSES[project.business], "title": project.title,
            "amount": str(Decimal(project.amount).quantize(CENT)),
            "a_user": project.a_user.username, "b_user": project.b_user.username,
            "a_user_name": project.a_user.display_name, "b_user_name": project.b_user.display_name,
            "ended_on": project.ended_on.isoformat(),
            "deadlines": book.of(project, handover).as_dict(),
            "handover_id": handover.id if handover else None,
            "handover_state": handover.state if handover else None}


def get_project(actor, project_id, *, now):
    project = load_project(actor, project_id)
    with transaction():
        audit.record(actor, "project.read", "project", project.id, now=now)
    return project_view_of(project)


def find_projects(actor, *, q=None, business=None, limit=None, cursor=None):
    """Projects the actor may see, newest first; `q` matches code, title or customer name."""
    a_user, b_user = User.alias(), User.alias()
    query = (Project.select(Project, Customer, a_user, b_user, Handover).join(Customer)
             .switch(Project).join(a_user, on=(Project.a_user == a_user.id), attr="a_user")
             .switch(Project).join(b_user, on=(Project.b_user == b_user.id), attr="b_user")
             .switch(Project).join(Handover, JOIN.LEFT_OUTER, on=(Handover.project == Project.id), attr="handover"))
    if not allowed(actor.roles, "projects.view_all"):
        query = query.where((Project.a_user == actor.id) | (Project.b_user == actor.id))
    if q:
        query = query.where(Project.code.contains(q) | Project.title.contains(q) | Customer.name.contains(q))
    if business:
        require(business in rules.BUSINESSES, InvalidInput, "project.invalid_business",
                "业务类型必须是 loan 或 guarantee",
                errors={"business": "loan 或 guarantee"})
        query = query.where(Project.business == business)
    return page_by_id_desc(query, Project.id, limit=limit, cursor=cursor, views=_project_views)


def _project_views(projects):
    book = deadlines.Book([p.handover for p in projects])
    return [project_view(p, p.handover, book) for p in projects]
