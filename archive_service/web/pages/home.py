"""The dashboard and the global scan box."""
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.errors import InvalidInput, NotFound
from ...domain.permissions import allowed
from ...services.custody import certificate_desk
from ...services.handover import extensions, handovers
from ...services.platform import calendar
from ...services.platform import lookup as codes
from ...services.reports import dashboard as dashboard_figures
from ..context import current_actor, now
from .formats import FAVICON

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def dashboard():
    actor, cal = current_actor(), calendar.current()
    todo = handovers.tasks(actor, now=now(), cal=cal)
    unconfirmed = calendar.unconfirmed_years_ahead(now(), cal=cal) if actor.has_role("admin") else []
    to_decide = extensions.pending(actor)["items"] if allowed(actor.roles, "extensions.decide") else None
    return render_template("dashboard.html", unconfirmed_years=unconfirmed,
                           cards=dashboard_figures.cards(actor, now=now(), todo=todo), tasks=todo,
                           to_decide=to_decide, archive_empty=dashboard_figures.archive_is_empty(),
                           certificate_work=certificate_desk.home(actor, now=now()))


@bp.get("/favicon.ico")
def favicon():
    return Response(FAVICON, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


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
