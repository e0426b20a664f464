"""Scans of archive files (R18, R19): upload, page-count reconciliation against the handover list,
watermarked downloads. Every upload, view and download is audited.

The file lands in the store before the row is written: a failure in between leaves an
unreferenced file, which `sweep` removes later; a row never points at a missing file."""
from io import BytesIO

from ...adapters.scan_store import PDF, page_qr_texts, pdf_of_pages, sanitize_filename
from ...db import for_update, transaction
from ...domain.errors import Conflict, InvalidInput, NotFound, UnsupportedType, require
from ...domain.permissions import require_permission
from ...domain.scans import Reconciliation, cover_code, file_complete, split_at_covers
from ...domain.timeutil import LOCAL_TZ, iso_local, to_db
from ...models import ArchiveFile, HandoverItem, ScanFile, User
from ...paging import row_id
from ..platform import audit
from . import file_access
from .file_views import load_archive


def _item_of(archive, item_id):
    item = HandoverItem.get_or_none(HandoverItem.id == item_id, HandoverItem.handover == archive.handover_id) \
        if row_id(item_id) else None
    require(item is not None, InvalidInput, "scan.unknown_item", f"档案 {archive.archive_no} 中没有第 {item_id} 项",
            errors={"item_id": "不是该档案的清单项"})
    return item


def _items(archive):
    return list(HandoverItem.select().where(HandoverItem.handover == archive.handover_id)
                .order_by(HandoverItem.part, HandoverItem.position))


def _expected_pages(archive, item):
    return item.pages if item else sum(i.pages for i in _items(archive))


def scan_view(scan, expected):
    return {"id": scan.id, "archive_no": scan.archive.archive_no, "item_id": scan.item_id, "sha256": scan.sha256,
            "media_type": scan.media_type, "filename": scan.filename, "size": scan.size,
            "uploaded_by": scan.uploaded_by.username, "uploaded_by_name": scan.uploaded_by.display_name,
            "uploaded_at": iso_local(scan.uploaded_at), "voided": scan.voided_at is not None,
            "voided_at": iso_local(scan.voided_at), "void_reason": scan.void_reason,
            "voided_by_name": scan.voided_by.display_name if scan.voided_by_id else None,
            "removed_at": iso_local(scan.removed_at),
            **Reconciliation(scan.pages, expected).as_dict()}


def _uploadable(archive):
    require(archive.status != "voided", Conflict, "archive.voided", f"档号 {archive.archive_no} 已作废,不能上传扫描件")
    require(archive.status != "destroyed", Conflict, "archive.destroyed",
            f"档案 {archive.archive_no} 已销毁,不能上传扫描件")
    return archive


def upload(actor, archive_no, stream, *, filename, item_id=None, store, now):
    """Store a scan of the whole file (or of one item) and reconcile its pages with the list (R18).
    The same content uploaded again for the same file and item gives back the first record."""
    require_permission(actor, "scans.upload")
    archive = _uploadable(load_archive(archive_no))
    item = _item_of(archive, item_id) if item_id is not None else None
    stored = store.put(stream)
    with transaction():
        # Checked again under the row's lock: a destruction or voiding committed while the bytes
        # were stored wins, and the scan is not recorded (the sweep removes the unreferenced bytes).
        archive = _uploadable(for_update(ArchiveFile.select().where(ArchiveFile.id == archive.id)).get())
        scan = ScanFile.get_or_none(ScanFile.archive == archive.id, ScanFile.item == (item.id if item else None),
                                    ScanFile.sha256 == stored.sha256, ScanFile.voided_at.is_null())
        duplicate = scan is not None
        if not duplicate:
            scan = ScanFile.create(archive=archive, item=item, sha256=stored.sha256, pages=stored.pages,
                                   media_type=stored.media_type, filename=sanitize_filename(filename),
                                   size=stored.size, uploaded_by=actor.id, uploaded_at=to_db(now))
        expected = _expected_pages(archive, item)
        audit.record(actor, "scan.upload", "scan", scan.id, {
            "archive_no": archive.archive_no, "item_id": scan.item_id, "sha256": stored.sha256,
            "pages": stored.pages, "expected_pages": expected, "duplicate": duplicate}, now=now)
    return {**scan_view(scan, expected), "duplicate": duplicate}


def of_archive(actor, archive_no, *, now):
    """The file's scans and where the page counts stand against the list (R18). Audited."""
    archive = load_archive(archive_no)
    file_access.require_read(actor, archive)
    items = _items(archive)
    scans = list(ScanFile.select(ScanFile, ArchiveFile, User).join(ArchiveFile)
                 .switch(ScanFile).join(User, on=(ScanFile.uploaded_by == User.id), attr="uploaded_by")
                 .where(ScanFile.archive == archive.id).order_by(ScanFile.id))
    pages_of = {i.id: i.pages for i in items}
    total = sum(pages_of.values())
    by_item = {}
    for scan in scans:
        if scan.voided_at is None:
            by_item.setdefault(scan.item_id, []).append(scan.pages)
    with transaction():
        audit.record(actor, "scan.list", "archive", archive.archive_no, {"scans": len(scans)}, now=now)
    return {
        "archive_no": archive.archive_no, "expected_pages": total,
        "complete": file_complete(total, by_item.get(None, []), pages_of, by_item),
        "items": [{"item_id": i.id, "title": i.title, "pages": i.pages, "scanned_pages": by_item.get(i.id, []),
                   "complete": i.pages in by_item.get(i.id, [])} for i in items],
        "scans": [scan_view(s, total if s.item_id is None else pages_of[s.item_id]) for s in scans],
    }


