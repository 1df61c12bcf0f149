"""Small, dependency-free SVG charts for the HTML report.

Each function takes a chart block from :mod:`reports.model` and returns an inline ``<svg>``
fragment for an HTML5 page (no ``xmlns``, no scripts, no external fonts, images or links). Every
chart carries a ``<title>`` and ``<desc>`` for screen readers, and every mark has its own
``<title>`` (a tooltip on screen). All text is XML-escaped: labels come from column and category
names, which the report does not control.

Text sizes are in viewBox units chosen to stay readable when the chart is scaled to an A4 page.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

from reports.model import BarChart, Heatmap, RocCurve, format_number

__all__ = [
    "PALETTE",
    "ROC_MIN",
    "bar_chart_svg",
    "heatmap_svg",
    "roc_curve_svg",
]

PALETTE: tuple[str, ...] = (
    "#2f5d8a",  # blue
    "#d9822b",  # orange
    "#3f8f6b",  # green
    "#8a5aa8",  # purple
    "#c0504d",  # red
    "#6b7280",  # grey
    "#a4862d",  # ochre
    "#2b8a9b",  # teal
)
"""Series colours: distinguishable in colour-blind vision and in greyscale print (first two)."""

ROC_MIN = 1e-3
"""Lower end of both ROC axes; rates below it (including 0) are drawn at it."""

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_INK = "#1f2933"
_MUTED = "#52606d"
_GRID = "#e4e7eb"
_GRID_MINOR = "#f1f3f5"
_AXIS = "#9aa5b1"
_CHAR_W = 0.56  # average glyph width as a share of the font size (sans-serif estimate)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    """XML-escape text for element content and attribute values; drop characters XML forbids."""
    return html.escape(_XML_INVALID.sub("", str(text)), quote=True)


def _n(x: float) -> str:
    """A coordinate, compactly."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _truncate(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max(1, max_chars - 1)] + "…"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * _CHAR_W


