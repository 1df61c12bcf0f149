"""Zero-concentrated DP as a ruler for sharing a budget between Gaussian mechanisms.

Only used to *divide* a budget; the guarantee of the composed mechanisms is always computed by
the accountant (PRV, PLD or RDP) on the actual events, so these conversions never decide an
epsilon that is reported.

* The Gaussian mechanism with noise multiplier ``z`` (std / L2 sensitivity) is
  ``1 / (2 z^2)``-zCDP (Bun & Steinke 2016, "Concentrated Differential Privacy:
  Simplifications, Extensions, and Lower Bounds", Prop. 1.6).
* ``rho``-zCDP implies ``(rho + 2 sqrt(rho ln(1/delta)), delta)``-DP (ibid., Prop. 1.3), so
  the ``rho`` whose conversion is exactly ``epsilon`` is ``(sqrt(eps + L) - sqrt(L))^2`` with
  ``L = ln(1/delta)``.
"""

from __future__ import annotations

import math

from privacy.errors import PrivacyBudgetError

__all__ = ["gaussian_multiplier_for_rho", "rho_for_epsilon"]


def rho_for_epsilon(epsilon: float, delta: float) -> float:
    """The zCDP ``rho`` whose standard conversion gives exactly (epsilon, delta)."""
    if not (math.isfinite(epsilon) and epsilon > 0 and 0 < delta < 1):
        raise PrivacyBudgetError("rho_for_epsilon needs epsilon > 0 and delta in (0, 1)")
    log_term = math.log(1.0 / delta)
    return (math.sqrt(epsilon + log_term) - math.sqrt(log_term)) ** 2


def gaussian_multiplier_for_rho(rho: float) -> float:
    """The noise multiplier ``z`` of a Gaussian mechanism that is ``rho``-zCDP:
    ``z = 1 / sqrt(2 rho)``."""
    if not (math.isfinite(rho) and rho > 0):
        raise PrivacyBudgetError("rho must be a finite number > 0")
    return 1.0 / math.sqrt(2.0 * rho)
