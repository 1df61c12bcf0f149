"""Results of the Article 29 Working Party attacks on a synthetic release, and their statistics.

The three risks of Opinion 05/2014 on anonymisation techniques (WP216) are measured as
attacks in the framework of Giomi et al. (2023), "A Unified Framework for Quantifying Privacy
Risk in Synthetic Data", PoPETs 2023, the method of statice/anonymeter. Every attack is run
three times:

- against ``ori``, the real rows the generator was trained on (the *attack*);
- against ``control``, real rows from the same population the generator never saw (the
  *control*): what the release teaches about anyone, member or not;
- as a random-guessing attacker against ``ori`` (the *baseline*): the attack is only informative
  when it does better than that.

The **residual risk** ``(attack - control) / (1 - control)``, clipped at 0, is the share of the
attacker's room for improvement over the control that is explained by the targets having been
in the training data. This module computes it exactly as anonymeter's ``stats/confidence.py``
does (``success_rate``, ``residual_success``, ``bind_value``): from the Wilson centres of the two
rates, with the Wilson half-widths propagated to first order, and the result clipped to
[0, 1]. A result measures; it never judges, and it holds counts and rates only, never a value
from a table (invariant 6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from scipy import stats

from audit.results import estimate_dict
from privacy.errors import InvalidInputError, join_problems
from privacy.estimate import Estimate, IntervalMethod

#: A parameter of an attack: a column name, a number or a choice; never a value from a table.
ParameterValue = str | int | float | bool | tuple[str, ...] | tuple[tuple[str, ...], ...]

_BASELINE_NOTE = (
    "The attack did not beat its random-guessing baseline (the attack rate's interval does not "
    "lie above the baseline's): it is too weak to conclude anything, and a low residual risk "
    "here is not evidence of privacy."
)
_CONTROL_NOTE = (
    "Every control attack succeeded: the residual risk cannot separate members from the "
    "population and is not informative."
)


class AnonymityAttack(StrEnum):
    """The three risks of Article 29 Working Party Opinion 05/2014 (WP216)."""

    SINGLING_OUT = "singling out"
    LINKABILITY = "linkability"
    INFERENCE = "inference"


class SinglingOutMode(StrEnum):
    """How singling-out predicates are built from the synthetic table."""

    UNIVARIATE = "univariate"  # one column: rare values, extremes, a lone missing value
    MULTIVARIATE = "multivariate"  # n_cols columns taken from one synthetic record


class ColumnKind(StrEnum):
    """How a column is compared: numbers by distance, categories by equality."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"


# ---------------------------------------------------------------------------------------------
# Statistics (anonymeter, stats/confidence.py)


