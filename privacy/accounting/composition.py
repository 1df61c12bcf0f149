"""Several mechanisms in one accountant: the epsilon of a list of events, and DP-SGD noise
calibrated so that it composes with events already decided (e.g. noisy marginals).

Composing in one accountant (PRV, PLD or RDP) is tighter than adding the events' separate
epsilons (basic composition), and still a valid bound: every accountant here composes
heterogeneous Gaussian events exactly in its own analysis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from privacy.accounting.accountant import (
    MAX_NOISE_MULTIPLIER,
    AccountantKind,
    SubsampledGaussianEvent,
    make_accountant,
)
from privacy.accounting.accountant import (
    calibrate_noise_multiplier as calibrate_alone,
)
from privacy.errors import PrivacyBudgetError

__all__ = ["calibrate_noise_multiplier_with", "epsilon_for_events"]


def epsilon_for_events(
    events: Sequence[SubsampledGaussianEvent],
    *,
    delta: float,
    kind: AccountantKind = AccountantKind.PRV,
) -> float:
    """Epsilon at ``delta`` of all ``events`` composed by one fresh accountant of ``kind``."""
    if not events:
        raise PrivacyBudgetError("no event to account")
    accountant = make_accountant(kind)
    for event in events:
        accountant.compose(event)
    return accountant.get_epsilon(delta)


def calibrate_noise_multiplier_with(
    fixed_events: Sequence[SubsampledGaussianEvent],
    *,
    target_epsilon: float,
    delta: float,
    sample_rate: float,
    steps: int,
    kind: AccountantKind = AccountantKind.PRV,
    tolerance: float = 0.005,
) -> float:
    """The smallest DP-SGD noise multiplier (within relative ``tolerance``) such that
    ``fixed_events`` plus ``steps`` Poisson-subsampled Gaussian steps at ``sample_rate`` compose
    to at most ``target_epsilon`` at ``delta``.

    Guarantee: the returned multiplier was evaluated with every event composed and met the
    target, so it never overshoots. Without fixed events this is
    :func:`privacy.accounting.calibrate_noise_multiplier`. Raises :class:`PrivacyBudgetError`
    when the fixed events alone exceed the target, or no multiplier up to
    :data:`MAX_NOISE_MULTIPLIER` reaches it.
    """
    fixed = tuple(fixed_events)
    if not fixed:
        return calibrate_alone(
            target_epsilon=target_epsilon, delta=delta, sample_rate=sample_rate, steps=steps,
            kind=kind, tolerance=tolerance,
        )
    if not (math.isfinite(target_epsilon) and target_epsilon > 0):
        raise PrivacyBudgetError("target epsilon must be a finite number > 0")
    if epsilon_for_events(fixed, delta=delta, kind=kind) >= target_epsilon:
        raise PrivacyBudgetError(
            f"the measurements decided before training already spend epsilon = {target_epsilon:g}"
            " or more; give them a smaller share"
        )

    def eps(sigma: float) -> float:
        return epsilon_for_events(
            (*fixed, SubsampledGaussianEvent(sigma, sample_rate, steps)), delta=delta, kind=kind
        )

    # Start from the multiplier that meets the target alone: it cannot be enough with more
    # events composed, so it is a lower end of the bracket.
    low = calibrate_alone(
        target_epsilon=target_epsilon, delta=delta, sample_rate=sample_rate, steps=steps,
        kind=kind, tolerance=tolerance,
    ) * (1 - tolerance)
    high = low * 1.25
    while eps(high) > target_epsilon:
        low, high = high, high * 1.5
        if high > MAX_NOISE_MULTIPLIER:
            raise PrivacyBudgetError(
                f"no noise level reaches epsilon = {target_epsilon:g} at delta = {delta:g} with "
                f"{steps} steps besides the other measurements; raise epsilon or train less"
            )
    while high - low > tolerance * high:
        mid = (low + high) / 2
        if eps(mid) <= target_epsilon:
            high = mid
        else:
            low = mid
    return high
