"""Quasi-identifier re-identification risk of a (de-identified) real table, the way ARX and
sdcMicro measure it: equivalence classes, k-anonymity, prosecutor / journalist / marketer risk,
population uniqueness, sdcMicro individual risk, SUDA special uniques, l-diversity and
t-closeness."""

from privacy.risk.assessment import MISSING_VALUES, RiskAssessment, assess_risk
from privacy.risk.classes import EquivalenceClasses, check_quasi_identifiers, equivalence_classes
from privacy.risk.diversity import DiversityResult, TDistance, measure_diversity
from privacy.risk.population import PopulationModel, PopulationUniqueness, population_uniqueness
from privacy.risk.quasi_identifiers import (
    QuasiIdentifierChoice,
    QuasiIdentifierSource,
    choose_quasi_identifiers,
    propose_quasi_identifiers,
)
from privacy.risk.reidentification import (
    IndividualRisk,
    ModelRisk,
    SampleRisk,
    individual_risk,
    individual_risk_per_class,
    sample_risk,
)
from privacy.risk.suda import SudaResult, special_uniques
from privacy.risk.thresholds import (
    THRESHOLD_CONVENTION,
    k_for_threshold,
)

__all__ = [
    "MISSING_VALUES",
    "THRESHOLD_CONVENTION",
    "DiversityResult",
    "EquivalenceClasses",
    "IndividualRisk",
    "ModelRisk",
    "PopulationModel",
    "PopulationUniqueness",
    "QuasiIdentifierChoice",
    "QuasiIdentifierSource",
    "RiskAssessment",
    "SampleRisk",
    "SudaResult",
    "TDistance",
    "assess_risk",
    "check_quasi_identifiers",
    "choose_quasi_identifiers",
    "equivalence_classes",
    "individual_risk",
    "individual_risk_per_class",
    "k_for_threshold",
    "measure_diversity",
    "population_uniqueness",
    "propose_quasi_identifiers",
    "sample_risk",
    "special_uniques",
]
