"""The label and scan pages (zh-CN): print labels, upload and reconcile scans, batch filing."""
import io

from tests import scanfiles
from tests.conftest import csrf_token
from tests.web.scan_world import TOTAL_PAGES, audited, stored_files


def post_file(client, path, data, filename="scan.pdf", **form):
    token = csrf_token(client, "/labels")
    return client.post(path, data={"csrf_token": token, "file": (io.BytesIO(data), filename), **form},
                       content_type="multipart/form-data", headers={"Referer": f"http://localhost{path}"})


def test_the_label_form_lists_every_layout_and_prints_a_pdf(received, browser_login):
    client = browser_login("li")
    form = client.get(f"/labels?codes={received['no']}").get_data(as_text=True)
    assert "标签打印" in form and "a4-3x8" in form and "thermal-100x50" in form and received["no"] in form
    r = client.get(f"/labels.pdf?codes={received['no']}&layout=a4-2x7&start=3")
    assert r.status_code == 200 and r.data[:5] == b"%PDF-"
    assert client.get(f"/labels.png?codes={received['no']}").data[:4] == b"\x89PNG"


def test_r18_the_scan_page_shows_which_count_is_off(received, browser_login):
    client = browser_login("li")
    r = post_file(client, f"/archives/{received['no']}/scans", scanfiles.pdf(TOTAL_PAGES - 2))
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "少 2 页" in page and "扫描尚不完整" in page
    post_file(client, f"/archives/{received['no']}/scans", scanfiles.pdf(TOTAL_PAGES))
    page = client.get(f"/archives/{received['no']}/scans").get_data(as_text=True)
    assert f"清单上的 {TOTAL_PAGES} 页均已扫描" in page


def test_a_broken_file_on_the_page_is_refused_in_chinese_and_stores_nothing(app, received, browser_login):
    client = browser_login("li")
    r = post_file(client, f"/archives/{received['no']}/scans", b"%PDF-1.7\n%broken")
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "PDF 文件不完整" in page and stored_files(app) == []


def test_r19_the_page_download_is_watermarked_and_audited(received, browser_login):
    client = browser_login("li")
    post_file(client, f"/archives/{received['no']}/scans", scanfiles.pdf(1))
    page = client.get(f"/archives/{received['no']}/scans").get_data(as_text=True)
    assert "下载(带水印)" in page
    r = client.get("/scans/1")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and b"WenQuanYi" in r.data
    assert audited("scan.download")[-1].actor == "li"


def test_batch_page_files_what_it_can_and_lists_the_rest(received, browser_login):
    from pypdf import PdfWriter

    client = browser_login("li")
    cover = client.get(f"/scans/covers.pdf?codes={received['no']}")
    writer = PdfWriter()
    for part in (scanfiles.pdf(2), cover.data, scanfiles.pdf(TOTAL_PAGES)):
        writer.append(io.BytesIO(part))
    stack = io.BytesIO()
    writer.write(stack)
    r = post_file(client, "/scans/batch", stack.getvalue(), filename="batch.pdf")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert received["no"] in page and "页数一致" in page and "第 1、2 页" in page


def test_the_navigation_offers_labels_and_batches_to_archivists_only(received, browser_login, api):
    api("zhao", "manager")
    assert "标签打印" in browser_login("li").get("/").get_data(as_text=True)
    assert "标签打印" not in browser_login("zhao").get("/").get_data(as_text=True)


def test_the_archive_page_links_to_its_scans_and_labels(received, browser_login):
    page = browser_login("li").get(f"/archives/{received['no']}").get_data(as_text=True)
    assert f"/archives/{received['no']}/scans" in page and f"/labels?codes={received['no']}" in page


def test_a_download_name_in_chinese_is_sent_safely(received, browser_login):
    from archive_service.db import database
    from archive_service.models import ArchiveFile

    with database.connection_context():
        ArchiveFile.update(archive_no="档-2026-0001").where(ArchiveFile.archive_no == received["no"]).execute()
    client = browser_login("li")
    post_file(client, "/archives/档-2026-0001/scans", scanfiles.pdf(1))
    r = client.get("/scans/1")
    assert r.status_code == 200 and "filename*=UTF-8''%E6%A1%A3-2026-0001" in r.headers["Content-Disposition"]


def test_a_start_position_that_is_not_a_number_is_refused_on_the_form_with_what_was_typed(received, browser_login):
    r = browser_login("li").get(f"/labels.pdf?codes={received['no']},NOPE&layout=a4-2x7&start=abc")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "起始位置必须是正整数" in page and 'id="label-form"' in page
    assert f"{received['no']},NOPE</textarea>" in page and 'value="abc"' in page
    assert 'value="a4-2x7" data-kind="sheet" selected' in page


def test_an_unknown_code_on_the_label_form_stays_on_the_form(received, browser_login):
    r = browser_login("li").get("/labels.png?codes=NOPE-9&layout=thermal-60x40")
    page = r.get_data(as_text=True)
    assert r.status_code == 404 and "NOPE-9" in page and "找不到档号" in page and "NOPE-9</textarea>" in page
    assert "返回首页" not in page


def test_an_item_id_that_is_not_a_number_is_refused_not_taken_for_the_whole_file(app, received, browser_login):
    client = browser_login("li")
    r = post_file(client, f"/archives/{received['no']}/scans", scanfiles.pdf(1), item_id="abc")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "中没有第 abc 项" in page and stored_files(app) == []


def test_r18_voiding_on_the_page_keeps_the_scan_and_a_missing_reason_stays_on_the_form(received, browser_login):
    client = browser_login("li")
    post_file(client, f"/archives/{received['no']}/scans", scanfiles.pdf(2))
    token = csrf_token(client, f"/archives/{received['no']}/scans")
    page_url = f"http://localhost/archives/{received['no']}/scans"
    r = client.post("/scans/1/void", data={"csrf_token": token, "scan_id": "1", "reason": " "},
                    headers={"Referer": page_url})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "作废扫描件必须填写原因" in page and "<details" in page and "open" in page and not audited("scan.void")
    r = client.post("/scans/1/void", data={"csrf_token": token, "scan_id": "1", "reason": "扫错了"},
                    headers={"Referer": page_url})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已作废" in page and "作废原因:扫错了" in page and "不计入页数核对" in page


def test_a_file_of_the_wrong_type_is_refused_on_the_scan_page_not_on_a_bare_415_page(app, received, browser_login):
    client = browser_login("li")
    r = post_file(client, f"/archives/{received['no']}/scans", b"just some text", filename="notes.txt")
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "只接受 PDF、JPEG、PNG 或 TIFF 扫描件" in page and 'id="scan-file"' in page and stored_files(app) == []


def test_uploads_show_a_progress_bar_and_the_batch_page_says_what_to_do(received, browser_login):
    client = browser_login("li")
    scan_page = client.get(f"/archives/{received['no']}/scans").get_data(as_text=True)
    assert 'data-progress="upload-progress"' in scan_page and '<progress id="upload-progress"' in scan_page
    batch = client.get("/scans/batch").get_data(as_text=True)
    assert 'data-progress="batch-progress"' in batch and "打印扫描分隔页" in batch and "不会自动猜测" in batch
