"""The judge: one small pure function per result type, turning a measurement and the policy into
findings (PASS / WARN / FAIL / ERROR / INFO / SKIPPED). Measurements carry no thresholds; the policy
carries no measurements; only here do they meet."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from clearance.policy import Policy
from privacy.accounting import PrivacyStatement, PrivacyUnit
from privacy.estimate import Estimate, IntervalMethod
from privacy.pii import PIIScan
from privacy.schema import Schema
from reports import Finding, Measured, Status

if TYPE_CHECKING:
    from clearance.pipeline import RunRecord

def measured(estimate: Estimate, unit: str = "") -> Measured:
    """The report's form of an estimate; an exact value (computed on every row) carries no
    interval."""
    exact = estimate.method in (IntervalMethod.EXACT, IntervalMethod.MODEL)
    return Measured(
        value=estimate.value,
        lower=None if exact else estimate.lower,
        upper=None if exact else estimate.upper,
        unit=unit,
        n=estimate.n,
        method=str(estimate.method),
    )


def judge_privacy(statement: PrivacyStatement, policy: Policy, *, has_entity: bool) -> list[Finding]:
    """Epsilon and delta against the policy's maxima, and the protected unit."""
    findings = [
        Finding(
            check_id="privacy.epsilon",
            title="End-to-end epsilon",
            status=Status.PASS if statement.epsilon <= policy.max_epsilon else Status.FAIL,
            measured=Measured(value=statement.epsilon, method="accountant (basic composition of stages)"),
            threshold=f"<= {policy.max_epsilon:g}",
            rationale="Sum over domain measurement and DP-SGD training, each from its accountant.",
            section_id="training",
        ),
        Finding(
            check_id="privacy.delta",
            title="End-to-end delta",
            status=Status.PASS if statement.delta <= policy.max_delta else Status.FAIL,
            measured=Measured(value=statement.delta),
            threshold=f"<= {policy.max_delta:g}",
            rationale=f"Also below 1/n = {1 / statement.n_units:.2g} for the {statement.n_units} protected units.",
            section_id="training",
        ),
    ]
    if policy.require_entity_level:
        entity_ok = statement.unit is PrivacyUnit.ENTITY
        findings.append(
            Finding(
                check_id="privacy.unit",
                title="Guarantee is per person",
                status=Status.PASS if entity_ok else (Status.FAIL if has_entity else Status.WARN),
                measured=None,
                threshold="per entity",
                rationale=(
                    "Each patient contributes at most one row to training, so the guarantee covers "
                    "all of a patient's admissions."
                    if entity_ok
                    else "No entity column is declared: the guarantee is per row, and a person with "
                    "several rows is protected less. Declare the entity column in the schema."
                ),
                section_id="training",
            )
        )
    return findings


def judge_training_mode(training: Any) -> list[Finding]:
    private = bool(training.private)
    return [
        Finding(
            check_id="training.private",
            title="Generator trained with DP-SGD",
            status=Status.PASS if private else Status.FAIL,
            measured=None,
            threshold="DP-SGD with Poisson sampling",
            rationale=(
                "Opacus DP-SGD: per-sample clipping, Gaussian noise, Poisson sampling at the "
                "accounted rate."
                if private
                else "NON-PRIVATE training was requested: the release has no DP guarantee."
            ),
            section_id="training",
        )
    ]


def judge_pii(scan: PIIScan, schema: Schema, policy: Policy) -> list[Finding]:
    """Released columns that the scan flags as direct identifiers are residual PII."""
    released = {c.name for c in schema.synthesised}
    flagged = sorted(set(scan.direct_identifiers()) & released)
    return [
        Finding(
            check_id="pii.released_identifiers",
            title="No direct identifier in released columns",
            status=Status.PASS if len(flagged) <= policy.max_released_identifier_columns else Status.FAIL,
            measured=Measured(value=float(len(flagged)), unit="columns"),
            threshold=f"<= {policy.max_released_identifier_columns}",
            rationale=(
                "Every column the scan flags as a direct identifier is dropped before training."
                if not flagged
                else f"The schema releases column(s) the scan flags as direct identifiers: {flagged}. "
                "Mark them direct_identifier or remove them."
            ),
            section_id="pii",
        )
    ]


