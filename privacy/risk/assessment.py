"""One call for every re-identification measure of a table: what ``clearance risk`` prints and
what the pipeline reports for the de-identified real table.

The assessment holds counts, rates and column names only (invariant 6): never a value of the
table, never a per-record array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from privacy.errors import InvalidInputError
from privacy.estimate import Estimate
from privacy.risk.classes import check_quasi_identifiers, equivalence_classes
from privacy.risk.diversity import DiversityResult, measure_diversity
from privacy.risk.population import PopulationUniqueness, population_uniqueness
from privacy.risk.quasi_identifiers import QuasiIdentifierChoice, QuasiIdentifierSource
from privacy.risk.reidentification import SampleRisk, sample_risk
from privacy.risk.suda import SudaResult, special_uniques
from privacy.risk.thresholds import THRESHOLD_CONVENTION, check_sampling_fraction

MISSING_VALUES = (
    "missing values are a value of their own: records missing a quasi-identifier share a class "
    "(as in ARX)"
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RiskAssessment:
    """Every measure of one table's re-identification risk over its quasi-identifiers.

    ``population`` is present with a sampling fraction below 1 (model estimates) and
    ``population_uniques`` with a population table (exact: sample records unique in the
    population). ``suda`` is absent when SUDA was switched off, ``diversity`` when no sensitive
    attribute was named. ``notes`` says, in words, what a reader must know (e.g. every record
    is unique).
    """

    quasi_identifiers: QuasiIdentifierChoice
    sensitive: str | None
    sample: SampleRisk
    population: PopulationUniqueness | None
    population_uniques: Estimate | None
    suda: SudaResult | None
    diversity: DiversityResult | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "quasi_identifiers": self.quasi_identifiers.to_dict(),
            "sensitive": self.sensitive,
            "sample": self.sample.to_dict(),
            "population": None if self.population is None else self.population.to_dict(),
            "population_uniques": None
            if self.population_uniques is None
            else self.population_uniques.to_dict(),
            "suda": None if self.suda is None else self.suda.to_dict(),
            "diversity": None if self.diversity is None else self.diversity.to_dict(),
            "threshold_convention": THRESHOLD_CONVENTION,
            "missing_values": MISSING_VALUES,
            "notes": list(self.notes),
        }


def assess_risk(
    table: pd.DataFrame,
    *,
    quasi_identifiers: QuasiIdentifierChoice | Sequence[str],
    sensitive: str | None = None,
    sampling_fraction: float | None = None,
    population: pd.DataFrame | None = None,
    risk_threshold: float = 0.09,
    suda_max_size: int | None = 3,
    recursive_c: float = 3.0,
    progress: Progress | None = None,
) -> RiskAssessment:
    """Measure ``table``'s re-identification risk over ``quasi_identifiers``.

    ``sampling_fraction`` (the share of the population the table holds) switches on the
    population-uniqueness models and sdcMicro's individual risk; ``population`` (the table the
    records were drawn from) makes journalist and marketer risk exact instead. ``sensitive``
    switches on l-diversity and t-closeness; ``suda_max_size=None`` (or 0) switches SUDA off.
    Every problem with the arguments is reported at once, before anything is measured.
    """
    choice = (
        quasi_identifiers
        if isinstance(quasi_identifiers, QuasiIdentifierChoice)
        else QuasiIdentifierChoice(
            tuple(check_quasi_identifiers(table, quasi_identifiers)),
            QuasiIdentifierSource.USER,
        )
    )
    qis = check_quasi_identifiers(table, choice.columns)
    fraction = check_sampling_fraction(sampling_fraction)
    problems: list[str] = []
    if sensitive is not None:
        if sensitive not in table.columns:
            problems.append(f"the sensitive attribute '{sensitive}' is not a column of the table")
        if sensitive in qis:
            problems.append(
                f"'{sensitive}' is named both as a quasi-identifier and as the sensitive "
                "attribute; an attacker either knows it (quasi-identifier) or wants to learn it "
                "(sensitive), so name it once"
            )
    if population is not None and fraction is not None:
        problems.append("give a population table or a sampling fraction, not both")
    if suda_max_size is not None and suda_max_size < 0:
        problems.append(f"suda_max_size must be >= 0 (got {suda_max_size}); 0 switches SUDA off")
    if problems:
        raise InvalidInputError("; ".join(problems))
    step = progress or (lambda stage, done, total: None)

    step("equivalence classes", 0, 0)
    classes = equivalence_classes(table, qis, population=population)
    step("k-anonymity and attacker models", 0, 0)
    sample = sample_risk(classes, risk_threshold=risk_threshold, sampling_fraction=fraction)
    notes: list[str] = []
    if sample.k_anonymity == 1 and sample.n_classes == sample.n_records:
        notes.append(
            "every record is unique on these quasi-identifiers: the table identifies everyone "
            "in it; generalise values (age bands, ZIP3, years) or drop columns before sharing"
        )

    estimated = None
    if fraction is not None and fraction < 1:
        step("population uniqueness", 0, 0)
        estimated = population_uniqueness(classes.sizes, sampling_fraction=fraction)
    exact_uniques = None
    if classes.population_sizes is not None:
        unique_in_population = classes.population_sizes == 1
        exact_uniques = Estimate.exact(
            float(classes.sizes[unique_in_population].sum()) / classes.n_records,
            n=classes.n_records,
        )

    suda = None
    if suda_max_size:
        step("SUDA special uniques", 0, 0)
        suda = special_uniques(table, qis, max_size=min(suda_max_size, len(qis)))

    diversity = None
    if sensitive is not None:
        step("l-diversity and t-closeness", 0, 0)
        diversity = measure_diversity(
            classes.record_class,
            table[sensitive],
            n_classes=classes.n_classes,
            recursive_c=recursive_c,
            sensitive_name=sensitive,
        )
    return RiskAssessment(
        quasi_identifiers=choice,
        sensitive=sensitive,
        sample=sample,
        population=estimated,
        population_uniques=exact_uniques,
        suda=suda,
        diversity=diversity,
        notes=tuple(notes),
    )

