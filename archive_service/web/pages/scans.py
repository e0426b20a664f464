"""Pages for labels and scans: print labels and cover sheets, upload and reconcile scans (R18),
download watermarked copies (R19), file a scanned batch."""
from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from ...domain.errors import InvalidInput, NotFound, require
from ...services.archive import labels, scans
from ..context import current_actor, now, scan_store, setting
from . import forms

bp = Blueprint("scan_pages", __name__)


@bp.get("/labels")
@login_required
def label_form():
    return _label_form()


def _label_form(error=None, status=200):
    """The form, filled with what was typed; a refusal shows on it instead of a bare error page."""
    return render_template("scans/labels.html", layouts=labels.layouts(current_actor())["items"], error=error,
                           codes=request.args.get("codes", ""), layout=request.args.get("layout", "a4-3x8"),
                           start=request.args.get("start", "1")), status


@bp.get("/labels.pdf")
@login_required
def labels_pdf():
    return _render(labels.print_labels, "application/pdf")


@bp.get("/labels.png")
@login_required
def labels_png():
    return _render(labels.preview, "image/png")


def _render(service, mimetype):
    """`service` (print or preview) on the form's labels, customer names as the company decides."""
    try:
        start = request.args.get("start", "").strip() or "1"
        require(start.isdigit(), InvalidInput, "label.bad_start", "起始位置必须是正整数", errors={"start": "正整数"})
        data = service(current_actor(), labels.parse_codes(request.args.get("codes", "")),
                       request.args.get("layout", "a4-3x8"), start=int(start),
                       show_customer=setting("SHOW_CUSTOMER_ON_LABELS"), now=now())
    except (InvalidInput, NotFound) as refused:
        return _label_form(refused.message, refused.status)
    return Response(data, mimetype=mimetype)


@bp.get("/archives/<path:archive_no>/scans")
@login_required
def archive_scans(archive_no):
    return render_template("scans/archive.html", s=scans.of_archive(current_actor(), archive_no, now=now()))


@bp.post("/archives/<path:archive_no>/scans")
@login_required
def upload(archive_no):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要上传的文件。", "warning")
        return redirect(url_for(".archive_scans", archive_no=archive_no))
    item_id = request.form.get("item_id", "").strip()
    done = scans.upload(current_actor(), archive_no, upload.stream, filename=upload.filename,
                        item_id=forms.int_or_raw(item_id) if item_id else None, store=scan_store(), now=now())
    flash(done["reconciliation"], "success" if done["complete"] else "warning")
    return redirect(url_for(".archive_scans", archive_no=archive_no))


@bp.get("/scans/<int:scan_id>")
@login_required
def download(scan_id):
    filename, copy = scans.download(current_actor(), scan_id, store=scan_store(), now=now())
    return send_file(copy, mimetype="application/pdf", as_attachment=True, download_name=filename)


@bp.post("/scans/<int:scan_id>/void")
@login_required
def void(scan_id):
    scan = scans.void(current_actor(), scan_id, request.form.get("reason", ""), now=now())
    flash(f"扫描件 {scan['filename']} 已作废,保留在记录中,不再计入页数核对。", "success")
    return redirect(url_for(".archive_scans", archive_no=scan["archive_no"]))


@bp.get("/scans/covers.pdf")
@login_required
def covers():
    pdf = labels.cover_sheets(current_actor(), labels.parse_codes(request.args.get("codes", "")), now=now())
    return Response(pdf, mimetype="application/pdf")


@bp.get("/scans/batch")
@login_required
def batch_form():
    return render_template("scans/batch.html", report=None)


@bp.post("/scans/batch")
@login_required
def batch():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择批量扫描的 PDF 文件。", "warning")
        return redirect(url_for(".batch_form"))
    report = scans.upload_batch(current_actor(), upload.stream, filename=upload.filename, store=scan_store(),
                                now=now())
    return render_template("scans/batch.html", report=report)
