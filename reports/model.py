"""The compliance report as plain, frozen data.

A :class:`Report` is what the renderers (:mod:`reports.json_report`, :mod:`reports.html_report`)
read. It holds no behaviour beyond self-checks: the ``clearance`` package builds one from a run's
results, after its judge has turned each measurement into a :class:`Finding`.

Every object checks itself on construction and raises :class:`ReportValidationError` (a
``ValueError``) listing every problem at once. Sequences given as lists are stored as tuples, so a
report never shares mutable state with its caller (the ``results`` dict is the one exception: it
is deep-copied on construction).

Numbers in the model must be finite: strict JSON has no ``NaN`` or ``Infinity``. A heatmap cell
may be ``None`` ("not available", e.g. the correlation of a constant column).

This module imports no other project package (DESIGN.md: ``reports`` stands alone).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

REPORT_SCHEMA_VERSION = "1.0.0"
"""Version of the report's JSON form (``report.schema.json``). Bump the major part on any change
that an existing reader could misread."""

__all__ = [
    "REPORT_SCHEMA_VERSION",
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
    "format_measured",
    "format_number",
    "overall_verdict",
    "status_order",
]


class ReportValidationError(ValueError):
    """A report object, or a report's JSON form, is malformed. The message lists every problem."""


class Status(StrEnum):
    """The outcome of one check, and of the whole report (its verdict)."""

    PASS = "pass"  # the measurement met the policy's threshold
    WARN = "warn"  # met the threshold, but a reviewer should look (e.g. close to the limit)
    FAIL = "fail"  # the measurement broke the threshold
    ERROR = "error"  # the stage raised: nothing was measured, the release cannot be assessed
    SKIPPED = "skipped"  # the check was not run (disabled by configuration); no effect on verdict
    INFO = "info"  # context measured against a threshold that is not about the release (e.g. the
    # risk of the de-identified real table, which is not shared); no effect on the verdict


# Precedence used for the verdict and for the order of the checks table (most serious first).
_SEVERITY: dict[Status, int] = {
    Status.ERROR: 0,
    Status.FAIL: 1,
    Status.WARN: 2,
    Status.PASS: 3,
    Status.INFO: 4,
    Status.SKIPPED: 5,
}


def status_order(status: Status) -> int:
    """Sort key placing the most serious status first: ERROR, FAIL, WARN, PASS, INFO,
    SKIPPED."""
    return _SEVERITY[Status(status)]


def overall_verdict(findings: Iterable[Finding]) -> Status:
    """The report's verdict from its findings.

    ERROR if any finding is an error, else FAIL if any failed, else WARN if any warned, else PASS.
    SKIPPED and INFO findings do not affect the verdict, so no findings (or only skipped ones) give PASS:
    a caller that requires certain checks must add a finding for each one it expects.
    """
    statuses = {Status(f.status) for f in findings}
    for status in (Status.ERROR, Status.FAIL, Status.WARN):
        if status in statuses:
            return status
    return Status.PASS


# ---------------------------------------------------------------------------------------------
# helpers for self-checks


def _raise_if(problems: list[str], what: str) -> None:
    if not problems:
        return
    if len(problems) == 1:
        raise ReportValidationError(f"{what}: {problems[0]}")
    raise ReportValidationError(f"{what}: {len(problems)} problems: " + "; ".join(problems))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_str(problems: list[str], name: str, value: object, *, non_empty: bool = False) -> None:
    if not isinstance(value, str):
        problems.append(f"{name} must be a str (got {type(value).__name__})")
    elif non_empty and not value.strip():
        problems.append(f"{name} must not be empty")


def _as_tuple(value: object) -> tuple[Any, ...] | None:
    """A list or tuple as a tuple; None for anything else (strings are not sequences here)."""
    if isinstance(value, tuple | list):
        return tuple(value)
    return None


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _coerce_status(obj: object, problems: list[str], name: str, value: object) -> None:
    try:
        _set(obj, name, Status(value))
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        problems.append(f"{name} must be one of {allowed} (got {value!r})")


# ---------------------------------------------------------------------------------------------
# findings