def judge_residual_identifiers(record: Any) -> list[Finding]:
    """Pattern identifiers left, after de-identification, in columns that reach the generator.

    Counts come from the exact full-column check and the search for each row's removed
    identifiers (:mod:`privacy.pii.safe_harbor`). Any such identifier in a released column
    FAILS; in a column that is not released (free text, entity id) it is a WARN.
    """
    checklist = record.safe_harbor
    if checklist is None:
        return []
    released = {c.name for c in record.schema.synthesised}
    in_released = 0
    in_text = 0
    for item in checklist.items:
        for column, n in item.residual_exact.items():
            if column in released:
                in_released += n
            else:
                in_text += n
    status = Status.FAIL if in_released else Status.WARN if in_text else Status.PASS
    rationale = (
        "No pattern identifier or removed row identifier was found in any released column, "
        "nor in the redacted free text."
        if status is Status.PASS
        else f"{in_released} cell(s) of released columns and {in_text} cell(s) of columns that "
        "are not released (redacted free text, entity ids) still hold a pattern identifier or "
        "one of their row's removed identifiers (values are not shown); see the Safe Harbor "
        "checklist."
    )
    return [
        Finding(
            check_id="pii.residual_identifiers",
            title="No residual identifier after de-identification",
            status=status,
            measured=Measured(value=float(in_released + in_text), unit="cells"),
            threshold="0 in released columns",
            rationale=rationale,
            section_id="pii",
        )
    ]


def judge_membership(result: Any, policy: Policy, *, check: str, title: str) -> list[Finding]:
    """Membership-inference AUC and TPR at 1% FPR against the policy's maxima.

    PASS when the interval's upper end is within the threshold, WARN when only the point estimate
    is, FAIL when the point estimate exceeds it.
    """
    findings = [
        Finding(
            check_id=f"{check}.auc",
            title=f"{title}: ROC AUC",
            status=_upper_bounded(result.auc, policy.max_mia_auc),
            measured=measured(result.auc),
            threshold=f"<= {policy.max_mia_auc:g}",
            rationale="0.5 is random guessing; members are training rows, non-members held-out rows.",
            section_id="audit",
        )
    ]
    point = result.tpr_at_fpr.get(0.01)
    if point is not None and point.resolvable:
        tpr = point.tpr
        findings.append(
            Finding(
                check_id=f"{check}.tpr_at_1pct_fpr",
                title=f"{title}: TPR at 1% FPR",
                status=_upper_bounded(tpr, policy.max_mia_tpr_at_fpr_1pct),
                measured=measured(tpr),
                threshold=f"<= {policy.max_mia_tpr_at_fpr_1pct:g}",
                rationale="Share of members identified while wrongly accusing at most 1% of non-members (Carlini et al. 2022).",
                section_id="audit",
            )
        )
    return findings


def judge_model_audit(audit: Any, policy: Policy) -> list[Finding]:
    """The model audit: the empirical epsilon lower bound against the claim (a FAIL means a bug:
    DESIGN.md), then offline LiRA on the audit models against the membership thresholds."""
    findings: list[Finding] = []
    bound = audit.one_run
    if bound is not None:
        claimed = audit.claimed_epsilon
        if claimed is None:
            status, threshold = Status.INFO, "no claim (trained without DP)"
            why = "Without DP there is no claim to test; the bound shows what the audit detects."
        else:
            limit = policy.max_empirical_over_claimed * claimed
            broken = bound.exceeds(limit)
            status = Status.FAIL if broken else Status.PASS
            share = policy.max_empirical_over_claimed
            threshold = (f"<= claimed per-record epsilon {claimed:.4g}" if share == 1 else
                         f"<= {share:g} x claimed per-record epsilon {claimed:.4g}")
            why = (
                "The one-run audit's lower bound exceeds the accountant's epsilon: the "
                "implementation or the accounting is broken. Do not release."
                if audit.exceeds_claim
                else f"The lower bound exceeds {share:g} x the claimed epsilon, the policy's "
                "limit, although not the claim itself: the audit is tighter than the policy "
                "accepts. Review before release."
                if broken
                else f"A {bound.confidence:.0%} lower bound from {bound.n_correct} of "
                f"{bound.n_guesses} correct guesses on {bound.n_canaries} canary coins "
                "(Steinke et al. 2023); it can only refute a claim, never prove one. The most "
                f"this audit could show was {audit.one_run_ceiling:.3g}."
            )
        findings.append(
            Finding(
                check_id="audit.empirical_epsilon",
                title="Empirical epsilon (lower bound) vs claimed",
                status=status,
                measured=Measured(value=bound.lower_bound, method=str(bound.method)),
                threshold=threshold,
                rationale=why,
                section_id="audit",
            )
        )
    for result, check, title in (
        (audit.lira, "mia.lira", "Offline LiRA on audit models"),
        (audit.lira_outliers, "mia.lira_outliers", "Offline LiRA on the rarest records"),
    ):
        if result is not None:
            findings += judge_membership(result, policy, check=check, title=title)
    return findings


