"""Choosing DP-SGD's logical batch size before training: what each candidate costs in noise.

For ``n`` protected units, a target (epsilon, delta) and an epoch budget, :func:`plan_batch_size`
tabulates, per candidate logical batch size ``B``, exactly what the trainer
(:class:`synth.generator.DPGenerator`) would run and account:

* ``steps_per_epoch = ceil(n / B)`` and the Poisson sample rate ``q = 1 / steps_per_epoch``
  (Opacus' ``DPDataLoader`` derives ``q = 1 / len(loader)`` from a loader of batch size ``B``);
  the expected batch is ``n q <= B``; ``steps = epochs * steps_per_epoch``;
* the noise multiplier ``sigma`` from :func:`privacy.accounting.calibrate_noise_multiplier`
  for those ``steps`` at rate ``q`` (PRV by default), and the epsilon it spends (<= target);
* the **noise-to-signal ratio per step**, ``sigma / (n q)``: DP-SGD adds Gaussian noise of std
  ``sigma C`` to the sum of the clipped per-sample gradients (clipping norm ``C``) and divides by
  the expected batch ``n q``, so ``sigma / (n q)`` is the std of the noise on the averaged
  gradient in units of ``C`` (Abadi et al. 2016, Algorithm 1). The clipped signal is at most
  ``C``, so this is noise per unit of the largest possible signal: lower is better. At a fixed
  epoch budget a larger batch needs a larger ``sigma`` but divides it by more samples; sigma
  grows more slowly than ``B``, so the ratio usually falls as ``B`` grows (while the number of
  steps, the optimiser's iterations, falls too: hence ``min_steps``);
* optionally the peak memory of per-sample gradients, and a suggested learning rate.

The default choice is the candidate with the smallest noise-to-signal among those with at least
``min_steps`` steps (ties: the larger batch); when none has that many steps, the one with the
most steps. Planning reads nothing but ``n``: it spends no privacy budget, but ``n`` itself is
then treated as public (it is printed and recorded).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from privacy.accounting.accountant import (
    AccountantKind,
    SubsampledGaussianEvent,
    calibrate_noise_multiplier,
    epsilon_for,
)
from privacy.accounting.budget import Budget, PrivacyUnit
from privacy.accounting.prv import DEFAULT_EPS_ERROR
from privacy.errors import InvalidInputError, PrivacyBudgetError, join_problems

__all__ = [
    "BYTES_PER_GRADIENT_VALUE",
    "MAX_UNITS_SEARCHED",
    "BatchPlan",
    "BatchPlanInputs",
    "BatchPlanRow",
    "default_batch_sizes",
    "plan_batch_size",
]

BYTES_PER_GRADIENT_VALUE = 4  # float32 per-sample gradients
MAX_UNITS_SEARCHED = 10**9  # the needed-n search stops here
PLANNING_TOLERANCE = 0.01  # relative; calibration never overshoots whatever the tolerance


@dataclass(frozen=True)
class BatchPlanInputs:
    """What a plan was computed from (recorded with it)."""

    n_units: int
    unit: PrivacyUnit
    epsilon: float
    delta: float
    epochs: int
    accountant: AccountantKind
    batch_sizes: tuple[int, ...]
    min_steps: int
    n_parameters: int | None
    max_physical_batch_size: int | None
    base_learning_rate: float
    base_batch_size: int
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            "unit": self.unit.value,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "epochs": self.epochs,
            "accountant": self.accountant.value,
            "batch_sizes": list(self.batch_sizes),
            "min_steps": self.min_steps,
            "n_parameters": self.n_parameters,
            "max_physical_batch_size": self.max_physical_batch_size,
            "base_learning_rate": self.base_learning_rate,
            "base_batch_size": self.base_batch_size,
            "calibration_tolerance": self.tolerance,
        }


@dataclass(frozen=True)
class BatchPlanRow:
    """One candidate logical batch size and what training with it would cost.

    ``noise_multiplier``, ``epsilon`` and ``noise_to_signal`` are None when the target epsilon
    cannot be reached with this batch size; ``reason`` then says why.
    ``peak_gradient_memory_bytes`` is ``physical_batch * n_parameters * 4``: Opacus' hooks mode
    stores one float32 gradient per sample per parameter, and ``physical_batch`` is
    ``min(max_physical_batch_size, batch_size)`` (the whole logical batch when no physical
    limit is given). It excludes the model, activations and optimiser state, and ghost clipping
    stores no per-sample gradients at all. None when ``n_parameters`` is not given.
    ``learning_rate`` is ``base_learning_rate * sqrt(batch_size / base_batch_size)``: the
    square-root scaling heuristic (Krizhevsky 2014; Hoffer et al. 2017), a starting point to
    tune, not a derived optimum.
    """

    batch_size: int
    steps_per_epoch: int
    sample_rate: float
    expected_batch_size: float
    steps: int
    noise_multiplier: float | None
    epsilon: float | None
    noise_to_signal: float | None
    peak_gradient_memory_bytes: int | None
    learning_rate: float
    reason: str | None = None

    @property
    def reachable(self) -> bool:
        return self.noise_multiplier is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch_size": self.batch_size,
            "steps_per_epoch": self.steps_per_epoch,
            "sample_rate": self.sample_rate,
            "expected_batch_size": self.expected_batch_size,
            "steps": self.steps,
            "noise_multiplier": self.noise_multiplier,
            "epsilon": self.epsilon,
            "noise_to_signal": self.noise_to_signal,
            "peak_gradient_memory_bytes": self.peak_gradient_memory_bytes,
            "learning_rate": self.learning_rate,
            "reachable": self.reachable,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BatchPlan:
    """The table (``rows``, by increasing batch size), the ``chosen`` row and, in one sentence,
    why it was chosen."""

    rows: tuple[BatchPlanRow, ...]
    chosen: BatchPlanRow
    reason: str
    inputs: BatchPlanInputs

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "inputs": self.inputs.to_dict(),
            "rows": [row.to_dict() for row in self.rows],
            "chosen_batch_size": self.chosen.batch_size,
            "reason": self.reason,
            "formulas": {
                "sample_rate": "1 / ceil(n / batch_size)",
                "steps": "epochs * ceil(n / batch_size)",
                "noise_to_signal": "noise_multiplier / (n * sample_rate)",
                "peak_gradient_memory_bytes": "min(max_physical_batch_size, batch_size) * "
                "n_parameters * 4 (float32 per-sample gradients, Opacus hooks mode)",
                "learning_rate": "base_learning_rate * sqrt(batch_size / base_batch_size) "
                "(heuristic)",
            },
        }


def default_batch_sizes(n_units: int) -> tuple[int, ...]:
    """Powers of two from 64 up to the largest at most ``n / 2`` (from 1 when ``n < 128``)."""
    if not isinstance(n_units, int) or n_units < 2:
        raise InvalidInputError("planning needs at least 2 protected units")
    sizes = tuple(2**k for k in range(6, 40) if 2**k <= n_units / 2)
    return sizes or tuple(2**k for k in range(0, 6) if 2**k <= n_units / 2)


@functools.lru_cache(maxsize=1024)
def _calibrate(
    epsilon: float, delta: float, sample_rate: float, steps: int, kind: AccountantKind, tol: float
) -> float:
    return calibrate_noise_multiplier(
        target_epsilon=epsilon,
        delta=delta,
        sample_rate=sample_rate,
        steps=steps,
        kind=kind,
        tolerance=tol,
    )


def _schedule(n_units: int, batch_size: int, epochs: int) -> tuple[int, float, int]:
    steps_per_epoch = math.ceil(n_units / batch_size)
    return steps_per_epoch, 1.0 / steps_per_epoch, epochs * steps_per_epoch


def _check_inputs(
    n_units: Any,
    epsilon: Any,
    delta: Any,
    epochs: Any,
    batch_sizes: Any,
    min_steps: Any,
    n_parameters: Any,
    max_physical_batch_size: Any,
    base_learning_rate: Any,
    base_batch_size: Any,
    tolerance: Any,
) -> None:
    def whole(value: Any, least: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= least

    problems = []
    if not whole(n_units, 2):
        problems.append("the number of protected units must be an integer >= 2")
    if not whole(epochs, 1):
        problems.append("epochs must be an integer >= 1")
    if not whole(min_steps, 0):
        problems.append("min_steps must be an integer >= 0")
    if batch_sizes is not None:
        if not batch_sizes or not all(whole(b, 1) for b in batch_sizes):
            problems.append("batch sizes must be integers >= 1 (e.g. 256,512,1024)")
        elif whole(n_units, 2) and max(batch_sizes) > n_units:
            problems.append(
                f"a batch size of {max(batch_sizes)} is larger than the {n_units} protected "
                "units; use batch sizes of at most n"
            )
    if n_parameters is not None and not whole(n_parameters, 1):
        problems.append("n_parameters must be an integer >= 1")
    if max_physical_batch_size is not None and not whole(max_physical_batch_size, 1):
        problems.append("max_physical_batch_size must be an integer >= 1")
    if not (
        isinstance(base_learning_rate, int | float)
        and math.isfinite(base_learning_rate)
        and base_learning_rate > 0
    ):
        problems.append("base_learning_rate must be a finite number > 0")
    if not whole(base_batch_size, 1):
        problems.append("base_batch_size must be an integer >= 1")
    if not (isinstance(tolerance, int | float) and 0 < tolerance < 0.5):
        problems.append("tolerance must be in (0, 0.5)")
    if problems:
        raise InvalidInputError(join_problems(problems))
    # epsilon, delta and delta < 1/n: the budget's own checks and messages (invariant 3)
    Budget(epsilon, delta)


def plan_batch_size(
    n_units: int,
    *,
    epsilon: float,
    delta: float,
    epochs: int,
    batch_sizes: Sequence[int] | None = None,
    accountant: AccountantKind = AccountantKind.PRV,
    min_steps: int = 300,
    n_parameters: int | None = None,
    max_physical_batch_size: int | None = None,
    base_learning_rate: float = 1e-2,
    base_batch_size: int = 512,
    unit: PrivacyUnit = PrivacyUnit.ROW,
    tolerance: float = PLANNING_TOLERANCE,
) -> BatchPlan:
    """Tabulate the candidate logical batch sizes for DP-SGD on ``n_units`` protected units
    under (``epsilon``, ``delta``) for ``epochs`` epochs, and choose one (module docstring).

    ``batch_sizes`` defaults to :func:`default_batch_sizes`. Calibration uses a relative
    ``tolerance`` of 1% by default (coarser than training's 0.5%, for speed); it never
    overshoots, so every row's epsilon is at most the target. Calibrations are cached.

    Raises :class:`PrivacyBudgetError` when ``delta >= 1/n`` (:meth:`Budget.check_delta_for`)
    or when no candidate reaches ``epsilon``; the latter says how many units would (found by
    doubling ``n`` at the smallest candidate batch size, same epochs and delta, up to
    :data:`MAX_UNITS_SEARCHED`). :class:`InvalidInputError` for malformed arguments.
    """
    _check_inputs(
        n_units,
        epsilon,
        delta,
        epochs,
        batch_sizes,
        min_steps,
        n_parameters,
        max_physical_batch_size,
        base_learning_rate,
        base_batch_size,
        tolerance,
    )
    accountant = AccountantKind(accountant)
    Budget(epsilon, delta).check_delta_for(n_units, unit)
    sizes = (
        tuple(sorted(set(batch_sizes))) if batch_sizes is not None else default_batch_sizes(n_units)
    )
    inputs = BatchPlanInputs(
        n_units=n_units,
        unit=unit,
        epsilon=float(epsilon),
        delta=float(delta),
        epochs=epochs,
        accountant=accountant,
        batch_sizes=sizes,
        min_steps=min_steps,
        n_parameters=n_parameters,
        max_physical_batch_size=max_physical_batch_size,
        base_learning_rate=float(base_learning_rate),
        base_batch_size=base_batch_size,
        tolerance=float(tolerance),
    )
    rows = tuple(_row(inputs, size) for size in sizes)
    reachable = [row for row in rows if row.reachable]
    if not reachable:
        raise PrivacyBudgetError(_unreachable_message(inputs))
    chosen, reason = _choose(reachable, min_steps=min_steps, n_candidates=len(rows))
    return BatchPlan(rows=rows, chosen=chosen, reason=reason, inputs=inputs)


def _row(inputs: BatchPlanInputs, batch_size: int) -> BatchPlanRow:
    n = inputs.n_units
    steps_per_epoch, q, steps = _schedule(n, batch_size, inputs.epochs)
    memory = None
    if inputs.n_parameters is not None:
        physical = min(inputs.max_physical_batch_size or batch_size, batch_size)
        memory = physical * inputs.n_parameters * BYTES_PER_GRADIENT_VALUE
    common = dict(
        batch_size=batch_size,
        steps_per_epoch=steps_per_epoch,
        sample_rate=q,
        expected_batch_size=n * q,
        steps=steps,
        peak_gradient_memory_bytes=memory,
        learning_rate=inputs.base_learning_rate * math.sqrt(batch_size / inputs.base_batch_size),
    )
    try:
        sigma = _calibrate(
            inputs.epsilon, inputs.delta, q, steps, inputs.accountant, inputs.tolerance
        )
    except PrivacyBudgetError as err:
        return BatchPlanRow(
            noise_multiplier=None, epsilon=None, noise_to_signal=None, reason=str(err), **common
        )
    spent = epsilon_for(
        SubsampledGaussianEvent(sigma, q, steps), delta=inputs.delta, kind=inputs.accountant
    )
    return BatchPlanRow(
        noise_multiplier=sigma, epsilon=spent, noise_to_signal=sigma / (n * q), **common
    )


def _choose(
    rows: list[BatchPlanRow], *, min_steps: int, n_candidates: int
) -> tuple[BatchPlanRow, str]:
    long_enough = [row for row in rows if row.steps >= min_steps]
    if long_enough:
        best = min(long_enough, key=lambda r: (r.noise_to_signal, -r.batch_size))
        return best, (
            f"Batch {best.batch_size:,} has the lowest noise-to-signal per step "
            f"({best.noise_to_signal:.3g}) among the {len(long_enough)} of {n_candidates} "
            f"candidates that reach epsilon with at least {min_steps:,} steps."
        )
    best = max(rows, key=lambda r: (r.steps, r.batch_size))
    return best, (
        f"No candidate that reaches epsilon trains for {min_steps:,} steps, so batch "
        f"{best.batch_size:,} is chosen for having the most ({best.steps:,}); train for more "
        "epochs or use smaller batches to reach that many."
    )


def _unreachable_message(inputs: BatchPlanInputs) -> str:
    needed = _units_needed(inputs)
    smallest = inputs.batch_sizes[0]
    head = (
        f"epsilon = {inputs.epsilon:g} at delta = {inputs.delta:g} cannot be reached with "
        f"n = {inputs.n_units:,} protected {inputs.unit.value}s and {inputs.epochs} epochs at "
        f"any candidate batch size ({inputs.accountant.value} accountant)"
    )
    if needed is None:
        floor = (
            f" (the PRV accountant cannot certify an epsilon below its error of "
            f"{DEFAULT_EPS_ERROR:g})"
            if inputs.accountant is AccountantKind.PRV
            else ""
        )
        return (
            f"{head}, and not even with {MAX_UNITS_SEARCHED:,} units at batch {smallest:,}; "
            f"raise epsilon{floor}, or train for fewer epochs"
        )
    return (
        f"{head}; at batch {smallest:,} it would need about n = {needed:,} (found by doubling "
        "n with the same epochs and delta), or raise epsilon, or train for fewer epochs"
    )


def _units_needed(inputs: BatchPlanInputs) -> int | None:
    if inputs.accountant is AccountantKind.PRV and inputs.epsilon <= DEFAULT_EPS_ERROR:
        return None  # no data size helps: the bound itself carries this much error
    batch = inputs.batch_sizes[0]
    n = inputs.n_units
    while n < MAX_UNITS_SEARCHED:
        n = min(2 * n, MAX_UNITS_SEARCHED)
        _, q, steps = _schedule(n, batch, inputs.epochs)
        try:
            _calibrate(inputs.epsilon, inputs.delta, q, steps, inputs.accountant, 0.05)
        except PrivacyBudgetError:
            continue
        return n
    return None
