"""The PII evaluation set (benchmarks/pii_eval): span-overlap scoring by hand-computed cases, and
sanity of the generated labelled set. Fast: no Presidio, no spaCy."""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

# ``benchmarks`` is shadowed by a top-level package opacus installs; import from the folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from pii_eval.generate import (  # noqa: E402
    CATEGORY_SIZES,
    GOLD_ENTITIES,
    GoldSpan,
    LabelledText,
    generate_eval_set,
    npi_is_valid,
    vin_is_valid,
    write_jsonl,
)
from pii_eval.score import (  # noqa: E402
    DEFAULT_TYPE_MAPPING,
    PredSpan,
    Rate,
    f_beta,
    flag_rate,
    overlaps,
    score,
)

from privacy.estimate import wilson_interval  # noqa: E402

# --------------------------------------------------------------------------------------------
# Scoring


def test_three_gold_four_predictions_two_overlapping() -> None:
    gold = [[GoldSpan(0, 5, "PERSON"), GoldSpan(10, 15, "US_SSN"), GoldSpan(20, 25, "DATE")]]
    pred = [
        [
            PredSpan(0, 3, "PERSON"),  # overlaps the person
            PredSpan(12, 20, "PHONE_NUMBER"),  # overlaps the SSN, touches the date
            PredSpan(30, 35, "ORGANIZATION"),
            PredSpan(40, 45, "DATE_TIME"),
        ]
    ]
    s = score(gold, pred)
    assert (s.precision.k, s.precision.n) == (2, 4)
    assert (s.recall.k, s.recall.n) == (2, 3)
    # F2 = 5PR / (4P + R) with P = 1/2, R = 2/3: (5/3) / (8/3) = 5/8.
    p, r = Fraction(1, 2), Fraction(2, 3)
    assert 5 * p * r / (4 * p + r) == Fraction(5, 8)
    assert s.f_beta == pytest.approx(0.625)
    assert s.any_pii_dict()["f2"] == 0.625
    # Per gold entity: the SSN is found by a phone span (any type) but not type-matched.
    assert s.per_entity["PERSON"].recall_any == Rate(1, 1)
    assert s.per_entity["PERSON"].recall_typed == Rate(1, 1)
    assert s.per_entity["US_SSN"].recall_any == Rate(1, 1)
    assert s.per_entity["US_SSN"].recall_typed == Rate(0, 1)
    assert s.per_entity["DATE"].recall_any == Rate(0, 1)
    assert s.per_entity["DATE"].support == 1
    assert s.per_predicted == {
        "DATE_TIME": Rate(0, 1),
        "ORGANIZATION": Rate(0, 1),
        "PERSON": Rate(1, 1),
        "PHONE_NUMBER": Rate(1, 1),
    }
    assert s.flag is None


def test_counts_add_up_across_texts() -> None:
    gold = [[GoldSpan(0, 4, "PERSON")], [], [GoldSpan(2, 6, "DATE"), GoldSpan(8, 9, "AGE")]]
    pred = [[], [PredSpan(0, 3, "PERSON")], [PredSpan(5, 9, "DATE_TIME")]]
    s = score(gold, pred)
    # Text 0: the person is missed. Text 1: a false positive. Text 2: one prediction over both.
    assert s.recall == Rate(2, 3)
    assert s.precision == Rate(1, 2)
    assert s.f_beta == pytest.approx(5 * (1 / 2) * (2 / 3) / (4 * (1 / 2) + 2 / 3))
    assert s.per_entity["AGE"].recall_any == Rate(1, 1)
    assert s.per_entity["AGE"].recall_typed == Rate(0, 1)  # DATE_TIME does not type-match AGE
    assert s.per_entity["DATE"].recall_typed == Rate(1, 1)
    assert list(s.per_entity) == ["PERSON", "DATE", "AGE"]  # the vocabulary's order


def test_no_predictions() -> None:
    s = score([[GoldSpan(0, 5, "PERSON")], [GoldSpan(1, 2, "AGE")]], [[], []])
    assert s.precision == Rate(0, 0) and s.precision.value is None
    assert s.recall == Rate(0, 2) and s.recall.value == 0.0
    assert s.f_beta == 0.0


