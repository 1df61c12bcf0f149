"""Span-overlap scoring of predicted PII spans against gold spans.

Two half-open spans ``[a, b)`` and ``[c, d)`` overlap when they share at least one character:
``a < d and c < b``. Touching spans (``[0, 5)`` and ``[5, 9)``) do not overlap.

* **Any-PII recall**: a gold span is found when any predicted span, of any type, overlaps it.
* **Any-PII precision**: a predicted span is correct when it overlaps any gold span, of any type.
  Every prediction counts, so two predictions on the same gold span (Presidio often returns a
  DATE_TIME and a US_DRIVER_LICENSE on one value) are two correct predictions, and a prediction
  covering two gold spans is one.
* **F-beta** (beta = 2 by default: recall weighs four times as much as precision) from those two.
  It is undefined (``None``) when the gold set is empty and 0 when there are gold spans but no
  predictions.
* **Per gold entity**: support, any-type recall, and type-matched recall: the gold span is found
  by an overlapping prediction whose type is compatible with the gold type under the type
  mapping (``DEFAULT_TYPE_MAPPING``).
* **Per predicted entity**: the number of predictions of that type and their precision.
* **Flag rate** on a subset of texts: the share of texts with at least one prediction, with a
  Wilson 95% interval (:func:`privacy.estimate.wilson_interval`).

Every rate is a :class:`Rate` holding its counts, so a report can show "recall 0.9700
(1234/1270)".

Type mapping (predicted name -> gold types it matches; used only for type-matched recall):

=====================================  ======================================================
Predicted (Presidio / Clearance)       Gold types matched
=====================================  ======================================================
PERSON                                 PERSON
LOCATION                               LOCATION, STREET_ADDRESS (spaCy GPE/LOC/FAC)
STREET_ADDRESS                         STREET_ADDRESS, LOCATION, US_ZIP_CODE (an address span
                                       may swallow the city, state and ZIP after it)
US_ZIP_CODE                            US_ZIP_CODE
DATE_TIME, DATE                        DATE, DATE_OF_BIRTH
DATE_OF_BIRTH                          DATE_OF_BIRTH, DATE
AGE                                    AGE
PHONE_NUMBER, FAX_NUMBER               PHONE_NUMBER, FAX_NUMBER (a fax number is a phone number)
EMAIL_ADDRESS, EMAIL                   EMAIL_ADDRESS
US_SSN, US_ITIN                        US_SSN
MEDICAL_RECORD_NUMBER                  MEDICAL_RECORD_NUMBER
CREDIT_CARD                            CREDIT_CARD
NPI                                    NPI
HEALTH_PLAN_ID                         HEALTH_PLAN_ID
ACCOUNT_NUMBER, US_BANK_NUMBER,        ACCOUNT_NUMBER
IBAN_CODE
LICENSE_NUMBER, US_DRIVER_LICENSE,     LICENSE_NUMBER
MEDICAL_LICENSE, DEA_NUMBER,
US_PASSPORT
VEHICLE_ID                             VEHICLE_ID
DEVICE_ID, MAC_ADDRESS, UUID           DEVICE_ID
IP_ADDRESS                             IP_ADDRESS
URL                                    URL
ORGANIZATION, NRP, CRYPTO, UK_NHS, ID  nothing (no gold counterpart)
=====================================  ======================================================

A predicted name missing from the mapping matches the gold type of the same name, if any.
Any-PII precision and recall ignore types altogether.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from privacy.estimate import wilson_interval

from .generate import GOLD_ENTITIES

__all__ = [
    "DEFAULT_TYPE_MAPPING",
    "EntityRecall",
    "FlagRate",
    "PredSpan",
    "Rate",
    "Scores",
    "f_beta",
    "flag_rate",
    "overlaps",
    "score",
]


class _Span(Protocol):
    start: int
    end: int
    entity: str


@dataclass(frozen=True)
class PredSpan:
    """A predicted span ``text[start:end]`` of a detector's entity type, with its score."""

    start: int
    end: int
    entity: str
    score: float = 1.0


def _fs(*names: str) -> frozenset[str]:
    return frozenset(names)