@dataclass(frozen=True)
class Measured:
    """A measured value as the report shows it: ``value`` with an optional interval.

    ``lower``/``upper`` bound a confidence interval (either may be None for a one-sided or absent
    bound); when given, ``lower <= value <= upper``. ``unit`` is a short suffix ("%", "ε",
    "rows"); ``n`` is the sample size the value rests on; ``method`` names how the interval was
    computed ("wilson", "clopper-pearson", "bootstrap", "exact").
    """

    value: float
    lower: float | None = None
    upper: float | None = None
    unit: str = ""
    n: int | None = None
    method: str = ""

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in ("value", "lower", "upper"):
            v = getattr(self, name)
            if v is None and name != "value":
                continue
            if not _is_number(v):
                problems.append(f"{name} must be a number (got {type(v).__name__})")
            elif not math.isfinite(v):
                problems.append(f"{name} must be finite (JSON has no NaN or infinity)")
            else:
                _set(self, name, float(v))
        if not problems:
            if self.lower is not None and self.lower > self.value:
                problems.append(f"lower ({self.lower:g}) must be <= value ({self.value:g})")
            if self.upper is not None and self.upper < self.value:
                problems.append(f"upper ({self.upper:g}) must be >= value ({self.value:g})")
        if self.n is not None and (
            not isinstance(self.n, int) or isinstance(self.n, bool) or self.n < 0
        ):
            problems.append(f"n must be a non-negative int or None (got {self.n!r})")
        _check_str(problems, "unit", self.unit)
        _check_str(problems, "method", self.method)
        _raise_if(problems, "Measured")


@dataclass(frozen=True)
class Finding:
    """One judged check: what was measured, against what threshold, and the outcome.

    ``measured`` is None when nothing was measured (ERROR, SKIPPED, or a check with no single
    number). ``threshold`` is the policy's rule in words ("<= 0.55", "epsilon <= 3").
    ``section_id`` names the :class:`Section` holding the evidence ("" for none); the HTML
    links to it when that section exists.
    """

    check_id: str
    title: str
    status: Status
    measured: Measured | None
    threshold: str
    rationale: str
    section_id: str

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "check_id", self.check_id, non_empty=True)
        _check_str(problems, "title", self.title, non_empty=True)
        _coerce_status(self, problems, "status", self.status)
        if self.measured is not None and not isinstance(self.measured, Measured):
            problems.append(
                f"measured must be a Measured or None (got {type(self.measured).__name__})"
            )
        _check_str(problems, "threshold", self.threshold)
        _check_str(problems, "rationale", self.rationale)
        _check_str(problems, "section_id", self.section_id)
        label = f"Finding {self.check_id!r}" if isinstance(self.check_id, str) else "Finding"
        _raise_if(problems, label)


# ---------------------------------------------------------------------------------------------
# blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (no markup: it is escaped). ``emphasis`` shows it as a callout."""

    text: str
    emphasis: bool = False

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "text", self.text)
        if not isinstance(self.emphasis, bool):
            problems.append("emphasis must be a bool")
        _raise_if(problems, "Paragraph")


@dataclass(frozen=True)
class Table:
    """A table of already-formatted text cells; every row has one cell per header.

    Format numbers before building it (:func:`format_number`, :func:`format_measured`), so the
    JSON and HTML show the same text.
    """

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "caption", self.caption)
        headers = _as_tuple(self.headers)
        if headers is None or not headers:
            problems.append("headers must be a non-empty tuple of str")
            headers = ()
        elif not all(isinstance(h, str) for h in headers):
            problems.append("every header must be a str")
        _set(self, "headers", headers)
        rows = _as_tuple(self.rows)
        if rows is None:
            problems.append("rows must be a tuple of tuples of str")
            rows = ()
        fixed: list[tuple[Any, ...]] = []
        for i, row in enumerate(rows):
            cells = _as_tuple(row)
            if cells is None:
                problems.append(f"row {i} must be a tuple of str (got {type(row).__name__})")
                continue
            if headers and len(cells) != len(headers):
                problems.append(
                    f"row {i} has {len(cells)} cells but there are {len(headers)} headers"
                )
            bad = [j for j, c in enumerate(cells) if not isinstance(c, str)]
            if bad:
                problems.append(
                    f"row {i}: cells {bad} are not str (format numbers with format_number)"
                )
            fixed.append(cells)
        _set(self, "rows", tuple(fixed))
        _raise_if(problems, f"Table {self.caption!r}" if isinstance(self.caption, str) else "Table")


def _float_tuple(
    problems: list[str], name: str, values: object, *, unit_interval: bool = False
) -> tuple[float, ...]:
    seq = _as_tuple(values)
    if seq is None:
        problems.append(f"{name} must be a tuple of numbers")
        return ()
    if not all(_is_number(v) and math.isfinite(v) for v in seq):
        problems.append(f"{name} must hold only finite numbers")
        return ()
    out = tuple(float(v) for v in seq)
    if unit_interval and any(v < 0.0 or v > 1.0 for v in out):
        problems.append(f"{name} must lie within [0, 1]")
    return out


