"""DP-SGD accounting and noise calibration.

We do not re-derive accountants (DESIGN.md). :class:`AccountantKind` names the analyses offered:

* PRV (default): numerical composition of privacy loss random variables (Gopi, Lee, Wutschitz
  2021), our numpy port of Opacus' ``PRVAccountant`` (:mod:`privacy.accounting.prv`). Tight;
  reports the upper end of its error-bounded epsilon, like Opacus, and is the analysis Opacus
  itself runs for our training, so the two agree.
* PLD: privacy loss distributions with pessimistic discretisation, Google's ``dp_accounting``.
  Tight, within about 1% of PRV.
* RDP: Rényi DP (``dp_accounting``), looser.

All assume **Poisson subsampling** with rate ``sample_rate`` (invariant 2): the trainer must
sample each record independently with that probability.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import dp_accounting
from dp_accounting import pld, rdp

from privacy.accounting import prv
from privacy.errors import PrivacyBudgetError, join_problems

# Beyond this the noise drowns any signal of a clipped gradient; calibration stops there.
MAX_NOISE_MULTIPLIER = 1000.0


class AccountantKind(StrEnum):
    PRV = "prv"
    PLD = "pld"
    RDP = "rdp"


@dataclass(frozen=True)
class SubsampledGaussianEvent:
    """``steps`` compositions of the Gaussian mechanism with noise multiplier
    ``noise_multiplier`` (noise std / clipping norm) on a Poisson subsample of rate
    ``sample_rate``: exactly what DP-SGD with Poisson sampling runs (Abadi et al. 2016)."""

    noise_multiplier: float
    sample_rate: float
    steps: int

    def __post_init__(self) -> None:
        problems = []
        if not (math.isfinite(self.noise_multiplier) and self.noise_multiplier > 0):
            problems.append("noise_multiplier must be > 0")
        if not 0 < self.sample_rate <= 1:
            problems.append("sample_rate must be in (0, 1]")
        if not (isinstance(self.steps, int) and self.steps >= 1):
            problems.append("steps must be an integer >= 1")
        if problems:
            raise PrivacyBudgetError(join_problems(problems))

    def to_dp_event(self) -> dp_accounting.DpEvent:
        gaussian = dp_accounting.GaussianDpEvent(self.noise_multiplier)
        if self.sample_rate < 1:
            gaussian = dp_accounting.PoissonSampledDpEvent(self.sample_rate, gaussian)
        return dp_accounting.SelfComposedDpEvent(gaussian, self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "noise_multiplier": self.noise_multiplier,
            "sample_rate": self.sample_rate,
            "steps": self.steps,
            "sampling": "poisson",
        }


class Accountant(Protocol):
    """Tracks composed events; answers epsilon for a delta. ``compose`` checks the event before
    it changes any state (STYLE rule 3): a refused event leaves the ledger as it was."""

    kind: AccountantKind

    def compose(self, event: SubsampledGaussianEvent) -> None: ...

    def get_epsilon(self, delta: float) -> float: ...


def _check_event(kind: AccountantKind, event: object) -> SubsampledGaussianEvent:
    if not isinstance(event, SubsampledGaussianEvent):
        raise PrivacyBudgetError(
            f"the {kind.value} accountant composes SubsampledGaussianEvent, not "
            f"{type(event).__name__}"
        )
    return event


def _check_delta(delta: object) -> float:
    if not isinstance(delta, int | float) or not 0 < delta < 1:
        raise PrivacyBudgetError("delta must be in (0, 1) to compute epsilon")
    return float(delta)


class _DpAccountingAdapter:
    def __init__(self, kind: AccountantKind, inner: dp_accounting.PrivacyAccountant) -> None:
        self.kind = kind
        self._inner = inner

    def compose(self, event: SubsampledGaussianEvent) -> None:
        self._inner.compose(_check_event(self.kind, event).to_dp_event())

    def get_epsilon(self, delta: float) -> float:
        return float(self._inner.get_epsilon(_check_delta(delta)))


class PrvAccountant:
    """The PRV accountant (Gopi, Lee, Wutschitz 2021; Opacus ``PRVAccountant``) over
    :func:`privacy.accounting.prv.prv_epsilon`.

    ``get_epsilon`` returns the **upper** end of the error-bounded epsilon, so the composition
    is (that epsilon, delta)-DP. ``eps_error`` (default 0.01) and ``delta_error`` (default
    ``delta / 1000``) are Opacus' defaults: the bound is at most about ``2 eps_error`` above the
    exact epsilon of the composition.
    """

    def __init__(
        self, *, eps_error: float = prv.DEFAULT_EPS_ERROR, delta_error: float | None = None
    ) -> None:
        problems = []
        if not (isinstance(eps_error, int | float) and math.isfinite(eps_error) and eps_error > 0):
            problems.append("eps_error must be a finite number > 0")
        if delta_error is not None and not (
            isinstance(delta_error, int | float) and 0 < delta_error < 1
        ):
            problems.append("delta_error must be in (0, 1), or None for delta / 1000")
        if problems:
            raise PrivacyBudgetError(join_problems(problems))
        self.kind = AccountantKind.PRV
        self._eps_error = float(eps_error)
        self._delta_error = delta_error
        self._steps: dict[tuple[float, float], int] = {}

    def compose(self, event: SubsampledGaussianEvent) -> None:
        event = _check_event(self.kind, event)
        key = (event.noise_multiplier, event.sample_rate)
        self._steps[key] = self._steps.get(key, 0) + event.steps

    @property
    def events(self) -> tuple[SubsampledGaussianEvent, ...]:
        """What was composed, one event per distinct (noise multiplier, sample rate)."""
        return tuple(
            SubsampledGaussianEvent(sigma, q, steps) for (sigma, q), steps in self._steps.items()
        )

    def get_epsilon(self, delta: float) -> float:
        delta = _check_delta(delta)
        delta_error = delta / 1000 if self._delta_error is None else self._delta_error
        if delta_error >= delta:
            raise PrivacyBudgetError(
                f"delta_error = {delta_error:g} must be below delta = {delta:g}"
            )
        if not self._steps:
            return 0.0
        bounds = prv.prv_epsilon(
            self.events, delta=delta, eps_error=self._eps_error, delta_error=delta_error
        )
        return max(0.0, bounds.upper)


def make_accountant(kind: AccountantKind = AccountantKind.PRV) -> Accountant:
    """A fresh accountant of the given kind (explicit registry, STYLE rule 1)."""
    if kind is AccountantKind.PRV:
        return PrvAccountant()
    if kind is AccountantKind.PLD:
        return _DpAccountingAdapter(kind, pld.PLDAccountant())
    if kind is AccountantKind.RDP:
        return _DpAccountingAdapter(kind, rdp.RdpAccountant())
    raise PrivacyBudgetError(f"unknown accountant {kind!r}")


@functools.lru_cache(maxsize=4096)
def _cached_epsilon(event: SubsampledGaussianEvent, delta: float, kind: AccountantKind) -> float:
    accountant = make_accountant(kind)
    accountant.compose(event)
    return accountant.get_epsilon(delta)


def epsilon_for(
    event: SubsampledGaussianEvent, *, delta: float, kind: AccountantKind = AccountantKind.PRV
) -> float:
    """Epsilon spent by ``event`` at ``delta`` under a fresh accountant of ``kind``.

    Answers are cached per (event, delta, kind): events are frozen and every accountant here is
    deterministic, so a repeated question (calibration, planning) costs nothing.
    """
    event = _check_event(AccountantKind(kind), event)
    return _cached_epsilon(event, _check_delta(delta), AccountantKind(kind))


def calibrate_noise_multiplier(
    *,
    target_epsilon: float,
    delta: float,
    sample_rate: float,
    steps: int,
    kind: AccountantKind = AccountantKind.PRV,
    tolerance: float = 0.005,
) -> float:
    """The smallest noise multiplier (within relative ``tolerance``) whose epsilon at ``delta``
    is at most ``target_epsilon`` for ``steps`` Poisson-subsampled Gaussian steps.

    Guarantee: ``epsilon_for(event with the returned multiplier) <= target_epsilon``. Every
    returned value was evaluated by the accountant of ``kind`` and met the target, so a
    calibration can never overshoot. The returned ``sigma`` is tight: some multiplier above
    ``sigma * (1 - tolerance)`` was evaluated and missed the target (for ``sigma`` below 1e-3,
    above ``sigma - 1e-3 * tolerance``).

    The search starts at the cheap integer-order RDP calibration
    (:func:`privacy.accounting.prv.rdp_epsilon`), brackets the answer, and narrows the bracket
    with secant steps on log epsilon against log sigma (bisection when those stall), so a
    calibration costs a handful of accountant evaluations. Raises :class:`PrivacyBudgetError`
    when no multiplier up to :data:`MAX_NOISE_MULTIPLIER` reaches the target.
    """
    if not (
        isinstance(target_epsilon, int | float)
        and math.isfinite(target_epsilon)
        and target_epsilon > 0
    ):
        raise PrivacyBudgetError("target epsilon must be a finite number > 0")
    if not (isinstance(tolerance, int | float) and 0 < tolerance < 0.5):
        raise PrivacyBudgetError("tolerance must be in (0, 0.5)")
    kind = AccountantKind(kind)
    SubsampledGaussianEvent(1.0, sample_rate, steps)  # validates the arguments
    delta = _check_delta(delta)
    if kind is AccountantKind.PRV and target_epsilon <= prv.DEFAULT_EPS_ERROR:
        raise PrivacyBudgetError(
            f"the PRV accountant's epsilon carries an error of {prv.DEFAULT_EPS_ERROR:g}, so no "
            f"noise level certifies epsilon = {target_epsilon:g}; raise epsilon or use the PLD "
            "accountant"
        )

    def eps(sigma: float) -> float:
        event = SubsampledGaussianEvent(sigma, sample_rate, steps)
        try:
            return epsilon_for(event, delta=delta, kind=kind)
        except prv.PrvDomainTooLargeError:
            return math.inf  # a privacy loss too spread out to grid is far above any target

    guess, exponent = _rdp_guess(target_epsilon, delta=delta, sample_rate=sample_rate, steps=steps)
    sigma = _smallest_feasible(
        eps, target_epsilon, guess=guess, exponent=exponent, tolerance=tolerance
    )
    if sigma is None:
        raise PrivacyBudgetError(
            f"no noise level reaches epsilon = {target_epsilon:g} at delta = {delta:g} with "
            f"{steps} steps; raise epsilon or train for fewer steps"
        )
    return sigma


def _rdp_guess(
    target: float, *, delta: float, sample_rate: float, steps: int
) -> tuple[float, float]:
    """The noise multiplier at which the integer-order RDP bound meets ``target`` (to 1%), and
    the local exponent ``s`` of ``eps ~ sigma^-s`` there: a starting point, never a result."""

    def rdp_eps(sigma: float) -> float:
        event = SubsampledGaussianEvent(sigma, sample_rate, steps)
        return prv.rdp_epsilon([event], delta=delta)

    low, high = 1e-3, MAX_NOISE_MULTIPLIER
    if rdp_eps(high) > target:
        return high, 1.0
    if rdp_eps(low) <= target:
        return low, 1.0
    while high / low > 1.01:
        mid = math.sqrt(low * high)
        if rdp_eps(mid) <= target:
            high = mid
        else:
            low = mid
    e_low, e_high = rdp_eps(low), rdp_eps(high)
    if e_high <= 0:
        return high, 1.0
    exponent = (math.log(e_low) - math.log(e_high)) / (math.log(high) - math.log(low))
    return high, min(max(exponent, 0.3), 3.0)


def _smallest_feasible(
    eps: Callable[[float], float],
    target: float,
    *,
    guess: float,
    exponent: float,
    tolerance: float,
) -> float | None:
    """The smallest ``sigma`` in ``(0, MAX_NOISE_MULTIPLIER]`` with ``eps(sigma) <= target``, to
    relative ``tolerance``, for ``eps`` decreasing in sigma; None when even the maximum misses.

    Keeps a bracket ``lo < answer <= hi`` (``eps(lo) > target >= eps(hi)``; ``lo = 0`` stands
    for no noise, infinite epsilon). Each probe aims just beside the interpolated root, on the
    side of the bracket that is farther from it, so that once the interpolation is accurate the
    next two probes close the bracket; after eight probes it bisects.
    """
    lo, e_lo = 0.0, math.inf
    hi: float | None = None
    e_hi = math.nan
    x = min(max(guess, 1e-6), MAX_NOISE_MULTIPLIER)
    nudge = 0.45 * tolerance
    for probe in range(200):
        e = eps(x)
        if e <= target:
            hi, e_hi = x, e
        else:
            lo, e_lo = x, e
        if hi is None:
            if lo >= MAX_NOISE_MULTIPLIER:
                return None
            # eps ~ sigma^-exponent: the factor that would bring e_lo down to the target
            step = (
                math.exp(min(math.log(e_lo / target) / exponent, 20.0))
                if math.isfinite(e_lo)
                else 2.0
            )
            x = min(MAX_NOISE_MULTIPLIER, lo * max(step * (1 + nudge), 1 + tolerance))
            continue
        if hi - lo <= tolerance * max(hi, 1e-3):
            return hi
        root = _interpolate_root(lo, e_lo, hi, e_hi, target, exponent)
        if probe >= 8 or root is None or not lo < root < hi:
            x = math.sqrt(lo * hi) if lo > 0 else hi / 2
            continue
        above, below = hi / root - 1, 1 - lo / root
        x = root * (1 + nudge) if above >= below else root * (1 - nudge)
        if not lo < x < hi:
            x = math.sqrt(lo * hi) if lo > 0 else hi / 2
    raise PrivacyBudgetError("noise calibration did not converge")  # pragma: no cover


def _interpolate_root(
    lo: float, e_lo: float, hi: float, e_hi: float, target: float, exponent: float
) -> float | None:
    """Where ``eps`` meets ``target`` on the line through the bracket's ends in log-log
    coordinates (DP-SGD's epsilon is close to a power of sigma), or from ``hi`` alone with
    ``eps ~ sigma^-exponent`` when ``lo`` carries no value."""
    if lo > 0 and math.isfinite(e_lo) and e_hi > 0:
        slope = (math.log(e_hi) - math.log(e_lo)) / (math.log(hi) - math.log(lo))
        if slope < 0:
            return math.exp(math.log(lo) + (math.log(target) - math.log(e_lo)) / slope)
        return None
    if e_hi > 0:
        return hi * (e_hi / target) ** (1 / exponent)
    return None
