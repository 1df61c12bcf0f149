"""The report's machine-readable form: a versioned JSON document (``report.json``).

The document is described by the packaged JSON Schema ``reports/report.schema.json`` (Draft
2020-12). :func:`report_to_dict` produces it, :func:`validate_report_dict` checks any dict
against it, and :func:`report_from_dict` rebuilds a :class:`~reports.model.Report` (e.g. to
re-render the HTML from a stored ``report.json``).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

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
)

__all__ = [
    "REPORT_KIND",
    "load_report_json",
    "report_from_dict",
    "report_schema",
    "report_to_dict",
    "validate_report_dict",
    "write_report_json",
]

REPORT_KIND = "clearance-report"
"""Value of the document's ``kind`` field."""

_SCHEMA_FILE = "report.schema.json"


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("reports").joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")


def report_schema() -> dict[str, Any]:
    """The packaged JSON Schema of the report document (a fresh copy each call)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# ---------------------------------------------------------------------------------------------
# to JSON


def _measured_to_dict(m: Measured | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "value": m.value,
        "lower": m.lower,
        "upper": m.upper,
        "unit": m.unit,
        "n": m.n,
        "method": m.method,
    }


def _finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "check_id": f.check_id,
        "title": f.title,
        "status": f.status.value,
        "measured": _measured_to_dict(f.measured),
        "threshold": f.threshold,
        "rationale": f.rationale,
        "section_id": f.section_id,
    }


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "emphasis": block.emphasis}
    if isinstance(block, Table):
        return {
            "type": "table",
            "caption": block.caption,
            "headers": list(block.headers),
            "rows": [list(row) for row in block.rows],
        }
    if isinstance(block, BarChart):
        return {
            "type": "bar_chart",
            "caption": block.caption,
            "labels": list(block.labels),
            "series": [{"name": name, "values": list(values)} for name, values in block.series],
            "y_label": block.y_label,
        }
    if isinstance(block, RocCurve):
        return {
            "type": "roc_curve",
            "caption": block.caption,
            "curves": [
                {"name": name, "fpr": list(fpr), "tpr": list(tpr)}
                for name, fpr, tpr in block.curves
            ],
        }
    if isinstance(block, Heatmap):
        return {
            "type": "heatmap",
            "caption": block.caption,
            "labels": list(block.labels),
            "column_labels": None if block.column_labels is None else list(block.column_labels),
            "values": [list(row) for row in block.values],
            "value_range": list(block.value_range),
        }
    raise TypeError(f"not a report block: {type(block).__name__}")


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as a JSON-compatible dict conforming to ``report.schema.json``.

    Statuses become their string values; blocks are tagged with ``"type"`` (``paragraph``,
    ``table``, ``bar_chart``, ``roc_curve``, ``heatmap``); provenance versions become an object
    keyed by package. ``results`` is copied as given.
    """
    p = report.provenance
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "kind": REPORT_KIND,
        "title": report.title,
        "verdict": report.verdict.value,
        "guarantee": report.guarantee,
        "warnings": list(report.warnings),
        "findings": [_finding_to_dict(f) for f in report.findings],
        "sections": [
            {
                "section_id": s.section_id,
                "title": s.title,
                "blocks": [_block_to_dict(b) for b in s.blocks],
            }
            for s in report.sections
        ],
        "provenance": {
            "clearance_version": p.clearance_version,
            "created_at": p.created_at,
            "input_sha256": p.input_sha256,
            "config_sha256": p.config_sha256,
            "seed": p.seed,
            "secure_randomness": p.secure_randomness,
            "versions": dict(p.versions),
        },
        "results": json.loads(json.dumps(report.results, allow_nan=False)),
    }


# ---------------------------------------------------------------------------------------------
# validation and reading


def validate_report_dict(data: Any) -> None:
    """Check ``data`` against the packaged report schema.

    Raises :class:`~reports.model.ReportValidationError` listing every violation (with its JSON
    path), or returns None when the document conforms.
    """
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    lines = []
    for err in errors[:20]:
        where = "/".join(str(part) for part in err.absolute_path) or "(document)"
        lines.append(f"{where}: {err.message}")
    more = f"; and {len(errors) - 20} more" if len(errors) > 20 else ""
    raise ReportValidationError(
        f"report does not match schema {REPORT_SCHEMA_VERSION} "
        f"({len(errors)} problem{'s' if len(errors) != 1 else ''}): " + "; ".join(lines) + more
    )


def write_report_json(report: Report, path: str | os.PathLike[str]) -> Path:
    """Validate the report's JSON form and write it to ``path`` (UTF-8, indented); returns the
    path. Nothing is written if validation fails."""
    data = report_to_dict(report)
    validate_report_dict(data)
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out


def load_report_json(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a ``report.json`` and validate it; returns the dict. Raises
    :class:`~reports.model.ReportValidationError` if it is not valid JSON or breaks the schema."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportValidationError(
            f"{os.fspath(path)} is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    validate_report_dict(data)
    result: dict[str, Any] = data
    return result


def _block_from_dict(d: dict[str, Any]) -> Block:
    kind = d["type"]
    if kind == "paragraph":
        return Paragraph(d["text"], emphasis=d["emphasis"])
    if kind == "table":
        return Table(d["caption"], tuple(d["headers"]), tuple(tuple(r) for r in d["rows"]))
    if kind == "bar_chart":
        return BarChart(
            d["caption"],
            tuple(d["labels"]),
            tuple((s["name"], tuple(s["values"])) for s in d["series"]),
            y_label=d["y_label"],
        )
    if kind == "roc_curve":
        return RocCurve(
            d["caption"],
            tuple((c["name"], tuple(c["fpr"]), tuple(c["tpr"])) for c in d["curves"]),
        )
    if kind == "heatmap":
        cols = d["column_labels"]
        lo, hi = d["value_range"]
        return Heatmap(
            d["caption"],
            tuple(d["labels"]),
            tuple(tuple(r) for r in d["values"]),
            value_range=(lo, hi),
            column_labels=None if cols is None else tuple(cols),
        )
    raise ReportValidationError(f"unknown block type {kind!r}")  # pragma: no cover (schema)


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild a :class:`~reports.model.Report` from its JSON form (validated first)."""
    validate_report_dict(data)
    p = data["provenance"]
    findings = tuple(
        Finding(
            check_id=f["check_id"],
            title=f["title"],
            status=Status(f["status"]),
            measured=None if f["measured"] is None else Measured(**f["measured"]),
            threshold=f["threshold"],
            rationale=f["rationale"],
            section_id=f["section_id"],
        )
        for f in data["findings"]
    )
    sections = tuple(
        Section(s["section_id"], s["title"], tuple(_block_from_dict(b) for b in s["blocks"]))
        for s in data["sections"]
    )
    return Report(
        title=data["title"],
        verdict=Status(data["verdict"]),
        guarantee=data["guarantee"],
        findings=findings,
        sections=sections,
        provenance=Provenance(
            clearance_version=p["clearance_version"],
            created_at=p["created_at"],
            input_sha256=p["input_sha256"],
            config_sha256=p["config_sha256"],
            seed=p["seed"],
            secure_randomness=p["secure_randomness"],
            versions=tuple(p["versions"].items()),
        ),
        results=data["results"],
        warnings=tuple(data["warnings"]),
    )
