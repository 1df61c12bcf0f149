"""Singling out, linkability and inference: the Article 29 Working Party attacks (Opinion
05/2014, WP216) on a synthetic release, after Giomi et al. (2023), "A Unified Framework
for Quantifying Privacy Risk in Synthetic Data", PoPETs 2023, and statice/anonymeter.

Our own implementation (anonymeter is not a dependency). Each attack takes the training rows
``ori`` (the targets), the release ``syn`` and held-out ``control`` rows, all keyword-only with
``n_attacks`` and ``rng``, and returns a :class:`PrivacyAttackResult`: attack, baseline and
control success rates with Wilson intervals and the residual risk over the control. Measures
only; no thresholds.
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType

from audit.anonymity.inference import DEFAULT_TOLERANCE, inference_attack, inference_guess_correct
from audit.anonymity.linkability import linkability_attack
from audit.anonymity.results import (
    AnonymityAttack,
    ColumnKind,
    ParameterValue,
    PrivacyAttackResult,
    SinglingOutMode,
    residual_risk,
    residual_success,
    wilson_rate,
)
from audit.anonymity.singling_out import (
    Condition,
    Predicate,
    PredicateOp,
    count_matches,
    singling_out_attack,
    singling_out_predicates,
)

#: The attack function for each risk. Their attack-specific keywords differ (``mode``,
#: ``aux_cols``, ``secret``), so callers pass those by name.
ANONYMITY_ATTACKS: Mapping[AnonymityAttack, Callable[..., PrivacyAttackResult]] = MappingProxyType(
    {
        AnonymityAttack.SINGLING_OUT: singling_out_attack,
        AnonymityAttack.LINKABILITY: linkability_attack,
        AnonymityAttack.INFERENCE: inference_attack,
    }
)

__all__ = [
    "ANONYMITY_ATTACKS",
    "DEFAULT_TOLERANCE",
    "AnonymityAttack",
    "ColumnKind",
    "Condition",
    "ParameterValue",
    "Predicate",
    "PredicateOp",
    "PrivacyAttackResult",
    "SinglingOutMode",
    "count_matches",
    "inference_attack",
    "inference_guess_correct",
    "linkability_attack",
    "residual_risk",
    "residual_success",
    "singling_out_attack",
    "singling_out_predicates",
    "wilson_rate",
]
