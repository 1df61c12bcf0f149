"""Fidelity: column shapes, 1-way and 2-way TVDs, pairwise association, plotting marginals.

Counts come from the codes of :class:`audit.quality._columns.Discretiser` (fitted on the real
training table). The 2-way tables of every column pair are built with one ``np.bincount`` per
block of pairs over a combined index, and both the 2-way TVD and Cramér's V are read from them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from audit.quality._columns import DATE_EPOCH
from audit.quality.results import AssociationMatrix, AssociationMeasure, Marginal, MarginalKind

#: Marginals for plotting show at most this many categories or histogram bins.
MAX_MARGINAL_BINS = 12
#: Pairs are counted in blocks so the combined index holds at most this many entries.
_BINCOUNT_BLOCK = 8_000_000


# ---------------------------------------------------------------------------------------------
# Count tables and distances


def code_shares(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Share of rows in each code ``0 .. n_codes - 1``."""
    return np.bincount(codes, minlength=n_codes) / max(codes.size, 1)


def tvd_of_counts(p: np.ndarray, q: np.ndarray) -> float:
    """Total variation distance ``1/2 sum |p/|p| - q/|q||`` of two count (or share) vectors."""
    p_sum, q_sum = p.sum(), q.sum()
    if p_sum == 0 or q_sum == 0:
        return 0.0 if p_sum == q_sum else 1.0
    return float(min(1.0, 0.5 * np.abs(p / p_sum - q / q_sum).sum()))


def one_way_tvds(real: np.ndarray, syn: np.ndarray, n_codes: Sequence[int]) -> list[float]:
    """TVD of each column's codes (``real``, ``syn``: ``(rows, columns)`` code arrays)."""
    return [
        float(0.5 * np.abs(code_shares(real[:, j], k) - code_shares(syn[:, j], k)).sum())
        for j, k in enumerate(n_codes)
    ]


def all_pairs(n_columns: int) -> list[tuple[int, int]]:
    return list(combinations(range(n_columns), 2))


