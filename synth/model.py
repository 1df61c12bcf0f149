"""An autoregressive model over a row of column tokens: a masked autoencoder (MADE) over columns.

For columns ``c_1 .. c_k`` in *model order* the model factorises a row's probability exactly:
``p(x) = prod_j p(x_j | x_1 .. x_{j-1})`` (Germain, Gregor, Murray, Larochelle 2015, "MADE:
Masked Autoencoder for Distribution Estimation", with the column, not the bit, as the unit; the
same factorisation as MOSTLY AI's TabularARGN and Gretel's LSTM, at a fraction of their cost).
Architecture, with ``T`` tokens over all columns and ``H`` hidden units:

* every hidden unit has a *degree* ``m`` in ``1 .. k-1`` (units are sorted by degree, spread
  evenly); a unit of degree ``m`` sees the tokens of columns ``1 .. m`` only;
* layer 1 (:class:`MaskedTokenLinear`): ``h1 = GELU(b + sum_{i <= m} W1[:, token_i])`` per unit,
  i.e. a masked linear layer on the one-hot row, computed as a gather;
* layer 2 (:class:`MaskedLinear`): ``h2 = GELU(W2 h1 + b)``, unit ``u`` reading unit ``v`` only
  when ``degree(v) <= degree(u)``;
* layer 3 (:class:`MaskedLinear`): the logits of column ``j`` read hidden units of degree
  ``< j`` only; column 1's logits are a learnt bias (its marginal).

So ``p(x_j | .)`` depends on earlier columns only and the product is a normalised distribution.
The log-likelihood of a row is the exact sum of per-column ``log_softmax`` values at its tokens
(token log-likelihood: a numeric value's within-bin uniform density is *not* added).

DP-SGD (Opacus): the masks are plain tensors (not buffers: Opacus refuses trainable layers with
buffers), so forward passes use ``weight * mask``. Per-sample gradients of a masked layer are the
plain layer's gradients times the mask; :func:`_masked_linear_norms` gives their exact norms for
Opacus' ghost clipping (``||G o M||^2 = (g o g)^T M (h o h)``) and :func:`_masked_linear_grads`
the gradients themselves for the ``hooks`` mode, so clipping sees exactly the gradient that
changes the model. Both are registered with Opacus below.

Sampling is incremental: when column ``j`` is drawn, only the hidden units of degree ``j`` are
new, so a whole row costs one forward pass (not ``k``), and rows are drawn in vectorised batches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from opacus.grad_sample import register_grad_sampler, register_norm_sampler
from torch import nn

__all__ = ["AutoregressiveTabularModel", "MaskedLinear", "MaskedTokenLinear"]


def _init_linear(fan_in: int, fan_out: int, *, generator: torch.Generator | None = None) -> tuple[
    torch.Tensor, torch.Tensor
]:
    bound = 1.0 / max(fan_in, 1) ** 0.5
    weight = (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * bound
    bias = (torch.rand(fan_out, generator=generator) * 2 - 1) * bound
    return weight, bias


class MaskedLinear(nn.Module):
    """``y = x (W o M)^T + b`` with the threshold mask ``M[o, i] = [out_group[o] >= in_group[i]]``
    (groups are small non-negative integers: degrees, or a token's column)."""

    def __init__(self, out_groups: torch.Tensor, in_groups: torch.Tensor) -> None:
        super().__init__()
        mask = (out_groups[:, None] >= in_groups[None, :]).float()
        fan_out, fan_in = mask.shape
        weight, bias = _init_linear(fan_in, fan_out)
        self.weight = nn.Parameter(weight * mask)
        self.bias = nn.Parameter(bias)
        # Plain tensors, not buffers: Opacus refuses trainable layers with buffers.
        self.mask = mask
        self.out_groups = out_groups.long()
        self.in_groups = in_groups.long()
        self.n_groups = int(max(int(out_groups.max()), int(in_groups.max()))) + 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.mask, self.bias)


