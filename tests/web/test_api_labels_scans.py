"""Labels and scans through /api/v1: a label that scans back, scans counted against the list (R18),
watermarked audited downloads (R19), bad files refused with nothing stored."""
import io

import pytest
from pypdf import PdfReader

from archive_service.models import ScanFile
from benchmarks.decode import decode_pdf
from tests import scanfiles
from tests.web.scan_world import TOTAL_PAGES, audited, rows, stored_files, upload

# ---- labels ------------------------------------------------------------------------------------

def test_the_label_of_an_archive_file_scans_back_to_its_number(received, poppler):
    r = received["arch"].get(f"/labels.pdf?codes={received['no']}&layout=a4-3x8")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    found = decode_pdf(r.data)
    assert found[("Code128", received["no"])] == found[("QRCode", received["no"])] == 1
    text = PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    assert "2026年 小贷" in text and "流动资金贷款" not in text
    assert audited("labels.print")[-1].summary.count(received["no"]) == 1


def test_r19_customer_and_project_title_are_on_labels_only_when_the_company_allows_it(app, received):
    hidden = PdfReader(io.BytesIO(received["arch"].get(f"/labels.pdf?codes={received['no']}").data))
    assert "李四商贸" not in hidden.pages[0].extract_text() and "流动资金贷款" not in hidden.pages[0].extract_text()
    app.config["SHOW_CUSTOMER_ON_LABELS"] = True
    shown = PdfReader(io.BytesIO(received["arch"].get(f"/labels.pdf?codes={received['no']}").data))
    assert "李四商贸有限公司" in shown.pages[0].extract_text() and "流动资金贷款" in shown.pages[0].extract_text()


def test_location_labels_and_several_copies_print_from_the_first_free_position(received):
    r = received["arch"].get(f"/labels.pdf?codes=R1,{received['no']},{received['no']}&layout=a4-2x7&start=14")
    assert r.status_code == 200, r.get_json()
    pages = PdfReader(io.BytesIO(r.data)).pages
    assert len(pages) == 2 and "一号档案室" in pages[0].extract_text()


@pytest.mark.parametrize(("query", "status", "code"), [
    ("codes=NOPE-1", 404, "label.unknown_code"),
    ("codes=R1&layout=a9", 422, "label.unknown_layout"),
    ("codes=R1&start=99", 422, "label.bad_start"),
    ("codes=,,", 422, "label.count"),
])
def test_bad_label_requests_are_problem_json(received, query, status, code):
    r = received["arch"].get(f"/labels.pdf?{query}")
    assert r.status_code == status and r.mimetype == "application/problem+json"
    assert r.get_json()["code"] == code


def test_a_preview_png_shows_the_first_page_and_is_audited(received):
    r = received["arch"].get(f"/labels.png?codes={received['no']}&layout=thermal-60x40")
    assert r.status_code == 200 and r.mimetype == "image/png" and r.data[:4] == b"\x89PNG"
    assert audited("labels.preview")


def test_only_archivists_and_custodians_print_labels(received, api):
    assert received["manager"].get(f"/labels.pdf?codes={received['no']}").status_code == 403
    assert api("zhao", "custodian").get(f"/labels.pdf?codes={received['no']}").status_code == 200
    names = {s["name"] for s in api("zhao", "custodian").get("/label-layouts").get_json()["items"]}
    assert {"a4-3x8", "a4-2x7", "thermal-60x40", "thermal-100x50"} <= names


# ---- scans -------------------------------------------------------------------------------------

def test_r18_scan_page_count_matches_list(app, received):
    r = upload(received["arch"], received["no"], scanfiles.pdf(TOTAL_PAGES))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["pages"], body["expected_pages"], body["complete"]) == (TOTAL_PAGES, TOTAL_PAGES, True)
    assert len(body["sha256"]) == 64 and body["id"]
    assert [p.name for p in stored_files(app)] == [body["sha256"]]
    assert audited("scan.upload")[-1].object_id == str(body["id"])


def test_r18_a_scan_missing_a_page_says_which_count_is_off(received):
    body = upload(received["arch"], received["no"], scanfiles.pdf(TOTAL_PAGES - 1)).get_json()
    assert body["complete"] is False and body["difference"] == -1 and "少 1 页" in body["reconciliation"]
    listing = received["arch"].get(f"/archives/{received['no']}/scans").get_json()
    assert listing["complete"] is False and listing["expected_pages"] == TOTAL_PAGES
    assert audited("scan.list")