@dataclass(frozen=True)
class BarChart:
    """Grouped bars: one group per label, one bar per series in each group.

    ``series`` is ``((name, values), ...)`` with one value per label, e.g.
    ``(("real", shares), ("synthetic", shares))``. Values may be negative.
    """

    caption: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    y_label: str = ""

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "caption", self.caption)
        _check_str(problems, "y_label", self.y_label)
        labels = _as_tuple(self.labels)
        if labels is None or not labels or not all(isinstance(x, str) for x in labels):
            problems.append("labels must be a non-empty tuple of str")
            labels = labels or ()
        _set(self, "labels", labels)
        series = _as_tuple(self.series)
        if series is None or not series:
            problems.append("series must be a non-empty tuple of (name, values) pairs")
            series = ()
        fixed: list[tuple[str, tuple[float, ...]]] = []
        for i, item in enumerate(series):
            pair = _as_tuple(item)
            if pair is None or len(pair) != 2 or not isinstance(pair[0], str):
                problems.append(f"series {i} must be a (name, values) pair")
                continue
            name, raw = pair
            values = _float_tuple(problems, f"series {name!r}", raw)
            if values and len(values) != len(labels):
                problems.append(
                    f"series {name!r} has {len(values)} values but there are {len(labels)} labels"
                )
            fixed.append((name, values))
        _set(self, "series", tuple(fixed))
        _raise_if(problems, f"BarChart {self.caption!r}")


@dataclass(frozen=True)
class RocCurve:
    """ROC curves of membership-inference attacks, drawn on log-log axes with the diagonal.

    ``curves`` is ``((name, fpr, tpr), ...)``; ``fpr`` and ``tpr`` have equal length, lie in
    [0, 1] and are given in drawing order (normally increasing fpr). Zeros are drawn at the axis
    minimum (1e-3). Put the AUC in the name if you want it shown ("LOGAN (AUC 0.51)").
    """

    caption: str
    curves: tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "caption", self.caption)
        curves = _as_tuple(self.curves)
        if curves is None or not curves:
            problems.append("curves must be a non-empty tuple of (name, fpr, tpr)")
            curves = ()
        fixed: list[tuple[str, tuple[float, ...], tuple[float, ...]]] = []
        for i, item in enumerate(curves):
            triple = _as_tuple(item)
            if triple is None or len(triple) != 3 or not isinstance(triple[0], str):
                problems.append(f"curve {i} must be a (name, fpr, tpr) triple")
                continue
            name = triple[0]
            fpr = _float_tuple(problems, f"curve {name!r} fpr", triple[1], unit_interval=True)
            tpr = _float_tuple(problems, f"curve {name!r} tpr", triple[2], unit_interval=True)
            if len(fpr) != len(tpr):
                problems.append(
                    f"curve {name!r} has {len(fpr)} fpr values but {len(tpr)} tpr values"
                )
            elif not fpr:
                problems.append(f"curve {name!r} has no points")
            fixed.append((name, fpr, tpr))
        _set(self, "curves", tuple(fixed))
        _raise_if(problems, f"RocCurve {self.caption!r}")


