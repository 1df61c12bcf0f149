"""Tests of the report model and its JSON and HTML renderings (``reports``). Fast: no models."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reports import (
    REPORT_SCHEMA_VERSION,
    BarChart,
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
    load_report_json,
    overall_verdict,
    render_html,
    report_from_dict,
    report_to_dict,
    roc_curve_svg,
    validate_report_dict,
    write_report_html,
    write_report_json,
)
from reports.svg import bar_chart_svg, heatmap_svg

MALICIOUS = "<img src=x onerror=alert(1)>"
GUARANTEE = (
    "The synthetic table satisfies (ε = 3, δ = 1e-06)-differential privacy per patient: "
    "adding or removing all records of any one patient changes the probability of any "
    "release by at most a factor of e³ (plus δ)."
)
NON_PRIVATE = "NON-PRIVATE TRAINING: the audit's shadow models were trained without DP-SGD."


def _finding(check_id: str, status: Status, **kwargs: object) -> Finding:
    base: dict[str, object] = {
        "check_id": check_id,
        "title": check_id.replace(".", " ").capitalize(),
        "status": status,
        "measured": None,
        "threshold": "",
        "rationale": "",
        "section_id": "",
    }
    base.update(kwargs)
    return Finding(**base)  # type: ignore[arg-type]


def sample_report(*, warnings: tuple[str, ...] = (NON_PRIVATE,)) -> Report:
    """A report with every block type, every status and a hostile category label."""
    findings = (
        _finding(
            "budget.total",
            Status.PASS,
            title="Total privacy budget",
            measured=Measured(3.0, unit="ε", method="PRV accountant"),
            threshold="ε ≤ 3, δ ≤ 1/n",
            rationale="The accountant's ε for the whole release, including domain measurement.",
            section_id="budget",
        ),
        _finding(
            "mia.auc",
            Status.FAIL,
            title="Membership inference (AUC)",
            measured=Measured(0.571, 0.552, 0.590, n=4000, method="hanley-mcneil"),
            threshold="AUC ≤ 0.55",
            rationale="The strongest attack tells members from non-members better than allowed.",
            section_id="attacks",
        ),
        _finding(
            "mia.tpr_at_low_fpr",
            Status.WARN,
            title="Attack TPR at FPR = 0.001",
            measured=Measured(0.0031, 0.0012, 0.0079, n=2000, method="clopper-pearson"),
            threshold="≤ 0.005",
            rationale="Close to the limit in the low false-positive regime.",
            section_id="attacks",
        ),
        _finding(
            "canary.exposure",
            Status.ERROR,
            title="Canary exposure",
            threshold="exposure ≤ 2 bits",
            rationale="The canary audit raised InvalidInputError; nothing was measured.",
            section_id="canaries",
        ),
        _finding(
            "quality.marginals",
            Status.PASS,
            title="Marginal fidelity (1 − TVD)",
            measured=Measured(0.934, 0.928, 0.940, n=32561, method="bootstrap"),
            threshold="≥ 0.85",
            rationale="Synthetic marginals track the real ones.",
            section_id="quality",
        ),
        _finding(
            "risk.singling_out",
            Status.SKIPPED,
            title="Singling-out risk",
            threshold="risk ≤ 0.05",
            rationale="Disabled in the configuration.",
        ),
        _finding(
            "risk.real_table.average",
            Status.INFO,
            title="Real table (not released): average re-identification risk",
            measured=Measured(0.4, n=5000, method="exact"),
            threshold="<= 0.2 to share it as it is",
            rationale="Context for the reader; does not change the verdict.",
        ),
    )
    categories = ("Emergency", "Elective", "Urgent", MALICIOUS)
    sections = (
        Section(
            "budget",
            "Privacy budget",
            (
                Paragraph("The budget is split between measuring column domains and training."),
                Table(
                    "How the privacy budget was spent",
                    ("Stage", "ε", "δ", "Share"),
                    (
                        ("Domain measurement", "0.3", "0", "10%"),
                        ("DP-SGD training", "2.7", "1e-06", "90%"),
                        (MALICIOUS, "—", "—", "—"),
                    ),
                ),
            ),
        ),
        Section(
            "attacks",
            "Membership inference",
            (
                Paragraph(
                    "Attacks succeed more often than allowed; see the ROC curve.", emphasis=True
                ),
                RocCurve(
                    "Attack ROC curves, log-log axes",
                    (
                        (
                            "Shadow-model attack (AUC 0.571)",
                            (0.0, 0.001, 0.01, 0.1, 0.5, 1.0),
                            (0.0, 0.0031, 0.02, 0.16, 0.62, 1.0),
                        ),
                        (
                            "Distance to closest record",
                            (0.0, 0.002, 0.05, 0.3, 1.0),
                            (0.0, 0.0015, 0.05, 0.31, 1.0),
                        ),
                    ),
                ),
            ),
        ),
        Section("canaries", "Canary exposure", (Paragraph("The canary stage raised an error."),)),
        Section(
            "quality",
            "Synthetic data quality",
            (
                BarChart(
                    "Admission type: share of rows, real vs synthetic",
                    categories,
                    (("real", (0.52, 0.31, 0.15, 0.02)), ("synthetic", (0.49, 0.33, 0.16, 0.02))),
                    y_label="share of rows",
                ),
                Heatmap(
                    "Pairwise association (Cramér's V), real table",
                    ("age", "sex", "admission_type", MALICIOUS),
                    (
                        (1.0, 0.12, 0.31, 0.05),
                        (0.12, 1.0, 0.08, None),
                        (0.31, 0.08, 1.0, 0.44),
                        (0.05, None, 0.44, 1.0),
                    ),
                ),
            ),
        ),
    )
    return Report(
        title="Admissions 2023 — synthetic release",
        verdict=overall_verdict(findings),
        guarantee=GUARANTEE,
        findings=findings,
        sections=sections,
        provenance=Provenance(
            clearance_version="0.1.0",
            created_at="2025-03-14T09:26:53Z",
            input_sha256="a" * 64,
            config_sha256="0123456789abcdef" * 4,
            seed=20250314,
            secure_randomness=False,
            versions=(("python", "3.11.7"), ("torch", "2.13.0"), ("opacus", "1.6.0")),
        ),
        results={"budget": {"epsilon": 3.0, "delta": 1e-6}, "attacks": [{"auc": 0.571}]},
        warnings=warnings,
    )


# ---------------------------------------------------------------------------------------------
# model


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((Status.PASS, Status.WARN, Status.FAIL, Status.ERROR), Status.ERROR),
        ((Status.PASS, Status.FAIL, Status.WARN, Status.SKIPPED), Status.FAIL),
        ((Status.PASS, Status.WARN, Status.SKIPPED), Status.WARN),
        ((Status.PASS, Status.SKIPPED), Status.PASS),
        ((Status.SKIPPED,), Status.PASS),
        ((), Status.PASS),
    ],
)
def test_overall_verdict_precedence(statuses: tuple[Status, ...], expected: Status) -> None:
    findings = [_finding(f"c{i}", s) for i, s in enumerate(statuses)]
    assert overall_verdict(findings) is expected


def test_table_with_wrong_row_length_raises() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells but there are 2 headers"):
        Table("t", ("a", "b"), (("1", "2"), ("3",)))


def test_table_reports_every_problem_at_once() -> None:
    with pytest.raises(ReportValidationError) as info:
        Table("t", ("a", "b"), (("1",), ("2", 3)))  # type: ignore[arg-type]
    assert "row 0" in str(info.value) and "row 1" in str(info.value)


def test_lists_are_stored_as_tuples() -> None:
    table = Table("t", ["a"], [["1"], ["2"]])  # type: ignore[arg-type]
    assert table.headers == ("a",) and table.rows == (("1",), ("2",))


@pytest.mark.parametrize(
    "build",
    [
        lambda: RocCurve("r", (("a", (0.0, 0.5), (0.0,)),)),
        lambda: RocCurve("r", (("a", (0.0, 1.5), (0.0, 1.0)),)),
        lambda: RocCurve("r", ()),
        lambda: BarChart("b", ("x", "y"), (("s", (1.0,)),)),
        lambda: BarChart("b", ("x",), (("s", (float("nan"),)),)),
        lambda: Heatmap("h", ("a", "b"), ((1.0, 0.0),)),
        lambda: Heatmap("h", ("a",), ((1.0,),), value_range=(1.0, 0.0)),
        lambda: Measured(0.5, lower=0.6),
        lambda: Measured(float("inf")),
        lambda: _finding("x", "maybe"),  # type: ignore[arg-type]
        lambda: Provenance("0.1", "now", "abc", "d" * 64, 1, True, ()),
    ],
)
def test_malformed_objects_raise_value_error(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_report_rejects_duplicate_sections_and_non_json_results() -> None:
    good = sample_report()
    with pytest.raises(ReportValidationError) as info:
        Report(
            good.title,
            good.verdict,
            good.guarantee,
            good.findings,
            (good.sections[0], good.sections[0]),
            good.provenance,
            results={"x": object()},
        )
    message = str(info.value)
    assert "section ids must be unique" in message and "JSON-compatible" in message


def test_report_copies_results() -> None:
    results = {"budget": {"epsilon": 1.0}}
    report = Report("t", Status.PASS, "g", (), (), sample_report().provenance, results=results)
    results["budget"]["epsilon"] = 99.0
    assert report.results["budget"]["epsilon"] == 1.0


def test_number_formatting() -> None:
    assert format_number(0.5234) == "0.523"
    assert format_number(1e-5) == "1e-05"
    assert format_number(48842) == "48,842"
    assert format_number(0.0) == "0"
    assert format_measured(Measured(0.52, 0.49, 0.55)) == "0.52 [0.49, 0.55]"
    assert format_measured(Measured(12.5, unit="%")) == "12.5%"
    assert format_measured(Measured(3.0, upper=3.4, unit="ε", n=10)) == "3 […, 3.4] ε"
    assert format_measured(None) == "—"


# ---------------------------------------------------------------------------------------------
# JSON


def test_report_dict_validates_and_is_tagged() -> None:
    data = report_to_dict(sample_report())
    validate_report_dict(data)
    assert data["schema_version"] == REPORT_SCHEMA_VERSION
    assert data["kind"] == "clearance-report"
    assert data["verdict"] == "error"
    assert {f["status"] for f in data["findings"]} == {s.value for s in Status}
    types = {b["type"] for s in data["sections"] for b in s["blocks"]}
    assert types == {"paragraph", "table", "bar_chart", "roc_curve", "heatmap"}


def test_dict_missing_verdict_fails_validation() -> None:
    data = report_to_dict(sample_report())
    del data["verdict"]
    with pytest.raises(ReportValidationError, match="verdict"):
        validate_report_dict(data)


def test_validation_lists_every_problem() -> None:
    data = report_to_dict(sample_report())
    data["findings"][0]["status"] = "maybe"
    data["provenance"]["input_sha256"] = "not-a-hash"
    with pytest.raises(ReportValidationError) as info:
        validate_report_dict(data)
    assert "findings/0/status" in str(info.value) and "provenance/input_sha256" in str(info.value)


def test_json_round_trip(tmp_path: Path) -> None:
    report = sample_report()
    data = report_to_dict(report)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    path = write_report_json(report, tmp_path / "report.json")
    assert load_report_json(path) == data
    assert report_from_dict(load_report_json(path)) == report


def test_load_rejects_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReportValidationError, match="not valid JSON"):
        load_report_json(path)


# ---------------------------------------------------------------------------------------------
# HTML and SVG


def test_html_is_self_contained() -> None:
    page = render_html(sample_report()).lower()
    for forbidden in ("http://", "https://", "<script", "@import", "url(", "<link", "<img"):
        assert forbidden not in page, forbidden


def test_html_escapes_hostile_labels() -> None:
    page = render_html(sample_report())
    assert MALICIOUS not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_svg_escapes_hostile_labels() -> None:
    report = sample_report()
    bar, heat = report.sections[3].blocks
    assert isinstance(bar, BarChart) and isinstance(heat, Heatmap)
    for svg in (bar_chart_svg(bar), heatmap_svg(heat)):
        assert "<img" not in svg and "&lt;img" in svg


def test_html_lists_failures_before_passes() -> None:
    page = render_html(sample_report())
    rows = re.findall(r'<tr class="row-(\w+)">', page)
    assert rows == ["error", "fail", "warn", "pass", "pass", "info", "skipped"]
    assert page.index("Membership inference (AUC)") < page.index("Total privacy budget")


def test_html_shows_guarantee_verdict_and_warning_banner() -> None:
    page = render_html(sample_report())
    assert "(ε = 3, δ = 1e-06)-differential privacy per patient" in page
    assert 'class="verdict error"' in page
    assert 'class="banner warning"' in page and "NON-PRIVATE TRAINING" in page
    assert "0.571 [0.552, 0.59]" in page


def test_html_without_warnings_has_no_banner() -> None:
    page = render_html(sample_report(warnings=()))
    assert 'class="banner' not in page


def test_html_has_print_css() -> None:
    page = render_html(sample_report())
    assert "@media print" in page and "print-color-adjust: exact" in page
    assert "size: A4" in page and "break-before: page" in page


def test_roc_svg_handles_zeros_on_log_axes() -> None:
    chart = RocCurve("zeros", (("a", (0.0, 0.0, 1.0), (0.0, 1.0, 1.0)), ("b", (0.0,), (0.0,))))
    svg = roc_curve_svg(chart)
    assert not re.search(r"\b(nan|inf)\b", svg.lower())
    assert "random guess" in svg
    for label in ("10⁻³", "10⁻²", "10⁻¹"):
        assert label in svg
    coords = [float(v) for v in re.findall(r'points="([^"]+)"', svg)[0].replace(",", " ").split()]
    xs, ys = coords[0::2], coords[1::2]
    # zeros sit on the axis minimum: the plot's left edge and bottom edge
    assert xs[0] == xs[1] == min(xs) and ys[0] == max(ys)


def test_write_report_html(tmp_path: Path) -> None:
    path = write_report_html(sample_report(), tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Provenance" in text
