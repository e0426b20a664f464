"""The workloads. A ratio is ours / raw baseline for the same input: below 1 is faster, above is slower."""
import hashlib
import io
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

import barcode
import qrcode
from barcode.writer import ImageWriter
from pypdf import PdfReader, PdfWriter

from archive_service.adapters import label_sheets as labels
from archive_service.adapters import scan_store as scans

from .hostile import worst_file_memory

SCALES = {
    "small": {"labels": 240, "decode_labels": None, "upload_mb": 32, "download_pages": 50},
    "medium": {"labels": 1000, "decode_labels": None, "upload_mb": 200, "download_pages": 300},
    "full": {"labels": 1000, "decode_labels": 1000, "upload_mb": 200, "download_pages": 300},
}
LAYOUTS = ["a4-3x8", "a4-2x7", "thermal-60x40", "thermal-100x50"]


def codes(n):
    return [f"DK-2026-{i:04d}" for i in range(1, n + 1)]


def box_label(code):
    return labels.Label(code, (code, "2026年 贷款", "流动资金贷款", "李四商贸有限公司"))


def timed(action):
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def label_pdf(scale):
    """A label PDF of N codes (a4-3x8) against python-barcode + qrcode drawing the same codes raw."""
    n = SCALES[scale]["labels"]
    batch = [box_label(c) for c in codes(n)]
    labels.render_pdf(batch[:1], "a4-3x8")  # font loading is a one-off, not per request
    ours, pdf = timed(lambda: labels.render_pdf(batch, "a4-3x8"))
    raw, _ = timed(lambda: _raw_barcodes(codes(n)))
    return {"name": "label_pdf", "ratio": round(ours / raw, 2), "labels": n, "ours_s": round(ours, 3),
            "raw_s": round(raw, 3), "pdf_kb": len(pdf) // 1024}


def _raw_barcodes(values):
    for value in values:
        barcode.Code128(value, writer=ImageWriter(mode="1")).write(io.BytesIO())
        qrcode.make(value).save(io.BytesIO())


def label_decode(scale):
    """Every label of every layout printed and read back at 300 dpi (full scale: 1,000 per layout)."""
    from .decode import decode_pdf, unread

    n_full = SCALES[scale]["decode_labels"]
    result = {"name": "label_decode", "ratio": None}
    for name in LAYOUTS:
        n = n_full or max(labels.layout(name).per_page, 24)
        batch = codes(n)
        elapsed, found = timed(lambda batch=batch, name=name: decode_pdf(
            labels.render_pdf([box_label(c) for c in batch], name)))
        result[name] = f"{n - len(unread(batch, found))}/{n} in {elapsed:.1f}s"
    return result


UPLOAD_RUNS = 3


def scan_upload(scale):
    """Streaming a PDF into the scan store against a raw copy + sha256 of the same bytes: the median
    of UPLOAD_RUNS runs a side, in alternating order, each starting with nothing left to write back
    (an fsync also waits for the other side's writes still in the page cache)."""
    megabytes = SCALES[scale]["upload_mb"]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "upload.pdf"
        _big_pdf(source, megabytes)
        size = source.stat().st_size
        runs = ([], [])
        for run in range(UPLOAD_RUNS):
            sides = (lambda f, run=run: _fresh_store(folder, run, megabytes).put(f),
                     lambda f, run=run: _raw_store(f, Path(folder) / f"raw-{run}"))
            for side in ((0, 1) if run % 2 else (1, 0)):
                os.sync()
                runs[side].append(_measured(sides[side], source))
        (ours, ours_peak), (raw, raw_peak) = (_median_run(r) for r in runs)
    return {"name": "scan_upload", "ratio": round(ours / raw, 2), "mb": round(size / 2**20),
            "ours_mb_s": round(size / ours / 2**20, 1), "raw_mb_s": round(size / raw / 2**20, 1),
            "ours_peak_mb": round(ours_peak / 2**20, 1), "raw_peak_mb": round(raw_peak / 2**20, 1)}


def _fresh_store(folder, run, megabytes):
    return scans.ScanStore(Path(folder) / f"store-{run}", max_bytes=(megabytes + 1) * 1024 * 1024)


def _median_run(runs):
    """(median seconds, highest peak memory) of (seconds, peak) runs."""
    return sorted(seconds for seconds, _ in runs)[len(runs) // 2], max(peak for _, peak in runs)


def _big_pdf(path, megabytes):
    writer = PdfWriter()
    for _ in range(20):
        writer.add_blank_page(595, 842)
    writer.add_attachment("payload.bin", os.urandom(megabytes * 2**20))
    with open(path, "wb") as out:
        writer.write(out)


def _measured(action, source):
    tracemalloc.start()
    try:
        with open(source, "rb") as stream:
            elapsed, _ = timed(lambda: action(stream))
        return elapsed, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _raw_store(stream, target):
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        while chunk := stream.read(scans.CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def scan_download(scale):
    """A watermarked download of an N-page scan against pypdf copying the same PDF untouched."""
    pages = SCALES[scale]["download_pages"]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "scan.pdf"
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(595, 842)
        with open(source, "wb") as out:
            writer.write(out)
        lines = ("张三(zhang)查阅", "2026-10-09 10:00")
        scans.watermarked_pdf(source, scans.PDF, lines)  # font loading is a one-off
        ours, _ = timed(lambda: scans.watermarked_pdf(source, scans.PDF, lines))
        raw, _ = timed(lambda: _raw_pdf_copy(source))
    return {"name": "scan_download", "ratio": round(ours / raw, 2), "pages": pages, "ours_s": round(ours, 3),
            "raw_s": round(raw, 3)}


def _raw_pdf_copy(source):
    out = io.BytesIO()
    PdfWriter(clone_from=PdfReader(source)).write(out)
    return out.getvalue()


WORKLOADS = [label_pdf, label_decode, scan_upload, scan_download, worst_file_memory]


def workloads_for(scale):
    """The small scale (CI) leaves out reading labels back: tests/adapters/test_labels.py reads a
    full sheet of every layout back already, and the 1,000-label read-back is the full scale's."""
    return [w for w in WORKLOADS if not (scale == "small" and w is label_decode)]
