"""Typed, JSON-serialisable quality results. They measure; they never judge.

They hold column names, counts, distances, associations and category labels taken from the
*synthetic* table (which is released anyway), never a real value: no real category the release
lacks, no quantile bin edge of a real table (invariant 6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from audit.quality.score import PartScore, QualityScore, ScorePart
from audit.results import estimate_dict
from privacy.errors import InvalidInputError
from privacy.estimate import Estimate

Matrix = tuple[tuple[float | None, ...], ...]


class ShapeMetric(StrEnum):
    """How one column's distribution is compared."""

    TVD = "tvd"  # total variation distance of category shares
    KS = "ks"  # two-sample Kolmogorov-Smirnov statistic


class MarginalKind(StrEnum):
    CATEGORICAL = "categorical"
    HISTOGRAM = "histogram"


class UtilityMetric(StrEnum):
    """Downstream metrics, headline first."""

    ROC_AUC = "roc_auc"  # binary: AUC of the positive class; multiclass: macro one-vs-rest
    ACCURACY = "accuracy"
    MACRO_F1 = "macro_f1"


class AssociationMeasure(StrEnum):
    CRAMERS_V = "cramers_v"  # bias-corrected, every pair, on the binned codes
    PEARSON = "pearson"  # numeric and date pairs
    SPEARMAN = "spearman"  # numeric and date pairs


@dataclass(frozen=True)
class ColumnShape:
    """One column, real holdout against synthetic.

    ``similarity`` is SDMetrics' column shape: ``1 - KS`` for numeric and date columns
    (KSComplement), ``1 - TVD`` over every category label with missing as its own category
    (TVComplement). ``tvd`` is the TVD of the column's codes in the shared discretisation
    (numbers in quantile bins of the real training table; the shared Adult referee's ``tvd1``);
    ``ks`` the KS statistic (numeric and date columns only).
    """

    metric: ShapeMetric
    similarity: float
    tvd: float
    ks: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric.value,
            "similarity": float(self.similarity),
            "tvd": float(self.tvd),
            "ks": _opt_float(self.ks),
        }


@dataclass(frozen=True)
class PairTrend:
    """Two columns: bias-corrected Cramér's V in the real holdout and the synthetic table,
    ``similarity = 1 - |real - synthetic|``, and the 2-way TVD of their joint codes."""

    columns: tuple[str, str]
    real: float
    synthetic: float
    similarity: float
    tvd: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "real": float(self.real),
            "synthetic": float(self.synthetic),
            "similarity": float(self.similarity),
            "tvd": float(self.tvd),
        }


@dataclass(frozen=True)
class AssociationMatrix:
    """A symmetric matrix of pairwise association in the real holdout and in the synthetic
    table, over ``columns``. A cell is None where the measure is undefined (a column without
    variation has no correlation); ``undefined_pairs`` lists those pairs, which
    ``mean_abs_diff`` (over pairs defined on both sides) leaves out, explicitly."""

    measure: AssociationMeasure
    columns: tuple[str, ...]
    real: Matrix
    synthetic: Matrix
    mean_abs_diff: float | None
    undefined_pairs: tuple[tuple[str, str], ...] = ()

    def difference(self) -> Matrix:
        """``synthetic - real`` per cell (None where either is undefined)."""
        return tuple(
            tuple(
                None if r is None or s is None else float(s - r)
                for r, s in zip(row_r, row_s, strict=True)
            )
            for row_r, row_s in zip(self.real, self.synthetic, strict=True)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure.value,
            "columns": list(self.columns),
            "real": _matrix(self.real),
            "synthetic": _matrix(self.synthetic),
            "difference": _matrix(self.difference()),
            "mean_abs_diff": _opt_float(self.mean_abs_diff),
            "undefined_pairs": [list(p) for p in self.undefined_pairs],
        }


