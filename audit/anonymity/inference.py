"""Inference: can the synthetic release reveal a real person's secret attribute?

Article 29 Working Party, Opinion 05/2014 (WP216): inference is "the possibility to deduce, with
significant probability, the value of an attribute from the values of a set of other
attributes". Following Giomi et al. (2023) and anonymeter, the attacker knows a target's
``aux_cols`` and guesses its ``secret`` as the secret of the synthetic record nearest on
``aux_cols``.

Differences from anonymeter (each pinned by a test):

- A numeric guess is correct when ``|guess - secret| <= tolerance * |secret|``. anonymeter
  computes ``|guess - secret| / (guess + 1e-12)``: relative to the *signed guess*, so every
  negative guess gives a negative ratio and counts as correct, and a guess near 0 divides by
  almost nothing. At ``secret == 0`` only ``guess == 0`` is correct; two missing values agree.
- The random-guessing baseline draws a synthetic record per target, by position. anonymeter
  draws ``syn.sample(n)`` and then reindexes the guesses by the *targets'* index labels, so a
  target gets the guess of whichever synthetic row happens to share its label, or a missing
  guess when that row was not drawn: the baseline is understated and the attack looks stronger
  than random guessing too easily.
- A numeric secret is compared with the tolerance by default (anonymeter's default is exact
  match, ``regression=False``, under which a continuous secret is almost never guessed).
- Nearest neighbours as in :func:`audit.anonymity._tables.nearest_synthetic`: missing equals
  missing, no division by a zero range, random tie-breaking with ``rng``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from audit.anonymity._tables import (
    check_tables,
    encode,
    infer_kinds,
    nearest_synthetic,
    raise_if,
    unknown_columns,
)
from audit.anonymity.results import (
    AnonymityAttack,
    ColumnKind,
    ParameterValue,
    PrivacyAttackResult,
)
from privacy.errors import InvalidInputError

#: Default relative tolerance of a numeric guess (anonymeter's ``tolerance=0.05``).
DEFAULT_TOLERANCE = 0.05


def inference_guess_correct(
    guesses: Sequence[object] | np.ndarray,
    secrets: Sequence[object] | np.ndarray,
    *,
    kind: ColumnKind,
    tolerance: float = DEFAULT_TOLERANCE,
) -> np.ndarray:
    """Which guesses of a secret are correct, element by element.

    - ``NUMERIC``: correct when ``|guess - secret| <= tolerance * |secret|``: relative to the
      size of the true value whatever its sign, so at ``secret == 0`` only an exact 0 is
      correct, and ``tolerance = 0`` asks for equality.
    - ``CATEGORICAL``: correct when the two are equal.
    - Either way, a missing guess of a missing secret is correct, and a missing value against a
      present one is not (missing is a category of its own).
    """
    if not isinstance(kind, ColumnKind):
        raise InvalidInputError("kind must be a ColumnKind")
    if not (isinstance(tolerance, int | float) and np.isfinite(tolerance) and tolerance >= 0):
        raise InvalidInputError(f"tolerance must be a finite number >= 0 (got {tolerance!r})")
    if kind is ColumnKind.NUMERIC:
        try:
            g = np.asarray(guesses, dtype=np.float64)
            s = np.asarray(secrets, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidInputError("numeric guesses and secrets must be numbers") from None
    else:
        g = np.asarray(pd.Series(guesses, dtype=object))
        s = np.asarray(pd.Series(secrets, dtype=object))
    if g.shape != s.shape or g.ndim != 1:
        raise InvalidInputError(
            f"guesses and secrets must be 1-D and equally long (got {g.shape} and {s.shape})"
        )
    g_missing = np.asarray(pd.isna(g), dtype=bool)
    s_missing = np.asarray(pd.isna(s), dtype=bool)
    present = ~g_missing & ~s_missing
    correct = np.zeros(g.shape, dtype=bool)
    if kind is ColumnKind.NUMERIC:
        gp, sp = g[present], s[present]
        correct[present] = np.abs(gp - sp) <= tolerance * np.abs(sp)
    else:
        correct[present] = [a == b for a, b in zip(g[present], s[present], strict=True)]
    return correct | (g_missing & s_missing)


def inference_attack(
    *,
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    aux_cols: Sequence[Hashable],
    secret: Hashable,
    n_attacks: int,
    rng: np.random.Generator,
    secret_kind: ColumnKind | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    confidence: float = 0.95,
) -> PrivacyAttackResult:
    """Inference attack of Giomi et al. (2023) on a synthetic release.

    **Attack.** ``n_attacks`` targets are drawn without replacement from ``ori`` (and as many
    from ``control``) with ``rng``. The guess of a target's ``secret`` is the secret of the
    synthetic record nearest on ``aux_cols`` (Gower-like distance, ties broken at random); it
    is scored by :func:`inference_guess_correct`.

    **Baseline.** The secret of a uniformly random synthetic record, for each ``ori`` target.

    ``secret_kind`` defaults to ``NUMERIC`` for a number column (booleans and dates are
    categories) and ``CATEGORICAL`` otherwise; ``CATEGORICAL`` may be asked for on a number
    column (integer codes), ``NUMERIC`` only on one. ``tolerance`` is relative to the true value
    (numeric secrets only). Raises :class:`InvalidInputError` for empty or mismatched tables,
    unknown columns, a secret listed in ``aux_cols``, ``n_attacks < 1`` or more than the rows
    of ``ori`` or ``control``.
    """
    problems = check_tables(ori, syn, control, n_attacks=n_attacks, rng=rng, confidence=confidence)
    if not isinstance(secret, Hashable) or isinstance(secret, tuple | list):
        problems.append("secret must be one column name")
    raise_if(problems)
    if isinstance(aux_cols, str) or not isinstance(aux_cols, Sequence | pd.Index):
        aux = [aux_cols]
    else:
        aux = list(aux_cols)
    if not aux:
        problems.append("aux_cols is empty; the attacker needs at least one known column")
    if len(set(aux)) != len(aux):
        problems.append("aux_cols lists a column twice")
    problems.extend(unknown_columns(aux, ori, "aux_cols"))
    problems.extend(unknown_columns([secret], ori, "secret"))
    if secret in aux:
        problems.append(
            f"the secret column {str(secret)!r} is also in aux_cols; the attacker must not "
            "know the secret: remove it from aux_cols"
        )
    if secret_kind is not None and not isinstance(secret_kind, ColumnKind):
        problems.append("secret_kind must be a ColumnKind or None")
    if not (
        isinstance(tolerance, int | float)
        and not isinstance(tolerance, bool)
        and np.isfinite(tolerance)
        and tolerance >= 0
    ):
        problems.append(f"tolerance must be a finite number >= 0 (got {tolerance!r})")
    problems.extend(
        f"{name} has {len(t)} rows, fewer than n_attacks={n_attacks} targets drawn without "
        f"replacement; lower n_attacks or hold out more {name} rows"
        for name, t in (("ori", ori), ("control", control))
        if len(t) < int(n_attacks)
    )
    raise_if(problems)

    tables = {"ori": ori, "syn": syn, "control": control}
    kinds, problems = infer_kinds(tables, [*aux, secret])
    raise_if(problems)
    # A tolerance relative to days since 1970 means nothing: dates are compared exactly.
    is_date = any(pd.api.types.is_datetime64_any_dtype(t[secret].dtype) for t in tables.values())
    detected = ColumnKind.CATEGORICAL if is_date else kinds[secret]
    if secret_kind is None:
        secret_kind = detected
    elif secret_kind is ColumnKind.NUMERIC and detected is not ColumnKind.NUMERIC:
        raise InvalidInputError(
            f"secret {str(secret)!r} is not a number column (dates are compared exactly), so "
            "it cannot be compared with a tolerance; use secret_kind=ColumnKind.CATEGORICAL"
        )
    aux_enc = encode(tables, aux, kinds)
    secret_enc = encode(tables, [secret], {secret: secret_kind})
    numeric = aux_enc.numeric_mask
    s_aux = aux_enc.values["syn"]
    s_secret = secret_enc.values["syn"][:, 0]

    successes: dict[str, int] = {}
    ori_targets = np.empty(0, dtype=np.int64)
    for name in ("ori", "control"):
        rows = rng.choice(len(tables[name]), size=int(n_attacks), replace=False)
        if name == "ori":
            ori_targets = rows
        nearest = nearest_synthetic(aux_enc.values[name][rows], s_aux, numeric, k=1, rng=rng)
        guesses = s_secret[nearest[:, 0]]
        truth = secret_enc.values[name][rows, 0]
        successes[name] = int(_correct(guesses, truth, secret_kind, tolerance).sum())

    random_rows = rng.integers(0, s_secret.shape[0], size=int(n_attacks))
    truth = secret_enc.values["ori"][ori_targets, 0]
    baseline = int(_correct(s_secret[random_rows], truth, secret_kind, tolerance).sum())

    parameters: tuple[tuple[str, ParameterValue], ...] = (
        ("aux_cols", tuple(str(c) for c in aux)),
        ("secret", str(secret)),
        ("secret_kind", secret_kind.value),
        ("tolerance", float(tolerance) if secret_kind is ColumnKind.NUMERIC else 0.0),
    )
    return PrivacyAttackResult.from_counts(
        attack=AnonymityAttack.INFERENCE,
        parameters=parameters,
        n_attacks=int(n_attacks),
        attack_successes=successes["ori"],
        baseline_successes=baseline,
        control_successes=successes["control"],
        confidence=float(confidence),
    )


def _correct(
    guesses: np.ndarray, truth: np.ndarray, kind: ColumnKind, tolerance: float
) -> np.ndarray:
    """Scoring on encoded secrets: numbers as numbers; categories as codes (tolerance 0)."""
    if kind is ColumnKind.NUMERIC:
        return inference_guess_correct(guesses, truth, kind=kind, tolerance=tolerance)
    return inference_guess_correct(guesses, truth, kind=ColumnKind.NUMERIC, tolerance=0.0)
