"""One Gaussian measurement for the domains and the 1-way marginals (invariant 1).

The generator needs, for every column, a token vocabulary (categories, bin edges) and, for its
calibration, each column's distribution over those tokens. Both come from one noisy count
vector, measured once:

* a *cell* per declared category, per public bin (declared bins, or one per integer of a short
  public range), per observed category of a column whose categories are not public, per cell of a
  fine grid (:data:`GRID_CELLS` cells, or one per integer) inside a numeric column's bounds, a
  missing-value cell per column, and one cell counting all rows;
* every row adds 1 to exactly one cell of each column and to the total, so the vector has L2
  sensitivity ``sqrt(k + 1)`` for add/remove-one-row neighbours; Gaussian noise of std
  ``z * sqrt(k + 1)`` on every cell is the Gaussian mechanism with noise multiplier ``z``
  (:attr:`DomainMeasurement.event`), which the trainer composes with DP-SGD in one accountant;
* a category that is not public is kept only when its noisy count exceeds
  ``tau = 1 + sigma * PhiInverse(1 - threshold_delta / c)`` (``c`` measured categorical
  columns): a category present in only one of two neighbouring tables has count 1 and passes
  with probability at most ``threshold_delta / c``, and a row adds at most ``c`` such
  categories, so the selection adds ``threshold_delta`` to delta (Gaussian partition
  selection; Desfontaines et al. 2022, "Differentially private partition selection", and
  Google's differential-privacy library). Rare categories become ``__other__``;
* numeric bounds that are not public come from :func:`privacy.mechanisms.approx_bounds`
  (Laplace, pure epsilon, basic composition); bin edges are quantiles of the noisy fine grid,
  and each bin's noisy count is the sum of its grid cells (post-processing).

Nothing here reads an exact category set, minimum, maximum or quantile of the private table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from privacy.accounting import StageSpend, SubsampledGaussianEvent
from privacy.errors import InvalidInputError
from privacy.mechanisms import APPROX_BOUNDS, approx_bounds, measurement_spend
from privacy.schema import Column, ColumnKind, Schema
from synth.encoding import (
    MAX_COLUMN_TOKENS,
    SOURCE_DECLARED,
    SOURCE_MEASURED,
    CategoricalCodec,
    ColumnCodec,
    NumericCodec,
    TableEncoder,
    _bin_edges,
    _category_strings,
    _has_public_bounds,
    _iso_days,
    _public_edges,
    _to_days,
    _to_numbers,
    check_synthesised_columns,
    declared_categorical_codec,
)
from synth.marginals import MarginalTarget, token_groups

__all__ = ["GRID_CELLS", "PARTITION_SELECTION", "DomainMeasurement", "measure_domains"]

#: Cells of the fine grid a numeric column's quantile edges are read from.
GRID_CELLS = 256
PARTITION_SELECTION = "gaussian partition selection (threshold), shared noisy counts"
NOISY_QUANTILES = "quantiles of a noisy fine histogram (Gaussian, shared with the marginals)"


@dataclass(frozen=True)
class DomainMeasurement:
    """The encoder, each column's DP distribution over its tokens (encoder order), the
    Gaussian event to compose with training, and the spends made outside it (approximate
    bounds: pure epsilon; the category threshold: delta only)."""

    encoder: TableEncoder
    targets: tuple[MarginalTarget, ...]
    event: SubsampledGaussianEvent
    spends: tuple[StageSpend, ...]
    noise_std: float
    threshold: float | None


def category_threshold(noise_std: float, *, threshold_delta: float, n_columns: int) -> float:
    """``tau`` such that a count-1 category passes with probability ``threshold_delta /
    n_columns``: ``1 + sigma * PhiInverse(1 - threshold_delta / n_columns)``."""
    if not (0 < threshold_delta < 1 and n_columns >= 1):
        raise InvalidInputError("the category threshold needs 0 < delta < 1")
    return 1.0 + noise_std * float(-ndtri(threshold_delta / n_columns))


def measure_domains(
    schema: Schema,
    table: pd.DataFrame,
    *,
    noise_multiplier: float,
    threshold_delta: float,
    bounds_epsilon: float,
    rng: np.random.Generator,
    n_quantile_bins: int = 16,
) -> DomainMeasurement:
    """Build every synthesised column's codec and DP marginal from one Gaussian count vector
    (see the module docstring for the guarantee). ``bounds_epsilon`` is split evenly over the
    numeric columns without public bounds; ``threshold_delta`` is spent only when a category
    set is measured."""
    columns = schema.synthesised
    if not columns:
        raise InvalidInputError("the schema has no column to synthesise")
    check_synthesised_columns(schema, table)
    if not (math.isfinite(noise_multiplier) and noise_multiplier > 0):
        raise InvalidInputError("the domain measurement needs a noise multiplier > 0")
    sigma = noise_multiplier * math.sqrt(len(columns) + 1)
    spends: list[StageSpend] = []
    need_bounds = [
        c for c in columns
        if c.kind is not ColumnKind.CATEGORICAL and _public_edges(c) is None and not _has_public_bounds(c)
    ]
    measured_cats = [
        c for c in columns
        if c.kind is ColumnKind.CATEGORICAL and not (c.domain_public and c.categories is not None)
    ]
    threshold = (
        category_threshold(sigma, threshold_delta=threshold_delta, n_columns=len(measured_cats))
        if measured_cats else None
    )
    total = len(table) + rng.normal(0.0, sigma)
    codecs: list[ColumnCodec] = []
    targets: list[MarginalTarget] = []
    for col in columns:
        values = table[col.name]
        if col.kind is ColumnKind.CATEGORICAL:
            codec, target = _categorical(col, values, sigma, threshold, total, rng)
        else:
            eps = bounds_epsilon / len(need_bounds) if col in need_bounds else 0.0
            codec, target, spent = _numeric(col, values, sigma, eps, n_quantile_bins, rng)
            spends.extend(spent)
        codecs.append(codec)
        targets.append(target)
    if measured_cats:
        spends.append(
            StageSpend(
                stage="domain",
                epsilon=0.0,
                delta=float(threshold_delta),
                mechanism=PARTITION_SELECTION,
                detail={
                    "columns": [c.name for c in measured_cats],
                    "threshold": threshold,
                    "noise_std": sigma,
                    "note": "the noisy counts' epsilon is in the training stage's accountant",
                },
            )
        )
    encoder = TableEncoder(tuple(codecs), tuple(spends), private=True)
    event = SubsampledGaussianEvent(float(noise_multiplier), 1.0, 1)
    return DomainMeasurement(encoder, tuple(targets), event, tuple(spends), sigma, threshold)


def _noisy(counts: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(counts, dtype=np.float64) + rng.normal(0.0, sigma, size=len(counts))


def _normalised(cells: np.ndarray) -> np.ndarray:
    cells = np.clip(cells, 0.0, None)
    total = cells.sum()
    return cells / total if total > 0 else np.full(len(cells), 1.0 / len(cells))


def _categorical(
    col: Column,
    values: pd.Series,
    sigma: float,
    threshold: float | None,
    total: float,
    rng: np.random.Generator,
) -> tuple[CategoricalCodec, MarginalTarget]:
    strings = _category_strings(values)
    missing = int(strings.isna().sum())
    if col.domain_public and col.categories is not None:
        codec = declared_categorical_codec(col)
        counts = np.bincount(codec.encode(values), minlength=codec.n_tokens)
        target = _normalised(_noisy(counts, sigma, rng))
        return codec, MarginalTarget(np.arange(codec.n_tokens), target)
    assert threshold is not None
    names, counts = np.unique(strings.dropna().to_numpy(dtype=str), return_counts=True)
    noisy = _noisy(counts, sigma, rng)
    keep = noisy > threshold
    kept = sorted(zip(names[keep].tolist(), noisy[keep].tolist(), strict=True))
    if len(kept) + 2 > MAX_COLUMN_TOKENS:  # keep the commonest (post-processing)
        kept = sorted(sorted(kept, key=lambda kv: -kv[1])[: MAX_COLUMN_TOKENS - 2])
    codec = CategoricalCodec(col.name, tuple(k for k, _ in kept), True, SOURCE_MEASURED)
    noisy_missing = _noisy(np.array([missing]), sigma, rng)[0]
    scale = max(total, 1.0)
    shares = np.clip(np.array([v for _, v in kept] + [noisy_missing]), 0.0, None) / scale
    if shares.sum() > 1:
        shares = shares / shares.sum()
    other = max(0.0, 1.0 - float(shares.sum()))  # what the kept categories leave over
    probs = np.concatenate((shares[:-1], [other], shares[-1:]))
    return codec, MarginalTarget(np.arange(codec.n_tokens), _normalised(probs))


def _numeric(
    col: Column,
    values: pd.Series,
    sigma: float,
    bounds_epsilon: float,
    n_bins: int,
    rng: np.random.Generator,
) -> tuple[NumericCodec, MarginalTarget, list[StageSpend]]:
    is_date = col.kind is ColumnKind.DATETIME
    integer = col.integer or is_date
    x = _to_days(values) if is_date else _to_numbers(values)
    present = x[~np.isnan(x)]
    n_missing = int(np.isnan(x).sum())
    spends: list[StageSpend] = []
    declared = _public_edges(col)
    if declared is not None:
        codec = NumericCodec(
            col.name, declared, integer=col.integer, datetime=is_date, source=SOURCE_DECLARED,
            edges_source="declared bins" if col.bins is not None else "full resolution",
        )
        counts = np.bincount(codec.encode(values), minlength=codec.n_tokens)
        target = _normalised(_noisy(counts, sigma, rng))
        groups = token_groups(codec.n_tokens, ordered_tokens=codec.n_bins)
        return codec, _grouped(target, groups), spends
    if _has_public_bounds(col):
        assert col.bounds is not None
        lo_raw, hi_raw = col.bounds
        low, high = (_iso_days(lo_raw), _iso_days(hi_raw)) if is_date else (float(lo_raw), float(hi_raw))  # type: ignore[arg-type]
        source = SOURCE_DECLARED
    else:
        try:
            low, high = approx_bounds(present, epsilon=bounds_epsilon, rng=rng, allow_empty=True)
        except InvalidInputError:
            raise InvalidInputError(
                f"column '{col.name}': its DP bounds could not be measured at epsilon = "
                f"{bounds_epsilon:.3g} (too few values, or all missing, for that budget); declare "
                "public bounds in the schema or raise the domain budget"
            ) from None
        spends.append(measurement_spend(APPROX_BOUNDS, epsilon=bounds_epsilon, column=col.name))
        source = SOURCE_MEASURED
    grid, full_resolution = _grid(low, high, integer=integer)
    clipped = np.clip(present, grid[0], grid[-1])
    cells = np.clip(np.searchsorted(grid[1:-1], clipped, side="right"), 0, len(grid) - 2)
    fine = _noisy(np.bincount(cells, minlength=len(grid) - 1), sigma, rng)
    noisy_missing = _noisy(np.array([n_missing]), sigma, rng)[0]
    if full_resolution:  # one token per value of a short integer range: the grid is the bins
        edges = tuple(float(e) for e in grid)
        edges_source = "full resolution inside the bounds"
    else:
        cdf = np.cumsum(np.clip(fine, 0.0, None))
        levels = np.arange(1, n_bins) / n_bins
        cuts = np.array([])
        if cdf[-1] > 0 and levels.size and low < high:
            picks = np.searchsorted(cdf, levels * cdf[-1], side="left").clip(0, len(grid) - 2)
            cuts = grid[1:][picks]
        edges = _bin_edges(low, high, cuts, integer=integer)
        edges_source = NOISY_QUANTILES
    codec = NumericCodec(
        col.name, edges, integer=col.integer, datetime=is_date, source=source,
        edges_source=edges_source,
    )
    centres = (grid[:-1] + grid[1:]) / 2
    bin_of_cell = np.clip(np.searchsorted(np.asarray(edges)[1:-1], centres, side="right"), 0, codec.n_bins - 1)
    per_bin = np.bincount(bin_of_cell, weights=np.clip(fine, 0.0, None), minlength=codec.n_bins)
    target = _normalised(np.concatenate((per_bin, [max(noisy_missing, 0.0)])))
    groups = token_groups(codec.n_tokens, ordered_tokens=codec.n_bins)
    return codec, _grouped(target, groups), spends


def _grid(low: float, high: float, *, integer: bool) -> tuple[np.ndarray, bool]:
    """Public cell edges inside the bounds, and whether they are one cell per integer.

    One cell per integer when the range holds at most :data:`GRID_CELLS` of them; otherwise
    :data:`GRID_CELLS` cells spaced geometrically away from the lower bound, with the lower
    bound's own value in a cell of its own (money and count columns pile up at 0: evenly spaced
    cells would blur that mass across a whole cell), or evenly when the bounds reach below 0.
    """
    if integer:
        lo_i, hi_i = math.ceil(low), math.floor(high)
        if hi_i < lo_i:
            lo_i = hi_i = round((low + high) / 2)
        if hi_i - lo_i + 1 <= GRID_CELLS:
            return np.arange(lo_i, hi_i + 2, dtype=np.float64) - 0.5, True
        low, high = lo_i - 0.5, hi_i + 0.5
    if not low < high:
        return np.array([low, low + 1.0]), False
    if low < (-0.5 if integer else 0.0):
        return np.linspace(low, high, GRID_CELLS + 1), False
    first = 1.0 if integer else (high - low) * 1e-6  # the lower bound's own cell
    span = high - (low + first)
    steps = np.power(span + 1.0, np.arange(GRID_CELLS) / (GRID_CELLS - 1)) - 1.0
    return np.concatenate(([low], low + first + steps)), False


def _grouped(token_probs: np.ndarray, groups: np.ndarray) -> MarginalTarget:
    return MarginalTarget(groups, np.bincount(groups, weights=token_probs, minlength=int(groups.max()) + 1))
