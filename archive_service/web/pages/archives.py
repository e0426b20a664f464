"""Archive pages: the ledger, one file, the registration book, storage locations."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ...domain.permissions import allowed
from ...services.archive import file_record
from ...services.archive import locations as location_service
from ...services.ledgers import archive_ledger
from ..context import current_actor, now
from .ledgers import ledger_filters

bp = Blueprint("archive_pages", __name__)


@bp.get("/archives")
@login_required
def ledger():
    filters = ledger_filters()
    page = archive_ledger.page(current_actor(), cursor=request.args.get("cursor") or None, **filters)
    return render_template("archives/ledger.html", page=page, args=filters,
                           locations=location_service.list_locations(current_actor())["items"])


@bp.get("/archives/<path:archive_no>")
@login_required
def detail(archive_no):
    actor = current_actor()
    places = location_service.all_locations(actor) if allowed(actor.roles, "locations.manage") else []
    return render_template("archives/detail.html", f=file_record.get_archive(actor, archive_no, now=now()),
                           locations=places)


@bp.post("/archives/<path:archive_no>/move")
@login_required
def move(archive_no):
    file_record.move(current_actor(), archive_no, request.form.get("location", ""), request.form.get("note", ""),
                     now=now())
    flash("已移动存放位置。", "success")
    return redirect(url_for(".detail", archive_no=archive_no))


@bp.get("/register")
@login_required
def register():
    args = {"date_from": request.args.get("from") or None, "date_to": request.args.get("to") or None}
    book = file_record.register(current_actor(), now=now(), cursor=request.args.get("cursor") or None, **args)
    return render_template("archives/register.html", book=book, args=args)


@bp.get("/locations")
@login_required
def locations():
    return render_template("archives/locations.html", rows=location_service.all_locations(current_actor()))


@bp.post("/locations")
@login_required
def create_location():
    location_service.create_location(current_actor(), code=request.form.get("code", "").strip(),
                                     name=request.form.get("name", ""), parent=request.form.get("parent") or None,
                                     safe=request.form.get("safe") == "on", now=now())
    flash("位置已创建。", "success")
    return redirect(url_for(".locations"))
