"""Charts drawn on the server as inline SVG: no script, no CDN, and they print."""
from markupsafe import Markup, escape

COLORS = {"loan": "#0d6efd", "guarantee": "#fd7e14", "on_time": "#198754", "late": "#dc3545",
          "archive": "#6f42c1", "certificate": "#20c997"}
NAMES = {"loan": "小贷", "guarantee": "担保", "on_time": "按时", "late": "逾期",
         "archive": "档案", "certificate": "权证"}


def _legend(keys, x, y):
    parts = []
    for n, key in enumerate(keys):
        left = x + n * 70
        parts.append(f'<rect x="{left}" y="{y - 9}" width="10" height="10" fill="{COLORS[key]}"/>'
                     f'<text x="{left + 14}" y="{y}" font-size="12">{NAMES[key]}</text>')
    return "".join(parts)


def monthly_bars(by_month, keys=("loan", "guarantee"), label="每月接收档案数", chart_id="chart-by-month",
                 width=640, height=240):
    """Stacked columns of a count per month, split by `keys` (by default files received, loans and
    guarantees apart)."""
    top = max([m["total"] for m in by_month] + [1])
    plot_h, left, bottom = height - 60, 36, height - 30
    step = (width - left - 10) / 12
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
             f'viewBox="0 0 {width} {height}" width="100%" class="chart" id="{chart_id}">',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#999"/>',
             f'<text x="4" y="{bottom - plot_h + 4}" font-size="11">{top}</text>',
             _legend(keys, left, 14)]
    for n, month in enumerate(by_month):
        x, y = left + n * step + step * 0.15, bottom
        for key in keys:
            h = plot_h * month[key] / top
            if h:
                parts.append(f'<rect x="{x:.1f}" y="{y - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                             f'fill="{COLORS[key]}"><title>{month["month"]}月 {NAMES[key]} {month[key]}</title></rect>')
            y -= h
        if month["total"]:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" font-size="11" '
                         f'text-anchor="middle">{month["total"]}</text>')
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{month["month"]}月</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def on_time_bars(rows, width=640, row_h=22):
    """One bar per manager and step: on time and late side by side."""
    height = 30 + row_h * max(len(rows), 1)
    top = max([r["on_time"] + r["late"] for r in rows] + [1])
    left, span = 200, width - 210
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="移交及时情况" '
             f'viewBox="0 0 {width} {height}" width="100%" class="chart" id="chart-on-time">',
             _legend(("on_time", "late"), left, 14)]
    for n, row in enumerate(rows):
        y = 24 + n * row_h
        label = escape(f"{row['user_name']} · {row['step_name']}")
        parts.append(f'<text x="{left - 6}" y="{y + 13}" font-size="12" text-anchor="end">{label}</text>')
        x = left
        for key in ("on_time", "late"):
            w = span * row[key] / top
            if w:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{COLORS[key]}">'
                             f'<title>{NAMES[key]} {row[key]}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{row["on_time"]}/{row["late"]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
