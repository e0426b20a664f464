"""Label sheets that scan back: every layout, the CJK font embedded, a partly used sheet."""
import io
import subprocess

import pytest
from pypdf import PdfReader

from archive_service.adapters import fonts
from archive_service.adapters import label_sheets as labels
from archive_service.domain.errors import InvalidInput
from benchmarks.decode import decode_pdf, unread

LAYOUTS = ["a4-3x8", "a4-2x7", "thermal-60x40", "thermal-100x50"]


def box_label(code):
    return labels.Label(code, (code, "2026年 贷款", "流动资金贷款项目档案", "李四商贸有限公司"))


def test_the_shipped_layouts_are_all_known():
    assert set(LAYOUTS) <= set(labels.layouts())


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_labels_fit_on_the_page(name):
    stock = labels.layout(name)
    width, height = stock.page_mm[0] * labels.mm, stock.page_mm[1] * labels.mm
    for position in range(stock.per_page):
        x, y, w, h = stock.box(position)
        assert x >= 0 and y >= 0 and x + w <= width + 1e-6 and y + h <= height + 1e-6


@pytest.mark.parametrize("name", LAYOUTS)
def test_r18_a_full_sheet_of_every_layout_scans_back_to_the_exact_codes(name, poppler):
    stock = labels.layout(name)
    count = max(stock.per_page, 3)
    codes = [f"DK-2026-{i:04d}" for i in range(1, count + 1)]
    pdf = labels.render_pdf([box_label(c) for c in codes], name)
    found = decode_pdf(pdf)
    assert unread(codes, found) == []
    assert sum(found.values()) == 2 * count


def test_location_label_and_a_chinese_code_scan_back(tmp_path, poppler):
    pdf = labels.render_pdf([labels.Label("R1-C01-S02", ("一号档案室", "柜 C01 层 S02")),
                             labels.Label("档案-2026-7", ("非 ASCII 编号只印 QR",))], "thermal-100x50")
    found = decode_pdf(pdf)
    assert found[("Code128", "R1-C01-S02")] == found[("QRCode", "R1-C01-S02")] == 1
    assert found[("QRCode", "档案-2026-7")] == 1
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_printing_starts_at_the_first_free_position_of_a_used_sheet():
    stock = labels.layout("a4-3x8")
    pdf = labels.render_pdf([box_label(f"C{i}") for i in range(3)], "a4-3x8", start=23)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    assert "C0" in pages[0].extract_text() and "C1" in pages[0].extract_text()
    assert "C2" in pages[1].extract_text() and "C1" not in pages[1].extract_text()
    assert stock.per_page == 24


def test_r19_chinese_text_is_in_the_embedded_subset_font_never_stsong(tmp_path, poppler):
    pdf = labels.render_pdf([box_label("DK-2026-0001")], "a4-3x8")
    (tmp_path / "labels.pdf").write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(tmp_path / "labels.pdf")], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    cjk = [line.split() for line in listing if "WenQuanYiMicroHei" in line]
    assert cjk and all(row[0].split("+")[0].isupper() and row[-5:-3] == ["yes", "yes"] for row in cjk)
    assert b"STSong" not in pdf
    assert "流动资金贷款项目档案" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_missing_font_file_is_a_clear_error(tmp_path):
    with pytest.raises(fonts.FontMissing, match="fonts-wqy-microhei"):
        labels.render_pdf([box_label("X1")], "a4-3x8", font_path=tmp_path / "nope.ttc")


def test_too_long_text_is_cut_with_an_ellipsis():
    pdf = labels.render_pdf([labels.Label("X1", ("很" * 80,))], "a4-3x8")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "…" in text and "很" * 80 not in text


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"layout_name": "a5-9x9"}, "label.unknown_layout"),
    ({"start": 25}, "label.bad_start"),
    ({"start": 0}, "label.bad_start"),
    ({"labels": []}, "label.none"),
    ({"labels": [labels.Label("  ")]}, "label.empty_code"),
])
def test_bad_label_requests_are_refused_with_a_code(kwargs, code):
    request = {"labels": [box_label("X1")], "layout_name": "a4-3x8", **kwargs}
    with pytest.raises(InvalidInput) as refused:
        labels.render_pdf(request.pop("labels"), request.pop("layout_name"), **request)
    assert refused.value.code == code


def test_preview_is_a_png_of_the_first_page():
    png = labels.preview_png(labels.render_pdf([box_label("X1")], "thermal-60x40"), dpi=72)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (171, 114)  # 60×40 mm at 72 dpi, rounded up


def test_cover_sheets_are_one_a4_page_each_and_their_qr_reads_at_100_dpi(poppler):
    pdf = labels.render_cover_pdf([labels.Label("ARCHIVE-COVER:XD-2026-0001", ("XD-2026-0001", "扫描分隔页")),
                                   labels.Label("ARCHIVE-COVER:XD-2026-0002", ("XD-2026-0002",))])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    found = decode_pdf(pdf, dpi=100)
    assert found == {("QRCode", "ARCHIVE-COVER:XD-2026-0001"): 1, ("QRCode", "ARCHIVE-COVER:XD-2026-0002"): 1}


@pytest.mark.parametrize("name", ["a4-3x8", "thermal-60x40"])
def test_a_code_too_long_for_a_readable_barcode_is_printed_as_qr_only(name, poppler):
    codes = [f"XD-2026-0001-HT01-{'A' * 20}-{i}" for i in range(3)]
    found = decode_pdf(labels.render_pdf([labels.Label(c, (c,)) for c in codes], name))
    assert all(found[("QRCode", c)] == 1 for c in codes)
    assert not [key for key in found if key[0] == "Code128"]


def test_the_cjk_font_ships_with_the_package_so_pdfs_never_depend_on_the_machine():
    assert fonts.FONT_PATH == fonts.SHIPPED_FONT and fonts.SHIPPED_FONT.is_file()


def text_sizes(pdf):
    """{text: font size in points} of the first page."""
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = round(size * tm[3] * cm[3], 2)

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_archive_number_is_the_largest_text_on_the_label(name):
    sizes = text_sizes(labels.render_pdf([box_label("XD-2026-0007")], name))
    others = [size for text, size in sizes.items() if text != "XD-2026-0007"]
    assert others and sizes["XD-2026-0007"] > max(others)


def test_a_thermal_roll_has_no_start_position():
    assert len(PdfReader(io.BytesIO(labels.render_pdf([box_label("X1")], "thermal-60x40", start=7))).pages) == 1


def rectangles(pdf):
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().count(b" re")


def test_the_preview_outlines_every_label_of_the_sheet_and_the_printout_does_not():
    plain = labels.render_pdf([box_label("X1")], "a4-3x8", start=5)
    outlined = labels.render_pdf([box_label("X1")], "a4-3x8", start=5, outlines=True)
    assert rectangles(outlined) - rectangles(plain) == labels.layout("a4-3x8").per_page
