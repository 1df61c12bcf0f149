"""Benchmark: re-identification risk measures at warehouse scale, against pycanon in the same run.

Three sections, on the demo hospital table (``clearance.demo_data.generate_admissions``, fixed
seed) with its seven quasi-identifiers (city, state, admission_date, discharge_date, sex,
race_ethnicity, age) and ``diagnosis_code`` as the sensitive attribute:

1. **Every measure except SUDA** at ``--rows`` (default 1,000,000) records: equivalence classes,
   k-anonymity, prosecutor / journalist / marketer risk, sdcMicro individual risk, population
   uniqueness (Zayatz, Pitman, SNB, Dankar) at sampling fraction 0.01, l-diversity and
   t-closeness. Target: within 10 s on 2 cores.
2. **k, l and t against pycanon** (Apache-2.0, the reference Python library) at
   ``--pycanon-rows`` (default 100,000): pycanon's ``k_anonymity``, ``l_diversity`` and
   ``t_closeness`` against ours on the same table, same quasi-identifiers, values compared.
   Ratio = pycanon time / our time (above 1: ours is faster). Target: at least 20x. pycanon pins
   old numpy/pandas versions, so it is not in the project's lock: install it beside, without
   its dependencies, and point ``--pycanon-path`` at it::

       pip install --no-deps --target /tmp/pycanon_lib pycanon==1.3.6 beartype==0.22.2

3. **SUDA** up to size 3 at ``--suda-rows`` (default 100,000). Target: within 60 s.

Peak memory of each measurement is the peak of memory allocated while it runs (Python's
``tracemalloc``, which numpy reports its arrays to), in a second, untimed run of the same call;
the table itself is not counted. The process's peak resident set (``ru_maxrss``) is reported too. Writes ``benchmarks/results/risk_speed.json`` and prints a markdown table.

    .venv/bin/python benchmarks/risk_speed.py [--rows 1000000] [--pycanon-rows 100000]
        [--suda-rows 100000] [--pycanon-path /tmp/pycanon_lib] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from clearance.demo_data import generate_admissions  # noqa: E402
from privacy.risk import (  # noqa: E402
    equivalence_classes,
    measure_diversity,
    population_uniqueness,
    sample_risk,
    special_uniques,
)

QUASI_IDENTIFIERS = [
    "city", "state", "admission_date", "discharge_date", "sex", "race_ethnicity", "age",
]  # fmt: skip
SENSITIVE = "diagnosis_code"
SAMPLING_FRACTION = 0.01
RESULTS = Path(__file__).resolve().parent / "results" / "risk_speed.json"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def peak_allocated_mb(fn: Callable[[], Any]) -> float:
    """Peak memory allocated while ``fn`` runs (tracemalloc; numpy arrays included), in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def all_measures(table: pd.DataFrame, qis: list[str]) -> tuple[dict[str, float], dict[str, Any]]:
    """Every measure except SUDA, each timed; returns timings and the figures."""
    timings: dict[str, float] = {}
    classes, timings["equivalence classes"] = timed(lambda: equivalence_classes(table, qis))
    risk, timings["k-anonymity, prosecutor/journalist/marketer, individual risk"] = timed(
        lambda: sample_risk(classes, risk_threshold=0.09, sampling_fraction=SAMPLING_FRACTION)
    )
    population, timings["population uniqueness (Zayatz, Pitman, SNB, Dankar)"] = timed(
        lambda: population_uniqueness(classes.sizes, sampling_fraction=SAMPLING_FRACTION)
    )
    diversity, timings["l-diversity and t-closeness"] = timed(
        lambda: measure_diversity(
            classes.record_class, table[SENSITIVE], n_classes=classes.n_classes,
            sensitive_name=SENSITIVE,
        )
    )
    figures = {
        "n_classes": classes.n_classes,
        "k_anonymity": risk.k_anonymity,
        "sample_uniqueness": risk.sample_uniqueness.value,
        "average_prosecutor_risk": risk.prosecutor.average.value,
        "expected_reidentifications": risk.individual.expected_reidentifications,
        "population": population.to_dict(),
        "diversity": diversity.to_dict(),
    }
    return timings, figures


