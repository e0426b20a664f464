"""Departure handover pages (admin) and the reassignment form on a project page (R21)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...services.accounts import users
from ...services.people import departure, reassignment
from ..context import current_actor, now
from . import forms

bp = Blueprint("departure_pages", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user; the services decide what that user may do."""


@bp.get("/admin/users/<username>/departure")
def holdings(username):
    actor = current_actor()
    view = departure.user_holdings(actor, username)
    people = [u for u in users.list_users(actor, include_inactive=False) if u["username"] != username]
    return render_template("departure/holdings.html", h=view, people=people)


@bp.post("/admin/users/<username>/departure")
def transfer(username):
    chosen = request.form.getlist("items")
    every = request.form.get("scope") == "all"
    done = departure.transfer(current_actor(), username, successor=forms.text(request.form, "successor", 64),
                              items=None if every else chosen, note=forms.text(request.form, "note"), now=now())
    cancelled = sum(1 for i in done["items"] if i.get("outcome") == "cancel")
    flash(f"已将 {len(done['items']) - cancelled} 项交接给 {done['successor_name']}"
          + (f",撤销未借出的借阅 {cancelled} 笔" if cancelled else "") + ",请打印交接清单由双方签字。"
          + (f"仍有 {done['remaining']} 项未交接。" if done["remaining"] else "该用户已无经办事项,可以停用。"),
          "success")
    return redirect(url_for(".holdings", username=username))


@bp.get("/admin/transfers/<int:transfer_id>")
def transfer_detail(transfer_id):
    return render_template("departure/transfer.html", t=departure.get_transfer(current_actor(), transfer_id))


@bp.get("/admin/transfers/<int:transfer_id>/list.pdf")
def transfer_pdf(transfer_id):
    url = url_for(".transfer_detail", transfer_id=transfer_id, _external=True)
    data = departure.printable(current_actor(), transfer_id, url, now=now())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="transfer-{transfer_id}.pdf"'})


@bp.post("/projects/<int:project_id>/reassign")
def reassign(project_id):
    role, person = request.form.get("role"), forms.text(request.form, "user", 64)
    field = {"A": "a_user", "B": "b_user"}.get(role, "a_user")
    view = reassignment.reassign(current_actor(), project_id, reason=forms.text(request.form, "reason"), now=now(),
                                 **{field: person})
    flash(f"已变更:A角 {view['a_user_name']},B角 {view['b_user_name']}。", "success")
    return redirect(url_for("customer_pages.project", project_id=project_id))
