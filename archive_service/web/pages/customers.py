"""Customer and project pages: create, find, view."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.customers import BUSINESSES, KINDS
from ...services import customers, reassignment
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
    c = customers.create_customer(current_actor(), name=request.form.get("name", ""),
                                  kind=request.form.get("kind", ""), id_number=request.form.get("id_number", ""),
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
    page = customers.find_projects(current_actor(), cursor=request.args.get("cursor") or None, **args)
    return render_template("customers/projects.html", page=page, args=args, businesses=BUSINESSES,
                           customer_id=request.args.get("customer_id", ""))


@bp.post("/projects")
@login_required
def create_project():
    form = request.form
    p = customers.create_project(current_actor(), code=form.get("code", "").strip(),
                                 customer_id=forms.int_or_raw(form.get("customer_id")),
                                 business=form.get("business", ""), title=form.get("title", ""),
                                 amount=form.get("amount", ""),
                                 a_user=form.get("a_user", "").strip(), b_user=form.get("b_user", "").strip(),
                                 ended_on=form.get("ended_on", ""), now=now())
    flash(f"项目 {p['code']} 已创建。", "success")
    return redirect(url_for(".project", project_id=p["id"]))


@bp.get("/projects/<int:project_id>")
@login_required
def project(project_id):
    actor = current_actor()
    return render_template("customers/project.html", p=customers.get_project(actor, project_id, now=now()),
                           history=reassignment.project_history(actor, project_id))
