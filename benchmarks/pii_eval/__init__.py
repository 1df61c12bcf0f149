"""A labelled PII evaluation set built by construction, and span-overlap scoring.

* :mod:`pii_eval.generate` builds the deterministic synthetic set (Faker values
  inserted into hand-written templates, gold offsets recorded while the text is built) and writes
  it as JSON Lines.
* :mod:`pii_eval.score` scores predicted spans against the gold spans: any-PII
  precision, recall and F-beta by span overlap, per-entity recall (any type and type-matched),
  per-predicted-type precision, and text-level flag rates with Wilson intervals.

``benchmarks/pii_accuracy.py`` runs Presidio's default analyzer and Clearance's detector on the set.
Every value in the set is synthetic (Faker and random digits); none comes from a real person.

Import it as ``pii_eval`` with ``benchmarks/`` on ``sys.path`` (the benchmark script and the
tests do so): ``benchmarks`` itself is not importable as a package, because opacus installs a
top-level package of that name which shadows the folder.
"""

from __future__ import annotations

from .generate import (
    CATEGORY_SIZES,
    GOLD_ENTITIES,
    GoldSpan,
    LabelledText,
    generate_eval_set,
    write_jsonl,
)
from .score import (
    DEFAULT_TYPE_MAPPING,
    FlagRate,
    PredSpan,
    Rate,
    Scores,
    flag_rate,
    score,
)

__all__ = [
    "CATEGORY_SIZES",
    "DEFAULT_TYPE_MAPPING",
    "GOLD_ENTITIES",
    "FlagRate",
    "GoldSpan",
    "LabelledText",
    "PredSpan",
    "Rate",
    "Scores",
    "flag_rate",
    "generate_eval_set",
    "score",
    "write_jsonl",
]
