"""Empirical lower bounds on epsilon from privacy audits.

A differential-privacy guarantee is a claim about every pair of neighbouring inputs; an audit
runs an attack and turns its measured success into a statistically valid *lower* bound on the
epsilon of the mechanism it attacked. A bound above the claimed epsilon means the claim (or its
implementation) is wrong; a bound well below it means only that this attack could not show more.
The bound never certifies privacy.

Two audits are implemented:

* the one-run audit of Steinke, Nasr & Jagielski (2023), "Privacy Auditing with One (1) Training
  Run", NeurIPS 2023, Theorem 5.2 and its p-value algorithm with delta (their Algorithm 2 in the
  appendix): m canaries, each included independently with probability 1/2, one run of the
  mechanism, and guesses of which canaries were included;
* the Clopper-Pearson audit of Jagielski, Ullman & Oprea (2020), "Auditing Differentially Private
  Machine Learning: How Private is Private SGD?", NeurIPS 2020, Section 3 (as computed in
  tensorflow/privacy research/audit_2020/audit.py): many runs with and without a target, a fixed
  threshold on an attack score, and exact binomial intervals on the true- and false-positive
  rates.

Measures only (no verdict); imports ``privacy`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral, Real
from typing import Any

import numpy as np
from scipy import stats

from privacy.errors import InvalidInputError, join_problems
from privacy.estimate import clopper_pearson_interval

#: Bisection steps of :func:`one_run_epsilon_lower_bound`, at the least.
MIN_BISECTION_STEPS = 40
#: Width of the final bisection bracket (the bound is the bracket's lower end, so it errs low).
BISECTION_TOLERANCE = 1e-9
#: Upper end beyond which the search for a rejected-no-more epsilon gives up (e^700 ~ 1e304).
_EPS_SEARCH_CAP = 700.0
#: Relative slack of :meth:`EmpiricalEpsilon.exceeds` (floating-point noise is not a violation).
EXCEEDS_RELATIVE_SLACK = 1e-9


class AuditMethod(StrEnum):
    """Which audit produced an empirical epsilon."""

    ONE_RUN = "one-run (Steinke et al. 2023)"
    CLOPPER_PEARSON = "clopper-pearson (Jagielski et al. 2020)"


def _is_int(x: object) -> bool:
    return isinstance(x, Integral) and not isinstance(x, bool)


def _is_real(x: object) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def _check_ints(problems: list[str], **values: object) -> bool:
    """Append a problem for each value that is not an integer; True when all are."""
    ok = True
    for name, value in values.items():
        if not _is_int(value):
            problems.append(f"{name} must be an integer (got {type(value).__name__})")
            ok = False
    return ok


def _check_delta(problems: list[str], delta: object) -> None:
    if not _is_real(delta) or not 0 <= float(delta) <= 1:  # type: ignore[arg-type]
        problems.append(f"delta must be a number in [0, 1] (got {delta!r})")


def _check_confidence(problems: list[str], confidence: object, name: str = "confidence") -> None:
    if not _is_real(confidence) or not 0 < float(confidence) < 1:  # type: ignore[arg-type]
        problems.append(f"{name} must be a number in (0, 1) (got {confidence!r})")


def _check_counts(problems: list[str], m: object, r: object, v: object | None = None) -> None:
    """``0 <= v <= r <= m`` and ``m >= 1`` (``v`` skipped when None)."""
    values: dict[str, object] = {"m": m, "r": r} if v is None else {"m": m, "r": r, "v": v}
    if not _check_ints(problems, **values):
        return
    m_, r_ = int(m), int(r)  # type: ignore[call-overload]
    if m_ < 1:
        problems.append(f"m (the number of canaries) must be >= 1 (got {m_})")
    if not 0 <= r_ <= m_:
        problems.append(f"r (the number of guesses) must satisfy 0 <= r <= m (got r={r_}, m={m_})")
    if v is not None:
        v_ = int(v)  # type: ignore[call-overload]
        if not 0 <= v_ <= r_:
            problems.append(
                f"v (the number of correct guesses) must satisfy 0 <= v <= r (got v={v_}, r={r_})"
            )


# --------------------------------------------------------------------------------------------
# One-run audit (Steinke, Nasr & Jagielski 2023)
# --------------------------------------------------------------------------------------------


def _one_run_p_value(m: int, r: int, v: int, epsilon: float, delta: float) -> float:
    """Unchecked core of :func:`one_run_p_value`."""
    # e^eps / (1 + e^eps), written so that it does not overflow for large epsilon
    q = 1.0 / (1.0 + math.exp(-epsilon))
    beta = float(stats.binom.sf(v - 1, r, q))  # P[Binomial(r, q) >= v]
    alpha = 0.0
    if v > 0 and delta > 0:
        i = np.arange(1, v + 1)
        # sum_{j=1..i} P[Binomial(r, q) = v - j], for every i = 1..v
        tail = np.cumsum(stats.binom.pmf(v - i, r, q))
        alpha = float(np.max(tail / i))
    return min(1.0, beta + alpha * delta * 2 * m)


def one_run_p_value(*, m: int, r: int, v: int, epsilon: float, delta: float) -> float:
    """p-value of the hypothesis "the mechanism is (epsilon, delta)-DP" after a one-run audit.

    Steinke, Nasr & Jagielski (2023), Theorem 5.2 and their algorithm for the p-value with delta:
    ``m`` canaries were each included independently with probability 1/2, the auditor made ``r``
    guesses (abstaining on the other ``m - r``) as a function of the mechanism's output only, and
    ``v`` of them were correct. With ``q = e^eps / (1 + e^eps)``,
    ``beta = P[Binomial(r, q) >= v]`` and
    ``alpha = max_{i=1..v} (1/i) * sum_{j=1..i} P[Binomial(r, q) = v - j]``, the returned value is
    ``min(1, beta + alpha * delta * 2 m)``.

    Guarantee: if the mechanism is (epsilon, delta)-DP, the probability (over the canaries'
    inclusion and the mechanism's randomness) that this p-value is <= p is at most p, for every
    p in [0, 1]. With ``delta = 0`` it is the exact tail of randomised response, the worst case.

    Raises :class:`InvalidInputError` unless ``0 <= v <= r <= m``, ``m >= 1``, ``epsilon >= 0``
    (finite) and ``0 <= delta <= 1``.
    """
    problems: list[str] = []
    _check_counts(problems, m, r, v)
    if not _is_real(epsilon) or not (math.isfinite(epsilon) and epsilon >= 0):
        problems.append(f"epsilon must be a finite number >= 0 (got {epsilon!r})")
    _check_delta(problems, delta)
    if problems:
        raise InvalidInputError(join_problems(problems))
    return _one_run_p_value(int(m), int(r), int(v), float(epsilon), float(delta))


def one_run_epsilon_lower_bound(
    *, m: int, r: int, v: int, delta: float, confidence: float = 0.95
) -> float:
    """The largest epsilon that a one-run audit rejects at level ``1 - confidence``.

    Steinke, Nasr & Jagielski (2023), Section 5 (inverting Theorem 5.2): returns the largest
    epsilon at which :func:`one_run_p_value` is still below ``1 - confidence``, found by
    bisection (the upper end is grown until the p-value reaches ``1 - confidence``, then at least
    :data:`MIN_BISECTION_STEPS` halvings, to a bracket narrower than
    :data:`BISECTION_TOLERANCE`; the lower end of the bracket is returned, so rounding errs
    towards a smaller bound). Returns 0.0 when even epsilon = 0 is not rejected.

    Guarantee: if the mechanism is (epsilon, delta)-DP and the audit's assumptions hold (each
    canary included independently with probability 1/2; guesses a function of the output only),
    the returned bound exceeds epsilon with probability at most ``1 - confidence``.
    """
    problems: list[str] = []
    _check_counts(problems, m, r, v)
    _check_delta(problems, delta)
    _check_confidence(problems, confidence)
    if problems:
        raise InvalidInputError(join_problems(problems))
    m, r, v, delta = int(m), int(r), int(v), float(delta)
    level = 1.0 - float(confidence)

    def rejected(eps: float) -> bool:
        return _one_run_p_value(m, r, v, eps, delta) < level

    if not rejected(0.0):
        return 0.0
    lo, hi = 0.0, 1.0
    while rejected(hi):
        lo, hi = hi, 2.0 * hi
        if hi > _EPS_SEARCH_CAP:  # pragma: no cover - needs astronomically many canaries
            raise InvalidInputError(
                f"no epsilon below {_EPS_SEARCH_CAP} stops the audit rejecting; the counts "
                f"(m={m}, r={r}, v={v}) are beyond what this implementation can bound"
            )
    steps = max(MIN_BISECTION_STEPS, math.ceil(math.log2((hi - lo) / BISECTION_TOLERANCE)))
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if rejected(mid):
            lo = mid
        else:
            hi = mid
    return lo


def max_lower_bound(m: int, r: int, delta: float, confidence: float = 0.95) -> float:
    """The largest bound a one-run audit with ``m`` canaries and ``r`` guesses could ever give.

    It is :func:`one_run_epsilon_lower_bound` with every guess correct (``v = r``); report it
    beside a measured bound, since a measured bound near it says the audit, not the mechanism,
    was the limit (Steinke, Nasr & Jagielski 2023, Section 6, Figure 1).
    """
    return one_run_epsilon_lower_bound(m=m, r=r, v=r, delta=delta, confidence=confidence)


def _finite_1d(problems: list[str], name: str, values: Any, *, allow_inf: bool) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        problems.append(f"{name} must be numbers")
        return np.empty(0)
    if arr.ndim != 1:
        problems.append(f"{name} must be one-dimensional (got {arr.ndim} dimensions)")
        return np.empty(0)
    if np.isnan(arr).any():
        problems.append(f"{name} hold {int(np.isnan(arr).sum())} NaN value(s)")
    elif not allow_inf and np.isinf(arr).any():
        problems.append(f"{name} hold {int(np.isinf(arr).sum())} infinite value(s)")
    return arr


def one_run_audit(
    *,
    scores: Any,
    included: Any,
    n_guess_in: int,
    n_guess_out: int,
    delta: float,
    confidence: float = 0.95,
) -> EmpiricalEpsilon:
    """One-run audit (Steinke, Nasr & Jagielski 2023, Algorithm 1 and Theorem 5.2).

    ``scores[i]`` is the attack's score of canary ``i`` computed from the mechanism's output
    (higher = more likely included; +-inf allowed, NaN refused) and ``included[i]`` whether canary
    ``i`` was included (boolean, or 0/1). The auditor guesses "in" for the ``n_guess_in``
    highest-scoring canaries, "out" for the ``n_guess_out`` lowest-scoring ones and abstains on
    the rest. Canaries are ordered by decreasing score with ties broken by index (a stable sort),
    so the guesses are a deterministic function of the scores and the two groups never overlap
    (``n_guess_in + n_guess_out <= m`` is required).

    Validity rests on two assumptions this function cannot check: each canary was included
    independently with probability 1/2, and the guess counts ``n_guess_in`` and ``n_guess_out``
    were fixed in advance. Choosing them (or the scores) after looking at ``included`` — for
    example keeping the counts that gave the largest bound — makes the guesses depend on the
    labels and voids the guarantee of :func:`one_run_epsilon_lower_bound`.
    """
    problems: list[str] = []
    score_arr = _finite_1d(problems, "scores", scores, allow_inf=True)
    inc_raw = np.asarray(included)
    inc_arr: np.ndarray = np.empty(0, dtype=bool)
    if inc_raw.ndim != 1:
        problems.append(f"included must be one-dimensional (got {inc_raw.ndim} dimensions)")
    elif inc_raw.dtype == bool:
        inc_arr = inc_raw
    elif np.issubdtype(inc_raw.dtype, np.number) and np.isin(inc_raw, (0, 1)).all():
        inc_arr = inc_raw.astype(bool)
    else:
        problems.append("included must be booleans (or 0/1)")
    if score_arr.ndim == 1 and inc_raw.ndim == 1 and len(score_arr) != len(inc_raw):
        problems.append(
            f"scores and included must have the same length (got {len(score_arr)} and "
            f"{len(inc_raw)})"
        )
    m = len(score_arr)
    if m == 0 and not problems:
        problems.append("an audit needs at least one canary")
    if _check_ints(problems, n_guess_in=n_guess_in, n_guess_out=n_guess_out):
        if n_guess_in < 0 or n_guess_out < 0:
            problems.append(
                f"n_guess_in and n_guess_out must be >= 0 (got {n_guess_in} and {n_guess_out})"
            )
        elif n_guess_in + n_guess_out > m:
            problems.append(
                f"n_guess_in + n_guess_out must be <= the number of canaries, so that the 'in' "
                f"and 'out' guesses do not overlap (got {n_guess_in} + {n_guess_out} > {m})"
            )
    _check_delta(problems, delta)
    _check_confidence(problems, confidence)
    if problems:
        raise InvalidInputError(join_problems(problems))

    n_in, n_out = int(n_guess_in), int(n_guess_out)
    order = np.argsort(-score_arr, kind="stable")  # decreasing score, ties by increasing index
    guessed_in = order[:n_in]
    guessed_out = order[m - n_out :] if n_out > 0 else order[:0]
    v = int(inc_arr[guessed_in].sum()) + int((~inc_arr[guessed_out]).sum())
    r = n_in + n_out
    bound = one_run_epsilon_lower_bound(m=m, r=r, v=v, delta=delta, confidence=confidence)
    return EmpiricalEpsilon(
        method=AuditMethod.ONE_RUN,
        lower_bound=bound,
        confidence=float(confidence),
        delta=float(delta),
        n_canaries=m,
        n_guesses=r,
        n_correct=v,
    )


# --------------------------------------------------------------------------------------------
# Clopper-Pearson audit (Jagielski, Ullman & Oprea 2020)
# --------------------------------------------------------------------------------------------


def clopper_pearson_epsilon_lower_bound(
    *,
    true_positives: int,
    n_in: int,
    false_positives: int,
    n_out: int,
    delta: float = 0.0,
    alpha: float = 0.01,
) -> float:
    """Epsilon lower bound from an attack's true- and false-positive counts.

    Jagielski, Ullman & Oprea (2020), Section 3 (and tensorflow/privacy
    research/audit_2020/audit.py): ``p1`` is the Clopper-Pearson lower end of the true-positive
    rate ``true_positives / n_in`` and ``p0`` the upper end of the false-positive rate
    ``false_positives / n_out``, both of the two-sided ``1 - alpha`` interval (the ``alpha / 2``
    quantiles; statsmodels' ``proportion_confint(method="beta")``). If ``p0 + p1 > 1`` the
    complementary event is the stronger test and ``(p0, p1) = (1 - p1, 1 - p0)``. The bound is
    ``max(0, log((p1 - delta) / p0))``, and 0 when ``p1 <= delta``.

    Guarantee: (epsilon, delta)-DP implies ``TPR <= e^eps FPR + delta`` and
    ``1 - FPR <= e^eps (1 - TPR) + delta``; each interval misses with probability at most
    ``alpha / 2``, so the bound exceeds the true epsilon with probability at most ``alpha``
    provided the ``n_in + n_out`` trials are independent runs of the mechanism and the threshold
    was fixed before they were drawn.
    """
    problems: list[str] = []
    if _check_ints(
        problems,
        true_positives=true_positives,
        n_in=n_in,
        false_positives=false_positives,
        n_out=n_out,
    ):
        if n_in < 1 or n_out < 1:
            problems.append(f"n_in and n_out must be >= 1 (got {n_in} and {n_out})")
        if not 0 <= true_positives <= n_in:
            problems.append(
                f"true_positives must satisfy 0 <= true_positives <= n_in "
                f"(got {true_positives} of {n_in})"
            )
        if not 0 <= false_positives <= n_out:
            problems.append(
                f"false_positives must satisfy 0 <= false_positives <= n_out "
                f"(got {false_positives} of {n_out})"
            )
    _check_delta(problems, delta)
    if not _is_real(alpha) or not 0 < float(alpha) < 1:
        problems.append(f"alpha must be a number in (0, 1) (got {alpha!r})")
    if problems:
        raise InvalidInputError(join_problems(problems))

    level = 1.0 - float(alpha)
    p1, _ = clopper_pearson_interval(int(true_positives), int(n_in), confidence=level)
    _, p0 = clopper_pearson_interval(int(false_positives), int(n_out), confidence=level)
    if p0 + p1 > 1:
        p0, p1 = 1.0 - p1, 1.0 - p0
    if p1 - float(delta) <= 0:
        return 0.0
    if p0 <= 0:  # pragma: no cover - the exact upper end is > 0 for any n_out below ~1e16
        raise InvalidInputError(
            "the false-positive bound rounded to 0; the counts are too large to bound"
        )
    return max(0.0, math.log((p1 - float(delta)) / p0))


def threshold_audit(
    *,
    in_scores: Any,
    out_scores: Any,
    threshold: float,
    delta: float = 0.0,
    alpha: float = 0.01,
) -> EmpiricalEpsilon:
    """Clopper-Pearson audit of a thresholded attack (Jagielski, Ullman & Oprea 2020, Alg. 2).

    ``in_scores`` are the attack's scores on runs with the target included, ``out_scores`` on
    runs without it; the attack guesses "in" when ``score >= threshold``. Every run gets a guess,
    so ``n_guesses = n_canaries = n_in + n_out`` and ``n_correct = TP + (n_out - FP)``. The bound
    is :func:`clopper_pearson_epsilon_lower_bound` at confidence ``1 - alpha``.

    The threshold must be chosen on other data than these scores (e.g. a separate set of runs):
    picking it to maximise the bound on the same scores makes it depend on them and the stated
    confidence no longer holds. NaN scores and a non-finite threshold are refused.
    """
    problems: list[str] = []
    ins = _finite_1d(problems, "in_scores", in_scores, allow_inf=True)
    outs = _finite_1d(problems, "out_scores", out_scores, allow_inf=True)
    if not problems and (len(ins) == 0 or len(outs) == 0):
        problems.append(
            f"an audit needs runs with and without the target (got {len(ins)} and {len(outs)})"
        )
    if not _is_real(threshold) or not math.isfinite(threshold):
        problems.append(f"threshold must be a finite number (got {threshold!r})")
    _check_delta(problems, delta)
    if not _is_real(alpha) or not 0 < float(alpha) < 1:
        problems.append(f"alpha must be a number in (0, 1) (got {alpha!r})")
    if problems:
        raise InvalidInputError(join_problems(problems))

    tp = int((ins >= threshold).sum())
    fp = int((outs >= threshold).sum())
    n_in, n_out = len(ins), len(outs)
    bound = clopper_pearson_epsilon_lower_bound(
        true_positives=tp, n_in=n_in, false_positives=fp, n_out=n_out, delta=delta, alpha=alpha
    )
    return EmpiricalEpsilon(
        method=AuditMethod.CLOPPER_PEARSON,
        lower_bound=bound,
        confidence=1.0 - float(alpha),
        delta=float(delta),
        n_canaries=n_in + n_out,
        n_guesses=n_in + n_out,
        n_correct=tp + (n_out - fp),
        n_in=n_in,
        n_out=n_out,
        true_positives=tp,
        false_positives=fp,
    )


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------

_CP_FIELDS = ("n_in", "n_out", "true_positives", "false_positives")


@dataclass(frozen=True)
class EmpiricalEpsilon:
    """An empirical lower bound on epsilon and the counts it rests on; no verdict.

    ``lower_bound`` holds with probability ``confidence`` under the audit's assumptions, for the
    stated ``delta`` (see :func:`one_run_epsilon_lower_bound` and
    :func:`clopper_pearson_epsilon_lower_bound`). ``n_canaries`` is m (one-run) or
    ``n_in + n_out`` (Clopper-Pearson); ``n_guesses`` is r; ``n_correct`` is v. The
    Clopper-Pearson counts ``n_in``, ``n_out``, ``true_positives`` and ``false_positives`` are
    set for that method and None for the one-run audit.
    """

    method: AuditMethod
    lower_bound: float
    confidence: float
    delta: float
    n_canaries: int
    n_guesses: int
    n_correct: int
    n_in: int | None = None
    n_out: int | None = None
    true_positives: int | None = None
    false_positives: int | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.method, AuditMethod):
            problems.append("method must be an AuditMethod")
        if not _is_real(self.lower_bound) or not (
            math.isfinite(self.lower_bound) and self.lower_bound >= 0
        ):
            problems.append(f"lower_bound must be a finite number >= 0 (got {self.lower_bound!r})")
        _check_confidence(problems, self.confidence)
        _check_delta(problems, self.delta)
        counts_ok = _check_ints(
            problems, n_canaries=self.n_canaries, n_guesses=self.n_guesses, n_correct=self.n_correct
        )
        if counts_ok and not (
            self.n_canaries >= 1 and 0 <= self.n_correct <= self.n_guesses <= self.n_canaries
        ):
            problems.append(
                "counts must satisfy 0 <= n_correct <= n_guesses <= n_canaries and n_canaries >= 1 "
                f"(got {self.n_correct}, {self.n_guesses}, {self.n_canaries})"
            )
        cp = {name: getattr(self, name) for name in _CP_FIELDS}
        if self.method is AuditMethod.ONE_RUN:
            set_fields = [name for name, value in cp.items() if value is not None]
            if set_fields:
                problems.append(
                    f"a one-run result has no {', '.join(set_fields)} (Clopper-Pearson counts)"
                )
        elif self.method is AuditMethod.CLOPPER_PEARSON:
            if None in cp.values():
                missing = [name for name, value in cp.items() if value is None]
                problems.append(f"a Clopper-Pearson result needs {', '.join(missing)}")
            elif _check_ints(problems, **cp) and counts_ok:
                n_in, n_out = int(cp["n_in"]), int(cp["n_out"])
                tp, fp = int(cp["true_positives"]), int(cp["false_positives"])
                if not (0 <= tp <= n_in and 0 <= fp <= n_out and n_in >= 1 and n_out >= 1):
                    problems.append(
                        "Clopper-Pearson counts must satisfy 0 <= true_positives <= n_in, "
                        "0 <= false_positives <= n_out, n_in >= 1 and n_out >= 1"
                    )
                elif n_in + n_out != self.n_canaries or self.n_guesses != self.n_canaries:
                    problems.append(
                        "a Clopper-Pearson result guesses on every run: n_canaries and n_guesses "
                        "must both equal n_in + n_out"
                    )
                elif self.n_correct != tp + n_out - fp:
                    problems.append("n_correct must equal true_positives + n_out - false_positives")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def tightness(self, claimed_epsilon: float) -> float | None:
        """``lower_bound / claimed_epsilon``: how much of the claim this audit could confirm.

        Near 1, the audit shows the claim is (nearly) tight; above 1, the claim is violated (see
        :meth:`exceeds`). None when the claim is <= 0 or infinite (no meaningful ratio).
        Raises :class:`InvalidInputError` for a NaN or non-numeric claim.
        """
        claimed = _claimed(claimed_epsilon)
        if claimed <= 0 or math.isinf(claimed):
            return None
        return self.lower_bound / claimed

    def exceeds(self, claimed_epsilon: float) -> bool:
        """Whether the lower bound is above the claimed epsilon (beyond floating-point noise:
        ``lower_bound > claimed * (1 + 1e-9)``), i.e. the audit refutes the claim at the stated
        confidence. Raises :class:`InvalidInputError` for a NaN, negative or non-numeric
        claim; an infinite claim is never exceeded."""
        claimed = _claimed(claimed_epsilon)
        if claimed < 0:
            raise InvalidInputError(f"claimed_epsilon must be >= 0 (got {claimed})")
        return self.lower_bound > claimed * (1 + EXCEEDS_RELATIVE_SLACK)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (str, int, float, None)."""

        def opt(x: int | None) -> int | None:
            return None if x is None else int(x)

        return {
            "method": self.method.value,
            "lower_bound": float(self.lower_bound),
            "confidence": float(self.confidence),
            "delta": float(self.delta),
            "n_canaries": int(self.n_canaries),
            "n_guesses": int(self.n_guesses),
            "n_correct": int(self.n_correct),
            "n_in": opt(self.n_in),
            "n_out": opt(self.n_out),
            "true_positives": opt(self.true_positives),
            "false_positives": opt(self.false_positives),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmpiricalEpsilon:
        def opt(key: str) -> int | None:
            value = data.get(key)
            return None if value is None else int(value)

        try:
            method = AuditMethod(data["method"])
        except ValueError as err:
            raise InvalidInputError(f"unknown audit method {data['method']!r}") from err
        return cls(
            method=method,
            lower_bound=float(data["lower_bound"]),
            confidence=float(data["confidence"]),
            delta=float(data["delta"]),
            n_canaries=int(data["n_canaries"]),
            n_guesses=int(data["n_guesses"]),
            n_correct=int(data["n_correct"]),
            n_in=opt("n_in"),
            n_out=opt("n_out"),
            true_positives=opt("true_positives"),
            false_positives=opt("false_positives"),
        )


def _claimed(claimed_epsilon: object) -> float:
    if not _is_real(claimed_epsilon) or math.isnan(claimed_epsilon):  # type: ignore[arg-type]
        raise InvalidInputError(f"claimed_epsilon must be a number (got {claimed_epsilon!r})")
    return float(claimed_epsilon)  # type: ignore[arg-type]
