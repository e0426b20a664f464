"""Printable labels: layouts from labels/*.json, rendered to a vector PDF with reportlab.

Each label carries a Code128 barcode and a QR code of its code, plus text lines in an embedded
CJK font. The engine knows nothing about archives: a label is a code and some lines of text
(archive boxes, spines and storage locations all use it)."""
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import BytesIO
from pathlib import Path

import qrcode
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..domain.errors import InvalidInput
from . import raster
from .fonts import FONT_PATH, cjk_font

CHECKOUT_LAYOUTS = Path(__file__).parents[2] / "labels"
POINT = 72.0  # points per inch
QR_QUIET_MODULES = 2
CODE128_QUIET_MODULES = 10
MIN_BAR_MM = 0.16  # 0.155 mm bars already failed to scan back at 300 dpi
MAX_FONT_PT = 10.0
ELLIPSIS = "…"
A4_MM = (210, 297)
COVER_QR_MM = 70


@dataclass(frozen=True)
class Layout:
    """A label stock: page and label sizes, margins and pitch in millimetres, printer resolution."""

    name: str
    title: str
    kind: str
    page_mm: tuple[float, float]
    label_mm: tuple[float, float]
    margin_mm: tuple[float, float]
    pitch_mm: tuple[float, float]
    columns: int
    rows: int
    printer_dpi: int

    @classmethod
    def from_json(cls, data):
        return cls(name=data["name"], title=data["title"], kind=data["kind"],
                   page_mm=tuple(data["page_mm"]), label_mm=tuple(data["label_mm"]),
                   margin_mm=(data["margin_mm"]["left"], data["margin_mm"]["top"]),
                   pitch_mm=tuple(data["pitch_mm"]), columns=data["columns"], rows=data["rows"],
                   printer_dpi=data["printer_dpi"])

    @property
    def per_page(self):
        return self.columns * self.rows

    def box(self, position):
        """(x, y, width, height) in points of the label at `position` (0-based, row by row),
        with PDF's origin at the bottom left of the page."""
        row, column = divmod(position, self.columns)
        width, height = self.label_mm
        left = self.margin_mm[0] + column * self.pitch_mm[0]
        top = self.margin_mm[1] + row * self.pitch_mm[1]
        return left * mm, (self.page_mm[1] - top - height) * mm, width * mm, height * mm


@dataclass(frozen=True)
class Label:
    code: str
    lines: tuple[str, ...] = ()