@dataclass(frozen=True)
class PcaComparison:
    """Principal components of the real holdout and the synthetic table, in one encoding fitted
    on the real training table (standardised numbers; one-hot categories scaled so that each
    column has unit total variance there).

    ``k`` is the smallest number of the real holdout's components that explains at least
    ``variance_target`` of its variance (at most ``n_features - 1``, so the subspace is never
    the whole space). ``cosines`` are the cosines of the principal angles between the two
    top-``k`` subspaces (Björck & Golub 1973, "Numerical methods for computing angles between
    linear subspaces", Math. Comp. 27:579-594); ``subspace_similarity`` is Krzanowski's
    (1979, "Between-groups comparison of principal components", JASA 74:703-707) mean squared
    cosine, ``mean_cosine`` their mean. ``spectrum_distance`` is
    ``sum |l_real - l_syn| / (sum l_real + sum l_syn)`` over all eigenvalues (0 identical, 1
    disjoint); ``similarity`` the mean of ``subspace_similarity`` and
    ``1 - spectrum_distance``. ``real_eigenvalues`` / ``synthetic_eigenvalues`` are the leading
    eigenvalues (variances along the components), at most 20.
    """

    n_features: int
    k: int
    variance_target: float
    real_variance_covered: float
    real_eigenvalues: tuple[float, ...]
    synthetic_eigenvalues: tuple[float, ...]
    real_total_variance: float
    synthetic_total_variance: float
    cosines: tuple[float, ...]
    subspace_similarity: float
    mean_cosine: float
    spectrum_distance: float
    similarity: float
    constant_columns: tuple[str, ...] = ()

    @property
    def principal_angles_degrees(self) -> tuple[float, ...]:
        return tuple(math.degrees(math.acos(min(1.0, max(0.0, c)))) for c in self.cosines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_features": int(self.n_features),
            "k": int(self.k),
            "variance_target": float(self.variance_target),
            "real_variance_covered": float(self.real_variance_covered),
            "real_eigenvalues": [float(v) for v in self.real_eigenvalues],
            "synthetic_eigenvalues": [float(v) for v in self.synthetic_eigenvalues],
            "real_total_variance": float(self.real_total_variance),
            "synthetic_total_variance": float(self.synthetic_total_variance),
            "cosines": [float(c) for c in self.cosines],
            "principal_angles_degrees": [float(a) for a in self.principal_angles_degrees],
            "subspace_similarity": float(self.subspace_similarity),
            "mean_cosine": float(self.mean_cosine),
            "spectrum_distance": float(self.spectrum_distance),
            "similarity": float(self.similarity),
            "constant_columns": list(self.constant_columns),
        }


@dataclass(frozen=True)
class SubgroupFidelity:
    """The rows of one category of the grouping column: 1-way TVD of every other column within
    the subgroup, real holdout against synthetic. ``category`` is a label of the synthetic table.
    ``noise_tvd`` is the mean TVD two samples of these sizes from one distribution would show
    (normal approximation, ``E|p1 - p2| ~ sqrt(2/pi) sd``): TVDs near it say the subgroup is too
    small to tell, not that it is well reproduced."""

    category: str
    n_real: int
    n_synthetic: int
    tvd: dict[str, float]
    mean_tvd: float
    noise_tvd: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "n_real": int(self.n_real),
            "n_synthetic": int(self.n_synthetic),
            "tvd": {c: float(v) for c, v in self.tvd.items()},
            "mean_tvd": float(self.mean_tvd),
            "noise_tvd": float(self.noise_tvd),
        }


@dataclass(frozen=True)
class SubgroupResult:
    """Fidelity within the smallest subpopulations (the NIST CRC finding: de-identification
    hurts small subgroups most, and averages hide it).

    The grouping column is the target (or the first categorical column). Eligible categories
    have at least ``min_real_rows`` real holdout rows; of those the synthetic table has, the
    ``max_subgroups`` smallest are measured. Eligible categories the synthetic table lacks are
    only counted (``n_absent_from_synthetic``): their labels are real values the release does not
    hold. ``population_mean_tvd`` is the whole-table mean 1-way TVD over the same columns, for
    comparison. ``reason`` says why there are no subgroups, when there are none.
    """

    column: str | None
    min_real_rows: int
    n_eligible: int
    n_absent_from_synthetic: int
    subgroups: tuple[SubgroupFidelity, ...]
    population_mean_tvd: float | None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "min_real_rows": int(self.min_real_rows),
            "n_eligible": int(self.n_eligible),
            "n_absent_from_synthetic": int(self.n_absent_from_synthetic),
            "subgroups": [s.to_dict() for s in self.subgroups],
            "population_mean_tvd": _opt_float(self.population_mean_tvd),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Marginal:
    """One column's distribution for plotting: shares of real-holdout and synthetic rows.

    Categorical: ``labels`` are the synthetic table's commonest categories (at most
    :data:`MAX_MARGINAL_BINS`), ``edges`` is empty. Histogram: ``edges`` are equal-width bin
    edges over the synthetic table's range (days since :data:`DATE_EPOCH` for dates), ``labels``
    name the bins. ``rest_real`` / ``rest_synthetic`` are the shares not shown: other
    categories, missing values, or real values outside the synthetic range.
    """

    column: str
    kind: MarginalKind
    labels: tuple[str, ...]
    edges: tuple[float, ...]
    real: tuple[float, ...]
    synthetic: tuple[float, ...]
    rest_real: float
    rest_synthetic: float
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind.value,
            "labels": list(self.labels),
            "edges": [float(e) for e in self.edges],
            "real": [float(v) for v in self.real],
            "synthetic": [float(v) for v in self.synthetic],
            "rest_real": float(self.rest_real),
            "rest_synthetic": float(self.rest_synthetic),
            "unit": self.unit,
        }


