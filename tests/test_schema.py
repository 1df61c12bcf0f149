"""Schema and Column: self-checking value objects (STYLE rule 2) and JSON round trips."""

import json

import pytest

from privacy.errors import InvalidInputError
from privacy.schema import Column, ColumnKind, ColumnRole, Schema


def test_round_trip_through_json(tmp_path):
    schema = Schema(
        columns=(
            Column("patient_id", ColumnKind.CATEGORICAL, ColumnRole.ENTITY_ID),
            Column("age", ColumnKind.NUMERIC, ColumnRole.QUASI_IDENTIFIER, bounds=(0, 110),
                   domain_public=True, integer=True),
            Column("sex", ColumnKind.CATEGORICAL, ColumnRole.QUASI_IDENTIFIER, categories=("F", "M"),
                   domain_public=True),
            Column("admitted", ColumnKind.DATETIME, bounds=("2021-01-01", "2024-12-31")),
            Column("note", ColumnKind.TEXT, ColumnRole.FREE_TEXT),
        )
    )
    path = tmp_path / "schema.json"
    schema.save(path)
    assert Schema.load(path) == schema
    assert schema.entity_column == "patient_id"
    assert [c.name for c in schema.synthesised] == ["age", "sex", "admitted"]


def test_all_problems_reported_at_once():
    with pytest.raises(InvalidInputError) as err:
        Schema.from_dict(
            {
                "columns": [
                    {"name": "a", "kind": "numeric", "bounds": [5, 1]},
                    {"name": "b", "kind": "categorical", "categories": ["x", "x"]},
                ]
            }
        )
    assert "2 problems" in str(err.value)


@pytest.mark.parametrize(
    "column",
    [
        dict(name="", kind=ColumnKind.NUMERIC),
        dict(name="a", kind=ColumnKind.NUMERIC, categories=("x",)),
        dict(name="a", kind=ColumnKind.CATEGORICAL, bounds=(0, 1)),
        dict(name="a", kind=ColumnKind.NUMERIC, bounds=(0, float("inf"))),
        dict(name="a", kind=ColumnKind.DATETIME, bounds=("2020-13-01", "2021-01-01")),
        dict(name="a", kind=ColumnKind.CATEGORICAL, domain_public=True),
    ],
)
def test_invalid_columns_cannot_exist(column):
    with pytest.raises(InvalidInputError):
        Column(**column)


def test_duplicate_and_multiple_entity_columns_refused():
    a = Column("a", ColumnKind.NUMERIC)
    with pytest.raises(InvalidInputError, match="more than once"):
        Schema(columns=(a, a))
    with pytest.raises(InvalidInputError, match="entity-id"):
        Schema(columns=(Column("p", ColumnKind.CATEGORICAL, ColumnRole.ENTITY_ID),
                        Column("q", ColumnKind.CATEGORICAL, ColumnRole.ENTITY_ID)))
    with pytest.raises(InvalidInputError):
        Schema(columns=())


def test_missing_table_columns_listed():
    schema = Schema(columns=(Column("a", ColumnKind.NUMERIC), Column("b", ColumnKind.NUMERIC)))
    with pytest.raises(InvalidInputError, match=r"\['b'\]"):
        schema.check_table_columns(["a", "c"])


def test_corrupt_and_missing_schema_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not readable JSON"):
        Schema.load(bad)
    with pytest.raises(InvalidInputError, match="does not exist"):
        Schema.load(tmp_path / "absent.json")
    wrong_version = tmp_path / "v9.json"
    wrong_version.write_text(json.dumps({"version": 9, "columns": []}), encoding="utf-8")
    with pytest.raises(InvalidInputError, match="version 9"):
        Schema.load(wrong_version)


def test_declared_bins_round_trip_and_are_checked() -> None:
    from privacy.errors import InvalidInputError
    from privacy.schema import Column, ColumnKind

    col = Column("gain", ColumnKind.NUMERIC, bins=(0, 1, 1000, 5000), integer=True, domain_public=True)
    assert Column.from_dict(col.to_dict()) == col
    for bad in ((5,), (0, 0, 1), (0, float("nan"))):
        with pytest.raises(InvalidInputError, match="bin"):
            Column("gain", ColumnKind.NUMERIC, bins=bad)
    with pytest.raises(InvalidInputError, match="only numeric"):
        Column("ward", ColumnKind.CATEGORICAL, bins=(0, 1))