def ours_k_l_t(table: pd.DataFrame, qis: list[str]) -> dict[str, float]:
    classes = equivalence_classes(table, qis)
    diversity = measure_diversity(
        classes.record_class, table[SENSITIVE], n_classes=classes.n_classes, sensitive_name=SENSITIVE
    )
    return {"k": int(classes.sizes.min()), "l": diversity.distinct_l, "t": diversity.t_closeness}


def pycanon_k_l_t(table: pd.DataFrame, qis: list[str]) -> dict[str, float]:
    from pycanon import anonymity

    return {
        "k": int(anonymity.k_anonymity(table, qis)),
        "l": int(anonymity.l_diversity(table, qis, [SENSITIVE])),
        "t": float(anonymity.t_closeness(table, qis, [SENSITIVE])),
    }


def against_pycanon(table: pd.DataFrame, qis: list[str]) -> dict[str, Any]:
    """k, l and t by Clearance and by pycanon on the same table, timed, values compared."""
    ours, ours_s = timed(lambda: ours_k_l_t(table, qis))
    section: dict[str, Any] = {
        "rows": len(table),
        "quasi_identifiers": qis,
        "sensitive": SENSITIVE,
        "ours": {"values": ours, "seconds": ours_s},
        "ours_peak_allocated_mb": peak_allocated_mb(lambda: ours_k_l_t(table, qis)),
    }
    try:
        from importlib import metadata

        import pycanon  # noqa: F401
    except ImportError:
        section["pycanon"] = (
            "not installed: pip install --no-deps --target /tmp/pycanon_lib pycanon==1.3.6 "
            "beartype==0.22.2"
        )
        return section
    theirs, theirs_s = timed(lambda: pycanon_k_l_t(table, qis))
    section.update(
        baseline="pycanon " + metadata.version("pycanon"),
        pycanon={"values": theirs, "seconds": theirs_s},
        ratio=theirs_s / ours_s,
        target_ratio=20.0,
        met=theirs_s / ours_s >= 20.0,
        values_agree=(
            ours["k"] == theirs["k"]
            and ours["l"] == theirs["l"]
            and abs(ours["t"] - theirs["t"]) <= 1e-9
        ),
    )
    print(f"{len(qis)} QIs: pycanon {theirs_s:.2f} s, ours {ours_s:.3f} s", file=sys.stderr)
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pycanon-rows", type=int, default=100_000)
    parser.add_argument("--suda-rows", type=int, default=100_000)
    parser.add_argument("--pycanon-path", type=Path, default=Path("/tmp/pycanon_lib"))
    parser.add_argument("--pycanon-qis", type=int, nargs="+", default=[3, 4],
                        help="quasi-identifiers for the pycanon comparison, taken in the order "
                             "sex, race_ethnicity, state, age, city (pycanon's l and t loop over "
                             "classes in Python, so its time grows with their number; default: 3, then 4)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    rss_start = peak_rss_mb()
    big, generate_s = timed(
        lambda: generate_admissions(args.rows, rng=np.random.default_rng(20261126))
    )
    big = big[[*QUASI_IDENTIFIERS, SENSITIVE]]
    rss_table = peak_rss_mb()
    timings, figures = all_measures(big, QUASI_IDENTIFIERS)
    total = sum(timings.values())
    section_1 = {
        "rows": args.rows,
        "quasi_identifiers": QUASI_IDENTIFIERS,
        "sensitive": SENSITIVE,
        "sampling_fraction": SAMPLING_FRACTION,
        "seconds": timings,
        "total_seconds": total,
        "target_seconds": 10.0,
        "met": total <= 10.0,
        "peak_allocated_mb": peak_allocated_mb(lambda: all_measures(big, QUASI_IDENTIFIERS)),
        "table_peak_rss_mb": rss_table - rss_start,
        "figures": figures,
        "table_generation_seconds": generate_s,
    }
    print(f"all measures except SUDA on {args.rows:,} rows: {total:.2f} s", file=sys.stderr)

    small = big.iloc[: args.pycanon_rows].reset_index(drop=True)
    if args.pycanon_path.exists():
        sys.path.insert(0, str(args.pycanon_path))
    # Low-cardinality quasi-identifiers first: pycanon's l and t loop over classes in Python.
    section_2 = [
        against_pycanon(small, ["sex", "race_ethnicity", "state", "age", "city"][:count])
        for count in args.pycanon_qis
    ]

    suda_table = big.iloc[: args.suda_rows].reset_index(drop=True)
    suda, suda_s = timed(lambda: special_uniques(suda_table, QUASI_IDENTIFIERS, max_size=3))
    section_3 = {
        "rows": len(suda_table),
        "quasi_identifiers": QUASI_IDENTIFIERS,
        "max_size": 3,
        "seconds": suda_s,
        "target_seconds": 60.0,
        "met": suda_s <= 60.0,
        "peak_allocated_mb": peak_allocated_mb(
            lambda: special_uniques(suda_table, QUASI_IDENTIFIERS, max_size=3)
        ),
        "summary": suda.to_dict(),
    }
    print(f"SUDA on {len(suda_table):,} rows: {suda_s:.2f} s", file=sys.stderr)

    result = {
        "benchmark": "risk_speed",
        "started_at": started_at,
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_1_5_15_at_start": list(os.getloadavg()),
        },
        "all_measures_except_suda": section_1,
        "k_l_t_against_pycanon": section_2,
        "suda": section_3,
        "peak_rss_mb": peak_rss_mb(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(markdown(result))
    return 0


def markdown(result: dict[str, Any]) -> str:
    s1, s2, s3 = (
        result["all_measures_except_suda"], result["k_l_t_against_pycanon"], result["suda"]
    )
    lines = [
        "| measure | rows | Clearance | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| all measures except SUDA, 7 QIs | {s1['rows']:,} | {s1['total_seconds']:.2f} s | - | - "
        f"| <= 10 s ({'met' if s1['met'] else 'missed'}) |",
    ]
    for row in s2:
        if not isinstance(row.get("pycanon"), dict):
            continue
        values = ", ".join(f"{k} = {v:g}" for k, v in row["ours"]["values"].items())
        lines.append(
            f"| k, l, t, {len(row['quasi_identifiers'])} QIs ({values}; values agree: "
            f"{'yes' if row['values_agree'] else 'NO'}) | {row['rows']:,} | "
            f"{row['ours']['seconds']:.3f} s | {row['pycanon']['seconds']:.2f} s "
            f"({row['baseline']}) | {row['ratio']:.0f}x | >= 20x "
            f"({'met' if row['met'] else 'missed'}) |"
        )
    lines.append(
        f"| SUDA up to size 3, 7 QIs | {s3['rows']:,} | {s3['seconds']:.2f} s | - | - | <= 60 s "
        f"({'met' if s3['met'] else 'missed'}) |"
    )
    lines.append(
        f"\n{result['machine']['cpu_count']} cores. Peak memory allocated by the measures: "
        f"{s1['peak_allocated_mb']:.0f} MB for all measures at {s1['rows']:,} rows, "
        f"{max(r['ours_peak_allocated_mb'] for r in s2):.0f} MB for k, l, t and {s3['peak_allocated_mb']:.0f} MB "
        f"for SUDA at {s3['rows']:,} rows; process peak RSS {result['peak_rss_mb']:.0f} MB, "
        f"mostly the generated demo table ({s1['table_peak_rss_mb']:.0f} MB with its notes)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