@dataclass(frozen=True)
class Heatmap:
    """A matrix of values, coloured on ``value_range`` (e.g. pairwise association, 0..1).

    ``values[i][j]`` is the cell for row ``labels[i]`` and column ``column_labels[j]``;
    ``column_labels`` defaults to ``labels`` (a square matrix). A cell may be None ("n/a").
    A range with a negative lower end and a positive upper end gets a diverging colour scale.
    Values outside the range are drawn at its ends.
    """

    caption: str
    labels: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    value_range: tuple[float, float] = (0.0, 1.0)
    column_labels: tuple[str, ...] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The column labels (``column_labels`` or, for a square matrix, ``labels``)."""
        return self.labels if self.column_labels is None else self.column_labels

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "caption", self.caption)
        labels = _as_tuple(self.labels)
        if labels is None or not labels or not all(isinstance(x, str) for x in labels):
            problems.append("labels must be a non-empty tuple of str")
            labels = labels or ()
        _set(self, "labels", labels)
        if self.column_labels is not None:
            cols = _as_tuple(self.column_labels)
            if cols is None or not cols or not all(isinstance(x, str) for x in cols):
                problems.append("column_labels must be None or a non-empty tuple of str")
                cols = cols or ()
            _set(self, "column_labels", cols)
        vr = _as_tuple(self.value_range)
        if (
            vr is None
            or len(vr) != 2
            or not all(_is_number(v) and math.isfinite(v) for v in vr)
            or not vr[0] < vr[1]
        ):
            problems.append("value_range must be (low, high) with finite low < high")
        else:
            _set(self, "value_range", (float(vr[0]), float(vr[1])))
        rows = _as_tuple(self.values)
        if rows is None:
            problems.append("values must be a tuple of rows")
            rows = ()
        if len(rows) != len(labels):
            problems.append(f"values has {len(rows)} rows but there are {len(labels)} labels")
        n_cols = len(self.columns)
        fixed: list[tuple[float | None, ...]] = []
        for i, row in enumerate(rows):
            cells = _as_tuple(row)
            if cells is None:
                problems.append(f"row {i} must be a tuple of numbers")
                continue
            if len(cells) != n_cols:
                problems.append(f"row {i} has {len(cells)} cells but there are {n_cols} columns")
            if not all(c is None or (_is_number(c) and math.isfinite(c)) for c in cells):
                problems.append(f"row {i} must hold finite numbers or None")
                continue
            fixed.append(tuple(None if c is None else float(c) for c in cells))
        _set(self, "values", tuple(fixed))
        _raise_if(problems, f"Heatmap {self.caption!r}")


Block: TypeAlias = Paragraph | Table | BarChart | RocCurve | Heatmap
"""Anything a :class:`Section` can hold."""

_BLOCK_TYPES = (Paragraph, Table, BarChart, RocCurve, Heatmap)


@dataclass(frozen=True)
class Section:
    """A titled part of the report holding the evidence for one stage (``section_id`` is its
    stable key, which findings point to)."""

    section_id: str
    title: str
    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "section_id", self.section_id, non_empty=True)
        _check_str(problems, "title", self.title, non_empty=True)
        blocks = _as_tuple(self.blocks)
        if blocks is None:
            problems.append("blocks must be a tuple of blocks")
            blocks = ()
        for i, b in enumerate(blocks):
            if not isinstance(b, _BLOCK_TYPES):
                problems.append(
                    f"block {i} is a {type(b).__name__}; expected Paragraph, Table, BarChart, "
                    "RocCurve or Heatmap"
                )
        _set(self, "blocks", blocks)
        _raise_if(problems, f"Section {self.section_id!r}")


# ---------------------------------------------------------------------------------------------
# provenance and report


def _is_sha256(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


@dataclass(frozen=True)
class Provenance:
    """Where the release came from: enough to reproduce it and to match it to its inputs.

    Hashes are lowercase hex SHA-256 digests. ``created_at`` is an ISO 8601 timestamp.
    ``secure_randomness`` says whether noise came from a cryptographically secure generator
    (Opacus ``secure_mode``). ``versions`` is ``((package, version), ...)``, each package once.
    """

    clearance_version: str
    created_at: str
    input_sha256: str
    config_sha256: str
    seed: int | None  # None: not recorded (a recorded seed would make the DP noise reproducible)
    secure_randomness: bool
    versions: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "clearance_version", self.clearance_version, non_empty=True)
        _check_str(problems, "created_at", self.created_at, non_empty=True)
        for name in ("input_sha256", "config_sha256"):
            if not _is_sha256(getattr(self, name)):
                problems.append(f"{name} must be 64 lowercase hex characters (a SHA-256 digest)")
        if self.seed is not None and (not isinstance(self.seed, int) or isinstance(self.seed, bool)):
            problems.append(f"seed must be an int or None (got {type(self.seed).__name__})")
        if not isinstance(self.secure_randomness, bool):
            problems.append("secure_randomness must be a bool")
        versions = _as_tuple(self.versions)
        fixed: list[tuple[str, str]] = []
        if versions is None:
            problems.append("versions must be a tuple of (package, version) pairs")
            versions = ()
        for i, item in enumerate(versions):
            pair = _as_tuple(item)
            if pair is None or len(pair) != 2 or not all(isinstance(x, str) for x in pair):
                problems.append(f"versions[{i}] must be a (package, version) pair of str")
                continue
            fixed.append((pair[0], pair[1]))
        names = [name for name, _ in fixed]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            problems.append(f"versions names a package twice: {', '.join(dupes)}")
        _set(self, "versions", tuple(fixed))
        _raise_if(problems, "Provenance")


_VERDICTS = (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR)


@dataclass(frozen=True)
class Report:
    """The whole compliance report.

    ``verdict`` is PASS, WARN, FAIL or ERROR (usually :func:`overall_verdict` of the findings).
    ``guarantee`` is the one quotable sentence stating the privacy guarantee. ``results`` is the
    machine-readable record of each stage's results: a JSON-compatible dict (str keys; str,
    number, bool, None, list, dict values), never raw records; it is deep-copied. ``warnings``
    are shown as red banners on the first page (e.g. "NON-PRIVATE TRAINING").
    Section ids must be unique.
    """

    title: str
    verdict: Status
    guarantee: str
    findings: tuple[Finding, ...]
    sections: tuple[Section, ...]
    provenance: Provenance
    results: dict[str, Any] = field(hash=False)
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_str(problems, "title", self.title, non_empty=True)
        _coerce_status(self, problems, "verdict", self.verdict)
        if isinstance(self.verdict, Status) and self.verdict not in _VERDICTS:
            problems.append("verdict must be pass, warn, fail or error (not skipped)")
        _check_str(problems, "guarantee", self.guarantee, non_empty=True)
        findings = _as_tuple(self.findings)
        if findings is None or not all(isinstance(f, Finding) for f in findings):
            problems.append("findings must be a tuple of Finding")
            findings = findings or ()
        _set(self, "findings", findings)
        sections = _as_tuple(self.sections)
        if sections is None or not all(isinstance(s, Section) for s in sections):
            problems.append("sections must be a tuple of Section")
            sections = ()
        _set(self, "sections", sections)
        ids = [s.section_id for s in sections if isinstance(s, Section)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"section ids must be unique (repeated: {', '.join(dupes)})")
        if not isinstance(self.provenance, Provenance):
            problems.append("provenance must be a Provenance")
        if not isinstance(self.results, dict):
            problems.append(f"results must be a dict (got {type(self.results).__name__})")
        else:
            try:
                json.dumps(self.results, allow_nan=False)
            except (TypeError, ValueError) as exc:
                problems.append(f"results must be JSON-compatible with finite numbers ({exc})")
            else:
                _set(self, "results", copy.deepcopy(self.results))
        warnings = _as_tuple(self.warnings)
        if warnings is None or not all(isinstance(w, str) for w in warnings):
            problems.append("warnings must be a tuple of str")
            warnings = ()
        _set(self, "warnings", warnings)
        _raise_if(problems, "Report")

    def section(self, section_id: str) -> Section | None:
        """The section with this id, or None."""
        for s in self.sections:
            if s.section_id == section_id:
                return s
        return None

    def findings_by_severity(self) -> tuple[Finding, ...]:
        """Findings with the most serious first (ERROR, FAIL, WARN, PASS, INFO, SKIPPED),
        stable."""
        return tuple(sorted(self.findings, key=lambda f: status_order(f.status)))


# ---------------------------------------------------------------------------------------------
# number formatting shared by the renderers (and by whoever fills Table cells)


def format_number(x: float | int) -> str:
    """A number as a reader wants it: ints exactly with thousands separators; floats to 3
    significant digits, in scientific notation when tiny or huge.

    >>> [format_number(v) for v in (0.5234, 1e-05, 0.000123, 3.0, 12345.6, 48842, 2.5e7)]
    ['0.523', '1e-05', '1.23e-04', '3', '12,300', '48,842', '2.5e+07']
    """
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return f"{x:,d}"
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    rounded = float(f"{x:.3g}")
    magnitude = abs(rounded)
    if magnitude < 1e-3 or magnitude >= 1e6:
        mantissa, exponent = f"{rounded:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{exponent}"
    if magnitude >= 1000:
        return f"{rounded:,.0f}"
    return f"{rounded:.3g}"


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "‰", "°") else f"{text} {unit}"


def format_measured(measured: Measured | None, *, with_n: bool = False) -> str:
    """``"0.52 [0.49, 0.55]"`` (value, then the interval when given), with the unit; a missing
    bound shows as ``…``; ``with_n`` appends the sample size (``"(n = 1,000)"``). None gives
    ``"—"``."""
    if measured is None:
        return "—"
    text = format_number(measured.value)
    if measured.lower is not None or measured.upper is not None:
        lo = "…" if measured.lower is None else format_number(measured.lower)
        hi = "…" if measured.upper is None else format_number(measured.upper)
        text = f"{text} [{lo}, {hi}]"
    text = _with_unit(text, measured.unit)
    if with_n and measured.n is not None:
        text = f"{text} (n = {format_number(measured.n)})"
    return text
