"""``clearance audit``: the black-box attacks on a synthetic table from any tool.

Small seeded tables of one population (numeric, categorical and date columns): a "vendor" table
that copies its training rows must show a membership signal (the DOMIAS AUC interval above 0.5),
one drawn independently from the population must not (its AUC within the 99% Hanley-McNeil
interval of 0.5, SE = sqrt((n1 + n2 + 1) / (12 n1 n2))). Bad input is exit code 2 with a message
that says what is wrong and what to do; no cell value ever reaches stdout, stderr or the JSON.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from audit.black_box import MIN_TARGETS, BlackBoxMembership, black_box_membership
from clearance import audit_commands
from clearance.cli import EXIT_BAD_INPUT, EXIT_OK, main
from clearance.synthetic_attacks import anonymity_attacks, infer_kinds
from privacy.errors import InvalidInputError

SECRET = "SECRET-98765"
N = 400  # rows per table: 200 member and 200 non-member targets


def _population(rng: np.random.Generator, n: int) -> pd.DataFrame:
    age = rng.integers(18, 90, n)
    admitted = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    return pd.DataFrame(
        {
            "age": age,
            "sex": rng.choice(["F", "M"], n),
            "ward": rng.choice(["cardiology", "oncology", "surgery", "maternity", "icu"], n),
            "income": np.round(20_000 + 400 * age + rng.normal(0, 9_000, n), 2),
            "diagnosis": rng.choice(["asthma", "diabetes", "flu", "fracture", "none"], n),
            "admitted": admitted.strftime("%Y-%m-%d"),
        }
    )


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, Path]:
    rng = np.random.default_rng(20240611)
    folder = tmp_path_factory.mktemp("audit")
    train, holdout, independent = (_population(rng, N) for _ in range(3))
    train.loc[7, "ward"] = SECRET  # a distinctive value the vendor's copy carries along
    train["ssn"] = [f"900-00-{i:04d}" for i in range(N)]  # the vendor dropped it
    paths = {
        "train": folder / "train.csv",
        "holdout": folder / "holdout.csv",
        "copy": folder / "vendor_copy.csv",
        "independent": folder / "vendor_independent.parquet",
    }
    train.to_csv(paths["train"], index=False)
    holdout.to_csv(paths["holdout"], index=False)
    train.drop(columns="ssn").to_csv(paths["copy"], index=False)
    independent.to_parquet(paths["independent"], index=False)
    return paths


def _audit(tables, synthetic: str, tmp_path: Path, *extra: str) -> tuple[int, str, dict]:
    """Run the command with --json-out; its exit code, the JSON text and the parsed JSON."""
    out_json = tmp_path / f"{synthetic}.json"
    argv = ["audit", "--real", str(tables["train"]), "--control", str(tables["holdout"]),
            "--synthetic", str(tables[synthetic]), "--json-out", str(out_json), *extra]
    code = main(argv)
    text = out_json.read_text() if out_json.exists() else ""
    return code, text, json.loads(text) if text else {}


def test_a_copy_of_the_training_rows_is_caught(tables, tmp_path, capsys, no_network):
    code, text, data = _audit(tables, "copy", tmp_path)
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    domias = data["membership"]["density_ratio"]
    assert domias["attack"] == "density ratio (DOMIAS)"
    assert domias["n_members"] == domias["n_non_members"] == N // 2
    assert domias["auc"]["lower"] > 0.5 and domias["beats_baseline"] is True
    assert data["membership"]["n_reference"] == N - N // 2  # the rest of the control
    # the column the vendor dropped is named, not attacked
    assert data["columns"]["missing_from_synthetic"] == ["ssn"]
    assert "ssn" not in data["columns"]["attacked"]
    assert data["columns"]["attacked"]["admitted"] == "datetime"
    labels = [a["label"] for a in data["anonymity"]]
    assert labels[0] == "singling out (multivariate)" and "linkability" in labels
    assert data["anonymity_error"] is None
    # a verbatim copy lets the attacker infer every secret of its training rows
    inference = [a for a in data["anonymity"] if a["attack"] == "inference"]
    assert inference and all(a["residual_risk"]["lower"] > 0.5 for a in inference)
    # the printed summary
    assert "density ratio (DOMIAS" in out and "interval above 0.5" in out
    assert "TPR at FPR 1%" in out and "TPR at FPR 0.1%" in out and "resolvable" in out
    assert "NOT evidence on its own" in out
    assert "not in vendor_copy.csv (not attacked): ssn" in out
    assert "residual risk" in out and "control rate" in out
    assert "membership attacks" in err and "singling out" in err  # progress on stderr
    assert SECRET not in out + err + text and "900-00-" not in out + err + text


def test_independent_synthetic_rows_show_no_membership_signal(tables, tmp_path, capsys):
    code, text, data = _audit(tables, "independent", tmp_path, "--sensitive", "diagnosis")
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    domias = data["membership"]["density_ratio"]
    n1, n2 = domias["n_members"], domias["n_non_members"]
    se = math.sqrt((n1 + n2 + 1) / (12 * n1 * n2))
    assert abs(domias["auc"]["value"] - 0.5) <= 2.576 * se  # 99% Hanley-McNeil interval
    assert "no membership signal detected" in out
    inference = [a for a in data["anonymity"] if a["attack"] == "inference"]
    assert [a["label"] for a in inference] == ["inference of diagnosis"]
    assert data["sensitive"] == ["diagnosis"] and data["sensitive_source"] == "given by the user"
    assert SECRET not in out + err + text


def test_json_round_trips_to_the_typed_result(tables, tmp_path, capsys):
    _, _, data = _audit(tables, "copy", tmp_path, "--targets", "50", "--seed", "3")
    capsys.readouterr()
    result = BlackBoxMembership.from_dict(data["membership"])
    assert result.n_targets == 50 and result.to_dict() == data["membership"]
    assert data["seed"] == 3 and data["targets_requested"] == 50


def test_reference_is_disjoint_from_the_non_member_targets():
    rng = np.random.default_rng(5)
    real, control, synthetic = (_population(rng, 200) for _ in range(3))
    control["row"] = np.arange(len(control))  # every control row distinct
    synthetic["row"] = 0
    real["row"] = -1
    result = black_box_membership(
        real_members=real, control=control, synthetic=synthetic,
        rng=np.random.default_rng(0), n_targets=1000,
    )
    assert result.n_targets == 100 and result.n_reference == 100
    # density_ratio_attack counts targets found verbatim in the reference; there are none
    assert "appear verbatim" not in result.density_ratio.notes
    assert result.dcr.n_members == result.density_ratio.n_members == 100


def test_library_errors_name_columns_and_counts_never_values():
    rng = np.random.default_rng(6)
    real, control, synthetic = (_population(rng, 100) for _ in range(3))
    real["ward"] = SECRET
    with pytest.raises(InvalidInputError) as err:
        black_box_membership(
            real_members=real, control=control.drop(columns="age"), synthetic=synthetic,
            rng=rng,
        )
    assert "control lacks the attacked column(s) ['age']" in str(err.value)
    with pytest.raises(InvalidInputError) as err:
        black_box_membership(
            real_members=real, control=control.head(30), synthetic=synthetic, rng=rng
        )
    assert "control has 30 row(s); the audit needs at least 40" in str(err.value)
    assert SECRET not in str(err.value)
    assert audit_commands.MIN_TARGETS == MIN_TARGETS


def test_infer_kinds_and_anonymity_attacks_without_a_schema():
    table = pd.DataFrame(
        {
            "n": [1, 2, None],
            "flag": [True, False, True],
            "day": ["2024-01-02", "2024-03-04T10:30", None],
            "not_a_day": ["2024-01-02", "soon", None],
            "empty": [None, None, None],
        }
    )
    assert infer_kinds(table) == {
        "n": "numeric", "flag": "categorical", "day": "datetime",
        "not_a_day": "categorical", "empty": "categorical",
    }
    rng = np.random.default_rng(8)
    train, holdout, synthetic = (_population(rng, 150) for _ in range(3))
    kinds = infer_kinds(train)
    results = anonymity_attacks(
        train=train, holdout=holdout, synthetic=synthetic, kinds=kinds,
        known_columns=["age", "sex", "ward", "not-a-column"], sensitive_columns=["diagnosis"],
        rng=rng, max_attacks=100,
    )
    assert [r.label for r in results] == [
        "singling out (multivariate)", "linkability", "inference of diagnosis"
    ]
    assert all(r.n_attacks == 100 for r in results)
    with pytest.raises(InvalidInputError, match="not among"):
        anonymity_attacks(
            train=train, holdout=holdout, synthetic=synthetic, kinds={"age": "text"},
            known_columns=[], sensitive_columns=[], rng=rng,
        )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", ["--synthetic", "does not exist; check the path"]),
        ("no_common", ["no column is in all three tables", "same column names", "'colour'"]),
        ("one_row", ["--synthetic", "has one row", "at least 20 rows"]),
        ("few_rows", ["--control", "it has 10 row(s)", "40 in --control"]),
        ("corrupt", ["--synthetic", "could not be read", "not corrupt or truncated"]),
        ("unknown_qi", ["--qi names column(s) ['zip']", "attacked columns"]),
    ],
)
def test_bad_input_is_a_clear_error(case, expected, tables, tmp_path, capsys):
    real, control = tables["train"], tables["holdout"]
    synthetic = tmp_path / "vendor.csv"
    extra: list[str] = []
    if case == "no_common":
        pd.DataFrame({"colour": [SECRET, "red", "blue"] * 10}).to_csv(synthetic, index=False)
    elif case == "one_row":
        pd.read_csv(real).head(1).to_csv(synthetic, index=False)
    elif case == "few_rows":
        control = tmp_path / "small.csv"
        pd.read_csv(tables["holdout"]).head(10).to_csv(control, index=False)
        pd.read_csv(real).to_csv(synthetic, index=False)
    elif case == "corrupt":
        synthetic = tmp_path / "vendor.parquet"
        synthetic.write_text(f"not parquet at all {SECRET}\n")
    elif case == "unknown_qi":
        pd.read_csv(real).to_csv(synthetic, index=False)
        extra = ["--qi", "age,zip"]
    code = main(["audit", "--real", str(real), "--control", str(control),
                 "--synthetic", str(synthetic), *extra])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert "clearance: error: " in err
    for text in expected:
        assert text in err
    assert SECRET not in out + err


def test_an_existing_json_out_is_kept_without_overwrite(tables, tmp_path, capsys):
    out_json = tmp_path / "audit.json"
    out_json.write_text("{}")
    code = main(["audit", "--real", str(tables["train"]), "--control", str(tables["holdout"]),
                 "--synthetic", str(tables["copy"]), "--json-out", str(out_json)])
    assert code == EXIT_BAD_INPUT and "--overwrite" in capsys.readouterr().err
    assert out_json.read_text() == "{}"


def test_help_reads_well(capsys):
    with pytest.raises(SystemExit) as done:
        main(["audit", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for text in ("--real FILE", "--control FILE", "--synthetic FILE", "--schema FILE",
                 "--qi COL,COL,...", "--sensitive COL,COL,...", "--targets N", "--seed SEED",
                 "--json-out FILE", "--overwrite", "DOMIAS", "never trained", "never a value",
                 "clearance audit --real train.csv"):
        assert text in out, text
    assert max(len(line) for line in out.splitlines()) <= 100
    with pytest.raises(SystemExit):
        main(["audit", "--real", "a.csv", "--control", "b.csv", "--synthetic", "c.csv",
              "--targets", "5"])
    assert "must be at least 20" in capsys.readouterr().err