def _safe_id(chart_id: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"
    return cleaned if cleaned[0].isalpha() else f"c-{cleaned}"


def _open_svg(width: float, height: float, chart_id: str, title: str, desc: str) -> list[str]:
    cid = _safe_id(chart_id)
    return [
        f'<svg class="chart" id="{cid}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{_esc(_FONT)}" '
        f'font-size="12" fill="{_INK}">',
        f'<title id="{cid}-title">{_esc(title)}</title>',
        f'<desc id="{cid}-desc">{_esc(desc)}</desc>',
    ]


def _nice_step(span: float, target_ticks: int = 5) -> float:
    raw = span / max(1, target_ticks)
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    nice = next(step for step in (1.0, 2.0, 2.5, 5.0, 10.0) if fraction <= step + 1e-9)
    return float(nice * 10**exponent)


def _nice_ticks(lo: float, hi: float) -> list[float]:
    """Evenly spaced round tick values covering [lo, hi] (lo <= 0 <= hi for bar charts)."""
    if hi <= lo:
        hi = lo + 1.0
    step = _nice_step(hi - lo)
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    count = int(round((stop - start) / step))
    return [round(start + i * step, 12) for i in range(count + 1)]


def _legend(items: Sequence[tuple[str, str]], x: float, y: float, max_width: float) -> list[str]:
    """A horizontal legend of colour swatches, wrapping to new lines within ``max_width``."""
    out = ['<g class="legend" font-size="12">']
    cx, cy = x, y
    for name, colour in items:
        label = _truncate(name, 32)
        w = 14 + 6 + _text_width(label, 12) + 18
        if cx > x and cx + w > x + max_width:
            cx, cy = x, cy + 18
        out.append(
            f'<rect x="{_n(cx)}" y="{_n(cy - 10)}" width="12" height="12" rx="2" '
            f'fill="{colour}"><title>{_esc(name)}</title></rect>'
            f'<text x="{_n(cx + 18)}" y="{_n(cy)}">{_esc(label)}</text>'
        )
        cx += w
    out.append("</g>")
    return out


def _legend_height(items: Sequence[str], max_width: float) -> float:
    lines, cx = 1, 0.0
    for name in items:
        w = 14 + 6 + _text_width(_truncate(name, 32), 12) + 18
        if cx > 0 and cx + w > max_width:
            lines, cx = lines + 1, 0.0
        cx += w
    return lines * 18.0


# ---------------------------------------------------------------------------------------------
# grouped bar chart


def bar_chart_svg(chart: BarChart, *, chart_id: str = "bar-chart") -> str:
    """A grouped bar chart: one group per label, one bar per series, with a y axis from the
    smaller of 0 and the minimum to the larger of 0 and the maximum, and a legend."""
    labels = chart.labels
    n_groups, n_series = len(labels), len(chart.series)
    all_values = [v for _, values in chart.series for v in values]
    lo = min(0.0, min(all_values))
    hi = max(0.0, max(all_values))
    if hi == lo:
        hi = lo + 1.0
    ticks = _nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]

    tick_texts = [format_number(t) for t in ticks]
    tick_w = max(_text_width(t, 11) for t in tick_texts)
    margin_left = 16 + tick_w + (22 if chart.y_label else 0)
    bar_w_min = 7.0
    width = max(720.0, margin_left + 16 + n_groups * (n_series * bar_w_min + 10))
    plot_w = width - margin_left - 16
    group_w = plot_w / n_groups

    short = [_truncate(label, 26) for label in labels]
    longest = max(_text_width(s, 11) for s in short)
    rotate = longest > group_w - 6
    label_h = (longest * 0.72 + 18) if rotate else 24.0
    if rotate:  # a slanted first label reaches left of its group: make room for it
        overhang = _text_width(short[0], 11) * math.cos(math.radians(40)) + 6
        extra = overhang - (margin_left + group_w / 2)
        if extra > 0:
            margin_left += extra
            plot_w = width - margin_left - 16
            group_w = plot_w / n_groups
    legend_h = _legend_height([name for name, _ in chart.series], width - margin_left)
    margin_top = 14 + legend_h + 8
    plot_h = 260.0
    height = margin_top + plot_h + label_h + 8

    def y_of(v: float) -> float:
        return margin_top + plot_h - (v - lo) / (hi - lo) * plot_h

    desc = (
        f"Grouped bar chart of {n_series} series "
        f"({', '.join(name for name, _ in chart.series)}) over {n_groups} categories."
    )
    out = _open_svg(width, height, chart_id, chart.caption, desc)
    out += _legend(
        [(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(chart.series)],
        margin_left,
        14 + 12,
        width - margin_left,
    )
    # grid and y ticks
    out.append('<g class="y-axis" font-size="11" fill="#52606d">')
    for t, text in zip(ticks, tick_texts, strict=True):
        y = y_of(t)
        colour = _AXIS if t == 0 else _GRID
        out.append(
            f'<line x1="{_n(margin_left)}" x2="{_n(width - 16)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
            f'<text x="{_n(margin_left - 6)}" y="{_n(y + 4)}" text-anchor="end">{_esc(text)}</text>'
        )
    out.append("</g>")
    if chart.y_label:
        cy, lx = margin_top + plot_h / 2, margin_left - tick_w - 18
        out.append(
            f'<text x="{_n(lx)}" y="{_n(cy)}" transform="rotate(-90 {_n(lx)} {_n(cy)})" '
            f'text-anchor="middle" font-size="12" fill="{_MUTED}">{_esc(chart.y_label)}</text>'
        )
    # bars
    inner = group_w * 0.78
    bar_w = inner / n_series
    zero_y = y_of(0.0)
    show_values = n_groups * n_series <= 12
    out.append('<g class="bars">')
    for g, label in enumerate(labels):
        gx = margin_left + g * group_w + (group_w - inner) / 2
        out.append(f"<g><title>{_esc(label)}</title>")
        for s, (name, values) in enumerate(chart.series):
            v = values[g]
            y = y_of(v)
            top, bottom = min(y, zero_y), max(y, zero_y)
            x = gx + s * bar_w
            out.append(
                f'<rect x="{_n(x + 0.5)}" y="{_n(top)}" width="{_n(max(bar_w - 1, 1))}" '
                f'height="{_n(max(bottom - top, 0.5))}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{_esc(label)}, {_esc(name)}: {_esc(format_number(v))}</title></rect>"
            )
            if show_values:
                ty = top - 4 if v >= 0 else bottom + 12
                out.append(
                    f'<text x="{_n(x + bar_w / 2)}" y="{_n(ty)}" text-anchor="middle" '
                    f'font-size="10" fill="{_MUTED}">{_esc(format_number(v))}</text>'
                )
        out.append("</g>")
    out.append("</g>")
    # x labels
    out.append('<g class="x-axis" font-size="11">')
    base = margin_top + plot_h
    for g, text in enumerate(short):
        cx = margin_left + (g + 0.5) * group_w
        if rotate:
            out.append(
                f'<text x="{_n(cx)}" y="{_n(base + 14)}" text-anchor="end" '
                f'transform="rotate(-40 {_n(cx)} {_n(base + 14)})">'
                f"<title>{_esc(labels[g])}</title>{_esc(text)}</text>"
            )
        else:
            out.append(
                f'<text x="{_n(cx)}" y="{_n(base + 16)}" text-anchor="middle">'
                f"<title>{_esc(labels[g])}</title>{_esc(text)}</text>"
            )
    out.append("</g></svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# ROC curve, log-log


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_label(exponent: int) -> str:
    return "1" if exponent == 0 else "10" + str(exponent).translate(_SUPERSCRIPT)


def roc_curve_svg(chart: RocCurve, *, chart_id: str = "roc-curve") -> str:
    """ROC curves on log-log axes (FPR and TPR from 1e-3 to 1), with the diagonal y = x
    ("random guess") dashed. Rates below 1e-3, zeros included, are drawn at 1e-3, so the
    low-FPR region that matters for membership inference (Carlini et al. 2022, "Membership
    Inference Attacks From First Principles", S&P) is visible."""
    size = 340.0
    left, top, bottom = 64.0, 16.0, 52.0
    legend_x = left + size + 24
    names = [_truncate(name, 40) for name, _, _ in chart.curves]
    legend_w = max(150.0, 28 + max(_text_width(n, 12) for n in names))
    width = legend_x + legend_w + 8
    height = top + size + bottom
    decades = int(round(-math.log10(ROC_MIN)))

    def pos(v: float) -> float:
        v = min(1.0, max(ROC_MIN, v))
        return (math.log10(v) + decades) / decades * size

    def px(v: float) -> float:
        return left + pos(v)

    def py(v: float) -> float:
        return top + size - pos(v)

    desc = (
        f"ROC curves of {len(chart.curves)} attack(s) on log-log axes: false-positive rate "
        f"(x) and true-positive rate (y) from 0.001 to 1; the dashed diagonal is random guessing."
    )
    out = _open_svg(width, height, chart_id, chart.caption, desc)
    # minor and major grid
    out.append('<g class="grid">')
    for e in range(-decades, 0):
        for m in range(2, 10):
            v = m * 10.0**e
            out.append(
                f'<line x1="{_n(px(v))}" x2="{_n(px(v))}" y1="{_n(top)}" y2="{_n(top + size)}" '
                f'stroke="{_GRID_MINOR}"/>'
                f'<line x1="{_n(left)}" x2="{_n(left + size)}" y1="{_n(py(v))}" y2="{_n(py(v))}" '
                f'stroke="{_GRID_MINOR}"/>'
            )
    for e in range(-decades, 1):
        v = 10.0**e
        out.append(
            f'<line x1="{_n(px(v))}" x2="{_n(px(v))}" y1="{_n(top)}" y2="{_n(top + size)}" '
            f'stroke="{_GRID}"/>'
            f'<line x1="{_n(left)}" x2="{_n(left + size)}" y1="{_n(py(v))}" y2="{_n(py(v))}" '
            f'stroke="{_GRID}"/>'
        )
    out.append(
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(size)}" height="{_n(size)}" '
        f'fill="none" stroke="{_AXIS}"/></g>'
    )
    # tick labels
    out.append(f'<g class="ticks" font-size="11" fill="{_MUTED}">')
    for e in range(-decades, 1):
        v = 10.0**e
        label = _decade_label(e)
        out.append(
            f'<text x="{_n(px(v))}" y="{_n(top + size + 16)}" text-anchor="middle">{label}</text>'
            f'<text x="{_n(left - 6)}" y="{_n(py(v) + 4)}" text-anchor="end">{label}</text>'
        )
    out.append("</g>")
    out.append(
        f'<text x="{_n(left + size / 2)}" y="{_n(top + size + 40)}" text-anchor="middle" '
        f'fill="{_MUTED}">False-positive rate (log scale)</text>'
        f'<text x="16" y="{_n(top + size / 2)}" text-anchor="middle" fill="{_MUTED}" '
        f'transform="rotate(-90 16 {_n(top + size / 2)})">True-positive rate (log scale)</text>'
    )
    # diagonal
    out.append(
        f'<g class="diagonal"><title>random guess (TPR = FPR)</title>'
        f'<line x1="{_n(px(ROC_MIN))}" y1="{_n(py(ROC_MIN))}" x2="{_n(px(1.0))}" '
        f'y2="{_n(py(1.0))}" stroke="#7b8794" stroke-width="1.5" stroke-dasharray="5 4"/>'
    )
    mx, my = px(0.03), py(0.03)
    out.append(
        f'<text x="{_n(mx + 6)}" y="{_n(my + 14)}" font-size="11" fill="{_MUTED}" '
        f'transform="rotate(-45 {_n(mx + 6)} {_n(my + 14)})">random guess</text></g>'
    )
    # curves
    out.append('<g class="curves" fill="none" stroke-width="2" stroke-linejoin="round">')
    for i, (name, fpr, tpr) in enumerate(chart.curves):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{_n(px(f))},{_n(py(t))}" for f, t in zip(fpr, tpr, strict=True))
        if len(fpr) == 1:
            out.append(
                f'<circle cx="{_n(px(fpr[0]))}" cy="{_n(py(tpr[0]))}" r="4" fill="{colour}" '
                f'stroke="none"><title>{_esc(name)}</title></circle>'
            )
        else:
            out.append(
                f'<polyline points="{points}" stroke="{colour}">'
                f"<title>{_esc(name)}</title></polyline>"
            )
    out.append("</g>")
    # legend (vertical, right of the plot)
    out.append('<g class="legend" font-size="12">')
    ly = top + 12
    for i, (name, short) in enumerate(zip((c[0] for c in chart.curves), names, strict=True)):
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<line x1="{_n(legend_x)}" x2="{_n(legend_x + 20)}" y1="{_n(ly - 4)}" '
            f'y2="{_n(ly - 4)}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{_n(legend_x + 26)}" y="{_n(ly)}"><title>{_esc(name)}</title>'
            f"{_esc(short)}</text>"
        )
        ly += 20
    out.append(
        f'<line x1="{_n(legend_x)}" x2="{_n(legend_x + 20)}" y1="{_n(ly - 4)}" y2="{_n(ly - 4)}" '
        f'stroke="#7b8794" stroke-width="1.5" stroke-dasharray="5 4"/>'
        f'<text x="{_n(legend_x + 26)}" y="{_n(ly)}" fill="{_MUTED}">random guess</text>'
    )
    out.append("</g></svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# heatmap

_SEQUENTIAL = ((0.0, (247, 251, 255)), (0.5, (107, 174, 214)), (1.0, (8, 48, 107)))
_DIVERGING = ((0.0, (178, 24, 43)), (0.5, (247, 247, 247)), (1.0, (33, 102, 172)))
_MISSING = "#d9dde2"


def _interpolate(stops: Sequence[tuple[float, tuple[int, int, int]]], t: float) -> tuple[int, ...]:
    t = min(1.0, max(0.0, t))
    for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
        if t <= t1:
            f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return tuple(round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True))
    return stops[-1][1]


