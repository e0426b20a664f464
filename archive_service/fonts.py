"""The CJK font every generated PDF embeds: WenQuanYi Micro Hei (Apache-2.0), subset by reportlab.

Never `STSong-Light`: it is not embedded, so a viewer without Adobe's CJK pack shows blanks."""
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


class FontMissing(RuntimeError):
    """The deployment lacks the CJK font: an operator's problem, not the user's."""


@cache
def cjk_font(path=FONT_PATH):
    """Register the font with reportlab once and return its name."""
    if not Path(path).is_file():
        raise FontMissing(f"CJK font file {path} not found: install the Debian package fonts-wqy-microhei "
                          "(apt-get install fonts-wqy-microhei); labels and watermarks need it")
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME
