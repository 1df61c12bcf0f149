"""The policy: the reader's own thresholds, read from TOML (never hard-coded in the judge)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from privacy.errors import InvalidInputError, join_problems

#: Presets shipped as TOML in ``clearance/policies``, each named after the practice it follows.
PRESETS = (
    "default", "controlled-sharing", "public-release", "public-release-strict",
    "trusted-recipient", "internal-testing",
)  # fmt: skip


@dataclass(frozen=True)
class Policy:
    """Thresholds for every check the judge applies. Checks itself on construction."""

    name: str
    description: str
    basis: str
    max_epsilon: float
    max_delta: float
    require_entity_level: bool
    max_released_identifier_columns: int
    max_mia_auc: float
    max_mia_tpr_at_fpr_1pct: float
    min_quality_score: float  # 0-100 quality score; 0 makes the finding informational
    min_tstr_ratio: float  # TSTR / TRTR ROC-AUC; 0 makes the finding informational
    max_average_reidentification_risk: float
    max_record_reidentification_risk: float
    max_attack_residual_risk: float
    # [audit]: the one-run lower bound may reach at most this share of the claimed epsilon
    max_empirical_over_claimed: float = 1.0
    require_model_audit: bool = False  # a run that skips the model audit FAILs (else WARNs)

    def __post_init__(self) -> None:
        problems = []
        if not (math.isfinite(self.max_epsilon) and self.max_epsilon > 0):
            problems.append("privacy.max_epsilon must be > 0")
        if not 0 <= self.max_delta < 1:
            problems.append("privacy.max_delta must be in [0, 1)")
        if self.max_released_identifier_columns < 0:
            problems.append("pii.max_released_identifier_columns must be >= 0")
        for label, value in (
            ("membership_inference.max_auc", self.max_mia_auc),
            ("membership_inference.max_tpr_at_fpr_1pct", self.max_mia_tpr_at_fpr_1pct),
            ("synthetic_attacks.max_residual_risk", self.max_attack_residual_risk),
        ):
            if not 0 <= value <= 1:
                problems.append(f"{label} must be in [0, 1]")
        for label, value in (
            ("reidentification_risk.max_average_risk", self.max_average_reidentification_risk),
            ("reidentification_risk.max_record_risk", self.max_record_reidentification_risk),
        ):
            if not 0 < value <= 1:
                problems.append(f"{label} must be a probability in (0, 1]")
        if not (math.isfinite(self.min_quality_score) and 0 <= self.min_quality_score <= 100):
            problems.append("quality.min_quality_score must be in [0, 100]")
        if not (math.isfinite(self.max_empirical_over_claimed)
                and 0 < self.max_empirical_over_claimed <= 1):
            problems.append(
                "audit.max_empirical_over_claimed must be in (0, 1]: above 1 would accept a "
                "measured lower bound that contradicts the claim"
            )
        if not (math.isfinite(self.min_tstr_ratio) and self.min_tstr_ratio >= 0):
            problems.append("quality.min_tstr_ratio must be >= 0")
        if problems:
            raise InvalidInputError("policy: " + join_problems(problems))

    @classmethod
    def from_toml_text(cls, text: str, *, source: str) -> Policy:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise InvalidInputError(f"policy {source} is not valid TOML: {err}") from None
        try:
            fields = dict(
                name=str(data["policy"]["name"]),
                description=str(data["policy"].get("description", "")),
                basis=str(data["policy"].get("basis", "")),
                max_epsilon=float(data["privacy"]["max_epsilon"]),
                max_delta=float(data["privacy"]["max_delta"]),
                require_entity_level=bool(data["privacy"]["require_entity_level"]),
                max_released_identifier_columns=int(data["pii"]["max_released_identifier_columns"]),
                max_mia_auc=float(data["membership_inference"]["max_auc"]),
                max_mia_tpr_at_fpr_1pct=float(data["membership_inference"]["max_tpr_at_fpr_1pct"]),
                **_quality_thresholds(data.get("quality", {})),
                max_average_reidentification_risk=float(
                    data["reidentification_risk"]["max_average_risk"]
                ),
                max_record_reidentification_risk=float(
                    data["reidentification_risk"]["max_record_risk"]
                ),
                max_attack_residual_risk=float(data["synthetic_attacks"]["max_residual_risk"]),
                **_audit_thresholds(data.get("audit", {})),
            )
        except KeyError as err:
            raise InvalidInputError(
                f"policy {source} lacks the setting {err}; start from `clearance policy show default`"
            ) from None
        except (TypeError, ValueError):
            raise InvalidInputError(f"policy {source} has a setting of the wrong type") from None
        return cls(**fields)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInputError(
                f"policy file {path} does not exist; give a TOML file or a preset name: "
                f"{', '.join(PRESETS)}"
            ) from None
        except (OSError, UnicodeDecodeError):
            raise InvalidInputError(f"policy file {path} cannot be read as UTF-8 text") from None
        return cls.from_toml_text(text, source=str(path))

    @classmethod
    def resolve(cls, name_or_path: str | Path | None) -> Policy:
        """A preset by name (``public-release``), or a TOML file by path; the default preset
        for None. A path that exists wins over a preset of the same name."""
        if name_or_path is None:
            return cls.preset("default")
        if str(name_or_path) in PRESETS and not Path(name_or_path).exists():
            return cls.preset(str(name_or_path))
        return cls.load(name_or_path)

    @classmethod
    def preset(cls, name: str = "default") -> Policy:
        return cls.from_toml_text(preset_text(name), source=f"preset '{name}'")

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _quality_thresholds(section: dict[str, Any]) -> dict[str, float]:
    """``[quality]``: ``min_quality_score`` (0-100) and ``min_tstr_ratio`` (TSTR / TRTR
    ROC-AUC). Each defaults to 0 when absent, which makes its finding informational (INFO).
    A policy written before the 0-100 score may give ``min_overall_score`` on the old 0-1
    scale instead; it is read as ``100 *`` that value."""
    if not isinstance(section, dict):
        raise TypeError("[quality] must be a table")
    if "min_quality_score" in section:
        score = float(section["min_quality_score"])
    elif "min_overall_score" in section:
        score = 100.0 * float(section["min_overall_score"])
    else:
        score = 0.0
    return {
        "min_quality_score": score,
        "min_tstr_ratio": float(section.get("min_tstr_ratio", 0.0)),
    }


def _audit_thresholds(section: dict[str, Any]) -> dict[str, Any]:
    """``[audit]``: ``max_empirical_over_claimed`` (default 1: FAIL when the one-run lower bound
    exceeds the claimed epsilon) and ``require_model_audit`` (default false: a skipped audit
    WARNs). Optional, so policies written before the audit existed still load."""
    if not isinstance(section, dict):
        raise TypeError("[audit] must be a table")
    require = section.get("require_model_audit", False)
    if not isinstance(require, bool):
        raise TypeError("audit.require_model_audit must be true or false")
    return {
        "max_empirical_over_claimed": float(section.get("max_empirical_over_claimed", 1.0)),
        "require_model_audit": require,
    }


def preset_text(name: str) -> str:
    if name not in PRESETS:
        raise InvalidInputError(f"unknown policy preset '{name}'; choose one of {list(PRESETS)}")
    return resources.files("clearance.policies").joinpath(f"{name}.toml").read_text("utf-8")
