"""Differentially private measurement of column domains (invariant 1). Pure numpy, no torch.

A generator's domain (its category sets, numeric bounds and bin edges) shapes the release, so
when the schema does not declare it as public it has to be *measured* from the private table
under differential privacy, with a share of the budget. This module offers the three mechanisms
Clearance uses for that:

* :func:`select_categories`: Laplace partition selection, (epsilon, delta)-DP;
* :func:`approx_bounds`: a noisy logarithmic histogram in the spirit of Google's ApproxBounds,
  epsilon-DP;
* :func:`dp_quantiles`: the exponential mechanism for quantiles (Smith 2011), epsilon-DP.

Neighbouring tables
    All guarantees are for *add/remove-one-row* neighbours (one table has one row more), the
    relation DP-SGD's Poisson-subsampled accounting uses too, so the spends compose with the
    training spend by basic composition (Dwork & Roth 2014, Theorem 3.16). Each mechanism reads
    one value per row (missing values contribute nothing).

Randomness
    Every function takes an explicit ``numpy.random.Generator``. Noise is sampled in floating
    point, which is not hardened against the floating-point attacks of Mironov (CCS 2012); a
    deployment that needs that guarantee must swap in a discrete/snapping sampler.

Nothing here returns a count, the number of distinct values, an exact minimum or maximum, or
any other exact statistic of the input: only the mechanism outputs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from privacy.accounting.budget import StageSpend
from privacy.errors import InvalidInputError, PrivacyBudgetError, join_problems

__all__ = [
    "APPROX_BOUNDS",
    "CATEGORY_SELECTION",
    "DP_QUANTILES",
    "CategorySelection",
    "approx_bounds",
    "dp_quantiles",
    "laplace_partition_threshold",
    "measurement_spend",
    "select_categories",
]

CATEGORY_SELECTION = "laplace-partition-selection"
APPROX_BOUNDS = "approx-bounds (noisy log2 histogram)"
DP_QUANTILES = "exponential-mechanism quantiles"

DOMAIN_STAGE = "domain"


# ----------------------------------------------------------------------------- validation


def _check_epsilon(epsilon: float) -> list[str]:
    if not isinstance(epsilon, int | float) or not math.isfinite(epsilon) or epsilon <= 0:
        return ["epsilon must be a finite number > 0"]
    return []


def _raise_budget(problems: list[str]) -> None:
    if problems:
        raise PrivacyBudgetError(join_problems(problems))


def _finite_floats(values: Any, what: str, *, allow_empty: bool) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{what}: values must be numbers") from None
    if arr.size == 0 and not allow_empty:
        raise InvalidInputError(f"{what}: no values to measure (the input is empty)")
    bad = int(np.count_nonzero(~np.isfinite(arr)))
    if bad:
        raise InvalidInputError(
            f"{what}: {bad} value(s) are missing or not finite; drop them before measuring"
        )
    return arr


def measurement_spend(
    mechanism: str,
    *,
    epsilon: float,
    delta: float = 0.0,
    column: str | None = None,
    **detail: Any,
) -> StageSpend:
    """The :class:`StageSpend` (stage ``"domain"``) of one call to a mechanism of this module.

    ``detail`` must hold public parameters only (thresholds, bin counts, quantile levels, the
    column name); never a statistic of the data.
    """
    info: dict[str, Any] = {}
    if column is not None:
        info["column"] = column
    info.update(detail)
    return StageSpend(
        stage=DOMAIN_STAGE,
        epsilon=float(epsilon),
        delta=float(delta),
        mechanism=mechanism,
        detail=info,
    )


# ----------------------------------------------------------------------- category selection


def laplace_partition_threshold(epsilon: float, delta: float) -> float:
    """Threshold of Laplace partition selection when each row contributes to one category.

    ``tau = 1 + ln(1 / (2 delta)) / epsilon`` (valid for ``0 < delta <= 1/2``).

    Reference: Korolova, Kenthapadi, Mishra, Ntoulas, "Releasing search queries and clicks
    privately", WWW 2009; Desfontaines, Voss, Gipson, Mandayam, "Differentially private
    partition selection", PoPETs 2022; Google differential-privacy library,
    ``LaplacePartitionSelection::CalculateThreshold`` (``1 - (Delta0/eps) ln(2 delta')`` with
    ``delta' = delta`` for ``Delta0 = 1``).

    Why it gives (epsilon, delta)-DP: a category with true count 1 that the neighbour lacks is
    released with probability ``P[1 + Lap(1/eps) > tau] = exp(-eps (tau - 1)) / 2 = delta``;
    every other category's count changes by at most 1, which Laplace(1/eps) noise hides at
    epsilon. Only the *set* of passing categories is released (a post-processing of the noisy
    counts).
    """
    _raise_budget(_check_epsilon(epsilon) + _check_delta_selection(delta))
    return 1.0 + math.log(1.0 / (2.0 * delta)) / epsilon


def _check_delta_selection(delta: float) -> list[str]:
    if not isinstance(delta, int | float) or not (0 < delta <= 0.5):
        return ["delta must be in (0, 0.5] for partition selection (delta = 0 keeps nothing)"]
    return []


@dataclass(frozen=True)
class CategorySelection:
    """Categories released by :func:`select_categories`, with what the release spent.

    Holds the kept category names (sorted) and public parameters only: never a count, and never
    how many distinct values the column had.
    """

    categories: tuple[str, ...]
    epsilon: float
    delta: float
    threshold: float
    max_categories: int | None = None
    mechanism: str = field(default=CATEGORY_SELECTION)

    def spend(self, column: str | None = None) -> StageSpend:
        """This release as a ``"domain"`` stage spend."""
        return measurement_spend(
            self.mechanism,
            epsilon=self.epsilon,
            delta=self.delta,
            column=column,
            threshold=self.threshold,
            max_categories=self.max_categories,
            n_selected=len(self.categories),
        )


def _category_strings(values: Any) -> np.ndarray:
    series = (
        values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    )
    series = series[series.notna()]
    return series.astype(str).to_numpy(dtype=object)


def select_categories(
    values: pd.Series | np.ndarray | Sequence[str],
    *,
    epsilon: float,
    delta: float,
    rng: np.random.Generator,
    max_categories: int | None = None,
    allow_empty: bool = False,
) -> CategorySelection:
    """DP choice of which category values to keep (Laplace partition selection).

    Each non-missing value is one row's single contribution. Every *observed* category gets
    Laplace noise of scale ``1/epsilon`` on its count, and is kept when the noisy count exceeds
    :func:`laplace_partition_threshold` ``= 1 + ln(1/(2 delta))/epsilon``. Categories that never
    occur are not candidates (they cannot be released). If ``max_categories`` is given, only the
    kept categories with the largest noisy counts survive (post-processing).

    Guarantee: (epsilon, delta)-DP for add/remove-one-row neighbours (see
    :func:`laplace_partition_threshold` for the argument and references). Rare categories are
    dropped; callers map them to an "other" token.

    Raises :class:`PrivacyBudgetError` for epsilon <= 0 or delta outside (0, 0.5], and
    :class:`InvalidInputError` for an empty input unless ``allow_empty`` (an empty input is a
    valid neighbour; it selects nothing).
    """
    threshold = laplace_partition_threshold(epsilon, delta)
    problems: list[str] = []
    if max_categories is not None and (not isinstance(max_categories, int) or max_categories < 1):
        problems.append("max_categories must be a positive integer or None")
    if problems:
        raise InvalidInputError(join_problems(problems))
    strings = _category_strings(values)
    if strings.size == 0 and not allow_empty:
        raise InvalidInputError("select_categories: no non-missing values to measure")
    if strings.size == 0:
        return CategorySelection((), float(epsilon), float(delta), threshold, max_categories)
    names, counts = np.unique(strings.astype(str), return_counts=True)
    noisy = counts.astype(np.float64) + rng.laplace(0.0, 1.0 / epsilon, size=counts.size)
    keep = np.flatnonzero(noisy > threshold)
    if max_categories is not None and keep.size > max_categories:
        keep = keep[np.argsort(-noisy[keep], kind="stable")[:max_categories]]
    kept = tuple(sorted(str(n) for n in names[keep]))
    return CategorySelection(kept, float(epsilon), float(delta), threshold, max_categories)


# --------------------------------------------------------------------------- approx bounds


def _bounds_threshold(epsilon: float, n_bins: int, false_bin_probability: float) -> float:
    # Per-bin probability p with 1 - (1 - p)^n_bins = beta; P[Lap(1/eps) > tau] = exp(-eps tau)/2.
    p = -math.expm1(math.log1p(-false_bin_probability) / n_bins)
    return math.log(1.0 / (2.0 * p)) / epsilon


def approx_bounds(
    values: np.ndarray | Sequence[float],
    *,
    epsilon: float,
    rng: np.random.Generator,
    min_exponent: int = -8,
    max_exponent: int = 48,
    false_bin_probability: float = 1e-3,
    allow_empty: bool = False,
) -> tuple[float, float]:
    """DP approximate lower and upper bounds of ``values`` (Google's ApproxBounds, simplified).

    Bins: a zero bin ``{0}``; for each exponent ``k`` in ``[min_exponent, max_exponent]`` a
    positive bin ``(2^(k-1), 2^k]`` and its mirror ``[-2^k, -2^(k-1))`` (the smallest bins reach
    down to 0, the largest absorb everything beyond ``2^(max_exponent-1)``). Each value falls
    into exactly one bin, so the histogram has L1 sensitivity 1 and Laplace(1/epsilon) noise on
    every bin count makes the noisy histogram epsilon-DP (Dwork, McSherry, Nissim, Smith 2006).
    A bin *passes* when its noisy count exceeds ``tau = ln(1/(2p))/epsilon`` with ``p`` chosen
    so that, when no bin holds data, *any* bin passes with probability at most
    ``false_bin_probability`` (``1 - (1-p)^bins = false_bin_probability``). The result is the
    outer edge of the lowest and of the highest passing bin: a post-processing, so the whole
    function is **epsilon-DP** (delta = 0) for add/remove-one-row neighbours.

    Reference: Google differential-privacy library, ``algorithms/approx-bounds.h`` and its
    documentation "Approx Bounds" (logarithmic bins, noisy counts, threshold from a success
    probability).

    The bounds are coarse by design (a factor of 2): they are for clipping, not for reporting
    a minimum or maximum; values outside them are clipped by the caller. Raises
    :class:`InvalidInputError` when no bin passes (too few values for this epsilon) - that
    outcome is itself a post-processing of the noisy histogram, so raising leaks nothing more.
    """
    problems = _check_epsilon(epsilon)
    _raise_budget(problems)
    if not (isinstance(min_exponent, int) and isinstance(max_exponent, int)) or not (
        min_exponent < max_exponent
    ):
        raise InvalidInputError("approx_bounds needs integer exponents with min < max")
    if not 0 < false_bin_probability < 1:
        raise InvalidInputError("false_bin_probability must be in (0, 1)")
    arr = _finite_floats(values, "approx_bounds", allow_empty=allow_empty)

    n_mag = max_exponent - min_exponent + 1
    n_bins = 2 * n_mag + 1  # negative (largest magnitude first) | zero | positive
    zero = n_mag
    index = np.full(arr.shape, zero, dtype=np.int64)
    nonzero = arr != 0
    with np.errstate(divide="ignore"):
        k = np.ceil(np.log2(np.abs(arr[nonzero])))
    k = np.clip(k, min_exponent, max_exponent).astype(np.int64) - min_exponent  # 0..n_mag-1
    index[nonzero] = np.where(arr[nonzero] > 0, zero + 1 + k, zero - 1 - k)
    counts = np.bincount(index, minlength=n_bins).astype(np.float64)

    noisy = counts + rng.laplace(0.0, 1.0 / epsilon, size=n_bins)
    passing = np.flatnonzero(noisy > _bounds_threshold(epsilon, n_bins, false_bin_probability))
    if passing.size == 0:
        raise InvalidInputError(
            f"approx_bounds: no histogram bin passed the noise threshold at epsilon = {epsilon:g}; "
            "declare the column's bounds in the schema or give domain measurement more budget"
        )

    def edges(b: int) -> tuple[float, float]:
        if b == zero:
            return 0.0, 0.0
        mag = abs(b - zero) - 1 + min_exponent  # the exponent k of this bin
        inner = 0.0 if mag == min_exponent else 2.0 ** (mag - 1)
        outer = 2.0**mag
        return (inner, outer) if b > zero else (-outer, -inner)

    return edges(int(passing[0]))[0], edges(int(passing[-1]))[1]


# ------------------------------------------------------------------------------ quantiles


def dp_quantiles(
    values: np.ndarray | Sequence[float],
    *,
    quantiles: Sequence[float],
    bounds: tuple[float, float],
    epsilon: float,
    rng: np.random.Generator,
    allow_empty: bool = False,
) -> np.ndarray:
    """DP quantiles by the exponential mechanism (Smith, "Privacy-preserving statistical
    estimation with optimal convergence rates", STOC 2011; McSherry & Talwar 2007).

    ``epsilon`` is split evenly over the quantiles (basic composition), ``eps_q = epsilon / m``.
    For each level ``q``: clip the values to the public ``bounds = (a, b)``, sort them into
    ``a = z_0 <= z_1 <= ... <= z_n <= z_{n+1} = b``, pick interval ``[z_i, z_{i+1}]`` with
    probability proportional to ``(z_{i+1} - z_i) * exp(-eps_q * |i - q n| / 2)`` and return a
    uniform point inside it. This is the continuous exponential mechanism over ``[a, b]`` with
    utility ``u(x) = -|#{z < x} - q n|``, whose sensitivity under add/remove of one row is at
    most ``max(q, 1 - q) <= 1``; hence each quantile is eps_q-DP and the vector is
    **epsilon-DP**. The result is sorted (a post-processing), so it is monotone.

    Accuracy: the returned point's rank ``i`` misses ``q n`` by ``t`` or more with probability at
    most ``(b - a) exp(-eps_q t / 2) / L``, where ``L`` is the total weight near the target
    (e.g. the length of the gaps around the true quantile); see the tests.

    ``bounds`` must be public or DP-measured (never the exact min/max). Raises
    :class:`PrivacyBudgetError` for epsilon <= 0 and :class:`InvalidInputError` for bad levels or
    bounds, or an empty input unless ``allow_empty`` (then each level is uniform on the bounds).
    """
    _raise_budget(_check_epsilon(epsilon))
    problems: list[str] = []
    levels = np.asarray(list(quantiles), dtype=np.float64).reshape(-1)
    if levels.size == 0:
        problems.append("dp_quantiles needs at least one quantile level")
    elif not np.all((levels >= 0) & (levels <= 1)):
        problems.append("quantile levels must lie in [0, 1]")
    try:
        low, high = (float(bounds[0]), float(bounds[1]))
    except (TypeError, ValueError, IndexError):
        low, high = math.nan, math.nan
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        problems.append("bounds must be two finite numbers with low < high")
    if problems:
        raise InvalidInputError(join_problems(problems))
    arr = _finite_floats(values, "dp_quantiles", allow_empty=allow_empty)

    eps_q = epsilon / levels.size
    n = arr.size
    points = np.concatenate(([low], np.sort(np.clip(arr, low, high)), [high]))
    lengths = np.diff(points)  # n + 1 intervals; interval i has i points below it
    with np.errstate(divide="ignore"):
        log_length = np.log(lengths)
    ranks = np.arange(n + 1, dtype=np.float64)
    out = np.empty(levels.size, dtype=np.float64)
    for j, q in enumerate(levels):
        log_w = log_length - eps_q * np.abs(ranks - q * n) / 2.0
        # Gumbel-max trick: argmax(log w + Gumbel) ~ Categorical(w), stable for tiny weights.
        pick = int(np.argmax(log_w + rng.gumbel(size=log_w.size)))
        out[j] = rng.uniform(points[pick], points[pick + 1])
    return np.sort(out)
