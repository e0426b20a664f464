"""Customers and projects (R5)."""
from ...services.handover import customers
from ..context import current_actor, now
from .base import api_blueprint
from .schemas import ApiSchema, Date, Decimal, Id, PageArgs, Text

bp = api_blueprint("customers", "Customers and projects (R5)")
BUSINESSES = {"enum": ["loan", "guarantee"]}


class NewCustomer(ApiSchema):
    name = Text(100, required=True)
    kind = Text(16, required=True, metadata={"enum": ["person", "enterprise"]})
    id_number = Text(32, required=True)


class NewProject(ApiSchema):
    code = Text(40, required=True)
    customer_id = Id(required=True)
    business = Text(16, required=True, metadata=BUSINESSES)
    title = Text(200, required=True)
    amount = Decimal(required=True, metadata={"exclusiveMinimum": 0, "maximum": 999_999_999_999.99})
    a_user = Text(64, required=True)
    b_user = Text(64, required=True)
    ended_on = Date(required=True)


class FindArgs(PageArgs):
    q = Text(100, load_default=None)


class ProjectArgs(FindArgs):
    business = Text(16, metadata=BUSINESSES)


@bp.post("/customers")
@bp.arguments(NewCustomer)
@bp.response(201)
def create_customer(body):
    """A customer (person or enterprise); the id number is masked except to those allowed."""
    return customers.create_customer(current_actor(), now=now(), **body)


@bp.get("/customers")
@bp.arguments(FindArgs, location="query")
@bp.response(200)
def find_customers(args):
    return customers.find_customers(current_actor(), **args)


@bp.get("/customers/<int:customer_id>")
@bp.response(200)
def get_customer(customer_id):
    return customers.get_customer(current_actor(), customer_id, now=now())


@bp.post("/projects")
@bp.arguments(NewProject)
@bp.response(201)
def create_project(body):
    """A project with its A and B managers; the answer carries its deadlines (R10)."""
    return customers.create_project(current_actor(), now=now(), **body)


@bp.get("/projects")
@bp.arguments(ProjectArgs, location="query")
@bp.response(200)
def find_projects(args):
    return customers.find_projects(current_actor(), **args)


@bp.get("/projects/<int:project_id>")
@bp.response(200)
def get_project(project_id):
    return customers.get_project(current_actor(), project_id, now=now())
