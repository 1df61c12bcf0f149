"""Offline likelihood-ratio membership inference (LiRA; Carlini, Chien, Nasr, Song, Terzis &
Tramèr 2022, "Membership Inference Attacks From First Principles", §IV and §VI-C).

``k`` audit models each train on a balanced random half of a population: every population row
is a member of exactly ``k / 2`` models (:func:`balanced_inclusion`). Each model in turn plays
the target; the others are its reference models. For a target model ``i`` and row ``x``, the
attack compares ``x``'s log-likelihood under ``i`` with its log-likelihood under reference
models that did **not** train on ``x`` (the offline attack: only "out" references). With few
reference models a per-example variance cannot be estimated, so the variance is global
(Carlini et al. §VI-C): the one-sided Gaussian test is then a monotone function of the
difference ``s_i(x) - mean_j s_j(x)``, and the ROC is that of the difference.

Every (model, row) pair gets the same number ``R = k / 2 - 1`` of reference models whether it
is a member or not (a member has ``k / 2`` "out" models to choose from, a non-member
``k / 2 - 1``), so under no leakage member and non-member scores have the same distribution.
The reference mean also measures how unusual a row is under models that never saw it: the rows
with the lowest reference mean are the *outliers*, where membership risk concentrates (Carlini
et al. §V; Stadler et al. 2022), and the selection does not depend on the target model's labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from privacy.errors import InvalidInputError


def balanced_inclusion(n_rows: int, n_models: int, rng: np.random.Generator) -> np.ndarray:
    """A ``(n_models, n_rows)`` boolean matrix in which every row is included in exactly
    ``n_models / 2`` models, chosen uniformly among the subsets of that size, independently per
    row."""
    if n_models < 2 or n_models % 2:
        raise InvalidInputError(f"the audit needs an even number of models >= 2 (got {n_models})")
    if n_rows < 1:
        raise InvalidInputError("the audit population is empty")
    keys = rng.random((n_rows, n_models))
    ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
    return (ranks < n_models // 2).T


@dataclass(frozen=True)
class LiraScores:
    """Scores of every (target model, population row) pair: members and non-members, and for
    each the mean log-likelihood under its reference models (low means an outlier)."""

    member_scores: np.ndarray
    non_member_scores: np.ndarray
    member_reference: np.ndarray
    non_member_reference: np.ndarray
    n_references: int

    def outliers(self, fraction: float) -> tuple[np.ndarray, np.ndarray]:
        """Member and non-member scores of the pairs whose reference mean lies in the lowest
        ``fraction`` of all pairs (one cut for both classes, chosen without labels)."""
        if not 0 < fraction < 1:
            raise InvalidInputError(f"the outlier fraction must be in (0, 1) (got {fraction})")
        cut = np.quantile(np.concatenate([self.member_reference, self.non_member_reference]), fraction)
        return (
            self.member_scores[self.member_reference <= cut],
            self.non_member_scores[self.non_member_reference <= cut],
        )


def offline_lira_scores(
    log_likelihoods: np.ndarray, included: np.ndarray, rng: np.random.Generator
) -> LiraScores:
    """Offline LiRA scores from ``log_likelihoods[i, x]`` (row ``x`` under model ``i``) and the
    inclusion matrix of :func:`balanced_inclusion`.

    Needs at least 4 models (2 gives no "out" reference to a non-member). ``-inf``
    log-likelihoods are clipped to the smallest finite value seen, so a row a model rules out
    still ranks lowest.
    """
    ll = np.asarray(log_likelihoods, dtype=float)
    inc = np.asarray(included, dtype=bool)
    if ll.shape != inc.shape or ll.ndim != 2:
        raise InvalidInputError(
            f"log-likelihoods {ll.shape} and inclusion {inc.shape} must be the same 2-D shape"
        )
    k, n = ll.shape
    if k < 4 or k % 2:
        raise InvalidInputError(f"offline LiRA needs an even number of models >= 4 (got {k})")
    if not np.all(inc.sum(axis=0) == k // 2):
        raise InvalidInputError("every row must be included in exactly half of the models")
    if np.isnan(ll).any() or (ll == np.inf).any():
        raise InvalidInputError("log-likelihoods must not be NaN or +inf")
    finite = ll[np.isfinite(ll)]
    ll = np.where(np.isfinite(ll), ll, finite.min() if finite.size else 0.0)
    r = k // 2 - 1
    scores = {True: [], False: []}
    refs = {True: [], False: []}
    for i in range(k):
        out = ~inc  # out[j, x]: model j did not train on x
        candidates = out.copy()
        candidates[i] = False
        # For each row, pick r reference models among the "out" models other than i, uniformly.
        keys = np.where(candidates, rng.random((k, n)), np.inf)
        chosen = np.argsort(keys, axis=0)[:r]  # (r, n): indices of reference models
        ref_mean = ll[chosen, np.arange(n)].mean(axis=0)
        diff = ll[i] - ref_mean
        for member in (True, False):
            mask = inc[i] == member
            scores[member].append(diff[mask])
            refs[member].append(ref_mean[mask])
    return LiraScores(
        member_scores=np.concatenate(scores[True]),
        non_member_scores=np.concatenate(scores[False]),
        member_reference=np.concatenate(refs[True]),
        non_member_reference=np.concatenate(refs[False]),
        n_references=r,
    )
