"""Clearance's compliance report: a plain-data model and its JSON and HTML renderings.

This package imports no other project package. ``clearance`` builds a :class:`Report` from a
run's results; :func:`write_report_json` and :func:`write_report_html` write ``report.json`` and
``report.html``.
"""

from reports.html_report import TEMPLATE_NAME, render_html, write_report_html
from reports.json_report import (
    REPORT_KIND,
    load_report_json,
    report_from_dict,
    report_schema,
    report_to_dict,
    validate_report_dict,
    write_report_json,
)
from reports.model import (
    REPORT_SCHEMA_VERSION,
    BarChart,
    Block,
    Finding,
    Heatmap,
    Measured,
    Paragraph,
    Provenance,
    Report,
    ReportValidationError,
    RocCurve,
    Section,
    Status,
    Table,
    format_measured,
    format_number,
    overall_verdict,
    status_order,
)
from reports.svg import bar_chart_svg, heatmap_svg, roc_curve_svg

__all__ = [
    "REPORT_KIND",
    "REPORT_SCHEMA_VERSION",
    "TEMPLATE_NAME",
    "BarChart",
    "Block",
    "Finding",
    "Heatmap",
    "Measured",
    "Paragraph",
    "Provenance",
    "Report",
    "ReportValidationError",
    "RocCurve",
    "Section",
    "Status",
    "Table",
    "bar_chart_svg",
    "format_measured",
    "format_number",
    "heatmap_svg",
    "load_report_json",
    "overall_verdict",
    "render_html",
    "report_from_dict",
    "report_schema",
    "report_to_dict",
    "roc_curve_svg",
    "status_order",
    "validate_report_dict",
    "write_report_html",
    "write_report_json",
]
