"""Scan files good and bad, generated small: the corpus the scan store must accept or refuse."""
import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from reportlab.pdfgen.canvas import Canvas


def pdf(pages=1, size=(595, 842), attachment=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*size)
    if attachment:
        writer.add_attachment("data.bin", attachment)
    return _written(writer)


def text_pdf(pages=2):
    """A PDF with visible text on each page, the way a scanner's OCR output looks."""
    out = io.BytesIO()
    canvas = Canvas(out)
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"page {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret", algorithm="AES-128")
    return _written(writer)


def zero_page_pdf():
    return _written(PdfWriter())


def truncated_pdf():
    whole = text_pdf(3)
    return whole[: len(whole) * 2 // 3]


def garbage_pdf():
    """A PDF header and an end marker around nothing a reader can use."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def image(fmt, frames=1, size=(200, 100), mode="L"):
    pictures = [Image.new(mode, size, color=40 * i) for i in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, fmt, save_all=frames > 1, append_images=pictures[1:], dpi=(300, 300))
    return out.getvalue()


def png_header_only(width, height):
    """A tiny PNG file that claims `width`×`height` pixels: a decompression bomb's shape."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def _written(writer):
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class CutStream(io.RawIOBase):
    """An upload whose connection drops after `good` bytes."""

    def __init__(self, data, good):
        self.data, self.good, self.sent = data, good, 0

    def read(self, size=-1):
        if self.sent >= self.good:
            raise ConnectionResetError("client went away mid-upload")
        chunk = self.data[self.sent:min(self.good, self.sent + (size if size > 0 else self.good))]
        self.sent += len(chunk)
        return chunk


def lying_pdf(pages=3, count=9):
    """A PDF of `pages` pages whose page tree says it has `count`: readers disagree about it."""
    data = pdf(pages)
    return data.replace(f"/Count {pages}".encode(), f"/Count {count}".encode())


def huge_page_pdf(points=14_400):
    """A tiny PDF whose one page is `points` square (200 inches at 14,400 pt): a rendering bomb."""
    return pdf(1, size=(points, points))


def many_frames_tiff(frames=3000, size=(16, 16)):
    return image("TIFF", frames=frames, size=size)
