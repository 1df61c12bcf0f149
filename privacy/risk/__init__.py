"""Quasi-identifier re-identification risk on a (de-identified) real table."""

from privacy.risk.equivalence import RiskResult, measure_reidentification_risk

__all__ = ["RiskResult", "measure_reidentification_risk"]
