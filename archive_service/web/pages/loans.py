"""Borrowing pages: my loans and requests, the approval inbox, the archivist's and custodian's
desk (scan a label → the right action), the overdue list, incidents and the notification centre."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...services.alerts import alerts
from ...services.loans import incidents, loan_desk, loan_rules, loans
from ..context import current_actor, now

bp = Blueprint("loan_pages", __name__)


def _int(name):
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() else value


@bp.get("/loans")
@login_required
def mine():
    actor = current_actor()
    return render_template("loans/mine.html", page=loans.find(actor, mine=True, now=now(),
                                                              cursor=request.args.get("cursor") or None),
                           uses=loan_rules.USES)


@bp.post("/loans")
@login_required
def request_loan():
    loan = loans.request(current_actor(), object=request.form.get("object", ""),
                         purpose=request.form.get("purpose", ""), days=_int("days"),
                         use=request.form.get("use", "read"), now=now())
    flash(f"借阅申请已提交({loan['state_name']})。", "success")
    return redirect(url_for(".detail", loan_id=loan["id"]))


@bp.get("/loans/<int:loan_id>")
@login_required
def detail(loan_id):
    return render_template("loans/detail.html", loan=loans.get(current_actor(), loan_id, now=now()))


@bp.post("/loans/<int:loan_id>/decision")
@login_required
def decide(loan_id):
    approve = request.form.get("approve") == "1"
    loans.decide(current_actor(), loan_id, approve, request.form.get("note", ""), now=now())
    flash("已同意。" if approve else "已驳回。", "success")
    return redirect(request.referrer or url_for(".inbox"))


@bp.post("/loans/<int:loan_id>/<any(renew, cancel):action>")
@login_required
def change(loan_id, action):
    if action == "renew":
        loans.renew(current_actor(), loan_id, _int("days"), now=now())
        flash("续借申请已提交。", "success")
    else:
        loans.cancel(current_actor(), loan_id, now=now())
        flash("借阅申请已撤销。", "success")
    return redirect(url_for(".detail", loan_id=loan_id))


@bp.get("/loans/inbox")
@login_required
def inbox():
    actor = current_actor()
    return render_template("loans/inbox.html", page=loans.find(actor, inbox=True, now=now()))


@bp.get("/desk")
@login_required
def desk():
    code = request.args.get("code", "").strip()
    found = loan_desk.scan(current_actor(), code, now=now()) if code else None
    return render_template("loans/desk.html", found=found, code=code)


@bp.post("/desk/<int:loan_id>/<any(checkout, return, confirm):action>")
@login_required
def desk_action(loan_id, action):
    actor, scanned = current_actor(), request.form.get("scanned", "")
    if action == "checkout":
        loan = loan_desk.checkout(actor, loan_id, scanned, now=now())
    elif action == "return":
        loan = loan_desk.return_loan(actor, loan_id, scanned, _int("pages"), now=now())
    else:
        loan = loan_desk.confirm(actor, loan_id, now=now())
    if loan["movement_id"]:
        flash(f"{loan['object']} 的出入库已登记,待第二人确认(双人控制)。", "info")
    elif loan["state"] == "out":
        flash(f"{loan['object']} 已借出给{loan['borrower_name']},应还日期 {loan['due']}。", "success")
    else:
        flash(f"{loan['object']} 已归还入库。", "success")
    return redirect(url_for(".desk", code=loan["object"]))


@bp.get("/overdue")
@login_required
def overdue():
    return render_template("loans/overdue.html", found=alerts.overdue_now(current_actor(), now=now()))


@bp.post("/overdue/remind")
@login_required
def remind():
    done = alerts.remind(current_actor(), request.form.get("object", ""), now=now())
    flash(f"已提醒 {done['object']} 的逾期责任人。", "success")
    return redirect(url_for(".overdue"))


@bp.get("/incidents")
@login_required
def incident_list():
    return render_template("loans/incidents.html",
                           page=incidents.find(current_actor(), state=request.args.get("state") or None))


@bp.get("/incidents/<int:incident_id>")
@login_required
def incident(incident_id):
    return render_template("loans/incidents.html", page={"items": [incidents.get(current_actor(), incident_id)],
                                                         "next_cursor": None})


@bp.post("/incidents/<int:incident_id>/close")
@login_required
def close_incident(incident_id):
    incidents.close(current_actor(), incident_id, request.form.get("note", ""), now=now())
    flash("事件已关闭。", "success")
    return redirect(url_for(".incident_list"))


@bp.get("/alerts")
@login_required
def notifications():
    actor = current_actor()
    return render_template("loans/alerts.html", page=alerts.mine(actor, cursor=request.args.get("cursor") or None))


@bp.post("/alerts/<int:alert_id>/read")
@login_required
def read(alert_id):
    alert = alerts.mark_read(current_actor(), alert_id, now=now())
    return redirect(alert["url"] if alert["url"].startswith("/") else url_for(".notifications"))


@bp.post("/alerts/read-all")
@login_required
def read_all():
    alerts.mark_all_read(current_actor(), now=now())
    return redirect(url_for(".notifications"))
