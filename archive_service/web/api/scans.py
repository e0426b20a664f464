"""Scans of archive files: upload with page reconciliation, the file's scans, watermarked download."""
from flask import Response, send_file
from flask_smorest.fields import Upload

from ...services.archive import labels, scans
from ..context import current_actor, now, scan_store
from .base import api_blueprint
from .schemas import ApiSchema, QueryId, Text

bp = api_blueprint("scans", "Scans: stored by content, counted against the handover list (R18), "
                            "downloaded with a watermark and audited (R19)")


class ScanUpload(ApiSchema):
    file = Upload(required=True, error_messages={"required": "请选择要上传的文件"},
                  metadata={"description": "PDF, JPEG, PNG or TIFF; type decided by content"})


class ItemScanUpload(ScanUpload):
    item_id = QueryId(load_default=None, metadata={"description": "the handover item scanned; omit for the whole file"})


@bp.post("/archives/<archive_no>/scans")
@bp.arguments(ItemScanUpload, location="multipart")
@bp.response(201)
@bp.alt_response(200, description="the same content was already uploaded for this file and item")
def upload(body, archive_no):
    """Upload a scan: `{"sha256", "pages", "expected_pages", "complete", ...}`."""
    upload = body["file"]
    view = scans.upload(current_actor(), archive_no, upload.stream, filename=upload.filename,
                        item_id=body["item_id"], store=scan_store(), now=now())
    return view, 200 if view["duplicate"] else 201


@bp.get("/archives/<archive_no>/scans")
@bp.response(200)
def of_archive(archive_no):
    """The file's scans and whether every page of the list is scanned (R18)."""
    return scans.of_archive(current_actor(), archive_no, now=now())


@bp.get("/scans/<int:scan_id>")
@bp.response(200, content_type="application/pdf")
def download(scan_id):
    """The scan as PDF, every page watermarked with the viewer and the time; audited."""
    filename, copy = scans.download(current_actor(), scan_id, store=scan_store(), now=now())
    return send_file(copy, mimetype="application/pdf", as_attachment=True, download_name=filename)


class VoidScan(ApiSchema):
    reason = Text(200, load_default="", metadata={"description": "why the scan is wrong (required)"})


@bp.post("/scans/<int:scan_id>/void")
@bp.arguments(VoidScan)
@bp.response(200)
def void(body, scan_id):
    """Void a wrong scan: it stays in the history with the reason and leaves the page reconciliation."""
    return scans.void(current_actor(), scan_id, body["reason"], now=now())


class CoverArgs(ApiSchema):
    codes = Text(4000, required=True, metadata={"description": "archive numbers, comma-separated"})


@bp.get("/scans/covers.pdf")
@bp.arguments(CoverArgs, location="query")
@bp.response(200, content_type="application/pdf")
def covers(args):
    """Cover sheets for batch scanning: one page per archive file, with a QR of its number."""
    pdf = labels.cover_sheets(current_actor(), labels.parse_codes(args["codes"]), now=now())
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": 'inline; filename="covers.pdf"'})


@bp.post("/scans/batches")
@bp.arguments(ScanUpload, location="files")
@bp.response(200)
def batch(files):
    """One PDF of several files, each behind its cover sheet: cut at the covers and filed; pages
    without a readable cover and covers with unknown numbers are reported, not guessed."""
    upload = files["file"]
    return scans.upload_batch(current_actor(), upload.stream, filename=upload.filename, store=scan_store(), now=now())
