"""Typed, JSON-serialisable results of membership-inference attacks.

A result measures; it never judges (DESIGN.md: measure, judge, render). It holds counts,
estimates with intervals and a downsampled ROC curve for plotting, and never a raw record or a
raw score of one (invariant 6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from privacy.errors import InvalidInputError, join_problems
from privacy.estimate import Estimate

#: An attack that guesses at random has ROC AUC 0.5 whatever the data.
BASELINE_AUC = 0.5
#: ROC curves are stored with at most this many points (enough to plot on log axes).
ROC_MAX_POINTS = 200


class ThreatModel(StrEnum):
    """What the attacker is assumed to have access to."""

    WHITE_BOX_LIKELIHOOD = "white-box likelihood"  # the trained model's exact log-likelihood
    BLACK_BOX_SYNTHETIC = "black-box synthetic only"  # only the released synthetic table


@dataclass(frozen=True)
class TprAtFpr:
    """True-positive rate of an attack at a low false-positive rate (Carlini et al. 2022, §3).

    The threshold is the one with the highest TPR among thresholds whose empirical FPR on the
    non-members is at most ``target_fpr``; ``achieved_fpr`` is that threshold's empirical FPR
    (``false_positives / n_non_members``). ``tpr`` is ``true_positives / n_members`` with a
    Clopper-Pearson interval. With fewer than ``1 / target_fpr`` non-members the only admissible
    threshold is the one with no false positive at all, so the target cannot be resolved:
    ``resolvable`` is then False and ``tpr`` is the TPR at zero false positives, which says
    nothing about the attack's behaviour at ``target_fpr`` itself.
    """

    target_fpr: float
    achieved_fpr: float
    true_positives: int
    false_positives: int
    tpr: Estimate
    resolvable: bool

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not 0 < self.target_fpr < 1:
            problems.append(f"target_fpr must be in (0, 1) (got {self.target_fpr})")
        if not 0 <= self.achieved_fpr <= 1:
            problems.append(f"achieved_fpr must be in [0, 1] (got {self.achieved_fpr})")
        if self.true_positives < 0 or self.false_positives < 0:
            problems.append("counts must be >= 0")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_fpr": float(self.target_fpr),
            "achieved_fpr": float(self.achieved_fpr),
            "true_positives": int(self.true_positives),
            "false_positives": int(self.false_positives),
            "tpr": estimate_dict(self.tpr),
            "resolvable": bool(self.resolvable),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TprAtFpr:
        return cls(
            target_fpr=float(data["target_fpr"]),
            achieved_fpr=float(data["achieved_fpr"]),
            true_positives=int(data["true_positives"]),
            false_positives=int(data["false_positives"]),
            tpr=Estimate.from_dict(data["tpr"]),
            resolvable=bool(data["resolvable"]),
        )


@dataclass(frozen=True)
class AttackResult:
    """The measured success of one membership-inference attack; no verdict.

    ``auc`` is the ROC AUC of the attack's scores (members positive), with a Hanley & McNeil
    (1982) normal interval; ``advantage`` is the membership advantage max over thresholds of
    TPR - FPR (Yeom et al. 2018, Def. 4), with a distribution-free DKW interval (see
    :func:`audit.membership.likelihood_attack`); ``tpr_at_fpr`` maps each target FPR to the TPR
    reached there; ``roc`` is the empirical ROC curve as ``(fpr, tpr)`` points, at most
    :data:`ROC_MAX_POINTS` of them, chosen to be dense at low FPR for log-axis plots.
    """

    attack: str
    threat_model: ThreatModel
    n_members: int
    n_non_members: int
    auc: Estimate
    tpr_at_fpr: dict[float, TprAtFpr]
    advantage: Estimate
    roc: tuple[tuple[float, float], ...]
    notes: str = ""
    baseline_auc: float = field(default=BASELINE_AUC)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.attack, str) or not self.attack.strip():
            problems.append("an attack result needs a non-empty attack name")
        if not isinstance(self.threat_model, ThreatModel):
            problems.append("threat_model must be a ThreatModel")
        if self.n_members <= 0 or self.n_non_members <= 0:
            problems.append(
                f"an attack needs members and non-members (got {self.n_members} and "
                f"{self.n_non_members})"
            )
        for name in ("auc", "advantage"):
            est = getattr(self, name)
            if not (0 <= est.lower and est.upper <= 1):
                problems.append(f"{name} must lie in [0, 1]")
        for key, point in self.tpr_at_fpr.items():
            if not math.isclose(key, point.target_fpr):
                problems.append(f"tpr_at_fpr key {key} differs from its target {point.target_fpr}")
        if len(self.roc) > ROC_MAX_POINTS:
            problems.append(f"roc holds {len(self.roc)} points; at most {ROC_MAX_POINTS} allowed")
        if any(not (0 <= f <= 1 and 0 <= t <= 1) for f, t in self.roc):
            problems.append("roc points must lie in [0, 1] x [0, 1]")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @property
    def beats_baseline(self) -> bool:
        """Whether the AUC interval lies wholly above the random-guess baseline."""
        return self.auc.lower > self.baseline_auc

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (str, int, float, bool, list, dict); no raw records."""
        return {
            "attack": self.attack,
            "threat_model": self.threat_model.value,
            "n_members": int(self.n_members),
            "n_non_members": int(self.n_non_members),
            "auc": estimate_dict(self.auc),
            "baseline_auc": float(self.baseline_auc),
            "beats_baseline": self.beats_baseline,
            "advantage": estimate_dict(self.advantage),
            "tpr_at_fpr": [p.to_dict() for _, p in sorted(self.tpr_at_fpr.items(), reverse=True)],
            "roc": [[float(f), float(t)] for f, t in self.roc],
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttackResult:
        points = [TprAtFpr.from_dict(p) for p in data["tpr_at_fpr"]]
        return cls(
            attack=str(data["attack"]),
            threat_model=ThreatModel(data["threat_model"]),
            n_members=int(data["n_members"]),
            n_non_members=int(data["n_non_members"]),
            auc=Estimate.from_dict(data["auc"]),
            tpr_at_fpr={p.target_fpr: p for p in points},
            advantage=Estimate.from_dict(data["advantage"]),
            roc=tuple((float(f), float(t)) for f, t in data["roc"]),
            notes=str(data.get("notes", "")),
            baseline_auc=float(data.get("baseline_auc", BASELINE_AUC)),
        )


def estimate_dict(est: Estimate) -> dict[str, Any]:
    """An estimate as plain JSON types (no numpy scalars, the method as its string value)."""
    return {
        "value": float(est.value),
        "lower": float(est.lower),
        "upper": float(est.upper),
        "n": int(est.n),
        "method": est.method.value,
        "confidence": float(est.confidence),
    }