def wilson_rate(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Centre and half-width of the Wilson (1927) score interval for ``successes`` of ``n``.

    ``centre = (s + z^2/2) / (n + z^2)``, ``half = z / (n + z^2) * sqrt(s (n - s) / n + z^2 / 4)``
    with ``z`` the two-sided normal quantile. The centre is anonymeter's point estimate of a
    success rate (``success_rate``): it shrinks towards 1/2 and is never exactly 0 or 1 for
    ``confidence > 0``. The interval is the one :func:`privacy.estimate.wilson_interval` gives.
    ``confidence`` may be 0 (``z = 0``: the raw rate, no error), as in anonymeter's tests.
    """
    if isinstance(n, bool) or isinstance(successes, bool):
        raise InvalidInputError("successes and n must be integers, not booleans")
    if n <= 0 or not 0 <= successes <= n:
        raise InvalidInputError(
            f"a success rate needs n > 0 and 0 <= successes <= n (got {successes} of {n})"
        )
    if not 0 <= confidence < 1:
        raise InvalidInputError(f"confidence must be in [0, 1) (got {confidence})")
    z = float(stats.norm.ppf(0.5 * (1.0 + confidence)))
    z2 = z * z
    centre = (successes + 0.5 * z2) / (n + z2)
    half = z / (n + z2) * math.sqrt(successes * (n - successes) / n + 0.25 * z2)
    return centre, half


def residual_success(
    attack_rate: float, attack_error: float, control_rate: float, control_error: float
) -> tuple[float, float]:
    """Residual success ``(a - c) / (1 - c)`` and its first-order propagated error, unclipped.

    ``error = sqrt((e_a / (1 - c))^2 + (e_c (a - 1) / (1 - c)^2)^2)``: the partial derivatives of
    the ratio with respect to ``a`` and ``c`` times the two errors, added in quadrature
    (anonymeter's ``residual_success``; Giomi et al. 2023). Negative when the control was
    easier to attack than the targets. Undefined at ``c = 1``.
    """
    problems = []
    for name, value in (("attack_rate", attack_rate), ("control_rate", control_rate)):
        if not (math.isfinite(value) and 0 <= value <= 1):
            problems.append(f"{name} must be in [0, 1] (got {value})")
    for name, value in (("attack_error", attack_error), ("control_error", control_error)):
        if not (math.isfinite(value) and value >= 0):
            problems.append(f"{name} must be finite and >= 0 (got {value})")
    if not problems and control_rate >= 1:
        problems.append("the residual is undefined when the control rate is 1")
    if problems:
        raise InvalidInputError(join_problems(problems))
    margin = 1.0 - control_rate
    value = (attack_rate - control_rate) / margin
    d_attack = 1.0 / margin
    d_control = (attack_rate - 1.0) / margin**2
    error = math.sqrt((attack_error * d_attack) ** 2 + (control_error * d_control) ** 2)
    return value, error


def residual_risk(
    *,
    attack_successes: int,
    attack_trials: int,
    control_successes: int,
    control_trials: int,
    confidence: float = 0.95,
) -> Estimate:
    """Residual risk of an attack over its control, as an :class:`Estimate` in [0, 1].

    The Wilson centres and half-widths of the two rates (:func:`wilson_rate`) go through
    :func:`residual_success`; value and interval ``value -+ error`` are then clipped to [0, 1]
    (anonymeter's ``bind_value``), so a negative residual reads as 0 with an interval that
    starts at 0. ``n`` is the number of attacks on both tables together. The interval is a
    first-order error propagation of two Wilson intervals, not a Wilson interval itself, and its
    ``method`` (WILSON_RESIDUAL) says so.
    """
    if not 0 < confidence < 1:
        raise InvalidInputError(f"confidence must be in (0, 1) (got {confidence})")
    a, ea = wilson_rate(attack_successes, attack_trials, confidence=confidence)
    c, ec = wilson_rate(control_successes, control_trials, confidence=confidence)
    value, error = residual_success(a, ea, c, ec)

    def clip(x: float) -> float:
        return min(max(x, 0.0), 1.0)

    return Estimate(
        clip(value),
        clip(value - error),
        clip(value + error),
        attack_trials + control_trials,
        IntervalMethod.WILSON_RESIDUAL,
        confidence,
    )


# ---------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class PrivacyAttackResult:
    """The measured success of one singling-out, linkability or inference attack; no verdict.

    - ``parameters``: the attack's settings as ``(name, value)`` pairs: column *names*, numbers
      and choices only, never a value from a table.
    - ``n_attacks``: the number of attacks asked for. ``attack_trials`` may be smaller for
      singling out, where each trial is one predicate the synthetic table yielded.
    - ``attack_rate`` / ``baseline_rate`` / ``control_rate``: ``successes / trials`` of the
      attack on the training rows, of the random-guessing attacker, and of the attack on the
      control rows, each with a Wilson interval (:meth:`Estimate.proportion`).
    - ``residual_risk``: see :func:`residual_risk`; must equal what it gives for these counts.
    - ``beats_baseline``: whether the attack beat random guessing (see that property).
    """

    attack: AnonymityAttack
    parameters: tuple[tuple[str, ParameterValue], ...]
    n_attacks: int
    attack_successes: int
    attack_trials: int
    attack_rate: Estimate
    baseline_successes: int
    baseline_trials: int
    baseline_rate: Estimate
    control_successes: int
    control_trials: int
    control_rate: Estimate
    residual_risk: Estimate
    notes: str = ""

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.attack, AnonymityAttack):
            problems.append("attack must be an AnonymityAttack")
        problems.extend(_parameter_problems(self.parameters))
        if isinstance(self.n_attacks, bool) or not isinstance(self.n_attacks, int):
            problems.append("n_attacks must be an integer")
        elif self.n_attacks < 1:
            problems.append(f"n_attacks must be >= 1 (got {self.n_attacks})")
        arms_ok = True
        for arm in ("attack", "baseline", "control"):
            successes = getattr(self, f"{arm}_successes")
            trials = getattr(self, f"{arm}_trials")
            rate: Estimate = getattr(self, f"{arm}_rate")
            if any(isinstance(x, bool) or not isinstance(x, int) for x in (successes, trials)):
                problems.append(f"{arm} counts must be integers")
                arms_ok = False
                continue
            if trials < 1 or not 0 <= successes <= trials:
                problems.append(
                    f"{arm} needs trials >= 1 and 0 <= successes <= trials (got {successes} of "
                    f"{trials})"
                )
                arms_ok = False
                continue
            if rate.n != trials or not math.isclose(rate.value, successes / trials, abs_tol=1e-12):
                problems.append(f"{arm}_rate does not match {successes} of {trials}")
            if rate.method is not IntervalMethod.WILSON:
                problems.append(f"{arm}_rate must carry a Wilson interval")
        confidences = {
            e.confidence
            for e in (self.attack_rate, self.baseline_rate, self.control_rate, self.residual_risk)
        }
        if len(confidences) != 1:
            problems.append("all four estimates must share one confidence level")
        if arms_ok and not problems:
            expected = residual_risk(
                attack_successes=self.attack_successes,
                attack_trials=self.attack_trials,
                control_successes=self.control_successes,
                control_trials=self.control_trials,
                confidence=self.residual_risk.confidence,
            )
            got = self.residual_risk
            if got.n != expected.n or any(
                not math.isclose(getattr(got, f), getattr(expected, f), abs_tol=1e-9)
                for f in ("value", "lower", "upper")
            ):
                problems.append("residual_risk does not match the attack and control counts")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @classmethod
    def from_counts(
        cls,
        *,
        attack: AnonymityAttack,
        parameters: tuple[tuple[str, ParameterValue], ...],
        n_attacks: int,
        attack_successes: int,
        baseline_successes: int,
        control_successes: int,
        attack_trials: int | None = None,
        baseline_trials: int | None = None,
        control_trials: int | None = None,
        confidence: float = 0.95,
        notes: tuple[str, ...] = (),
    ) -> PrivacyAttackResult:
        """Build a result from its counts: Wilson intervals, the residual risk, and notes that
        say when the attack did not beat its baseline or the control always succeeded. Each
        trial count defaults to ``n_attacks`` (one guess per attack)."""
        attack_trials = n_attacks if attack_trials is None else attack_trials
        baseline_trials = n_attacks if baseline_trials is None else baseline_trials
        control_trials = n_attacks if control_trials is None else control_trials
        counts = (
            attack_successes,
            attack_trials,
            baseline_successes,
            baseline_trials,
            control_successes,
            control_trials,
        )
        a, at, b, bt, c, ct = (int(x) for x in counts)
        rates = [
            Estimate.proportion(s, t, confidence=confidence) for s, t in ((a, at), (b, bt), (c, ct))
        ]
        risk = residual_risk(
            attack_successes=a,
            attack_trials=at,
            control_successes=c,
            control_trials=ct,
            confidence=confidence,
        )
        all_notes = list(notes)
        if not rates[0].lower > rates[1].upper:
            all_notes.append(_BASELINE_NOTE)
        if c == ct:
            all_notes.append(_CONTROL_NOTE)
        return cls(
            attack=attack,
            parameters=parameters,
            n_attacks=n_attacks,
            attack_successes=a,
            attack_trials=at,
            attack_rate=rates[0],
            baseline_successes=b,
            baseline_trials=bt,
            baseline_rate=rates[1],
            control_successes=c,
            control_trials=ct,
            control_rate=rates[2],
            residual_risk=risk,
            notes=" ".join(all_notes),
        )

    @property
    def beats_baseline(self) -> bool:
        """Whether the attack did better than random guessing: the attack rate's Wilson interval
        lies wholly above the baseline's.

        Stricter than anonymeter, which compares the two point estimates and warns when
        ``attack <= baseline`` ("analysis results cannot be trusted"). When this is False the
        attack is too weak to conclude anything: a low residual risk is then no evidence that
        the release is safe.
        """
        return self.attack_rate.lower > self.baseline_rate.upper

    @property
    def parameter_dict(self) -> dict[str, ParameterValue]:
        return dict(self.parameters)

    @property
    def label(self) -> str:
        """A short name that tells results of one kind apart: ``singling out (multivariate)``,
        ``linkability``, ``inference of diagnosis``."""
        params = self.parameter_dict
        if self.attack is AnonymityAttack.INFERENCE and "secret" in params:
            return f"inference of {params['secret']}"
        if self.attack is AnonymityAttack.SINGLING_OUT and "mode" in params:
            return f"singling out ({params['mode']})"
        return str(self.attack.value)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only; counts, rates and column names, never a value from a table."""
        return {
            "attack": self.attack.value,
            "parameters": {k: _plain(v) for k, v in self.parameters},
            "n_attacks": int(self.n_attacks),
            "attack_successes": int(self.attack_successes),
            "attack_trials": int(self.attack_trials),
            "attack_rate": estimate_dict(self.attack_rate),
            "baseline_successes": int(self.baseline_successes),
            "baseline_trials": int(self.baseline_trials),
            "baseline_rate": estimate_dict(self.baseline_rate),
            "control_successes": int(self.control_successes),
            "control_trials": int(self.control_trials),
            "control_rate": estimate_dict(self.control_rate),
            "residual_risk": estimate_dict(self.residual_risk),
            "beats_baseline": self.beats_baseline,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrivacyAttackResult:
        return cls(
            attack=AnonymityAttack(data["attack"]),
            parameters=tuple((str(k), _from_plain(v)) for k, v in data["parameters"].items()),
            n_attacks=int(data["n_attacks"]),
            attack_successes=int(data["attack_successes"]),
            attack_trials=int(data["attack_trials"]),
            attack_rate=Estimate.from_dict(data["attack_rate"]),
            baseline_successes=int(data["baseline_successes"]),
            baseline_trials=int(data["baseline_trials"]),
            baseline_rate=Estimate.from_dict(data["baseline_rate"]),
            control_successes=int(data["control_successes"]),
            control_trials=int(data["control_trials"]),
            control_rate=Estimate.from_dict(data["control_rate"]),
            residual_risk=Estimate.from_dict(data["residual_risk"]),
            notes=str(data.get("notes", "")),
        )


def _parameter_problems(parameters: Any) -> list[str]:
    if not isinstance(parameters, tuple):
        return ["parameters must be a tuple of (name, value) pairs"]
    problems: list[str] = []
    names = [p[0] for p in parameters if isinstance(p, tuple) and len(p) == 2]
    if len(names) != len(parameters):
        return ["parameters must be a tuple of (name, value) pairs"]
    if len(set(names)) != len(names):
        problems.append("parameter names must be unique")
    for name, value in parameters:
        if not isinstance(name, str) or not name:
            problems.append("parameter names must be non-empty strings")
        elif not _allowed_value(value):
            problems.append(
                f"parameter {name!r} must be a number, a string, or a tuple of column names"
            )
    return problems


def _allowed_value(value: Any) -> bool:
    if isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, tuple):
        return all(isinstance(v, str) for v in value) or all(
            isinstance(v, tuple) and all(isinstance(s, str) for s in v) for v in value
        )
    return False


def _plain(value: ParameterValue) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _from_plain(value: Any) -> ParameterValue:
    if isinstance(value, list):
        return tuple(_from_plain(v) for v in value)  # type: ignore[return-value]
    return value  # type: ignore[no-any-return]
