"""Group privacy: from a guarantee for one row to a guarantee for a group of k rows.

When each entity (patient) keeps at most ``k`` rows (``privacy.contribution``), two inputs that
differ in one entity give training tables that differ in at most ``k`` rows. A mechanism that is
(eps, delta)-DP for tables differing in one row is then, for tables differing in ``k`` rows,

    (k * eps,  delta * sum_{i=0}^{k-1} e^(i * eps))-DP.

Derivation (the hybrid argument). Walk from x_0 to x_k through tables x_1, ..., x_{k-1}, each
differing from the next in one row, under the same neighbouring relation as the per-row
guarantee (add/remove one row for DP-SGD's accountants: removing an entity's k rows is k
steps). For any event S, applying the per-row guarantee k times,

    P[M(x_0) in S] <= e^eps P[M(x_1) in S] + delta
                   <= e^(2 eps) P[M(x_2) in S] + (1 + e^eps) delta
                   <= ... <= e^(k eps) P[M(x_k) in S] + delta * sum_{i=0}^{k-1} e^(i eps).

This is the argument of Dwork & Roth 2014 ("The Algorithmic Foundations of Differential
Privacy"), Section 2.3, Theorem 2.2 (group privacy, stated there for delta = 0), carried through
with the delta term. Vadhan 2017 ("The Complexity of Differential Privacy"), Lemma 2.2 (group
privacy), states the same conversion with the looser delta term ``k * e^(k eps) * delta``; the
exact sum used here is at most ``k * e^((k-1) eps) * delta``, smaller than both. With k = 1 both
functions are the identity.

Group privacy is a worst-case bound; a tighter per-entity analysis (accounting the subsampled
Gaussian mechanism directly for a sensitivity of k rows) would give less, but needs the
accountant, not this conversion.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from privacy.errors import PrivacyBudgetError, join_problems


def group_privacy(epsilon: float, delta: float, *, group_size: int) -> tuple[float, float]:
    """The (epsilon, delta) for groups of ``group_size`` rows of a mechanism that is
    (``epsilon``, ``delta``)-DP for one row: ``(k*eps, delta * sum_{i<k} e^(i*eps))``.

    Refuses a result whose delta reaches 1: such a statement guarantees nothing.
    """
    _check(epsilon=epsilon, delta=delta, group_size=group_size, name="")
    k = int(group_size)
    delta_k = delta * _delta_factor(epsilon, k) if delta > 0 else 0.0
    if not delta_k < 1:
        raise PrivacyBudgetError(
            f"for groups of {k} rows, (epsilon = {epsilon:g}, delta = {delta:g}) per row gives a "
            f"delta of at least 1, which guarantees nothing; lower epsilon or delta per row, or "
            f"keep fewer rows per entity"
        )
    return k * epsilon, delta_k


def row_budget_for_group(
    target_epsilon: float, target_delta: float, *, group_size: int
) -> tuple[float, float]:
    """The per-row (epsilon, delta) whose :func:`group_privacy` for ``group_size`` rows is the
    target: ``eps_row = target_epsilon / k`` and
    ``delta_row = target_delta / sum_{i<k} e^(i * eps_row)`` (the exact inverse)."""
    _check(epsilon=target_epsilon, delta=target_delta, group_size=group_size, name="target_")
    if target_epsilon <= 0:
        raise PrivacyBudgetError("target_epsilon must be > 0")
    k = int(group_size)
    eps_row = target_epsilon / k
    factor = _delta_factor(eps_row, k)
    if not math.isfinite(factor):
        raise PrivacyBudgetError(
            f"target_epsilon = {target_epsilon:g} is too large to convert for groups of {k} rows"
        )
    delta_row = target_delta / factor
    return eps_row, delta_row


def _delta_factor(epsilon: float, k: int) -> float:
    """``sum_{i=0}^{k-1} e^(i*eps) = (e^(k eps) - 1) / (e^eps - 1)``, accurate for small eps."""
    if k == 1:
        return 1.0
    if epsilon == 0:
        return float(k)
    try:
        return math.expm1(k * epsilon) / math.expm1(epsilon)
    except OverflowError:
        return math.inf


def _check(*, epsilon: float, delta: float, group_size: int, name: str) -> None:
    problems = []
    if (
        not isinstance(epsilon, Real)
        or isinstance(epsilon, bool)
        or not math.isfinite(epsilon)
        or epsilon < 0
    ):
        problems.append(f"{name}epsilon must be a finite number >= 0")
    if not isinstance(delta, Real) or isinstance(delta, bool) or not 0 <= delta < 1:
        problems.append(f"{name}delta must be in [0, 1)")
    if not isinstance(group_size, Integral) or isinstance(group_size, bool) or group_size < 1:
        problems.append("group_size must be an integer >= 1 (rows per entity)")
    if problems:
        raise PrivacyBudgetError(join_problems(problems))
