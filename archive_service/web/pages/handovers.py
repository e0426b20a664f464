"""Handover pages: my lists, tasks, a list with its actions, the archivist's inbox and receive screen."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.errors import ArchiveError
from ...domain.handovers import PARTS
from ...services.archive import locations, receipt
from ...services.handover import customers, extensions, handover_views, handovers
from ..context import current_actor, now
from . import forms

bp = Blueprint("handover_pages", __name__)


@bp.get("/handovers")
@login_required
def mine():
    return render_template("handovers/mine.html", lists=handovers.mine(current_actor(), now=now()))


@bp.get("/tasks")
@login_required
def tasks():
    return render_template("handovers/tasks.html", tasks=handovers.tasks(current_actor(), now=now()))


@bp.get("/handovers/inbox")
@login_required
def inbox():
    return render_template("handovers/inbox.html", rows=handovers.inbox(current_actor(), now=now()))


@bp.get("/projects/<int:project_id>/handovers/new")
@login_required
def new(project_id):
    project = customers.get_project(current_actor(), project_id, now=now())
    template = handovers.checklist(current_actor(), project["business"])
    return render_template("handovers/new.html", project=project, template=template["items"], parts=PARTS,
                           extra_rows=5)


@bp.post("/projects/<int:project_id>/handovers")
@login_required
def create(project_id):
    h = handovers.create(current_actor(), project_id, forms.item_rows(request.form), now=now())
    flash("移交清单已保存为草稿,核对无误后请签字提交给B角。", "success")
    return redirect(url_for(".detail", handover_id=h["id"]))


@bp.get("/handovers/<int:handover_id>")
@login_required
def detail(handover_id):
    actor = current_actor()
    h = handovers.get(actor, handover_id, now=now())
    return render_template("handovers/detail.html", h=h, parts=PARTS, extra_rows=3,
                           is_a=actor.username == h["project"]["a_user"],
                           is_b=actor.username == h["project"]["b_user"])


@bp.post("/handovers/<int:handover_id>/submit")
@login_required
def submit(handover_id):
    handovers.submit(current_actor(), handover_id, now=now())
    flash("已签字提交给B角。", "success")
    return redirect(url_for(".detail", handover_id=handover_id))


@bp.post("/handovers/<int:handover_id>/review")
@login_required
def review(handover_id):
    decision = request.form.get("decision", "")
    handovers.review(current_actor(), handover_id, decision, forms.missing_rows(request.form), now=now())
    flash("已签字移交档案室。" if decision == "accept" else "已退回A角补充资料。", "success")
    return redirect(url_for(".detail", handover_id=handover_id))


@bp.post("/handovers/<int:handover_id>/items")
@login_required
def edit_items(handover_id):
    handovers.replace_items(current_actor(), handover_id, forms.item_rows(request.form), now=now())
    flash("草稿已修改。", "success")
    return redirect(url_for(".detail", handover_id=handover_id))


@bp.post("/handovers/<int:handover_id>/supplement")
@login_required
def supplement(handover_id):
    actor = current_actor()
    h = handover_views.handover_view(handovers.load_visible(actor, handover_id))
    items, explanations, corrections = forms.supplement(request.form, h["open_missing"], h["items"])
    done = handovers.supplement(actor, handover_id, items, explanations=explanations, corrections=corrections,
                                now=now())
    flash(f"补充资料已签字交回B角审核({done['supplement_progress']['text']})。", "success")
    return redirect(url_for(".detail", handover_id=handover_id))


@bp.post("/handovers/<int:handover_id>/refuse")
@login_required
def refuse(handover_id):
    receipt.refuse(current_actor(), handover_id, forms.checks(request.form), request.form.get("note", ""), now=now())
    flash("已拒收,清单连同核对差异退回B角。", "warning")
    return redirect(url_for(".detail", handover_id=handover_id))


@bp.post("/handovers/<int:handover_id>/extensions")
@login_required
def request_extension(handover_id):
    extensions.request(current_actor(), handover_id, step=request.form.get("step", ""),
                       until=request.form.get("until", ""), reason=request.form.get("reason", ""), now=now())
    flash("延期申请已提交,等待有权审批人审批。", "success")
    return redirect(url_for(".detail", handover_id=handover_id))


@bp.get("/handovers/<int:handover_id>/list.pdf")
@login_required
def list_pdf(handover_id):
    url = url_for(".detail", handover_id=handover_id, _external=True)
    return Response(handovers.printable(current_actor(), handover_id, url, now=now()), mimetype="application/pdf")


@bp.get("/handovers/<int:handover_id>/receive")
@login_required
def receive_form(handover_id):
    actor = current_actor()
    h = handovers.get(actor, handover_id, now=now())
    return render_template("handovers/receive.html", h=h, differences=None, entered={}, location="",
                           locations=locations.all_locations(actor), blind=receipt.blind_count())


@bp.post("/handovers/<int:handover_id>/receive")
@login_required
def receive(handover_id):
    actor = current_actor()
    checks = forms.checks(request.form)
    try:
        archive = receipt.receive(actor, handover_id, checks, request.form.get("location") or None, now=now())
    except ArchiveError as refused:
        if refused.code != "handover.pages_mismatch":
            raise
        flash(refused.message, "danger")
        h = handovers.get(actor, handover_id, now=now())
        return render_template("handovers/receive.html", h=h, differences=refused.details["differences"],
                               entered={c["item_id"]: c["pages"] for c in checks},
                               location=request.form.get("location", ""),
                               locations=locations.all_locations(actor), blind=False), 409
    flash(f"核对无误,已接收归档,档号 {archive['archive_no']}。", "success")
    return redirect(url_for("archive_pages.detail", archive_no=archive["archive_no"]))


@bp.get("/extensions")
@login_required
def pending_extensions():
    return render_template("handovers/extensions.html", rows=extensions.pending(current_actor())["items"])


@bp.post("/extensions/<int:extension_id>/decision")
@login_required
def decide(extension_id):
    extensions.decide(current_actor(), extension_id, approve=request.form.get("approve") == "1",
                      note=request.form.get("note", ""), now=now())
    flash("已审批。", "success")
    return redirect(url_for(".pending_extensions"))
