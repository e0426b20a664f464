"""Certificate pages: A's list, B's and the custodian's checks (or their return of the list to A,
and A's correction and new signature), the ledger and each certificate,
movements to approve or co-sign, the day-end check, stock-takes, and the kinds (admin)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain import certificates as rules
from ...domain.errors import ArchiveError
from ...services.custody import (
    certificate_desk,
    certificate_kinds,
    certificate_list_rounds,
    certificate_lists,
    certificate_views,
    certificates,
    stocktakes,
)
from ...services.handover import customers
from ...services.ledgers import certificate_ledger
from ..context import current_actor, now
from . import forms
from .ledgers import certificate_filters

bp = Blueprint("certificate_pages", __name__)
NEW_ROWS = 5
ADD_ROWS = 2  # empty rows under a returned list's entries, for A to add certificates


def _safes(actor):
    return certificate_views.safe_places(actor)


def _pdf(data):
    return Response(data, mimetype="application/pdf")


# ---- A's list and the checks ----

@bp.get("/projects/<int:project_id>/certificate-handovers/new")
@login_required
def new_list(project_id):
    actor = current_actor()
    project = customers.get_project(actor, project_id, now=now())
    return render_template("certificates/new_list.html", project=project, rows=NEW_ROWS,
                           kinds=[k for k in certificate_kinds.list_kinds(actor)["items"] if k["active"]])


@bp.post("/projects/<int:project_id>/certificate-handovers")
@login_required
def create_list(project_id):
    listed = certificate_lists.create(current_actor(), project_id, forms.certificate_rows(request.form), now=now())
    flash("重要权证移交清单已签字提交,请将权证原件连同清单交B角核对。", "success")
    return redirect(url_for(".list_detail", handover_id=listed["id"]))


def _list_page(listed, *, differences=None, entered=None, location="", status=200):
    actor = current_actor()
    project = listed["project"]
    checker = (listed["state"] == rules.PENDING_B and actor.username == project["b_user"]) or \
        (listed["state"] == rules.PENDING_CUSTODIAN and actor.has_role("custodian")
         and actor.username not in (project["a_user"], project["b_user"]))
    corrector = listed["state"] == rules.RETURNED and actor.username == project["a_user"]
    kinds = [k for k in certificate_kinds.list_kinds(actor)["items"] if k["active"]] if corrector else []
    return render_template("certificates/list.html", h=listed, checker=checker, differences=differences,
                           entered=entered or {}, location=location, corrector=corrector, kinds=kinds,
                           add_rows=ADD_ROWS,
                           safes=_safes(actor) if listed["state"] == rules.PENDING_CUSTODIAN and checker else []), \
        status


@bp.get("/certificate-handovers/<int:handover_id>")
@login_required
def list_detail(handover_id):
    return _list_page(certificate_lists.get(current_actor(), handover_id, now=now()))


@bp.post("/certificate-handovers/<int:handover_id>/confirm")
@login_required
def confirm_list(handover_id):
    actor = current_actor()
    checks = forms.certificate_checks(request.form)
    location = request.form.get("location") or None
    try:
        listed = certificate_lists.confirm(actor, handover_id, checks, location, now=now())
    except ArchiveError as refused:
        if refused.code != "certificate.check_mismatch":
            raise
        flash(refused.message, "danger")
        return _list_page(certificate_lists.get(actor, handover_id, now=now()),
                          differences=refused.details["differences"],
                          entered={c["certificate_id"]: c for c in checks}, location=location or "", status=409)
    flash("核对无误,已签字。" if listed["state"] == rules.PENDING_CUSTODIAN
          else f"核对无误,已签字入库({listed['location']})。", "success")
    return redirect(url_for(".list_detail", handover_id=handover_id))


@bp.post("/certificate-handovers/<int:handover_id>/return")
@login_required
def return_list(handover_id):
    """The checker's form, sent with 退回A角: what they counted (if they counted) is recorded."""
    counted = any(request.form.get(key, "").strip() for key in request.form if key.startswith("quantity-"))
    checks = forms.certificate_checks(request.form) if counted else None
    certificate_list_rounds.return_to_a(current_actor(), handover_id, checks, request.form.get("note", ""),
                                        now=now())
    flash("清单已连同核对差异退回A角,A角更正并重新签字后再核对。", "warning")
    return redirect(url_for(".list_detail", handover_id=handover_id))