def test_no_gold() -> None:
    s = score([[], []], [[PredSpan(0, 5, "PERSON")], [PredSpan(3, 4, "DATE_TIME")]])
    assert s.precision == Rate(0, 2)
    assert s.recall == Rate(0, 0) and s.recall.value is None
    assert s.f_beta is None
    assert s.per_entity == {}
    empty = score([[]], [[]])
    assert empty.precision.value is None and empty.recall.value is None and empty.f_beta is None


def test_one_character_overlap_counts_and_touching_does_not() -> None:
    assert overlaps(GoldSpan(5, 10, "PERSON"), PredSpan(9, 20, "PERSON"))
    assert overlaps(PredSpan(0, 1, "X"), GoldSpan(0, 1, "AGE"))
    assert not overlaps(GoldSpan(0, 5, "PERSON"), PredSpan(5, 9, "PERSON"))
    assert not overlaps(PredSpan(5, 9, "PERSON"), GoldSpan(0, 5, "PERSON"))
    s = score([[GoldSpan(5, 10, "PERSON")]], [[PredSpan(9, 20, "PERSON")]])
    assert s.recall == Rate(1, 1) and s.precision == Rate(1, 1)
    s = score([[GoldSpan(0, 5, "PERSON")]], [[PredSpan(5, 9, "PERSON")]])
    assert s.recall == Rate(0, 1) and s.precision == Rate(0, 1)


def test_every_prediction_counts_for_precision() -> None:
    # Two predictions on one gold span are two correct predictions; one prediction over two
    # gold spans finds both and is one correct prediction.
    s = score(
        [[GoldSpan(0, 10, "DATE")]],
        [[PredSpan(0, 10, "DATE_TIME"), PredSpan(2, 6, "US_DRIVER_LICENSE")]],
    )
    assert s.precision == Rate(2, 2) and s.recall == Rate(1, 1)
    s = score([[GoldSpan(0, 4, "PERSON"), GoldSpan(5, 9, "PERSON")]], [[PredSpan(0, 9, "PERSON")]])
    assert s.precision == Rate(1, 1) and s.recall == Rate(2, 2)


def test_type_mapping() -> None:
    assert "DATE_OF_BIRTH" in DEFAULT_TYPE_MAPPING["DATE_TIME"]
    assert DEFAULT_TYPE_MAPPING["ORGANIZATION"] == frozenset()
    gold = [[GoldSpan(0, 10, "DATE_OF_BIRTH"), GoldSpan(12, 20, "PERSON"), GoldSpan(22, 30, "NPI")]]
    pred = [
        [
            PredSpan(0, 10, "DATE_TIME"),
            PredSpan(12, 20, "ORGANIZATION"),
            PredSpan(22, 30, "NPI"),  # not in a custom mapping: matches the gold name itself
        ]
    ]
    s = score(gold, pred)
    assert s.per_entity["DATE_OF_BIRTH"].recall_typed == Rate(1, 1)
    assert s.per_entity["PERSON"].recall_any == Rate(1, 1)
    assert s.per_entity["PERSON"].recall_typed == Rate(0, 1)
    custom = score(gold, pred, type_mapping={"ORGANIZATION": frozenset({"PERSON"})})
    assert custom.per_entity["PERSON"].recall_typed == Rate(1, 1)
    assert custom.per_entity["DATE_OF_BIRTH"].recall_typed == Rate(0, 1)  # DATE_TIME unmapped
    assert custom.per_entity["NPI"].recall_typed == Rate(1, 1)


def test_f_beta() -> None:
    assert f_beta(0.5, 1.0, beta=1.0) == pytest.approx(2 / 3)
    assert f_beta(1.0, 1.0) == 1.0
    assert f_beta(0.0, 0.0) == 0.0
    assert f_beta(None, 0.0) == 0.0
    assert f_beta(0.3, None) is None
    # Recall weighs more with beta = 2.
    assert f_beta(0.5, 0.9) > f_beta(0.9, 0.5)


