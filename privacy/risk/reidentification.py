"""Re-identification risk from equivalence classes: the prosecutor, journalist and marketer
models of El Emam (2013, "Guide to the De-Identification of Personal Health Information", ch.
"Measuring the Probability of Re-Identification"), as ARX computes them
(``risk/RiskModelSampleSummary.java``), and sdcMicro's individual and global risk
(Benedetti & Franconi 1998; sdcMicro ``R/indivRisk.R``, ``measure_risk``).

- **Prosecutor**: the attacker knows their target is in the table. A record in a class of size
  f is re-identified with probability 1/f.
- **Journalist**: the attacker knows the target is in the population the table was drawn from.
  With a population table the probability is 1/F (F the class's population size); with only a
  sampling fraction, F is unknown and sdcMicro's individual risk estimates E[1/F | f].
- **Marketer**: the attacker re-identifies as many records as they can; the expected share
  re-identified. ARX: sum over classes of f/F, over n.

Without a population table or sampling fraction the table is its own population and the three
models coincide with the prosecutor figures. Figures computed from the whole table are exact
(:meth:`Estimate.exact`); figures that rest on a population model are model estimates
(:meth:`Estimate.model`): a point value with no sampling interval, since the model's
assumptions, not sampling, are what bound them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from privacy.errors import InvalidInputError
from privacy.estimate import Estimate
from privacy.risk.classes import EquivalenceClasses
from privacy.risk.thresholds import (
    THRESHOLD_CONVENTION,
    check_sampling_fraction,
    check_threshold,
    k_for_threshold,
)

#: Class-size buckets of the k-anonymity distribution ("10+" collects the rest).
HISTOGRAM_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9)


@dataclass(frozen=True)
class ModelRisk:
    """One attacker model's risk: the share of records whose probability exceeds the threshold,
    the highest probability of any record, and the average (the expected share re-identified)."""

    records_at_risk: Estimate
    highest: float
    average: Estimate

    def to_dict(self) -> dict[str, Any]:
        return {
            "records_at_risk": self.records_at_risk.to_dict(),
            "highest": self.highest,
            "average": self.average.to_dict(),
        }


@dataclass(frozen=True)
class IndividualRisk:
    """sdcMicro's individual risk r_k per record (Benedetti-Franconi, ``method = "approx"``) and
    the global risk: the expected number of re-identifications, sum of r_k, and its rate."""

    highest: float
    average: Estimate  # global risk rate: expected re-identifications / n
    expected_reidentifications: float
    records_at_risk: Estimate  # share of records with r_k above the threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "highest": self.highest,
            "average": self.average.to_dict(),
            "expected_reidentifications": self.expected_reidentifications,
            "records_at_risk": self.records_at_risk.to_dict(),
            "method": "sdcMicro indivRisk, approx (Benedetti & Franconi 1998)",
        }


@dataclass(frozen=True)
class SampleRisk:
    """k-anonymity and the three attacker models over a table's equivalence classes."""

    quasi_identifiers: tuple[str, ...]
    n_records: int
    n_classes: int
    k_anonymity: int
    records_in_smallest_classes: int
    class_size_histogram: dict[str, int]  # class size bucket -> number of records
    sample_uniqueness: Estimate
    risk_threshold: float
    k_for_threshold: int
    prosecutor: ModelRisk
    journalist: ModelRisk
    marketer: Estimate
    population_source: str  # "table itself", "population table", "sampling fraction f"
    individual: IndividualRisk | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "n_records": self.n_records,
            "n_classes": self.n_classes,
            "k_anonymity": self.k_anonymity,
            "records_in_smallest_classes": self.records_in_smallest_classes,
            "class_size_histogram": self.class_size_histogram,
            "sample_uniqueness": self.sample_uniqueness.to_dict(),
            "risk_threshold": self.risk_threshold,
            "k_for_threshold": self.k_for_threshold,
            "threshold_convention": THRESHOLD_CONVENTION,
            "prosecutor": self.prosecutor.to_dict(),
            "journalist": self.journalist.to_dict(),
            "marketer": self.marketer.to_dict(),
            "population_source": self.population_source,
            "individual": None if self.individual is None else self.individual.to_dict(),
        }


