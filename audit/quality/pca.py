"""PCA structure: do the real holdout and the synthetic table spread their variance the same
way, along the same directions?

One encoding, fitted on the *real training* table, maps every table to the same features:
numeric and date columns standardised (training mean and standard deviation; missing values at
the mean), categorical columns one-hot over their :data:`PCA_MAX_LEVELS` commonest training
categories plus one "other or missing" indicator, centred at the training shares and scaled by
``1 / sqrt(1 - sum p_k^2)`` so that each column, numeric or categorical, has unit total
variance in the training table (the weighting of factor analysis of mixed data, FAMD, applied
per column rather than per level, which keeps a rare level from dominating). A column without
variation in the training table keeps scale 1 and is listed.

Each table's covariance in that encoding gives eigenvalues (the spectrum) and eigenvectors. The
comparison follows Krzanowski (1979, "Between-groups comparison of principal components", JASA
74:703-707): the cosines of the principal angles between the two top-``k`` subspaces (Björck &
Golub 1973) are the singular values of ``V_real[:, :k]^T V_syn[:, :k]``, and their mean square
is the subspace similarity (1 when the subspaces coincide; about ``k / p`` for random ones).
``k`` covers ``variance_target`` (80%) of the real holdout's variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audit.quality._columns import column_floats, column_labels, top_levels
from audit.quality.results import PcaComparison
from audit.quality.score import PartNotApplicable

#: Categorical columns keep this many training categories as one-hot features (plus "other").
PCA_MAX_LEVELS = 20
#: The result keeps at most this many leading eigenvalues of each table.
MAX_REPORTED_EIGENVALUES = 20


@dataclass(frozen=True, eq=False)
class _Block:
    column: str
    numeric: bool
    is_date: bool
    constant: bool
    centre: float = 0.0
    scale: float = 1.0
    levels: pd.Index = field(default_factory=lambda: pd.Index([]), repr=False)
    lookup: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)

    @property
    def width(self) -> int:
        return 1 if self.numeric else len(self.levels) + 1

    def encode(self, series: pd.Series) -> np.ndarray:
        if self.numeric:
            x = (column_floats(series, is_date=self.is_date) - self.centre) / self.scale
            return np.where(np.isfinite(x), x, 0.0)[:, None]
        codes = self.levels.get_indexer(column_labels(series))
        codes[codes < 0] = len(self.levels)
        return self.lookup[codes]


@dataclass(frozen=True, eq=False, repr=False)
class PcaEncoder:
    """The mixed-type encoding of the module docstring; fitted training values stay inside."""

    blocks: tuple[_Block, ...]

    @classmethod
    def fit(
        cls,
        train: pd.DataFrame,
        *,
        categorical: Sequence[str],
        numeric_like: Sequence[str],
        date_set: set[str],
    ) -> PcaEncoder:
        blocks: list[_Block] = []
        for col in categorical:
            labels = column_labels(train[col])
            levels = pd.Index(top_levels(labels, PCA_MAX_LEVELS))
            codes = levels.get_indexer(labels)
            codes[codes < 0] = len(levels)
            p = np.bincount(codes, minlength=len(levels) + 1) / max(len(codes), 1)
            spread = 1.0 - float((p**2).sum())
            constant = spread <= 1e-12
            scale = 1.0 if constant else 1.0 / np.sqrt(spread)
            lookup = (np.eye(len(levels) + 1) - p) * scale
            blocks.append(_Block(col, False, False, constant, levels=levels, lookup=lookup))
        for col in numeric_like:
            x = column_floats(train[col], is_date=col in date_set)
            x = x[np.isfinite(x)]
            centre = float(x.mean()) if x.size else 0.0
            sd = float(x.std()) if x.size else 0.0
            constant = not (np.isfinite(sd) and sd > 0)
            blocks.append(
                _Block(col, True, col in date_set, constant, centre, 1.0 if constant else sd)
            )
        return cls(tuple(blocks))

    @property
    def n_features(self) -> int:
        return sum(b.width for b in self.blocks)

    @property
    def constant_columns(self) -> tuple[str, ...]:
        return tuple(b.column for b in self.blocks if b.constant)

    def encode(self, table: pd.DataFrame) -> np.ndarray:
        return np.hstack([b.encode(table[b.column]) for b in self.blocks])


def spectrum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending, clipped at 0) and eigenvectors (columns) of the sample
    covariance of ``x``."""
    centred = x - x.mean(axis=0)
    cov = centred.T @ centred / max(len(x) - 1, 1)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    return np.clip(values[order], 0.0, None), vectors[:, order]


def compare_pca(
    *,
    real_train: pd.DataFrame,
    real_holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    categorical: Sequence[str],
    numeric_like: Sequence[str],
    date_set: set[str],
    variance_target: float = 0.8,
) -> PcaComparison:
    """Compare the PCA structure of ``real_holdout`` and ``synthetic`` (module docstring).

    Raises :class:`PartNotApplicable` when fewer than two columns vary in the real training
    table, or the real holdout has no variance in the encoding.
    """
    encoder = PcaEncoder.fit(
        real_train, categorical=categorical, numeric_like=numeric_like, date_set=date_set
    )
    varying = [b for b in encoder.blocks if not b.constant]
    if len(varying) < 2:
        raise PartNotApplicable(
            f"PCA needs at least two columns that vary in the real training table "
            f"({len(varying)} of {len(encoder.blocks)} do)"
        )
    real_values, real_vectors = spectrum(encoder.encode(real_holdout))
    syn_values, syn_vectors = spectrum(encoder.encode(synthetic))
    real_total, syn_total = float(real_values.sum()), float(syn_values.sum())
    if real_total <= 0:
        raise PartNotApplicable("the real holdout has no variance in the PCA encoding")
    p = encoder.n_features
    covered = np.cumsum(real_values) / real_total
    k = int(np.searchsorted(covered, variance_target - 1e-12) + 1)
    k = max(1, min(k, p - 1))
    cosines = np.linalg.svd(real_vectors[:, :k].T @ syn_vectors[:, :k], compute_uv=False)
    cosines = np.clip(cosines, 0.0, 1.0)
    subspace = float(np.mean(cosines**2))
    distance = float(np.abs(real_values - syn_values).sum() / (real_total + syn_total))
    distance = min(1.0, max(0.0, distance))
    m = MAX_REPORTED_EIGENVALUES
    return PcaComparison(
        n_features=p,
        k=k,
        variance_target=variance_target,
        real_variance_covered=float(covered[k - 1]),
        real_eigenvalues=tuple(float(v) for v in real_values[:m]),
        synthetic_eigenvalues=tuple(float(v) for v in syn_values[:m]),
        real_total_variance=real_total,
        synthetic_total_variance=syn_total,
        cosines=tuple(float(c) for c in cosines),
        subspace_similarity=subspace,
        mean_cosine=float(np.mean(cosines)),
        spectrum_distance=distance,
        similarity=0.5 * (subspace + 1.0 - distance),
        constant_columns=encoder.constant_columns,
    )
