"""Issue 5, done when: uploads and watermarks are tested in Chromium. The archivist opens the demo's
filed archive from the scan box, uploads a scan one page short (the page says which count is off),
then a complete one, then a broken PDF (refused in Chinese, nothing stored); downloads a copy whose
every page carries her name and the time (and the download is audited); and prints the archive's
box label on a partly used A4 3×8 sheet, whose barcodes read back as the archive number from the
printed position. Screenshots of the key screens go to tmp_path."""
import json
import re
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from archive_service.db import database
from archive_service.models import ArchiveFile, AuditEntry, ScanFile
from archive_service.ops import demo
from tests.e2e.conftest import open_menu
from tests.e2e.journeys_support import blank_pdf

pytestmark = pytest.mark.browser

ARCHIVE_NO = "DB-2026-0001"  # the demo's filed archive
LIST_PAGES = sum(item["pages"] for item in demo.DEMO_ITEMS)
VIEWER = "李档案"
VIEWED_AT = "2026-10-09 10:00"  # the frozen NOW, in Shanghai time
A4_3X8 = {"left_mm": 7.25, "top_mm": 12.9, "pitch_mm": (66.0, 33.9), "label_mm": (63.5, 33.9), "columns": 3}
DPI = 300


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _scan_count():
    with database.connection_context():
        return ScanFile.select().join(ArchiveFile).where(ArchiveFile.archive_no == ARCHIVE_NO).count()


def _open_scans_page(page):
    page.get_by_role("searchbox", name="扫描标签").fill(ARCHIVE_NO)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/archives/{ARCHIVE_NO}")
    expect(page.locator("#archive-no")).to_have_text(ARCHIVE_NO)
    page.get_by_role("link", name="扫描件与页数核对").click()
    expect(page.get_by_role("heading", name=f"档案 {ARCHIVE_NO} 的扫描件")).to_be_visible()


def _upload(page, path, scope="整份档案"):
    page.get_by_label("扫描件文件").set_input_files(str(path))
    page.get_by_label("扫描范围").select_option(label=scope)
    page.get_by_role("button", name="上传", exact=True).click()