def test_r18_item_by_item_scans_complete_the_file(received):
    arch, no, items = received["arch"], received["no"], received["items"]
    for item in items[:-1]:
        assert upload(arch, no, scanfiles.pdf(item["pages"]), item_id=item["id"]).get_json()["complete"] is True
    wrong = upload(arch, no, scanfiles.pdf(3), item_id=items[-1]["id"]).get_json()
    assert wrong["expected_pages"] == 1 and wrong["complete"] is False
    assert arch.get(f"/archives/{no}/scans").get_json()["complete"] is False
    upload(arch, no, scanfiles.pdf(1, size=(600, 800)), item_id=items[-1]["id"])
    listing = arch.get(f"/archives/{no}/scans").get_json()
    assert listing["complete"] is True and all(i["complete"] for i in listing["items"])


def test_an_item_of_another_file_is_refused(received):
    r = upload(received["arch"], received["no"], scanfiles.pdf(1), item_id=999_999)
    assert r.status_code == 422 and r.get_json()["code"] == "scan.unknown_item"


def test_the_same_scan_uploaded_twice_is_one_record(app, received):
    first = upload(received["arch"], received["no"], scanfiles.pdf(2))
    again = upload(received["arch"], received["no"], scanfiles.pdf(2))
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["duplicate"] is True
    assert len(rows(ScanFile)) == 1 and len(stored_files(app)) == 1


