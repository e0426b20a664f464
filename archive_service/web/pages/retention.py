"""Retention, appraisal and disposal pages (R23 鉴定/销毁)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain import retention as rules
from ...domain.timeutil import local_date
from ...services.archive import retention_defaults
from ...services.retention import disposals, retention
from ..context import current_actor, now, scan_store
from . import forms

bp = Blueprint("retention_pages", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user; the services decide what that user may do."""


@bp.post("/archives/<path:archive_no>/retention")
def set_period(archive_no):
    changed = retention.set_period(current_actor(), archive_no, forms.text(request.form, "period", 16),
                                   forms.text(request.form, "reason"), now=now())
    flash(f"保管期限已改为{changed['retention_name']}。", "success")
    return redirect(url_for("archive_pages.detail", archive_no=archive_no))


@bp.get("/appraisals")
def appraisals():
    year = request.args.get("year") or str(local_date(now()).year)
    page = retention.appraisal(current_actor(), year, cursor=request.args.get("cursor") or None, now=now())
    return render_template("retention/appraisals.html", page=page)


@bp.get("/disposals")
def find_disposals():
    page = disposals.find(current_actor(), state=request.args.get("state") or None,
                          cursor=request.args.get("cursor") or None)
    return render_template("retention/disposals.html", page=page, states=disposals.STATE_NAMES)


@bp.post("/disposals")
def create_disposal():
    made = disposals.create(current_actor(), request.form.getlist("archive_nos"), forms.text(request.form, "reason"),
                            now=now())
    flash(f"销毁清单 #{made['id']} 已编制,共 {len(made['entries'])} 卷,等待审批。", "success")
    return redirect(url_for(".disposal", disposal_id=made["id"]))


@bp.get("/disposals/<int:disposal_id>")
def disposal(disposal_id):
    return render_template("retention/disposal.html", d=disposals.get(current_actor(), disposal_id))


@bp.post("/disposals/<int:disposal_id>/decision")
def decide(disposal_id):
    approve = request.form.get("decision") == "approve"
    disposals.decide(current_actor(), disposal_id, approve, forms.text(request.form, "note"),
                     request.form.get("remove_scans") == "on", now=now())
    flash("已批准销毁。" if approve else "已退回,不予销毁。", "success")
    return redirect(url_for(".disposal", disposal_id=disposal_id))


@bp.post("/disposals/<int:disposal_id>/destroy")
def destroy(disposal_id):
    done = disposals.destroy(current_actor(), disposal_id, store=scan_store(), now=now())
    flash(f"清单上的 {len(done['entries'])} 卷档案已销毁,台帐记录和档号保留。", "success")
    return redirect(url_for(".disposal", disposal_id=disposal_id))


@bp.get("/disposals/<int:disposal_id>/list.pdf")
def disposal_pdf(disposal_id):
    url = url_for(".disposal", disposal_id=disposal_id, _external=True)
    data = disposals.printable(current_actor(), disposal_id, url, now=now())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="disposal-{disposal_id}.pdf"'})


@bp.get("/admin/retention")
def defaults():
    return render_template("retention/defaults.html", d=retention_defaults.defaults_view(), periods=rules.NAMES)


@bp.post("/admin/retention")
def set_defaults():
    values = {b: forms.text(request.form, b, 16) for b in ("loan", "guarantee") if b in request.form}
    retention_defaults.set_defaults(current_actor(), values, now=now())
    flash("默认保管期限已保存,之后接收的档案按此设置。", "success")
    return redirect(url_for(".defaults"))
