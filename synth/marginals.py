"""Calibrating the generator to DP 1-way marginals (the marginal methods' strength, added to
the network's high-order structure).

Measurement
    :mod:`synth.domain` measures every column's distribution over its tokens (or over groups of
    adjacent bins, :func:`token_groups`) with the Gaussian mechanism, in the same noisy count
    vector that chooses the domains; the trainer composes it with DP-SGD in one accountant.

Calibration (:func:`calibrate_to_marginals`)
    A post-processing of the trained model and the noisy marginals: a fixed per-token logit
    offset ``b_j`` for each column, chosen in model order so that the model's marginal
    ``E_prefix[softmax(logits_j + b_j)]``, estimated on ``n_particles`` ancestral samples, equals
    the target. Each ``b_j`` solves its equation by the fixed-point iteration
    ``b <- b + log(t) - log(m(b))`` (generalised iterative scaling for one margin; Darroch &
    Ratcliff 1972), and later columns see the calibrated earlier ones, as in raking. Relative
    offsets are bounded by :data:`MAX_OFFSET`, so a column that earlier columns nearly
    determine keeps its dependency.
    Tokens whose target is 0 are never sampled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from synth.model import AutoregressiveTabularModel

__all__ = [
    "MarginalCalibration",
    "MarginalTarget",
    "calibrate_to_marginals",
    "token_groups",
]

#: Log-offset that stands for "never": exp(-60) is below float64 resolution against 1.
NEVER = -60.0
#: Particles x tokens of the widest column held at once while calibrating (float64 logits).
MAX_CALIBRATION_ELEMENTS = 25_000_000
#: Largest relative log-offset between two groups of a column (a factor e^2 in odds). A column
#: nearly determined by earlier ones cannot move its marginal without breaking that dependency
#: (one-pass raking adjusts only the later column), so its correction is bounded.
MAX_OFFSET = 2.0


#: A numeric column with more tokens than this is measured in this many groups of adjacent
#: bins (less noise per count); the model keeps the shape inside each group.
MAX_MEASURED_GROUPS = 16


def token_groups(n_tokens: int, *, ordered_tokens: int) -> np.ndarray:
    """Group id per token: the first ``ordered_tokens`` (a numeric column's bins, in order) in
    at most :data:`MAX_MEASURED_GROUPS` runs of adjacent bins, every other token (missing,
    categories) its own group. Depends on token counts only, never on the data."""
    groups = np.arange(n_tokens, dtype=np.int64)
    if ordered_tokens > MAX_MEASURED_GROUPS:
        groups[:ordered_tokens] = np.arange(ordered_tokens) * MAX_MEASURED_GROUPS // ordered_tokens
        rest = n_tokens - ordered_tokens
        groups[ordered_tokens:] = MAX_MEASURED_GROUPS + np.arange(rest)
    return groups


@dataclass(frozen=True)
class MarginalTarget:
    """A column's DP-measured distribution over token groups (``group_of_token``)."""

    group_of_token: np.ndarray
    probabilities: np.ndarray


@dataclass(frozen=True)
class MarginalCalibration:
    """What the calibration did: per column the largest absolute log-offset and the TVD
    between the model's marginal and the target before and after (on the particles)."""

    n_particles: int
    tvd_before: tuple[float, ...]
    tvd_after: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_particles": self.n_particles,
            "mean_tvd_before": float(np.mean(self.tvd_before)),
            "mean_tvd_after": float(np.mean(self.tvd_after)),
            "method": "per-token logit offsets fitted in model order to DP 1-way marginals "
            "(iterative scaling on ancestral samples; post-processing)",
        }


def calibrate_to_marginals(
    model: AutoregressiveTabularModel,
    targets: Sequence[MarginalTarget],
    *,
    rng: np.random.Generator,
    n_particles: int = 50_000,
    iterations: int = 50,
) -> MarginalCalibration:
    """Set ``model.logit_bias`` so the model's 1-way marginals match ``targets`` (model
    order). Post-processing: reads only the model and the (noisy) targets."""
    if len(targets) != model.n_columns:
        raise ValueError("one target distribution per model column is needed")
    offsets = [int(o) for o in model.offsets]
    biases: list[np.ndarray] = [np.zeros(c) for c in model.cardinalities]
    before: list[float] = []
    after: list[float] = []
    model.logit_bias = torch.zeros(model.n_tokens)

    def adjust(j: int, logits: torch.Tensor) -> torch.Tensor:
        group = targets[j].group_of_token
        target = np.asarray(targets[j].probabilities, dtype=np.float64)
        one_hot = np.zeros((group.size, target.size))
        one_hot[np.arange(group.size), group] = 1.0
        lg = logits.numpy().astype(np.float64)
        # Unnormalised probabilities, computed once: an offset per token multiplies a column
        # of them, so each iteration is two matrix-vector products, not a softmax.
        w0 = np.exp(lg - lg.max(axis=1, keepdims=True))
        live = target > 0
        b = np.where(live, 0.0, NEVER)  # one offset per group
        log_t = np.log(np.where(live, target, 1.0))

        def group_marginal(offsets: np.ndarray) -> np.ndarray:
            scale = np.exp(offsets[group])
            row_total = np.maximum(w0 @ scale, np.finfo(np.float64).tiny)
            token_share = scale * ((1.0 / row_total) @ w0) / w0.shape[0]
            return token_share @ one_hot

        for it in range(iterations):
            m = group_marginal(b)
            if it == 0:
                before.append(0.5 * float(np.abs(m - target).sum()))
            step = np.where(live, log_t - np.log(np.maximum(m, 1e-300)), 0.0)
            b = np.where(live, b + step, NEVER)
            b = np.where(live, np.clip(b - b[live].max(), -MAX_OFFSET, 0.0), NEVER)
            if np.abs(step).max() < 1e-6:
                break
        after.append(0.5 * float(np.abs(group_marginal(b) - target).sum()))
        biases[j] = b[group]
        return logits + torch.from_numpy(b[group])

    # One batch, so every column's offsets are fitted on all particles at once (sampling in
    # chunks would fit each chunk separately and keep the last); a very wide column lowers the
    # particle count so the logits stay within memory.
    particles = max(1, min(n_particles, MAX_CALIBRATION_ELEMENTS // max(model.cardinalities)))
    model.sample(particles, rng, adjust=adjust, batch_size=particles)
    model.logit_bias = torch.from_numpy(np.concatenate(biases)).float()
    del offsets
    return MarginalCalibration(particles, tuple(before), tuple(after))
