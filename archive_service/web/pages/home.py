"""The dashboard and the global scan box."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.errors import InvalidInput, NotFound
from ...services import calendar
from ...services import dashboard as dashboard_figures
from ...services import lookup as codes
from ..context import current_actor, now

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def dashboard():
    actor, cal = current_actor(), calendar.current()
    unconfirmed = calendar.unconfirmed_years_ahead(now(), cal=cal) if actor.has_role("admin") else []
    return render_template("dashboard.html", unconfirmed_years=unconfirmed,
                           cards=dashboard_figures.cards(actor, now=now(), cal=cal),
                           archive_empty=dashboard_figures.archive_is_empty())


@bp.get("/scan")
@login_required
def scan():
    """The scan box: a USB scanner types the code and Enter."""
    code = request.args.get("code", "").strip()
    if not code:
        return redirect(url_for("home.dashboard"))
    return redirect(url_for("home.lookup", code=code))


@bp.get("/lookup/<path:code>")
@login_required
def lookup(code):
    """Where a scanned code leads: the archive, the item in it, the location..."""
    current_actor()
    try:
        found = codes.resolve(code)
    except (InvalidInput, NotFound) as refused:
        return render_template("lookup.html", code=code, message=refused.message, code_name=refused.code), \
            refused.status
    return redirect(found["url"])