def _not_audited(reason: str, *, required: bool) -> Finding:
    return Finding(
        check_id="audit.empirical_epsilon",
        title="Empirical epsilon (lower bound) vs claimed",
        status=Status.FAIL if required else Status.WARN,
        measured=None,
        threshold="a model audit runs" + (" (the policy requires it)" if required else ""),
        rationale=f"No canary audit: {reason}. The claimed epsilon was not tested against an "
        "attack on models trained the same way.",
        section_id="audit",
    )


def judge_quality(quality: Any, policy: Policy) -> list[Finding]:
    """The 0-100 quality score and the TSTR / TRTR ROC-AUC ratio against the policy's minima,
    and one finding per part of the score that was not computed.

    Below a minimum is a warning: it limits usefulness, not privacy. A minimum of 0 makes the
    finding informational (INFO). A part that raised is a WARN finding with its reason; a part
    with nothing to measure (no target column, a single column) is SKIPPED. Neither is averaged
    away: the score finding names the parts the score covers.
    """
    score = quality.score
    findings = [
        Finding(
            check_id="quality.overall",
            title="Quality score (0-100)",
            status=_at_least(score.value, policy.min_quality_score),
            measured=Measured(value=score.value, unit="/ 100"),
            threshold=(
                f">= {policy.min_quality_score:g}" if policy.min_quality_score > 0
                else "informational (no minimum set)"
            ),
            rationale=(
                "Weighted mean of its parts, each 0-100: "
                + ", ".join(
                    f"{p.to_dict()['title']} {p.score:.1f} (weight {p.weight:g})"
                    for p in score.parts if p.computed
                )
                + ". " + score.describe()
            ),
            section_id="quality",
        )
    ]
    ratio = getattr(quality, "tstr_ratio", None)
    if ratio is not None:
        findings.append(
            Finding(
                check_id="quality.tstr_ratio",
                title="Downstream utility (TSTR / TRTR ROC-AUC)",
                status=_at_least(ratio.value, policy.min_tstr_ratio),
                measured=measured(ratio),
                threshold=(
                    f">= {policy.min_tstr_ratio:g}" if policy.min_tstr_ratio > 0
                    else "informational (no minimum set)"
                ),
                rationale=(
                    f"ROC-AUC of a classifier predicting '{quality.utility.target}' trained on "
                    "synthetic rows, over one trained on as many real rows; both tested on "
                    "held-out real rows (paired bootstrap interval). A classifier that guesses "
                    "has AUC 0.5."
                ),
                section_id="quality",
            )
        )
    for part in score.not_computed:
        failed = str(part.status) == "failed"
        findings.append(
            Finding(
                check_id=f"quality.part.{part.part.value}",
                title=f"Quality part not computed: {part.to_dict()['title']}",
                status=Status.WARN if failed else Status.SKIPPED,
                measured=None,
                threshold="computed",
                rationale=(
                    f"{part.reason}. It is left out of the quality score, which covers only the "
                    "parts that were computed."
                ),
                section_id="quality",
            )
        )
    return findings


def _at_least(value: float, minimum: float) -> Status:
    if minimum <= 0:
        return Status.INFO
    return Status.PASS if value >= minimum else Status.WARN


def real_table_within_policy(sample: Any, policy: Policy) -> tuple[bool, bool]:
    """Whether a table's prosecutor risk meets the policy's ``[reidentification_risk]``
    thresholds: (average risk within its maximum, highest record risk within its maximum)."""
    return (
        sample.prosecutor.average.value <= policy.max_average_reidentification_risk,
        sample.prosecutor.highest <= policy.max_record_reidentification_risk,
    )


def judge_real_table_risk(risk: Any, policy: Policy) -> list[Finding]:
    """The de-identified real table's risk against the policy's re-identification thresholds.

    INFO, never PASS or FAIL: the real table is not released, so its risk cannot decide the
    verdict; the finding says whether the table could be shared as it is (usually not, which is
    why the release is synthetic).
    """
    s = risk.sample
    average_ok, record_ok = real_table_within_policy(s, policy)
    return [
        Finding(
            check_id="risk.real_table.average",
            title="Real table (not released): average re-identification risk",
            status=Status.INFO,
            measured=measured(s.prosecutor.average),
            threshold=f"<= {policy.max_average_reidentification_risk:g} to share it as it is",
            rationale=(
                "Prosecutor model, equivalence classes / records over "
                f"{', '.join(s.quasi_identifiers)}; "
                + ("met." if average_ok else "not met: the real table must not be shared as it is.")
            ),
            section_id="risk",
        ),
        Finding(
            check_id="risk.real_table.highest",
            title="Real table (not released): highest record risk (1/k)",
            status=Status.INFO,
            measured=Measured(value=s.prosecutor.highest, method="exact"),
            threshold=(
                f"<= {policy.max_record_reidentification_risk:g} (k >= {s.k_for_threshold}, "
                "ARX convention)"
            ),
            rationale=(
                f"k-anonymity {s.k_anonymity}; "
                + ("met." if record_ok else "not met: some records are identifiable in the real table.")
            ),
            section_id="risk",
        ),
    ]


