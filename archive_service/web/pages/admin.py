"""Administration pages: user accounts, the working-day calendar and the audit log.

Permissions are checked by the services; a refusal raised here becomes a flash message and a
redirect back (POST) or a zh-CN error page (GET) in web/errors.py.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.errors import InvalidInput
from ...domain.permissions import require_permission
from ...domain.timeutil import local_date
from ...services.accounts import users
from ...services.archive import receipt
from ...services.platform import audit, calendar
from ..context import current_actor, now
from . import audit_text

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50
AUDIT_FILTERS = ("actor", "action", "object_type", "object_id", "from", "to")
DAY_KINDS = {"holiday": "节假日", "workday": "调休上班"}
CHAIN_BREAKS = {"missing": "缺失", "broken_link": "链接断开", "edited": "内容被篡改", "inserted": "被插入"}


@bp.before_request
@login_required
def _signed_in():
    """Every admin page needs a signed-in user; the services decide what that user may do."""


def _text(name):
    """A trimmed form field; None when it was not sent at all."""
    value = request.form.get(name)
    return value.strip() if value is not None else None


# ---- users -------------------------------------------------------------------------------

@bp.get("/users", endpoint="users")
def users_list():
    return render_template("admin/users.html", users=users.list_users(current_actor()))


@bp.post("/users")
def user_create():
    created = users.create_user(current_actor(), username=_text("username") or "",
                                password=request.form.get("password", ""), roles=request.form.getlist("roles"),
                                display_name=_text("display_name") or None, department=_text("department") or "",
                                email=_text("email") or "", now=now())
    flash(f"已创建用户 {created['username']}({created['display_name']})", "success")
    return redirect(url_for("admin.users"))


@bp.get("/users/<username>")
def user_edit(username):
    return render_template("admin/user_edit.html", user=users.get_user(current_actor(), username))


@bp.post("/users/<username>")
def user_update(username):
    updated = users.update_user(current_actor(), username, display_name=_text("display_name"),
                                department=_text("department"), email=_text("email"),
                                roles=request.form.getlist("roles"), now=now())
    flash(f"已保存用户 {updated['username']} 的资料", "success")
    return redirect(url_for("admin.user_edit", username=username))


@bp.post("/users/<username>/password")
def user_password(username):
    users.update_user(current_actor(), username, password=request.form.get("password", ""), now=now())
    flash(f"已重置用户 {username} 的密码", "success")
    return redirect(url_for("admin.user_edit", username=username))


@bp.post("/users/<username>/<any(activate, deactivate):change>")
def user_active(username, change):
    active = change == "activate"
    users.update_user(current_actor(), username, active=active, now=now())
    flash(f"已{'启用' if active else '停用'}用户 {username}", "success")
    return redirect(url_for("admin.user_edit", username=username))


# ---- calendar ----------------------------------------------------------------------------

def _calendar_url(day_or_year):
    """The calendar page of a year, given the year or an ISO date (YYYY-MM-DD) in it."""
    return url_for("admin.calendar", year=str(day_or_year)[:4])


@bp.get("/calendar", endpoint="calendar")
def calendar_page():
    year = request.args.get("year", type=int) or local_date(now()).year
    return render_template("admin/calendar.html", overview=calendar.overview(year), kinds=DAY_KINDS,
                           min_year=calendar.MIN_YEAR, max_year=calendar.MAX_YEAR)


@bp.post("/calendar/days")
def calendar_set_day():
    saved = calendar.set_override(current_actor(), _text("date") or "", _text("kind") or "", _text("note") or "",
                                  now=now())
    flash(f"已将 {saved['date']} 设为{DAY_KINDS[saved['kind']]}", "success")
    return redirect(_calendar_url(saved["date"]))


@bp.post("/calendar/days/<day>/delete")
def calendar_remove_day(day):
    removed = calendar.remove_override(current_actor(), day, now=now())
    flash(f"已删除 {removed['date']} 的调整" if removed["removed"] else f"{removed['date']} 没有调整,无需删除",
          "success" if removed["removed"] else "info")
    return redirect(_calendar_url(removed["date"]))


@bp.post("/calendar/years/<int:year>/confirm")
def calendar_confirm_year(year):
    calendar.confirm_year(current_actor(), year, now=now())
    flash(f"已确认 {year} 年的节假日安排", "success")
    return redirect(_calendar_url(year))


# ---- settings ----------------------------------------------------------------------------

@bp.get("/settings", endpoint="settings")
def settings_page():
    require_permission(current_actor(), "settings.edit")
    return render_template("admin/settings.html", blind_count=receipt.blind_count())


@bp.post("/settings")
def settings_save():
    receipt.set_blind_count(current_actor(), request.form.get("blind_count") == "on", now=now())
    flash("设置已保存", "success")
    return redirect(url_for("admin.settings"))


# ---- audit log ---------------------------------------------------------------------------

@bp.get("/audit", endpoint="audit")
def audit_page():
    actor = current_actor()
    filters = {name: request.args.get(name, "").strip() for name in AUDIT_FILTERS}
    chain = audit.verify_recent(actor)
    error, page = None, {"items": [], "next_cursor": None}
    try:
        page = audit.search(actor, actor_name=filters["actor"] or None, action=filters["action"] or None,
                            object_type=filters["object_type"] or None, object_id=filters["object_id"] or None,
                            date_from=filters["from"] or None, date_to=filters["to"] or None,
                            cursor=request.args.get("cursor") or None, limit=AUDIT_PAGE_SIZE, now=now())
    except InvalidInput as refused:
        error = refused.message
    next_url = None
    if page["next_cursor"]:
        next_url = url_for("admin.audit", cursor=page["next_cursor"], **{k: v for k, v in filters.items() if v})
    people = {u["username"]: u["display_name"] for u in users.list_users(actor)}
    entries = [{**e, "actor_name": people.get(e["actor"], e["actor"]) if e["actor"] else "系统",
                "action_name": audit_text.ACTIONS.get(e["action"], e["action"]),
                "object_name": audit_text.OBJECTS.get(e["object_type"], e["object_type"]),
                "object_label": people.get(e["object_id"], e["object_id"]) if e["object_type"] == "user"
                else e["object_id"],
                "lines": audit_text.summary_lines(e["summary"], people)} for e in page["items"]]
    return render_template("admin/audit.html", filters=filters, chain=chain, entries=entries, error=error,
                           next_url=next_url, first_page=not request.args.get("cursor"), people=people,
                           action_choices=audit_text.action_choices(), object_names=audit_text.OBJECTS,
                           break_names=CHAIN_BREAKS), 422 if error else 200