def _corrections(form):
    """A's rows of a returned list: each with the id of the certificate it corrects (none for a new
    one); rows left wholly blank are dropped, which strikes that certificate from the list."""
    rows = []
    for n in range(forms.MAX_ROWS):
        if f"number-{n}" not in form:
            continue
        fields = {name: form.get(f"{name}-{n}", "").strip() for name in ("kind", "name", "number", "owner", "quantity")}
        if fields["name"] or fields["number"] or fields["owner"] or fields["quantity"]:
            cid = form.get(f"id-{n}", "").strip()
            rows.append({**fields, "quantity": forms.int_or_raw(fields["quantity"]),
                         "id": forms.int_or_raw(cid) if cid else None})
    return rows


@bp.post("/certificate-handovers/<int:handover_id>/certificates")
@login_required
def correct_list(handover_id):
    certificate_list_rounds.correct(current_actor(), handover_id, _corrections(request.form), now=now())
    flash("更正已保存。核对无误后请重新签字,清单将再交B角核对。", "success")
    return redirect(url_for(".list_detail", handover_id=handover_id))


@bp.post("/certificate-handovers/<int:handover_id>/sign")
@login_required
def sign_list(handover_id):
    certificate_list_rounds.sign_again(current_actor(), handover_id, now=now())
    flash("已重新签字,请将权证原件连同清单再交B角核对。", "success")
    return redirect(url_for(".list_detail", handover_id=handover_id))


@bp.get("/certificate-handovers/<int:handover_id>/list.pdf")
@login_required
def list_pdf(handover_id):
    url = url_for(".list_detail", handover_id=handover_id, _external=True)
    return _pdf(certificate_lists.printable(current_actor(), handover_id, url, now=now()))


# ---- the ledger and one certificate ----

@bp.get("/certificates")
@login_required
def ledger():
    actor = current_actor()
    args = certificate_filters() | ({"limit": limit} if (limit := request.args.get("limit")) else {})
    page = certificate_ledger.page(actor, cursor=request.args.get("cursor") or None, **args)
    return render_template("certificates/ledger.html", page=page, args=args, statuses=rules.STATUS_NAMES,
                           kinds=certificate_kinds.list_kinds(actor)["items"], safes=_safes(actor))


@bp.get("/certificates/<int:certificate_id>")
@login_required
def detail(certificate_id):
    actor = current_actor()
    cert = certificates.get(actor, certificate_id, now=now())
    return render_template("certificates/detail.html", c=cert, safes=_safes(actor) if actor.has_role(
        "custodian", "archivist") else [])


@bp.post("/certificates/<int:certificate_id>/release")
@login_required
def release(certificate_id):
    form = request.form
    certificates.release(current_actor(), certificate_id, recipient=form.get("recipient", ""),
                         recipient_id_number=form.get("recipient_id_number", ""), note=form.get("note", ""),
                         now=now())
    flash("解押退还已发起,等待有权审批人审批后由第二人确认。", "success")
    return redirect(url_for(".detail", certificate_id=certificate_id))


@bp.post("/certificates/<int:certificate_id>/move")
@login_required
def move(certificate_id):
    certificates.start_movement(current_actor(), certificate_id, rules.MOVE,
                                to_location=request.form.get("to_location", ""), note=request.form.get("note", ""),
                                now=now())
    flash("移位已发起,等待第二人确认。", "success")
    return redirect(url_for(".detail", certificate_id=certificate_id))


# ---- movements: approve, co-sign, day-end ----

@bp.get("/certificate-movements")
@login_required
def movements():
    return render_template("certificates/movements.html", rows=certificate_desk.pending_movements(current_actor()))


@bp.post("/certificate-movements/<int:movement_id>/decision")
@login_required
def decide(movement_id):
    approve = request.form.get("approve") == "1"
    certificates.decide(current_actor(), movement_id, approve=approve, note=request.form.get("note", ""), now=now())
    flash("已同意,等待权证管理员办理。" if approve else "已拒绝。", "success")
    return redirect(url_for(".movements"))


