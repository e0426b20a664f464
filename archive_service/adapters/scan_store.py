"""The scan store: content-addressed files under one root, checked by content, never changed.

An upload streams to a temporary file inside the store while it is hashed and counted, is
inspected (type by magic bytes, page count, size limits), fsynced and then linked into place as
`root/ab/cd/<sha256>`. Any refusal or failure, including a connection cut mid-upload, leaves
nothing behind. The same content is stored once. Downloads are watermarked copies."""
import hashlib
import os
import re
import tempfile
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ..domain.errors import InvalidInput, TooLarge, UnsupportedType
from . import raster, watermark
from .fonts import FONT_PATH, cjk_font

CHUNK = 1024 * 1024
DEFAULT_MAX_PIXELS = 60_000_000  # a 300-dpi A3 scan is about 35 Mpx
DEFAULT_MAX_PAGES = 2000
SHA256_NAME = re.compile(r"[0-9a-f]{64}")
PDF, JPEG, PNG, TIFF = "application/pdf", "image/jpeg", "image/png", "image/tiff"
MAGIC = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG),
         (b"II*\x00", TIFF), (b"MM\x00*", TIFF)]
PDF_TAIL = 1024  # where a PDF's %%EOF marker must be
IMAGE_DPI = 300  # assumed when an image does not say
MAX_FILENAME = 120
COVER_DPI = raster.RENDER_DPI  # cover QR codes are large: enough to read them, fast to render


@dataclass(frozen=True)
class StoredScan:
    sha256: str
    size: int
    media_type: str
    pages: int
    is_new: bool


@dataclass(frozen=True)
class Received:
    path: Path
    sha256: str
    size: int
    media_type: str
    pages: int


@dataclass(frozen=True)
class Usage:
    files: int
    bytes: int


class ScanStore:
    def __init__(self, root, *, max_bytes, max_pixels=DEFAULT_MAX_PIXELS, max_pages=DEFAULT_MAX_PAGES):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.max_pages = max_pages

    @classmethod
    def from_config(cls, config):
        """The store an app's settings name (web and CLI alike): uploads are limited like request
        bodies, pages per file and pixels per page as configured."""
        return cls(config["SCANS_DIR"], max_bytes=config["MAX_CONTENT_LENGTH"],
                   max_pixels=config["MAX_SCAN_MEGAPIXELS"] * 1_000_000, max_pages=config["MAX_SCAN_PAGES"])

    def path(self, sha256):
        if not SHA256_NAME.fullmatch(sha256):
            raise InvalidInput("scan.bad_hash", "不是有效的 SHA-256 摘要")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream):
        """Store what `stream` (a binary file-like object) yields; returns a StoredScan."""
        with self.receiving(stream) as upload:
            is_new = self._link_into_place(upload.path, self.path(upload.sha256))
        return StoredScan(sha256=upload.sha256, size=upload.size, media_type=upload.media_type,
                          pages=upload.pages, is_new=is_new)

    @contextmanager
    def receiving(self, stream):
        """A checked upload in a temporary file inside the store, removed when the block ends
        (unless `put` has linked it into place first)."""
        staging = self.root / "tmp"
        staging.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=staging, prefix="upload-")
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                sha256, size = _copy_hashing(stream, out, self.max_bytes)
                out.flush()
                os.fsync(out.fileno())
            media_type, pages = inspect(temp, max_pixels=self.max_pixels, max_pages=self.max_pages)
            yield Received(path=temp, sha256=sha256, size=size, media_type=media_type, pages=pages)
        finally:
            temp.unlink(missing_ok=True)

    def _link_into_place(self, temp, final):
        """Atomically publish `temp` as `final`; False when that content is already stored."""
        final.parent.mkdir(parents=True, exist_ok=True)
        temp.chmod(0o444)
        try:
            os.link(temp, final)
        except FileExistsError:
            os.utime(final)  # keeps the orphan sweep off a file that is being referenced again
            return False
        _fsync_dir(final.parent)
        return True

    def stored(self):
        """Every stored file's path."""
        return (p for p in self.root.glob("??/??/*") if SHA256_NAME.fullmatch(p.name))

    def usage(self):
        sizes = [p.stat().st_size for p in self.stored()]
        return Usage(files=len(sizes), bytes=sum(sizes))

    def sweep(self, keep, *, now, grace_seconds=3600):
        """Remove stored files whose sha256 is not in `keep`, and abandoned temporary files.
        Files younger than `grace_seconds` stay: their database row may not be committed yet."""
        cutoff = now.timestamp() - grace_seconds
        removed = []
        for path in [*self.stored(), *(self.root / "tmp").glob("upload-*")]:
            if path.name not in keep and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed

    def watermarked(self, sha256, media_type, lines, *, font_path=FONT_PATH):
        """A PDF copy of the stored scan with `lines` (viewer, time) on every page."""
        return watermarked_pdf(self.path(sha256), media_type, lines, font_path=font_path)

    def watermarked_file(self, sha256, media_type, lines, *, font_path=FONT_PATH):
        """The same copy written to a temporary file, positioned at its start: a download streams
        it instead of holding it in memory; it disappears when closed."""
        out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
        try:
            watermarked_pdf(self.path(sha256), media_type, lines, out=out, font_path=font_path)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return out


def _copy_hashing(stream, out, max_bytes):
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge("scan.too_large", f"文件超过 {max_bytes // (1024 * 1024)} MB 的上限")
        digest.update(chunk)
        out.write(chunk)
    if size == 0:
        raise InvalidInput("scan.empty", "上传的文件是空的")
    return digest.hexdigest(), size


