"""An autoregressive model over a row of column tokens, in the spirit of MOSTLY AI's TabularARGN.

For columns ``c_1 .. c_k`` (in schema order) the model factorises a row's probability exactly:
``p(x) = prod_j p(x_j | x_1 .. x_{j-1})``. Architecture:

* each column ``i`` has an embedding table ``E_i`` (``embedding_dim`` wide) and a projection
  ``W_i`` to ``hidden_dim``;
* the context of column ``j`` is ``sum_{i<j} W_i E_i[x_i]`` (an exclusive cumulative sum over
  columns, so ``p(x_j | .)`` only sees earlier columns); this equals a ``Linear(k * d, hidden)``
  over the concatenated embeddings with the blocks of columns ``i >= j`` masked out;
* a shared trunk ``context + position embedding(j) -> GELU -> Linear(hidden, hidden) -> GELU``
  runs on all ``k`` positions at once (shape ``[B, k, hidden]``);
* column ``j``'s own head ``Linear(hidden, n_tokens_j)`` reads the trunk output at position
  ``j``.

Only ``nn.Embedding`` and ``nn.Linear`` hold parameters, every input is batch-first and the
column positions enter as a ``[B, k]`` index tensor, so Opacus computes per-sample gradients in
``hooks`` and ghost-clipping modes without custom grad samplers. A zero-row batch (possible
under Poisson sampling) passes through.

The log-likelihood of a row is the exact sum of per-column ``log_softmax`` values at its tokens
(token log-likelihood: a numeric value's within-bin uniform density is *not* added; the audit
compares token likelihoods, which is what membership inference needs).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["AutoregressiveTabularModel", "row_log_likelihood"]


class AutoregressiveTabularModel(nn.Module):
    """``forward(codes [B, k] int64) -> list of k logit tensors [B, n_tokens_j]``."""

    def __init__(
        self, cardinalities: Sequence[int], *, embedding_dim: int = 16, hidden_dim: int = 128
    ) -> None:
        super().__init__()
        if not cardinalities or any(int(v) < 1 for v in cardinalities):
            raise ValueError("every column needs at least one token")
        self.cardinalities = tuple(int(v) for v in cardinalities)
        k = len(self.cardinalities)
        self.embeddings = nn.ModuleList(nn.Embedding(v, embedding_dim) for v in self.cardinalities)
        # One projection per column; summed they equal Linear(k * d, hidden) on the concatenated
        # embeddings, at 1/k of the cost when evaluated for all k positions.
        self.projections = nn.ModuleList(
            nn.Linear(embedding_dim, hidden_dim, bias=False) for _ in self.cardinalities
        )
        self.position = nn.Embedding(k, hidden_dim)  # per-position bias of the first layer
        self.hidden = nn.Linear(hidden_dim, hidden_dim)
        self.heads = nn.ModuleList(nn.Linear(hidden_dim, v) for v in self.cardinalities)
        self.act = nn.GELU()
        self.register_buffer("positions", torch.arange(k), persistent=False)

    @property
    def n_columns(self) -> int:
        return len(self.cardinalities)

    def _projected(self, codes: torch.Tensor) -> torch.Tensor:
        """``[B, k, H]``: column ``i``'s token, embedded and projected. [B, 1] index inputs keep
        the embeddings compatible with every Opacus grad-sample mode; ghost clipping also needs
        contiguous index tensors."""
        parts = [
            proj(emb(codes[:, i : i + 1].contiguous()).squeeze(1))
            for i, (emb, proj) in enumerate(zip(self.embeddings, self.projections, strict=True))
        ]
        return torch.stack(parts, dim=1)

    def forward(self, codes: torch.Tensor) -> list[torch.Tensor]:
        batch = codes.shape[0]
        projected = self._projected(codes)
        context = torch.cumsum(projected, dim=1) - projected  # position j: sum over i < j
        positions = self.positions.unsqueeze(0).repeat(batch, 1)  # [B, k], contiguous
        h = self.act(context + self.position(positions))
        h = self.act(self.hidden(h))  # [B, k, H]
        return [head(h[:, j, :]) for j, head in enumerate(self.heads)]

    def column_logits(self, codes: torch.Tensor, j: int) -> torch.Tensor:
        """Logits of column ``j`` given the earlier columns of ``codes`` (later ones ignored)."""
        batch = codes.shape[0]
        context = self._projected(codes)[:, :j, :].sum(dim=1)  # [B, H]
        position = self.positions[j : j + 1].expand(batch)
        h = self.act(context + self.position(position))
        h = self.act(self.hidden(h))
        return self.heads[j](h)

    @torch.no_grad()
    def sample(self, n: int, rng: np.random.Generator, *, batch_size: int = 8192) -> np.ndarray:
        """``n`` rows of token ids drawn column by column (ancestral sampling). Randomness
        comes from ``rng`` only (inverse-CDF on numpy uniforms), so samples are reproducible."""
        out = np.zeros((n, self.n_columns), dtype=np.int64)
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            codes = torch.zeros((stop - start, self.n_columns), dtype=torch.long)
            for j in range(self.n_columns):
                probs = torch.softmax(self.column_logits(codes, j).double(), dim=1).numpy()
                cdf = np.cumsum(probs, axis=1)
                u = rng.random((stop - start, 1)) * cdf[:, -1:]
                picks = np.minimum((cdf < u).sum(axis=1), probs.shape[1] - 1)
                codes[:, j] = torch.from_numpy(picks)
            out[start:stop] = codes.numpy()
        return out


def row_log_likelihood(logits: list[torch.Tensor], codes: torch.Tensor) -> torch.Tensor:
    """Per-row token log-likelihood ``sum_j log p(x_j | x_<j)``, shape ``[B]``."""
    total = codes.new_zeros(codes.shape[0], dtype=logits[0].dtype)
    for j, lg in enumerate(logits):
        total = total + torch.log_softmax(lg, dim=1).gather(1, codes[:, j : j + 1]).squeeze(1)
    return total
