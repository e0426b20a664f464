"""The dashboard and the global scan box."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required

from ...services import archives, calendar
from ..context import current_actor, now

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def dashboard():
    actor = current_actor()
    notices = []
    if actor.has_role("admin"):
        notices = [f"{year} 年的法定节假日尚未确认,请在「工作日历」中录入并确认。"
                   for year in calendar.unconfirmed_years_ahead(now())]
    return render_template("dashboard.html", notices=notices, cards=[])


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
    current_actor()
    archive_no = archives.find_archive_no(code.strip())
    if archive_no:
        return redirect(url_for("archive_pages.detail", archive_no=archive_no))
    return render_template("lookup.html", code=code), 404
