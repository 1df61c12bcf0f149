"""Canary exposure (Carlini, Liu, Erlingsson, Kos & Song 2019, "The Secret Sharer", §4).

A canary is a record whose secret part was drawn uniformly from a candidate space ``R``. A model
that never saw it ranks it like any other candidate; a model that memorised it ranks it first.
Exposure measures where it lands, in bits:

- :func:`exposure_by_rank` (Definition 3): ``log2 |R| - log2 rank``, exact when the candidate
  space can be enumerated. Its maximum is ``log2 |R|`` (the canary ranked first).
- :func:`extrapolated_exposure` (§4.3): where ``R`` is too large to enumerate, a skew-normal
  distribution is fitted to the scores of candidates drawn from the same distribution as the
  canary, and exposure is ``-log2`` of the fitted probability that a random candidate scores at
  least as high as the canary.

Scores are log-likelihoods: higher means more likely (the paper ranks perplexities, lower
meaning more likely; the two conventions give the same ranks). Under no memorisation the canary
is exchangeable with the candidates, so its rank is uniform and the expected exposure is
:data:`NULL_EXPOSURE_BITS` (about 1.44 bits) whatever ``|R|``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from privacy.errors import InvalidInputError

#: Expected exposure of a canary the model never saw: ``E[-log2 U] = 1 / ln 2`` for a uniform
#: rank ``U`` (the limit for a large candidate space).
NULL_EXPOSURE_BITS = 1.0 / math.log(2.0)
#: At least this many reference scores are needed to fit the skew-normal extrapolation.
MIN_REFERENCE_SCORES = 50
#: References at or above the canary needed to rank it empirically rather than by the fit.
MIN_TAIL_REFERENCES = 10


def exposure_by_rank(canary_score: float, candidate_scores: np.ndarray) -> float:
    """Exposure in bits of a canary among the *other* candidates of an enumerated space.

    ``rank = 1 + #(candidates scoring higher) + #(ties) / 2`` (ties count half, the expected rank
    under a random tie-break, so a model that cannot tell candidates apart gains nothing from
    ties); exposure is ``log2(len(candidate_scores)) - log2(rank)``, clipped at 0. With 16
    candidates scored 1..16 (perplexities, lower better) a canary at 3.5 has exposure 2.0 and one
    at 0 has 4.0 (tensorflow/privacy's Secret Sharer tests; here scores are negated).
    """
    scores = _finite_scores(candidate_scores, "candidate_scores", allow_neg_inf=True)
    if math.isnan(canary_score):
        raise InvalidInputError("the canary's score is NaN; every candidate needs a score")
    higher = int(np.sum(scores > canary_score))
    ties = int(np.sum(scores == canary_score))
    rank = 1.0 + higher + ties / 2.0
    return max(0.0, math.log2(scores.size) - math.log2(rank))


def extrapolated_exposure(canary_score: float, reference_scores: np.ndarray) -> float:
    """Exposure in bits of a canary against ``reference_scores``, the scores of candidates drawn
    independently from the canary's own distribution (Secret Sharer §4.3).

    Where the references resolve it (at least :data:`MIN_TAIL_REFERENCES` of them score at
    least as high as the canary) this is the exposure by rank among them, exact under the null.
    Beyond, it is ``-log2 S(canary_score)`` with ``S`` the survival function of a skew-normal
    fitted to the references (never less than the rank-based value), floored at the smallest
    positive double so an extreme canary gives a large finite value (about 1,074 bits at most)
    rather than infinity. Treat fitted values far beyond ``log2(len(reference_scores))`` as
    "beyond every reference", not as exact.
    """
    scores = _finite_scores(reference_scores, "reference_scores", allow_neg_inf=False)
    if scores.size < MIN_REFERENCE_SCORES:
        raise InvalidInputError(
            f"the extrapolation needs at least {MIN_REFERENCE_SCORES} reference scores "
            f"(got {scores.size})"
        )
    if math.isnan(canary_score):
        raise InvalidInputError("the canary's score is NaN; every candidate needs a score")
    by_rank = exposure_by_rank(canary_score, scores)
    if int(np.sum(scores >= canary_score)) >= MIN_TAIL_REFERENCES or float(np.ptp(scores)) == 0.0:
        return by_rank
    shape, loc, scale = stats.skewnorm.fit(scores)
    survival = float(stats.skewnorm.sf(canary_score, shape, loc=loc, scale=scale))
    return max(by_rank, -math.log2(max(survival, np.finfo(float).tiny)))


def _finite_scores(scores: np.ndarray, name: str, *, allow_neg_inf: bool) -> np.ndarray:
    arr = np.asarray(scores, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidInputError(f"{name} must be a non-empty 1-D array (got shape {arr.shape})")
    bad = np.isnan(arr) | (arr == np.inf)
    if not allow_neg_inf:
        bad |= arr == -np.inf
    if bad.any():
        raise InvalidInputError(
            f"{name} holds {int(bad.sum())} score(s) that are NaN or infinite; "
            "every candidate needs a finite log-likelihood"
        )
    return arr
