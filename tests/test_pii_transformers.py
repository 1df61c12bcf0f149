"""The transformers NER engine (privacy.pii.transformers_engine), on a tiny BERT token classifier
built and trained locally (tests/tiny_ner.py): loaded offline with the network blocked, consumed
by Presidio's AnalyzerEngine through its TransformersRecognizer, and refusing folders that are
not a saved token classifier with messages that say what to do."""

from __future__ import annotations

import json
import logging
import shutil
import socket
from pathlib import Path

import pytest
from tiny_ner import TRAINED_NAMES, build_tiny_ner_model

from privacy.errors import InvalidInputError

SENTENCE = "Patient John Smith was admitted in Boston."


def _block_network(mp: pytest.MonkeyPatch) -> list[str]:
    """Make every connection attempt and spaCy's model fetcher fail; return the attempts."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append("network")
        raise RuntimeError("network access attempted")

    def no_fetch(*args, **kwargs):
        attempts.append("spacy model fetch")
        raise RuntimeError("spaCy model fetch attempted")

    import spacy.cli

    mp.setattr(socket.socket, "connect", refuse)
    mp.setattr(socket.socket, "connect_ex", refuse)
    mp.setattr(socket, "create_connection", refuse)
    mp.setattr(socket, "getaddrinfo", refuse)
    mp.setattr(spacy.cli, "download", no_fetch)
    return attempts


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_ner_model(tmp_path_factory.mktemp("tiny_ner") / "model")


@pytest.fixture(scope="module")
def loaded(tiny_model: Path):
    """The engine loaded with the network blocked, and the connection attempts it made."""
    from privacy.pii.transformers_engine import transformers_nlp_engine

    with pytest.MonkeyPatch.context() as mp:
        attempts = _block_network(mp)
        engine = transformers_nlp_engine(tiny_model)
    return engine, attempts


@pytest.fixture(scope="module")
def tf_analyzer(loaded):
    from presidio_analyzer import AnalyzerEngine

    return AnalyzerEngine(nlp_engine=loaded[0], supported_languages=["en"])


def _copy(tiny_model: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(tiny_model, tmp_path / "copy"))


def _edit_config(folder: Path, **changes) -> None:
    path = folder / "config.json"
    config = json.loads(path.read_text())
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    path.write_text(json.dumps(config))


# --- the tiny model ---------------------------------------------------------------------------


def test_tiny_model_is_a_saved_fast_token_classifier(tiny_model: Path):
    from transformers import AutoConfig, AutoTokenizer

    assert (tiny_model / "model.safetensors").is_file()
    config = AutoConfig.from_pretrained(tiny_model)
    assert config.architectures == ["BertForTokenClassification"]
    assert set(config.id2label.values()) == {"O", "B-PER", "I-PER", "B-LOC", "I-LOC"}
    assert (config.hidden_size, config.num_hidden_layers, config.num_attention_heads) == (32, 2, 2)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    assert tokenizer.is_fast and tokenizer.model_max_length == 128
    assert "[UNK]" not in tokenizer.tokenize("Zyxwv qqq Ripley")


def test_tiny_model_build_is_deterministic(tiny_model: Path, tmp_path: Path):
    again = build_tiny_ner_model(tmp_path / "again")
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert (again / name).read_bytes() == (tiny_model / name).read_bytes(), name


# --- loading ----------------------------------------------------------------------------------


def test_engine_loads_offline_as_presidio_transformers_engine(loaded, tiny_model: Path):
    from presidio_analyzer.nlp_engine import TransformersNlpEngine

    engine, attempts = loaded
    assert attempts == []
    assert isinstance(engine, TransformersNlpEngine) and engine.is_loaded()
    assert engine.get_supported_languages() == ["en"]
    assert engine.models[0]["model_name"]["transformers"] == str(tiny_model.resolve())
    assert sorted(engine.get_supported_entities()) == ["LOCATION", "PERSON"]
    nlp = engine.get_nlp("en")
    assert "ner" not in nlp.pipe_names and "parser" not in nlp.pipe_names
    assert nlp.pipe_names[-1] == "presidio_hf_token_pipe"


def test_registry_picks_the_transformers_recognizer(loaded, tf_analyzer):
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer, TransformersRecognizer

    nlp_recognizers = [
        r for r in tf_analyzer.registry.recognizers if isinstance(r, SpacyRecognizer)
    ]
    assert len(nlp_recognizers) == 1
    assert isinstance(nlp_recognizers[0], TransformersRecognizer)
    assert sorted(nlp_recognizers[0].supported_entities) == ["LOCATION", "PERSON"]


def test_analyze_finds_the_trained_name_with_valid_offsets(tf_analyzer, no_network, caplog):
    with caplog.at_level(logging.WARNING, logger="presidio-analyzer"):
        results = tf_analyzer.analyze(SENTENCE, language="en")
    assert results
    for r in results:
        assert 0 <= r.start < r.end <= len(SENTENCE)
        assert SENTENCE[r.start : r.end].strip() == SENTENCE[r.start : r.end]
        assert 0.0 <= r.score <= 1.0
    found = {
        (r.entity_type, SENTENCE[r.start : r.end], r.recognition_metadata["recognizer_name"])
        for r in results
    }
    assert ("PERSON", TRAINED_NAMES[0], "TransformersRecognizer") in found
    assert ("LOCATION", "Boston", "TransformersRecognizer") in found
    person = next(r for r in results if r.entity_type == "PERSON")
    assert person.score > 0.9  # the model's own confidence, not Presidio's default 0.85
    assert not [m for m in caplog.messages if "not mapped" in m]


def test_analyze_text_without_entities_is_not_an_error(tf_analyzer, no_network):
    text = "The results were normal and the patient went home."
    results = tf_analyzer.analyze(text, language="en", entities=["PERSON", "LOCATION"])
    assert all(0 <= r.start < r.end <= len(text) for r in results)


def test_long_text_is_chunked_not_skipped(tf_analyzer, no_network):
    """A text far longer than the model's 128 positions still gets NER at its end (stride)."""
    text = "The results were normal. " * 150 + "Later John Smith went to Boston."
    results = tf_analyzer.analyze(text, language="en", entities=["PERSON"])
    assert any(text[r.start : r.end] == "John Smith" for r in results)