MAX_REASON = 200


def _void_reason(reason):
    text = reason.strip() if isinstance(reason, str) else ""
    require(text and len(text) <= MAX_REASON and text.isprintable(), InvalidInput, "scan.void_reason_required",
            f"作废扫描件必须填写原因(不超过 {MAX_REASON} 字)", errors={"reason": "必填,不超过 200 字"})
    return text


def void(actor, scan_id, reason, *, now):
    """A wrong scan is superseded, never deleted: it stays in the history with who voided it and why,
    and no longer counts in the page reconciliation (R18). Audited."""
    require_permission(actor, "scans.upload")
    text = _void_reason(reason)
    with transaction():
        scan = for_update(ScanFile.select().where(ScanFile.id == scan_id)).get_or_none() if row_id(scan_id) else None
        if scan is None:
            raise NotFound("scan.not_found", f"找不到扫描件 {scan_id}")
        require(scan.voided_at is None, Conflict, "scan.already_voided", f"扫描件 {scan.filename} 已作废,不能重复作废")
        scan.voided_at, scan.voided_by, scan.void_reason = to_db(now), actor.id, text
        scan.save()
        audit.record(actor, "scan.void", "scan", scan.id, {
            "archive_no": scan.archive.archive_no, "filename": scan.filename, "reason": text}, now=now)
    return scan_view(scan, _expected_pages(scan.archive, scan.item))


def download(actor, scan_id, *, store, now):
    """(filename, PDF file): the scan with the viewer's name and the time on every page (R19), in a
    temporary file to stream and close."""
    scan = ScanFile.get_or_none(ScanFile.id == scan_id) if row_id(scan_id) else None
    if scan is None:
        raise NotFound("scan.not_found", f"找不到扫描件 {scan_id}")
    require(scan.removed_at is None, NotFound, "scan.removed", f"扫描件 {scan_id} 已随档案销毁而删除")
    file_access.require_read(actor, scan.archive)
    lines = (f"{actor.display_name}({actor.username})查阅", now.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
             f"档号 {scan.archive.archive_no}", "机密 不得外传")
    copy = store.watermarked_file(scan.sha256, scan.media_type, lines)
    try:
        with transaction():
            audit.record(actor, "scan.download", "scan", scan.id,
                         {"archive_no": scan.archive.archive_no, "sha256": scan.sha256}, now=now)
    except BaseException:
        copy.close()
        raise
    return f"{scan.archive.archive_no}-scan-{scan.id}.pdf", copy


def upload_batch(actor, stream, *, filename, store, now):
    """A scanning station's batch: one PDF holding several files, each behind its cover sheet.
    Every file whose cover names a known number gets its own scan, reconciled with its list.
    Pages before the first cover and covers naming unknown numbers are reported, never guessed."""
    require_permission(actor, "scans.upload")
    name = sanitize_filename(filename)
    with store.receiving(stream) as batch:
        require(batch.media_type == PDF, UnsupportedType, "scan.batch_not_pdf", "批量扫描只接受 PDF 文件")
        segments, loose = split_at_covers([cover_code(texts) for texts in page_qr_texts(batch.path)])
        filed, refused = [], []
        for segment in segments:
            problem = _segment_problem(segment)
            if problem:
                refused.append({"cover_page": segment.cover_page + 1, "archive_no": segment.archive_no,
                                "pages": [p + 1 for p in segment.pages], "reason": problem})
                continue
            part = BytesIO(pdf_of_pages(batch.path, segment.pages))
            pages = f"{segment.pages[0] + 1}-{segment.pages[-1] + 1}"
            filed.append(upload(actor, segment.archive_no, part, filename=f"{name} 第{pages}页", store=store, now=now))
    report = {"sha256": batch.sha256, "pages": batch.pages, "files": filed, "refused_covers": refused,
              "pages_without_cover": [p + 1 for p in loose], "complete": not refused and not loose}
    with transaction():
        audit.record(actor, "scan.batch", "batch", batch.sha256[:16], {
            "filename": name, "pages": batch.pages, "files": [f["archive_no"] for f in filed],
            "refused_covers": refused, "pages_without_cover": report["pages_without_cover"]}, now=now)
    return report


def _segment_problem(segment):
    archive = ArchiveFile.get_or_none(ArchiveFile.archive_no == segment.archive_no)
    if archive is None:
        return "分隔页上的档号不存在"
    if archive.status == "voided":
        return "该档号已作废"
    if archive.status == "destroyed":
        return "该档案已销毁"
    if not segment.pages:
        return "分隔页后没有扫描页"
    return None


def sweep(store, *, now, grace_seconds=3600):
    """Remove stored files no live scan row names (run from cron); returns the removed names.
    Scans removed with a destroyed file keep their row but no longer keep their content."""
    keep = {row.sha256 for row in ScanFile.select(ScanFile.sha256).where(ScanFile.removed_at.is_null()).distinct()}
    return store.sweep(keep, now=now, grace_seconds=grace_seconds)
