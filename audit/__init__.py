"""Clearance's auditor: membership-inference attacks, the singling-out, linkability and
inference attacks on a synthetic release, and synthetic-data quality.

Measures only (no thresholds, no verdicts). Imports ``privacy`` and never ``synth``: what it
needs from a generator is stated by its own protocols in :mod:`audit.protocol`.
"""

from audit.anonymity import (
    PrivacyAttackResult,
    inference_attack,
    linkability_attack,
    singling_out_attack,
)
from audit.membership import (
    DEFAULT_FPR_TARGETS,
    balanced_targets,
    distance_to_closest_record_attack,
    downsample_roc,
    hanley_mcneil_se,
    likelihood_attack,
    roc_auc,
    roc_counts,
    white_box_likelihood_attack,
)
from audit.protocol import AuditableGenerator, SupportsLogProb, SupportsSample
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
    "BASELINE_AUC",
    "DEFAULT_FPR_TARGETS",
    "ROC_MAX_POINTS",
    "AssociationMatrix",
    "AssociationMeasure",
    "AttackResult",
    "AuditableGenerator",
    "ColumnShape",
    "Marginal",
    "MarginalKind",
    "PairTrend",
    "PartScore",
    "PartStatus",
    "PcaComparison",
    "PrivacyAttackResult",
    "QualityResult",
    "QualityScore",
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
    "balanced_targets",
    "cramers_v",
    "distance_to_closest_record_attack",
    "downsample_roc",
    "hanley_mcneil_se",
    "inference_attack",
    "likelihood_attack",
    "linkability_attack",
    "measure_quality",
    "roc_auc",
    "roc_counts",
    "singling_out_attack",
    "white_box_likelihood_attack",
]
