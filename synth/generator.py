"""The DP generator: domain measurement, encoding, DP-SGD training with Opacus, sampling.

Privacy of :meth:`DPGenerator.fit` (unit: one row; add/remove-one-row neighbours)
    1. *Domain stage*, basic composition: approximate bounds of numeric columns without public
       bounds take ``domain_share`` of epsilon (pure epsilon), and the partition-selection
       threshold of undeclared categories ``domain_share`` of delta (:mod:`synth.domain`).
    2. *One accountant for the rest* (PRV by default): the Gaussian count vector that yields
       the domains and the 1-way marginals (noise multiplier from ``marginal_share`` of the
       remaining budget, in zCDP terms) and DP-SGD (Abadi et al. 2016) with **Poisson
       sampling** at rate ``q`` (Opacus ``DPDataLoader``), per-sample clipping to
       ``max_grad_norm`` and Gaussian noise of std ``noise_multiplier * max_grad_norm`` per
       logical step; logical batches are split into physical micro-batches by Opacus
       ``BatchMemoryManager`` so the accountant sees the logical rate (invariant 2). The DP-SGD
       noise multiplier is calibrated so that both compose to at most the rest of the budget
       (:func:`privacy.accounting.composition.calibrate_noise_multiplier_with`); the spend
       recorded is the accountant's epsilon of both. After training we check that Opacus' own
       accountant saw exactly ``[(noise_multiplier, q, steps)]`` and that its epsilon is at
       most 1.05 x the target.

    :attr:`TrainingRecord.spends` lists the stages; their sum never exceeds the requested
    budget. Everything else (the marginal calibration, sampling, log-likelihoods) is
    post-processing of the trained model and the DP measurements.

Sampling rate
    Opacus' Poisson loader derives ``q = 1 / len(loader) = 1 / ceil(n / logical_batch_size)``
    from an ordinary loader with ``batch_size = logical_batch_size``, so that is the rate we
    calibrate for, account and record (expected batch ``n q <= logical_batch_size``); one epoch
    is ``ceil(n / logical_batch_size)`` logical steps and ``steps = epochs * that``.

Randomness
    All randomness flows from the caller's ``numpy.random.Generator``: it seeds the domain
    mechanisms, torch's parameter initialisation (inside ``torch.random.fork_rng``, so the
    global torch state is untouched), the Poisson sampler's ``torch.Generator`` and the noise
    ``torch.Generator`` (``make_private(noise_generator=...)``). ``secure_mode`` is off: noise
    comes from a seeded PRNG, which is reproducible but not a cryptographic source; a
    production release should retrain with Opacus' secure mode (torchcsprng).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from privacy.accounting import (
    AccountantKind,
    Budget,
    PrivacyUnit,
    StageSpend,
    SubsampledGaussianEvent,
)
from privacy.accounting.composition import calibrate_noise_multiplier_with, epsilon_for_events
from privacy.accounting.zcdp import gaussian_multiplier_for_rho, rho_for_epsilon
from privacy.errors import InvalidInputError, PrivacyBudgetError, join_problems
from privacy.schema import ColumnKind, Schema
from synth.domain import measure_domains
from synth.encoding import TableEncoder, check_synthesised_columns
from synth.marginals import MarginalTarget, calibrate_to_marginals
from synth.model import AutoregressiveTabularModel
from synth.sampling import TableSampler

__all__ = ["GRAD_SAMPLE_MODES", "DPGenerator", "TrainingConfig", "TrainingRecord"]

GRAD_SAMPLE_MODES = ("hooks", "ghost")
COLUMN_ORDERS = ("cardinality", "schema")
LR_SCHEDULES = ("cosine", "constant")
TRAINING_MECHANISM = "dp-sgd (poisson-subsampled gaussian, opacus)"
TRAINING_WITH_MARGINALS = (
    "dp-sgd (poisson-subsampled gaussian, opacus) + gaussian counts for the domains and 1-way "
    "marginals, one accountant"
)
OPACUS_EPSILON_SLACK = 1.05

ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainingConfig:
    """How :class:`DPGenerator` trains. ``clearance run`` takes the logical batch and learning
    rate from the planner (:mod:`privacy.accounting.planner`); on Adult's 39,073 rows x 14
    columns, 25 epochs at batch 2,048 train in about 45 s on one core.

    ``logical_batch_size`` is the *expected* Poisson batch (see the module docstring for the
    exact rate); ``max_physical_batch_size`` bounds memory only. ``domain_share`` is the share
    of epsilon and delta spent measuring column domains when any column needs it (0 when none
    does). ``private=False`` trains without DP (only when explicitly asked; the record says so).
    ``grad_sample_mode`` is Opacus' per-sample-gradient engine ("ghost": ghost clipping, the
    fastest here; "hooks": per-sample gradients materialised, the reference; both exact for
    this model, see :mod:`synth.model`).

    ``column_order`` is the model's factorisation order: "cardinality" puts columns with fewer
    tokens first (what moved utility most on Adult), "schema" keeps the schema order.
    ``first_columns`` go first whatever the order (a target, or columns that sampling will
    condition on: conditioning on leading columns is exact). The order depends on the schema's
    token counts only, never on the data beyond the DP-measured domain. ``lr_schedule``
    "cosine" decays the learning rate to 0 over the logical steps (public schedule).

    ``marginal_share`` (0 disables) is the share of the training budget, measured in zCDP
    ``rho``, given to noisy 1-way marginals of every column (:mod:`synth.marginals`); the
    model is then calibrated to them. The accountant composes that Gaussian event with the
    DP-SGD steps, and the DP-SGD noise is calibrated so that the composition meets the target.
    """

    epochs: int = 10
    logical_batch_size: int = 512
    max_physical_batch_size: int = 256
    learning_rate: float = 2e-3
    max_grad_norm: float = 1.0
    domain_share: float = 0.1
    accountant: AccountantKind = AccountantKind.PRV
    hidden_dim: int = 256
    n_quantile_bins: int = 16
    private: bool = True
    grad_sample_mode: str = "ghost"
    column_order: str = "cardinality"
    first_columns: tuple[str, ...] = ()
    lr_schedule: str = "cosine"
    marginal_share: float = 0.4
    calibration_particles: int = 50_000

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in (
            "epochs",
            "logical_batch_size",
            "max_physical_batch_size",
            "hidden_dim",
            "n_quantile_bins",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{name} must be a positive integer")
        for name in ("learning_rate", "max_grad_norm"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                problems.append(f"{name} must be a finite number > 0")
        if not isinstance(self.domain_share, int | float) or not 0 <= self.domain_share < 1:
            problems.append("domain_share must be in [0, 1)")
        if not isinstance(self.accountant, AccountantKind):
            problems.append(f"accountant must be one of {[k.value for k in AccountantKind]}")
        if self.grad_sample_mode not in GRAD_SAMPLE_MODES:
            problems.append(f"grad_sample_mode must be one of {list(GRAD_SAMPLE_MODES)}")
        if not isinstance(self.marginal_share, int | float) or not 0 <= self.marginal_share < 1:
            problems.append("marginal_share must be in [0, 1)")
        if not isinstance(self.calibration_particles, int) or self.calibration_particles < 100:
            problems.append("calibration_particles must be an integer >= 100")
        if self.column_order not in COLUMN_ORDERS:
            problems.append(f"column_order must be one of {list(COLUMN_ORDERS)}")
        if self.lr_schedule not in LR_SCHEDULES:
            problems.append(f"lr_schedule must be one of {list(LR_SCHEDULES)}")
        if not isinstance(self.first_columns, tuple) or not all(
            isinstance(c, str) for c in self.first_columns
        ):
            problems.append("first_columns must be a tuple of column names")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "epochs": self.epochs,
            "logical_batch_size": self.logical_batch_size,
            "max_physical_batch_size": self.max_physical_batch_size,
            "learning_rate": self.learning_rate,
            "max_grad_norm": self.max_grad_norm,
            "domain_share": self.domain_share,
            "accountant": self.accountant.value,
            "hidden_dim": self.hidden_dim,
            "n_quantile_bins": self.n_quantile_bins,
            "private": self.private,
            "grad_sample_mode": self.grad_sample_mode,
            "column_order": self.column_order,
            "first_columns": list(self.first_columns),
            "lr_schedule": self.lr_schedule,
            "marginal_share": self.marginal_share,
            "calibration_particles": self.calibration_particles,
        }


@dataclass(frozen=True)
class TrainingRecord:
    """What :meth:`DPGenerator.fit` did and spent. ``spends`` holds the ``domain`` spends and
    one ``training`` spend (empty when ``private`` is False)."""

    spends: tuple[StageSpend, ...]
    noise_multiplier: float | None
    sample_rate: float
    steps: int
    epochs: int
    final_loss: float
    loss_curve: tuple[float, ...]
    seconds: float
    step_seconds: float
    private: bool
    n_train_rows: int
    grad_sample_mode: str | None
    encoder: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] | None = None
    privacy_unit: PrivacyUnit = PrivacyUnit.ROW

    @property
    def epsilon(self) -> float:
        """Total epsilon of the spends (basic composition)."""
        return math.fsum(s.epsilon for s in self.spends)

    @property
    def delta(self) -> float:
        return math.fsum(s.delta for s in self.spends)

    @property
    def training_spend(self) -> StageSpend | None:
        found = [s for s in self.spends if s.stage == "training"]
        return found[0] if found else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "private": self.private,
            "privacy_unit": self.privacy_unit.value,
            "epsilon": self.epsilon if self.private else None,
            "delta": self.delta if self.private else None,
            "spends": [s.to_dict() for s in self.spends],
            "noise_multiplier": self.noise_multiplier,
            "sample_rate": self.sample_rate,
            "steps": self.steps,
            "epochs": self.epochs,
            "final_loss": self.final_loss,
            "loss_curve": list(self.loss_curve),
            "seconds": self.seconds,
            "seconds_per_logical_step": self.step_seconds,
            "n_train_rows": self.n_train_rows,
            "grad_sample_mode": self.grad_sample_mode,
            "encoder": self.encoder,
            "calibration": self.calibration,
        }


class _RowNLL(nn.Module):
    """Negative token log-likelihood per row, reduced like a torch loss (Opacus' ghost
    clipping wrapper switches ``reduction`` to "none" to get the per-row losses)."""

    def __init__(self, model: AutoregressiveTabularModel) -> None:
        super().__init__()
        self.reduction = "mean"
        self.log_likelihood = model.log_likelihood  # a bound method, not a submodule

    def forward(self, logits: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        nll = -self.log_likelihood(logits, codes)
        if self.reduction == "none":
            return nll
        return nll.sum() if self.reduction == "sum" else nll.mean()


def model_order(encoder: TableEncoder, config: TrainingConfig) -> np.ndarray:
    """The model's column order as encoder column indices: ``config.first_columns`` first (in
    the given order), then the rest by ``config.column_order``. Depends on the schema and the
    token counts of the (public or DP-measured) domain only, so choosing it costs no budget."""
    names = list(encoder.names)
    unknown = [c for c in config.first_columns if c not in names]
    if unknown:
        raise InvalidInputError(f"first_columns names column(s) the generator does not learn: {unknown}")
    first = [names.index(c) for c in dict.fromkeys(config.first_columns)]
    rest = [i for i in range(len(names)) if i not in first]
    if config.column_order == "cardinality":
        rest.sort(key=lambda i: (encoder.cardinalities[i], i))
    return np.array(first + rest, dtype=np.int64)


def _set_learning_rate(
    optimizer: torch.optim.Optimizer, config: TrainingConfig, done: int, total: int
) -> None:
    """Cosine decay from ``config.learning_rate`` to 0 over ``total`` steps (Loshchilov &
    Hutter 2017, without restarts); a public schedule, so it costs no privacy."""
    if config.lr_schedule != "cosine" or total <= 0:
        return
    lr = 0.5 * config.learning_rate * (1 + math.cos(math.pi * min(done, total) / total))
    for group in optimizer.param_groups:
        group["lr"] = lr


def _opacus_accountant(kind: AccountantKind) -> str:
    # Opacus has no PLD accountant; its PRV is the closest (both compute the tight curve).
    return "rdp" if kind is AccountantKind.RDP else "prv"


class DPGenerator:
    """A differentially private tabular generator (autoregressive, trained with DP-SGD).

    Learns ``schema.synthesised`` columns; :meth:`sample` returns them in schema order.
    """

    def __init__(self, schema: Schema, config: TrainingConfig | None = None) -> None:
        if not isinstance(schema, Schema):
            raise InvalidInputError("DPGenerator needs a privacy.schema.Schema")
        self.schema = schema
        self.config = config if config is not None else TrainingConfig()
        self._encoder: TableEncoder | None = None
        self._model: AutoregressiveTabularModel | None = None
        self._order: np.ndarray | None = None  # model position -> encoder column
        self.record: TrainingRecord | None = None

    # ------------------------------------------------------------------------------- fit

    def _check_table(self, table: pd.DataFrame) -> None:
        if not isinstance(table, pd.DataFrame):
            raise InvalidInputError("the training table must be a pandas DataFrame")
        if not self.schema.synthesised:
            raise InvalidInputError(
                "the schema has no column to synthesise (quasi-identifier, sensitive or other, "
                "not text)"
            )
        check_synthesised_columns(self.schema, table)
        if len(table) < 2:
            raise InvalidInputError(
                f"the training table has {len(table)} row(s); at least 2 are needed"
            )

    def fit(
        self,
        table: pd.DataFrame,
        *,
        budget: Budget | None,
        rng: np.random.Generator,
        progress: ProgressFn | None = None,
    ) -> TrainingRecord:
        """Measure domains, encode and train; return what was spent and done.

        ``budget`` is the whole run's (epsilon, delta) for this generator; it may be None only
        when ``config.private`` is False. Raises :class:`InvalidInputError` for an unusable
        table and :class:`PrivacyBudgetError` for an unusable budget (delta >= 1/n, ...).
        """
        self._check_table(table)
        cfg = self.config
        n = len(table)
        started = time.perf_counter()
        train_budget: Budget | None = None
        bounds_epsilon = threshold_delta = 0.0
        if cfg.private:
            if not isinstance(budget, Budget):
                raise PrivacyBudgetError("private training needs a Budget (epsilon, delta)")
            budget.check_delta_for(n, PrivacyUnit.ROW)
            if budget.delta <= 0:
                raise PrivacyBudgetError("DP-SGD needs delta > 0 (the Gaussian mechanism)")
            if cfg.marginal_share <= 0:
                raise PrivacyBudgetError(
                    "private training measures domains and marginals with a share of the "
                    "budget: set marginal_share in (0, 1)"
                )
            needs = TableEncoder.columns_needing_measurement(self.schema)
            if needs and cfg.domain_share <= 0:
                raise PrivacyBudgetError(
                    "some columns have no public domain and domain_share is 0: declare their "
                    "domains public in the schema or set domain_share > 0"
                )
            if any(c.kind is not ColumnKind.CATEGORICAL and not c.domain_public for c in needs):
                bounds_epsilon = cfg.domain_share * budget.epsilon
            if any(c.kind is ColumnKind.CATEGORICAL for c in needs):
                threshold_delta = cfg.domain_share * budget.delta
            train_budget = Budget(budget.epsilon - bounds_epsilon, budget.delta - threshold_delta)
        seeds = [int(s) for s in rng.integers(0, 2**62, size=3)]

        marginal_event: SubsampledGaussianEvent | None = None
        if cfg.private:
            assert train_budget is not None
            rho = rho_for_epsilon(train_budget.epsilon, train_budget.delta)
            z = gaussian_multiplier_for_rho(cfg.marginal_share * rho)
            measured = measure_domains(
                self.schema, table, noise_multiplier=z, threshold_delta=threshold_delta,
                bounds_epsilon=bounds_epsilon, rng=rng, n_quantile_bins=cfg.n_quantile_bins,
            )
            encoder, marginal_event = measured.encoder, measured.event
            encoder_targets: list[MarginalTarget] | None = list(measured.targets)
        else:
            encoder = TableEncoder.fit(
                self.schema, table, budget=None, rng=rng, n_quantile_bins=cfg.n_quantile_bins
            )
            encoder_targets = None
        order = model_order(encoder, cfg)
        codes_np = np.ascontiguousarray(encoder.encode(table)[:, order])
        codes = torch.from_numpy(codes_np)
        # Without DP the model is fitted to the exact table: calibration only corrects DP noise.
        targets = [encoder_targets[i] for i in order] if encoder_targets is not None else None

        previous_threads = torch.get_num_threads()
        torch.set_num_threads(1)  # ENVIRONMENT.md: far faster on these shared 2-core machines
        try:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seeds[0])
                model = AutoregressiveTabularModel(
                    [encoder.cardinalities[i] for i in order], hidden_dim=cfg.hidden_dim
                )
            if cfg.private:
                assert train_budget is not None
                result = self._train_private(
                    model, codes, train_budget, seeds, progress, marginal_event
                )
            else:
                result = self._train_plain(model, codes, seeds, progress)
        finally:
            torch.set_num_threads(previous_threads)

        model.eval()
        calibration = None
        if targets is not None:
            calibration = calibrate_to_marginals(
                model, targets, rng=rng, n_particles=cfg.calibration_particles
            )
        self._encoder, self._model, self._order = encoder, model, order
        spends = encoder.spends + ((result["spend"],) if cfg.private else ())
        if cfg.private:
            assert budget is not None
            total_eps = math.fsum(s.epsilon for s in spends)
            total_delta = math.fsum(s.delta for s in spends)
            if total_eps > budget.epsilon * (1 + 1e-9) or total_delta > budget.delta * (1 + 1e-9):
                raise PrivacyBudgetError(  # pragma: no cover - guarded by construction
                    "internal error: the stages spent more than the budget; nothing is released"
                )
        curve = tuple(result["curve"])
        self.record = TrainingRecord(
            spends=spends,
            noise_multiplier=result.get("sigma"),
            sample_rate=result["q"],
            steps=result["steps"],
            epochs=cfg.epochs,
            final_loss=curve[-1] if curve else float("nan"),
            loss_curve=curve,
            seconds=time.perf_counter() - started,
            step_seconds=result["loop_seconds"] / max(result["steps"], 1),
            private=cfg.private,
            n_train_rows=n,
            grad_sample_mode=cfg.grad_sample_mode if cfg.private else None,
            encoder=encoder.to_dict(),
            calibration=calibration.to_dict() if calibration is not None else None,
        )
        return self.record

    def _train_plain(
        self,
        model: AutoregressiveTabularModel,
        codes: torch.Tensor,
        seeds: list[int],
        progress: ProgressFn | None,
    ) -> dict[str, Any]:
        cfg = self.config
        n = codes.shape[0]
        generator = torch.Generator().manual_seed(seeds[1])
        loader = DataLoader(
            TensorDataset(codes),
            batch_size=min(cfg.logical_batch_size, n),
            shuffle=True,
            generator=generator,
        )
        optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
        model.train()
        curve: list[float] = []
        loop_started = time.perf_counter()
        steps = 0
        total_steps = cfg.epochs * len(loader)
        for epoch in range(1, cfg.epochs + 1):
            total, rows = 0.0, 0
            for (batch,) in loader:
                optimizer.zero_grad()
                nll = -model.log_likelihood(model(batch), batch)
                nll.mean().backward()
                optimizer.step()
                steps += 1
                _set_learning_rate(optimizer, cfg, steps, total_steps)
                total += float(nll.detach().sum())
                rows += batch.shape[0]
            curve.append(total / max(rows, 1))
            if progress is not None:
                progress("train", epoch, cfg.epochs)
        return {
            "curve": curve, "steps": steps, "q": min(cfg.logical_batch_size, n) / n,
            "loop_seconds": time.perf_counter() - loop_started,
        }

    def _train_private(
        self,
        model: AutoregressiveTabularModel,
        codes: torch.Tensor,
        budget: Budget,
        seeds: list[int],
        progress: ProgressFn | None,
        marginal_event: SubsampledGaussianEvent | None = None,
    ) -> dict[str, Any]:
        from opacus import PrivacyEngine
        from opacus.utils.batch_memory_manager import BatchMemoryManager

        cfg = self.config
        n = int(codes.shape[0])
        steps_per_epoch = math.ceil(n / cfg.logical_batch_size)
        q = 1.0 / steps_per_epoch  # what Opacus' DPDataLoader derives from this loader
        steps = cfg.epochs * steps_per_epoch
        fixed = (marginal_event,) if marginal_event is not None else ()
        sigma = calibrate_noise_multiplier_with(
            fixed,
            target_epsilon=budget.epsilon,
            delta=budget.delta,
            sample_rate=q,
            steps=steps,
            kind=cfg.accountant,
        )
        event = SubsampledGaussianEvent(sigma, q, steps)
        accounted = epsilon_for_events((*fixed, event), delta=budget.delta, kind=cfg.accountant)

        sampler_gen = torch.Generator().manual_seed(seeds[1])
        noise_gen = torch.Generator().manual_seed(seeds[2])
        loader = DataLoader(
            TensorDataset(codes), batch_size=cfg.logical_batch_size, generator=sampler_gen
        )
        optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
        ghost = cfg.grad_sample_mode == "ghost"
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ss]ecure [Rr][Nn][Gg].*")
            engine = PrivacyEngine(accountant=_opacus_accountant(cfg.accountant), secure_mode=False)
            made = engine.make_private(
                module=model,
                optimizer=optimizer,
                criterion=_RowNLL(model),
                data_loader=loader,
                noise_multiplier=sigma,
                max_grad_norm=cfg.max_grad_norm,
                poisson_sampling=True,
                noise_generator=noise_gen,
                grad_sample_mode=cfg.grad_sample_mode,
            )
        if ghost:
            dp_model, dp_optimizer, criterion, dp_loader = made
        else:
            dp_model, dp_optimizer, dp_loader = made
            criterion = None
        if not math.isclose(dp_loader.sample_rate, q, rel_tol=0, abs_tol=1e-15):
            raise PrivacyBudgetError(  # pragma: no cover - Opacus contract
                "Opacus' Poisson loader samples at a different rate than the one accounted"
            )
        if 1.0 / len(dp_loader) != q:
            # make_private hooks the accountant with 1/len(loader) = 1/int(1/q), which float
            # rounding can make 1/(m-1); re-attach it with the exact rate the loader samples at.
            dp_optimizer.attach_step_hook(engine.accountant.get_optimizer_hook_fn(sample_rate=q))

        curve: list[float] = []
        loop_started = time.perf_counter()
        done = 0
        total, rows = 0.0, 0
        dp_model.train()
        with (
            warnings.catch_warnings(),
            BatchMemoryManager(
                data_loader=dp_loader,
                max_physical_batch_size=cfg.max_physical_batch_size,
                optimizer=dp_optimizer,
            ) as physical_loader,
        ):
            # Opacus' hooks fire on outputs because index inputs need no gradient: expected.
            warnings.filterwarnings("ignore", message=".*[Ff]ull backward hook.*")
            while done < steps:
                for (batch,) in physical_loader:
                    dp_optimizer.zero_grad()
                    real_rows = int(batch.shape[0])
                    if real_rows == 0:
                        # An empty Poisson batch: run one public all-zero dummy row with loss
                        # weight 0, so every grad-sample mode yields a zero clipped sum and the
                        # optimizer still adds the noise and tells the accountant (exactly
                        # DP-SGD's update for an empty batch).
                        batch = torch.zeros((1, codes.shape[1]), dtype=codes.dtype)
                    weight = 1.0 if real_rows else 0.0
                    logits = dp_model(batch)
                    if criterion is not None:
                        loss = criterion(logits, batch) * weight
                        nll_sum = float(loss.loss_per_sample.detach().sum())
                    else:
                        nll = -model.log_likelihood(logits, batch) * weight
                        loss = nll.mean()
                        nll_sum = float(nll.detach().sum())
                    loss.backward()
                    dp_optimizer.step()
                    total += nll_sum
                    rows += real_rows
                    if dp_optimizer._is_last_step_skipped:
                        continue  # a physical micro-batch inside a logical batch
                    done += 1
                    _set_learning_rate(optimizer, cfg, done, steps)
                    if done % steps_per_epoch == 0:
                        curve.append(total / max(rows, 1))
                        total, rows = 0.0, 0
                        if progress is not None:
                            progress("train", done // steps_per_epoch, cfg.epochs)
                    if done == steps:
                        break
        dp_optimizer.zero_grad()
        if hasattr(dp_model, "cleanup"):  # drop Opacus' hooks and per-sample attributes
            dp_model.cleanup()

        history = [tuple(h) for h in engine.accountant.history]
        if history != [(sigma, q, steps)]:
            raise PrivacyBudgetError(
                f"Opacus' accountant recorded {history}, not the accounted "
                f"{[(sigma, q, steps)]}; the model is not released"
            )
        with warnings.catch_warnings():  # RDP's "optimal order is the largest alpha" is moot here
            warnings.filterwarnings("ignore", message=".*[Oo]ptimal order.*")
            opacus_eps = float(engine.get_epsilon(budget.delta))
        if opacus_eps > budget.epsilon * OPACUS_EPSILON_SLACK:
            raise PrivacyBudgetError(
                f"Opacus' {engine.accountant.mechanism()} accountant gives epsilon = "
                f"{opacus_eps:.4g}, above {OPACUS_EPSILON_SLACK} x the target {budget.epsilon:g}; "
                "the model is not released"
            )
        spend = StageSpend(
            stage="training",
            epsilon=accounted,
            delta=budget.delta,
            mechanism=TRAINING_MECHANISM if marginal_event is None else TRAINING_WITH_MARGINALS,
            detail={
                "noise_multiplier": sigma,
                "marginal_noise_multiplier": marginal_event.noise_multiplier if marginal_event else None,
                "composition": "the accountant composes every event listed here",
                "sample_rate": q,
                "steps": steps,
                "epochs": cfg.epochs,
                "logical_batch_size": cfg.logical_batch_size,
                "expected_batch_size": n * q,
                "max_grad_norm": cfg.max_grad_norm,
                "sampling": "poisson",
                "accountant": cfg.accountant.value,
                "accountant_epsilon": accounted,
                "target_epsilon": budget.epsilon,
                "opacus_loader_sample_rate": dp_loader.sample_rate,
                "opacus_accountant": engine.accountant.mechanism(),
                "opacus_epsilon": opacus_eps,
                "grad_sample_mode": cfg.grad_sample_mode,
                "secure_mode": False,
            },
        )
        return {
            "curve": curve, "steps": steps, "q": q, "sigma": sigma, "spend": spend,
            "loop_seconds": time.perf_counter() - loop_started,
        }

    # ------------------------------------------------------------------- after training

    def _fitted(self) -> tuple[TableEncoder, AutoregressiveTabularModel]:
        if self._encoder is None or self._model is None:
            raise InvalidInputError("the generator is not trained yet: call fit() first")
        return self._encoder, self._model

    @property
    def encoder(self) -> TableEncoder:
        return self._fitted()[0]

    def sampler(self) -> TableSampler:
        """A :class:`synth.sampling.TableSampler` over the trained model: conditional and
        rebalanced sampling, validators, and the counts of what sampling did. Sampling is
        post-processing of the trained model: it spends no budget."""
        encoder, model = self._fitted()
        assert self._order is not None
        return TableSampler(model, encoder, column_order=self._order)

    def sample(self, n: int | None = None, *, rng: np.random.Generator, **options: Any) -> pd.DataFrame:
        """``n`` synthetic rows: ``schema.synthesised`` columns in schema order. Integer numeric
        columns are ``Int64``, other numeric ``float64``, categorical and date (ISO) columns
        ``str``; the ``__missing__`` token decodes to a missing value, ``__other__`` stays as
        that literal. ``options`` (conditions, boost, validators, ...) are those of
        :meth:`synth.sampling.TableSampler.sample`; :meth:`sampler` also gives the counts."""
        return self.sampler().sample(n, rng=rng, **options).table

    def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
        """Exact per-row token log-likelihood (natural log) under the trained model, shape
        ``(n,)``. Values outside the measured domain map to ``__other__``/``__missing__``, numbers
        are clipped into the outer bins."""
        encoder, model = self._fitted()
        if not isinstance(rows, pd.DataFrame):
            raise InvalidInputError("rows must be a pandas DataFrame")
        assert self._order is not None
        codes = torch.from_numpy(np.ascontiguousarray(encoder.encode(rows)[:, self._order]))
        out = np.empty(codes.shape[0], dtype=np.float64)
        with torch.no_grad():
            for start in range(0, codes.shape[0], 8192):
                batch = codes[start : start + 8192]
                out[start : start + batch.shape[0]] = (
                    model.log_likelihood(model(batch), batch).double().numpy()
                )
        return out