class MaskedTokenLinear(nn.Module):
    """A masked linear layer on the one-hot encoding of a row of tokens, computed as a gather.

    ``tokens`` are global token ids ``[B, k]`` (column ``i``'s token plus its offset); output
    unit ``o`` adds ``W[o, token_i]`` for the columns ``i`` it may see (``column_mask[o, i]``).
    Because every column owns its own token range, a row's one-hot vector has exactly one 1 per
    column, which the gradient norms below rely on.
    """

    def __init__(self, column_mask: torch.Tensor, cardinalities: Sequence[int]) -> None:
        super().__init__()
        n_out = column_mask.shape[0]
        column_of_token = torch.repeat_interleave(
            torch.arange(len(cardinalities)), torch.tensor(list(cardinalities))
        )
        mask = column_mask.float()[:, column_of_token]  # [out, T]
        weight, bias = _init_linear(len(cardinalities), n_out)
        weight = weight[:, column_of_token]
        self.weight = nn.Parameter(weight * mask)
        self.bias = nn.Parameter(bias)
        self.mask = mask
        self.columns_seen = column_mask.float().sum(dim=1)  # [out]: columns each unit sees

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        table = (self.weight * self.mask).t()  # [T, out]
        return F.embedding(tokens, table).sum(dim=1) + self.bias


@register_norm_sampler(MaskedLinear)
def _masked_linear_norms(
    layer: MaskedLinear, activations: list[torch.Tensor], backprops: torch.Tensor
) -> dict[nn.Parameter, torch.Tensor]:
    """Exact per-sample gradient norms of a masked linear layer (2-D inputs):
    ``||(g h^T) o M||_F^2 = sum_o g_o^2 sum_i M_oi h_i^2``. With the threshold mask the inner
    sum is a cumulative sum of ``h^2`` over input groups up to ``out_group[o]``, so the norms
    cost ``O(B (in + out))`` instead of a matrix product."""
    h = activations[0].to(backprops.dtype)
    g2 = backprops * backprops
    by_group = h.new_zeros(h.shape[0], layer.n_groups).index_add_(1, layer.in_groups, h * h)
    reach = torch.cumsum(by_group, dim=1)[:, layer.out_groups]  # [B, out]
    weight_sq = (g2 * reach).sum(dim=1)
    return {layer.weight: weight_sq.clamp_min(0).sqrt(), layer.bias: g2.sum(dim=1).sqrt()}


@register_grad_sampler(MaskedLinear)
def _masked_linear_grads(
    layer: MaskedLinear, activations: list[torch.Tensor], backprops: torch.Tensor
) -> dict[nn.Parameter, torch.Tensor]:
    h = activations[0].to(backprops.dtype)
    return {
        layer.weight: torch.einsum("ni,nj->nij", backprops, h) * layer.mask,
        layer.bias: backprops.clone(),
    }


@register_norm_sampler(MaskedTokenLinear)
def _token_linear_norms(
    layer: MaskedTokenLinear, activations: list[torch.Tensor], backprops: torch.Tensor
) -> dict[nn.Parameter, torch.Tensor]:
    """Per-sample norms for the one-hot input: one token per column, so
    ``||G||^2 = sum_o g_o^2 * (number of columns unit o sees)``."""
    del activations
    g2 = backprops * backprops
    weight_sq = g2 @ layer.columns_seen.to(g2.dtype)
    return {layer.weight: weight_sq.clamp_min(0).sqrt(), layer.bias: g2.sum(dim=1).sqrt()}


@register_grad_sampler(MaskedTokenLinear)
def _token_linear_grads(
    layer: MaskedTokenLinear, activations: list[torch.Tensor], backprops: torch.Tensor
) -> dict[nn.Parameter, torch.Tensor]:
    tokens = activations[0]
    batch, n_tokens = backprops.shape[0], layer.weight.shape[1]
    one_hot = torch.zeros(batch, n_tokens, dtype=backprops.dtype)
    one_hot.scatter_(1, tokens, 1.0)
    return {
        layer.weight: torch.einsum("no,nt->not", backprops, one_hot) * layer.mask,
        layer.bias: backprops.clone(),
    }


