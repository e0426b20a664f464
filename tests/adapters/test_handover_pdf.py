"""The printable handover list (R6): three copies, Chinese text with the font embedded, QR back to the record."""
import io
import subprocess

import pytest
from pypdf import PdfReader

from archive_service.adapters import fonts, handover_pdf

URL = "http://archive.example/handovers/7"


def view(n_items=4, signed=("A", "B")):
    items = [{"part": 1 + i % 4, "part_name": "立项审批资料", "title": f"资料{i}", "pages": i + 1, "contract": i == 1,
              "attachment": i == 2, "number": None if i == 2 else f"XD-2026-0001-{i + 1:03d}"} for i in range(n_items)]
    sigs = [{"role": r, "display_name": name, "username": user, "signed_at": "2026-10-09T10:00:00+08:00",
             "content_hash": "a" * 64} for r, name, user in (("A", "张经理", "zhang"), ("B", "王经理", "wang"))
            if r in signed]
    return {"project": {"code": "C-001", "title": "赵六经营贷", "customer_name": "赵六", "ended_on": "2026-09-30",
                        "a_user_name": "张经理", "b_user_name": "王经理"},
            "archive_no": "XD-2026-0001", "state_name": "待档案室接收",
            "deadlines": {"a_to_b": {"due": "2026-10-10"}, "b_to_archive": {"due": "2026-10-13"}},
            "items": items, "totals": {"parts": {"1": {"name": "立项审批资料", "items": n_items, "pages": 10}},
                                       "items": n_items, "pages": 10, "attachments": 1},
            "supplements": [{"round": 1, "requested_by": "wang", "requested_at": "2026-10-09T10:00:00+08:00",
                             "missing": [{"title": "身份证复印件", "reason": "未附"}], "answered_at": None}],
            "signatures": sigs}


def text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_r6_three_copies_with_items_signatures_and_supplements():
    data = handover_pdf.render(view(), URL)
    assert data[:5] == b"%PDF-"
    text = text_of(data)
    for expected in ("A角联", "B角联", "档案联", "资料3", "XD-2026-0001-001", "签字:张经理", "身份证复印件",
                     "总计:4 项,10 页"):
        assert expected in text
    assert len(PdfReader(io.BytesIO(data)).pages) == 3 and "(zhang)" not in text


def test_r6_the_cjk_font_is_embedded_not_stsong():
    reader = PdfReader(io.BytesIO(handover_pdf.render(view(), URL)))
    fonts = {f["/BaseFont"]: f for f in (reader.pages[0]["/Resources"]["/Font"][k].get_object()
                                         for k in reader.pages[0]["/Resources"]["/Font"])}
    assert any("WenQuanYiMicroHei" in name for name in fonts)
    assert not any("STSong" in name for name in fonts)


def test_r6_long_lists_continue_on_more_pages():
    data = handover_pdf.render(view(n_items=90), URL)
    assert len(PdfReader(io.BytesIO(data)).pages) > 3
    assert "资料89" in text_of(data)


def test_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(fonts.FontMissing, match="fonts-wqy-microhei"):
        handover_pdf.render(view(), URL, font_path=tmp_path / "none.ttc")


def test_r6_qr_code_links_back_to_the_record(tmp_path, poppler):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(handover_pdf.render(view(), URL))
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p-*.png"))
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png))]
    assert URL in found


def test_r9_r13_numbered_list_shows_contract_numbers_and_leaves_attachments_unnumbered():
    received = view()
    received["items"][1]["contract_number"] = "XD-2026-0001-HT01"
    text = text_of(handover_pdf.render(received, URL))
    assert "\n资料1\n2\nHT01\n" in text
    assert "\n(附件不编号)\n3 立项审批资料\n资料2\n3\n附件\n" in text
    assert "2026-10-09 10:00" in text and "2026-10-09T10:00" not in text


def test_r6_list_before_receipt_shows_running_positions():
    draft = view()
    draft["archive_no"] = None
    for item in draft["items"]:
        item["number"] = None
    text = text_of(handover_pdf.render(draft, URL))
    assert "(接收后编号)" in text and "\n3\n3 立项审批资料\n资料2\n" in text
    assert "XD-2026-0001" not in text
