"""The scan store: content decides the type, bad files are refused with a code, nothing partial stays."""
import io
import os
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from archive_service.adapters import scan_store as scans
from archive_service.domain.errors import ArchiveError, InvalidInput, TooLarge, UnsupportedType
from benchmarks.decode import rasterize
from tests import scanfiles

NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    return scans.ScanStore(tmp_path / "scans", max_bytes=5 * 1024 * 1024)


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(("data", "media_type", "pages"), [
    (scanfiles.pdf(23), "application/pdf", 23),
    (scanfiles.image("JPEG"), "image/jpeg", 1),
    (scanfiles.image("PNG"), "image/png", 1),
    (scanfiles.image("TIFF", frames=3), "image/tiff", 3),
], ids=["pdf", "jpeg", "png", "tiff"])
def test_r18_page_count_comes_from_the_content(store, data, media_type, pages):
    stored = store.put(io.BytesIO(data))
    assert (stored.media_type, stored.pages, stored.size) == (media_type, pages, len(data))
    path = store.path(stored.sha256)
    assert path.read_bytes() == data
    assert path.relative_to(store.root).as_posix() == f"{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"
    assert files_under(store.root) == [path.relative_to(store.root).as_posix()]


def test_same_content_is_stored_once_and_never_changed(store):
    data = scanfiles.pdf(2)
    first = store.put(io.BytesIO(data))
    second = store.put(io.BytesIO(data))
    assert first.is_new and not second.is_new and first.sha256 == second.sha256
    assert store.usage() == scans.Usage(files=1, bytes=len(data))
    assert not os.access(store.path(first.sha256), os.W_OK) or os.geteuid() == 0
    assert store.path(first.sha256).stat().st_mode & 0o222 == 0


BAD_FILES = [
    ("truncated pdf", scanfiles.truncated_pdf(), InvalidInput, "scan.corrupt"),
    ("broken pdf", b"%PDF-1.7\n%broken", InvalidInput, "scan.corrupt"),
    ("garbage pdf", scanfiles.garbage_pdf(), InvalidInput, "scan.corrupt"),
    ("encrypted pdf", scanfiles.encrypted_pdf(), InvalidInput, "scan.encrypted"),
    ("zero-page pdf", scanfiles.zero_page_pdf(), InvalidInput, "scan.empty"),
    ("empty file", b"", InvalidInput, "scan.empty"),
    ("text named .pdf", "这不是 PDF,只是文本\n".encode(), UnsupportedType, "scan.unsupported_type"),
    ("passwd by path trick", b"root:x:0:0:root:/root:/bin/bash\n", UnsupportedType, "scan.unsupported_type"),
    ("png bomb 10 gigapixel", scanfiles.png_header_only(100_000, 100_000), InvalidInput, "scan.too_many_pixels"),
    ("png over our 60 Mpx limit", scanfiles.png_header_only(8_000, 8_000), InvalidInput, "scan.too_many_pixels"),
    ("truncated jpeg", scanfiles.image("JPEG", size=(400, 400))[:300], InvalidInput, "scan.corrupt"),
    ("truncated png", scanfiles.image("PNG")[:-20], InvalidInput, "scan.corrupt"),
]


