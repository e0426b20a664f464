"""Customer and project pages: create, find, view."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.customers import BUSINESSES, KINDS
from ...domain.permissions import allowed
from ...services.custody import certificate_lists
from ...services.handover import customers
from ...services.people import reassignment
from ..context import current_actor, now
from . import forms

bp = Blueprint("customer_pages", __name__)


@bp.get("/customers")
@login_required
def find_customers():
    q = request.args.get("q") or None
    page = customers.find_customers(current_actor(), q=q, cursor=request.args.get("cursor") or None)
    return render_template("customers/customers.html", page=page, q=q or "", kinds=KINDS)


@bp.post("/customers")
@login_required
def create_customer():
    form = request.form
    c = customers.create_customer(current_actor(), name=forms.text(form, "name", 100),
                                  kind=forms.text(form, "kind", 16), id_number=forms.text(form, "id_number", 32),
                                  now=now())
    flash(f"客户「{c['name']}」已创建。", "success")
    return redirect(url_for(".customer", customer_id=c["id"]))


@bp.get("/customers/<int:customer_id>")
@login_required
def customer(customer_id):
    return render_template("customers/customer.html", c=customers.get_customer(current_actor(), customer_id, now=now()))


@bp.get("/projects")
@login_required
def find_projects():
    args = {"q": request.args.get("q") or None, "business": request.args.get("business") or None}
    actor = current_actor()
    page = customers.find_projects(actor, cursor=request.args.get("cursor") or None, **args)
    can_create = allowed(actor.roles, "projects.create")
    customer_id = forms.int_or_raw(request.args.get("customer_id", ""))
    chosen = customers.get_customer(actor, customer_id, now=now()) if isinstance(customer_id, int) else None
    return render_template("customers/projects.html", page=page, args=args, businesses=BUSINESSES,
                           customer=chosen, managers=customers.active_managers(actor) if can_create else [])


@bp.post("/projects")
@login_required
def create_project():
    form, actor = request.form, current_actor()
    customer_id = forms.int_or_raw(form.get("customer_id", "")) or \
        customers.customer_by_search(actor, forms.text(form, "customer", 100))["id"]
    p = customers.create_project(actor, code=forms.text(form, "code", 40), customer_id=customer_id,
                                 business=forms.text(form, "business", 16), title=forms.text(form, "title"),
                                 amount=forms.text(form, "amount", 20),
                                 a_user=forms.text(form, "a_user", 64), b_user=forms.text(form, "b_user", 64),
                                 ended_on=forms.date(form, "ended_on"), now=now())
    flash(f"项目 {p['code']} 已创建。", "success")
    return redirect(url_for(".project", project_id=p["id"]))


@bp.get("/projects/<int:project_id>")
@login_required
def project(project_id):
    actor = current_actor()
    return render_template("customers/project.html", p=customers.get_project(actor, project_id, now=now()),
                           certificate_lists=certificate_lists.of_project(actor, project_id),
                           history=reassignment.project_history(actor, project_id),
                           managers=customers.active_managers(actor) if allowed(actor.roles, "projects.create")
                           or allowed(actor.roles, "projects.reassign") else [])
