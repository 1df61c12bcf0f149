"""Clearance's auditor: canaries and exposure, membership-inference attacks (the release
model's likelihood, offline LiRA on audit models, DOMIAS and distance to closest record on the
synthetic table), empirical epsilon lower bounds, the singling-out, linkability and inference
attacks on a synthetic release, and synthetic-data quality.

Measures only (no thresholds, no verdicts). Imports ``privacy`` and never ``synth``: what it
needs from a generator is stated by its own protocols in :mod:`audit.protocol`.
"""

from audit.anonymity import (
    PrivacyAttackResult,
    inference_attack,
    linkability_attack,
    singling_out_attack,
)
from audit.black_box import BlackBoxMembership, black_box_membership
from audit.canaries import CanaryDesign, design_canaries
from audit.density_ratio import density_ratio_attack
from audit.empirical_epsilon import (
    AuditMethod,
    EmpiricalEpsilon,
    clopper_pearson_epsilon_lower_bound,
    max_lower_bound,
    one_run_audit,
    one_run_epsilon_lower_bound,
    threshold_audit,
)
from audit.exposure import NULL_EXPOSURE_BITS, exposure_by_rank, extrapolated_exposure
from audit.lira import balanced_inclusion, offline_lira_scores
from audit.membership import (
    DEFAULT_FPR_TARGETS,
    balanced_targets,
    closest_record_distances,
    distance_to_closest_record_attack,
    downsample_roc,
    hanley_mcneil_se,
    likelihood_attack,
    roc_auc,
    roc_counts,
    white_box_likelihood_attack,
)
from audit.model_audit import AuditConfig, audit_generator
from audit.model_audit_results import ExposureSummary, ModelAudit
from audit.protocol import AuditableGenerator, GeneratorTrainer, SupportsLogProb, SupportsSample
from audit.quality import (
    AssociationMatrix,
    AssociationMeasure,
    ColumnShape,
    Marginal,
    MarginalKind,
    PairTrend,
    PartScore,
    PartStatus,
    PcaComparison,
    QualityResult,
    QualityScore,
    ScorePart,
    ShapeMetric,
    SubgroupFidelity,
    SubgroupResult,
    UtilityMetric,
    UtilityResult,
    cramers_v,
    measure_quality,
)
from audit.results import BASELINE_AUC, ROC_MAX_POINTS, AttackResult, ThreatModel, TprAtFpr

__all__ = [
    "AssociationMatrix",
    "AssociationMeasure",
    "AttackResult",
    "AuditConfig",
    "AuditMethod",
    "AuditableGenerator",
    "BASELINE_AUC",
    "BlackBoxMembership",
    "CanaryDesign",
    "ColumnShape",
    "DEFAULT_FPR_TARGETS",
    "EmpiricalEpsilon",
    "ExposureSummary",
    "GeneratorTrainer",
    "Marginal",
    "MarginalKind",
    "ModelAudit",
    "NULL_EXPOSURE_BITS",
    "PairTrend",
    "PartScore",
    "PartStatus",
    "PcaComparison",
    "PrivacyAttackResult",
    "QualityResult",
    "QualityScore",
    "ROC_MAX_POINTS",
    "ScorePart",
    "ShapeMetric",
    "SubgroupFidelity",
    "SubgroupResult",
    "SupportsLogProb",
    "SupportsSample",
    "ThreatModel",
    "TprAtFpr",
    "UtilityMetric",
    "UtilityResult",
    "audit_generator",
    "balanced_inclusion",
    "balanced_targets",
    "black_box_membership",
    "clopper_pearson_epsilon_lower_bound",
    "closest_record_distances",
    "cramers_v",
    "density_ratio_attack",
    "design_canaries",
    "distance_to_closest_record_attack",
    "downsample_roc",
    "exposure_by_rank",
    "extrapolated_exposure",
    "hanley_mcneil_se",
    "inference_attack",
    "likelihood_attack",
    "linkability_attack",
    "max_lower_bound",
    "measure_quality",
    "offline_lira_scores",
    "one_run_audit",
    "one_run_epsilon_lower_bound",
    "roc_auc",
    "roc_counts",
    "singling_out_attack",
    "threshold_audit",
    "white_box_likelihood_attack",
]