#: Predicted entity name -> the gold entity types it matches (type-matched recall only).
DEFAULT_TYPE_MAPPING: Mapping[str, frozenset[str]] = {
    "PERSON": _fs("PERSON"),
    "LOCATION": _fs("LOCATION", "STREET_ADDRESS"),
    "STREET_ADDRESS": _fs("STREET_ADDRESS", "LOCATION", "US_ZIP_CODE"),
    "US_ZIP_CODE": _fs("US_ZIP_CODE"),
    "DATE_TIME": _fs("DATE", "DATE_OF_BIRTH"),
    "DATE": _fs("DATE", "DATE_OF_BIRTH"),
    "DATE_OF_BIRTH": _fs("DATE_OF_BIRTH", "DATE"),
    "AGE": _fs("AGE"),
    "PHONE_NUMBER": _fs("PHONE_NUMBER", "FAX_NUMBER"),
    "FAX_NUMBER": _fs("FAX_NUMBER", "PHONE_NUMBER"),
    "EMAIL_ADDRESS": _fs("EMAIL_ADDRESS"),
    "EMAIL": _fs("EMAIL_ADDRESS"),
    "US_SSN": _fs("US_SSN"),
    "US_ITIN": _fs("US_SSN"),
    "MEDICAL_RECORD_NUMBER": _fs("MEDICAL_RECORD_NUMBER"),
    "CREDIT_CARD": _fs("CREDIT_CARD"),
    "NPI": _fs("NPI"),
    "HEALTH_PLAN_ID": _fs("HEALTH_PLAN_ID"),
    "ACCOUNT_NUMBER": _fs("ACCOUNT_NUMBER"),
    "US_BANK_NUMBER": _fs("ACCOUNT_NUMBER"),
    "IBAN_CODE": _fs("ACCOUNT_NUMBER"),
    "LICENSE_NUMBER": _fs("LICENSE_NUMBER"),
    "US_DRIVER_LICENSE": _fs("LICENSE_NUMBER"),
    "MEDICAL_LICENSE": _fs("LICENSE_NUMBER"),
    "DEA_NUMBER": _fs("LICENSE_NUMBER"),
    "US_PASSPORT": _fs("LICENSE_NUMBER"),
    "VEHICLE_ID": _fs("VEHICLE_ID"),
    "DEVICE_ID": _fs("DEVICE_ID"),
    "MAC_ADDRESS": _fs("DEVICE_ID"),
    "UUID": _fs("DEVICE_ID"),
    "IP_ADDRESS": _fs("IP_ADDRESS"),
    "URL": _fs("URL"),
    "ORGANIZATION": _fs(),
    "NRP": _fs(),
    "CRYPTO": _fs(),
    "UK_NHS": _fs(),
    "ID": _fs(),
}


def overlaps(a: _Span | PredSpan, b: _Span | PredSpan) -> bool:
    """Whether two half-open spans share at least one character."""
    return a.start < b.end and b.start < a.end


def _matched_types(entity: str, mapping: Mapping[str, frozenset[str]]) -> frozenset[str]:
    if entity in mapping:
        return mapping[entity]
    return frozenset({entity}) if entity in GOLD_ENTITIES else frozenset()


@dataclass(frozen=True)
class Rate:
    """``k`` successes out of ``n``; ``value`` is ``None`` when ``n`` is 0."""

    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    def to_dict(self, digits: int = 4) -> dict[str, float | int | None]:
        value = self.value
        return {"value": None if value is None else round(value, digits), "k": self.k, "n": self.n}

    def __str__(self) -> str:
        value = self.value
        return f"{'n/a' if value is None else f'{value:.4f}'} ({self.k}/{self.n})"


@dataclass(frozen=True)
class FlagRate:
    """Share of texts with at least one prediction, with a Wilson interval."""

    rate: Rate
    lower: float | None
    upper: float | None
    confidence: float = 0.95

    def to_dict(self, digits: int = 4) -> dict[str, object]:
        out: dict[str, object] = dict(self.rate.to_dict(digits))
        out["interval"] = (
            None
            if self.lower is None or self.upper is None
            else [round(self.lower, digits), round(self.upper, digits)]
        )
        out["confidence"] = self.confidence
        return out


@dataclass(frozen=True)
class EntityRecall:
    """Recall of one gold entity type: found by any prediction, and by a type-matched one."""

    entity: str
    support: int
    recall_any: Rate
    recall_typed: Rate

    def to_dict(self, digits: int = 4) -> dict[str, object]:
        return {
            "support": self.support,
            "recall_any_type": self.recall_any.to_dict(digits),
            "recall_type_matched": self.recall_typed.to_dict(digits),
        }


def f_beta(precision: float | None, recall: float | None, beta: float = 2.0) -> float | None:
    """F-beta from precision and recall: ``None`` when recall is undefined (no gold span), 0 when
    precision is undefined (no prediction) or both are 0."""
    if recall is None:
        return None
    if precision is None:
        return 0.0
    b2 = beta * beta
    denom = b2 * precision + recall
    return 0.0 if denom == 0 else (1 + b2) * precision * recall / denom