def _layout_files():
    """Top-level labels/ in a source checkout; the copy shipped inside the wheel otherwise."""
    if CHECKOUT_LAYOUTS.is_dir():
        return sorted(CHECKOUT_LAYOUTS.glob("*.json"))
    shipped = resources.files("archive_service.label_layouts")
    return sorted((f for f in shipped.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


@cache
def layouts():
    """Every known layout by name."""
    found = (Layout.from_json(json.loads(f.read_text(encoding="utf-8"))) for f in _layout_files())
    return {layout.name: layout for layout in found}


def layout(name):
    try:
        return layouts()[name]
    except KeyError:
        raise InvalidInput("label.unknown_layout", f"未知的标签版式:{name}",
                           errors={"layout": "可选:" + "、".join(sorted(layouts()))}) from None


def render_pdf(labels, layout_name, *, start=1, outlines=False, font_path=FONT_PATH):
    """The labels as PDF bytes. `start` is the first free position (1-based) on the first sheet,
    so a partly used sheet can be fed again; a roll has no positions and always starts at its
    next label. `outlines` draws every label's edge (for the preview, never on the printout)."""
    stock = layout(layout_name)
    labels = list(labels)
    start = 1 if stock.kind == "roll" else start
    _check_request(labels, stock, start)
    font = cjk_font(font_path)
    out = BytesIO()
    canvas = Canvas(out, pagesize=(stock.page_mm[0] * mm, stock.page_mm[1] * mm), pageCompression=1)
    canvas.setTitle("档案标签")
    for index, label in enumerate(labels, start=start - 1):
        position = index % stock.per_page
        if position == 0 and index > start - 1:
            canvas.showPage()
        if outlines and (position == 0 or index == start - 1):
            _draw_outlines(canvas, stock)
        _draw_label(canvas, label, stock.box(position), font, stock.printer_dpi)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw_outlines(canvas, stock):
    """The edge of every label on the sheet, thin and grey."""
    canvas.saveState()
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    for position in range(stock.per_page):
        canvas.rect(*stock.box(position), stroke=1, fill=0)
    canvas.restoreState()


def _check_request(labels, stock, start):
    if not labels:
        raise InvalidInput("label.none", "没有要打印的标签", errors={"codes": "至少需要一个编号"})
    if not 1 <= start <= stock.per_page:
        raise InvalidInput("label.bad_start", f"起始位置必须在 1 到 {stock.per_page} 之间",
                           errors={"start": f"1-{stock.per_page}"})
    blank = [i for i, label in enumerate(labels) if not label.code.strip()]
    if blank:
        raise InvalidInput("label.empty_code", "标签编号不能为空", errors={"codes": f"第 {blank[0] + 1} 个为空"})


def _draw_label(canvas, label, box, font, dpi):
    x, y, width, height = box
    pad = min(2 * mm, height * 0.06)
    x, y, width, height = x + pad, y + pad, width - 2 * pad, height - 2 * pad
    bar_height = min(max(height * 0.28, 6 * mm), 12 * mm)
    bar_width = _code128_bar_width(label.code, width, dpi)
    if bar_width:
        _draw_code128(canvas, label.code, (x, y, width, bar_height), bar_width)
    top_height = height - bar_height - pad
    top_y = y + bar_height + pad
    _draw_qr(canvas, label.code, (x, top_y, top_height))
    text_x = x + top_height + pad
    _draw_lines(canvas, label.lines, (text_x, top_y, x + width - text_x, top_height), font)


def _code128_bar_width(code, width, dpi):
    """The narrowest bar, a whole number of printer dots where there is room, for a Code128 of
    `code` across `width`; None when the code is not ASCII or would be too fine to scan (the QR
    code still carries it)."""
    if not all(32 <= ord(ch) < 127 for ch in code):
        return None
    modules = Code128(code, barWidth=1, quiet=0).width
    bar_width = width / (modules + 2 * CODE128_QUIET_MODULES)
    dot = POINT / dpi
    if bar_width >= 2 * dot:
        bar_width = math.floor(bar_width / dot) * dot
    return bar_width if bar_width >= MIN_BAR_MM * mm else None


def _draw_code128(canvas, code, box, bar_width):
    """A vector Code128 centred in the band."""
    x, y, width, height = box
    barcode = Code128(code, barWidth=bar_width, barHeight=height, quiet=0, humanReadable=False)
    barcode.drawOn(canvas, x + (width - barcode.width) / 2, y)


def _draw_qr(canvas, code, box):
    """The QR drawn as rectangles from qrcode's module matrix: one rectangle per dark run."""
    x, y, side = box
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(code.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    module = side / (len(matrix) + 2 * QR_QUIET_MODULES)
    origin_x = x + QR_QUIET_MODULES * module
    top = y + side - QR_QUIET_MODULES * module
    path = canvas.beginPath()
    for row, cells in enumerate(matrix):
        for start, length in _dark_runs(cells):
            path.rect(origin_x + start * module, top - (row + 1) * module, length * module, module)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)


def _dark_runs(cells):
    """(start, length) of each run of dark modules in one row."""
    runs, start = [], None
    for i, dark in enumerate([*cells, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


HEAD_SCALE = 2  # the first line (the code people read: the archive number) takes two lines' height
MIN_HEAD_PT = 6.0  # below this the first line is cut with an ellipsis instead of shrinking further


def _draw_lines(canvas, lines, box, font):
    """The first line as large as it fits whole (down to MIN_HEAD_PT), the others below it and smaller."""
    x, y, width, height = box
    if not lines or width <= 0:
        return
    unit = min(height / (len(lines) - 1 + HEAD_SCALE), MAX_FONT_PT * 1.25)
    head_size = max(MIN_HEAD_PT, min(HEAD_SCALE * unit * 0.8, width / max(stringWidth(lines[0], font, 1), 1e-6)))
    size = min(unit * 0.8, head_size * 0.8)
    canvas.setFillGray(0)
    top = y + height
    for i, line in enumerate(lines):
        line_size, leading = (head_size, HEAD_SCALE * unit) if i == 0 else (size, unit)
        canvas.setFont(font, line_size)
        canvas.drawString(x, top - leading + (leading - line_size) / 2 + line_size * 0.12,
                          _fit(line, font, line_size, width))
        top -= leading


def _fit(text, font, size, width):
    """`text`, cut and ended with an ellipsis if it is wider than `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text + ELLIPSIS


def render_cover_pdf(labels, *, font_path=FONT_PATH):
    """One A4 page per label: a large QR of its code with the lines below it, big enough to be
    read from a 100-dpi rendering of a scanned batch."""
    labels = list(labels)
    if not labels:
        raise InvalidInput("label.none", "没有要打印的分隔页", errors={"codes": "至少需要一个编号"})
    font = cjk_font(font_path)
    width, height = A4_MM[0] * mm, A4_MM[1] * mm
    out = BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1)
    canvas.setTitle("扫描分隔页")
    side = COVER_QR_MM * mm
    for label in labels:
        _draw_qr(canvas, label.code, ((width - side) / 2, height - 30 * mm - side, side))
        for i, line in enumerate(label.lines):
            size = 26 if i == 0 else 14
            canvas.setFont(font, size)
            baseline = height - 50 * mm - side - i * 12 * mm
            canvas.drawCentredString(width / 2, baseline, _fit(line, font, size, width * 0.8))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def preview_png(pdf, *, dpi=150, page=1):
    """One page of a label PDF as PNG bytes."""
    return raster.page_png(pdf, dpi=dpi, page=page)
