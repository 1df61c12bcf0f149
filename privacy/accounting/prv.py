"""Numerical composition of privacy loss random variables (PRVs), in numpy and scipy.

Reference
    Gopi, Lee, Wutschitz 2021, "Numerical Composition of Differential Privacy" (NeurIPS 2021,
    arXiv:2106.02848). A mechanism is described by its privacy loss random variable ``Y``; the
    composition of mechanisms by the *sum* of their PRVs, whose density is the convolution of
    theirs. For any epsilon, ``delta(eps) = E[(1 - e^(eps - Y))_+]`` (Gopi et al., Eq. 2), so
    the tightest epsilon for a delta is read off the composed distribution.

Adapted from
    Opacus 1.6.0, ``opacus/accountants/prv.py`` and ``opacus/accountants/analysis/prv/``
    (``prvs.py``, ``domain.py``, ``compose.py``), which follow the authors' implementation
    (microsoft/prv_accountant). We keep Opacus' algorithm step for step, so the numbers agree
    with ``opacus.accountants.PRVAccountant`` (tests pin it to 1e-6):

    1. *Safe domain* (Gopi et al., Remark 5.6, as Opacus computes it): truncate every PRV to
       ``[-L, L]`` with ``L = max(L_max, eps_error) + 3``, where ``L_max`` is the RDP epsilon of
       the whole composition at ``delta_error / 4`` and of each single step at
       ``delta_error / (8 k)`` (``k`` the total number of steps).
    2. *Mesh* ``h = eps_error / sqrt(k log(12 / delta_error) / 2)`` (Gopi et al., Theorem 5.5).
    3. *Discretise* each truncated PRV on the grid by its CDF, then shift the grid so the
       discrete mean equals the continuous one (Gopi et al., Algorithm 1, mean correction).
    4. *Compose*: identical PRVs by one FFT power, the distinct results by pairwise convolution.
    5. *Read epsilon*: the estimate at ``delta``, and the error-bounded interval
       ``[eps(delta + delta_error) - eps_error, eps(delta - delta_error) + eps_error]``
       (Gopi et al., Theorem 5.5). Accountants report the **upper** end, as Opacus does.

Two deliberate differences, neither of which loosens the guarantee:

* ``L_max`` uses the RDP of the subsampled Gaussian at the integer orders 2..64 (Mironov,
  Talwar, Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism",
  Section 3.3, closed form for integer orders), vectorised: about 100 times faster than
  Opacus' order-by-order series, which also searches fractional orders. The truncation
  argument only needs ``L_max`` to be *an* upper bound on those epsilons, which any RDP
  conversion is; ours is within a few percent of Opacus', and the effect on epsilon is ~1e-9.
* The grid is widened symmetrically to the next length that FFTs fast (5-smooth). A wider
  truncation only lowers the truncation error; the grid points themselves are Opacus'.

Only the Poisson-subsampled Gaussian mechanism (DP-SGD's step; ``sample_rate = 1`` is the plain
Gaussian mechanism) is implemented, for add/remove-one neighbours, like Opacus.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from scipy import fft, integrate, signal, special

from privacy.errors import PrivacyBudgetError, join_problems

__all__ = [
    "DEFAULT_EPS_ERROR",
    "MAX_GRID_POINTS",
    "GaussianSteps",
    "PrvDomainTooLargeError",
    "PrvEpsilon",
    "prv_epsilon",
    "rdp_epsilon",
]

DEFAULT_EPS_ERROR = 0.01  # Opacus' default; delta_error defaults to delta / 1000 (Opacus too)

# A composition whose privacy loss needs more grid points than this (about 130 MB per array) has
# an epsilon far beyond any useful budget; we refuse it rather than exhaust memory.
MAX_GRID_POINTS = 2**24

# Integer Rényi orders for the safe-domain bound (Opacus' grid reaches 63).
_ORDERS = np.arange(2, 65, dtype=np.float64)
_SQRT2 = math.sqrt(2.0)


class GaussianSteps(Protocol):
    """``steps`` Poisson-subsampled Gaussian steps; ``SubsampledGaussianEvent`` is one."""

    @property
    def noise_multiplier(self) -> float: ...

    @property
    def sample_rate(self) -> float: ...

    @property
    def steps(self) -> int: ...


class PrvDomainTooLargeError(PrivacyBudgetError):
    """The composition's privacy loss is too spread out to discretise within
    :data:`MAX_GRID_POINTS`; its epsilon is far beyond any useful budget."""


@dataclass(frozen=True)
class PrvEpsilon:
    """Epsilon of a composition at one delta: ``lower <= true epsilon <= upper`` (Gopi et al.
    2021, Theorem 5.5), and the point estimate between them."""

    lower: float
    estimate: float
    upper: float
    delta: float
    eps_error: float
    delta_error: float
    grid_points: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "estimate": self.estimate,
            "upper": self.upper,
            "delta": self.delta,
            "eps_error": self.eps_error,
            "delta_error": self.delta_error,
            "grid_points": self.grid_points,
        }


# ----------------------------------------------------------------------------- RDP (domain)


def _rdp_per_step(noise_multiplier: float, sample_rate: float) -> np.ndarray:
    """RDP of one Poisson-subsampled Gaussian step at the integer orders ``_ORDERS``.

    Mironov, Talwar, Zhang 2019, Section 3.3: for integer alpha,
    ``A_alpha = sum_k C(alpha, k) (1-q)^(alpha-k) q^k exp((k^2 - k) / (2 sigma^2))`` and the
    RDP is ``log(A_alpha) / (alpha - 1)``; for ``q = 1``, ``alpha / (2 sigma^2)``.
    """
    sigma2 = noise_multiplier**2
    if sample_rate >= 1.0:
        return _ORDERS / (2.0 * sigma2)
    alpha = _ORDERS[:, None]
    k = np.arange(_ORDERS[-1] + 1)[None, :]
    valid = k <= alpha
    log_binom = (
        special.gammaln(alpha + 1)
        - special.gammaln(k + 1)
        - special.gammaln(np.where(valid, alpha - k, 0.0) + 1)
    )
    log_terms = (
        log_binom
        + k * math.log(sample_rate)
        + (alpha - k) * math.log1p(-sample_rate)
        + (k * k - k) / (2.0 * sigma2)
    )
    log_a = special.logsumexp(np.where(valid, log_terms, -np.inf), axis=1)
    return np.maximum(log_a, 0.0) / (_ORDERS - 1.0)


def _rdp_to_epsilon(rdp: np.ndarray, delta: float) -> float:
    """Balle et al. 2020, "Hypothesis Testing Interpretations and Renyi Differential Privacy",
    Theorem 21 (the conversion Opacus uses): ``eps = min_alpha rdp(alpha) - (log delta +
    log alpha) / (alpha - 1) + log((alpha - 1) / alpha)``."""
    eps = rdp - (math.log(delta) + np.log(_ORDERS)) / (_ORDERS - 1) + np.log1p(-1.0 / _ORDERS)
    return float(np.min(eps))


def rdp_epsilon(events: Sequence[GaussianSteps], *, delta: float) -> float:
    """An RDP upper bound on the epsilon of ``events`` composed, at ``delta``, from the integer
    orders 2..64 (within a few percent of dp_accounting's RDP, which searches other orders).
    Cheap: used for the PRV safe domain and as a starting point for noise calibration."""
    if not 0 < delta < 1:
        raise PrivacyBudgetError("delta must be in (0, 1) to compute epsilon")
    total = np.zeros_like(_ORDERS)
    for event in events:
        total += event.steps * _rdp_per_step(event.noise_multiplier, event.sample_rate)
    return max(0.0, _rdp_to_epsilon(total, delta))


# ----------------------------------------------------------------------------- the PRV


def _cdf(t: np.ndarray, noise_multiplier: float, sample_rate: float) -> np.ndarray:
    """CDF of the PRV of one Poisson-subsampled Gaussian step (Gopi et al. 2021, Proposition
    B.4; Opacus ``PoissonSubsampledGaussianPRV.cdf``). The loss is supported on
    ``t > log(1 - q)``; with ``z = log((e^t + q - 1) / q)``,
    ``F(t) = 1 - q/2 erfc((2 z s^2 - 1) / (2 sqrt(2) s)) - (1-q)/2 erfc((2 z s^2 + 1) /
    (2 sqrt(2) s))``. For ``q = 1`` this is the Gaussian PRV ``N(1/(2 s^2), 1/s^2)``."""
    q, s = sample_rate, noise_multiplier
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if q >= 1.0:
            above = np.ones(t.shape, dtype=bool)
            z = t
        else:
            above = t > math.log1p(-q)
            z = np.log(np.where(above, (np.exp(t) + q - 1) / q, 1.0))
        value = (
            1.0
            - q * special.erfc((2 * z * s**2 - 1) / (2 * _SQRT2 * s)) / 2
            - (1 - q) * special.erfc((2 * z * s**2 + 1) / (2 * _SQRT2 * s)) / 2
        )
    return np.where(above, value, 0.0)


def _cdf_scalar(t: float, noise_multiplier: float, sample_rate: float) -> float:
    """:func:`_cdf` at one point, with ``math`` instead of numpy (quadrature calls it hundreds
    of times; numpy's per-call overhead dominated)."""
    q, s = sample_rate, noise_multiplier
    if q >= 1.0:
        z = t
    elif t > math.log1p(-q):
        ratio = (math.exp(t) + q - 1) / q if t < 700 else math.inf
        z = math.log(ratio)
    else:
        return 0.0
    if math.isinf(z):
        return 1.0
    return (
        1.0
        - q * math.erfc((2 * z * s**2 - 1) / (2 * _SQRT2 * s)) / 2
        - (1 - q) * math.erfc((2 * z * s**2 + 1) / (2 * _SQRT2 * s)) / 2
    )


class _TruncatedPrv:
    """The PRV conditioned on ``[t_min, t_max)`` (Opacus ``TruncatedPrivacyRandomVariable``)."""

    def __init__(self, noise_multiplier: float, sample_rate: float, t_min: float, t_max: float):
        self.noise_multiplier = noise_multiplier
        self.sample_rate = sample_rate
        self.t_min = t_min
        self.t_max = t_max
        self._cdf_min = float(self._raw_cdf(t_min))
        self._mass = float(self._raw_cdf(t_max)) - self._cdf_min

    def _raw_cdf(self, t: Any) -> np.ndarray:
        return _cdf(t, self.noise_multiplier, self.sample_rate)

    def cdf(self, t: Any) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        inner = (self._raw_cdf(t) - self._cdf_min) / self._mass
        return np.where(t < self.t_min, 0.0, np.where(t < self.t_max, inner, 1.0))

    def mean(self) -> float:
        """``E[Y] = [t F(t)] - integral of F``, integrated piecewise on a log-spaced partition
        that resolves the mass near 0 (exactly Opacus' partition and quadrature)."""
        lower_exponent = int(np.log10(np.abs(self.t_min)))
        upper_exponent = int(np.log10(self.t_max))
        points = np.concatenate(
            [
                [self.t_min],
                -np.logspace(start=lower_exponent, stop=-5, num=10),
                [0.0],
                np.logspace(start=-5, stop=upper_exponent, num=10),
                [self.t_max],
            ]
        )

        def scalar_cdf(x: float) -> float:
            if x < self.t_min:
                return 0.0
            if x >= self.t_max:
                return 1.0
            raw = _cdf_scalar(float(x), self.noise_multiplier, self.sample_rate)
            return (raw - self._cdf_min) / self._mass

        mean = 0.0
        for left, right in zip(points[:-1], points[1:], strict=True):
            integral, _ = integrate.quad(scalar_cdf, left, right, limit=500)
            mean += right * scalar_cdf(right) - left * scalar_cdf(left) - integral
        return mean


# ----------------------------------------------------------------------------- grid


@dataclass(frozen=True)
class _Grid:
    """``size`` points ``t_min + shift + i * dt``; ``size`` is even and ``t_min = -(size/2 - 1)
    dt`` (Opacus ``Domain.create_aligned``), which the FFT composition's re-centring relies on."""

    t_min: float
    dt: float
    size: int
    shift: float = 0.0

    @classmethod
    def aligned(cls, half_width: float, dt: float) -> _Grid:
        # Opacus: t_min = floor(-L/dt) dt, t_max = ceil(L/dt) dt, one more point when odd:
        # size = 2 ceil(L/dt) + 2. We widen it to an even length that FFTs fast.
        size = 2 * math.ceil(half_width / dt) + 2
        if size > MAX_GRID_POINTS:
            raise PrvDomainTooLargeError(
                f"the PRV accountant would need {size:,} grid points for this composition (its "
                "epsilon is far beyond any useful budget); add noise or use the RDP accountant"
            )
        while True:
            size = fft.next_fast_len(size, real=True)
            if size % 2 == 0:
                break
            size += 1
        return cls(t_min=-(size // 2 - 1) * dt, dt=dt, size=size)

    @property
    def ts(self) -> np.ndarray:
        return self.t_min + self.shift + self.dt * np.arange(self.size)

    @property
    def t_max(self) -> float:
        return self.t_min + (self.size - 1) * self.dt

    def shifted(self, by: float) -> _Grid:
        return _Grid(self.t_min, self.dt, self.size, self.shift + by)


def _discretise(prv: _TruncatedPrv, grid: _Grid) -> tuple[np.ndarray, _Grid]:
    """Probability of each cell ``[t - dt/2, t + dt/2)`` (Opacus ``discretize``), and the grid
    shifted so the discrete mean equals the continuous mean (Gopi et al., Algorithm 1)."""
    centres = grid.ts
    edges = np.append(centres - grid.dt / 2, centres[-1] + grid.dt / 2)
    pmf = np.diff(prv.cdf(edges))
    mean_shift = prv.mean() - float(np.dot(centres, pmf))
    if abs(mean_shift) >= grid.dt / 2:
        raise PrivacyBudgetError(
            "the PRV discretisation is too coarse for this mechanism (its discrete mean differs "
            "from the continuous one by half a grid cell); lower eps_error or use the RDP "
            "accountant"
        )
    return pmf, grid.shifted(mean_shift)


def _self_compose(pmf: np.ndarray, grid: _Grid, times: int) -> tuple[np.ndarray, _Grid]:
    """``times``-fold self-convolution by one FFT power (Opacus ``_compose_fourier``). The
    circular result is rolled back so index ``i`` again means ``t_min + i dt`` (the sum of
    ``times`` indices is offset by ``(times - 1)(size/2 - 1)``); the mean shifts add up."""
    composed = fft.irfft(fft.rfft(pmf) ** times, n=pmf.size)
    roll = times - 1
    if times % 2 == 0:
        roll += pmf.size // 2
    return np.roll(composed, roll), grid.shifted(grid.shift * (times - 1))


def _compose_pair(
    left: tuple[np.ndarray, _Grid], right: tuple[np.ndarray, _Grid]
) -> tuple[np.ndarray, _Grid]:
    """Convolution of two discrete PRVs on the same grid (Opacus ``_compose_two``)."""
    pmf = signal.convolve(left[0], right[0], mode="same")
    return pmf, left[1].shifted(right[1].shift)


def _epsilon_at(
    pmf: np.ndarray, ts: np.ndarray, delta: float, *, delta_error: float, eps_error: float
) -> tuple[float, float, float]:
    """(lower, estimate, upper) epsilon (Opacus ``DiscretePRV.compute_epsilon``). With
    ``d1(t) = P[Y >= t]`` and ``d2(t) = E[e^-Y; Y >= t]`` over the grid,
    ``delta(t) = d1(t) - e^t d2(t)`` decreases in t; epsilon solves ``delta(eps) = target``."""
    if np.finfo(np.longdouble).eps * pmf.size > delta - delta_error:
        raise PrivacyBudgetError(
            f"delta = {delta:g} is too small for the PRV accountant's floating-point accuracy "
            f"on {pmf.size:,} grid points; use a larger delta or the RDP accountant"
        )
    d1 = np.flip(np.cumsum(np.flip(pmf)))
    with np.errstate(over="ignore", invalid="ignore"):
        d2 = np.flip(np.cumsum(np.flip(pmf * np.exp(-ts))))
        ndelta = np.exp(ts) * d2 - d1

    def solve(target: float) -> float:
        i = int(np.searchsorted(ndelta, -target, side="left"))
        if i <= 0 or i >= ndelta.size:
            raise PrivacyBudgetError(
                "the PRV accountant could not place epsilon on its grid for this composition; "
                "use the RDP accountant"
            )
        return float(np.log((d1[i] - target) / d2[i]))

    upper = solve(delta - delta_error) + eps_error
    lower = solve(delta + delta_error) - eps_error
    return lower, solve(delta), upper


# ----------------------------------------------------------------------------- public


def _check(events: Sequence[GaussianSteps], delta: float, eps_error: float, delta_error: float):
    problems = []
    if not events:
        problems.append("there are no events to compose")
    for event in events:
        if not (
            math.isfinite(event.noise_multiplier)
            and event.noise_multiplier > 0
            and 0 < event.sample_rate <= 1
            and isinstance(event.steps, int)
            and event.steps >= 1
        ):
            problems.append(
                "each event needs noise_multiplier > 0, sample_rate in (0, 1] and steps >= 1"
            )
            break
    if not 0 < delta < 1:
        problems.append("delta must be in (0, 1) to compute epsilon")
    if not (math.isfinite(eps_error) and eps_error > 0):
        problems.append("eps_error must be a finite number > 0")
    if not 0 < delta_error < delta:
        problems.append("delta_error must be in (0, delta)")
    if problems:
        raise PrivacyBudgetError(join_problems(problems))


def prv_epsilon(
    events: Sequence[GaussianSteps],
    *,
    delta: float,
    eps_error: float = DEFAULT_EPS_ERROR,
    delta_error: float | None = None,
) -> PrvEpsilon:
    """Epsilon at ``delta`` of ``events`` composed, by numerical composition of their PRVs
    (Gopi, Lee, Wutschitz 2021; Opacus ``PRVAccountant``), with its error bounds.

    Guarantee: the composition is ``(upper, delta)``-DP, for add/remove-one neighbours under
    Poisson subsampling (Gopi et al., Theorem 5.5: the true epsilon lies in
    ``[lower, upper]``, ``upper - lower`` about ``2 eps_error``). ``delta_error`` defaults to
    ``delta / 1000``. Events with the same (noise multiplier, sample rate) are merged
    (composition is commutative), so each distinct step is composed by one FFT power.

    Raises :class:`PrivacyBudgetError` for invalid arguments, and its subclass
    :class:`PrvDomainTooLargeError` when the composition is too loose to discretise.
    """
    delta_error = delta / 1000 if delta_error is None else delta_error
    _check(events, delta, eps_error, delta_error)
    merged: dict[tuple[float, float], int] = {}
    for event in events:
        key = (float(event.noise_multiplier), float(event.sample_rate))
        merged[key] = merged.get(key, 0) + int(event.steps)
    mechanisms = [(sigma, q) for sigma, q in merged]
    counts = list(merged.values())
    total_steps = sum(counts)

    # 1. safe domain (Opacus compute_safe_domain_size; Gopi et al. Remark 5.6)
    per_step = [_rdp_per_step(sigma, q) for sigma, q in mechanisms]
    composed_rdp = sum(n * r for n, r in zip(counts, per_step, strict=True))
    l_max = _rdp_to_epsilon(composed_rdp, delta_error / 4)
    for rdp in per_step:
        l_max = max(l_max, _rdp_to_epsilon(rdp, delta_error / (8 * total_steps)))
    half_width = max(l_max, eps_error) + 3
    # 2. mesh (Opacus PRVAccountant._get_domain)
    mesh = eps_error / math.sqrt(total_steps * math.log(12 / delta_error) / 2)
    grid = _Grid.aligned(half_width, mesh)

    # 3.-4. discretise, self-compose each mechanism, then convolve the results pairwise
    parts = []
    for (sigma, q), times in zip(mechanisms, counts, strict=True):
        pmf, shifted = _discretise(_TruncatedPrv(sigma, q, grid.t_min, grid.t_max), grid)
        parts.append(_self_compose(pmf, shifted, times))
    while len(parts) > 1:
        paired = [parts.pop()] if len(parts) % 2 == 1 else []
        paired += [_compose_pair(a, b) for a, b in zip(parts[:-1:2], parts[1::2], strict=True)]
        parts = paired
    pmf, final = parts[0]

    # 5. epsilon with its error bounds
    lower, estimate, upper = _epsilon_at(
        pmf, final.ts, delta, delta_error=delta_error, eps_error=eps_error
    )
    return PrvEpsilon(
        lower=lower,
        estimate=estimate,
        upper=upper,
        delta=delta,
        eps_error=eps_error,
        delta_error=delta_error,
        grid_points=grid.size,
    )
