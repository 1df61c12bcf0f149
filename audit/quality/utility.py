"""Downstream utility: train on synthetic, test on real (TSTR) beside train on real, test on
real (TRTR).

Esteban et al. (2017), "Real-valued (medical) time series generation with recurrent conditional
GANs", §4; Jordon et al. (2022), "Synthetic Data - what, why and how?", §4. A
``HistGradientBoostingClassifier`` (:data:`UTILITY_MAX_ITER` iterations, no early stopping, seed
from ``rng``) is trained on synthetic rows and another on as many real training rows; both are
tested on the real holdout. Metrics: ROC-AUC (the headline; binary targets: AUC of the second
class in sorted order, which equals the first's; multiclass: the unweighted mean of the
one-vs-rest AUCs over the holdout's classes, as scikit-learn's ``multi_class="ovr",
average="macro"``), accuracy and macro-F1. Intervals are paired percentile-bootstrap intervals
over the test rows (Efron & Tibshirani 1993, ch. 13): every resample re-weights the same test
rows for both classifiers, so the ratio TSTR / TRTR gets its interval from the same draws.
Resamples in which a class has no positive or no negative row give that class no AUC and are
averaged over the remaining classes (they are rare, and only move the interval).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier

from audit.quality._columns import column_floats, column_labels, top_levels
from audit.quality.results import UtilityMetric, UtilityResult
from audit.quality.score import PartNotApplicable
from privacy.estimate import Estimate, IntervalMethod

#: Categorical features keep this many levels in the classifier (the rest are missing).
UTILITY_MAX_LEVELS = 250
#: Boosting iterations of both classifiers (early stopping off: every row trains).
UTILITY_MAX_ITER = 100
#: Bootstrap resamples are drawn and scored in blocks of this many.
_BOOTSTRAP_BLOCK = 100


def measure_utility(
    *,
    real_train: pd.DataFrame,
    real_holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str,
    categorical: list[str],
    numeric_like: list[str],
    date_set: set[str],
    rng: np.random.Generator,
    n_bootstrap: int,
    confidence: float,
    max_train_rows: int,
) -> UtilityResult:
    """TSTR and TRTR for ``target`` (see the module docstring). Raises
    :class:`PartNotApplicable` when a table has no row with a target value."""
    notes: list[str] = []
    y_syn_all, y_real_all = column_labels(synthetic[target]), column_labels(real_train[target])
    y_test_all = column_labels(real_holdout[target])
    syn = synthetic.loc[y_syn_all.notna().to_numpy()]
    train = real_train.loc[y_real_all.notna().to_numpy()]
    test = real_holdout.loc[y_test_all.notna().to_numpy()]
    dropped = (
        len(synthetic) - len(syn),
        len(real_train) - len(train),
        len(real_holdout) - len(test),
    )
    if any(dropped):
        notes.append(
            f"Rows with a missing target were left out (synthetic {dropped[0]}, real training "
            f"{dropped[1]}, holdout {dropped[2]})."
        )
    if min(len(syn), len(train), len(test)) == 0:
        raise PartNotApplicable(
            f"utility needs rows with a target value in every table (synthetic {len(syn)}, "
            f"real training {len(train)}, holdout {len(test)})"
        )
    n_train = min(len(syn), len(train), max_train_rows)
    syn = syn.iloc[np.sort(rng.choice(len(syn), size=n_train, replace=False))]
    train = train.iloc[np.sort(rng.choice(len(train), size=n_train, replace=False))]

    features = [c for c in categorical + numeric_like if c != target]
    levels = {
        c: pd.Index(
            top_levels(pd.concat([column_labels(syn[c]), column_labels(train[c])]),
                       UTILITY_MAX_LEVELS)
        )
        for c in categorical
        if c != target
    }

    def encode(table: pd.DataFrame) -> np.ndarray:
        cols: list[np.ndarray] = []
        for c in features:
            if c in levels:
                codes = levels[c].get_indexer(column_labels(table[c])).astype(float)
                codes[codes < 0] = np.nan  # unknown, rare beyond the cap, or missing
                cols.append(codes)
            else:
                cols.append(column_floats(table[c], is_date=c in date_set))
        return np.column_stack(cols) if cols else np.zeros((len(table), 1))

    is_cat = np.array([c in levels for c in features] or [False])
    x_test = encode(test)
    y_test = column_labels(test[target]).to_numpy(dtype=object)
    classes = np.unique(y_test)  # the holdout's classes: AUC columns
    probabilities: dict[str, np.ndarray] = {}
    predictions: dict[str, np.ndarray] = {}
    for name, table in (("tstr", syn), ("trtr", train)):
        y = column_labels(table[target]).to_numpy(dtype=object)
        seen = np.unique(y)
        if seen.size == 1:
            notes.append(f"The {name.upper()} training rows hold a single target class.")
            proba = np.tile((classes == seen[0]).astype(float), (len(test), 1))
            predictions[name] = np.full(len(test), seen[0], dtype=object)
        else:
            model = HistGradientBoostingClassifier(
                categorical_features=is_cat if is_cat.any() else None,
                max_iter=UTILITY_MAX_ITER,
                early_stopping=False,
                random_state=int(rng.integers(2**31 - 1)),
            )
            model.fit(encode(table), y)
            raw = model.predict_proba(x_test)
            predictions[name] = model.classes_[np.argmax(raw, axis=1)]
            column = {c: i for i, c in enumerate(model.classes_)}
            proba = np.zeros((len(test), classes.size))
            for j, c in enumerate(classes):
                if c in column:
                    proba[:, j] = raw[:, column[c]]
        probabilities[name] = proba

    all_labels = pd.Index(np.unique(np.concatenate([y_test, *predictions.values()])))
    true = all_labels.get_indexer(y_test)
    true_class = pd.Index(classes).get_indexer(y_test)
    with_auc = classes.size >= 2
    if not with_auc:
        notes.append("The holdout holds a single target class: ROC-AUC is undefined.")
    scorers = {
        name: _Scorer(
            true, all_labels.get_indexer(predictions[name]), len(all_labels),
            probabilities[name] if with_auc else None, true_class,
        )
        for name in predictions
    }
    n_test = len(test)
    metrics = [m for m in UtilityMetric if with_auc or m is not UtilityMetric.ROC_AUC]
    point = {name: s.scores(np.ones((1, n_test))) for name, s in scorers.items()}
    boot: dict[str, dict[UtilityMetric, list[np.ndarray]]] = {
        name: {m: [] for m in metrics} for name in scorers
    }
    for weights in _bootstrap_weights(rng, n_test, n_bootstrap):
        for name, s in scorers.items():
            for m, v in s.scores(weights).items():
                boot[name][m].append(v)
    draws = {name: {m: np.concatenate(v) for m, v in d.items()} for name, d in boot.items()}
    q = [(1 - confidence) / 2 * 100, (1 + confidence) / 2 * 100]

    def estimate(value: float, sample: np.ndarray) -> Estimate:
        finite = sample[np.isfinite(sample)]  # a resample with TRTR 0 has no ratio
        lo, hi = np.percentile(finite, q) if finite.size else (value, value)
        return Estimate(
            value, min(float(lo), value), max(float(hi), value), n_test,
            IntervalMethod.BOOTSTRAP, confidence,
        )

    tstr = {m: estimate(float(point["tstr"][m][0]), draws["tstr"][m]) for m in metrics}
    trtr = {m: estimate(float(point["trtr"][m][0]), draws["trtr"][m]) for m in metrics}
    ratio: dict[UtilityMetric, Estimate] = {}
    for m in metrics:
        if trtr[m].value <= 0:
            notes.append(f"TRTR {m.value} is 0: no ratio.")
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio_draws = draws["tstr"][m] / draws["trtr"][m]
        ratio[m] = estimate(tstr[m].value / trtr[m].value, ratio_draws)
    return UtilityResult(
        target=target,
        model=f"HistGradientBoostingClassifier(max_iter={UTILITY_MAX_ITER})",
        n_train=n_train,
        n_test=n_test,
        n_classes=int(classes.size),
        tstr=tstr,
        trtr=trtr,
        ratio=ratio,
        notes=" ".join(notes),
    )


def _bootstrap_weights(rng: np.random.Generator, n: int, n_bootstrap: int) -> Iterator[np.ndarray]:
    """Blocks of resampling weights: row ``b`` counts how often each of the ``n`` test rows was
    drawn in resample ``b`` (``n`` draws with replacement)."""
    for start in range(0, n_bootstrap, _BOOTSTRAP_BLOCK):
        c = min(_BOOTSTRAP_BLOCK, n_bootstrap - start)
        draws = rng.integers(0, n, size=(c, n)) + (np.arange(c) * n)[:, None]
        yield np.bincount(draws.ravel(), minlength=c * n).reshape(c, n).astype(float)


class _Scorer:
    """Weighted metrics of one classifier's test predictions, for many weight vectors at once.

    Every metric is a sum of per-row weights over a fixed grouping of the rows (confusion cells;
    score levels of the positive and negative rows), so a block of weight vectors is scored by
    sparse matrix products.
    """

    def __init__(
        self,
        true: np.ndarray,
        pred: np.ndarray,
        k: int,
        proba: np.ndarray | None,
        true_class: np.ndarray,
    ) -> None:
        n = true.size
        rows = np.arange(n)
        self.k = k
        self.cells = _indicator(rows, true * k + pred, n, k * k)
        self.auc_groups: list[tuple[sparse.csr_matrix, sparse.csr_matrix]] = []
        if proba is not None:
            columns = [1] if proba.shape[1] == 2 else range(proba.shape[1])
            for j in columns:
                _, level = np.unique(proba[:, j], return_inverse=True)
                g = int(level.max()) + 1
                pos = true_class == j
                self.auc_groups.append((
                    _indicator(rows[pos], level[pos], n, g),
                    _indicator(rows[~pos], level[~pos], n, g),
                ))

    def scores(self, weights: np.ndarray) -> dict[UtilityMetric, np.ndarray]:
        k = self.k
        conf = (self.cells.T @ weights.T).T.reshape(-1, k, k)
        total = conf.sum(axis=(1, 2))
        diag = np.diagonal(conf, axis1=1, axis2=2)
        support = conf.sum(axis=2) + conf.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.where(support > 0, 2 * diag / support, np.nan)
            out = {
                UtilityMetric.ACCURACY: diag.sum(axis=1) / total,
                UtilityMetric.MACRO_F1: _row_nanmean(f1),
            }
            if self.auc_groups:
                aucs = np.column_stack([_auc(pos, neg, weights) for pos, neg in self.auc_groups])
                out[UtilityMetric.ROC_AUC] = _row_nanmean(aucs)
        return out


def _indicator(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sparse.csr_matrix:
    """An ``n_rows x n_cols`` 0/1 matrix with a 1 at each ``(rows[i], cols[i])``."""
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_rows, n_cols))


def _auc(pos: sparse.csr_matrix, neg: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """Weighted ROC-AUC with ties counted half (Mann-Whitney), one per row of ``weights``;
    NaN where a resample has no positive or no negative weight."""
    p = (pos.T @ weights.T).T  # (resamples, score levels ascending)
    q = (neg.T @ weights.T).T
    below = np.cumsum(q, axis=1) - q
    with np.errstate(divide="ignore", invalid="ignore"):
        return (p * (below + 0.5 * q)).sum(axis=1) / (p.sum(axis=1) * q.sum(axis=1))


def _row_nanmean(values: np.ndarray) -> np.ndarray:
    """Mean of each row over its finite entries (NaN when none): classes absent from a
    resample drop out of that resample's macro average, as in scikit-learn."""
    finite = np.isfinite(values)
    counts = finite.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 0, np.where(finite, values, 0.0).sum(axis=1) / counts, np.nan)
