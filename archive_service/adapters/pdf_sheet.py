"""What the service's printed A4 lists share: margins, rows, a writing position that turns the page
and repeats a continuation heading, and the QR code back to the record."""
import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from .fonts import FONT_NAME as FONT

WIDTH, HEIGHT = A4
MARGIN = 18 * mm
ROW = 6.5 * mm


class Sheet:
    """A writing position on `canvas`; a new page starts with `continued` on top."""

    def __init__(self, canvas, continued):
        self.c, self.continued = canvas, continued
        self.y = HEIGHT - MARGIN

    def text(self, x, value, size=9):
        self.c.setFont(FONT, size)
        self.c.drawString(MARGIN + x, self.y, str(value))

    def line(self, height=ROW):
        self.y -= height
        if self.y < MARGIN + 20 * mm:
            self.c.showPage()
            self.y = HEIGHT - MARGIN
            self.text(0, self.continued, 9)
            self.y -= ROW

    def qr(self, url, size=24 * mm):
        """`url` as a QR code drawn cell by cell in the page's top right corner."""
        code = qrcode.QRCode(border=0, box_size=1)
        code.add_data(url)
        code.make(fit=True)
        matrix = code.get_matrix()
        cell = size / len(matrix)
        x0, y0 = WIDTH - MARGIN - size, HEIGHT - MARGIN - size + 5 * mm
        self.c.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(matrix):
            for col, dark in enumerate(row):
                if dark:
                    self.c.rect(x0 + col * cell, y0 + (len(matrix) - 1 - r) * cell, cell, cell, stroke=0, fill=1)
