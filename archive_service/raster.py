"""PDF pages as images, rendered in-process by PDFium (pypdfium2): no external program needed.

PDFium is not thread-safe, so every use of it here holds one lock."""
import threading
from io import BytesIO

import pypdfium2

_PDFIUM = threading.Lock()
POINTS_PER_INCH = 72


def map_pages(source, read, *, dpi, grayscale=False, first=1, last=None):
    """[read(PIL image) for pages `first`..`last`] (1-based, inclusive) of a PDF path or bytes;
    one page is in memory at a time."""
    results = []
    with _PDFIUM:
        document = pypdfium2.PdfDocument(source)
        try:
            for number in range(first, min(last or len(document), len(document)) + 1):
                page = document[number - 1]
                try:
                    results.append(read(page.render(scale=dpi / POINTS_PER_INCH, grayscale=grayscale).to_pil()))
                finally:
                    page.close()
        finally:
            document.close()
    return results


def page_png(source, *, dpi, page=1):
    """One page as PNG bytes."""
    return map_pages(source, _png, dpi=dpi, first=page, last=page)[0]


def _png(image):
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
