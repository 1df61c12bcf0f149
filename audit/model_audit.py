"""The model audit: train audit models with planted canaries, then measure what they leak.

What is audited is a :class:`audit.protocol.GeneratorTrainer`: the release's training
configuration, run again on other tables (invariant 5: the release model never sees a canary;
audit models are separate and never influence the release). ``k`` audit models each train on a
balanced random half of the population (every row in exactly ``k / 2`` of them) plus canaries:

- **one-run canaries** (Steinke, Nasr & Jagielski 2023): ``m`` record canaries, each included
  in each model independently with probability 1/2, so the audit has ``k m`` inclusion coins.
  A canary's score under model ``i`` is its log-likelihood there minus its mean log-likelihood
  under the other models (a label-free calibration: the guesses depend on the models only).
  The highest and lowest scores are guessed "in" and "out", in counts fixed beforehand, and the
  correct guesses become a 95% lower bound on epsilon. The bound is valid for the pooled coins
  because each model is (epsilon, delta)-DP in each of its own coins and the models are trained
  independently.
- **exposure canaries** (Carlini et al. 2019): per model, fresh record canaries (and token
  canaries when a column can learn a new token) inserted 1, 2, 4, 8... times, plus canaries
  drawn the same way and never inserted (the control, repetitions 0).
- **offline LiRA** (Carlini et al. 2022) on every (model, population row) pair, and on the rarest
  rows (see :mod:`audit.lira`).

A generator without ``log_prob`` is audited black-box: every score is then minus the distance
from a row to the nearest of the generator's own samples.

The audit's figures are computed from the real table without noise; they are evidence about the
release's configuration and lie outside the differential-privacy guarantee of the release.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from audit.canaries import CanaryDesign, CanaryKind, design_canaries, row_keys
from audit.empirical_epsilon import max_lower_bound, one_run_audit
from audit.exposure import MIN_REFERENCE_SCORES, exposure_by_rank, extrapolated_exposure
from audit.lira import balanced_inclusion, offline_lira_scores
from audit.membership import (
    DEFAULT_FPR_TARGETS,
    closest_record_distances,
    columns_by_dtype,
    likelihood_attack,
)
from audit.model_audit_results import ExposureSummary, ModelAudit
from audit.protocol import GeneratorTrainer, SupportsLogProb, SupportsSample
from audit.results import ThreatModel
from privacy.errors import InvalidInputError, join_problems

ProgressFn = Callable[[str, int, int], None]

#: The smallest population an audit can split into halves and still plant canaries in.
MIN_POPULATION_ROWS = 40
#: Synthetic rows drawn from a sample-only generator to score rows by distance.
BLACK_BOX_SAMPLE_ROWS = 5000


@dataclass(frozen=True)
class AuditConfig:
    """How much auditing to do. The default costs about twice the release's training: four
    models on half of the rows each.

    ``canary_share`` of the population (at most ``max_canaries``) becomes one-run canaries;
    ``guess_share`` of the ``n_models * m`` inclusion coins are guessed, half "in" and half
    "out"; ``repetitions`` are the insertion counts of exposure canaries (0, the control, is
    always added), ``canaries_per_repetition`` per model and kind; ``max_candidates`` bounds an
    enumerated candidate space, ``reference_candidates`` the draws for extrapolated exposure;
    ``outlier_share`` of the (model, row) pairs with the lowest reference likelihood form the
    outlier targets of LiRA.
    """

    n_models: int = 4
    canary_share: float = 0.05
    max_canaries: int = 500
    min_canaries: int = 10
    guess_share: float = 0.2
    repetitions: tuple[int, ...] = (1, 2, 4, 8)
    canaries_per_repetition: int = 1
    max_candidates: int = 4096
    reference_candidates: int = 1000
    outlier_share: float = 0.05
    confidence: float = 0.95

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.n_models, int) or self.n_models < 2 or self.n_models % 2:
            problems.append(f"n_models must be an even integer >= 2 (got {self.n_models})")
        for name in ("canary_share", "guess_share", "outlier_share"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 < value < 1:
                problems.append(f"{name} must be in (0, 1) (got {value})")
        for name in ("max_canaries", "min_canaries", "canaries_per_repetition"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                problems.append(f"{name} must be a positive integer (got {value})")
        if not all(isinstance(r, int) and r >= 1 for r in self.repetitions):
            problems.append("repetitions must be positive integers")
        if self.max_candidates < 2:
            problems.append("max_candidates must be >= 2")
        if self.reference_candidates < MIN_REFERENCE_SCORES:
            problems.append(f"reference_candidates must be >= {MIN_REFERENCE_SCORES}")
        if not 0 < self.confidence < 1:
            problems.append("confidence must be in (0, 1)")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["repetitions"] = list(self.repetitions)
        return data


def audit_generator(
    trainer: GeneratorTrainer,
    population: pd.DataFrame,
    *,
    claimed_epsilon: float | None,
    claimed_delta: float,
    rng: np.random.Generator,
    config: AuditConfig | None = None,
    token_columns: Sequence[str] = (),
    secret_columns: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
) -> ModelAudit:
    """Train ``config.n_models`` audit models with ``trainer`` and measure them (module
    docstring). ``population`` holds the rows the release trained on, in the columns the
    generator learns; ``claimed_epsilon`` (None: no DP) and ``claimed_delta`` are the per-row
    guarantee each audit model is trained under; ``token_columns`` are categorical columns whose
    categories the generator learns from data (where an SSN-like token could be learnt);
    ``secret_columns`` those a record canary's secret may use (default: the non-numeric ones).
    """
    cfg = config if config is not None else AuditConfig()
    _check_inputs(trainer, population, claimed_epsilon, claimed_delta, cfg)
    report = progress or (lambda _stage, _done, _total: None)
    started = time.perf_counter()
    population = population.reset_index(drop=True)
    n = len(population)
    k = cfg.n_models
    design = design_canaries(
        population,
        max_candidates=cfg.max_candidates,
        token_columns=token_columns,
        secret_candidates=secret_columns,
    )
    notes: list[str] = []
    if design.n_candidates < 2:
        notes.append("No column has two or more values: record canaries have no secret to rank.")

    m = min(cfg.max_canaries, round(cfg.canary_share * n))
    seen = set(row_keys(population))  # canaries are unique: never a population row, never twice
    one_run = design.record_canaries(m, rng, seen=seen) if m >= cfg.min_canaries else None
    if one_run is None:
        notes.append(
            f"The population is too small for the one-run audit ({m} canaries < "
            f"{cfg.min_canaries}); no empirical epsilon is reported."
        )
    inclusion = balanced_inclusion(n, k, rng)
    canary_in = rng.random((k, m)) < 0.5 if one_run is not None else np.zeros((k, 0), bool)
    references = design.draw(cfg.reference_candidates, rng)

    population_scores = np.empty((k, n))
    canary_scores = np.empty((k, m if one_run is not None else 0))
    exposures: dict[tuple[str, int], list[tuple[float, float | None, int, float]]] = {}
    train_seconds: list[float] = []
    rows_per_model: list[int] = []
    white_box = True
    for i in range(k):
        report("audit models", i, k)
        planted = _exposure_canaries(design, cfg, rng, seen=seen)
        parts = [population[inclusion[i]]]
        if one_run is not None:
            parts.append(one_run[canary_in[i]])
        parts += [
            pd.concat([rows] * reps, ignore_index=True)
            for (_, reps), rows in planted.items()
            if reps > 0
        ]
        table = pd.concat(parts, ignore_index=True)
        table = table.iloc[rng.permutation(len(table))].reset_index(drop=True)
        rows_per_model.append(len(table))
        t0 = time.perf_counter()
        model = trainer.train(table, rng=rng)
        train_seconds.append(time.perf_counter() - t0)
        score = _scorer(model, population, rng)
        white_box = white_box and isinstance(model, SupportsLogProb)
        population_scores[i] = score(population)
        if one_run is not None:
            canary_scores[i] = score(one_run)
        reference_scores = score(references)
        for (kind, reps), rows in planted.items():
            for j in range(len(rows)):
                exposures.setdefault((kind, reps), []).append(
                    _exposure(design, kind, rows.iloc[j], score, reference_scores)
                )
    report("audit models", k, k)

    lira = lira_outliers = None
    n_refs = 0
    if k >= 4:
        lira_scores = offline_lira_scores(population_scores, inclusion, rng)
        n_refs = lira_scores.n_references
        threat = ThreatModel.WHITE_BOX_LIKELIHOOD if white_box else ThreatModel.BLACK_BOX_SYNTHETIC
        what = "log-likelihood" if white_box else "minus the distance to the nearest sample"
        lira = likelihood_attack(
            member_scores=lira_scores.member_scores,
            non_member_scores=lira_scores.non_member_scores,
            attack="offline LiRA",
            threat_model=threat,
            fpr_targets=DEFAULT_FPR_TARGETS,
            confidence=cfg.confidence,
            notes=(
                f"Score: {what} under the target audit model minus its mean under {n_refs} "
                "reference model(s) that did not train on the row (offline LiRA, global "
                "variance; Carlini et al. 2022). Pooled over every audit model as target."
            ),
        )
        out_members, out_non = lira_scores.outliers(cfg.outlier_share)
        if out_members.size and out_non.size:
            lira_outliers = likelihood_attack(
                member_scores=out_members,
                non_member_scores=out_non,
                attack="offline LiRA, outliers",
                threat_model=threat,
                fpr_targets=DEFAULT_FPR_TARGETS,
                confidence=cfg.confidence,
                notes=(
                    f"The {cfg.outlier_share:.0%} of (model, row) pairs least likely under "
                    "their reference models: the rarest records."
                ),
            )
    else:
        notes.append("Offline LiRA needs at least 4 audit models; none was run.")

    empirical = ceiling = None
    if one_run is not None:
        calibrated = _calibrated(canary_scores)
        n_guess = max(1, math.floor(cfg.guess_share * calibrated.size / 2))
        empirical = one_run_audit(
            scores=calibrated.ravel(),
            included=canary_in.ravel(),
            n_guess_in=n_guess,
            n_guess_out=n_guess,
            delta=claimed_delta,
            confidence=cfg.confidence,
        )
        ceiling = max_lower_bound(calibrated.size, 2 * n_guess, claimed_delta, cfg.confidence)
    if not white_box:
        notes.append(
            "The generator offers no log-likelihood: every score is black-box (distance to the "
            f"nearest of {BLACK_BOX_SAMPLE_ROWS:,} of its samples)."
        )
    if design.token_column is None:
        notes.append(
            "No token canaries: no released categorical column learns its categories from the "
            "data (a declared domain cannot hold a new token, so a token cannot be learnt)."
        )
    return ModelAudit(
        n_models=k,
        population_rows=n,
        rows_per_model=tuple(rows_per_model),
        n_canaries=m if one_run is not None else 0,
        claimed_epsilon=claimed_epsilon,
        claimed_delta=claimed_delta,
        secret_columns=design.secret_columns,
        token_column=design.token_column,
        exposures=_summaries(exposures),
        lira=lira,
        lira_outliers=lira_outliers,
        outlier_fraction=cfg.outlier_share,
        n_references=n_refs,
        one_run=empirical,
        one_run_ceiling=ceiling,
        white_box=white_box,
        seconds=time.perf_counter() - started,
        train_seconds=tuple(train_seconds),
        config=cfg.to_dict(),
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# Steps


def _check_inputs(
    trainer: object,
    population: object,
    claimed_epsilon: float | None,
    claimed_delta: float,
    cfg: AuditConfig,
) -> None:
    problems: list[str] = []
    if not isinstance(trainer, GeneratorTrainer):
        problems.append(
            f"the audit needs a trainer with train(table, rng=...); got {type(trainer).__name__}"
        )
    if not isinstance(population, pd.DataFrame):
        problems.append("the population must be a pandas DataFrame")
    elif len(population) < MIN_POPULATION_ROWS or population.shape[1] == 0:
        problems.append(
            f"the audit needs at least {MIN_POPULATION_ROWS} population rows and one column "
            f"(got {len(population)} rows, {population.shape[1]} columns)"
        )
    if claimed_epsilon is not None and not (
        isinstance(claimed_epsilon, int | float) and claimed_epsilon > 0
    ):
        problems.append("claimed_epsilon must be > 0, or None for a model trained without DP")
    if not isinstance(claimed_delta, int | float) or not 0 <= claimed_delta < 1:
        problems.append("claimed_delta must be in [0, 1)")
    if problems:
        raise InvalidInputError(join_problems(problems))


def _exposure_canaries(
    design: CanaryDesign, cfg: AuditConfig, rng: np.random.Generator, *, seen: set[tuple[str, ...]]
) -> dict[tuple[str, int], pd.DataFrame]:
    """Fresh exposure canaries for one model, keyed by (kind, repetitions); 0 = the control."""
    kinds = [CanaryKind.RECORD] if design.n_candidates >= 2 else []
    if design.token_column is not None:
        kinds.append(CanaryKind.TOKEN)
    planted: dict[tuple[str, int], pd.DataFrame] = {}
    for kind in kinds:
        for reps in (0, *cfg.repetitions):
            draw = design.token_canaries if kind == CanaryKind.TOKEN else design.record_canaries
            planted[(kind, reps)] = draw(cfg.canaries_per_repetition, rng, seen=seen)
    return planted


def _scorer(
    model: SupportsSample, population: pd.DataFrame, rng: np.random.Generator
) -> Callable[[pd.DataFrame], np.ndarray]:
    """Rows -> scores, higher meaning "more likely trained on": the log-likelihood when the
    model has one, else minus the distance to the nearest of its samples."""
    if isinstance(model, SupportsLogProb):

        def white_box(rows: pd.DataFrame) -> np.ndarray:
            out = np.asarray(model.log_prob(rows), dtype=float)
            if out.shape != (len(rows),) or np.isnan(out).any():
                raise InvalidInputError(
                    "log_prob must return one non-NaN log-likelihood per row "
                    f"(got shape {out.shape})"
                )
            return out

        return white_box
    if not isinstance(model, SupportsSample):
        raise InvalidInputError(
            f"the trainer returned {type(model).__name__}, which can neither sample nor score"
        )
    samples = model.sample(BLACK_BOX_SAMPLE_ROWS, rng=rng)
    columns = [c for c in population.columns if c in samples.columns]
    if not columns:
        raise InvalidInputError("the generator's samples share no column with the population")
    numeric, categorical = columns_by_dtype(population[columns])

    def black_box(rows: pd.DataFrame) -> np.ndarray:
        return -closest_record_distances(
            samples[columns], rows[columns], numeric=numeric, categorical=categorical
        )

    return black_box


def _exposure(
    design: CanaryDesign,
    kind: str,
    canary: pd.Series,
    score: Callable[[pd.DataFrame], np.ndarray],
    reference_scores: np.ndarray,
) -> tuple[float, float | None, int, float]:
    """(exposure by rank, extrapolated exposure or None, candidates, max exposure)."""
    if kind == CanaryKind.TOKEN:
        candidates, own = design.token_candidates(canary)
    else:
        candidates, own = design.record_candidates(canary)
    scores = score(candidates)
    others = np.delete(scores, own)
    by_rank = exposure_by_rank(float(scores[own]), others)
    extrapolated = None
    if kind == CanaryKind.RECORD:
        extrapolated = extrapolated_exposure(float(scores[own]), reference_scores)
    return by_rank, extrapolated, len(candidates), math.log2(others.size)


def _calibrated(canary_scores: np.ndarray) -> np.ndarray:
    """Each model's canary scores minus their mean under the other models (label-free)."""
    k = canary_scores.shape[0]
    if k < 2:
        return canary_scores
    total = canary_scores.sum(axis=0, keepdims=True)
    return canary_scores - (total - canary_scores) / (k - 1)


def _summaries(
    exposures: dict[tuple[str, int], list[tuple[float, float | None, int, float]]],
) -> tuple[ExposureSummary, ...]:
    out = []
    for (kind, reps), values in sorted(exposures.items()):
        by_rank = np.array([v[0] for v in values])
        extra = [v[1] for v in values if v[1] is not None]
        out.append(
            ExposureSummary(
                kind=kind,
                repetitions=reps,
                n_canaries=len(values),
                candidates=values[0][2],
                mean=float(by_rank.mean()),
                maximum=float(by_rank.max()),
                max_possible=values[0][3],
                mean_extrapolated=float(np.mean(extra)) if extra else None,
                max_extrapolated=float(np.max(extra)) if extra else None,
            )
        )
    return tuple(out)
