"""Sign in and out."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, login_required, login_user, logout_user

from ...domain.errors import ArchiveError
from ...services import users
from ..context import client_addr, now

bp = Blueprint("auth", __name__)


class SessionUser(UserMixin):
    """What Flask-Login keeps for a signed-in browser: the actor."""

    def __init__(self, actor):
        self.actor = actor
        self.id = actor.id


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    cfg = current_app.config
    try:
        actor = users.authenticate(request.form.get("username", ""), request.form.get("password", ""),
                                   now=now(), client_addr=client_addr(),
                                   max_failures=cfg["LOGIN_MAX_FAILURES"], lock_minutes=cfg["LOGIN_LOCK_MINUTES"])
    except ArchiveError as refused:
        flash(refused.message, "danger")
        return render_template("login.html", username=request.form.get("username", "")), 401
    login_user(SessionUser(actor))
    return redirect(_safe_next(request.args.get("next")))


def _safe_next(target):
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.dashboard")


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))