def pair_tables(
    codes: np.ndarray, n_codes: Sequence[int], pairs: Sequence[tuple[int, int]]
) -> list[np.ndarray]:
    """The contingency table (``k_a x k_b`` counts) of every pair ``(a, b)`` of columns.

    Each pair's cell index ``offset + code_a * k_b + code_b`` lands in its own stretch of one
    combined index, so a block of pairs costs one ``np.bincount``.
    """
    n = codes.shape[0]
    k = np.asarray(n_codes, dtype=np.int64)
    out: list[np.ndarray] = []
    per_block = max(1, _BINCOUNT_BLOCK // max(n, 1))
    for start in range(0, len(pairs), per_block):
        block = pairs[start : start + per_block]
        a = np.array([p[0] for p in block], dtype=np.int64)
        b = np.array([p[1] for p in block], dtype=np.int64)
        sizes = k[a] * k[b]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        index = codes[:, a] * k[b] + codes[:, b] + offsets
        counts = np.bincount(index.ravel(), minlength=int(sizes.sum()))
        for i in range(len(block)):
            out.append(counts[offsets[i] : offsets[i] + sizes[i]].reshape(k[a[i]], k[b[i]]))
    return out


def cramers_v_table(table: np.ndarray) -> float:
    """Bias-corrected Cramér's V of a contingency table (Bergsma 2013, J. Korean Stat. Soc.
    42:323-328, eq. 3-4).

    ``phi2 = chi2 / n``; ``phi2~ = max(0, phi2 - (k-1)(r-1)/(n-1))``;
    ``k~ = k - (k-1)^2/(n-1)``, ``r~`` likewise; ``V~ = sqrt(phi2~ / min(k~-1, r~-1))``, with
    ``k`` and ``r`` the numbers of levels observed. 0 when either column has a single level.
    """
    table = np.asarray(table, dtype=float)
    n = float(table.sum())
    if n < 2:
        return 0.0
    table = table[table.sum(1) > 0][:, table.sum(0) > 0]
    k, r = table.shape
    if k < 2 or r < 2:
        return 0.0
    expected = np.outer(table.sum(1), table.sum(0)) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    k_c = k - (k - 1) ** 2 / (n - 1)
    r_c = r - (r - 1) ** 2 / (n - 1)
    denom = min(k_c - 1, r_c - 1)
    if denom <= 0:
        return 0.0
    return float(min(1.0, math.sqrt(phi2 / denom)))


def cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Bias-corrected Cramér's V of two integer-coded columns (see :func:`cramers_v_table`)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size < 2:
        return 0.0
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    k, r = int(ai.max()) + 1, int(bi.max()) + 1
    return cramers_v_table(np.bincount(ai * r + bi, minlength=k * r).reshape(k, r))


def cramers_v_matrix(
    columns: Sequence[str], pairs: Sequence[tuple[int, int]], values: Sequence[float]
) -> tuple[tuple[float | None, ...], ...]:
    """Square matrix from per-pair values (diagonal 1: a column is fully associated with
    itself)."""
    d = len(columns)
    m = np.eye(d)
    for (a, b), v in zip(pairs, values, strict=True):
        m[a, b] = m[b, a] = v
    return tuple(tuple(float(v) for v in row) for row in m)


# ---------------------------------------------------------------------------------------------
# Correlation of numeric and date columns


def correlation_matrices(
    real: pd.DataFrame, syn: pd.DataFrame
) -> dict[AssociationMeasure, AssociationMatrix]:
    """Pearson and Spearman matrices of the numeric columns (as floats, dates in days), each on
    pairwise-complete rows. A pair involving a column without variation on either side is
    undefined there (None) and left out of ``mean_abs_diff``, listed in ``undefined_pairs``."""
    columns = tuple(real.columns)
    out: dict[AssociationMeasure, AssociationMatrix] = {}
    for measure, method in ((AssociationMeasure.PEARSON, "pearson"),
                            (AssociationMeasure.SPEARMAN, "spearman")):
        r = real.corr(method=method).to_numpy()
        s = syn.corr(method=method).to_numpy()
        diffs, undefined = [], []
        for a, b in combinations(range(len(columns)), 2):
            if np.isfinite(r[a, b]) and np.isfinite(s[a, b]):
                diffs.append(abs(float(r[a, b]) - float(s[a, b])))
            else:
                undefined.append((columns[a], columns[b]))
        out[measure] = AssociationMatrix(
            measure=measure,
            columns=columns,
            real=_as_matrix(r),
            synthetic=_as_matrix(s),
            mean_abs_diff=float(np.mean(diffs)) if diffs else None,
            undefined_pairs=tuple(undefined),
        )
    return out


def _as_matrix(m: np.ndarray) -> tuple[tuple[float | None, ...], ...]:
    return tuple(
        tuple(float(max(-1.0, min(1.0, v))) if np.isfinite(v) else None for v in row) for row in m
    )


# ---------------------------------------------------------------------------------------------
# Column shapes (SDMetrics' KSComplement / TVComplement) and marginals for plotting


def label_tvd(real: pd.Series, syn: pd.Series) -> float:
    """TVD over every category label, missing as its own category."""
    p = real.value_counts(normalize=True, dropna=False)
    q = syn.value_counts(normalize=True, dropna=False)
    p, q = p.align(q, fill_value=0.0)
    return float(min(1.0, 0.5 * np.abs(p.to_numpy() - q.to_numpy()).sum()))


def ks_statistic(real: np.ndarray, syn: np.ndarray) -> float:
    """Two-sample KS statistic on present values; 1 when one side has none (nothing matches)."""
    real, syn = real[~np.isnan(real)], syn[~np.isnan(syn)]
    if real.size == 0 and syn.size == 0:
        return 0.0
    if real.size == 0 or syn.size == 0:
        return 1.0
    return float(stats.ks_2samp(real, syn).statistic)


def categorical_marginal(col: str, real: pd.Series, syn: pd.Series) -> Marginal:
    """Labels from the synthetic table only (its commonest categories), real shares over them."""
    syn_counts = syn.dropna().value_counts()
    ranked = sorted(syn_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_MARGINAL_BINS]
    labels = tuple(str(label) for label, _ in ranked)
    real_counts = real.dropna().value_counts()
    real_n = [int(real_counts.get(lab, 0)) for lab in labels]
    syn_n = [int(syn_counts.get(lab, 0)) for lab in labels]
    return _marginal(col, MarginalKind.CATEGORICAL, labels, (), real_n, len(real), syn_n, len(syn))


def histogram_marginal(col: str, real: np.ndarray, syn: np.ndarray, *, is_date: bool) -> Marginal:
    """Equal-width bins over the synthetic table's range (never the real one's)."""
    unit = f"days since {DATE_EPOCH}" if is_date else ""
    finite = syn[np.isfinite(syn)]
    if finite.size == 0:
        return _marginal(col, MarginalKind.HISTOGRAM, (), (), [], real.size, [], syn.size, unit)
    lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, MAX_MARGINAL_BINS + 1)
    real_n, _ = np.histogram(real[np.isfinite(real)], bins=edges)
    syn_n, _ = np.histogram(finite, bins=edges)
    if is_date:
        stamps = pd.Timestamp(DATE_EPOCH) + pd.to_timedelta(edges, unit="D")
        names = [t.strftime("%Y-%m-%d") for t in stamps]
    else:
        names = [f"{e:.4g}" for e in edges]
    labels = tuple(f"[{names[i]}, {names[i + 1]})" for i in range(MAX_MARGINAL_BINS - 1))
    labels += (f"[{names[-2]}, {names[-1]}]",)
    return _marginal(
        col,
        MarginalKind.HISTOGRAM,
        labels,
        tuple(float(e) for e in edges),
        [int(c) for c in real_n],
        real.size,
        [int(c) for c in syn_n],
        syn.size,
        unit,
    )


def _marginal(
    col: str,
    kind: MarginalKind,
    labels: tuple[str, ...],
    edges: tuple[float, ...],
    real_counts: list[int],
    n_real: int,
    syn_counts: list[int],
    n_syn: int,
    unit: str = "",
) -> Marginal:
    """Shares from integer counts, so shown and rest shares add up to 1 exactly in counts."""
    n_real, n_syn = max(n_real, 1), max(n_syn, 1)
    return Marginal(
        column=col,
        kind=kind,
        labels=labels,
        edges=edges,
        real=tuple(c / n_real for c in real_counts),
        synthetic=tuple(c / n_syn for c in syn_counts),
        rest_real=(n_real - sum(real_counts)) / n_real,
        rest_synthetic=(n_syn - sum(syn_counts)) / n_syn,
        unit=unit,
    )
