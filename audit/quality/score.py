"""The 0-100 quality score: named parts, each mapped to 0-100, and their weighted mean.

Follows SDMetrics' idea of metrics with a declared goal and range rolled up into properties
(``sdmetrics/reports/single_table``), but not its ``nanmean``: a part that cannot be computed
is kept in the result as *not computed* with its reason, is left out of the mean explicitly,
and the score names the parts it covers. It is never counted as 0 or as 100.

Every part measures a similarity ``s`` (higher is better; 1 is "indistinguishable") and maps it
to ``100 * clip((s - floor) / (1 - floor), 0, 1)``:

============  ==========================================================  ======  ======
part          similarity ``s``                                            floor   weight
============  ==========================================================  ======  ======
one_way       1 - mean 1-way TVD over columns (numbers in quantile bins)  0       0.20
two_way       1 - mean 2-way TVD over every column pair                   0       0.20
correlation   1 - mean association difference over pairs (|dV| of        0       0.20
              Cramér's V; numeric pairs average it with |d rho|/2 of
              Spearman's rho)
pca           mean of Krzanowski's subspace similarity and                0       0.10
              1 - spectrum distance
utility       TSTR / TRTR ROC-AUC                                         chance  0.30
============  ==========================================================  ======  ======

For utility the floor is the ratio a classifier at chance (AUC 0.5) would reach,
``0.5 / AUC_TRTR``, so the part reads ``(AUC_TSTR - 0.5) / (AUC_TRTR - 0.5)``: 0 means "no
better than guessing", 100 means "as good as training on real rows". PCA weighs less than the
other fidelity parts because the spectrum of standardised columns is largely determined by the
same pairwise associations the correlation part already scores. Utility weighs most because it
is the one part that tests a whole-table use. Callers may pass their own weights.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from privacy.errors import InvalidInputError, join_problems


class ScorePart(StrEnum):
    """The parts of the quality score, in reporting order."""

    ONE_WAY = "one_way"
    TWO_WAY = "two_way"
    CORRELATION = "correlation"
    PCA = "pca"
    UTILITY = "utility"


class PartNotApplicable(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by a part's computation when the data give it nothing to measure. Its message is
    the reason recorded in the score; it names columns and counts, never a value."""


class PartStatus(StrEnum):
    """Whether a part of the score was computed."""

    COMPUTED = "computed"
    NOT_APPLICABLE = "not_applicable"  # nothing to measure (no target column, a single column)
    FAILED = "failed"  # the computation raised; the reason names the error, never a value


@dataclass(frozen=True)
class PartSpec:
    """How a part is measured and mapped to 0-100 (see the module docstring)."""

    title: str
    measure: str
    mapping: str
    weight: float


#: The registry of score parts: what each measures, its mapping to 0-100 and its default weight.
SCORE_PARTS: Mapping[ScorePart, PartSpec] = MappingProxyType(
    {
        ScorePart.ONE_WAY: PartSpec(
            "1-way marginals",
            "1 - mean 1-way TVD over columns (numeric and date columns in quantile bins)",
            "100 * s",
            0.20,
        ),
        ScorePart.TWO_WAY: PartSpec(
            "2-way marginals",
            "1 - mean 2-way TVD over every column pair (same bins)",
            "100 * s",
            0.20,
        ),
        ScorePart.CORRELATION: PartSpec(
            "Pairwise association",
            "1 - mean over pairs of |difference of Cramér's V| (numeric pairs: averaged with "
            "|difference of Spearman's rho| / 2)",
            "100 * s",
            0.20,
        ),
        ScorePart.PCA: PartSpec(
            "PCA structure",
            "mean of Krzanowski's subspace similarity (top-k components) and 1 - spectrum "
            "distance",
            "100 * s",
            0.10,
        ),
        ScorePart.UTILITY: PartSpec(
            "Downstream utility",
            "TSTR / TRTR ROC-AUC ratio",
            "100 * clip((AUC_TSTR - 0.5) / (AUC_TRTR - 0.5), 0, 1)",
            0.30,
        ),
    }
)

DEFAULT_WEIGHTS: Mapping[ScorePart, float] = MappingProxyType(
    {part: spec.weight for part, spec in SCORE_PARTS.items()}
)


#: Scores are rounded to this many decimals, so floating-point noise never shows as a loss.
SCORE_DECIMALS = 9


def part_score(similarity: float, *, floor: float = 0.0) -> float:
    """``100 * clip((similarity - floor) / (1 - floor), 0, 1)``, rounded to
    :data:`SCORE_DECIMALS` decimals; ``floor`` must be below 1."""
    if not (math.isfinite(similarity) and math.isfinite(floor) and floor < 1):
        raise InvalidInputError(
            f"a part score needs a finite similarity and a floor below 1 (got {similarity}, "
            f"{floor})"
        )
    return round(100.0 * min(1.0, max(0.0, (similarity - floor) / (1.0 - floor))), SCORE_DECIMALS)