def test_scans_are_reconciled_refused_when_broken_and_downloaded_with_a_watermark(page, sign_in, tmp_path):
    # 1. One page short: the page says which count is off; then the whole file: complete.
    sign_in("archivist")
    _open_scans_page(page)
    expect(page.locator("#reconciliation")).to_contain_text(f"扫描尚不完整:清单共 {LIST_PAGES} 页")
    expect(page.locator("#scans tbody")).to_contain_text("尚无扫描件。")

    _upload(page, blank_pdf(tmp_path / "short.pdf", LIST_PAGES - 1))
    expect(page.get_by_role("alert")).to_contain_text(
        f"页数不符:扫描 {LIST_PAGES - 1} 页,清单 {LIST_PAGES} 页,少 1 页")
    expect(page.locator("#reconciliation")).to_contain_text("扫描尚不完整")
    short_row = page.locator("#scans tbody tr", has_text="short.pdf")
    expect(short_row).to_contain_text("少 1 页")
    expect(short_row).to_contain_text("整份档案")
    _shot(page, tmp_path, "1-short")

    _upload(page, blank_pdf(tmp_path / "complete.pdf", LIST_PAGES))
    expect(page.get_by_role("alert")).to_contain_text(f"页数一致:扫描 {LIST_PAGES} 页,清单 {LIST_PAGES} 页")
    expect(page.locator("#reconciliation")).to_have_text(re.compile(f"清单上的 {LIST_PAGES} 页均已扫描,页数一致"))
    expect(page.locator("#scans tbody tr")).to_have_count(2)
    items = page.locator("#items tbody tr")
    expect(items.filter(has_text="调查报告")).to_contain_text("含在整份扫描件中")  # not "未扫描"
    expect(page.locator("#scans tbody tr", has_text="complete.pdf")).to_contain_text(f"{VIEWED_AT} 李档案")
    expect(page.locator("#scans")).not_to_contain_text("T10:00")  # times as people read them, not raw ISO
    _shot(page, tmp_path, "1-complete")
    assert _scan_count() == 2

    # 2. A broken PDF is refused in Chinese and nothing is stored.
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n%broken")
    _upload(page, broken)
    expect(page.get_by_role("alert")).to_contain_text("PDF 文件不完整")
    expect(page.locator("#scans tbody tr")).to_have_count(2)
    expect(page.locator("#scans")).not_to_contain_text("broken.pdf")
    _shot(page, tmp_path, "2-refused")
    assert _scan_count() == 2, "a refused upload stores nothing"

    # 3. The download carries the viewer's name and the time on every page, and is audited.
    row = page.locator("#scans tbody tr", has_text="complete.pdf")
    with page.expect_download() as download:
        row.get_by_role("link", name="下载(带水印)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(rf"{ARCHIVE_NO}-scan-\d+\.pdf", saved.name)
    pages = PdfReader(saved).pages
    assert len(pages) == LIST_PAGES
    for number, pdf_page in enumerate(pages, start=1):
        text = pdf_page.extract_text()
        assert VIEWER in text and VIEWED_AT in text, f"page {number} has no watermark: {text!r}"
    scan_id = int(re.search(r"-scan-(\d+)\.pdf$", saved.name).group(1))
    with database.connection_context():
        audited = list(AuditEntry.select().where((AuditEntry.action == "scan.download")
                                                 & (AuditEntry.object_id == str(scan_id))))
    assert [(e.actor, e.object_type, json.loads(e.summary)["archive_no"]) for e in audited] == [
        ("archivist", "scan", ARCHIVE_NO)]


def _cell_of(position):
    """(left, top, right, bottom) in pixels at DPI of the 1-based position on an A4 3×8 sheet."""
    row, column = divmod(position - 1, A4_3X8["columns"])
    left = A4_3X8["left_mm"] + column * A4_3X8["pitch_mm"][0]
    top = A4_3X8["top_mm"] + row * A4_3X8["pitch_mm"][1]
    width, height = A4_3X8["label_mm"]
    px = DPI / 25.4
    return left * px, top * px, (left + width) * px, (top + height) * px


def test_the_box_label_prints_at_the_chosen_position_and_scans_back(page, sign_in, tmp_path, poppler):
    sign_in("archivist")
    open_menu(page, "标签与扫描", "标签打印")
    expect(page.get_by_role("heading", name=re.compile("标签打印"))).to_be_visible()
    page.get_by_label(re.compile("档号或位置编码")).fill(ARCHIVE_NO)
    page.get_by_label("标签纸", exact=True).select_option("a4-3x8")
    page.get_by_label(re.compile("从第几张开始")).fill("5")
    _shot(page, tmp_path, "4-label-form")

    # The preview opens in a new tab as an image of the first sheet.
    with page.expect_popup() as preview:
        page.get_by_role("button", name="预览第一页").click()
    shown = preview.value
    shown.wait_for_load_state()
    image = shown.locator("img")
    expect(image).to_be_visible()
    assert shown.evaluate("document.images[0].naturalWidth") > 0
    _shot(shown, tmp_path, "4-label-preview")
    shown.close()

    # The PDF opens in a new tab. Chromium's viewer hides the bytes from Playwright's response, so
    # the response is kept on its way through: exactly what the browser received, fetched once.
    received = []

    def keep(route):
        response = route.fetch()
        received.append((response.status, response.headers["content-type"], response.body()))
        route.fulfill(response=response)

    page.context.route("**/labels.pdf?*", keep)
    with page.expect_popup() as printed:
        page.get_by_role("button", name="生成 PDF").click()
    printed.value.wait_for_load_state()
    assert re.search(rf"codes={ARCHIVE_NO}&layout=a4-3x8&start=5$", printed.value.url)
    printed.value.close()
    [(status, content_type, body)] = received
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(body)

    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(pdf), str(tmp_path / "sheet")],
                   check=True, timeout=30)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "sheet.png"))
    formats = {code.format: code for code in found if code.text == ARCHIVE_NO}
    assert {zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.QRCode} <= formats.keys(), \
        [(c.format, c.text) for c in found]
    left, top, right, bottom = _cell_of(5)
    for code in formats.values():
        corners = code.position
        x = (corners.top_left.x + corners.bottom_right.x) / 2
        y = (corners.top_left.y + corners.bottom_right.y) / 2
        assert left < x < right and top < y < bottom, f"{code.format} at ({x:.0f}, {y:.0f}), not in position 5"
    with database.connection_context():
        assert AuditEntry.select().where(AuditEntry.action == "labels.print").count() == 1
