"""The watermark a downloaded scan carries on every page (R19): the viewer and the time, tiled
diagonally, plus a footer line. `font` is a registered reportlab font name (fonts.cjk_font)."""
from io import BytesIO

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

WATERMARK_XOBJECT = "/ArchiveWatermark"


def over_pdf(path, lines, font, out):
    """Each page gets the watermark as a shared form XObject drawn after its own content: pages
    are not re-parsed, so a long scan is watermarked in about the time it takes to copy it."""
    writer = PdfWriter(clone_from=PdfReader(path))
    forms, open_state = {}, writer._add_object(_stream(b"q\n"))
    for page in writer.pages:
        box = page.mediabox
        size = (float(box.width), float(box.height))
        if size not in forms:
            forms[size] = writer._add_object(_form_xobject(_overlay(*size, lines, font), writer))
        _resources(page)["/XObject"][NameObject(WATERMARK_XOBJECT)] = forms[size]
        draw = f"\nQ q 1 0 0 1 {float(box.left):g} {float(box.bottom):g} cm {WATERMARK_XOBJECT} Do Q\n"
        page[NameObject("/Contents")] = ArrayObject(
            [open_state, *_content_refs(page), writer._add_object(_stream(draw.encode()))])
    writer.write(out)


def _stream(data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _form_xobject(overlay, writer):
    """The overlay page as a form XObject of `writer`, with its fonts copied over."""
    form = _stream(overlay.get_contents().get_data())
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): overlay.mediabox,
                 NameObject("/Resources"): overlay["/Resources"].clone(writer)})
    return form


def _resources(page):
    """The page's resource dictionary (shared ones stay shared), with an /XObject dictionary in it."""
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    resources = page["/Resources"]
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    return resources


def _content_refs(page):
    contents = page.get("/Contents")
    if contents is None:
        return []
    resolved = contents.get_object()
    return list(resolved) if isinstance(resolved, ArrayObject) else [contents]


def _overlay(width, height, lines, font):
    out = BytesIO()
    canvas = Canvas(out, pagesize=(width, height))
    _draw_watermark(canvas, width, height, lines, font)
    canvas.showPage()
    canvas.save()
    return PdfReader(BytesIO(out.getvalue())).pages[0]


def over_images(path, lines, font, out, *, keep_jpeg, default_dpi):
    """One PDF page per image frame, at the image's own resolution (else `default_dpi`), watermarked."""
    canvas = Canvas(out)
    with Image.open(path) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            dpi = image.info.get("dpi", (default_dpi, default_dpi))[0] or default_dpi
            width, height = image.width * 72 / dpi, image.height * 72 / dpi
            canvas.setPageSize((width, height))
            source = str(path) if keep_jpeg else image.convert("RGB" if image.mode not in ("1", "L") else "L")
            canvas.drawImage(ImageReader(source), 0, 0, width, height)
            _draw_watermark(canvas, width, height, lines, font)
            canvas.showPage()
    canvas.save()


def _draw_watermark(canvas, width, height, lines, font):
    """Tiled diagonal text over the whole page, plus a plain footer line."""
    text = "  ".join(lines)
    size = max(8.0, min(width, height) / 30)
    canvas.saveState()
    canvas.setFont(font, size)
    canvas.setFillColorRGB(0.6, 0.1, 0.1, alpha=0.22)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(30)
    reach = width + height
    step_x, step_y = canvas.stringWidth(text, font, size) + size * 4, size * 6
    for row in range(int(2 * reach / step_y) + 1):
        y = -reach + row * step_y
        x = -reach + (row % 2) * step_x / 2
        while x < reach:
            canvas.drawString(x, y, text)
            x += step_x
    canvas.restoreState()
    canvas.setFont(font, max(6.0, size / 2))
    canvas.setFillColorRGB(0.6, 0.1, 0.1, alpha=0.8)
    canvas.drawString(size / 2, size / 2, text)
