"""Synthetic-data quality and downstream utility, measured against held-out real rows.

Measures only; thresholds belong to the judge. :func:`measure_quality` returns a
:class:`QualityResult` whose headline is a 0-100 score with every part visible
(:mod:`audit.quality.score`):

- **1-way** (:mod:`~audit.quality.fidelity`): per column, the TVD of its codes in one
  discretisation fitted on the *real training* table (numeric and date columns in up to 10
  right-closed quantile bins, point masses split as the shared Adult referee does; categories
  unseen in training and missing values share one cell), and for numeric and date columns the
  two-sample KS statistic. SDMetrics' column shapes (KSComplement / TVComplement) are kept too.
- **2-way**: the TVD of every column pair's joint codes, from one ``np.bincount`` per block of
  pairs; these equal the referee's ``tvd2`` on the same tables.
- **Correlation**: bias-corrected Cramér's V of every pair (Bergsma 2013) from the same tables,
  and Pearson and Spearman matrices of the numeric and date columns, real and synthetic, for a
  difference heat map.
- **PCA structure** (:mod:`~audit.quality.pca`): eigenvalue spectra and Krzanowski's (1979)
  similarity of the principal subspaces covering 80% of the real variance, in a mixed-type
  encoding fitted on the real training table.
- **Utility** (:mod:`~audit.quality.utility`): TSTR beside TRTR with a gradient-boosted
  classifier; ROC-AUC (the headline), accuracy and macro-F1 with paired bootstrap intervals.
- **Subgroups** (:mod:`~audit.quality.subgroups`): 1-way TVDs within the smallest categories
  of the target column, so small subpopulations stay visible.

Every comparison is real *holdout* against synthetic; the real training table only fixes bins,
categories and encodings (never reported) and trains the TRTR classifier. Marginals for plotting
take their category labels and bin edges from the *synthetic* table (it is released anyway), so
no real value outside the release appears in the result (invariant 6).
"""

from audit.quality._columns import (
    DATE_EPOCH,
    MAX_CATEGORY_LEVELS,
    N_QUANTILE_BINS,
    Discretiser,
    column_floats,
    column_labels,
    quantile_edges,
)
from audit.quality.fidelity import MAX_MARGINAL_BINS, cramers_v, cramers_v_table, pair_tables
from audit.quality.measure import measure_quality
from audit.quality.pca import PCA_MAX_LEVELS, compare_pca
from audit.quality.results import (
    AssociationMatrix,
    AssociationMeasure,
    ColumnShape,
    Marginal,
    MarginalKind,
    PairTrend,
    PcaComparison,
    QualityResult,
    ShapeMetric,
    SubgroupFidelity,
    SubgroupResult,
    UtilityMetric,
    UtilityResult,
)
from audit.quality.score import (
    DEFAULT_WEIGHTS,
    SCORE_PARTS,
    PartNotApplicable,
    PartScore,
    PartSpec,
    PartStatus,
    QualityScore,
    ScorePart,
    part_score,
)
from audit.quality.subgroups import MAX_SUBGROUPS, MIN_SUBGROUP_ROWS
from audit.quality.utility import UTILITY_MAX_ITER, UTILITY_MAX_LEVELS

__all__ = [
    "DATE_EPOCH",
    "DEFAULT_WEIGHTS",
    "MAX_CATEGORY_LEVELS",
    "MAX_MARGINAL_BINS",
    "MAX_SUBGROUPS",
    "MIN_SUBGROUP_ROWS",
    "N_QUANTILE_BINS",
    "PCA_MAX_LEVELS",
    "SCORE_PARTS",
    "UTILITY_MAX_ITER",
    "UTILITY_MAX_LEVELS",
    "AssociationMatrix",
    "AssociationMeasure",
    "ColumnShape",
    "Discretiser",
    "Marginal",
    "MarginalKind",
    "PairTrend",
    "PartNotApplicable",
    "PartScore",
    "PartSpec",
    "PartStatus",
    "PcaComparison",
    "QualityResult",
    "QualityScore",
    "ScorePart",
    "ShapeMetric",
    "SubgroupFidelity",
    "SubgroupResult",
    "UtilityMetric",
    "UtilityResult",
    "column_floats",
    "column_labels",
    "compare_pca",
    "cramers_v",
    "cramers_v_table",
    "measure_quality",
    "pair_tables",
    "part_score",
    "quantile_edges",
]
