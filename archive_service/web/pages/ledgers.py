"""Pages for search, the printable ledgers, exports, imports and statistics (R3, R23)."""
from flask import Blueprint, render_template, request
from flask_login import login_required

from ...domain.errors import Forbidden, InvalidInput
from ...domain.permissions import allowed, require_permission
from ...domain.timeutil import LOCAL_TZ
from ...services.imports import imports, project_imports
from ...services.ledgers import archive_ledger, certificate_ledger, search
from ...services.reports import exports, stats
from .. import charts
from ..context import current_actor, now
from ..downloads import download

bp = Blueprint("ledger_pages", __name__)
PRINT_LIMIT = 500


def ledger_filters(names=archive_ledger.FILTERS):
    """The ledger filters and sort typed into the page's form (empty ones left out)."""
    return {k: v for k in (*names, "sort") if (v := request.args.get(k, "").strip())}


def certificate_filters():
    return ledger_filters(certificate_ledger.FILTERS)


@bp.get("/search")
@login_required
def search_page():
    q = request.args.get("q", "").strip()
    found, message = None, None
    if q:
        try:
            found = search.search(current_actor(), q)
        except InvalidInput as refused:
            message = refused.message
    return render_template("ledgers/search.html", q=q, found=found, message=message)


@bp.get("/ledger/print")
@login_required
def print_ledger():
    """The filtered ledger on A4 landscape, up to PRINT_LIMIT rows."""
    filters = ledger_filters()
    page = archive_ledger.page(current_actor(), limit=PRINT_LIMIT, **filters)
    printed_at = now().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return render_template("ledgers/print.html", page=page, filters=filters, printed_at=printed_at,
                           limit=PRINT_LIMIT)


@bp.get("/certificates/print")
@login_required
def print_certificates():
    """The filtered certificate ledger on A4 landscape, up to PRINT_LIMIT rows."""
    filters = certificate_filters()
    page = certificate_ledger.page(current_actor(), limit=PRINT_LIMIT, **filters)
    printed_at = now().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return render_template("certificates/print.html", page=page, filters=filters, printed_at=printed_at,
                           limit=PRINT_LIMIT)


@bp.get("/exports/archives.<fmt>")
@login_required
def export_archives(fmt):
    return download(exports.archive_ledger(current_actor(), fmt, ledger_filters(), now=now()))


@bp.get("/exports/certificates.<fmt>")
@login_required
def export_certificates(fmt):
    return download(exports.certificate_ledger(current_actor(), fmt, certificate_filters(), now=now()))


@bp.get("/exports/register.<fmt>")
@login_required
def export_register(fmt):
    return download(exports.register_book(current_actor(), fmt, request.args.get("from") or None,
                                          request.args.get("to") or None, now=now()))


@bp.get("/exports/search.<fmt>")
@login_required
def export_search(fmt):
    return download(exports.search_results(current_actor(), fmt, request.args.get("q", ""), now=now()))


@bp.get("/exports/stats.<fmt>")
@login_required
def export_stats(fmt):
    return download(exports.stats_table(current_actor(), fmt, request.args.get("year"),
                                        request.args.get("table", "by_month"), now=now()))


@bp.get("/imports")
@login_required
def import_form():
    roles = current_actor().roles
    if not (allowed(roles, "imports.ledger") or allowed(roles, "imports.projects")):
        raise Forbidden("auth.forbidden", "您没有导入数据的权限")
    return render_template("ledgers/imports.html", report=None, kind="ledger")


@bp.post("/imports/<kind>")
@login_required
def run_import(kind):
    """A dry run (the default) shows the row-by-row report; the real run imports all rows or none."""
    require_permission(current_actor(), "imports.projects" if kind == "projects" else "imports.ledger")
    upload = request.files.get("file")
    dry_run = request.form.get("dry_run", "true") != "false"
    run = {"ledger": imports.ledger, "projects": project_imports.run}.get(kind)
    if run is None or upload is None or not upload.filename:
        raise InvalidInput("import.file_required", "请选择要导入的文件", errors={"file": "必选"})
    try:
        report = run(current_actor(), upload.read(), upload.filename, mapping=request.form.get("mapping") or None,
                     dry_run=dry_run, now=now())
    except InvalidInput as refused:
        if not isinstance(refused.details, dict) or "errors" not in refused.details:
            raise
        report = refused.details
    return render_template("ledgers/imports.html", report=report, kind=kind, filename=upload.filename)


@bp.get("/stats")
@login_required
def stats_page():
    figures = stats.figures(current_actor(), request.args.get("year") or None, now=now())
    return render_template("ledgers/stats.html", f=figures, chart=charts.monthly_bars(figures["by_month"]),
                           on_time_chart=charts.on_time_bars(figures["on_time"]),
                           loans_chart=charts.monthly_bars(figures["loans"], ("archive", "certificate"), "每月借出数",
                                                           "chart-loans"))