def _scale_position(v: float, lo: float, hi: float, diverging: bool) -> float:
    if not diverging:
        return (v - lo) / (hi - lo)
    # zero sits at the centre of a diverging scale, whatever the asymmetry of the range
    return 0.5 - 0.5 * v / lo if v < 0 else 0.5 + 0.5 * v / hi


def _hex(rgb: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _ink_for(rgb: Sequence[int]) -> str:
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return "#ffffff" if luminance < 0.55 else _INK


def heatmap_svg(chart: Heatmap, *, chart_id: str = "heatmap") -> str:
    """A heatmap with row labels on the left, column labels on top (slanted), a colour bar
    with its range, and the value printed in each cell when cells are large enough.

    Sequential blue scale, or a diverging red-white-blue scale centred on 0 when the range spans
    0. ``None`` cells are grey ("n/a")."""
    rows, cols = chart.labels, chart.columns
    lo, hi = chart.value_range
    diverging = lo < 0 < hi
    stops = _DIVERGING if diverging else _SEQUENTIAL
    cell = max(14.0, min(44.0, 440.0 / max(len(rows), len(cols))))
    row_short = [_truncate(r, 24) for r in rows]
    col_short = [_truncate(c, 24) for c in cols]
    left = 12 + max(_text_width(r, 11) for r in row_short)
    top = 12 + max(_text_width(c, 11) for c in col_short) * 0.72 + 8
    grid_w, grid_h = cell * len(cols), cell * len(rows)
    bar_x = left + grid_w + 28
    bar_h = max(grid_h, 140.0)
    width = bar_x + 14 + 8 + 44
    height = top + bar_h + (30 if any(v is None for row in chart.values for v in row) else 12)
    show_values = cell >= 30

    desc = (
        f"Heatmap of {len(rows)} by {len(cols)} values on a colour scale from "
        f"{format_number(lo)} to {format_number(hi)}."
    )
    out = _open_svg(width, height, chart_id, chart.caption, desc)
    # column labels, slanted
    out.append('<g class="col-labels" font-size="11">')
    for j, text in enumerate(col_short):
        cx = left + (j + 0.5) * cell
        out.append(
            f'<text x="{_n(cx)}" y="{_n(top - 6)}" transform="rotate(-45 {_n(cx)} {_n(top - 6)})">'
            f"<title>{_esc(cols[j])}</title>{_esc(text)}</text>"
        )
    out.append("</g>")
    # row labels
    out.append('<g class="row-labels" font-size="11">')
    for i, text in enumerate(row_short):
        cy = top + (i + 0.5) * cell + 4
        out.append(
            f'<text x="{_n(left - 6)}" y="{_n(cy)}" text-anchor="end">'
            f"<title>{_esc(rows[i])}</title>{_esc(text)}</text>"
        )
    out.append("</g>")
    # cells
    font = min(11.0, cell * 0.32)
    out.append(f'<g class="cells" font-size="{_n(font)}" text-anchor="middle">')
    for i, row in enumerate(chart.values):
        for j, v in enumerate(row):
            x, y = left + j * cell, top + i * cell
            if v is None:
                fill, ink, shown = _MISSING, _MUTED, "n/a"
            else:
                rgb = _interpolate(stops, _scale_position(min(hi, max(lo, v)), lo, hi, diverging))
                fill, ink, shown = _hex(rgb), _ink_for(rgb), f"{v:.2f}"
            tip = f"{rows[i]} × {cols[j]}: " + ("not available" if v is None else format_number(v))
            out.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(cell)}" height="{_n(cell)}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="1"><title>{_esc(tip)}</title></rect>'
            )
            if show_values:
                out.append(
                    f'<text x="{_n(x + cell / 2)}" y="{_n(y + cell / 2 + font * 0.35)}" '
                    f'fill="{ink}">{shown}</text>'
                )
    out.append("</g>")
    # colour bar
    steps = 24
    out.append('<g class="colour-scale" font-size="11">')
    for k in range(steps):
        t_top = 1 - k / steps
        v = lo + (hi - lo) * (t_top - 0.5 / steps)
        rgb = _interpolate(stops, _scale_position(v, lo, hi, diverging))
        out.append(
            f'<rect x="{_n(bar_x)}" y="{_n(top + k * bar_h / steps)}" width="14" '
            f'height="{_n(bar_h / steps + 0.5)}" fill="{_hex(rgb)}"/>'
        )
    out.append(
        f'<rect x="{_n(bar_x)}" y="{_n(top)}" width="14" height="{_n(bar_h)}" fill="none" '
        f'stroke="{_AXIS}"/>'
    )
    marks = [lo, 0.0, hi] if diverging else [lo, (lo + hi) / 2, hi]
    for v in marks:
        y = top + bar_h - _scale_position(v, lo, hi, diverging) * bar_h
        out.append(
            f'<line x1="{_n(bar_x + 14)}" x2="{_n(bar_x + 18)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{_AXIS}"/>'
            f'<text x="{_n(bar_x + 21)}" y="{_n(y + 4)}" fill="{_MUTED}">'
            f"{_esc(format_number(v))}</text>"
        )
    out.append("</g>")
    if any(v is None for row in chart.values for v in row):
        ly = top + bar_h + 20
        out.append(
            f'<rect x="{_n(left)}" y="{_n(ly - 10)}" width="12" height="12" fill="{_MISSING}"/>'
            f'<text x="{_n(left + 18)}" y="{_n(ly)}" font-size="11" fill="{_MUTED}">'
            "n/a: not available</text>"
        )
    out.append("</svg>")
    return "".join(out)
