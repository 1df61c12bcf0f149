"""``measure_quality``: every quality figure of a synthetic table against held-out real rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from audit.quality._columns import Discretiser, column_floats, column_labels
from audit.quality.fidelity import (
    all_pairs,
    categorical_marginal,
    correlation_matrices,
    cramers_v_matrix,
    cramers_v_table,
    histogram_marginal,
    ks_statistic,
    label_tvd,
    one_way_tvds,
    pair_tables,
    tvd_of_counts,
)
from audit.quality.pca import compare_pca
from audit.quality.results import (
    AssociationMatrix,
    AssociationMeasure,
    ColumnShape,
    Marginal,
    PairTrend,
    PcaComparison,
    QualityResult,
    ShapeMetric,
    SubgroupResult,
    UtilityMetric,
    UtilityResult,
)
from audit.quality.score import (
    PartNotApplicable,
    PartScore,
    PartStatus,
    QualityScore,
    ScorePart,
    check_weights,
    part_score,
)
from audit.quality.subgroups import MAX_SUBGROUPS, MIN_SUBGROUP_ROWS, measure_subgroups
from audit.quality.utility import measure_utility
from privacy.errors import InvalidInputError, join_problems

T = TypeVar("T")


def measure_quality(
    *,
    real_train: pd.DataFrame,
    real_holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str | None,
    categorical: Sequence[str],
    numeric: Sequence[str],
    rng: np.random.Generator,
    datetime: Sequence[str] = (),
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    max_train_rows: int = 20_000,
    weights: Mapping[ScorePart, float] | None = None,
    pca_variance: float = 0.8,
    min_subgroup_rows: int = MIN_SUBGROUP_ROWS,
    max_subgroups: int = MAX_SUBGROUPS,
) -> QualityResult:
    """Measure how closely ``synthetic`` follows ``real_holdout`` (see :mod:`audit.quality`).

    ``categorical``, ``numeric`` and ``datetime`` (ISO date strings or datetimes, compared in
    days) name the released columns to compare; other columns of the tables are ignored.
    ``real_train`` fixes the bins, categories and PCA encoding (never reported) and trains the
    TRTR classifier; it must not overlap ``real_holdout``. ``target`` (a categorical column, or
    None to leave the utility part out) is the label the TSTR/TRTR classifiers predict from all
    other listed columns. ``weights`` override the score's default part weights
    (:data:`audit.quality.score.DEFAULT_WEIGHTS`); ``pca_variance`` is the share of the real
    holdout's variance the compared principal subspace covers. ``rng`` draws the training
    subsamples, the classifiers' seeds and the bootstrap resamples. The caller's tables are not
    modified.

    A part of the score that cannot be computed (no target; a single column; fewer than two
    varying columns for PCA; a classifier that raised) is kept as *not computed* with its
    reason and left out of the score, which says which parts it covers.
    """
    cat, num, dates = list(categorical), list(numeric), list(datetime)
    _check_inputs(real_train, real_holdout, synthetic, target, cat, num, dates)
    problems: list[str] = []
    if n_bootstrap < 10:
        problems.append(f"n_bootstrap must be >= 10 (got {n_bootstrap})")
    if not 0 < confidence < 1:
        problems.append(f"confidence must be in (0, 1) (got {confidence})")
    if max_train_rows <= 0:
        problems.append(f"max_train_rows must be > 0 (got {max_train_rows})")
    if not 0 < pca_variance < 1:
        problems.append(f"pca_variance must be in (0, 1) (got {pca_variance})")
    if min_subgroup_rows < 1 or max_subgroups < 1:
        problems.append("min_subgroup_rows and max_subgroups must be >= 1")
    if problems:
        raise InvalidInputError(join_problems(problems))
    part_weights = check_weights(weights or {})
    numeric_like = num + dates
    date_set = set(dates)
    ordered = cat + numeric_like
    notes: list[str] = []

    # Column shapes, 1-way TVD on the shared codes, and marginals for plotting.
    disc = Discretiser.fit(
        real_train, categorical=cat, numeric=num, datetime=dates, columns=ordered
    )
    k = disc.n_codes
    codes_real, codes_syn = disc.codes(real_holdout), disc.codes(synthetic)
    one_way = one_way_tvds(codes_real, codes_syn, k)
    per_column: dict[str, ColumnShape] = {}
    marginals: dict[str, Marginal] = {}
    for j, col in enumerate(ordered):
        if col in date_set or col in num:
            is_date = col in date_set
            real_v = column_floats(real_holdout[col], is_date=is_date)
            syn_v = column_floats(synthetic[col], is_date=is_date)
            ks = ks_statistic(real_v, syn_v)
            per_column[col] = ColumnShape(ShapeMetric.KS, 1.0 - ks, one_way[j], ks)
            marginals[col] = histogram_marginal(col, real_v, syn_v, is_date=is_date)
        else:
            real_l, syn_l = column_labels(real_holdout[col]), column_labels(synthetic[col])
            per_column[col] = ColumnShape(ShapeMetric.TVD, 1.0 - label_tvd(real_l, syn_l),
                                          one_way[j])
            marginals[col] = categorical_marginal(col, real_l, syn_l)
    column_shape_score = float(np.mean([s.similarity for s in per_column.values()]))
    one_way_mean = float(np.mean(one_way))
    parts = [_computed(ScorePart.ONE_WAY, 1.0 - one_way_mean, part_weights)]

    # Every column pair: 2-way TVD and Cramér's V from one set of count tables.
    pairwise: tuple[PairTrend, ...] = ()
    associations: dict[AssociationMeasure, AssociationMatrix] = {}
    two_way_mean = two_way_max = pair_trend = pair_mad = None
    if len(ordered) < 2:
        reason = "a single column has no column pairs"
        parts += [_not_computed(p, PartStatus.NOT_APPLICABLE, reason, part_weights)
                  for p in (ScorePart.TWO_WAY, ScorePart.CORRELATION)]
    else:
        pairs = all_pairs(len(ordered))
        outcome = _attempt(lambda: _pair_measures(ordered, pairs, codes_real, codes_syn, k))
        if isinstance(outcome, _Skipped):
            parts += [outcome.part(p, part_weights)
                      for p in (ScorePart.TWO_WAY, ScorePart.CORRELATION)]
        else:
            pairwise, cramers = outcome
            tvds = [p.tvd for p in pairwise]
            two_way_mean, two_way_max = float(np.mean(tvds)), float(np.max(tvds))
            pair_mad = float(np.mean([abs(p.real - p.synthetic) for p in pairwise]))
            pair_trend = 1.0 - pair_mad
            associations[AssociationMeasure.CRAMERS_V] = cramers
            parts.append(_computed(ScorePart.TWO_WAY, 1.0 - two_way_mean, part_weights))
            corr = _attempt(
                lambda: _correlation(real_holdout, synthetic, numeric_like, date_set, pairwise)
            )
            if isinstance(corr, _Skipped):
                parts.append(corr.part(ScorePart.CORRELATION, part_weights))
            else:
                matrices, similarity, corr_notes = corr
                associations.update(matrices)
                notes += corr_notes
                parts.append(_computed(ScorePart.CORRELATION, similarity, part_weights))

    # PCA structure.
    pca: PcaComparison | None = None
    pca_outcome = _attempt(
        lambda: compare_pca(
            real_train=real_train, real_holdout=real_holdout, synthetic=synthetic,
            categorical=cat, numeric_like=numeric_like, date_set=date_set,
            variance_target=pca_variance,
        )
    )
    if isinstance(pca_outcome, _Skipped):
        parts.append(pca_outcome.part(ScorePart.PCA, part_weights))
    else:
        pca = pca_outcome
        if pca.constant_columns:
            notes.append(
                "Columns without variation in the real training table keep scale 1 in the PCA "
                f"encoding: {list(pca.constant_columns)}."
            )
        parts.append(_computed(ScorePart.PCA, pca.similarity, part_weights))

    # Downstream utility.
    utility: UtilityResult | None = None
    if target is None:
        parts.append(_not_computed(ScorePart.UTILITY, PartStatus.NOT_APPLICABLE,
                                   "no target column was named", part_weights))
    else:
        util_outcome = _attempt(
            lambda: measure_utility(
                real_train=real_train, real_holdout=real_holdout, synthetic=synthetic,
                target=target, categorical=cat, numeric_like=numeric_like, date_set=date_set,
                rng=rng, n_bootstrap=n_bootstrap, confidence=confidence,
                max_train_rows=max_train_rows,
            )
        )
        if isinstance(util_outcome, _Skipped):
            parts.append(util_outcome.part(ScorePart.UTILITY, part_weights))
        else:
            utility = util_outcome
            parts.append(_utility_part(utility, part_weights))

    # Subgroups of the target (or the first categorical column).
    group = target if target is not None else (cat[0] if cat else None)
    if group is None:
        subgroups = SubgroupResult(
            column=None, min_real_rows=min_subgroup_rows, n_eligible=0,
            n_absent_from_synthetic=0, subgroups=(), population_mean_tvd=None,
            reason="no categorical column to form subgroups",
        )
    else:
        subgroups = measure_subgroups(
            column=group,
            real_labels=column_labels(real_holdout[group]),
            syn_labels=column_labels(synthetic[group]),
            columns=ordered,
            codes_real=codes_real,
            codes_syn=codes_syn,
            n_codes=k,
            population_tvd=one_way,
            min_real_rows=min_subgroup_rows,
            max_subgroups=max_subgroups,
        )

    return QualityResult(
        score=QualityScore.from_parts(parts),
        per_column=per_column,
        pairwise=pairwise,
        associations=associations,
        one_way_tvd=one_way_mean,
        two_way_tvd=two_way_mean,
        two_way_tvd_max=two_way_max,
        column_shape_score=column_shape_score,
        pair_trend_score=pair_trend,
        pairwise_mean_abs_diff=pair_mad,
        pca=pca,
        marginals=marginals,
        utility=utility,
        subgroups=subgroups,
        n_real_train=len(real_train),
        n_real_holdout=len(real_holdout),
        n_synthetic=len(synthetic),
        notes=" ".join(notes),
    )


# ---------------------------------------------------------------------------------------------
# Parts


def _pair_measures(
    columns: list[str],
    pairs: list[tuple[int, int]],
    codes_real: np.ndarray,
    codes_syn: np.ndarray,
    n_codes: tuple[int, ...],
) -> tuple[tuple[PairTrend, ...], AssociationMatrix]:
    tables_real = pair_tables(codes_real, n_codes, pairs)
    tables_syn = pair_tables(codes_syn, n_codes, pairs)
    trends: list[PairTrend] = []
    for (a, b), t_real, t_syn in zip(pairs, tables_real, tables_syn, strict=True):
        v_real, v_syn = cramers_v_table(t_real), cramers_v_table(t_syn)
        trends.append(
            PairTrend(
                (columns[a], columns[b]), v_real, v_syn, 1.0 - abs(v_real - v_syn),
                tvd_of_counts(t_real.ravel(), t_syn.ravel()),
            )
        )
    mad = float(np.mean([abs(p.real - p.synthetic) for p in trends]))
    cramers = AssociationMatrix(
        measure=AssociationMeasure.CRAMERS_V,
        columns=tuple(columns),
        real=cramers_v_matrix(columns, pairs, [p.real for p in trends]),
        synthetic=cramers_v_matrix(columns, pairs, [p.synthetic for p in trends]),
        mean_abs_diff=mad,
    )
    return tuple(trends), cramers


def _correlation(
    real: pd.DataFrame,
    syn: pd.DataFrame,
    numeric_like: list[str],
    date_set: set[str],
    pairwise: tuple[PairTrend, ...],
) -> tuple[dict[AssociationMeasure, AssociationMatrix], float, list[str]]:
    """Pearson and Spearman matrices of the numeric columns, and the correlation part's
    similarity: 1 - mean over pairs of |dV|, averaged with |d rho_Spearman| / 2 where both
    Spearman values are defined."""
    matrices: dict[AssociationMeasure, AssociationMatrix] = {}
    notes: list[str] = []
    rho: dict[tuple[str, str], tuple[float, float]] = {}
    if len(numeric_like) >= 2:

        def floats(table: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame(
                {c: column_floats(table[c], is_date=c in date_set) for c in numeric_like}
            )

        matrices = correlation_matrices(floats(real), floats(syn))
        spearman = matrices[AssociationMeasure.SPEARMAN]
        index = {c: i for i, c in enumerate(spearman.columns)}
        for p in pairwise:
            a, b = p.columns
            if a in index and b in index:
                r = spearman.real[index[a]][index[b]]
                s = spearman.synthetic[index[a]][index[b]]
                if r is not None and s is not None:
                    rho[(a, b)] = (r, s)
        for m in matrices.values():
            if m.undefined_pairs:
                notes.append(
                    f"{m.measure.value} is undefined for {len(m.undefined_pairs)} pair(s) with a "
                    "column without variation; those pairs are compared by Cramér's V alone."
                )
                break
    distances = []
    for p in pairwise:
        d = abs(p.real - p.synthetic)
        if p.columns in rho:
            r, s = rho[p.columns]
            d = 0.5 * (d + abs(r - s) / 2)
        distances.append(d)
    return matrices, 1.0 - float(np.mean(distances)), notes


def _utility_part(utility: UtilityResult, weights: Mapping[ScorePart, float]) -> PartScore:
    ratio = utility.ratio.get(UtilityMetric.ROC_AUC)
    trtr = utility.trtr.get(UtilityMetric.ROC_AUC)
    if ratio is None or trtr is None:
        return _not_computed(ScorePart.UTILITY, PartStatus.NOT_APPLICABLE,
                             "ROC-AUC is undefined: the holdout holds a single target class",
                             weights)
    if trtr.value <= 0.5:
        return _not_computed(
            ScorePart.UTILITY, PartStatus.NOT_APPLICABLE,
            f"TRTR ROC-AUC is {trtr.value:.3f}: the real rows carry no learnable signal for the "
            "target, so there is nothing for the synthetic rows to keep", weights,
        )
    return _computed(ScorePart.UTILITY, ratio.value, weights, floor=0.5 / trtr.value)


def _computed(
    part: ScorePart, similarity: float, weights: Mapping[ScorePart, float], *, floor: float = 0.0
) -> PartScore:
    return PartScore(part, PartStatus.COMPUTED, weights[part], float(similarity),
                     part_score(similarity, floor=floor))


def _not_computed(
    part: ScorePart, status: PartStatus, reason: str, weights: Mapping[ScorePart, float]
) -> PartScore:
    return PartScore(part, status, weights[part], reason=reason)


@dataclass(frozen=True)
class _Skipped:
    """A part that was not computed, and why."""

    status: PartStatus
    reason: str

    def part(self, part: ScorePart, weights: Mapping[ScorePart, float]) -> PartScore:
        return _not_computed(part, self.status, self.reason, weights)


def _attempt(work: Callable[[], T]) -> T | _Skipped:
    """Run one part; a part the data give nothing to measure, or one that raised, becomes a
    :class:`_Skipped`. Only our own messages are kept: another library's may quote a value."""
    try:
        return work()
    except PartNotApplicable as err:
        return _Skipped(PartStatus.NOT_APPLICABLE, str(err))
    except InvalidInputError as err:
        return _Skipped(PartStatus.FAILED, str(err))
    except Exception as err:  # noqa: BLE001 (a failing part is a finding, never a crash)
        return _Skipped(
            PartStatus.FAILED,
            f"the computation raised {type(err).__name__} (its message is withheld: it may "
            "quote a value)",
        )


# ---------------------------------------------------------------------------------------------
# Checks


def _check_inputs(
    real_train: pd.DataFrame,
    real_holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str | None,
    cat: list[str],
    num: list[str],
    dates: list[str],
) -> None:
    problems: list[str] = []
    tables = {"real_train": real_train, "real_holdout": real_holdout, "synthetic": synthetic}
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame) or len(table) == 0:
            problems.append(f"{name} must be a non-empty DataFrame")
    listed = cat + num + dates
    if not listed:
        problems.append("name at least one categorical, numeric or datetime column")
    repeated = sorted({c for c in listed if listed.count(c) > 1})
    if repeated:
        problems.append(f"columns listed more than once: {repeated}")
    if target is not None and target not in cat:
        problems.append(
            f"target '{target}' must be one of the categorical columns (utility is measured by "
            "classification)"
        )
    if problems:
        raise InvalidInputError(join_problems(problems))
    for name, table in tables.items():
        absent = [c for c in listed if c not in table.columns]
        if absent:
            problems.append(f"{name} lacks columns {absent}")
    if problems:
        raise InvalidInputError(join_problems(problems))
