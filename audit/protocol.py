"""What the auditor needs from a generator, stated as its own small protocols.

The auditor never imports ``synth`` (DESIGN.md: the auditor does not depend on what it audits),
so any generator, ours or a third party's, can be audited as long as it offers these methods.
Black-box attacks need only :class:`SupportsSample`; white-box likelihood attacks need
:class:`SupportsLogProb`; :class:`AuditableGenerator` is both.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd


@runtime_checkable
class SupportsSample(Protocol):
    """A generator that can draw synthetic rows (black-box access)."""

    def sample(self, n: int, *, rng: np.random.Generator) -> pd.DataFrame:
        """``n`` synthetic rows; all randomness comes from ``rng``."""
        ...


@runtime_checkable
class SupportsLogProb(Protocol):
    """A generator that can score rows by their exact log-likelihood (white-box access)."""

    def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
        """Per-row log-likelihood under the trained model, shape ``(len(rows),)``, in nats.

        ``-inf`` is allowed (a row the model gives zero probability); NaN is not.
        """
        ...


@runtime_checkable
class AuditableGenerator(SupportsSample, SupportsLogProb, Protocol):
    """A trained generator the auditor can sample from and score rows with."""


@runtime_checkable
class GeneratorTrainer(Protocol):
    """What the canary and membership audits need: "train a fresh generator on this table with
    this configuration and this randomness".

    Every call must use the configuration of the release under audit (the same architecture,
    epochs, batch size, clipping and privacy budget; invariant 5: audit models are trained
    separately, with the identical configuration, and never influence the release). The
    returned generator must sample (:class:`SupportsSample`); when it also scores rows
    (:class:`SupportsLogProb`) the audit is white-box, otherwise black-box on its samples.
    """

    def train(self, table: pd.DataFrame, *, rng: np.random.Generator) -> SupportsSample:
        """A generator trained on ``table``; all randomness comes from ``rng``."""
        ...