@dataclass(frozen=True)
class UtilityResult:
    """Train-synthetic-test-real (TSTR) against train-real-test-real (TRTR) for one target.

    Both classifiers see ``n_train`` rows (synthetic, resp. real training rows) and are tested on
    the same ``n_test`` real holdout rows; ``ratio`` is TSTR / TRTR per metric, its interval from
    the same (paired) bootstrap resamples. A metric whose TRTR value is 0 has no ratio; ROC-AUC
    is absent when the holdout holds a single target class (``notes`` says so).
    """

    target: str
    model: str
    n_train: int
    n_test: int
    n_classes: int
    tstr: dict[UtilityMetric, Estimate]
    trtr: dict[UtilityMetric, Estimate]
    ratio: dict[UtilityMetric, Estimate]
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        def metrics(d: dict[UtilityMetric, Estimate]) -> dict[str, Any]:
            return {m.value: estimate_dict(e) for m, e in d.items()}

        return {
            "target": self.target,
            "model": self.model,
            "n_train": int(self.n_train),
            "n_test": int(self.n_test),
            "n_classes": int(self.n_classes),
            "tstr": metrics(self.tstr),
            "trtr": metrics(self.trtr),
            "ratio": metrics(self.ratio),
            "notes": self.notes,
        }


@dataclass(frozen=True)
class QualityResult:
    """Quality of a synthetic table measured against held-out real rows; no verdict.

    ``score`` is the headline: 0-100 with every part visible (:mod:`audit.quality.score`).
    Beside it: ``per_column`` shapes (KS and binned TVD), ``one_way_tvd`` and ``two_way_tvd``
    (means; ``two_way_tvd_max`` the worst pair), ``pairwise`` (Cramér's V trend and 2-way TVD of
    every pair), ``associations`` (matrices of Cramér's V, Pearson and Spearman, real and
    synthetic), ``pca``, ``utility`` (TSTR/TRTR) and ``subgroups``. ``column_shape_score``
    (mean column similarity) and ``pair_trend_score`` (one minus ``pairwise_mean_abs_diff``,
    the mean absolute difference of Cramér's V) are SDMetrics' two properties, kept for
    comparison. A figure that could not be computed is None, and the score's parts say why.
    """

    score: QualityScore
    per_column: dict[str, ColumnShape]
    pairwise: tuple[PairTrend, ...]
    associations: dict[AssociationMeasure, AssociationMatrix]
    one_way_tvd: float
    two_way_tvd: float | None
    two_way_tvd_max: float | None
    column_shape_score: float
    pair_trend_score: float | None
    pairwise_mean_abs_diff: float | None
    pca: PcaComparison | None
    marginals: dict[str, Marginal]
    utility: UtilityResult | None
    subgroups: SubgroupResult
    n_real_train: int
    n_real_holdout: int
    n_synthetic: int
    notes: str = field(default="")

    def __post_init__(self) -> None:
        values = [self.column_shape_score, self.one_way_tvd]
        values += [s.similarity for s in self.per_column.values()]
        values += [s.tvd for s in self.per_column.values()]
        values += [p.similarity for p in self.pairwise] + [p.tvd for p in self.pairwise]
        values += [
            v
            for v in (self.pair_trend_score, self.two_way_tvd, self.two_way_tvd_max)
            if v is not None
        ]
        if not all(math.isfinite(v) and 0 <= v <= 1 for v in values):
            raise InvalidInputError("quality similarities and distances must lie in [0, 1]")

    @property
    def overall_score(self) -> float:
        """The score on a 0-1 scale (``score.value / 100``), for callers of the earlier API."""
        return self.score.value / 100.0

    @property
    def tstr_ratio(self) -> Estimate | None:
        """The headline utility figure: TSTR / TRTR of ROC-AUC (None without a target, or when
        it could not be computed; the score's utility part says why).

        ROC-AUC rather than accuracy or macro-F1: it does not depend on a decision threshold,
        and a classifier that always predicts the majority class scores 0.5, not a high
        accuracy.
        """
        if self.utility is None:
            return None
        return self.utility.ratio.get(UtilityMetric.ROC_AUC)

    def part(self, part: ScorePart) -> PartScore:
        """One part of the score, computed or not."""
        return self.score.part(part)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only; no raw records, no real bin edges."""
        return {
            "score": self.score.to_dict(),
            "per_column": {c: s.to_dict() for c, s in self.per_column.items()},
            "one_way_tvd": float(self.one_way_tvd),
            "two_way_tvd": _opt_float(self.two_way_tvd),
            "two_way_tvd_max": _opt_float(self.two_way_tvd_max),
            "pairwise": [p.to_dict() for p in self.pairwise],
            "associations": {m.value: a.to_dict() for m, a in self.associations.items()},
            "column_shape_score": float(self.column_shape_score),
            "pair_trend_score": _opt_float(self.pair_trend_score),
            "pairwise_mean_abs_diff": _opt_float(self.pairwise_mean_abs_diff),
            "pca": self.pca.to_dict() if self.pca is not None else None,
            "tstr_ratio": estimate_dict(self.tstr_ratio) if self.tstr_ratio else None,
            "utility": self.utility.to_dict() if self.utility is not None else None,
            "subgroups": self.subgroups.to_dict(),
            "marginals": {c: m.to_dict() for c, m in self.marginals.items()},
            "n_real_train": int(self.n_real_train),
            "n_real_holdout": int(self.n_real_holdout),
            "n_synthetic": int(self.n_synthetic),
            "notes": self.notes,
        }


def _opt_float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _matrix(m: Matrix) -> list[list[float | None]]:
    return [[None if v is None else float(v) for v in row] for row in m]
