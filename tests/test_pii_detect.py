"""The detector layer: configuration, profiles, span filters, merging, windows and processes.

Uses the session-scoped ``detector`` fixture of ``conftest.py`` (strict profile) and builds other
:class:`Detector` objects around its analyzer, so spaCy is loaded once. Every text is synthetic.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from privacy.errors import InvalidInputError
from privacy.pii import detect as detect_module
from privacy.pii._analysis import Span
from privacy.pii.detect import Detector, DetectorConfig, build_detector, merge_spans
from privacy.pii.profiles import Profile, age_in_span, is_duration, keeps_span, parse_profile
from privacy.pii.span_filters import is_false_detection

STRICT, SAFE = Profile.STRICT, Profile.SAFE_HARBOR


def _found(detector: Detector, text: str, **kwargs: Any) -> list[tuple[str, str]]:
    """(entity type, covered text) of every span detected in ``text``, in order."""
    return [(s.entity_type, text[s.start : s.end]) for s in detector.detect([text], **kwargs)[0]]


# -- DetectorConfig ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"score_threshold": 1.5}, "score_threshold"),
        ({"score_threshold": -0.1}, "score_threshold"),
        ({"score_threshold": float("nan")}, "score_threshold"),
        ({"score_threshold": True}, "score_threshold"),
        ({"profile": "lenient"}, "unknown PII profile"),
        ({"n_process": -1}, "n_process"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_chars": 999}, "max_chars"),
        ({"allow_list": "Boston"}, "allow_list must be a list of strings"),
        ({"allow_list": ["Boston", 3]}, "allow_list must be a list of strings"),
        ({"deny_list": "Zorblax"}, "deny_list must be a list of strings"),
        ({"entity_thresholds": {"PERSON": 2}}, "entity_thresholds"),
        ({"entity_thresholds": [0.5]}, "entity_thresholds"),
    ],
)
def test_config_refuses_bad_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        DetectorConfig(**settings)


@pytest.mark.parametrize("value", [None, 5])
def test_config_refuses_non_iterable_allow_list(value: Any) -> None:
    with pytest.raises(InvalidInputError, match="allow_list must be a list of strings"):
        DetectorConfig(allow_list=value)


def test_config_normalises_profile_and_lists() -> None:
    config = DetectorConfig(profile="safe_harbor", allow_list=["Boston"], n_process=0)
    assert config.profile is SAFE
    assert config.allow_list == ("Boston",)
    assert config.threshold_for("PERSON") == 0.35


def test_from_mapping_refuses_unknown_keys_and_accepts_lists() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown PII setting\(s\) \['allow_lst'\]"):
        DetectorConfig.from_mapping({"allow_lst": ["Boston"]})
    with pytest.raises(InvalidInputError, match="table of settings"):
        DetectorConfig.from_mapping(["profile", "strict"])  # type: ignore[arg-type]
    config = DetectorConfig.from_mapping(
        {
            "profile": "safe-harbor",
            "allow_list": ["Boston", "Denver"],
            "deny_list": ["Zorblax"],
            "mrn_patterns": [r"XK\d{6}"],
            "phone_regions": ["US", "GB"],
            "entity_thresholds": {"PERSON": 0.6},
        }
    )
    assert config.profile is SAFE
    assert config.allow_list == ("Boston", "Denver")
    assert config.deny_list == ("Zorblax",)
    assert config.mrn_patterns == (r"XK\d{6}",)
    assert config.phone_regions == ("US", "GB")
    assert config.threshold_for("PERSON") == 0.6 and config.threshold_for("LOCATION") == 0.35


def test_describe_reports_list_sizes_not_contents() -> None:
    config = DetectorConfig(
        allow_list=("Boston", "Denver"), deny_list=("Zorblax",), mrn_patterns=(r"XK\d{6}",)
    )
    described = config.describe()
    assert described["allow_list_terms"] == 2
    assert described["deny_list_terms"] == 1
    assert described["extra_mrn_patterns"] == 1
    assert described["profile"] == "strict" and described["ner_model"] is None
    dumped = json.dumps(described)
    assert sum(term in dumped for term in ("Boston", "Denver", "Zorblax", "XK")) == 0


# -- profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "text", "strict", "safe_harbor"),
    [
        ("AGE", "45", True, False),
        ("AGE", "92", True, True),
        ("AGE", "92-year-old", True, True),
        ("AGE", "90+", False, False),
        ("AGE", "90 or older", False, False),
        ("DATE_TIME", "2019", True, False),
        ("DATE_TIME", "the 1990s", True, False),
        ("DATE_TIME", "March 3, 2021", True, True),
        ("DATE_TIME", "03/14/2021", True, True),
        ("DATE_TIME", "March 2021", True, True),
        ("DATE_TIME", "3 days", False, False),
        ("DATE_TIME", "yesterday", False, False),
        ("DATE_OF_BIRTH", "1962", True, False),
        ("LOCATION", "Texas", True, False),
        ("LOCATION", "TX", True, False),
        ("LOCATION", "United States", True, False),
        ("LOCATION", "the United States", True, False),
        ("LOCATION", "Boston", True, True),
        ("NRP", "Catholic", True, False),
        ("US_SSN", "536-22-1947", True, True),
    ],
)
def test_keeps_span(entity: str, text: str, strict: bool, safe_harbor: bool) -> None:
    assert keeps_span(STRICT, entity, text) is strict
    assert keeps_span(SAFE, entity, text) is safe_harbor


def test_profile_helpers() -> None:
    assert parse_profile("safe_harbor") is SAFE
    assert parse_profile(" Safe-Harbor ") is SAFE
    assert parse_profile("STRICT") is STRICT and parse_profile(SAFE) is SAFE
    for bad in ("lenient", None, 3):
        with pytest.raises(InvalidInputError, match="unknown PII profile"):
            parse_profile(bad)
    assert is_duration("3 days") and is_duration("two weeks ago") and is_duration("q6h")
    assert not is_duration("March 3") and not is_duration("2019")
    assert age_in_span("92-year-old") == 92
    assert age_in_span("ninety-two") == 90
    assert age_in_span("forty") is None


# -- span filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "text", "after", "false_detection"),
    [
        ("DATE_TIME", "120/80", " mmHg", True),
        ("DATE_TIME", "03/14", "", False),
        ("PERSON", "RR 14", "", True),
        ("PERSON", "tolerated amoxicillin", "", True),
        ("PERSON", "PATIENT", "", True),
        ("PERSON", "John Smith", "", False),
        ("LOCATION", "PO", "", True),
        ("LOCATION", "Boston", "", False),
        ("DATE_TIME", "1858", " pg/mL", True),
        ("DATE_TIME", "1858", " in town", False),
        ("US_DRIVER_LICENSE", "E11", ".9 type 2", True),
    ],
)
def test_is_false_detection(entity: str, text: str, after: str, false_detection: bool) -> None:
    assert is_false_detection(entity, text, after) is false_detection


# -- merge_spans ------------------------------------------------------------------------------


def test_merge_spans_union_label_of_highest_score() -> None:
    spans = [
        Span("DATE_TIME", 20, 25, 0.5),
        Span("LOCATION", 5, 15, 0.9),
        Span("PERSON", 0, 10, 0.6),
        Span("AGE", 15, 18, 0.7),  # touches the first union: not merged
        Span("URL", 30, 34, 0.8),
        Span("EMAIL_ADDRESS", 28, 40, 0.8),  # same score, longer: wins the label
    ]
    assert merge_spans(spans) == [
        Span("LOCATION", 0, 15, 0.9),
        Span("AGE", 15, 18, 0.7),
        Span("DATE_TIME", 20, 25, 0.5),
        Span("EMAIL_ADDRESS", 28, 40, 0.8),
    ]
    assert merge_spans([]) == []


# -- Detector.detect --------------------------------------------------------------------------


def test_detect_returns_aligned_sorted_spans(detector: Detector) -> None:
    text = (
        "John Smith (SSN 536-22-1947) lives in Boston; write to jane.doe@example.org "
        "or call (617) 555-0134."
    )
    out = detector.detect([None, "", "   ", text, "no identifier here", text])
    assert len(out) == 6
    assert out[0] == out[1] == out[2] == out[4] == []
    assert out[3] == out[5]
    spans = out[3]
    assert [(s.entity_type, text[s.start : s.end]) for s in spans] == [
        ("PERSON", "John Smith"),
        ("US_SSN", "536-22-1947"),
        ("LOCATION", "Boston"),
        ("EMAIL_ADDRESS", "jane.doe@example.org"),
        ("PHONE_NUMBER", "(617) 555-0134"),
    ]
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    assert all(0 <= s.start < s.end <= len(text) and 0 <= s.score <= 1 for s in spans)
    assert detector.detect([]) == []


def test_detect_refuses_non_text_naming_the_position_only(detector: Detector) -> None:
    with pytest.raises(InvalidInputError) as err:
        detector.detect(["fine", 987654321, None, 31337.5])  # type: ignore[list-item]
    message = str(err.value)
    assert "2 item(s)" in message and "position 1" in message
    assert "987654321" not in message and "31337" not in message


def test_allow_list_removes_a_term(detector: Detector) -> None:
    text = "John Smith lives in Boston"
    assert _found(detector, text) == [("PERSON", "John Smith"), ("LOCATION", "Boston")]
    for term in ("Boston", " boston "):
        allowing = Detector(detector.analyzer, DetectorConfig(allow_list=(term,)))
        assert _found(allowing, text) == [("PERSON", "John Smith")]


def test_entity_threshold_removes_an_entity(detector: Detector) -> None:
    strict_person = Detector(detector.analyzer, DetectorConfig(entity_thresholds={"PERSON": 1.0}))
    assert _found(strict_person, "John Smith lives in Boston") == [("LOCATION", "Boston")]


def test_entities_restrict_detection(detector: Detector) -> None:
    text = "John Smith lives in Boston"
    assert _found(detector, text, entities=["LOCATION"]) == [("LOCATION", "Boston")]


def test_deny_list_terms_are_always_reported() -> None:
    """Builds a second analyzer (about 5 s): the deny-list is a recognizer."""
    denying = build_detector(DetectorConfig(deny_list=("Zorblax",)))
    text = "Ask about zorblax and Zorblax today"
    spans = denying.detect([text])[0]
    assert [(s.entity_type, text[s.start : s.end]) for s in spans] == [
        ("DENY_LIST", "zorblax"),
        ("DENY_LIST", "Zorblax"),
    ]
    assert all(s.score == 1.0 for s in spans)


def test_context_words_raise_a_bare_mrn(detector: Detector) -> None:
    """A bare MRN shape scores 0.1 (under the 0.35 threshold); a context word such as a column
    name adds 0.35 (recognizers.mrn_recognizer)."""
    mrn_only = ["MEDICAL_RECORD_NUMBER"]
    assert _found(detector, "AB482133") == []
    raised = detector.detect(["AB482133"], context=["mrn"])[0]
    assert raised == [Span("MEDICAL_RECORD_NUMBER", 0, 8, pytest.approx(0.45))]
    assert detector.detect(["1234567"], entities=mrn_only) == [[]]
    assert _found(detector, "1234567", entities=mrn_only, context=["mrn"]) == [
        ("MEDICAL_RECORD_NUMBER", "1234567")
    ]
    # A labelled MRN needs no context.
    assert _found(detector, "MRN: 48213377") == [("MEDICAL_RECORD_NUMBER", "48213377")]


# -- profiles end to end ----------------------------------------------------------------------


def test_profiles_end_to_end(detector: Detector) -> None:
    safe = detector.with_profile("safe-harbor")
    assert safe.profile is SAFE and safe.analyzer is detector.analyzer
    young = "A 45-year-old man diagnosed in 2019"
    assert _found(detector, young) == [("AGE", "45"), ("DATE_TIME", "2019")]
    assert _found(safe, young) == []
    old = "A 93-year-old woman"
    assert _found(detector, old) == [("AGE", "93")]
    assert _found(safe, old) == [("AGE", "93")]
    dated = "Seen on March 3, 2021 and 03/14/2021 in Texas"
    assert _found(safe, dated) == [("DATE_TIME", "March 3, 2021"), ("DATE_TIME", "03/14/2021")]
    assert _found(detector, dated) == [
        ("DATE_TIME", "March 3, 2021"),
        ("DATE_TIME", "03/14/2021"),
        ("LOCATION", "Texas"),
    ]


# -- long texts -------------------------------------------------------------------------------

_FILLER = "the wound was dressed and the patient rested comfortably overnight . "


def test_long_text_windows_give_absolute_offsets(detector: Detector) -> None:
    windowed = Detector(detector.analyzer, DetectorConfig(max_chars=1000))
    head = _FILLER * 14 + "then please call them "  # 988 characters
    phone = "(617) 555-0134"  # its inner space is the last one before 1000: a window cut
    text = (
        head
        + phone
        + " for results . "
        + _FILLER * 8
        + "Contact John Smith at jane.doe@example.org . "
        + _FILLER * 4
        + "SSN 536-22-1947 recorded . "
        + _FILLER * 12
    )
    planted = {
        "PHONE_NUMBER": phone,
        "PERSON": "John Smith",
        "EMAIL_ADDRESS": "jane.doe@example.org",
        "US_SSN": "536-22-1947",
    }
    windows = detect_module._windows(text, 1000)
    assert len(windows) >= 4 and windows[-1][1] == len(text)
    phone_at = text.index(phone)
    assert any(phone_at < end < phone_at + len(phone) for _, end in windows[:-1])
    assert all(text.index(v) > 1500 for k, v in planted.items() if k != "PHONE_NUMBER")

    spans = windowed.detect([text])[0]
    assert {(s.entity_type, text[s.start : s.end]) for s in spans} == set(planted.items())
    assert len(spans) == len(planted)
    assert spans == detector.detect([text])[0]  # one window: the same spans


def test_progress_counts_texts(detector: Detector) -> None:
    calls: list[int] = []
    detector.detect(["John Smith", "John Smith", None, "Boston"], progress=calls.append)
    assert calls[-1] == 4
    assert calls == sorted(calls)


def test_progress_never_exceeds_the_number_of_texts(detector: Detector) -> None:
    windowed = Detector(detector.analyzer, DetectorConfig(max_chars=1000))
    calls: list[int] = []
    windowed.detect([_FILLER * 40, "John Smith"], progress=calls.append)
    assert max(calls) <= 2 and calls == sorted(calls)


# -- several processes ------------------------------------------------------------------------


def _short_texts(n: int) -> list[str]:
    names = ["John Smith", "Maria Garcia", "Robert Brown", "Emily Wilson"]
    out: list[str] = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append(f"Seen by {names[i // 4 % 4]} on visit {i}")
        elif kind == 1:
            out.append(f"Call {600 + i % 300}-555-{1000 + i:04d} re: item {i}")
        elif kind == 2:
            out.append(f"Mail p{i}@example.org, SSN {100 + i % 500}-{10 + i % 80}-{2000 + i:04d}")
        else:
            out.append(f"Lives in Boston since March {1 + i % 28}, 2019 case {i}")
    return out


def test_multiprocess_matches_single_process(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NOTE: this test forks two worker processes (the ``fork`` start method)."""
    texts = _short_texts(1100)
    calls: list[int] = []
    original = detect_module._analyse_in_processes

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[4])
        return original(*args, **kwargs)

    monkeypatch.setattr(detect_module, "_analyse_in_processes", recording)
    single = Detector(detector.analyzer, DetectorConfig(n_process=1, batch_size=16))
    double = Detector(detector.analyzer, DetectorConfig(n_process=2, batch_size=16))
    expected = single.detect(texts)
    assert calls == []
    got = double.detect(texts)
    assert calls == [2]  # the fork path ran, with two processes
    assert got == expected
    assert sum(len(s) for s in expected) > len(texts)  # the texts do hold identifiers