def test_tokenizer_without_length_limit_is_capped(tiny_model: Path, tmp_path: Path):
    """A tokenizer saved without model_max_length would let long texts overflow the model's
    positions (and Presidio's pipe would skip them silently): the engine caps it."""
    from presidio_analyzer import AnalyzerEngine

    from privacy.pii.transformers_engine import transformers_nlp_engine

    folder = _copy(tiny_model, tmp_path)
    path = folder / "tokenizer_config.json"
    tok_config = json.loads(path.read_text())
    del tok_config["model_max_length"]
    path.write_text(json.dumps(tok_config))
    engine = transformers_nlp_engine(folder)
    pipe = engine.get_nlp("en").get_pipe("presidio_hf_token_pipe").pipeline
    assert pipe.tokenizer.model_max_length == 126
    text = "The results were normal. " * 150 + "Later John Smith went to Boston."
    results = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"]).analyze(
        text, language="en", entities=["PERSON"]
    )
    assert any(text[r.start : r.end] == "John Smith" for r in results)


def test_bilou_labels_group_into_one_entity(tiny_model: Path, tmp_path: Path, no_network):
    """The same weights with BILOU label names: B-PER + L-PER is one PERSON, not two."""
    from presidio_analyzer import AnalyzerEngine

    from privacy.pii.transformers_engine import transformers_nlp_engine

    folder = _copy(tiny_model, tmp_path)
    labels = ["O", "B-PER", "L-PER", "U-LOC", "I-LOC"]
    _edit_config(
        folder,
        id2label={str(i): label for i, label in enumerate(labels)},
        label2id={label: i for i, label in enumerate(labels)},
    )
    engine = transformers_nlp_engine(folder)
    results = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"]).analyze(
        SENTENCE, language="en"
    )
    found = sorted((r.entity_type, SENTENCE[r.start : r.end]) for r in results)
    assert found == [("LOCATION", "Boston"), ("PERSON", "John Smith")]


def test_bioes_tag_prefixes():
    from privacy.pii.transformers_engine import _bioes_tag

    assert _bioes_tag("B-PER") == ("B", "PER")
    assert _bioes_tag("U-AGE") == ("B", "AGE")
    assert _bioes_tag("S-AGE") == ("B", "AGE")
    assert _bioes_tag("I-PER") == ("I", "PER")
    assert _bioes_tag("L-PER") == ("I", "PER")
    assert _bioes_tag("E-PER") == ("I", "PER")
    assert _bioes_tag("B-LOCATION-OTHER") == ("B", "LOCATION-OTHER")
    assert _bioes_tag("O") == ("I", "O")


# --- entity mapping ---------------------------------------------------------------------------


def test_mapping_covers_i2b2_labels_and_keeps_unknown_ones():
    from privacy.pii.transformers_engine import DEFAULT_LABELS_TO_IGNORE, _ner_configuration

    labels = [
        "O",
        "B-PATIENT",
        "I-PATIENT",
        "U-DOCTOR",
        "L-HOSPITAL",
        "B-MEDICALRECORD",
        "B-ZIP",
        "B-STREET",
        "B-PROFESSION",
        "B-MISC",
        "B-per",
        "B-EMAIL",
    ]
    config = _ner_configuration(labels, DEFAULT_LABELS_TO_IGNORE, None, "simple", 16)
    assert config.model_to_presidio_entity_mapping == {
        "PATIENT": "PERSON",
        "DOCTOR": "PERSON",
        "HOSPITAL": "LOCATION",
        "MEDICALRECORD": "MEDICAL_RECORD_NUMBER",
        "ZIP": "US_ZIP_CODE",
        "STREET": "STREET_ADDRESS",
        "PROFESSION": "PROFESSION",
        "per": "PERSON",
        "EMAIL": "EMAIL_ADDRESS",
    }
    assert {"O", "MISC"} <= set(config.labels_to_ignore)
    assert config.aggregation_strategy == "simple" and config.stride == 16


