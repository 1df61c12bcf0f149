"""Population uniqueness: how many sample records are also unique in the population.

A record that is alone in its equivalence class of the *sample* (a sample unique) need not be
alone in the *population* the sample was drawn from. The estimators here infer, from the sample's
frequency of frequencies (how many classes have size 1, 2, ...) and the sampling fraction, the
number of population uniques among the sample's classes. They follow ARX's ``risk`` package
(arx-deidentifier/arx, ``src/main/org/deidentifier/arx/risk/``) formula by formula:

* Zayatz (1991), "Estimation of the number of unique population elements using a sample"
  (``ModelZayatz.java``): hypergeometric conditional probability that a sample unique comes
  from a population class of size 1.
* Pitman's sampling formula (Hoshino 2001, "Applying Pitman's sampling formula to microdata
  disclosure risk assessment"; ``ModelPitman.java``): maximum-likelihood (theta, alpha) by a
  2-D Newton-Raphson, then ``Gamma(theta+1) / Gamma(theta+alpha) * N**alpha`` uniques.
* Slide negative binomial, SNB (Chen & Keller-McNulty 1998, "Estimation of identification
  disclosure risk in microdata"; ``ModelSNB.java``): moment equations on the numbers of classes
  of size 1 and 2, with the number of non-empty population classes from Shlosser's estimator
  (Haas & Stokes 1998), solved by the same Newton-Raphson.
* Dankar's decision rule (Dankar, El Emam, Neisa, Roffey 2012, "Estimating the
  re-identification risk of clinical data sets", BMC Med Inform Decis Mak 12:66;
  ``RiskModelPopulationUniqueness.java``): Pitman when the sampling fraction is at most 0.1 and
  Pitman converged (else Zayatz); above 0.1 the smaller of Zayatz and SNB, or Zayatz when SNB
  did not converge.

Like ARX, the population size is ``N = round(n / sampling_fraction)`` and every model then uses
the effective fraction ``n / N``. All estimates are reported the way ARX's
``getFractionOfUniqueTuples*`` reports them: estimated number of population uniques divided by
``N``. For Zayatz that equals (sample uniques that are population uniques) / n, i.e. a share of
the sample's records; it is never above the sample uniqueness.

The Newton-Raphson solver is a port of the one ARX uses (``de.linearbits.newtonraphson.
NewtonRaphson2D`` configured by ``ARXSolverConfiguration``): accuracy 1e-6 on both equations,
at most 1,000 steps per try, the model's own start value first, then ARX's 16 deterministic
start values (every pair from {0, 0.33, 0.66, 0.99}). ARX also stops after 100 ms per try and
1 s in total; these wall-clock limits are left out so results do not depend on the machine.
The digamma and trigamma functions are ports of ARX's ``Gamma.java`` (Minka's Lightspeed
approximations), kept as they are so that the Newton iterates, and hence the converged values,
agree with ARX's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from scipy import special

from privacy.errors import InvalidInputError, join_problems
from privacy.risk.thresholds import sampling_fraction_problems

__all__ = ["PopulationModel", "PopulationUniqueness", "population_uniqueness"]


class PopulationModel(StrEnum):
    """A statistical model of population uniqueness (ARX ``PopulationUniquenessModel``)."""

    ZAYATZ = "zayatz"
    PITMAN = "pitman"
    SNB = "snb"
    DANKAR = "dankar"  # reported by the rule when there are no sample uniques (all estimates 0)


@dataclass(frozen=True)
class PopulationUniqueness:
    """Estimated population uniqueness of a sample under several models.

    Every estimate is ARX's ``getFractionOfUniqueTuples*``: the estimated number of records that
    are unique in the population, divided by the population size ``N = round(n / fraction)``.
    (For Zayatz this is the share of the sample's records that are unique in the population.)
    A model is ``None`` when it is not available: its Newton-Raphson solver did not converge or
    gave an estimate outside ``(0, N]`` (ARX reports these as "not available").

    Special cases, as in ARX:

    * no sample uniques (every class has at least 2 records): every estimate is 0.0 and
      ``dankar_model`` is :attr:`PopulationModel.DANKAR`;
    * ``sampling_fraction == 1`` (more precisely ``N == n``): the sample is the population;
      every estimate equals the sample uniqueness (records in classes of size 1 / n). This is
      what ARX's Zayatz model and decision rule give there (``dankar_model`` is
      :attr:`PopulationModel.ZAYATZ`); ARX would still fit Pitman and SNB to a census (on Adult
      its Pitman gives 0.530 against a true 0.514), which we do not;
    * every record unique (all class sizes 1): Zayatz gives 1.0 (no class of size >= 2 is seen,
      so every sample unique is taken to be a population unique); Pitman's likelihood has no
      finite maximum (no class of size >= 2 to fit alpha), so it is usually ``None``.

    ``sample_uniqueness`` is the baseline: records in classes of size 1 / n.
    """

    sampling_fraction: float
    zayatz: float | None
    pitman: float | None
    snb: float | None
    dankar: float
    dankar_model: PopulationModel
    population_size: int
    sample_uniqueness: float

    def __post_init__(self) -> None:
        problems = []
        if not (math.isfinite(self.sampling_fraction) and 0 < self.sampling_fraction <= 1):
            problems.append("sampling_fraction must be in (0, 1]")
        for name in ("zayatz", "pitman", "snb", "dankar", "sample_uniqueness"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
                problems.append(f"{name} must be a share in [0, 1] (or None)")
        if not isinstance(self.dankar_model, PopulationModel):
            problems.append("dankar_model must be a PopulationModel")
        if self.population_size < 1:
            problems.append("population_size must be >= 1")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "sampling_fraction": self.sampling_fraction,
            "population_size": self.population_size,
            "sample_uniqueness": self.sample_uniqueness,
            "zayatz": self.zayatz,
            "pitman": self.pitman,
            "snb": self.snb,
            "dankar": self.dankar,
            "dankar_model": self.dankar_model.value,
            "unit": "estimated population uniques / population size (ARX convention)",
            "reference": "ARX risk.RiskModelPopulationUniqueness; Dankar et al. 2012",
        }


def population_uniqueness(
    class_sizes: np.ndarray, *, sampling_fraction: float
) -> PopulationUniqueness:
    """Population-uniqueness estimates (Zayatz, Pitman, SNB) and Dankar's choice among them.

    ``class_sizes`` holds one positive integer per equivalence class of the sample: the number
    of sample records sharing that quasi-identifier combination (n = its sum).
    ``sampling_fraction`` is the share of the population that the sample holds, in (0, 1].

    Works on the frequency of frequencies, so the cost grows with the largest class size, not
    with the number of records or classes. Raises :class:`InvalidInputError` for bad input.
    """
    problems = sampling_fraction_problems(sampling_fraction)
    sizes, size_problems = _check_class_sizes(class_sizes)
    problems += size_problems
    if problems:
        raise InvalidInputError(join_problems(problems))
    fraction = float(sampling_fraction)

    keys, counts = np.unique(sizes, return_counts=True)  # ascending class sizes
    hist = _Histogram(keys=keys.astype(np.int64), counts=counts.astype(np.int64))
    n = hist.n_records
    population = _population_size(n, fraction)
    c1 = hist.classes_of_size(1)
    sample_uniqueness = c1 / n

    def result(
        zayatz: float | None,
        pitman: float | None,
        snb: float | None,
        dankar: float,
        model: PopulationModel,
    ) -> PopulationUniqueness:
        return PopulationUniqueness(
            sampling_fraction=fraction,
            zayatz=zayatz,
            pitman=pitman,
            snb=snb,
            dankar=dankar,
            dankar_model=model,
            population_size=population,
            sample_uniqueness=sample_uniqueness,
        )

    if c1 == 0:  # ARX: no sample uniques, so no population uniques among them
        return result(0.0, 0.0, 0.0, 0.0, PopulationModel.DANKAR)
    if population == n:  # the sample is the population
        su = sample_uniqueness
        return result(su, su, su, su, PopulationModel.ZAYATZ)

    zayatz = _share(_zayatz_uniques(hist, population), population)
    pitman = _share(_pitman_uniques(hist, population), population)
    snb = _share(_snb_uniques(hist, population), population)
    # Zayatz is always available here (c1 > 0 and n < N make its terms positive); should it
    # underflow, ARX's rule reports 0 for the unavailable fallback, and so do we.
    fallback = zayatz if zayatz is not None else 0.0

    # Dankar et al. 2012, as in RiskModelPopulationUniqueness.getNumUniqueTuplesDankar
    if n / population <= 0.1:
        if pitman is not None:
            return result(zayatz, pitman, snb, pitman, PopulationModel.PITMAN)
        return result(zayatz, pitman, snb, fallback, PopulationModel.ZAYATZ)
    if snb is not None and zayatz is not None and not zayatz < snb:
        return result(zayatz, pitman, snb, snb, PopulationModel.SNB)
    return result(zayatz, pitman, snb, fallback, PopulationModel.ZAYATZ)


# --------------------------------------------------------------------------------------------
# Input and histogram


@dataclass(frozen=True)
class _Histogram:
    """Frequency of frequencies: ``counts[i]`` classes have ``keys[i]`` records (ascending)."""

    keys: np.ndarray
    counts: np.ndarray

    @property
    def n_records(self) -> int:
        return int(np.dot(self.keys, self.counts))

    @property
    def n_classes(self) -> int:
        return int(self.counts.sum())

    def classes_of_size(self, size: int) -> int:
        hit = self.counts[self.keys == size]
        return int(hit[0]) if hit.size else 0


def _check_class_sizes(class_sizes: object) -> tuple[np.ndarray, list[str]]:
    """The sizes as int64, and every problem found (an empty list when they are usable)."""
    problems: list[str] = []
    try:
        sizes = np.asarray(class_sizes)
    except (TypeError, ValueError):
        return np.empty(0, dtype=np.int64), [
            "class_sizes must be a 1-D array of integers (one record count per class)"
        ]
    if sizes.ndim != 1:
        problems.append(f"class_sizes must be 1-D (one entry per class); got {sizes.ndim}-D")
    if sizes.size == 0:
        problems.append("class_sizes is empty; pass at least one equivalence class")
    if sizes.dtype == bool or not (
        np.issubdtype(sizes.dtype, np.integer) or np.issubdtype(sizes.dtype, np.floating)
    ):
        problems.append(f"class_sizes must hold integers; got dtype {sizes.dtype}")
    elif sizes.size and sizes.ndim == 1:
        if np.issubdtype(sizes.dtype, np.floating):
            finite = np.isfinite(sizes)
            if not finite.all() or not np.array_equal(sizes, np.round(sizes)):
                problems.append(
                    "class_sizes must hold whole numbers (record counts); "
                    f"{int((~finite).sum() + (finite & (sizes != np.round(sizes))).sum())} "
                    "entries are not"
                )
        bad = int((sizes < 1).sum())
        if bad:
            problems.append(
                f"class_sizes must all be >= 1 (every class holds at least one record); "
                f"{bad} entries are not; drop empty classes first"
            )
    if problems:
        return np.empty(0, dtype=np.int64), problems
    return sizes.astype(np.int64), []


def _population_size(n: int, fraction: float) -> int:
    """ARX ``ARXPopulationModel.create(sampleSize, samplingFraction)``: Java's Math.round."""
    return max(n, int(math.floor(n / fraction + 0.5)))