# -- known answers for pattern entities -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("SSN 536-22-1947", "US_SSN", "536-22-1947"),
        ("Email jane.doe@example.org now", "EMAIL_ADDRESS", "jane.doe@example.org"),
        ("Call (617) 555-0134 today", "PHONE_NUMBER", "(617) 555-0134"),
        ("MRN: 48213377", "MEDICAL_RECORD_NUMBER", "48213377"),
        ("Card 4111 1111 1111 1111 on file", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("NPI 1234567893", "NPI", "1234567893"),
        ("VIN 1M8GDM9AXKP042788", "VEHICLE_ID", "1M8GDM9AXKP042788"),
    ],
)
def test_pattern_entities_known_answers(
    detector: Detector, text: str, entity: str, value: str
) -> None:
    assert _found(detector, text) == [(entity, value)]
    assert _found(detector.with_profile("safe-harbor"), text) == [(entity, value)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("hi its david stanton again, call me back", ["david stanton"]),
        ("Charles Thomas has Sjogren's syndrome and Hodgkin lymphoma.", ["Charles Thomas"]),
        ("ATTENDING: DR. THERESA EDWARDS", ["THERESA EDWARDS"]),
        ("Discharge summary for F. Brown, stable.", ["F. Brown"]),
        ("Grace under pressure; will review in May.", []),
    ],
)
def test_person_rules_beyond_the_ner_model(detector: Detector, text: str, names: list[str]):
    """Name lists find lower-case, initialled and capitalised names the small NER model
    misses; eponymous diseases and common-word names are not people."""
    spans = detector.detect([text])[0]
    assert [text[s.start : s.end] for s in spans if s.entity_type == "PERSON"] == names
