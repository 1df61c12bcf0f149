"""Typed, JSON-serialisable results of the model audit (canaries, offline LiRA, one-run
empirical epsilon). Measures only: no thresholds, no verdict; counts and scores' summaries,
never a canary's or a row's values (invariant 6)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from audit.empirical_epsilon import EmpiricalEpsilon
from audit.exposure import NULL_EXPOSURE_BITS
from audit.results import AttackResult
from privacy.errors import InvalidInputError


@dataclass(frozen=True)
class ExposureSummary:
    """Exposure of the canaries of one kind inserted ``repetitions`` times (0: drawn the same
    way but never inserted, the control), over every audit model.

    ``max_possible`` is the exposure of a canary ranked first in its candidate space
    (``log2`` of the number of other candidates); ``null_mean`` the expected exposure of a
    canary the model never saw (:data:`audit.exposure.NULL_EXPOSURE_BITS`). The extrapolated
    figures (record canaries only) rank the whole record against candidates drawn from the
    canaries' own distribution, through a skew-normal fit.
    """

    kind: str
    repetitions: int
    n_canaries: int
    candidates: int
    mean: float
    maximum: float
    max_possible: float
    mean_extrapolated: float | None = None
    max_extrapolated: float | None = None
    null_mean: float = NULL_EXPOSURE_BITS

    def __post_init__(self) -> None:
        if self.n_canaries < 1 or self.repetitions < 0 or self.candidates < 2:
            raise InvalidInputError("an exposure summary needs canaries, candidates and repetitions >= 0")

    @property
    def share_of_max(self) -> float:
        """Mean exposure as a share of the maximum possible (1: every canary ranked first)."""
        return self.mean / self.max_possible if self.max_possible > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "repetitions": int(self.repetitions),
            "n_canaries": int(self.n_canaries),
            "candidates": int(self.candidates),
            "mean": float(self.mean),
            "maximum": float(self.maximum),
            "max_possible": float(self.max_possible),
            "share_of_max": float(self.share_of_max),
            "mean_extrapolated": _opt(self.mean_extrapolated),
            "max_extrapolated": _opt(self.max_extrapolated),
            "null_mean": float(self.null_mean),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExposureSummary:
        return cls(
            kind=str(data["kind"]),
            repetitions=int(data["repetitions"]),
            n_canaries=int(data["n_canaries"]),
            candidates=int(data["candidates"]),
            mean=float(data["mean"]),
            maximum=float(data["maximum"]),
            max_possible=float(data["max_possible"]),
            mean_extrapolated=_opt(data.get("mean_extrapolated")),
            max_extrapolated=_opt(data.get("max_extrapolated")),
            null_mean=float(data.get("null_mean", NULL_EXPOSURE_BITS)),
        )


@dataclass(frozen=True)
class ModelAudit:
    """What the audit models showed about the training configuration of a release.

    ``claimed_epsilon`` / ``claimed_delta`` are the per-record guarantee the audit models were
    trained under (``None`` epsilon: trained without DP). ``one_run`` is the 95% lower bound on
    epsilon from the one-run audit and ``one_run_ceiling`` the largest bound the same audit
    could have shown (every guess right); ``lira`` and ``lira_outliers`` the offline LiRA
    attack over every (audit model, population row) pair and over the rarest rows.
    ``seconds`` is the audit's wall time, ``train_seconds`` each audit model's training time.
    """

    n_models: int
    population_rows: int
    rows_per_model: tuple[int, ...]
    n_canaries: int
    claimed_epsilon: float | None
    claimed_delta: float
    secret_columns: tuple[str, ...]
    token_column: str | None
    exposures: tuple[ExposureSummary, ...]
    lira: AttackResult | None
    lira_outliers: AttackResult | None
    outlier_fraction: float
    n_references: int
    one_run: EmpiricalEpsilon | None
    one_run_ceiling: float | None
    white_box: bool
    seconds: float
    train_seconds: tuple[float, ...]
    config: dict[str, Any]
    notes: tuple[str, ...] = ()

    @property
    def empirical_epsilon(self) -> float | None:
        """The one-run lower bound on epsilon, or None when no one-run audit was made."""
        return self.one_run.lower_bound if self.one_run is not None else None

    @property
    def exceeds_claim(self) -> bool:
        """Whether the measured lower bound exceeds the claimed epsilon: with a correct
        implementation and accountant this happens with probability at most 1 - confidence."""
        if self.one_run is None or self.claimed_epsilon is None:
            return False
        return self.one_run.exceeds(self.claimed_epsilon)

    @property
    def tightness(self) -> float | None:
        """Lower bound divided by the claimed epsilon (None without DP or without a bound)."""
        if self.one_run is None or self.claimed_epsilon is None:
            return None
        return self.one_run.tightness(self.claimed_epsilon)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_models": int(self.n_models),
            "population_rows": int(self.population_rows),
            "rows_per_model": [int(r) for r in self.rows_per_model],
            "n_canaries": int(self.n_canaries),
            "claimed_epsilon": _opt(self.claimed_epsilon),
            "claimed_delta": float(self.claimed_delta),
            "secret_columns": list(self.secret_columns),
            "token_column": self.token_column,
            "exposures": [e.to_dict() for e in self.exposures],
            "lira": self.lira.to_dict() if self.lira is not None else None,
            "lira_outliers": self.lira_outliers.to_dict() if self.lira_outliers is not None else None,
            "outlier_fraction": float(self.outlier_fraction),
            "n_references": int(self.n_references),
            "one_run": self.one_run.to_dict() if self.one_run is not None else None,
            "one_run_ceiling": _opt(self.one_run_ceiling),
            "empirical_epsilon": _opt(self.empirical_epsilon),
            "exceeds_claim": self.exceeds_claim,
            "tightness": _opt(self.tightness),
            "white_box": bool(self.white_box),
            "seconds": float(self.seconds),
            "train_seconds": [float(s) for s in self.train_seconds],
            "config": self.config,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelAudit:
        return cls(
            n_models=int(data["n_models"]),
            population_rows=int(data["population_rows"]),
            rows_per_model=tuple(int(r) for r in data["rows_per_model"]),
            n_canaries=int(data["n_canaries"]),
            claimed_epsilon=_opt(data.get("claimed_epsilon")),
            claimed_delta=float(data["claimed_delta"]),
            secret_columns=tuple(data["secret_columns"]),
            token_column=data.get("token_column"),
            exposures=tuple(ExposureSummary.from_dict(e) for e in data["exposures"]),
            lira=AttackResult.from_dict(data["lira"]) if data.get("lira") else None,
            lira_outliers=(
                AttackResult.from_dict(data["lira_outliers"]) if data.get("lira_outliers") else None
            ),
            outlier_fraction=float(data["outlier_fraction"]),
            n_references=int(data["n_references"]),
            one_run=EmpiricalEpsilon.from_dict(data["one_run"]) if data.get("one_run") else None,
            one_run_ceiling=_opt(data.get("one_run_ceiling")),
            white_box=bool(data["white_box"]),
            seconds=float(data["seconds"]),
            train_seconds=tuple(float(s) for s in data["train_seconds"]),
            config=dict(data.get("config", {})),
            notes=tuple(data.get("notes", ())),
        )


def _opt(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
