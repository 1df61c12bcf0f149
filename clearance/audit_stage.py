"""The pipeline's model audit: the release's training configuration, run again on audit tables
with planted canaries (invariant 5: the release model never sees a canary).

``audit`` states what it needs as :class:`audit.protocol.GeneratorTrainer`; this module is the
adapter that gives it Clearance's own generator with the release's exact configuration and
per-record budget. The audit models are never sampled for the release, and their budget is not
charged to the dataset's ledger: nothing they produce is released except the audit's figures,
which the report lists among what the epsilon does not cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from audit.model_audit import AuditConfig, ModelAudit, audit_generator
from clearance.progress import ProgressFn, no_progress
from privacy.accounting import Budget
from privacy.schema import ColumnKind, Schema
from synth import DPGenerator, TrainingConfig


@dataclass(frozen=True)
class ReleaseTrainer:
    """Trains a fresh :class:`synth.DPGenerator` with the release's schema, training
    configuration and per-record budget: an audit model is the release model's twin, trained on
    another table."""

    schema: Schema
    config: TrainingConfig
    budget: Budget | None

    def train(self, table: pd.DataFrame, *, rng: np.random.Generator) -> DPGenerator:
        generator = DPGenerator(self.schema, self.config)
        generator.fit(table, budget=self.budget, rng=rng)
        return generator


def learnable_token_columns(schema: Schema, released: Sequence[str]) -> tuple[str, ...]:
    """Released categorical columns whose categories are measured from the data: the only
    columns where a planted token could be learnt (a declared domain cannot hold it)."""
    return tuple(
        c.name
        for c in schema.synthesised
        if c.name in released and c.kind is ColumnKind.CATEGORICAL and not c.domain_public
    )


def run_model_audit(
    population: pd.DataFrame,
    *,
    schema: Schema,
    training: TrainingConfig,
    budget: Budget,
    n_models: int,
    rng: np.random.Generator,
    progress: ProgressFn = no_progress,
    audit_config: AuditConfig | None = None,
) -> ModelAudit:
    """Audit the release's configuration on ``population`` (the release's training rows, in
    the released columns) with ``n_models`` audit models (module docstring); ``audit_config``
    changes the other audit settings (its ``n_models`` is replaced by ``n_models``)."""
    trainer = ReleaseTrainer(schema, training, budget if training.private else None)
    return audit_generator(
        trainer,
        population,
        claimed_epsilon=budget.epsilon if training.private else None,
        claimed_delta=budget.delta,
        rng=rng,
        config=replace(audit_config or AuditConfig(), n_models=n_models),
        token_columns=learnable_token_columns(schema, list(population.columns)),
        secret_columns=[
            c.name for c in schema.synthesised
            if c.name in population.columns and c.kind is ColumnKind.CATEGORICAL
        ],
        progress=progress,
    )