def test_user_mapping_and_ignore_list_win():
    from privacy.pii.transformers_engine import _ner_configuration

    config = _ner_configuration(
        ["O", "B-HOSPITAL", "B-PROFESSION", "B-PER"],
        ["O", "profession"],
        {"HOSPITAL": "ORGANIZATION"},
        "max",
        8,
    )
    assert config.model_to_presidio_entity_mapping == {
        "HOSPITAL": "ORGANIZATION",
        "PER": "PERSON",
    }
    assert "PROFESSION" in config.labels_to_ignore


def test_ignoring_an_entity_removes_it_from_the_engine(tiny_model: Path):
    from privacy.pii.transformers_engine import transformers_nlp_engine

    engine = transformers_nlp_engine(tiny_model, labels_to_ignore=["O", "LOCATION"])
    assert engine.get_supported_entities() == ["PERSON"]
    artifacts = engine.process_text(SENTENCE, "en")
    assert [e.label_ for e in artifacts.entities] == ["PERSON"]


# --- refusals ---------------------------------------------------------------------------------


def _refused(folder, match: str, **kwargs) -> str:
    from privacy.pii.transformers_engine import transformers_nlp_engine

    with pytest.raises(InvalidInputError, match=match) as info:
        transformers_nlp_engine(folder, **kwargs)
    return str(info.value)


def test_missing_folder_is_refused_with_what_to_do(tmp_path: Path):
    message = _refused(tmp_path / "nowhere", "does not exist")
    assert "--ner-model" in message and "save_pretrained" in message
    assert "never downloads" in message


def test_file_instead_of_folder_is_refused(tmp_path: Path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"x")
    _refused(path, "is not a folder")


def test_folder_without_config_is_refused(tmp_path: Path):
    assert "save_pretrained" in _refused(tmp_path, "no config.json")


def test_unreadable_config_is_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    (folder / "config.json").write_text("{not json")
    _refused(folder, "not readable JSON")


def test_sequence_classifier_is_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    _edit_config(folder, architectures=["BertForSequenceClassification"])
    message = _refused(folder, "not hold a token-classification model")
    assert "BertForSequenceClassification" in message and "save_pretrained" in message


def test_config_without_architecture_is_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    _edit_config(folder, architectures=None)
    _refused(folder, "no architecture")


def test_config_without_labels_is_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    _edit_config(folder, id2label=None, label2id=None)
    _refused(folder, "no id2label")


def test_unnamed_labels_are_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    _edit_config(folder, id2label={str(i): f"LABEL_{i}" for i in range(5)})
    _refused(folder, "unnamed")


def test_missing_tokenizer_is_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    (folder / "tokenizer.json").unlink()
    message = _refused(folder, "no tokenizer files")
    assert "tokenizer.save_pretrained" in message


def test_missing_weights_are_refused(tiny_model: Path, tmp_path: Path):
    folder = _copy(tiny_model, tmp_path)
    (folder / "model.safetensors").unlink()
    _refused(folder, "no model weights")


def test_corrupt_weights_are_refused_without_network(tiny_model: Path, tmp_path: Path, no_network):
    folder = _copy(tiny_model, tmp_path)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    message = _refused(folder, "could not be loaded by transformers")
    assert "save_pretrained" in message


def test_missing_spacy_model_is_refused_not_downloaded(tiny_model: Path, monkeypatch):
    attempts = _block_network(monkeypatch)
    _refused(tiny_model, "not installed", spacy_model="en_core_web_nonexistent_xx")
    assert attempts == []


@pytest.mark.parametrize("stride", [127, 200])
def test_stride_must_fit_the_model(tiny_model: Path, stride: int):
    """127 passes transformers' own check (128 positions) but leaves no room for the special
    tokens and the chunk; 200 is refused before loading."""
    _refused(tiny_model, f"stride {stride} must be smaller", stride=stride)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"aggregation_strategy": "none"}, "aggregation_strategy"),
        ({"stride": -1}, "stride"),
        ({"stride": True}, "stride"),
        ({"labels_to_ignore": "O"}, "labels_to_ignore"),
        ({"entity_mapping": {"PER": 1}}, "entity_mapping"),
        ({"spacy_model": ""}, "spacy_model"),
    ],
)
def test_bad_arguments_are_refused(tiny_model: Path, kwargs, match):
    _refused(tiny_model, match, **kwargs)


def test_empty_path_is_refused():
    _refused("  ", "local folder path")
