"""Column-level de-identification actions (privacy.pii.actions) and text surrogates
(privacy.pii.surrogates). Pure pandas/numpy/Faker: no Presidio, no network."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import pickle
import re
import stat
import warnings

import numpy as np
import pandas as pd
import pytest

from privacy.errors import InvalidInputError
from privacy.pii.actions import (
    RESTRICTED_ZIP3,
    ActionKind,
    GeneralizationResult,
    PseudonymKey,
    SurrogateIdMap,
    assign_surrogate_ids,
    generalize_age,
    generalize_date_to_year,
    generalize_zip,
    load_pseudonym_key,
    pseudonymize,
)
from privacy.pii.surrogates import DocumentSurrogates, SurrogateFactory, replace_spans

KEY_HEX = "3f" * 32  # 64 hex characters
OTHER_KEY_HEX = "a1" * 32


def _key_file(tmp_path, text: str = KEY_HEX + "\n", name: str = "key", mode: int = 0o600):
    path = tmp_path / name
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture
def key(tmp_path) -> PseudonymKey:
    return load_pseudonym_key(key_file=_key_file(tmp_path), env_var=None)


def _expected_hmac(key_text: str, namespace: str, value: str, length: int = 16) -> str:
    message = (namespace + "\x1f" + value).encode()
    return hmac.new(key_text.encode(), message, hashlib.sha256).hexdigest()[:length]


# -- keys ----------------------------------------------------------------------------------------


def test_key_from_file_strips_newline_and_reports_only_a_key_id(tmp_path):
    key = load_pseudonym_key(key_file=_key_file(tmp_path), env_var=None)
    assert key.key_id == hashlib.sha256(KEY_HEX.encode()).hexdigest()[:8]
    assert KEY_HEX not in repr(key) and KEY_HEX[:16] not in str(key)
    assert key.world_readable is False
    assert key == PseudonymKey(KEY_HEX.encode())


def test_key_from_environment_variable(monkeypatch):
    monkeypatch.setenv("TEST_CLEARANCE_KEY", KEY_HEX)
    key = load_pseudonym_key(env_var="TEST_CLEARANCE_KEY")
    assert key.key_id == hashlib.sha256(KEY_HEX.encode()).hexdigest()[:8]
    assert "TEST_CLEARANCE_KEY" in key.source


def test_key_file_takes_precedence_over_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CLEARANCE_KEY", OTHER_KEY_HEX)
    key = load_pseudonym_key(key_file=_key_file(tmp_path), env_var="TEST_CLEARANCE_KEY")
    assert key == PseudonymKey(KEY_HEX.encode())


def test_world_readable_key_file_is_flagged(tmp_path):
    key = load_pseudonym_key(key_file=_key_file(tmp_path, mode=0o644), env_var=None)
    assert key.world_readable is True


def test_missing_key_file_says_what_to_do_and_shows_no_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CLEARANCE_KEY", KEY_HEX)  # present, but a given file wins
    with pytest.raises(InvalidInputError) as info:
        load_pseudonym_key(key_file=tmp_path / "nope", env_var="TEST_CLEARANCE_KEY")
    message = str(info.value)
    assert "secrets.token_hex" in message and "chmod 600" in message
    assert KEY_HEX not in message and KEY_HEX[:8] not in message


def test_unset_variable_and_short_keys_are_refused_without_echoing_them(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_CLEARANCE_KEY", raising=False)
    with pytest.raises(InvalidInputError, match="TEST_CLEARANCE_KEY"):
        load_pseudonym_key(env_var="TEST_CLEARANCE_KEY")
    short_hex = "abcdef0123456789"  # 16 hex characters = 8 bytes of entropy
    with pytest.raises(InvalidInputError) as info:
        load_pseudonym_key(key_file=_key_file(tmp_path, short_hex + "\n"), env_var=None)
    assert short_hex not in str(info.value) and "32" in str(info.value)
    with pytest.raises(InvalidInputError):
        load_pseudonym_key(key_file=_key_file(tmp_path, "tooshort!", name="k2"), env_var=None)
    with pytest.raises(InvalidInputError):
        load_pseudonym_key(key_file=None, env_var=None)


def test_key_cannot_be_pickled_or_changed(key):
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(AttributeError):
        key.key_id = "00000000"


# -- pseudonymize --------------------------------------------------------------------------------


def test_pseudonym_is_the_documented_hmac(key):
    out = pseudonymize(pd.Series(["A123", " A123 "]), key, namespace="mrn")
    expected = _expected_hmac(KEY_HEX, "mrn", "A123")
    assert out.tolist() == [expected, expected]
    long = pseudonymize(pd.Series(["A123"]), key, namespace="mrn", length=64)
    assert long.iloc[0] == _expected_hmac(KEY_HEX, "mrn", "A123", length=64)


def test_pseudonyms_are_consistent_across_series_and_tables(key):
    a = pd.Series(["p1", "p2", "p1", None], index=[10, 11, 12, 13], name="patient")
    b = pd.Series(["p2", "p3", "p1"], index=["x", "y", "z"], name="other")
    pa = pseudonymize(a, key, namespace="patient")
    pb = pseudonymize(b, key, namespace="patient")
    assert pa[10] == pa[12] == pb["z"]
    assert pa[11] == pb["x"]
    assert pa[10] != pa[11]
    assert pd.isna(pa[13])
    assert list(pa.index) == [10, 11, 12, 13] and pa.name == "patient"
    assert a.tolist()[:3] == ["p1", "p2", "p1"]  # input untouched


def test_pseudonyms_depend_on_key_and_namespace(key):
    other = PseudonymKey(OTHER_KEY_HEX.encode())
    values = pd.Series(["p1", "p2", "p3"])
    base = pseudonymize(values, key)
    assert not (base == pseudonymize(values, other)).any()
    assert not (base == pseudonymize(values, key, namespace="mrn")).any()


def test_pseudonym_normalisation(key):
    out = pseudonymize(pd.Series(["John@Example.COM", "john@example.com", 123, 123.0, "123"]), key)
    assert out[0] == out[1]
    assert out[2] == out[3] == out[4]
    case_kept = pseudonymize(pd.Series(["Abc", "abc"]), key)
    assert case_kept[0] != case_kept[1]  # only email addresses are case-folded


def test_pseudonym_length_is_checked(key):
    values = pd.Series(["p1"])
    assert len(pseudonymize(values, key, length=8).iloc[0]) == 8
    for bad in (7, 0, 65):
        with pytest.raises(InvalidInputError, match="length"):
            pseudonymize(values, key, length=bad)
    with pytest.raises(InvalidInputError):
        pseudonymize(values, "not a key")  # type: ignore[arg-type]


# -- surrogate ids -------------------------------------------------------------------------------


def test_surrogate_ids_are_consistent_and_one_to_one():
    values = pd.Series(["a", "b", "a", None, "c"], index=[5, 6, 7, 8, 9], name="mrn")
    out, mapping = assign_surrogate_ids(values, rng=np.random.default_rng(1), prefix="P")
    assert out[5] == out[7] and len({out[5], out[6], out[9]}) == 3
    assert pd.isna(out[8]) and out.name == "mrn" and list(out.index) == [5, 6, 7, 8, 9]
    assert all(re.fullmatch(r"P[A-Z2-7]{12}", out[i]) for i in (5, 6, 9))
    assert len(mapping) == 3
    assert "a" not in repr(mapping).replace("SurrogateIdMap", "").replace("n_ids", "")


def test_surrogate_ids_are_random_not_derived_from_the_value():
    values = pd.Series(["alice", "bob"])
    first, _ = assign_surrogate_ids(values, rng=np.random.default_rng(1))
    again, _ = assign_surrogate_ids(values, rng=np.random.default_rng(1))
    other, _ = assign_surrogate_ids(values, rng=np.random.default_rng(2))
    assert first.tolist() == again.tolist()
    assert first[0] != other[0] and first[1] != other[1]


def test_existing_map_carries_ids_to_another_table():
    _, mapping = assign_surrogate_ids(pd.Series(["a", "b"]), rng=np.random.default_rng(1))
    out, extended = assign_surrogate_ids(
        pd.Series(["b", "z"]), rng=np.random.default_rng(9), existing=mapping
    )
    assert out[0] == mapping.as_dict()["b"]
    assert len(extended) == 3 and len(mapping) == 2  # existing not modified


def test_surrogate_map_round_trip_with_owner_only_permissions(tmp_path):
    values = pd.Series(["a,with comma", 'quote"d', "line\nbreak", 42])
    _, mapping = assign_surrogate_ids(values, rng=np.random.default_rng(3))
    path = tmp_path / "map.csv"
    mapping.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert SurrogateIdMap.load(path) == mapping
    with pytest.raises(InvalidInputError, match="overwrite"):
        mapping.save(path)
    _, bigger = assign_surrogate_ids(pd.Series(["new"]), rng=np.random.default_rng(4))
    bigger.save(path, overwrite=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert SurrogateIdMap.load(path) == bigger
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.csv"]  # no temp file left


def test_surrogate_map_load_errors_show_no_values(tmp_path):
    with pytest.raises(InvalidInputError, match="does not exist"):
        SurrogateIdMap.load(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("original,surrogate\nSECRET-NAME,ID1,extra\n")
    with pytest.raises(InvalidInputError) as info:
        SurrogateIdMap.load(bad)
    assert "SECRET-NAME" not in str(info.value) and "line 2" in str(info.value)
    bad.write_text("name,id\nSECRET-NAME,ID1\n")
    with pytest.raises(InvalidInputError, match="header"):
        SurrogateIdMap.load(bad)
    bad.write_text("original,surrogate\nSECRET-A,ID1\nSECRET-B,ID1\n")
    with pytest.raises(InvalidInputError, match="twice"):
        SurrogateIdMap.load(bad)
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidInputError):
        SurrogateIdMap.load(bad)


# -- generalisation ------------------------------------------------------------------------------


def test_restricted_zip3_are_suppressed():
    assert len(RESTRICTED_ZIP3) == 17
    values = pd.Series([z + "12" for z in sorted(RESTRICTED_ZIP3)])
    result = generalize_zip(values)
    assert result.series.tolist() == ["000"] * 17
    assert result.n_recoded == 17 and result.n_unparseable == 0


def test_zip_forms():
    values = pd.Series(
        ["02139", 2139, "12345-6789", 2139.0, "021391234", None, "abc", 12, "1234567890", True],
        index=list("abcdefghij"),
        name="zip",
    )
    result = generalize_zip(values)
    assert isinstance(result, GeneralizationResult)
    out = result.series
    assert out[:5].tolist() == ["021", "021", "123", "021", "021"]
    assert out[5:].isna().all()
    assert result.n_unparseable == 4  # the missing value is not counted
    assert out.name == "zip" and list(out.index) == list("abcdefghij")


def test_date_to_year_for_mixed_inputs_without_warnings():
    values = pd.Series(
        [
            dt.date(2001, 2, 3),
            dt.datetime(2002, 3, 4, 5, 6),
            pd.Timestamp("2003-01-01"),
            np.datetime64("2004-06-07"),
            "2005-08-09",
            "March 5, 2006",
            "07/08/2007",
            "2008-01-01T10:00:00+05:00",
            "2009-01-01T10:00:00-03:00",
            None,
            "not a date",
            "March 5",  # no year written: must not become the current year
            12345,
        ],
        name="admitted",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = generalize_date_to_year(values)
    assert str(result.series.dtype) == "Int64"
    assert result.series[:9].tolist() == list(range(2001, 2010))
    assert result.series[9:].isna().all()
    assert result.n_unparseable == 3


def test_date_to_year_on_datetime_column():
    values = pd.Series(pd.to_datetime(["2020-05-06", None, "1999-12-31"]), name="d")
    result = generalize_date_to_year(values)
    assert result.series.tolist()[0] == 2020 and result.series.tolist()[2] == 1999
    assert pd.isna(result.series[1]) and result.n_unparseable == 0


def test_age_top_coding():
    values = pd.Series([89, 90, 104, 45.7, "33", -1, 131, "old", None], name="age")
    result = generalize_age(values)
    out = result.series
    assert out[:5].tolist() == ["89", "90+", "90+", "45", "33"]
    assert out[5:].isna().all()
    assert result.n_unparseable == 3 and result.n_recoded == 2
    assert isinstance(out.dtype, pd.CategoricalDtype) and out.cat.ordered
    assert list(out.cat.categories[-2:]) == ["89", "90+"]
    with pytest.raises(InvalidInputError, match="top"):
        generalize_age(values, top=95)


def test_action_kinds_have_descriptions():
    assert {k.name for k in ActionKind} == {
        "DROP", "PSEUDONYMIZE", "SURROGATE_ID", "GENERALIZE_ZIP3", "GENERALIZE_YEAR",
        "GENERALIZE_AGE", "REDACT", "SURROGATE_TEXT", "KEEP",
    }  # fmt: skip
    assert all(k.description and "\n" not in k.description for k in ActionKind)


def test_non_series_input_is_refused():
    with pytest.raises(InvalidInputError, match="values"):
        generalize_zip(["02139"])  # type: ignore[arg-type]


# -- text surrogates -----------------------------------------------------------------------------

ORIGINALS = [
    ("PERSON", "Dr. John Smith"),
    ("PHONE_NUMBER", "(617) 555-0134"),
    ("EMAIL_ADDRESS", "john.smith@hospital.org"),
    ("STREET_ADDRESS", "12 Main Street"),
    ("LOCATION", "Boston"),
    ("US_ZIP_CODE", "02139"),
    ("DATE_TIME", "03/05/2019"),
    ("DATE_OF_BIRTH", "March 5, 1950"),
    ("US_SSN", "123-45-6789"),
    ("MEDICAL_RECORD_NUMBER", "MRN-00123aB"),
    ("NPI", "1234567893"),
]


def test_surrogates_are_consistent_within_a_document_and_differ_from_originals():
    doc = SurrogateFactory(seed=1).for_document()
    assert isinstance(doc, DocumentSurrogates)
    for entity, original in ORIGINALS:
        first = doc.surrogate(entity, original)
        assert first == doc.surrogate(entity, original)
        assert first.casefold() != original.casefold()
        assert not first.startswith("<"), entity


def test_surrogate_shapes():
    doc = SurrogateFactory(seed=2).for_document()
    phone = doc.surrogate("PHONE_NUMBER", "(617) 555-0134")
    assert len(phone) == len("(617) 555-0134")
    assert re.sub(r"\d", "9", phone) == "(999) 999-9999"
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", doc.surrogate("DATE_TIME", "03/05/2019"))
    month = doc.surrogate("DATE_TIME", "March 5, 2019")
    assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", month)
    assert month.split()[0] in {dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)}
    ssn = doc.surrogate("US_SSN", "123-45-6789")
    assert re.fullmatch(r"9\d\d-\d\d-\d{4}", ssn) and int(ssn[4:6]) <= 49
    mrn = doc.surrogate("MEDICAL_RECORD_NUMBER", "MRN-00123aB")
    assert re.fullmatch(r"[A-Z]{3}-\d{5}[a-z][A-Z]", mrn)
    person = doc.surrogate("PERSON", "Dr. John Smith")
    assert person.startswith("Dr. ") and len(person.split()) == 3
    assert doc.surrogate("PERSON", "Mr. Smith").split()[1] == person.split()[2]
    assert re.fullmatch(r"\d{5}-\d{4}", doc.surrogate("US_ZIP_CODE", "02139-1234"))


def test_age_and_unknown_entities():
    doc = SurrogateFactory(seed=3).for_document()
    assert doc.surrogate("AGE", "45") == "45"
    assert doc.surrogate("AGE", "92") == "90+"
    assert doc.surrogate("AGE", "104 years old") == "90+ years old"
    assert doc.surrogate("CREDIT_CARD", "4111 1111 1111 1111") == "<CREDIT_CARD>"


def test_consistency_across_rows_on_and_off():
    mrns = [f"A{n:010d}" for n in range(5)]
    shared = SurrogateFactory(seed=4, consistent_across_rows=True)
    d1, d2 = shared.for_document(), shared.for_document()
    assert [d1.surrogate("MEDICAL_RECORD_NUMBER", m) for m in mrns] == [
        d2.surrogate("MEDICAL_RECORD_NUMBER", m) for m in mrns
    ]
    separate = SurrogateFactory(seed=4)
    e1, e2 = separate.for_document(), separate.for_document()
    first = [e1.surrogate("MEDICAL_RECORD_NUMBER", m) for m in mrns]
    second = [e2.surrogate("MEDICAL_RECORD_NUMBER", m) for m in mrns]
    assert all(a != b for a, b in zip(first, second, strict=True))


def test_same_seed_same_surrogates():
    def run(seed: int) -> list[str]:
        doc = SurrogateFactory(seed=seed).for_document()
        return [doc.surrogate(e, o) for e, o in ORIGINALS]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_replace_spans_tags_and_surrogates():
    text = "Dr. John Smith called from (617) 555-0134 about Smith."
    spans = [(0, 14, "PERSON"), (27, 41, "PHONE_NUMBER"), (48, 53, "PERSON")]
    assert replace_spans(text, spans, None) == (
        "<PERSON> called from <PHONE_NUMBER> about <PERSON>."
    )
    doc = SurrogateFactory(seed=7).for_document()
    out = replace_spans(text, spans, doc)
    assert "John" not in out and "Smith" not in out and "617" not in out
    assert out.startswith("Dr. ") and " called from (" in out and out.endswith(".")
    last_name = out.split(" called")[0].split()[-1]
    assert out.endswith(f"about {last_name}.")
    with pytest.raises(InvalidInputError) as info:
        replace_spans(text, [(5, 10, "PERSON"), (8, 12, "PERSON")], None)
    assert "John" not in str(info.value)
    with pytest.raises(InvalidInputError):
        replace_spans(text, [(0, 999, "PERSON")], None)


def test_reprs_show_no_values():
    factory = SurrogateFactory(seed=123456)
    doc = factory.for_document()
    doc.surrogate("PERSON", "Zebulon Quartermaine")
    assert "123456" not in repr(factory)
    assert "Zebulon" not in repr(doc) and "Quartermaine" not in repr(doc)