@dataclass(frozen=True)
class Scores:
    """Any-PII precision, recall and F-beta; per gold entity recall; per predicted type
    precision; and optionally the flag rate of a subset of texts."""

    texts: int
    precision: Rate
    recall: Rate
    beta: float
    per_entity: dict[str, EntityRecall]
    per_predicted: dict[str, Rate]
    flag: FlagRate | None = field(default=None)

    @property
    def f_beta(self) -> float | None:
        return f_beta(self.precision.value, self.recall.value, self.beta)

    def any_pii_dict(self, digits: int = 4) -> dict[str, object]:
        f = self.f_beta
        return {
            "texts": self.texts,
            "precision": self.precision.to_dict(digits),
            "recall": self.recall.to_dict(digits),
            f"f{self.beta:g}": None if f is None else round(f, digits),
        }

    def to_dict(self, digits: int = 4) -> dict[str, object]:
        return {
            "any_pii": self.any_pii_dict(digits),
            "per_entity": {e: r.to_dict(digits) for e, r in self.per_entity.items()},
            "per_predicted_type": {
                e: {"predicted": r.n, "precision": r.to_dict(digits)}
                for e, r in self.per_predicted.items()
            },
            "flag_rate": None if self.flag is None else self.flag.to_dict(digits),
        }


def flag_rate(
    predicted: Sequence[Sequence[PredSpan]],
    indices: Sequence[int] | None = None,
    *,
    confidence: float = 0.95,
) -> FlagRate:
    """Share of the texts at ``indices`` (all texts when ``None``) with at least one predicted
    span, with a Wilson interval (none for an empty subset)."""
    chosen = range(len(predicted)) if indices is None else indices
    n = len(chosen)
    k = sum(1 for i in chosen if len(predicted[i]) > 0)
    if n == 0:
        return FlagRate(Rate(0, 0), None, None, confidence)
    lower, upper = wilson_interval(k, n, confidence=confidence)
    return FlagRate(Rate(k, n), lower, upper, confidence)


def score(
    gold: Sequence[Sequence[_Span]],
    predicted: Sequence[Sequence[PredSpan]],
    *,
    beta: float = 2.0,
    type_mapping: Mapping[str, frozenset[str]] = DEFAULT_TYPE_MAPPING,
    flag_subset: Sequence[int] | None = None,
) -> Scores:
    """Score ``predicted[i]`` against ``gold[i]`` for every text ``i`` (see the module docstring).

    ``gold`` spans need ``start``, ``end`` and ``entity``; so do predictions (``PredSpan``).
    ``flag_subset`` (text indices) adds that subset's flag rate to the result.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold texts but {len(predicted)} predicted")
    found_any = 0
    gold_total = 0
    correct_pred = 0
    pred_total = 0
    support: dict[str, int] = {}
    hit_any: dict[str, int] = {}
    hit_typed: dict[str, int] = {}
    pred_n: dict[str, int] = {}
    pred_ok: dict[str, int] = {}
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        for g in gold_spans:
            gold_total += 1
            support[g.entity] = support.get(g.entity, 0) + 1
            hits = [p for p in pred_spans if overlaps(g, p)]
            if hits:
                found_any += 1
                hit_any[g.entity] = hit_any.get(g.entity, 0) + 1
            if any(g.entity in _matched_types(p.entity, type_mapping) for p in hits):
                hit_typed[g.entity] = hit_typed.get(g.entity, 0) + 1
        for p in pred_spans:
            pred_total += 1
            pred_n[p.entity] = pred_n.get(p.entity, 0) + 1
            if any(overlaps(p, g) for g in gold_spans):
                correct_pred += 1
                pred_ok[p.entity] = pred_ok.get(p.entity, 0) + 1
    order = [e for e in GOLD_ENTITIES if e in support] + sorted(set(support) - set(GOLD_ENTITIES))
    per_entity = {
        e: EntityRecall(
            entity=e,
            support=support[e],
            recall_any=Rate(hit_any.get(e, 0), support[e]),
            recall_typed=Rate(hit_typed.get(e, 0), support[e]),
        )
        for e in order
    }
    per_predicted = {e: Rate(pred_ok.get(e, 0), pred_n[e]) for e in sorted(pred_n)}
    return Scores(
        texts=len(gold),
        precision=Rate(correct_pred, pred_total),
        recall=Rate(found_any, gold_total),
        beta=beta,
        per_entity=per_entity,
        per_predicted=per_predicted,
        flag=None if flag_subset is None else flag_rate(predicted, flag_subset),
    )