def _fsync_dir(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def media_type_of(head):
    """The media type the first bytes prove, whatever the file is called."""
    for magic, media_type in MAGIC:
        if head.startswith(magic):
            return media_type
    raise UnsupportedType("scan.unsupported_type", "只接受 PDF、JPEG、PNG 或 TIFF 扫描件(按文件内容判断,与文件名无关)")


def inspect(path, *, max_pixels=DEFAULT_MAX_PIXELS, max_pages=DEFAULT_MAX_PAGES):
    """(media_type, pages) of a scan file, or the refusal that says what is wrong with it."""
    with open(path, "rb") as f:
        media_type = media_type_of(f.read(16))
    if media_type == PDF:
        return media_type, _pdf_pages(path, max_pixels, max_pages)
    return media_type, _image_pages(path, media_type, max_pixels, max_pages)


def _too_many_pages(pages, max_pages):
    return InvalidInput("scan.too_many_pages", f"文件有 {pages} 页,超过每份 {max_pages} 页的上限,请分开上传",
                        details={"pages": pages, "max_pages": max_pages})


def _pdf_pages(path, max_pixels, max_pages):
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - PDF_TAIL))
        complete = b"%%EOF" in f.read()
    if not complete:
        raise InvalidInput("scan.corrupt", "PDF 文件不完整(缺少结尾标记),可能上传中断或文件已损坏")
    try:
        with open(path, "rb") as f:  # a file object: pypdf seeks in it instead of reading it all
            reader = PdfReader(f, strict=False)
            encrypted = reader.is_encrypted
            declared = None if encrypted else reader.trailer["/Root"]["/Pages"].get("/Count")
            sizes = [] if encrypted else [_page_points(page) for page in reader.pages]
    except Exception as error:  # pypdf raises many types for broken files: all mean the same here
        raise InvalidInput("scan.corrupt", "PDF 文件已损坏,无法读取页数") from error
    if encrypted:
        raise InvalidInput("scan.encrypted", "PDF 文件已加密,请上传未加密的扫描件")
    if not sizes:
        raise InvalidInput("scan.empty", "PDF 文件没有任何页面")
    if declared != len(sizes):  # readers disagree on such a file: one would miss pages or fail on them
        raise InvalidInput("scan.page_count_mismatch",
                           f"PDF 文件声明有 {declared} 页,实际有 {len(sizes)} 页,文件已损坏,请重新导出")
    if len(sizes) > max_pages:
        raise _too_many_pages(len(sizes), max_pages)
    if max(w * h for w, h in sizes) * (raster.RENDER_DPI / raster.POINTS_PER_INCH) ** 2 > max_pixels:
        raise InvalidInput("scan.too_many_pixels", f"PDF 页面尺寸过大:按 {raster.RENDER_DPI} dpi 渲染超过 "
                                                   f"{max_pixels // 1_000_000} 百万像素的上限")
    return len(sizes)


def _page_points(page):
    box = page.mediabox
    return abs(float(box.width)), abs(float(box.height))


def _image_pages(path, media_type, max_pixels, max_pages):
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages:
                raise _too_many_pages(frames, max_pages)
            for index in range(frames):
                image.seek(index)
                _check_pixels(image, max_pixels)
            _check_image_data(path, media_type)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(max_pixels) from error
    except (InvalidInput, UnsupportedType):
        raise
    except Exception as error:  # Pillow's errors for broken files vary by format
        raise InvalidInput("scan.corrupt", "图像文件已损坏,无法读取") from error
    return frames


def _check_pixels(image, max_pixels):
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _too_many_pixels(max_pixels):
    limit = max_pixels // 1_000_000
    return InvalidInput("scan.too_many_pixels", f"图像像素过多(上限 {limit} 百万像素),请降低扫描分辨率")


def _check_image_data(path, media_type):
    """Read the image data through once, cheaply: JPEG at 1/8 scale, others by checksums."""
    with Image.open(path) as image:
        if media_type == JPEG:
            image.draft("L", (image.width // 8, image.height // 8))
            image.load()
        else:
            image.verify()


def sanitize_filename(name):
    """The last path component of an uploaded file's name, without control characters or
    leading dots; kept only to show people what was uploaded, never used as a path."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".").strip()
    return base[:MAX_FILENAME] or "scan"


def watermarked_pdf(path, media_type, lines, *, out=None, font_path=FONT_PATH):
    """A PDF copy of the scan at `path`, every page carrying `lines` as a tiled watermark: written
    to the binary file `out` when given, else returned as bytes. PDFs get an overlay merged onto
    each page; images become one PDF page per frame."""
    font = cjk_font(font_path)
    target = out if out is not None else BytesIO()
    if media_type == PDF:
        watermark.over_pdf(path, lines, font, target)
    else:
        watermark.over_images(path, lines, font, target, keep_jpeg=media_type == JPEG, default_dpi=IMAGE_DPI)
    return target.getvalue() if out is None else out


def page_qr_texts(path, *, dpi=COVER_DPI):
    """For each page of a PDF, the texts of the QR codes on it."""
    return raster.map_pages(str(path), _qr_texts, dpi=dpi, grayscale=True)


def _qr_texts(page):
    return [r.text for r in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_of_pages(path, pages):
    """A new PDF holding the given pages (0-based) of the PDF at `path`, in order."""
    with open(path, "rb") as f:
        reader = PdfReader(f, strict=False)
        writer = PdfWriter()
        for index in pages:
            writer.add_page(reader.pages[index])
        out = BytesIO()
        writer.write(out)
    return out.getvalue()
