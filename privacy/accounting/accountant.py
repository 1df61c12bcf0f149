"""DP-SGD accounting and noise calibration, over Google's ``dp_accounting`` implementations.

We do not re-derive accountants (DESIGN.md). :class:`AccountantKind` names the analyses offered:
PLD (privacy loss distributions, tight, pessimistic discretisation: default) and RDP (Rényi DP,
looser). Both assume **Poisson subsampling** with rate ``sample_rate`` (invariant 2): the trainer
must sample each record independently with that probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import dp_accounting
from dp_accounting import pld, rdp

from privacy.errors import PrivacyBudgetError, join_problems

# Beyond this the noise drowns any signal of a clipped gradient; calibration stops there.
MAX_NOISE_MULTIPLIER = 1000.0


class AccountantKind(StrEnum):
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
    """Tracks composed events; answers epsilon for a delta."""

    kind: AccountantKind

    def compose(self, event: SubsampledGaussianEvent) -> None: ...

    def get_epsilon(self, delta: float) -> float: ...


class _DpAccountingAdapter:
    def __init__(self, kind: AccountantKind, inner: dp_accounting.PrivacyAccountant) -> None:
        self.kind = kind
        self._inner = inner

    def compose(self, event: SubsampledGaussianEvent) -> None:
        self._inner.compose(event.to_dp_event())

    def get_epsilon(self, delta: float) -> float:
        if not 0 < delta < 1:
            raise PrivacyBudgetError("delta must be in (0, 1) to compute epsilon")
        return float(self._inner.get_epsilon(delta))


def make_accountant(kind: AccountantKind = AccountantKind.PLD) -> Accountant:
    """A fresh accountant of the given kind (explicit registry, STYLE rule 1)."""
    if kind is AccountantKind.PLD:
        return _DpAccountingAdapter(kind, pld.PLDAccountant())
    if kind is AccountantKind.RDP:
        return _DpAccountingAdapter(kind, rdp.RdpAccountant())
    raise PrivacyBudgetError(f"unknown accountant {kind!r}")


def epsilon_for(
    event: SubsampledGaussianEvent, *, delta: float, kind: AccountantKind = AccountantKind.PLD
) -> float:
    """Epsilon spent by ``event`` at ``delta`` under a fresh accountant."""
    accountant = make_accountant(kind)
    accountant.compose(event)
    return accountant.get_epsilon(delta)


def calibrate_noise_multiplier(
    *,
    target_epsilon: float,
    delta: float,
    sample_rate: float,
    steps: int,
    kind: AccountantKind = AccountantKind.PLD,
    tolerance: float = 0.005,
) -> float:
    """The smallest noise multiplier (within ``tolerance``) whose epsilon at ``delta`` is at most
    ``target_epsilon`` for ``steps`` Poisson-subsampled Gaussian steps.

    Guarantee: ``epsilon_for(event with the returned multiplier) <= target_epsilon``; checked
    before returning, so a calibration can never overshoot.
    """
    if not (math.isfinite(target_epsilon) and target_epsilon > 0):
        raise PrivacyBudgetError("target epsilon must be a finite number > 0")
    SubsampledGaussianEvent(1.0, sample_rate, steps)  # validates the arguments

    def eps(sigma: float) -> float:
        return epsilon_for(
            SubsampledGaussianEvent(sigma, sample_rate, steps), delta=delta, kind=kind
        )

    low, high = 0.0, 1.0
    while eps(high) > target_epsilon:
        low, high = high, high * 2
        if high > MAX_NOISE_MULTIPLIER:
            raise PrivacyBudgetError(
                f"no noise level reaches epsilon = {target_epsilon:g} at delta = {delta:g} with "
                f"{steps} steps; raise epsilon or train for fewer steps"
            )
    while high - low > tolerance * max(high, 1e-3):
        mid = (low + high) / 2
        if mid > 0 and eps(mid) <= target_epsilon:
            high = mid
        else:
            low = mid
    if eps(high) > target_epsilon:  # pragma: no cover - bisection keeps this invariant
        raise PrivacyBudgetError("noise calibration failed to meet the target epsilon")
    return high
