"""The report's human-readable form: one self-contained HTML file (``report.html``).

The page opens from disk with no network: CSS and SVG charts are inline, there are no scripts,
external links, fonts or images. It is rendered with Jinja2 (autoescaping on) from the packaged
template ``reports/report_template.html``; every piece of text from the report is escaped, and
the only markup inserted unescaped is the SVG built (and escaped) by :mod:`reports.svg`.

Layout: title, verdict badge, the guarantee sentence, red warning banners, the checks table
(most serious first), contents, the sections, and provenance. Print CSS lays it out on A4 with
each section on a new page and colours kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from reports.model import (
    REPORT_SCHEMA_VERSION,
    BarChart,
    Block,
    Heatmap,
    Measured,
    Paragraph,
    Report,
    RocCurve,
    Status,
    Table,
    format_measured,
    format_number,
    status_order,
)
from reports.svg import bar_chart_svg, heatmap_svg, roc_curve_svg

__all__ = ["TEMPLATE_NAME", "render_html", "write_report_html"]

TEMPLATE_NAME = "report_template.html"
"""The packaged Jinja2 template, a file in the ``reports`` package."""

_VERDICT_TEXT: dict[Status, str] = {
    Status.PASS: "Every check met its threshold.",
    Status.WARN: "No check failed, but at least one needs a reviewer's attention.",
    Status.FAIL: "At least one check failed its threshold. Do not release without review.",
    Status.ERROR: "At least one check could not be run, so the release cannot be assessed.",
    Status.SKIPPED: "No check was run.",
}

_NUMERIC_CELL = re.compile(r"^[−+-]?[\d.,]+(e[+-]?\d+)?\s*(%|‰)?(\s*\[[^\]]*\])?$", re.IGNORECASE)


@dataclass(frozen=True)
class _BlockView:
    """A block prepared for the template."""

    kind: str  # "paragraph", "table" or "figure"
    block: Block
    number: int = 0  # figure or table number
    svg: Markup = Markup("")
    numeric_columns: tuple[bool, ...] = ()


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    source = resources.files("reports").joinpath(TEMPLATE_NAME).read_text(encoding="utf-8")
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["measured"] = format_measured
    return env.from_string(source)


def _anchor(section_id: str, used: set[str]) -> str:
    base = "sec-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", section_id).strip("-") or "section")
    anchor, k = base, 2
    while anchor in used:
        anchor, k = f"{base}-{k}", k + 1
    used.add(anchor)
    return anchor


def _numeric_columns(table: Table) -> tuple[bool, ...]:
    """Columns whose non-empty cells all look like numbers (right-aligned in the page)."""
    flags = []
    for j in range(len(table.headers)):
        cells = [row[j].strip() for row in table.rows if row[j].strip() not in ("", "—", "-")]
        flags.append(bool(cells) and all(_NUMERIC_CELL.match(c) for c in cells))
    return tuple(flags)


def _measured_detail(m: Measured | None) -> str:
    if m is None:
        return ""
    parts = []
    if m.n is not None:
        parts.append(f"n = {format_number(m.n)}")
    if m.method:
        parts.append(m.method)
    return " · ".join(parts)


def _context(report: Report) -> dict[str, Any]:
    used: set[str] = set()
    anchors = {s.section_id: _anchor(s.section_id, used) for s in report.sections}
    figure_no = table_no = 0
    sections = []
    for index, section in enumerate(report.sections, start=1):
        views = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                views.append(_BlockView("paragraph", block))
            elif isinstance(block, Table):
                table_no += 1
                views.append(
                    _BlockView("table", block, table_no, numeric_columns=_numeric_columns(block))
                )
            else:
                figure_no += 1
                chart_id = f"fig-{figure_no}"
                if isinstance(block, BarChart):
                    svg = bar_chart_svg(block, chart_id=chart_id)
                elif isinstance(block, RocCurve):
                    svg = roc_curve_svg(block, chart_id=chart_id)
                elif isinstance(block, Heatmap):
                    svg = heatmap_svg(block, chart_id=chart_id)
                else:  # pragma: no cover - Section rejects other types
                    raise TypeError(f"not a report block: {type(block).__name__}")
                # svg.py escapes every piece of text it writes, so the fragment is safe markup.
                views.append(_BlockView("figure", block, figure_no, svg=Markup(svg)))
        sections.append(
            {
                "number": index,
                "anchor": anchors[section.section_id],
                "section": section,
                "blocks": views,
            }
        )
    findings = [
        {
            "finding": f,
            "anchor": anchors.get(f.section_id),
            "section_number": next(
                (s["number"] for s in sections if s["section"].section_id == f.section_id),
                None,
            ),
            "detail": _measured_detail(f.measured),
        }
        for f in sorted(report.findings, key=lambda f: status_order(f.status))
    ]
    counts = [
        (status, sum(1 for f in report.findings if f.status is status))
        for status in sorted(Status, key=status_order)
    ]
    return {
        "report": report,
        "verdict": report.verdict.value,
        "verdict_text": _VERDICT_TEXT[report.verdict],
        "findings": findings,
        "counts": [(s.value, n) for s, n in counts if n],
        "sections": sections,
        "provenance": report.provenance,
        "schema_version": REPORT_SCHEMA_VERSION,
    }


def render_html(report: Report) -> str:
    """The report as one self-contained HTML5 document (str)."""
    return _template().render(**_context(report))


def write_report_html(report: Report, path: str | os.PathLike[str]) -> Path:
    """Render the report and write it to ``path`` as UTF-8; returns the path."""
    out = Path(path)
    out.write_text(render_html(report), encoding="utf-8")
    return out