def attack_check_id(label: str) -> str:
    """The finding id of a singling-out, linkability or inference attack, from its label."""
    return "attack." + re.sub(r"\W+", "_", label).strip("_")


def judge_synthetic_attacks(attacks: Any, policy: Policy) -> list[Finding]:
    """Residual risk of each singling-out, linkability and inference attack on the synthetic
    release against the policy's maximum: PASS when the whole interval is within it, FAIL when
    the whole interval is above it (the release demonstrably leaks more than allowed), WARN when
    the interval straddles it (inconclusive: the residual (a - c) / (1 - c) is noisy when the
    control rate is high, e.g. a binary secret with a common value; more held-out rows narrow
    it)."""
    findings = []
    for attack in attacks:
        estimate = attack.residual_risk
        limit = policy.max_attack_residual_risk
        if estimate.upper <= limit:
            status = Status.PASS
        elif estimate.lower > limit:
            status = Status.FAIL
        else:
            status = Status.WARN
        weak = "" if attack.beats_baseline else (
            " The attack did not beat random guessing, so it is too weak to show much either way."
        )
        findings.append(
            Finding(
                check_id=attack_check_id(attack.label),
                title=f"Synthetic release: {attack.label} residual risk",
                status=status,
                measured=measured(estimate),
                threshold=f"<= {policy.max_attack_residual_risk:g}",
                rationale=(
                    "(attack on training rows - control on held-out rows) / (1 - control), "
                    "Article 29 WP Opinion 05/2014 via Giomi et al. 2023." + weak
                ),
                section_id="risk",
            )
        )
    return findings


def judge_stage_errors(errors: dict[str, str]) -> list[Finding]:
    return [
        Finding(
            check_id=f"error.{stage.replace(' ', '_')}",
            title=f"{stage} could not be measured",
            status=Status.ERROR,
            measured=None,
            threshold="stage completes",
            rationale=f"The stage raised {kind}; a missing measurement is never counted as a pass.",
            section_id="audit",
        )
        for stage, kind in sorted(errors.items())
    ]


def judge_run(record: RunRecord) -> list[Finding]:
    """All findings of a run. Every stage that produced a result is judged; a stage that raised
    is an ERROR finding."""
    policy = record.policy
    findings: list[Finding] = []
    if record.scan is not None:
        findings += judge_pii(record.scan, record.schema, policy)
        findings += judge_residual_identifiers(record)
    if record.risk is not None:
        findings += judge_real_table_risk(record.risk, policy)
    if record.attacks:
        findings += judge_synthetic_attacks(record.attacks, policy)
    if record.training is not None:
        findings += judge_training_mode(record.training)
    if record.statement is not None:
        findings += judge_privacy(
            record.statement, policy, has_entity=record.schema.entity_column is not None
        )
    if record.membership is not None:
        findings += judge_membership(
            record.membership, policy, check="mia.white_box", title="Likelihood membership attack"
        )
    if record.black_box is not None:
        findings += judge_membership(
            record.black_box.density_ratio, policy, check="mia.domias",
            title="Density-ratio (DOMIAS) attack on the synthetic table",
        )
        findings += judge_membership(
            record.black_box.dcr, policy, check="mia.dcr", title="Distance-to-closest-record attack"
        )
    if record.model_audit is not None:
        findings += judge_model_audit(record.model_audit, policy)
    elif record.training is not None and (record.model_audit_note or not record.config.audit_models):
        findings.append(_not_audited(
            record.model_audit_note or "the run skipped it (--audit-models 0)",
            required=policy.require_model_audit,
        ))
    if record.quality is not None:
        findings += judge_quality(record.quality, policy)
    findings += judge_stage_errors(record.stage_errors)
    return findings


def _upper_bounded(estimate: Estimate, threshold: float) -> Status:
    if estimate.upper <= threshold:
        return Status.PASS
    if estimate.value <= threshold:
        return Status.WARN
    return Status.FAIL
