"""Peak memory of the worst scan files the limits still let in (and of the bomb they refuse).

Each case runs in a fresh process and reports its peak resident set (PDFium and Pillow allocate
outside Python, so tracemalloc would miss them); the ratio is that peak against the same process
that only imports the service. Wire it in with `WORKLOADS.append(worst_file_memory)` in
workloads.py."""
import contextlib
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCALES = {"small": {"frames": 300}, "medium": {"frames": 1000}, "full": {"frames": 2000}}
CASES = ("idle", "largest_page", "most_frames", "page_bomb")


def worst_file_memory(scale):
    """Peak RSS (MB) of uploading and using the worst files, against an idle process."""
    frames = SCALES[scale]["frames"]
    peaks = {case: _measure(case, frames) for case in CASES}
    idle = peaks.pop("idle")
    worst = max(peaks.values(), key=lambda p: p["peak_mb"])
    return {"name": "worst_file_memory", "ratio": round(worst["peak_mb"] / idle["peak_mb"], 2),
            "idle_mb": idle["peak_mb"], **{f"{case}_mb": p["peak_mb"] for case, p in peaks.items()},
            **{f"{case}_s": p["seconds"] for case, p in peaks.items()}, "tiff_frames": frames}


def _measure(case, frames):
    code = ("import sys; sys.path[:0] = sys.argv[3:]\n"
            "try:\n    from benchmarks import hostile\n"
            "except ModuleNotFoundError:\n    from archive_service.benchmarks import hostile\n"
            "hostile.run_case(sys.argv[1], int(sys.argv[2]))")
    done = subprocess.run([sys.executable, "-c", code, case, str(frames), *sys.path], capture_output=True,
                          text=True, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_case(case, frames):
    """In the measuring process: do one case and print {"peak_mb", "seconds"}."""
    from archive_service.adapters import raster
    from archive_service.adapters import scan_store as scans

    store_dir = tempfile.mkdtemp(prefix="bench-hostile-")
    store = scans.ScanStore(store_dir, max_bytes=200 * 1024 * 1024)
    start = time.perf_counter()
    if case == "largest_page":  # one page just inside the pixel cap, then cut as a batch (rendered)
        side = math.sqrt(store.max_pixels) * raster.POINTS_PER_INCH / raster.RENDER_DPI * 0.999
        stored = store.put(io.BytesIO(_blank_pdf(side)))
        scans.page_qr_texts(store.path(stored.sha256))
    elif case == "most_frames":  # a TIFF of tiny frames, then downloaded watermarked
        stored = store.put(io.BytesIO(_tiff(frames)))
        store.watermarked_file(stored.sha256, stored.media_type, ("bench",)).close()
    elif case == "page_bomb":  # 14,400 pt square: refused before anything renders it
        with contextlib.suppress(scans.InvalidInput):
            store.put(io.BytesIO(_blank_pdf(14_400)))
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1), "seconds": round(seconds, 2)}))
    for path in sorted(Path(store_dir).rglob("*"), reverse=True):
        path.chmod(0o700)
        path.unlink() if path.is_file() else path.rmdir()
    os.rmdir(store_dir)


def _blank_pdf(side):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(side, side)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tiff(frames):
    from PIL import Image

    pictures = [Image.new("L", (16, 16), color=i % 256) for i in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, "TIFF", save_all=True, append_images=pictures[1:], dpi=(300, 300))
    return out.getvalue()