def test_flag_rate_with_wilson_interval() -> None:
    pred = [[PredSpan(0, 1, "X")], [], [PredSpan(0, 1, "X")], [PredSpan(2, 3, "Y")], []]
    fr = flag_rate(pred, [0, 1, 2, 3])
    assert fr.rate == Rate(3, 4)
    lower, upper = wilson_interval(3, 4)
    assert (fr.lower, fr.upper) == (lower, upper)
    assert fr.lower < 0.75 < fr.upper
    assert flag_rate(pred).rate == Rate(3, 5)
    assert flag_rate(pred, [1, 4]).rate == Rate(0, 2)
    empty = flag_rate(pred, [])
    assert empty.rate == Rate(0, 0) and empty.lower is None and empty.to_dict()["interval"] is None
    s = score([[]] * 5, pred, flag_subset=[1, 4])
    assert s.flag is not None and s.flag.rate == Rate(0, 2)
    assert s.to_dict()["flag_rate"]["k"] == 0


def test_rate_reports_counts() -> None:
    assert str(Rate(1234, 1270)) == "0.9717 (1234/1270)"
    assert Rate(1, 3).to_dict() == {"value": 0.3333, "k": 1, "n": 3}
    assert Rate(0, 0).to_dict()["value"] is None


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError):
        score([[]], [[], []])


# --------------------------------------------------------------------------------------------
# The generated set


@pytest.fixture(scope="module")
def eval_set() -> list[LabelledText]:
    return generate_eval_set()


def test_generation_is_deterministic(eval_set: list[LabelledText]) -> None:
    assert generate_eval_set() == eval_set
    other = generate_eval_set(seed=7)
    assert [i.text for i in other] != [i.text for i in eval_set]


def test_category_sizes(eval_set: list[LabelledText]) -> None:
    counts = Counter(item.category for item in eval_set)
    assert counts == Counter(CATEGORY_SIZES)
    assert counts == {
        "templated": 600,
        "clinical_note": 400,
        "hard_case": 200,
        "no_identifier": 300,
    }
    assert len({item.id for item in eval_set}) == len(eval_set)
    small = generate_eval_set(sizes={"hard_case": 10})
    assert [i.category for i in small] == ["hard_case"] * 10


def test_spans_are_in_bounds_non_blank_and_disjoint(eval_set: list[LabelledText]) -> None:
    for item in eval_set:
        previous_end = 0
        for span in item.spans:
            assert span.entity in GOLD_ENTITIES, item.id
            assert 0 <= span.start < span.end <= len(item.text), item.id
            value = item.text[span.start : span.end]
            assert value.strip() == value and value, (item.id, value)
            assert span.start >= previous_end, f"overlapping or unsorted spans in {item.id}"
            previous_end = span.end


def test_safe_harbor_spans_follow_the_rules(eval_set: list[LabelledText]) -> None:
    for item in eval_set:
        strict = set(item.spans)
        safe = set(item.safe_harbor_spans)
        assert safe <= strict, item.id
        if item.category == "no_identifier":
            assert not item.safe_harbor_spans, item.id
        for span in item.spans:
            value = item.text[span.start : span.end]
            if span.entity == "AGE" and value.isdigit():
                assert (span in safe) == (int(value) >= 90), (item.id, value)
            if span.entity == "DATE" and re.fullmatch(r"\d{4}", value):
                assert span not in safe, (item.id, value)
            if span.entity in ("PERSON", "US_SSN", "MEDICAL_RECORD_NUMBER", "DATE_OF_BIRTH"):
                assert span in safe, (item.id, value)
    # Strict-only labels exist in the no_identifier texts, and every category is represented.
    no_id = [i for i in eval_set if i.category == "no_identifier"]
    strict_only = Counter(s.entity for i in no_id for s in i.spans)
    assert set(strict_only) == {"AGE", "DATE", "LOCATION"}
    assert sum(1 for i in no_id if not i.spans) >= 100


def test_every_entity_has_support(eval_set: list[LabelledText]) -> None:
    support = Counter(s.entity for item in eval_set for s in item.spans)
    assert set(support) == set(GOLD_ENTITIES)
    assert min(support.values()) >= 25
    for entity in ("US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER", "MEDICAL_RECORD_NUMBER"):
        assert support[entity] >= 50, entity
    assert support["CREDIT_CARD"] >= 50 and support["NPI"] >= 50
    old_ages = [
        s for i in eval_set for s in i.safe_harbor_spans if s.entity == "AGE"
    ]  # ages over 89
    assert len(old_ages) >= 40