def _share(uniques: float, population: int) -> float | None:
    """ARX's ``isValid`` (not NaN, not 0) plus a range check: a share in (0, 1], else None."""
    if not math.isfinite(uniques) or not 0 < uniques <= population:
        return None
    return min(1.0, uniques / population)


# --------------------------------------------------------------------------------------------
# Zayatz (ModelZayatz.java)


def _zayatz_uniques(hist: _Histogram, population: int) -> float:
    """Zayatz 1991: estimated number of population uniques, ``c1 * P(unique | s.u.) / f``.

    ``P(unique | sample unique) = (c1/u) h_1 / sum_k (c_k/u) h_k`` where ``h_k`` is the
    hypergeometric probability of drawing exactly one record of a population class of size
    ``k`` in a sample of ``n`` out of ``N``:
    ``h_k = k C(N-k, n-1) / C(N, n) = k (n/N) prod_{j=1}^{k-1} (1 - (n-1)/(N-j))``,
    summed in log space (log1p) so it stays accurate for N in the millions.
    """
    n = hist.n_records
    u = hist.n_classes
    c1 = hist.classes_of_size(1)
    big_n = float(population)
    kmax = int(hist.keys[-1])
    j = np.arange(1, kmax, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_factor = np.log1p(-np.minimum((n - 1) / (big_n - j), 1.0))
    log_prod = np.concatenate(([0.0], np.cumsum(log_factor)))  # index k-1: product up to k-1
    keys = hist.keys
    h = keys * (n / big_n) * np.exp(log_prod[keys - 1])
    temp = float(np.sum((hist.counts / u) * h))
    h1 = n / big_n
    conditional = ((c1 / u) * h1) / temp
    return c1 * conditional / (n / big_n)


# --------------------------------------------------------------------------------------------
# Newton-Raphson (de.linearbits.newtonraphson.NewtonRaphson2D with ARXSolverConfiguration)

_ACCURACY = 1e-6
_ITERATIONS_PER_TRY = 1000


def _default_start_values() -> tuple[tuple[float, float], ...]:
    """ARXSolverConfiguration.getDefaultStartValues: 0, 0.33, 0.66, 0.99 accumulated in floats."""
    grid = []
    d = 0.0
    while d < 1.0:
        grid.append(d)
        d += 0.33
    return tuple((a, b) for a in grid for b in grid)


_START_VALUES = _default_start_values()
_ITERATIONS_TOTAL = (len(_START_VALUES) + 1) * _ITERATIONS_PER_TRY

# evaluate(x, y) -> (f1, f2, j11, j12, j21, j22): equations and their Jacobian
_System = Callable[[float, float], tuple[float, float, float, float, float, float]]


def _newton_raphson(
    system: _System,
    start: tuple[float, float],
    constraint: Callable[[float, float], bool] | None = None,
) -> tuple[float, float] | None:
    """Solve ``system == 0`` as ARX's solver does; ``None`` when no try converged.

    Each try runs Newton steps from a start value until both equations are within 1e-6 of 0
    (success), the step leaves the constraint or gives NaN, or 1,000 steps are spent. The first
    try starts at ``start``, the following ones at the 16 prepared start values. As in ARX, the
    run ends right after the first step from the last prepared start value (which therefore only
    gets its start point checked).
    """
    offset = 0
    total = 0
    first = True
    with np.errstate(all="ignore"):
        while total <= _ITERATIONS_TOTAL:
            if first:
                x, y = start
                first = False
            else:
                x, y = _START_VALUES[offset]
                offset += 1
            x, y = np.float64(x), np.float64(y)
            iterations = 0
            while True:
                total += 1
                f1, f2, j11, j12, j21, j22 = system(float(x), float(y))
                if abs(f1) <= _ACCURACY and abs(f2) <= _ACCURACY:
                    return float(x), float(y)
                # solution -= inverse(J) @ F, in SquareMatrix2D.inverse / Vector2D.times order
                scalar = np.float64(1.0) / (np.float64(j11) * j22 - np.float64(j12) * j21)
                i11, i12, i21, i22 = j22 * scalar, -j12 * scalar, -j21 * scalar, j11 * scalar
                x = x - (i11 * f1 + i12 * f2)
                y = y - (i21 * f1 + i22 * f2)
                if offset == len(_START_VALUES):
                    return None
                if constraint is not None and not constraint(float(x), float(y)):
                    break
                if math.isnan(x) or math.isnan(y):
                    break
                if iterations >= _ITERATIONS_PER_TRY:
                    break
                iterations += 1
    return None


# --------------------------------------------------------------------------------------------
# Digamma / trigamma as in ARX's Gamma.java (ports of Minka's Lightspeed toolbox)

_EULER = -0.57721566490153286060651209008240243104215933593992  # digamma(1)
_TRIGAMMA_1 = math.pi * math.pi / 6.0
_TETRAGAMMA_1 = -2.0 * 1.202056903159594285399738161511449990764986292
_S3, _S4, _S5, _S6, _S7 = 1.0 / 12.0, 1.0 / 120.0, 1.0 / 252.0, 1.0 / 240.0, 1.0 / 132.0
_B2, _B4, _B6, _B8, _B10 = 1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0


_SCALAR_CUTOFF = 24  # below this many arguments a Python loop beats numpy's per-call overhead


def _digamma_scalar(x: float) -> float:
    """Gamma.digamma for one argument (same operations, in the same order, as the array form)."""
    if not math.isfinite(x):
        return math.nan
    if x == 0.0:
        return -math.inf
    if x < 0.0:  # reflection; -pi x is never exactly 0 here, so tan() is never 0
        return _digamma_scalar(1.0 - x) + math.pi / math.tan(-math.pi * x)
    if x <= 1e-6:
        return (_EULER - 1.0 / x) + _TRIGAMMA_1 * x
    result = 0.0
    while x < 12.0:
        result -= 1.0 / x
        x += 1.0
    r = 1.0 / x
    result += math.log(x) - 0.5 * r
    r = r * r
    return result - r * (_S3 - r * (_S4 - r * (_S5 - r * (_S6 - r * _S7))))


def _trigamma_scalar(x: float) -> float:
    """Gamma.trigamma for one argument, quirk included (see :func:`_trigamma`)."""
    if not math.isfinite(x):
        return math.nan
    if x == 0.0:
        return -math.inf
    if x < 0.0:
        r = math.pi / math.sin(-math.pi * x)
        return -_trigamma_scalar(1.0 - x) + r * r
    if x <= 1e-4:
        square = x * x  # underflows to 0 for the tiniest x, where Java's 1/0 is +infinity
        return (1.0 / square if square else math.inf) + _TRIGAMMA_1 + _TETRAGAMMA_1 * x
    result = 0.0
    while x < 8.0:
        result += 1.0 / (x * x)
        x += 1.0
    if x >= 12.0:
        r = 1.0 / (x * x)
        result += 0.5 * r + (1.0 + r * (_B2 + r * (_B4 + r * (_B6 + r * (_B8 + r * _B10))))) / x
    return result


def _digamma(values: np.ndarray) -> np.ndarray:
    """Gamma.digamma: reflection below 0, Taylor at <= 1e-6, recurrence to 12, then series."""
    if np.size(values) < _SCALAR_CUTOFF:
        return np.array([_digamma_scalar(float(v)) for v in np.ravel(values)], dtype=np.float64)
    x = np.array(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = np.full(x.shape, np.nan)
        reflect = np.zeros(x.shape)
        negative = x < 0
        reflect[negative] = np.pi / np.tan(-np.pi * x[negative])
        x = np.where(negative, 1.0 - x, x)
        finite = np.isfinite(x)
        zero = finite & (x == 0)
        small = finite & ~zero & (x <= 1e-6)
        regular = finite & ~zero & ~small
        out[zero] = -np.inf
        out[small] = (_EULER - 1.0 / x[small]) + _TRIGAMMA_1 * x[small]
        z = x[regular]
        acc = np.zeros(z.shape)
        low = z < 12.0
        while low.any():
            acc[low] -= 1.0 / z[low]
            z[low] += 1.0
            low = z < 12.0
        r = 1.0 / z
        acc += np.log(z) - 0.5 * r
        r = r * r
        acc -= r * (_S3 - r * (_S4 - r * (_S5 - r * (_S6 - r * _S7))))
        out[regular] = acc
        return out + reflect


def _trigamma(values: np.ndarray) -> np.ndarray:
    """Gamma.trigamma, including its quirk.

    ARX reduces the argument with the recurrence until it is >= 8 but adds the asymptotic
    series only from 12 on, so arguments that end in [8, 12) return the partial sum alone. This
    only enters the Jacobian of Pitman's Newton steps (the likelihood equations use digamma), so
    it changes the path, not the root; it is kept so our iterates follow ARX's (on Adult,
    Pitman then agrees with ARX's published figures to about 1e-15 instead of 1e-11).
    """
    if np.size(values) < _SCALAR_CUTOFF:
        return np.array([_trigamma_scalar(float(v)) for v in np.ravel(values)], dtype=np.float64)
    x = np.array(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = np.full(x.shape, np.nan)
        negative = x < 0
        correction = np.zeros(x.shape)
        r_neg = np.pi / np.sin(-np.pi * x[negative])
        correction[negative] = r_neg * r_neg
        sign = np.where(negative, -1.0, 1.0)
        x = np.where(negative, 1.0 - x, x)
        finite = np.isfinite(x)
        zero = finite & (x == 0)
        small = finite & ~zero & (x <= 1e-4)
        regular = finite & ~zero & ~small
        out[zero] = -np.inf
        xs = x[small]
        out[small] = (1.0 / (xs * xs)) + _TRIGAMMA_1 + _TETRAGAMMA_1 * xs
        z = x[regular]
        acc = np.zeros(z.shape)
        low = z < 8.0
        while low.any():
            acc[low] += 1.0 / (z[low] * z[low])
            z[low] += 1.0
            low = z < 8.0
        large = z >= 12.0
        zl = z[large]
        r = 1.0 / (zl * zl)
        acc[large] += (
            0.5 * r + (1.0 + r * (_B2 + r * (_B4 + r * (_B6 + r * (_B8 + r * _B10))))) / zl
        )
        out[regular] = acc
        return sign * out + correction


# --------------------------------------------------------------------------------------------
# Pitman (ModelPitman.java)


def _pitman_uniques(hist: _Histogram, population: int) -> float:
    """Hoshino 2001: ``Gamma(theta+1) / Gamma(theta+alpha) * N**alpha`` population uniques.

    (theta, alpha) maximise Pitman's sampling-formula likelihood of the frequency of
    frequencies. The likelihood equations, with u classes, n records and c_k classes of size k:

    * ``sum_{i=1}^{u-1} 1/(theta + i alpha) - sum_{i=1}^{n-1} 1/(theta + i) = 0``
    * ``sum_{i=1}^{u-1} i/(theta + i alpha) - sum_k c_k sum_{j=1}^{k-1} 1/(j - alpha) = 0``

    ARX first solves them in closed form (digamma/trigamma differences, Gamma.java), subject to
    theta >= 0, from Hoshino's moment-based start value. If that fails, or the root does not
    satisfy the equations summed term by term to 1e-6, it solves the term-by-term form instead;
    we evaluate those finite sums through scipy's exact digamma/polygamma differences. Returns
    NaN when neither converges or the estimate falls outside [0, N].
    """
    c1 = float(hist.classes_of_size(1))
    c2 = float(hist.classes_of_size(2))
    u = float(hist.n_classes)
    n = float(hist.n_records)
    p = float(population)

    # Initial guess (Hoshino 2001, moment estimates); a missing c2 is taken as 1 (overestimate)
    c2 = c2 if c2 != 0 else 1.0
    with np.errstate(all="ignore"):
        c = np.float64(c1 * (c1 - 1.0)) / c2
        t0 = ((n * u * c) - (c1 * (n - 1.0) * ((2.0 * u) + c))) / (
            ((2.0 * c1 * u) + (c1 * c)) - (n * c)
        )
        a0 = ((t0 * (c1 - n)) + ((n - 1.0) * c1)) / (n * u)
    start = (float(t0), float(a0))

    mask = hist.keys != 1
    keys = hist.keys[mask].astype(np.float64)
    counts = hist.counts[mask].astype(np.float64)

    def theta_nonnegative(t: float, _a: float) -> bool:
        return t >= 0

    def closed(t: float, a: float) -> tuple[float, float, float, float, float, float]:
        val0 = u - 1.0
        with np.errstate(all="ignore"):
            t_, a_ = np.float64(t), np.float64(a)
            dg = _digamma(
                np.concatenate(
                    ([val0 + t_ / a_ + 1.0, t_ / a_ + 1.0, n + t_, t_ + 1.0, 1.0 - a_], keys - a_)
                )
            )
            tg = _trigamma(
                np.concatenate(
                    (
                        [(a_ + t_ + a_ * val0) / a_, t_ / a_ + 1.0, t_ + 1.0, n + t_, 1.0 - a_],
                        keys - a_,
                    )
                )
            )
            val1, val4, dg_nt, dg_t1, val6 = dg[:5]
            val2, val3, tg_t1, tg_nt, val7 = tg[:5]
            val5 = a_ * a_
            d1 = (val3 - val2) / val5
            d5 = (((a_ * val1) + (t_ * val2)) - (a_ * val4) - (t_ * val3)) / (val5 * a_)
            d3 = (
                ((((val5 * val0) - (t_ * t_ * val2)) + (t_ * t_ * val3)) - (2.0 * a_ * t_ * val1))
                + (2.0 * a_ * t_ * val4)
            ) / (val5 * val5)
            o1 = (val1 - val4) / a_
            o3 = ((-t_ * val1) + (a_ * val0) + (t_ * val4)) / (a_ * a_)
            o2 = dg_nt - dg_t1
            d2 = tg_t1 - tg_nt
            d4 = float(np.sum(counts * (val7 - tg[5:])))
            o4 = float(np.sum(counts * (dg[5:] - val6)))
            return (
                float(o1 - o2),
                float(o3 - o4),
                float(d2 - d1),
                float(-d5),
                float(-d5),
                float(-d3 - d4),
            )

    def termwise(t: float, a: float) -> tuple[float, float, float, float, float, float]:
        # sum_{i=1}^{u-1} 1/(t+i a)^m i^l and sum_{i=1}^{n-1} 1/(t+i)^m, and the class sums
        # sum_{j=1}^{k-1} 1/(j-a)^m, written as exact digamma / trigamma differences.
        with np.errstate(all="ignore"):
            t, a = np.float64(t), np.float64(a)
            s = t / a
            psi = special.digamma
            tri = _trigamma_exact
            o1 = (psi(s + u) - psi(s + 1.0)) / a
            o3 = ((u - 1.0) - t * o1) / a
            d1 = (tri(s + 1.0) - tri(s + u)) / (a * a)
            d5 = (o1 - t * d1) / a  # sum i/(t+ia)^2
            d3 = (o3 - t * d5) / a  # sum i^2/(t+ia)^2
            o2 = psi(t + n) - psi(t + 1.0)
            d2 = tri(t + 1.0) - tri(t + n)
            o4 = float(np.sum(counts * (psi(keys - a) - psi(1.0 - a))))
            d4 = float(np.sum(counts * (tri(1.0 - a) - tri(keys - a))))
            return (
                float(o1 - o2),
                float(o3 - o4),
                float(d2 - d1),
                float(-d5),
                float(-d5),
                float(-d3 - d4),
            )

    root = _newton_raphson(closed, start, theta_nonnegative)
    if root is not None:
        f1, f2 = termwise(*root)[:2]
        if not (abs(f1) <= _ACCURACY and abs(f2) <= _ACCURACY):
            root = None
    if root is None:
        root = _newton_raphson(termwise, start, theta_nonnegative)
    if root is None:
        return math.nan
    t, a = root
    if math.isnan(t) or math.isnan(a) or a == 0:
        return math.nan
    with np.errstate(all="ignore"):
        pa = float(np.power(p, a))
        val1 = (
            float(np.exp(special.gammaln(t + 1.0) - special.gammaln(t + a))) * pa
            if t + 1.0 > 0 and t + a > 0  # commons-math logGamma is NaN for x <= 0
            else math.nan
        )
        val2 = float(special.gamma(t + 1.0) / special.gamma(t + a)) * pa
    candidates = [v for v in (val1, val2) if math.isfinite(v) and 0.0 <= v <= p]
    return max(candidates) if candidates else math.nan


def _trigamma_exact(x: Any) -> Any:
    """Trigamma psi1(x) by scipy, with the reflection formula
    psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x) below 1/2: scipy's own evaluation takes time
    proportional to |x| for large negative x (milliseconds at -1e5), and the Pitman solver
    evaluates it thousands of times when almost every record is unique."""
    x = np.asarray(x, dtype=np.float64)
    value = np.empty_like(x)
    low = x < 0.5
    with np.errstate(all="ignore"):
        value[~low] = special.polygamma(1, x[~low])
        value[low] = np.pi**2 / np.sin(np.pi * x[low]) ** 2 - special.polygamma(1, 1.0 - x[low])
    return value if value.ndim else value[()]


# --------------------------------------------------------------------------------------------
# SNB (ModelSNB.java)


def _shlosser_classes(hist: _Histogram, f: float) -> float:
    """Shlosser's estimate of the number of non-empty population classes (Haas & Stokes 1998),
    as ARX computes it (``ModelSNB.estimateNonEmptyEquivalenceClasses``).

    ARX subtracts the 1 of ``(1+f)^k - 1`` once per distinct class size rather than once per
    class; that is reproduced as is.
    """
    keys = hist.keys.astype(np.float64)
    counts = hist.counts.astype(np.float64)
    f2 = f * f
    with np.errstate(all="ignore"):
        val2 = np.power(1.0 - f, keys) * counts
        var1 = float(np.sum(keys * f2 * np.power(1.0 - f2, keys - 1.0) * counts))
        var2 = float(np.sum(val2 * np.power(1.0 + f, keys) - 1.0))
        var3 = float(np.sum(val2))
        var4 = float(np.sum(keys * f * np.power(1.0 - f, keys - 1.0) * counts))
        ratio = np.float64(var3) / var4
        return float(
            hist.n_classes + hist.classes_of_size(1) * (var1 / np.float64(var2)) * ratio * ratio
        )


def _jpow(base: np.float64, exponent: np.float64) -> np.float64:
    """Java's Math.pow special cases where C's pow differs (NaN exponent, |base| = 1 ** inf)."""
    if math.isnan(exponent) or (abs(base) == 1.0 and math.isinf(exponent)):
        return np.float64(math.nan)
    return np.power(base, exponent)


def _snb_uniques(hist: _Histogram, population: int) -> float:
    """Chen & Keller-McNulty 1998: ``K * beta**alpha`` population uniques.

    With K from :func:`_shlosser_classes` and f the sampling fraction, (alpha, beta) solve the
    expected numbers of sample classes of size 1 and 2:

    * ``K f (b / (1 - d))**a (a d / (1 - d) + 1) = c1``
    * ``K a b**a f**2 (1 - b) / 2 (1 - d)**(a + 2) (2 - (1 - a) d) = c2``,  d = (1-f)(1-b),

    with ARX's analytical Jacobian, starting from (1, 1) and then ARX's prepared start values.
    Returns NaN when the solver does not converge.

    Reproduced as ARX has it, including an inconsistency: ARX codes the second equation as
    ``... / 2 * (1 - d)**(a + 2) ...`` (Java precedence: a product), while the Jacobian it
    supplies for that row is the derivative of ``... / (2 (1 - d)**(a + 2))`` (checked here
    against finite differences). With that mismatch Newton-Raphson seldom converges, so SNB is
    usually not available, in ARX as here (ARX's own test expects no SNB on Adult).
    """
    n = hist.n_records
    f = n / float(population)
    k = _shlosser_classes(hist, f)
    c1 = float(hist.classes_of_size(1))
    c2 = float(hist.classes_of_size(2))
    root = _snb_solve(k=k, f=f, c1=c1, c2=c2)
    if root is None:
        return math.nan
    a, b = root
    with np.errstate(all="ignore"):
        return float(k * _jpow(np.float64(b), np.float64(a)))


def _snb_system(*, k: float, f: float, c1: float, c2: float) -> _System:
    """ARX's SNB equations (``ModelSNB.getObjectFunction``) and Jacobian (``getDerivatives``)."""
    one = np.float64(1.0)

    def system(a_in: float, b_in: float) -> tuple[float, float, float, float, float, float]:
        a, b = np.float64(a_in), np.float64(b_in)
        fk = np.float64(f)
        with np.errstate(all="ignore"):
            dividend = (one - fk) * (one - b)
            o1 = (
                k
                * fk
                * _jpow(b / (one - dividend), a)
                * (((a * dividend) / (one - dividend)) + one)
                - c1
            )
            o2 = (
                k
                * a
                * _jpow(b, a)
                * (fk * fk)
                * (one - b)
                / 2.0
                * _jpow(one - dividend, a + 2.0)
                * (2.0 - (one - a) * dividend)
                - c2
            )
            # Jacobian, term by term as in ModelSNB.getDerivatives
            val0 = (b - 1.0) * (fk - 1.0)
            val1 = val0 - 1.0
            val2 = 1.0 - val0
            val3 = a * val0 / val1 - 1.0
            val4 = _jpow(-b / val1, a)
            val6 = _jpow(fk, np.float64(2.0))
            val7 = _jpow(b, a)
            val8 = val7 * val6 * k
            val9 = a * val8
            val10 = 2.0 * _jpow(val2, a + 2.0)
            val11 = _jpow(val1, np.float64(2.0))
            val13 = fk * k
            val14 = fk - 1.0
            val15 = a - 1.0
            val16 = b - 1.0
            val17 = val15 * val0
            val18 = val6 * k
            val19 = val17 + 2.0
            val20 = val18 * val19
            j11 = -val13 * np.log(-b / val1) * val3 * val4 - (val13 * val4 * val0) / val1
            j12 = a * val13 * (1.0 / val1 - (b * val14) / val11) * val3 * _jpow(
                -b / val1, val15
            ) - val13 * val4 * (
                (a * val14) / val1 - (a * val16 * _jpow(val14, np.float64(2.0))) / val11
            )
            j21 = (
                (val9 * np.log(val2) * val19 * val16) / val10
                - (val9 * _jpow(val16, np.float64(2.0)) * val14) / val10
                - (val7 * val20 * val16) / val10
                - (a * val7 * val18 * np.log(b) * val19 * val16) / val10
            )
            j22 = (
                -(val9 * val19) / val10
                - (_jpow(a, np.float64(2.0)) * _jpow(b, val15) * val20 * val16) / val10
                - (a * val7 * val18 * val17) / val10
                - (a * val7 * val20 * (a + 2.0) * val0) / (2.0 * _jpow(val2, a + 3.0))
            )
        return (float(o1), float(o2), float(j11), float(j12), float(j21), float(j22))

    return system


def _snb_solve(*, k: float, f: float, c1: float, c2: float) -> tuple[float, float] | None:
    """(alpha, beta) of the SNB model, from ARX's start (1, 1) then its prepared start values."""
    return _newton_raphson(_snb_system(k=k, f=f, c1=c1, c2=c2), (1.0, 1.0))