def _degrees(hidden_dim: int, n_columns: int) -> torch.Tensor:
    """Sorted hidden degrees in ``1 .. k-1``, as even as possible (MADE's deterministic
    ordering); a single column gets degree 0 units (they see nothing)."""
    if n_columns < 2:
        return torch.zeros(hidden_dim, dtype=torch.long)
    return torch.sort(torch.arange(hidden_dim) % (n_columns - 1) + 1).values


class AutoregressiveTabularModel(nn.Module):
    """``forward(codes [B, k] int64) -> logits [B, T]`` (column ``j``'s block at
    ``offsets[j] : offsets[j] + cardinalities[j]``), in model order."""

    def __init__(self, cardinalities: Sequence[int], *, hidden_dim: int = 256) -> None:
        super().__init__()
        if not cardinalities or any(int(v) < 1 for v in cardinalities):
            raise ValueError("every column needs at least one token")
        if hidden_dim < 1:
            raise ValueError("hidden_dim must be positive")
        self.cardinalities = tuple(int(v) for v in cardinalities)
        k = len(self.cardinalities)
        cards = torch.tensor(self.cardinalities)
        self.offsets = torch.cumsum(cards, 0) - cards  # plain tensors (see the module docstring)
        self.column_of_token = torch.repeat_interleave(torch.arange(k), cards)
        degree = _degrees(hidden_dim, k)
        self.degree = degree
        columns = torch.arange(k)
        self.layer1 = MaskedTokenLinear(degree[:, None] >= columns[None, :] + 1, self.cardinalities)
        self.layer2 = MaskedLinear(degree, degree)
        self.layer3 = MaskedLinear(self.column_of_token, degree)
        self._plan: _SamplingPlan | None = None
        self._logit_bias = torch.zeros(self.n_tokens)

    @property
    def logit_bias(self) -> torch.Tensor:
        """A fixed (never trained) per-token logit offset, zero until :mod:`synth.marginals`
        calibrates the model to DP-measured marginals (post-processing)."""
        return self._logit_bias

    @logit_bias.setter
    def logit_bias(self, value: torch.Tensor) -> None:
        if value.shape != (self.n_tokens,):
            raise ValueError("logit_bias needs one value per token")
        self._logit_bias = value.detach().float()
        self._plan = None

    @property
    def n_columns(self) -> int:
        return len(self.cardinalities)

    @property
    def n_tokens(self) -> int:
        return int(sum(self.cardinalities))

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        h = F.gelu(self.layer1(codes + self.offsets))
        h = F.gelu(self.layer2(h))
        return self.layer3(h) + self.logit_bias

    def log_likelihood(self, logits: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """Per-row token log-likelihood ``sum_j log p(x_j | x_<j)``, shape ``[B]``."""
        picked = logits.gather(1, codes + self.offsets).sum(dim=1)
        normaliser = logits.new_zeros(logits.shape[0])
        for start, size in zip(self.offsets.tolist(), self.cardinalities, strict=True):
            normaliser = normaliser + torch.logsumexp(logits[:, start : start + size], dim=1)
        return picked - normaliser

    def column_logits(self, codes: torch.Tensor, j: int) -> torch.Tensor:
        """Logits of column ``j`` given the earlier columns of ``codes`` (later ones ignored)."""
        start = int(self.offsets[j])
        return self.forward(codes)[:, start : start + self.cardinalities[j]]

    # ------------------------------------------------------------------ incremental sampling
    #
    # Ancestral sampling calls begin_sampling once per batch, then for j = 0 .. k-1:
    # step_logits(state, j), draw column j, push(state, j, tokens). Units of degree j see
    # columns < j only, so they are computed at step j and never again: a row costs one
    # forward pass. tests/test_model.py checks the result against forward().

    @torch.no_grad()
    def begin_sampling(self, batch: int) -> _SamplingState:
        """A fresh incremental state for ``batch`` rows (no column drawn yet)."""
        if self._plan is None:
            self._plan = _SamplingPlan.of(self)
        return _SamplingState(self._plan, batch)

    @torch.no_grad()
    def step_logits(self, state: _SamplingState, j: int) -> torch.Tensor:
        """Logits ``[batch, n_tokens_j]`` of column ``j`` given the columns pushed so far
        (columns ``0 .. j-1`` must have been pushed)."""
        plan = state.plan
        lo, hi = plan.bounds[j], plan.bounds[j + 1]
        if hi > lo:
            state.h1[:, lo:hi] = F.gelu(state.pre1[:, lo:hi])
            state.h2[:, lo:hi] = F.gelu(
                torch.addmm(plan.b2[lo:hi], state.h1[:, :hi], plan.w2[lo:hi, :hi].t())
            )
        first, size = plan.offsets[j], self.cardinalities[j]
        return torch.addmm(
            plan.b3[first : first + size], state.h2[:, :hi], plan.w3[first : first + size, :hi].t()
        )

    @torch.no_grad()
    def push(self, state: _SamplingState, j: int, tokens: torch.Tensor) -> None:
        """Record column ``j``'s drawn tokens (``[batch]`` int64, column-local ids)."""
        state.pre1 += F.embedding(tokens + state.plan.offsets[j], state.plan.w1)

    def train(self, mode: bool = True) -> AutoregressiveTabularModel:
        self._plan = None  # weights may change: rebuild the sampling plan when next needed
        return super().train(mode)

    @torch.no_grad()
    def sample(
        self,
        n: int,
        rng: np.random.Generator,
        *,
        adjust: Callable[[int, torch.Tensor], torch.Tensor] | None = None,
        batch_size: int = 4096,
    ) -> np.ndarray:
        """``n`` rows of token ids ``[n, k]`` (model order) drawn column by column.

        ``adjust(j, logits)`` may replace column ``j``'s logits (float64, ``[rows, n_j]``)
        before drawing (used to calibrate marginals). Randomness comes from ``rng`` only
        (inverse CDF on numpy uniforms). Conditional and rebalanced sampling live in
        :mod:`synth.sampling`, on the same incremental steps.
        """
        out = np.zeros((n, self.n_columns), dtype=np.int64)
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            rows = stop - start
            state = self.begin_sampling(rows)
            for j in range(self.n_columns):
                logits = self.step_logits(state, j).double()
                if adjust is not None:
                    logits = adjust(j, logits)
                probs = torch.softmax(logits, dim=1).numpy()
                cdf = np.cumsum(probs, axis=1)
                u = rng.random((rows, 1)) * cdf[:, -1:]
                picks = np.minimum((cdf < u).sum(axis=1), probs.shape[1] - 1)
                out[start:stop, j] = picks
                self.push(state, j, torch.from_numpy(picks))
        return out


class _SamplingPlan:
    """The masked weights, frozen for sampling, and where each degree's units lie."""

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)

    @classmethod
    def of(cls, model: AutoregressiveTabularModel) -> _SamplingPlan:
        k = model.n_columns
        degree = model.degree.tolist()
        bounds = [0] * (k + 1)  # units of degree d occupy [bounds[d], bounds[d+1])
        for d in range(k):
            bounds[d + 1] = bounds[d] + degree.count(d)
        l1, l2, l3 = model.layer1, model.layer2, model.layer3
        return cls(
            bounds=bounds,
            offsets=[int(o) for o in model.offsets],
            w1=(l1.weight * l1.mask).t().detach().contiguous(),  # [T, H]
            b1=l1.bias.detach(),
            w2=(l2.weight * l2.mask).detach().contiguous(),
            b2=l2.bias.detach(),
            w3=(l3.weight * l3.mask).detach().contiguous(),
            b3=(l3.bias + model.logit_bias).detach(),
        )


class _SamplingState:
    def __init__(self, plan: _SamplingPlan, batch: int) -> None:
        self.plan = plan
        self.pre1 = plan.b1.expand(batch, -1).clone()
        self.h1 = torch.zeros_like(self.pre1)
        self.h2 = torch.zeros_like(self.pre1)