@dataclass(frozen=True)
class PartScore:
    """One part of the score. ``similarity`` is the measured figure (see :data:`SCORE_PARTS`),
    ``score`` its 0-100 form; both are None, and ``reason`` says why, when not computed."""

    part: ScorePart
    status: PartStatus
    weight: float
    similarity: float | None = None
    score: float | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not (math.isfinite(self.weight) and self.weight >= 0):
            problems.append(f"{self.part}: weight must be finite and >= 0")
        if self.status is PartStatus.COMPUTED:
            if self.score is None or not (math.isfinite(self.score) and 0 <= self.score <= 100):
                problems.append(f"{self.part}: a computed part needs a score in [0, 100]")
            if self.similarity is None or not math.isfinite(self.similarity):
                problems.append(f"{self.part}: a computed part needs a finite similarity")
        else:
            if self.score is not None or self.similarity is not None:
                problems.append(f"{self.part}: a part not computed carries no score")
            if not self.reason.strip():
                problems.append(f"{self.part}: a part not computed needs its reason")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @property
    def computed(self) -> bool:
        return self.status is PartStatus.COMPUTED

    def to_dict(self) -> dict[str, Any]:
        spec = SCORE_PARTS[self.part]
        return {
            "part": self.part.value,
            "title": spec.title,
            "status": self.status.value,
            "weight": float(self.weight),
            "measure": spec.measure,
            "mapping": spec.mapping,
            "similarity": None if self.similarity is None else float(self.similarity),
            "score": None if self.score is None else float(self.score),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class QualityScore:
    """The 0-100 score: the weighted mean of the computed parts' scores, weights renormalised
    over those parts. ``parts`` holds every part of :class:`ScorePart`, computed or not."""

    value: float
    parts: tuple[PartScore, ...]

    def __post_init__(self) -> None:
        problems: list[str] = []
        names = [p.part for p in self.parts]
        if sorted(names) != sorted(ScorePart) or len(names) != len(ScorePart):
            problems.append("the score needs exactly one entry for every part")
        expected = _weighted_mean(self.parts)
        if expected is None:
            problems.append("the score needs at least one computed part with a positive weight")
        elif not (math.isfinite(self.value) and abs(self.value - expected) <= 1e-9):
            problems.append("the score must be the weighted mean of its computed parts")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @classmethod
    def from_parts(cls, parts: list[PartScore] | tuple[PartScore, ...]) -> QualityScore:
        order = {p: i for i, p in enumerate(ScorePart)}
        ordered = tuple(sorted(parts, key=lambda p: order[p.part]))
        value = _weighted_mean(ordered)
        if value is None:
            raise InvalidInputError(
                "no part of the quality score with a positive weight could be computed: "
                + "; ".join(f"{p.part.value}: {p.reason}" for p in ordered if not p.computed)
            )
        return cls(value, ordered)

    def part(self, part: ScorePart) -> PartScore:
        return next(p for p in self.parts if p.part is part)

    @property
    def covers(self) -> tuple[ScorePart, ...]:
        """The parts the value averages (computed, positive weight)."""
        return tuple(p.part for p in self.parts if p.computed and p.weight > 0)

    @property
    def not_computed(self) -> tuple[PartScore, ...]:
        return tuple(p for p in self.parts if not p.computed)

    @property
    def complete(self) -> bool:
        """Whether every part with a positive weight was computed."""
        return all(p.computed for p in self.parts if p.weight > 0)

    def describe(self) -> str:
        """One sentence: which parts the value covers and which were not computed, and why."""
        text = "Covers " + ", ".join(SCORE_PARTS[p].title for p in self.covers) + "."
        missing = self.not_computed
        if missing:
            text += " Not computed, so left out of the mean (not counted as 0 or 100): " + "; ".join(
                f"{SCORE_PARTS[p.part].title} ({p.reason})" for p in missing
            ) + "."
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": float(self.value),
            "range": [0.0, 100.0],
            "goal": "maximize",
            "covers": [p.value for p in self.covers],
            "complete": self.complete,
            "parts": [p.to_dict() for p in self.parts],
            "summary": self.describe(),
        }


def _weighted_mean(parts: tuple[PartScore, ...] | list[PartScore]) -> float | None:
    used = [(p.weight, p.score) for p in parts if p.computed and p.weight > 0]
    total = sum(w for w, _ in used)
    if not used or total <= 0:
        return None
    return round(float(sum(w * s for w, s in used if s is not None) / total), SCORE_DECIMALS)


def check_weights(weights: Mapping[ScorePart, float]) -> dict[ScorePart, float]:
    """Weights for every part (missing parts take their default), each finite and >= 0."""
    problems: list[str] = []
    unknown = [k for k in weights if not isinstance(k, ScorePart)]
    if unknown:
        problems.append(f"weights must be keyed by ScorePart (got {unknown})")
    out = dict(DEFAULT_WEIGHTS)
    for part, w in weights.items():
        if isinstance(part, ScorePart):
            if not (isinstance(w, int | float) and math.isfinite(w) and w >= 0):
                problems.append(f"weight of {part.value} must be finite and >= 0 (got {w})")
            else:
                out[part] = float(w)
    if not problems and sum(out.values()) <= 0:
        problems.append("at least one weight must be positive")
    if problems:
        raise InvalidInputError(join_problems(problems))
    return out
