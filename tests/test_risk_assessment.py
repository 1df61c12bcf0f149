"""The combined risk assessment, quasi-identifier selection and ``clearance risk``."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clearance.cli import main
from privacy.errors import InvalidInputError
from privacy.risk import (
    QuasiIdentifierSource,
    assess_risk,
    choose_quasi_identifiers,
    propose_quasi_identifiers,
)
from privacy.schema import Column, ColumnKind, ColumnRole, Schema

SECRET = "Zebulon-4471"  # a value that must never appear in any output


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 3_000
    return pd.DataFrame({
        "name": [f"person {i}" for i in range(n)],  # unique: an identifier
        "age": rng.integers(18, 90, n),
        "sex": rng.choice(["F", "M"], n),
        "zip3": rng.choice([f"{z:03d}" for z in range(100, 130)], n),
        "diagnosis": rng.choice(["I10", "E11", "J45", "C50"], n, p=[0.5, 0.3, 0.15, 0.05]),
        "lab_value": rng.normal(size=n),  # continuous: nearly unique on its own
        "note": ["patient reports mild pain after the procedure, follow up next week"] * n,
    })


def test_assessment_combines_every_measure(people):
    result = assess_risk(people, quasi_identifiers=["age", "sex", "zip3"], sensitive="diagnosis",
                         sampling_fraction=0.1, risk_threshold=0.09)
    assert result.sample.k_for_threshold == 12
    assert result.population is not None and 0 <= result.population.dankar <= 1
    # population uniqueness never exceeds sample uniqueness (Zayatz: a share of sample records)
    assert result.population.zayatz <= result.sample.sample_uniqueness.value + 1e-12
    assert result.suda is not None and result.suda.max_size == 3
    assert result.diversity is not None and result.diversity.sensitive == "diagnosis"
    data = json.dumps(result.to_dict())
    assert "ARX" in data and "own" in data  # threshold convention and missing values stated
    assert SECRET not in data and "person 1" not in data


def test_every_record_unique_is_measured_and_said(people):
    result = assess_risk(people, quasi_identifiers=["name"], suda_max_size=0)
    assert result.sample.sample_uniqueness.value == 1.0
    assert any("every record is unique" in note for note in result.notes)
    assert result.suda is None


def test_population_table_gives_exact_population_uniqueness():
    population = pd.DataFrame({"q": list("AAAABBCD")})
    sample = pd.DataFrame({"q": list("ABCD")})
    result = assess_risk(sample, quasi_identifiers=["q"], population=population, suda_max_size=0)
    assert result.population_uniques.value == pytest.approx(2 / 4)  # C and D unique in population
    assert result.population is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(quasi_identifiers=["age", "diagnosis"], sensitive="diagnosis"), "both as a quasi"),
        (dict(quasi_identifiers=["age"], sensitive="nope"), "not a column"),
        (dict(quasi_identifiers=["age"], sampling_fraction=1.5), "sampling fraction"),
        (dict(quasi_identifiers=["age"], sampling_fraction=0), "sampling fraction"),
        (dict(quasi_identifiers=[]), "no quasi-identifier"),
        (dict(quasi_identifiers=["missing_col"]), "not in the table"),
        (dict(quasi_identifiers=["age"], risk_threshold=0), r"\(0, 1\]"),
    ],
)
def test_bad_arguments_are_refused(people, kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        assess_risk(people, **kwargs)


def test_population_and_sampling_fraction_together_are_refused(people):
    with pytest.raises(InvalidInputError, match="not both"):
        assess_risk(people, quasi_identifiers=["age"], population=people, sampling_fraction=0.1)


def test_one_row_table_is_measured():
    result = assess_risk(pd.DataFrame({"a": [1], "b": ["x"]}), quasi_identifiers=["a", "b"])
    assert result.sample.k_anonymity == 1 and result.sample.n_records == 1


def test_proposal_leaves_out_identifiers_text_and_continuous_measures(people):
    choice = propose_quasi_identifiers(people, rng=np.random.default_rng(0))
    assert choice.source is QuasiIdentifierSource.PROPOSED
    assert {"age", "sex", "zip3"} <= set(choice.columns)
    assert "name" not in choice.columns and "lab_value" not in choice.columns
    assert "note" not in choice.columns
    assert "nearly unique" in choice.left_out["name"]
    assert choice.left_out["note"] == "long free text"
    assert all(choice.reasons[c] for c in choice.columns)


def test_proposal_follows_schema_roles(people):
    schema = Schema(columns=(
        Column("name", ColumnKind.TEXT, ColumnRole.DIRECT_IDENTIFIER),
        Column("age", ColumnKind.NUMERIC, ColumnRole.QUASI_IDENTIFIER),
        Column("sex", ColumnKind.CATEGORICAL, ColumnRole.QUASI_IDENTIFIER),
        Column("diagnosis", ColumnKind.CATEGORICAL, ColumnRole.SENSITIVE),
    ))
    choice = choose_quasi_identifiers(people, schema=schema, rng=np.random.default_rng(0))
    assert choice.columns == ("age", "sex") and choice.source is QuasiIdentifierSource.SCHEMA
    given = choose_quasi_identifiers(people, given=["zip3"], schema=schema, rng=np.random.default_rng(0))
    assert given.columns == ("zip3",) and given.source is QuasiIdentifierSource.USER
    no_roles = Schema(columns=tuple(
        Column(c.name, c.kind, ColumnRole.OTHER if c.role is ColumnRole.QUASI_IDENTIFIER else c.role)
        for c in schema.columns
    ))
    proposed = choose_quasi_identifiers(people, schema=no_roles, rng=np.random.default_rng(0))
    assert "diagnosis" not in proposed.columns  # sensitive by role, never a quasi-identifier
    assert proposed.left_out["name"].startswith("schema role")


def test_proposal_without_any_candidate_is_refused():
    table = pd.DataFrame({"id": [f"x{i}" for i in range(100)]})
    with pytest.raises(InvalidInputError, match="--qi"):
        propose_quasi_identifiers(table, rng=np.random.default_rng(0))


# -- the CLI -------------------------------------------------------------------------------------


def _csv(tmp_path: Path, table: pd.DataFrame) -> Path:
    path = tmp_path / "table.csv"
    table.to_csv(path, index=False)
    return path


def test_cli_prints_a_summary_and_writes_json(tmp_path, people, capsys, no_network):
    table = people.assign(sex=people["sex"].where(people.index != 5, SECRET))
    path = _csv(tmp_path, table)
    out = tmp_path / "risk.json"
    code = main(["risk", str(path), "--qi", "age,sex,zip3", "--sensitive", "diagnosis",
                 "--sampling-fraction", "0.05", "--json-out", str(out)])
    printed = capsys.readouterr()
    assert code == 0
    assert "k-anonymity" in printed.out and "ARX convention: k = 5" in printed.out
    assert "Dankar" in printed.out and "SUDA" in printed.out and "t-closeness" in printed.out
    assert SECRET not in printed.out + printed.err
    data = json.loads(out.read_text())
    assert data["quasi_identifiers"]["columns"] == ["age", "sex", "zip3"]
    assert data["sample"]["k_for_threshold"] == 5
    assert SECRET not in out.read_text()


def test_cli_proposes_quasi_identifiers_when_none_given(tmp_path, people, capsys):
    code = main(["risk", str(_csv(tmp_path, people)), "--suda-max-size", "0",
                 "--policy", "public-release"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "proposed by Clearance" in printed and "left out" in printed
    assert "policy 'public-release'" in printed and "k = 12" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--qi", "age,nope"], "not in the table"),
        (["--qi", "age", "--sensitive", "age"], "both as a quasi-identifier"),
        (["--qi", "age", "--sampling-fraction", "2"], "sampling fraction"),
        (["--qi", ","], "names no column"),
        (["--qi", "age", "--policy", "no-such-preset"], "preset name"),
    ],
)
def test_cli_bad_input_exits_2_with_a_clear_message(tmp_path, people, capsys, args, message):
    code = main(["risk", str(_csv(tmp_path, people)), *args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_an_unreadable_table(tmp_path, capsys):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not a parquet file")
    assert main(["risk", str(bad), "--qi", "a"]) == 2
    assert "clearance: error" in capsys.readouterr().err