@bp.post("/certificate-movements/<int:movement_id>/confirm")
@login_required
def confirm_movement(movement_id):
    done = certificates.confirm_movement(current_actor(), movement_id, now=now())
    flash(f"已复核确认:{done['kind_name']} {done['certificate']['code']},"
          f"权证状态为「{done['certificate']['status_name']}」。", "success")
    return redirect(url_for(".movements"))


@bp.get("/certificate-movements/<int:movement_id>/receipt.pdf")
@login_required
def receipt_pdf(movement_id):
    url = url_for(".movements", _external=True)
    return _pdf(certificates.release_receipt(current_actor(), movement_id, url, now=now()))


@bp.get("/certificate-days")
@login_required
def day():
    return render_template("certificates/day.html",
                           day=certificate_desk.day_movements(current_actor(), request.args.get("day"), now=now()))


@bp.post("/certificate-days/<day>/check")
@login_required
def check_day(day):
    certificate_desk.check_day(current_actor(), day, now=now())
    flash(f"{day} 的权证出入库已核对确认。", "success")
    return redirect(url_for(".day", day=day))


# ---- stock-takes ----

@bp.get("/stocktakes")
@login_required
def stocktake_list():
    actor = current_actor()
    return render_template("certificates/stocktakes.html", rows=stocktakes.recent(actor), safes=_safes(actor))


@bp.post("/stocktakes")
@login_required
def start_stocktake():
    take = stocktakes.start(current_actor(), request.form.get("location", ""), now=now())
    flash(f"盘点已开始:应有 {len(take['expected'])} 份权证。请逐个扫描标签。", "success")
    return redirect(url_for(".stocktake", stocktake_id=take["id"]))


@bp.get("/stocktakes/<int:stocktake_id>")
@login_required
def stocktake(stocktake_id):
    actor = current_actor()
    return render_template("certificates/stocktake.html", s=stocktakes.get(actor, stocktake_id), safes=_safes(actor),
                           place=request.args.get("place", ""))


@bp.post("/stocktakes/<int:stocktake_id>/scan")
@login_required
def scan(stocktake_id):
    place = request.form.get("location", "")
    done = stocktakes.scan(current_actor(), stocktake_id, request.form.get("code", ""), place, now=now())
    flash(f"{done['code']} 已扫描过,不重复计数。" if done["duplicate"] else f"已扫描 {done['code']}({place})。",
          "warning" if done["duplicate"] else "success")
    return redirect(url_for(".stocktake", stocktake_id=stocktake_id, place=place))


@bp.post("/stocktakes/<int:stocktake_id>/close")
@login_required
def close_stocktake(stocktake_id):
    stocktakes.close(current_actor(), stocktake_id, now=now())
    flash("盘点已结束并签字,可打印盘点报告。", "success")
    return redirect(url_for(".stocktake", stocktake_id=stocktake_id))


@bp.get("/stocktakes/<int:stocktake_id>/report.pdf")
@login_required
def stocktake_report(stocktake_id):
    url = url_for(".stocktake", stocktake_id=stocktake_id, _external=True)
    return _pdf(stocktakes.report(current_actor(), stocktake_id, url, now=now()))


# ---- kinds (admin) ----

@bp.get("/certificate-kinds")
@login_required
def kinds():
    return render_template("certificates/kinds.html", kinds=certificate_kinds.list_kinds(current_actor())["items"])


@bp.post("/certificate-kinds")
@login_required
def create_kind():
    certificate_kinds.create_kind(current_actor(), code=request.form.get("code", "").strip(),
                                  name=request.form.get("name", ""), now=now())
    flash("权证类别已添加。", "success")
    return redirect(url_for(".kinds"))


@bp.post("/certificate-kinds/<code>")
@login_required
def update_kind(code):
    certificate_kinds.update_kind(current_actor(), code, name=request.form.get("name") or None,
                                  active=request.form.get("active") == "1", now=now())
    flash("权证类别已更新。", "success")
    return redirect(url_for(".kinds"))
