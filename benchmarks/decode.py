"""Read every barcode back from a PDF the way a scanner would see a 300-dpi print."""
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image


def rasterize(pdf, folder, *, dpi=300):
    """The PDF's pages as PNG files (pdftoppm names them -1.png or -01.png by page count)."""
    source = Path(folder) / "in.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
                   check=True, timeout=600)
    return sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode_pdf(pdf, *, dpi=300):
    """Counter of (format, text) over every barcode zxing-cpp finds on every page."""
    import zxingcpp

    found = Counter()
    with tempfile.TemporaryDirectory() as folder:
        for png in rasterize(pdf, folder, dpi=dpi):
            with Image.open(png) as page:
                found.update((r.format.name, r.text) for r in zxingcpp.read_barcodes(page))
    return found


def unread(codes, found):
    """Codes whose Code128 or QR was not read back exactly once."""
    return [c for c in codes if found[("Code128", c)] != 1 or found[("QRCode", c)] != 1]