@pytest.mark.parametrize(("data", "error", "code"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_r18_bad_files_are_refused_with_a_chinese_code_and_nothing_is_stored(store, data, error, code):
    with pytest.raises(error) as refused:
        store.put(io.BytesIO(data))
    assert refused.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert files_under(store.root) == []


def test_an_upload_over_the_limit_is_413_and_leaves_nothing(tmp_path):
    store = scans.ScanStore(tmp_path, max_bytes=10_000)
    with pytest.raises(TooLarge) as refused:
        store.put(io.BytesIO(scanfiles.pdf(1) + b"\0" * 10_000))
    assert refused.value.status == 413 and refused.value.code == "scan.too_large"
    assert files_under(tmp_path) == []


def test_a_connection_cut_mid_upload_leaves_nothing(store):
    data = scanfiles.pdf(40)
    with pytest.raises(ConnectionResetError):
        store.put(scanfiles.CutStream(data, good=len(data) // 2))
    assert files_under(store.root) == []


def test_a_huge_upload_streams_in_chunks_and_is_hashed_as_it_comes(tmp_path):
    import hashlib

    data = scanfiles.pdf(1, attachment=os.urandom(3 * scans.CHUNK))
    stored = scans.ScanStore(tmp_path, max_bytes=10 * scans.CHUNK).put(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("name", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system.ini", "system.ini"),
    ("扫描件 2026.pdf", "扫描件 2026.pdf"),
    (".hidden\x00.pdf", "hidden.pdf"),
    ("../..", "scan"),
    ("", "scan"),
])
def test_filenames_are_reduced_to_a_harmless_label(name, kept):
    assert scans.sanitize_filename(name) == kept


def test_a_path_trick_filename_never_decides_where_a_scan_lands(store):
    stored = store.put(io.BytesIO(scanfiles.pdf(1)))
    assert files_under(store.root) == [store.path(stored.sha256).relative_to(store.root).as_posix()]
    with pytest.raises(InvalidInput):
        store.path("../../etc/passwd")


def test_orphan_sweep_removes_only_unreferenced_old_files(store):
    kept = store.put(io.BytesIO(scanfiles.pdf(1)))
    orphan = store.put(io.BytesIO(scanfiles.pdf(2)))
    fresh_orphan = store.put(io.BytesIO(scanfiles.pdf(3)))
    abandoned = store.root / "tmp" / "upload-abandoned"
    abandoned.write_bytes(b"half an upload")
    old = NOW.timestamp() - 7200
    for path in (store.path(kept.sha256), store.path(orphan.sha256), abandoned):
        os.utime(path, (old, old))
    removed = store.sweep({kept.sha256}, now=NOW)
    assert sorted(removed) == sorted([orphan.sha256, "upload-abandoned"])
    assert store.usage().files == 2 and store.path(fresh_orphan.sha256).exists()


def test_r19_every_pdf_page_of_a_download_carries_the_viewer_and_time(store):
    original = scanfiles.text_pdf(3)
    stored = store.put(io.BytesIO(original))
    copy = store.watermarked(stored.sha256, stored.media_type, ("查阅人 张三", "2026-10-09 10:00"))
    pages = PdfReader(io.BytesIO(copy)).pages
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "查阅人 张三" in text and "2026-10-09 10:00" in text and f"page {number}" in text
    assert store.path(stored.sha256).read_bytes() == original


@pytest.mark.parametrize(("fmt", "frames"), [("JPEG", 1), ("PNG", 1), ("TIFF", 2)])
def test_r19_image_scans_download_as_watermarked_pdf_pages(store, fmt, frames):
    stored = store.put(io.BytesIO(scanfiles.image(fmt, frames=frames, size=(600, 800))))
    pages = PdfReader(io.BytesIO(store.watermarked(stored.sha256, stored.media_type, ("查阅人 李四",)))).pages
    assert len(pages) == frames
    assert all("查阅人 李四" in page.extract_text() for page in pages)
    assert round(float(pages[0].mediabox.width)) == 144  # 600 px at 300 dpi = 2 in


def test_every_refusal_is_an_archive_error():
    assert all(issubclass(b[2], ArchiveError) for b in BAD_FILES)


def test_the_same_content_uploaded_at_once_by_several_stations_is_stored_once(store):
    from concurrent.futures import ThreadPoolExecutor

    data = scanfiles.pdf(5)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: store.put(io.BytesIO(data)), range(6)))
    assert {r.sha256 for r in results} == {results[0].sha256}
    assert sum(r.is_new for r in results) == 1
    assert store.usage() == scans.Usage(files=1, bytes=len(data))
    assert list((store.root / "tmp").iterdir()) == []


def test_r19_the_watermark_lands_on_pages_whose_box_does_not_start_at_zero(store, tmp_path, poppler):
    writer = PdfWriter()
    writer.append(io.BytesIO(scanfiles.text_pdf(2)))
    for page in writer.pages:
        page.mediabox = RectangleObject([50, 60, 645, 902])
    out = io.BytesIO()
    writer.write(out)
    stored = store.put(io.BytesIO(out.getvalue()))
    copy = store.watermarked(stored.sha256, stored.media_type, ("查阅人 王五",))
    assert len(rasterize(copy, tmp_path, dpi=30)) == 2  # poppler renders every page of the copy
    for page in PdfReader(io.BytesIO(copy)).pages:
        assert "查阅人 王五" in page.extract_text()