def test_identifier_values_have_valid_check_digits(eval_set: list[LabelledText]) -> None:
    def luhn(number: str) -> bool:
        digits = [int(d) for d in reversed(number)]
        total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
        return total % 10 == 0

    seen = Counter()
    for item in eval_set:
        for span in item.spans:
            value = item.text[span.start : span.end]
            if span.entity == "NPI":
                assert npi_is_valid(value) and luhn("80840" + value), value
                seen["NPI"] += 1
            elif span.entity == "CREDIT_CARD":
                assert luhn(re.sub(r"[ -]", "", value)), value
                seen["CREDIT_CARD"] += 1
            elif span.entity == "VEHICLE_ID" and len(value) == 17:
                assert vin_is_valid(value), value
                seen["VIN"] += 1
    assert seen["NPI"] > 0 and seen["CREDIT_CARD"] > 0 and seen["VIN"] > 0
    # The validators reject a changed digit.
    assert npi_is_valid("1234567893") and not npi_is_valid("1234567890")
    assert vin_is_valid("1M8GDM9AXKP042788") and not vin_is_valid("1M8GDM9A1KP042788")


def test_disease_eponyms_and_fillers_stay_unlabelled(eval_set: list[LabelledText]) -> None:
    for item in eval_set:
        labelled = [item.text[s.start : s.end] for s in item.spans]
        for value in labelled:
            assert "disease" not in value and "mg" not in value.split(), (item.id, value)
        for match in re.finditer(r"\bBP (\d+/\d+)", item.text):
            assert not any(s.start < match.end(1) and match.start(1) < s.end for s in item.spans)


def test_write_jsonl_round_trip(tmp_path: Path, eval_set: list[LabelledText]) -> None:
    path = tmp_path / "set.jsonl"
    assert write_jsonl(path, eval_set[:50]) == 50
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 50
    first, item = rows[0], eval_set[0]
    assert set(first) == {"id", "text", "spans", "safe_harbor_spans", "category"}
    assert first["text"] == item.text and first["id"] == item.id
    assert [GoldSpan(**s) for s in first["spans"]] == list(item.spans)
    assert [GoldSpan(**s) for s in first["safe_harbor_spans"]] == list(item.safe_harbor_spans)


# --------------------------------------------------------------------------------------------
# The benchmark's run evaluation (no detector: gold spans as predictions, and none)


def test_benchmark_targets_follow_the_figures(eval_set: list[LabelledText]) -> None:
    import pii_accuracy

    items = eval_set[::10]
    perfect = [[PredSpan(s.start, s.end, s.entity) for s in i.safe_harbor_spans] for i in items]
    run, scores = pii_accuracy.evaluate_run(
        items,
        perfect,
        detector="oracle",
        profile="safe-harbor",
        gold="safe_harbor",
        load_s=0.0,
        wall_s=1.0,
    )
    assert scores.recall.value == 1.0 and scores.precision.value == 1.0
    assert run["targets"]["all_pass"] is True
    assert run["no_identifier_flag_rate"]["k"] == 0
    assert run["targets"]["no_identifier_flag_rate"]["pass"] is True
    assert run["gold"] == "safe_harbor_spans"

    # Against the strict gold, the same predictions miss the strict-only spans.
    run, scores = pii_accuracy.evaluate_run(
        items,
        perfect,
        detector="oracle",
        profile="safe-harbor",
        gold="strict",
        load_s=0.0,
        wall_s=1.0,
    )
    assert scores.recall.value is not None and scores.recall.value < 1.0
    assert "no_identifier_flag_rate" not in run["targets"]

    nothing = [[] for _ in items]
    run, _ = pii_accuracy.evaluate_run(
        items, nothing, detector="none", profile="strict", gold="strict", load_s=0.0, wall_s=1.0
    )
    assert run["targets"]["all_pass"] is False
    assert run["targets"]["any_pii_recall"] == {"value": 0.0, "target": ">= 0.95", "pass": False}
    assert run["any_pii"]["precision"]["value"] is None
    table = pii_accuracy.markdown({"none:strict": run})
    assert "| none | strict (spans) |" in table
    assert math.isclose(run["texts_per_second"], len(items))
