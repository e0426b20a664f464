"""Sign in and out."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, login_required, login_user, logout_user

from ...domain.errors import ArchiveError
from ...services.accounts import users
from ..context import client_addr, current_actor, now

bp = Blueprint("auth", __name__)


class SessionUser(UserMixin):
    """What Flask-Login keeps for a signed-in browser: the actor, named in the session by
    "<id>.<session version>" so that ending the user's sessions invalidates the cookie."""

    def __init__(self, actor, key):
        self.actor = actor
        self.id = key


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
    login_user(SessionUser(actor, users.session_key(actor)))
    return redirect(safe_next(request.args.get("next")))


def safe_next(target):
    """`target` when it is a path of this service, else the dashboard. Control characters and
    spaces go first (browsers drop them, so `/<TAB>/evil.example` would become `//evil.example`);
    a backslash counts as a slash, as browsers read it."""
    path = "".join(ch for ch in target or "" if ch.isprintable() and not ch.isspace()).replace("\\", "/")
    parts = urlsplit(path)
    if path.startswith("/") and not path.startswith("//") and not parts.scheme and not parts.netloc:
        return path
    return url_for("home.dashboard")


@bp.post("/logout")
@login_required
def logout():
    users.end_sessions(current_actor(), now=now())
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))