def sample_risk(
    classes: EquivalenceClasses,
    *,
    risk_threshold: float = 0.09,
    sampling_fraction: float | None = None,
) -> SampleRisk:
    """k-anonymity, sample uniqueness and prosecutor, journalist and marketer risk.

    ``risk_threshold`` is the acceptable re-identification probability of one record; a record
    is *at risk* when its probability is strictly above it (ARX). ``k_for_threshold`` states the
    class size the threshold implies by ARX's convention. With ``classes.population_sizes``
    (from a population table) journalist and marketer risk are exact; with a
    ``sampling_fraction`` they are sdcMicro individual-risk model estimates.
    """
    threshold = check_threshold(risk_threshold)
    fraction = check_sampling_fraction(sampling_fraction)
    if fraction is not None and classes.population_sizes is not None:
        raise InvalidInputError(
            "give a population table or a sampling fraction, not both: the population table "
            "already says how many people share each combination"
        )
    f = classes.sizes
    n = classes.n_records
    n_classes = classes.n_classes
    smallest = int(f.min())
    prosecutor = ModelRisk(
        records_at_risk=Estimate.exact(_share(f, 1.0 / f > threshold, n), n=n),
        highest=1.0 / smallest,
        average=Estimate.exact(n_classes / n, n=n),
    )

    individual: IndividualRisk | None = None
    if classes.population_sizes is not None:
        big_f = classes.population_sizes
        source = "population table"
        journalist = ModelRisk(
            records_at_risk=Estimate.exact(_share(f, 1.0 / big_f > threshold, n), n=n),
            highest=1.0 / float(big_f.min()),
            average=Estimate.exact(
                max(n_classes / float(big_f.sum()), float((f / big_f).sum()) / n), n=n
            ),
        )
        marketer = Estimate.exact(float((f / big_f).sum()) / n, n=n)
        individual = individual_risk(f, big_f, threshold=threshold)
    elif fraction is not None and fraction < 1:
        source = f"sampling fraction {fraction:g}"
        individual = individual_risk(f, f / fraction, threshold=threshold)
        journalist = ModelRisk(
            records_at_risk=individual.records_at_risk,
            highest=individual.highest,
            average=individual.average,
        )
        marketer = individual.average
    else:
        source = "the table itself (no population table or sampling fraction given)"
        journalist = prosecutor
        marketer = prosecutor.average
        if fraction is not None:
            source = "sampling fraction 1 (the table is the population)"

    histogram = {str(k): int(f[f == k].sum()) for k in HISTOGRAM_SIZES}
    histogram[f"{HISTOGRAM_SIZES[-1] + 1}+"] = int(f[f > HISTOGRAM_SIZES[-1]].sum())
    return SampleRisk(
        quasi_identifiers=classes.quasi_identifiers,
        n_records=n,
        n_classes=n_classes,
        k_anonymity=smallest,
        records_in_smallest_classes=int(f[f == smallest].sum()),
        class_size_histogram=histogram,
        sample_uniqueness=Estimate.exact(int((f == 1).sum()) / n, n=n),
        risk_threshold=threshold,
        k_for_threshold=k_for_threshold(threshold),
        prosecutor=prosecutor,
        journalist=journalist,
        marketer=marketer,
        population_source=source,
        individual=individual,
    )


def individual_risk_per_class(
    sample_sizes: np.ndarray, population_sizes: np.ndarray
) -> np.ndarray:
    """sdcMicro's individual risk r for each class, from its sample frequency f and its
    (estimated) population frequency F, with p = f/F (``indivRisk``, ``method = "approx"``):

    - f = 1: p/(1-p) ln(1/p)
    - f = 2: p/(1-p) - (p/(1-p))^2 ln(1/p)
    - f > 2: p/(f - 1 + p)
    - f = F (the whole population is in the sample): 1/f.
    """
    f = np.asarray(sample_sizes, dtype=np.float64)
    big_f = np.asarray(population_sizes, dtype=np.float64)
    if f.shape != big_f.shape:
        raise InvalidInputError("sample and population frequencies must have the same length")
    if (f < 1).any() or (big_f < f).any():
        raise InvalidInputError(
            "individual risk needs sample frequencies >= 1 and population frequencies >= them"
        )
    p = f / big_f
    risk = np.empty_like(p)
    whole = f >= big_f
    part = ~whole
    pp = p[part]
    fp = f[part]
    odds = pp / (1.0 - pp)
    log_inv = -np.log(pp)
    risk_part = np.where(
        fp == 1,
        odds * log_inv,
        np.where(fp == 2, odds - odds * odds * log_inv, pp / (fp - 1.0 + pp)),
    )
    risk[part] = risk_part
    risk[whole] = 1.0 / f[whole]
    return risk


def individual_risk(
    sample_sizes: np.ndarray, population_sizes: np.ndarray, *, threshold: float
) -> IndividualRisk:
    """Individual risk per record, summarised: highest, global risk (expected
    re-identifications and their rate) and the share of records above ``threshold``."""
    per_class = individual_risk_per_class(sample_sizes, population_sizes)
    f = np.asarray(sample_sizes, dtype=np.int64)
    n = int(f.sum())
    expected = float((per_class * f).sum())
    return IndividualRisk(
        highest=float(per_class.max()),
        average=Estimate.model(min(expected / n, 1.0), n=n),
        expected_reidentifications=expected,
        records_at_risk=Estimate.model(_share(f, per_class > threshold, n), n=n),
    )


def _share(sizes: np.ndarray, mask: np.ndarray, n: int) -> float:
    """Share of records in the classes selected by ``mask``."""
    return float(sizes[mask].sum()) / n
