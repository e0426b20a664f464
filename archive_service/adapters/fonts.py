"""The CJK font every generated PDF embeds: WenQuanYi Micro Hei (Apache-2.0), subset by reportlab.

Never `STSong-Light`: it is not embedded, so a viewer without Adobe's CJK pack shows blanks."""
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WenQuanYiMicroHei"
SHIPPED_FONT = Path(__file__).parents[1] / "assets" / "wqy-microhei.ttc"
DEBIAN_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_PATH = SHIPPED_FONT if SHIPPED_FONT.is_file() else DEBIAN_FONT


class FontMissing(RuntimeError):
    """The deployment lacks the CJK font: an operator's problem, not the user's."""


@cache
def cjk_font(path=FONT_PATH):
    """Register the font with reportlab once and return its name."""
    if not Path(path).is_file():
        raise FontMissing(f"CJK font file {path} not found: reinstall archive-service or install the Debian "
                          "package fonts-wqy-microhei; labels, lists and watermarks need it")
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME
