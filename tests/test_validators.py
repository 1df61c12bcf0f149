"""Row validators: domain checks from the encoder, cross-field rules, counts, and the property
that no kept row breaks a validator (checked against a plain row-by-row reference)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.errors import InvalidInputError
from privacy.schema import ColumnKind
from synth.encoding import CategoricalCodec, NumericCodec, TableEncoder
from synth.validators import (
    CategoryDomainValidator,
    MissingPolicy,
    NumericRangeValidator,
    RowValidator,
    apply_validators,
    build_validators,
    column_kinds,
    domain_validators,
    parse_rule,
)

PLANTED = "PLANTED_SECRET_c41d"
D0, D1 = date(2020, 1, 1), date(2020, 12, 31)


def _days(d: date) -> float:
    return float((d - date(1970, 1, 1)).days)


ENCODER = TableEncoder(
    (
        CategoricalCodec("dx", ("A", "B", "C"), True, "measured (DP)"),
        CategoricalCodec("sex", ("F", "M"), False, "declared"),
        NumericCodec("age", (-0.5, 17.5, 64.5, 99.5), True, False, "declared", "declared bins"),
        NumericCodec("score", (0.0, 0.5, 1.0), False, False, "measured (DP)", "DP quantiles"),
        NumericCodec("admit", (_days(D0) - 0.5, _days(D1) + 0.5), False, True, "declared", "x"),
        NumericCodec("discharge", (_days(D0) - 0.5, _days(D1) + 0.5), False, True, "declared", "x"),
    )
)
KINDS = column_kinds(ENCODER)


# ------------------------------------------------------------------------------------ rules


@pytest.mark.parametrize(
    ("text", "left", "op", "right", "dates"),
    [
        ("discharge >= admit", "discharge", ">=", "admit", True),
        ("age>=0", "age", ">=", "0", False),
        ("  age <= 365 ", "age", "<=", "365", False),
        ("score < 1e-1", "score", "<", "1e-1", False),
        ("age > -5", "age", ">", "-5", False),
        ("0 < age", "0", "<", "age", False),
        ("admit != 2020-02-29", "admit", "!=", "2020-02-29", True),
        ("age == score", "age", "==", "score", False),
    ],
)
def test_rules_parse(text, left, op, right, dates):
    rule = parse_rule(text, kinds=KINDS)
    assert isinstance(rule, RowValidator)
    assert (rule.left.text, rule.op, rule.right.text, rule.dates) == (left, op, right, dates)
    assert rule.name == f"rule:{left} {op} {right}"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("age = 3", "no comparison operator"),
        ("age 3", "no comparison operator"),
        ("", "non-empty"),
        ("age >= ", "an operand on each side"),
        (">= 3", "an operand on each side"),
        ("0 < age < 10", "exactly one comparison operator"),
        ("age => 3", "exactly one comparison operator"),
        ("agee >= 0", "'agee' is not a known column"),
        ("dx == A", "categorical"),
        ("1 < 2", "two literals"),
        ("admit >= 3", "compares a date with a number"),
        ("age >= 2020-01-01", "compares a number with a date"),
        ("admit >= 2020-13-45", "not a valid ISO date"),
        ("age >= nan", "a number or an ISO date"),
        ("age >= 1.2.3", "neither a known column"),
    ],
)
def test_rule_errors(text, expect):
    with pytest.raises(InvalidInputError, match=expect):
        parse_rule(text, kinds=KINDS)


def test_build_validators_reports_every_bad_rule_at_once():
    with pytest.raises(InvalidInputError) as err:
        build_validators(ENCODER, ["agee >= 0", "age >= 0", "dx == A"])
    message = str(err.value)
    assert message.startswith("2 problems") and "agee" in message and "categorical" in message
    with pytest.raises(InvalidInputError, match="not one string"):
        build_validators(ENCODER, "age >= 0")  # type: ignore[arg-type]


def test_rules_compare_dates_as_dates_and_honour_the_missing_policy():
    table = pd.DataFrame(
        {
            "admit": ["2020-03-01", "2020-03-01", "2020-03-01", None, "2020-03-01T23:00"],
            "discharge": ["2020-03-02", "2020-02-28", None, "2020-03-01", "2020-03-01"],
        }
    )
    keep = parse_rule("discharge >= admit", kinds=KINDS).passes(table)
    assert keep.tolist() == [True, False, True, True, True]  # the time of day is ignored
    strict = parse_rule("discharge >= admit", kinds=KINDS, on_missing=MissingPolicy.DROP)
    assert strict.passes(table).tolist() == [True, False, False, False, True]
    literal = parse_rule("admit < 2020-03-02", kinds=KINDS).passes(table)
    assert literal.tolist() == [True, True, True, True, True]


def test_unreadable_operands_fail_the_rule():
    table = pd.DataFrame({"age": [30, PLANTED, None], "score": [0.5, 0.5, 0.5]})
    assert parse_rule("age >= 18", kinds=KINDS).passes(table).tolist() == [True, False, True]


# ---------------------------------------------------------------------------------- domains


def test_domain_validators_follow_the_encoder():
    by_name = {v.column: v for v in domain_validators(ENCODER)}
    assert isinstance(by_name["dx"], CategoryDomainValidator) and by_name["dx"].allow_other
    assert not by_name["sex"].allow_other  # that codec has no __other__ token
    age = by_name["age"]
    assert isinstance(age, NumericRangeValidator) and (age.low, age.high) == (0.0, 99.0)
    assert (by_name["score"].low, by_name["score"].high) == (0.0, 1.0)
    assert by_name["admit"].dates and by_name["admit"].low == _days(D0)


def test_domain_validators_drop_out_of_domain_values():
    table = pd.DataFrame(
        {
            "dx": ["A", "__other__", "Z", None, "B", "A"],
            "sex": ["F", "M", "F", "M", "__other__", 3.0],
            "age": [0, 99, 100, -1, 17.0, None],
            "score": [0.0, 1.0, 1.01, None, -0.01, 0.3],
            "admit": ["2020-01-01", "2020-12-31", "2021-01-01", "2019-12-31", "bad", None],
            "discharge": ["2020-06-01"] * 6,
        }
    )
    kept, counts = apply_validators(table, domain_validators(ENCODER))
    assert counts.rows_checked == 6 and counts.rows_kept == 2 and counts.rows_dropped == 4
    assert kept["dx"].tolist() == ["A", "__other__"]
    assert dict(counts.by_validator) == {
        "domain:dx": 1,
        "domain:sex": 2,
        "domain:age": 2,
        "domain:score": 2,
        "domain:admit": 3,
        "domain:discharge": 0,
    }
    strict = domain_validators(ENCODER, allow_other=False, allow_missing=False)
    _, counts = apply_validators(table, strict)
    assert counts.by_validator["domain:dx"] == 3  # __other__, Z and the missing value
    assert counts.by_validator["domain:age"] == 3


def test_apply_validators_counts_a_row_in_every_validator_it_fails():
    table = pd.DataFrame({"age": [10, 200, 5], "score": [0.1, 0.2, 0.3]}, index=[7, 8, 9])
    before = table.copy()
    rules = [parse_rule("age >= 18", kinds=KINDS), parse_rule("age <= 99", kinds=KINDS)]
    kept, counts = apply_validators(table, rules)
    assert len(kept) == 0 and counts.rows_dropped == 3
    assert dict(counts.by_validator) == {"rule:age >= 18": 2, "rule:age <= 99": 1}
    pd.testing.assert_frame_equal(table, before)  # the caller's table is untouched
    kept, _ = apply_validators(table, [parse_rule("age <= 99", kinds=KINDS)])
    assert kept.index.tolist() == [0, 1] and kept["age"].tolist() == [10, 5]
    assert counts.to_dict()["dropped_by_validator"] == {"rule:age >= 18": 2, "rule:age <= 99": 1}


def test_apply_validators_checks_before_it_runs():
    table = pd.DataFrame({"age": [PLANTED]})
    rule = parse_rule("age >= 18", kinds=KINDS)
    with pytest.raises(InvalidInputError, match="two validators are named") as err:
        apply_validators(table, [rule, rule])
    assert PLANTED not in str(err.value)
    with pytest.raises(InvalidInputError, match=r"unknown column\(s\) \['score'\]") as err:
        apply_validators(table, [parse_rule("score >= 0", kinds=KINDS)])
    assert PLANTED not in str(err.value)
    with pytest.raises(InvalidInputError, match="lacks name"):
        apply_validators(table, [object()])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="finite bounds"):
        NumericRangeValidator("age", 5.0, 1.0)


# ----------------------------------------------------------------------- property: no leaks


def _reference_keep(
    row: dict, *, allow_other: bool, allow_missing: bool, drop_missing: bool
) -> bool:
    """Row-by-row reading of the validators built in the property test below."""

    def missing(v) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v))

    def number(v) -> float | None:
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            return float(v)
        return None

    def day(v) -> float | None:
        try:
            return _days(date.fromisoformat(v))
        except (TypeError, ValueError):
            return None

    ok = True
    dx = row["dx"]
    if missing(dx):
        ok &= allow_missing
    else:
        ok &= dx in ("A", "B", "C") or (allow_other and dx == "__other__")
    sex = row["sex"]
    ok &= allow_missing if missing(sex) else sex in ("F", "M")
    for name, low, high in (("age", 0, 99), ("score", 0.0, 1.0)):
        v = row[name]
        if missing(v):
            ok &= allow_missing
        else:
            x = number(v)
            ok &= x is not None and low <= x <= high
    days = {}
    for name in ("admit", "discharge"):
        v = row[name]
        if missing(v):
            ok &= allow_missing
            days[name] = None
        else:
            d = day(v)
            ok &= d is not None and _days(D0) <= d <= _days(D1)
            days[name] = d if d is not None else math.nan
    # rules: "discharge >= admit", "age >= 18", "score != 0.25"
    if days["admit"] is None or days["discharge"] is None:
        ok &= not drop_missing
    else:
        ok &= days["discharge"] >= days["admit"]  # NaN (unreadable) compares False
    age = row["age"]
    if missing(age):
        ok &= not drop_missing
    else:
        ok &= number(age) is not None and number(age) >= 18
    score = row["score"]
    if missing(score):
        ok &= not drop_missing
    else:
        ok &= number(score) is not None and number(score) != 0.25
    return bool(ok)


DATES = st.one_of(
    st.dates(min_value=date(2019, 11, 1), max_value=date(2021, 2, 1)).map(date.isoformat),
    st.none(),
    st.just("not a date"),
)
ROWS = st.fixed_dictionaries(
    {
        "dx": st.sampled_from(["A", "B", "C", "__other__", "Z", PLANTED, None]),
        "sex": st.sampled_from(["F", "M", "X", None]),
        "age": st.one_of(st.integers(-20, 130), st.none(), st.just("abc")),
        "score": st.one_of(
            st.floats(-0.5, 1.5, allow_nan=False), st.just(0.25), st.just(1.0), st.none()
        ),
        "admit": DATES,
        "discharge": DATES,
    }
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(ROWS, min_size=1, max_size=25),
    allow_other=st.booleans(),
    allow_missing=st.booleans(),
    drop_missing=st.booleans(),
)
def test_no_kept_row_breaks_a_validator(rows, allow_other, allow_missing, drop_missing):
    table = pd.DataFrame(rows, columns=["dx", "sex", "age", "score", "admit", "discharge"])
    validators = build_validators(
        ENCODER,
        ["discharge >= admit", "age >= 18", "score != 0.25"],
        allow_other=allow_other,
        allow_missing=allow_missing,
        on_missing=MissingPolicy.DROP if drop_missing else MissingPolicy.PASS,
    )
    kept, counts = apply_validators(table, validators)
    expected = [
        _reference_keep(
            r, allow_other=allow_other, allow_missing=allow_missing, drop_missing=drop_missing
        )
        for r in rows
    ]
    assert counts.rows_kept == len(kept) == sum(expected)
    # exactly the rows the reference keeps: none that breaks a validator, none lost
    expected_rows = table.loc[np.array(expected, dtype=bool)].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, expected_rows)
    for v in validators:
        assert np.asarray(v.passes(kept), dtype=bool).all()
    assert all(c <= counts.rows_dropped for c in counts.by_validator.values())


def test_column_kinds():
    assert KINDS == {
        "dx": ColumnKind.CATEGORICAL,
        "sex": ColumnKind.CATEGORICAL,
        "age": ColumnKind.NUMERIC,
        "score": ColumnKind.NUMERIC,
        "admit": ColumnKind.DATETIME,
        "discharge": ColumnKind.DATETIME,
    }
