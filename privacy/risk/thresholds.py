"""Risk thresholds and the class size each one implies; the sampling fraction's check.

A threshold t on the re-identification probability of a record corresponds to a minimum class
size k: a record in a class of size f has prosecutor risk 1/f. Tools disagree at the boundary
(is a class of size 11 acceptable at t = 0.09, when 1/11 = 0.0909?). Clearance applies ARX's
convention and says so in every output (ARX ``reliability/ParameterTranslation.java``):

    k = floor(1/t), plus 1 when 1/floor(1/t) - t >= 0.01 t

that is, a class whose risk overshoots the threshold by at least 1% of it does not count as
meeting it. So 0.09 gives k = 12, 0.05 gives k = 20, 0.2 gives k = 5 and 0.33 gives k = 4.
"""

from __future__ import annotations

import math
import numbers

from privacy.errors import InvalidInputError

#: The relative precision of ARX's translation (``RELATIVE_THRESHOLD_PRECISION``).
RELATIVE_THRESHOLD_PRECISION = 0.01

THRESHOLD_CONVENTION = (
    "ARX: a risk threshold t means a minimum class size k = floor(1/t), plus 1 when "
    "1/floor(1/t) exceeds t by at least 1% of t (0.09 gives k = 12); a record is at risk when "
    "its re-identification probability is strictly above t"
)


def check_threshold(threshold: float, *, name: str = "risk threshold") -> float:
    """``threshold`` as a float after checking it is a probability in (0, 1]."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name} must be a number in (0, 1]") from None
    if not (math.isfinite(value) and 0 < value <= 1):
        raise InvalidInputError(
            f"{name} must be a probability in (0, 1] (got {value}); e.g. 0.09 for public "
            "release, 0.2 for sharing under a data-use agreement"
        )
    return value


def k_for_threshold(threshold: float) -> int:
    """The minimum class size k that a risk threshold implies, by ARX's convention (module
    docstring). ``k_for_threshold(0.09) == 12``."""
    t = check_threshold(threshold)
    size = 1.0 / t
    k = math.floor(size)
    if 1.0 / k - t >= RELATIVE_THRESHOLD_PRECISION * t:
        k += 1
    return int(k)


def sampling_fraction_problems(sampling_fraction: object) -> list[str]:
    """What is wrong with a sampling fraction (empty when it is a real number in (0, 1])."""
    if (
        isinstance(sampling_fraction, bool)
        or not isinstance(sampling_fraction, numbers.Real)
        or not (math.isfinite(float(sampling_fraction)) and 0 < float(sampling_fraction) <= 1)
    ):
        return [
            "the sampling fraction (sampling_fraction) must be a number in (0, 1]: the share of "
            "the population that the table holds, e.g. 0.01 for a 1% sample; 1 means the table "
            "is the whole population"
        ]
    return []


def check_sampling_fraction(sampling_fraction: object) -> float | None:
    """``sampling_fraction`` as a float in (0, 1], or None; refuses anything else."""
    if sampling_fraction is None:
        return None
    problems = sampling_fraction_problems(sampling_fraction)
    if problems:
        raise InvalidInputError(problems[0])
    return float(sampling_fraction)  # type: ignore[arg-type]