BAD_UPLOADS = {
    "broken pdf": (b"%PDF-1.7\n%broken", "scan.pdf", 422, "scan.corrupt"),
    "truncated pdf": (scanfiles.truncated_pdf(), "scan.pdf", 422, "scan.corrupt"),
    "encrypted pdf": (scanfiles.encrypted_pdf(), "scan.pdf", 422, "scan.encrypted"),
    "zero-page pdf": (scanfiles.zero_page_pdf(), "scan.pdf", 422, "scan.empty"),
    "text named .pdf": ("只是文本".encode(), "scan.pdf", 415, "scan.unsupported_type"),
    "path trick": (b"root:x:0:0:root:/root:/bin/bash\n", "../../etc/passwd", 415, "scan.unsupported_type"),
    "png bomb": (scanfiles.png_header_only(100_000, 100_000), "bomb.png", 422, "scan.too_many_pixels"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_files_are_4xx_problem_json_and_nothing_is_stored(app, received, case):
    data, filename, status, code = BAD_UPLOADS[case]
    r = upload(received["arch"], received["no"], data, filename=filename)
    assert r.status_code == status and r.mimetype == "application/problem+json"
    assert r.get_json()["code"] == code and r.get_json()["detail"]
    assert rows(ScanFile) == [] and stored_files(app) == []


def test_an_upload_over_the_size_limit_is_413_problem_json(app, received):
    app.config["MAX_CONTENT_LENGTH"] = 20_000
    r = upload(received["arch"], received["no"], scanfiles.pdf(1, attachment=b"\1" * 40_000))
    assert r.status_code == 413 and r.mimetype == "application/problem+json"
    assert r.get_json()["code"] in ("upload.too_large", "scan.too_large")
    assert rows(ScanFile) == [] and stored_files(app) == []


def test_a_path_trick_filename_is_kept_only_as_a_harmless_name(received):
    body = upload(received["arch"], received["no"], scanfiles.pdf(1), filename="../../etc/passwd").get_json()
    assert body["filename"] == "passwd"


def test_only_archivists_upload_and_unknown_files_are_404(received):
    assert upload(received["manager"], received["no"], scanfiles.pdf(1)).status_code == 403
    r = upload(received["arch"], "XD-2099-9999", scanfiles.pdf(1))
    assert r.status_code == 404 and r.get_json()["code"] == "archive.not_found"


def test_r19_download_carries_viewer_and_time_on_every_page_and_is_audited(received, api):
    scan_id = upload(received["arch"], received["no"], scanfiles.text_pdf(3)).get_json()["id"]
    boss = api("boss", "executive")
    r = boss.get(f"/scans/{scan_id}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(r.data)).pages
    assert len(pages) == 3
    assert all("boss" in p.extract_text() and "2026-10-09 10:00" in p.extract_text() for p in pages)
    entry = audited("scan.download")[-1]
    assert entry.actor == "boss" and entry.object_id == str(scan_id)


def test_r19_managers_of_other_projects_cannot_view_scans(received, api):
    scan_id = upload(received["arch"], received["no"], scanfiles.pdf(1)).get_json()["id"]
    stranger = api("stranger", "manager")
    assert stranger.get(f"/scans/{scan_id}").status_code == 403
    assert stranger.get(f"/archives/{received['no']}/scans").status_code == 403
    assert audited("scan.download") == []
    assert received["manager"].get(f"/archives/{received['no']}/scans").status_code == 200  # the project's A


def test_the_openapi_document_lists_the_label_and_scan_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/labels.pdf", "/api/v1/archives/{archive_no}/scans", "/api/v1/scans/{scan_id}"} <= set(paths)


def test_orphan_sweep_keeps_every_file_a_scan_record_names(app, received, monkeypatch):
    from click.testing import CliRunner

    from archive_service.cli import main

    kept = upload(received["arch"], received["no"], scanfiles.pdf(2)).get_json()["sha256"]
    orphan = stored_files(app)[0].parent / ("0" * 64)
    orphan.write_bytes(b"left by a crash between store and commit")
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("ARCHIVE_SCANS_DIR", app.config["SCANS_DIR"])
    swept = CliRunner().invoke(main, ["scans", "sweep", "--grace-hours", "0"])
    assert swept.exit_code == 0 and "removed 1" in swept.output, swept.output
    assert [p.name for p in stored_files(app)] == [kept]
    usage = CliRunner().invoke(main, ["scans", "usage"])
    assert usage.output.startswith("1 file(s)")


def batch_pdf(*parts):
    """One PDF of the given PDFs' pages, in order, as a scanner would deliver a stack."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_r18_a_batch_is_cut_at_cover_sheets_and_what_cannot_be_placed_is_reported(received):
    from archive_service.adapters import label_sheets as labels
    from archive_service.domain.scans import cover_payload

    arch, no = received["arch"], received["no"]
    cover = arch.get(f"/scans/covers.pdf?codes={no}")
    assert cover.status_code == 200 and cover.mimetype == "application/pdf"
    stranger = labels.render_cover_pdf([labels.Label(cover_payload("XD-2099-9999"), ("XD-2099-9999",))])
    stack = batch_pdf(scanfiles.pdf(1), cover.data, scanfiles.pdf(TOTAL_PAGES), stranger, scanfiles.pdf(2))
    r = arch.post("/scans/batches", data={"file": (io.BytesIO(stack), "batch.pdf", "application/pdf")},
                  content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert report["pages"] == 1 + 1 + TOTAL_PAGES + 1 + 2 and report["complete"] is False
    assert [(f["archive_no"], f["pages"], f["complete"]) for f in report["files"]] == [(no, TOTAL_PAGES, True)]
    assert report["pages_without_cover"] == [1]
    assert [(c["archive_no"], c["cover_page"], c["pages"]) for c in report["refused_covers"]] == [
        ("XD-2099-9999", 26, [27, 28])]
    assert arch.get(f"/archives/{no}/scans").get_json()["complete"] is True
    assert audited("scan.batch") and len(audited("scan.upload")) == 1


def test_a_batch_must_be_a_pdf(received):
    r = received["arch"].post("/scans/batches", data={
        "file": (io.BytesIO(scanfiles.image("PNG")), "batch.png", "image/png")}, content_type="multipart/form-data")
    assert r.status_code == 415 and r.get_json()["code"] == "scan.batch_not_pdf"
    assert rows(ScanFile) == []


def test_an_upload_without_a_file_is_422_in_chinese(received):
    r = received["arch"].post(f"/archives/{received['no']}/scans", data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["errors"] == {"file": "请选择要上传的文件"}


def test_ids_beyond_the_database_range_are_404_or_422_not_500(received):
    huge = "9" * 25
    assert received["arch"].get(f"/scans/{huge}").get_json()["code"] == "scan.not_found"
    r = upload(received["arch"], received["no"], scanfiles.pdf(1), item_id=int(huge))
    assert r.status_code == 422 and r.get_json()["code"] == "scan.unknown_item"
    assert rows(ScanFile) == []


# ---- voiding a wrong scan ------------------------------------------------------------------------

def test_r18_a_wrong_scan_is_voided_through_the_api_and_a_right_one_completes_the_file(received):
    arch, no = received["arch"], received["no"]
    wrong = upload(arch, no, scanfiles.pdf(TOTAL_PAGES - 3)).get_json()
    assert arch.post(f"/scans/{wrong['id']}/void", json={}).get_json()["code"] == "scan.void_reason_required"
    voided = arch.post(f"/scans/{wrong['id']}/void", json={"reason": "扫错了档案"})
    assert voided.status_code == 200 and voided.get_json()["voided"] is True
    again = arch.post(f"/scans/{wrong['id']}/void", json={"reason": "again"})
    assert again.status_code == 409 and again.get_json()["code"] == "scan.already_voided"
    right = upload(arch, no, scanfiles.pdf(TOTAL_PAGES)).get_json()
    listing = arch.get(f"/archives/{no}/scans").get_json()
    assert right["complete"] is True and listing["complete"] is True
    assert [s["voided"] for s in listing["scans"]] == [True, False] and len(audited("scan.void")) == 1
