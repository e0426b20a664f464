"""PDF pages as images, rendered in-process by PDFium (pypdfium2): no external program needed.

PDFium is not thread-safe, so every use of it here holds one lock; no page is ever rendered past
`max_pixels` (a larger page is rendered at a lower resolution), so no file can make one
rendering take more memory than that."""
import math
import threading
from io import BytesIO

import pypdfium2

from ..domain.errors import InvalidInput

_PDFIUM = threading.Lock()
POINTS_PER_INCH = 72
RENDER_DPI = 100  # what uploaded scans are rendered at (cover sheets' QR codes)
MAX_RENDER_PIXELS = 60_000_000  # about 180 MB as RGB


def map_pages(source, read, *, dpi, grayscale=False, first=1, last=None, max_pixels=MAX_RENDER_PIXELS):
    """[read(PIL image) for pages `first`..`last`] (1-based, inclusive) of a PDF path or bytes;
    one page is in memory at a time. A file PDFium cannot read is refused as `scan.corrupt`."""
    results = []
    with _PDFIUM:
        try:
            document = pypdfium2.PdfDocument(source)
        except pypdfium2.PdfiumError as error:
            raise _unreadable() from error
        try:
            for number in range(first, min(last or len(document), len(document)) + 1):
                results.append(_render(document, number, read, dpi, grayscale, max_pixels))
        finally:
            document.close()
    return results


def _render(document, number, read, dpi, grayscale, max_pixels):
    try:
        page = document[number - 1]
    except pypdfium2.PdfiumError as error:
        raise _unreadable() from error
    try:
        width, height = page.get_size()
        scale = dpi / POINTS_PER_INCH
        if width * height * scale * scale > max_pixels:
            scale = math.sqrt(max_pixels / (width * height))
        return read(page.render(scale=scale, grayscale=grayscale).to_pil())
    finally:
        page.close()


def _unreadable():
    return InvalidInput("scan.corrupt", "PDF 文件已损坏,无法逐页读取")


def page_png(source, *, dpi, page=1):
    """One page as PNG bytes."""
    return map_pages(source, _png, dpi=dpi, first=page, last=page)[0]


def _png(image):
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
