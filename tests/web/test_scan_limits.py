"""Issue 9 row 6: resource limits for scans. A cap on pages per file, on the pixels a page may
render to (PDF pages too, not only images), downloads that stream, and a batch whose PDF lies
about its page count refused with 4xx, nothing stored."""
import io
import os

import pytest

from archive_service.adapters import raster
from archive_service.adapters import scan_store as scans
from archive_service.domain.errors import InvalidInput
from archive_service.models import ScanFile
from archive_service.services.archive import scans as scan_service
from tests import scanfiles
from tests.conftest import NOW
from tests.web.scan_world import TOTAL_PAGES, rows, stored_files, upload


@pytest.fixture
def store(tmp_path):
    return scans.ScanStore(tmp_path / "scans", max_bytes=50 * 1024 * 1024)


def refused_code(store, data):
    with pytest.raises(InvalidInput) as refused:
        store.put(io.BytesIO(data))
    assert not any(p.is_file() for p in store.root.rglob("*"))
    return refused.value.code


def test_a_3000_frame_16x16_tiff_is_refused_as_too_many_pages(store):
    assert refused_code(store, scanfiles.many_frames_tiff(3000)) == "scan.too_many_pages"


def test_the_page_cap_is_configurable(tmp_path):
    small = scans.ScanStore(tmp_path / "s", max_bytes=10**7, max_pages=5)
    assert small.put(io.BytesIO(scanfiles.pdf(5))).pages == 5
    for data in (scanfiles.pdf(6), scanfiles.image("TIFF", frames=6)):
        with pytest.raises(InvalidInput) as refused:
            small.put(io.BytesIO(data))
        assert refused.value.code == "scan.too_many_pages" and refused.value.details["max_pages"] == 5


def test_a_333_byte_pdf_with_a_14400_pt_page_is_refused_before_rendering(store):
    data = scanfiles.huge_page_pdf()
    assert len(data) < 1000
    assert refused_code(store, data) == "scan.too_many_pixels"


def test_a_rendered_page_never_passes_the_pixel_cap(store):
    """Whatever reaches the renderer (here straight, without the store's check) is rendered smaller."""
    sizes = raster.map_pages(scanfiles.huge_page_pdf(), lambda image: image.size, dpi=100, max_pixels=4_000_000)
    assert sizes[0][0] * sizes[0][1] <= 4_000_000


@pytest.mark.parametrize("count", [9, 1])
def test_a_pdf_whose_count_lies_is_refused_on_upload(store, count):
    assert refused_code(store, scanfiles.lying_pdf(3, count)) == "scan.page_count_mismatch"


@pytest.mark.parametrize("count", [9, 1])
def test_a_batch_with_a_pdf_whose_count_lies_answers_4xx_and_stores_nothing(received, app, count):
    r = received["arch"].post("/scans/batches", data={
        "file": (io.BytesIO(scanfiles.lying_pdf(3, count)), "batch.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["code"] == "scan.page_count_mismatch"
    assert rows(ScanFile) == [] and stored_files(app) == []


def test_a_batch_pdfium_cannot_read_page_by_page_answers_4xx(received, app, monkeypatch):
    """A file pypdf reads but PDFium refuses mid-way is refused as corrupt, not a 500."""
    def broken(*_args, **_kwargs):
        raise raster.pypdfium2.PdfiumError("Failed to load page.")

    monkeypatch.setattr(raster.pypdfium2, "PdfDocument", broken)
    r = received["arch"].post("/scans/batches", data={
        "file": (io.BytesIO(scanfiles.pdf(2)), "batch.pdf", "application/pdf")}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["code"] == "scan.corrupt"


def test_the_page_cap_applies_to_uploads_through_the_api(received, app):
    app.config["MAX_SCAN_PAGES"] = TOTAL_PAGES - 1
    r = upload(received["arch"], received["no"], scanfiles.pdf(TOTAL_PAGES))
    assert r.status_code == 422 and r.get_json()["code"] == "scan.too_many_pages"
    assert rows(ScanFile) == []


def test_a_watermarked_download_streams_from_a_temporary_file(received, app, make_actor):
    scan = upload(received["arch"], received["no"], scanfiles.pdf(TOTAL_PAGES)).get_json()
    _, copy = scan_service.download(make_actor("shen", "auditor"), scan["id"], store=scans.ScanStore.from_config(
        app.config), now=NOW)
    with copy:  # on disk, not in memory: the answer reads it in blocks
        assert os.fstat(copy.fileno()).st_size > 0 and copy.read(5) == b"%PDF-"
    r = received["arch"].get(f"/scans/{scan['id']}", buffered=False)
    assert r.status_code == 200 and r.is_streamed
    body = b"".join(r.response)
    r.close()
    assert body[:5] == b"%PDF-" and body.rstrip().endswith(b"%%EOF")
