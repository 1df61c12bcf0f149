"""The notebooks in notebooks/ run top to bottom and show what they say they show.

Jupyter is not a dependency, so the notebooks are executed by a small runner: every code cell,
in order, in one namespace, with a pytest temporary folder as the working directory and every
outgoing connection refused. Each test then checks the notebook's final namespace.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
RELEASE_STATUSES = {"PASS", "WARN", "FAIL"}


def _notebook(name: str) -> dict[str, Any]:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def execute_notebook(name: str) -> dict[str, Any]:
    """Run the notebook's code cells in order in one namespace (in the current working
    directory) and return that namespace; an error names the cell it came from."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for index, cell in enumerate(_notebook(name)["cells"]):
        if cell["cell_type"] == "code":
            exec(compile(_source(cell), f"{name} (cell {index})", "exec"), namespace)
    return namespace


def _check_hospital_release(ns: dict[str, Any]) -> None:
    from reports import Status

    assert ns["verdict"] in RELEASE_STATUSES
    assert ns["outcome"].verdict in (Status.PASS, Status.WARN), ns["not_passing"]
    assert ns["verification"] is not None and ns["verification"].ok, ns["verification"]
    assert set(ns["verification"].checked) == {"synthetic.csv", "report.html", "report.json"}
    report = ns["report"]
    assert report["guarantee"].startswith("Each patient's contribution")
    assert any("fixed seed" in w for w in report["warnings"])  # the seed is for testing only
    audit = report["results"]["model_audit"]
    assert audit is not None and audit["n_models"] == 4
    assert audit["claimed_epsilon"] == pytest.approx(1.0)
    assert audit["one_run"]["lower_bound"] <= audit["claimed_epsilon"]
    assert report["results"]["privacy"]["epsilon"] <= 1.0
    # the release holds only the synthesised columns
    assert list(ns["synthetic"].columns) == ns["released_columns"]


def _check_boost(ns: dict[str, Any]) -> None:
    boosted = ns["boosted"].table
    rare = int((boosted["diagnosis_code"] == ns["RARE_DIAGNOSIS_CODE"]).sum())
    assert abs(rare - ns["BOOST_SHARE"] * len(boosted)) <= 1  # exactly the share, within a row
    assert ns["boosted"].boost.achieved_share == pytest.approx(
        ns["BOOST_SHARE"], abs=1 / len(boosted)
    )
    assert ns["record"].epsilon <= ns["EPSILON"] + 1e-9  # one training spend, sampling is free
    metrics = ns["metrics"]
    for row in ("synthetic, plain", "synthetic, boosted"):
        for metric in ("ROC-AUC", "recall"):
            value = float(metrics.loc[row, metric])
            assert math.isfinite(value) and 0 <= value <= 1, (row, metric, value)
    assert metrics.loc["synthetic, boosted", "rare share in training rows"] == pytest.approx(
        ns["BOOST_SHARE"], abs=1e-3
    )


def _check_audit(ns: dict[str, Any]) -> None:
    no_dp, dp = ns["no_dp"], ns["dp"]
    assert no_dp.claimed_epsilon is None and dp.claimed_epsilon == ns["EPSILON"]
    assert no_dp.empirical_epsilon > dp.empirical_epsilon  # the leak is seen
    assert dp.empirical_epsilon <= dp.claimed_epsilon and not dp.exceeds_claim
    assert no_dp.lira.auc.lower > dp.lira.auc.upper
    assert dp.lira.auc.lower <= ns["max_auc_under_dp"](ns["EPSILON"], ns["DELTA"])
    table = ns["exposure_table"]
    assert {reps for _, reps in table.index} == {0, 1, 2, 4, 8}


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "01_hospital_release.ipynb": _check_hospital_release,
    "02_boost_rare_diagnosis.ipynb": _check_boost,
    "03_audit_dp_vs_no_dp.ipynb": _check_audit,
}


def test_every_notebook_has_a_check_and_is_listed_in_the_readme() -> None:
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(CHECKS)
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for name in found:
        assert name in readme, name


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_notebook_is_valid_nbformat_4_without_outputs(name: str) -> None:
    notebook = _notebook(name)
    assert notebook["nbformat"] == 4 and isinstance(notebook["nbformat_minor"], int)
    assert notebook["metadata"]["kernelspec"]["language"] == "python"
    cells = notebook["cells"]
    assert cells and cells[0]["cell_type"] == "markdown"
    kinds = {c["cell_type"] for c in cells}
    assert kinds <= {"markdown", "code", "raw"} and {"markdown", "code"} <= kinds
    ids = [c.get("id") for c in cells]
    if notebook["nbformat_minor"] >= 5:  # cell ids are required from nbformat 4.5
        assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)
    for cell in cells:
        assert isinstance(cell["metadata"], dict) and isinstance(cell["source"], str | list)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{name}: stored outputs"
            assert cell["execution_count"] is None, f"{name}: stored execution count"
            compile(_source(cell), name, "exec")  # plain Python: no magics, no shell escapes
        else:
            assert "outputs" not in cell and "attachments" not in cell
        assert "../shared" not in _source(cell), f"{name} reads ../shared"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_notebook_runs_and_shows_what_it_says(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: None
) -> None:
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    namespace = execute_notebook(name)
    seconds = time.perf_counter() - started
    print(f"{name}: {seconds:.1f} s")
    CHECKS[name](namespace)
