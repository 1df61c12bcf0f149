"""``clearance plan`` end to end on small temporary tables: it prints an aligned table with the
chosen batch marked, writes JSON, counts entities, and reports bad input with exit code 2 and a
message that says what to do. It prints n and derived quantities, never a value of the table."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clearance.cli import EXIT_BAD_INPUT, EXIT_OK, main

SECRET = "Zebulon Quartermaine"


@pytest.fixture
def table_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    n = 1000
    table = pd.DataFrame(
        {
            "patient_id": rng.integers(0, 400, n).astype(float),
            "name": [f"person {i}" for i in range(n)],
            "age": rng.integers(18, 90, n),
        }
    )
    table.loc[3, "name"] = SECRET
    table.loc[:4, "patient_id"] = np.nan  # five rows without an id: five entities of their own
    path = tmp_path / "admissions.csv"
    table.to_csv(path, index=False)
    return path


def test_plan_prints_an_aligned_table_with_the_chosen_row_marked(table_csv, capsys, no_network):
    code = main(["plan", str(table_csv), "--epsilon", "1", "--parameters", "50000"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert "n = 1,000 protected rows" in out
    assert "delta = 0.0001 (derived from n)" in out and "accountant: PRV" in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "noise/signal" in line)
    header = lines[start]
    for column in ("batch", "q", "expected batch", "steps", "sigma", "memory", "suggested lr"):
        assert column in header
    rows = lines[start + 1 : lines.index("", start)]
    # the default candidates: powers of two from 64 up to n / 2 = 500
    assert [r.replace("*", " ").split()[0] for r in rows] == ["64", "128", "256"]
    assert {len(r) for r in rows} == {len(header)}  # right-aligned columns: equal widths
    assert sum(r.startswith("  *") for r in rows) == 1
    assert "* chosen: Batch" in out
    assert "MiB" in out  # memory estimated from --parameters
    assert SECRET not in out + err and "person 3" not in out + err


def test_plan_json_out_is_the_plan(table_csv, tmp_path, capsys):
    out_file = tmp_path / "plan.json"
    code = main(
        [
            "plan",
            str(table_csv),
            "--epsilon",
            "2",
            "--epochs",
            "5",
            "--batch-sizes",
            "100,50",
            "--accountant",
            "rdp",
            "--min-steps",
            "20",
            "--json-out",
            str(out_file),
        ]
    )
    printed = capsys.readouterr().out
    assert code == EXIT_OK
    assert "accountant: RDP" in printed
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["table"] == "admissions.csv" and data["delta_derived_from_n"] is True
    assert data["inputs"]["n_units"] == 1000 and data["inputs"]["accountant"] == "rdp"
    assert [r["batch_size"] for r in data["rows"]] == [50, 100]
    assert [r["sample_rate"] for r in data["rows"]] == [1 / math.ceil(1000 / b) for b in (50, 100)]
    assert data["chosen_batch_size"] == 100  # 50 steps >= 20, and less noise per step
    assert SECRET not in out_file.read_text(encoding="utf-8")


def test_entity_column_counts_distinct_entities(table_csv, capsys):
    table = pd.read_csv(table_csv)
    expected = table["patient_id"].nunique() + 5
    code = main(
        [
            "plan",
            str(table_csv),
            "--epsilon",
            "1",
            "--entity-column",
            "patient_id",
            "--batch-sizes",
            "64",
        ]
    )
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert f"n = {expected:,} protected entities (distinct patient_id)" in out
    assert "5 rows without an entity id" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epsilon", "1", "--batch-sizes", "64,lots"], "separated by commas"),
        (["--epsilon", "1", "--entity-column", "nope"], "is not a column"),
        (["--epsilon", "1", "--delta", "0.01"], "1/n"),
        (["--epsilon", "0"], "epsilon must be a finite number > 0"),
        (["--epsilon", "1", "--batch-sizes", "5000"], "larger than the 1000"),
        (["--epsilon", "0.012", "--delta", "1e-5"], "need about n = 4,000"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(table_csv, capsys, args, message):
    assert main(["plan", str(table_csv), *args]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "clearance: error:" in err and message in err
    assert SECRET not in err


def test_an_existing_json_out_needs_overwrite(table_csv, tmp_path, capsys):
    out_file = tmp_path / "plan.json"
    out_file.write_text("{}", encoding="utf-8")
    assert main(["plan", str(table_csv), "--epsilon", "1", "--json-out", str(out_file)]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_an_unreadable_table_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    assert main(["plan", str(bad), "--epsilon", "1"]) == EXIT_BAD_INPUT
    assert "could not be read" in capsys.readouterr().err


def test_the_plan_command_imports_the_accountants_only_when_run():
    code = "import sys, clearance.plan_commands; print('privacy.accounting' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
