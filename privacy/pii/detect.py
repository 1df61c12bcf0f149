"""The detector: Presidio's AnalyzerEngine plus Clearance's recognizers, a profile, thresholds,
allow- and deny-lists, batched NER and several processes where cores allow.

:func:`build_detector` is heavy (importing Presidio and loading the NER model take seconds): call
it once at the edge and pass the :class:`Detector` around. :meth:`Detector.detect` returns, per
text, non-overlapping :class:`~privacy.pii._analysis.Span` objects sorted by start: every span a
recognizer found above its threshold, that the profile counts as an identifier and that the
allow-list does not cover, with overlapping detections merged into their union (so redacting the
spans removes every detected character), labelled by the highest score, then the longest span.

Texts longer than ``max_chars`` are split at whitespace into overlapping windows and the spans
mapped back, so a long document is never skipped or truncated. Identical texts are analysed
once.

Privacy: the detector keeps no text; errors name positions and counts, never a value.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from privacy.errors import InvalidInputError, join_problems
from privacy.pii._analysis import Span
from privacy.pii.engine import DEFAULT_SPACY_MODEL, LANGUAGE
from privacy.pii.profiles import Profile, keeps_span, parse_profile
from privacy.pii.span_filters import is_false_detection

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

__all__ = ["DetectorConfig", "Detector", "build_detector", "merge_spans"]

#: Texts longer than this are analysed in windows (spaCy's own limit is 1,000,000 characters;
#: NER memory grows with the document, so windows are kept well below it).
DEFAULT_MAX_CHARS = 100_000
#: Characters shared by consecutive windows, so an entity cut by one window is whole in the next.
_WINDOW_OVERLAP = 200


@dataclass(frozen=True)
class DetectorConfig:
    """What the detector finds and what counts as an identifier.

    ``score_threshold`` applies to every entity type without its own entry in
    ``entity_thresholds``. ``allow_list`` terms are never reported (matched case-insensitively
    against a whole span); ``deny_list`` terms are always reported (whole words,
    case-insensitive, entity ``DENY_LIST``). ``mrn_patterns`` are extra regular expressions for
    the site's medical record numbers. ``ner_model`` is a local transformers token-classification
    folder used instead of spaCy's NER (spaCy still tokenises). ``n_process`` > 1 analyses large
    batches in that many processes (``0`` means one per available core).
    """

    profile: Profile = Profile.STRICT
    score_threshold: float = 0.35
    entity_thresholds: Mapping[str, float] = field(default_factory=dict)
    allow_list: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    mrn_patterns: tuple[str, ...] = ()
    spacy_model: str = DEFAULT_SPACY_MODEL
    ner_model: str | None = None
    phone_regions: tuple[str, ...] = ("US",)
    n_process: int = 1
    batch_size: int = 64
    max_chars: int = DEFAULT_MAX_CHARS

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile", parse_profile(self.profile))
        problems: list[str] = []
        if not _is_probability(self.score_threshold):
            problems.append("score_threshold must be a number in [0, 1]")
        if not isinstance(self.entity_thresholds, Mapping):
            problems.append("entity_thresholds must map entity types to numbers in [0, 1]")
        else:
            bad = sorted(
                str(k)
                for k, v in self.entity_thresholds.items()
                if not isinstance(k, str) or not _is_probability(v)
            )
            if bad:
                problems.append(f"entity_thresholds for {bad} must be numbers in [0, 1]")
            object.__setattr__(self, "entity_thresholds", dict(self.entity_thresholds))
        for name in ("allow_list", "deny_list", "mrn_patterns", "phone_regions"):
            value = getattr(self, name)
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                problems.append(f"{name} must be a list of strings")
            else:
                object.__setattr__(self, name, tuple(value))
        for name, low in (("n_process", 0), ("batch_size", 1), ("max_chars", 1_000)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                problems.append(f"{name} must be an integer >= {low}")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DetectorConfig:
        """A configuration from a mapping such as the ``[pii]`` table of a TOML file.

        Unknown keys are refused (a typo must not silently weaken detection).
        """
        if not isinstance(data, Mapping):
            raise InvalidInputError("the PII configuration must be a table of settings")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInputError(
                f"unknown PII setting(s) {unknown}; known settings: {sorted(known)}"
            )
        values = dict(data)
        for name in ("allow_list", "deny_list", "mrn_patterns", "phone_regions"):
            if name in values and isinstance(values[name], list):
                values[name] = tuple(values[name])
        return cls(**values)

    def threshold_for(self, entity_type: str) -> float:
        """The minimum score a span of ``entity_type`` needs."""
        return float(self.entity_thresholds.get(entity_type, self.score_threshold))

    def describe(self) -> dict[str, Any]:
        """The settings, for a report (lists are reported by size: they may hold names)."""
        return {
            "profile": self.profile.value,
            "score_threshold": self.score_threshold,
            "entity_thresholds": dict(sorted(self.entity_thresholds.items())),
            "allow_list_terms": len(self.allow_list),
            "deny_list_terms": len(self.deny_list),
            "extra_mrn_patterns": len(self.mrn_patterns),
            "spacy_model": self.spacy_model,
            "ner_model": "local transformers model" if self.ner_model else None,
            "phone_regions": list(self.phone_regions),
        }


def _is_probability(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 1
    )


#: Broad types a statistical NER model (or a name list) assigns to anything date- or
#: name-like; a specific identifier type over the same characters (a phone number NER read as
#: a date) names them better.
_BROAD_TYPES = frozenset({"DATE_TIME", "LOCATION", "ORGANIZATION", "NRP", "PERSON"})


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans merged into their union, labelled by a specific type over a broad one
    (DATE_TIME, LOCATION, ORGANIZATION, NRP, PERSON), then the highest score, then the longest span;
    the result is sorted by start and non-overlapping. The score is the label's."""
    merged: list[list[Any]] = []  # [start, end, entity, (specific, score, length)]
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        key = (s.entity_type not in _BROAD_TYPES, s.score, s.end - s.start)
        if merged and s.start < merged[-1][1]:
            cur = merged[-1]
            cur[1] = max(cur[1], s.end)
            if key > cur[3]:
                cur[2], cur[3] = s.entity_type, key
        else:
            merged.append([s.start, s.end, s.entity_type, key])
    return [Span(m[2], m[0], m[1], float(m[3][1])) for m in merged]


def _scaled_progress(
    progress: Callable[[int], None] | None, *, done_first: int, total: int
) -> Callable[[int, int], None] | None:
    """A callback taking (pieces done, pieces) that reports input texts done to ``progress``:
    texts that needed no analysis count at once, the rest in proportion, never decreasing."""
    if progress is None:
        return None
    last = [0]

    def report(done: int, pieces: int) -> None:
        share = done / pieces if pieces else 1.0
        value = min(total, done_first + int(share * (total - done_first)))
        if value > last[0]:
            last[0] = value
            progress(value)

    return report


def _windows(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Overlapping (start, end) windows of at most ``max_chars``, cut at whitespace."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            cut = text.rfind(" ", start + max_chars // 2, end)
            cut = max(cut, text.rfind("\n", start + max_chars // 2, end))
            if cut > start:
                end = cut
        out.append((start, end))
        if end >= len(text):
            break
        start = max(end - _WINDOW_OVERLAP, start + 1)
    return out


_WORD_CHARS = re.compile(r"\w")
#: A redaction tag left by a previous pass (``<PERSON>``): never reported again.
_TAG = re.compile(r"<[A-Z][A-Z0-9_]*>")


class Detector:
    """Finds identifiers in texts (see the module docstring). Build with :func:`build_detector`."""

    def __init__(self, analyzer: AnalyzerEngine, config: DetectorConfig) -> None:
        self.analyzer = analyzer
        self.config = config
        self._allowed = frozenset(t.strip().casefold() for t in config.allow_list if t.strip())
        self._floor = min([config.score_threshold, *config.entity_thresholds.values()])

    @property
    def profile(self) -> Profile:
        return self.config.profile

    def with_profile(self, profile: Profile | str) -> Detector:
        """The same analyzer under another profile (no reload)."""
        return Detector(self.analyzer, replace(self.config, profile=parse_profile(profile)))

    # -- public -----------------------------------------------------------------------------

    def detect(
        self,
        texts: Sequence[str | None],
        *,
        context: Sequence[str] | None = None,
        entities: Sequence[str] | None = None,
        progress: Callable[[int], None] | None = None,
        merge: bool = True,
    ) -> list[list[Span]]:
        """Identifier spans in each text, aligned with ``texts`` (``None`` or blank: no spans).

        ``context`` words (e.g. a column name's words) raise the score of recognizers that list
        them. ``entities`` restricts detection to those types. ``progress`` receives the number
        of input texts done so far (never more than ``len(texts)``, never decreasing). With
        ``merge=False`` every kept detection is returned, overlaps included, sorted by start
        (the evidence of every entity type, as the table scan needs); the default merges
        overlaps (what redaction needs). Raises :class:`InvalidInputError` for a non-string
        item, naming its position only.
        """
        bad = [i for i, t in enumerate(texts) if t is not None and not isinstance(t, str)]
        if bad:
            raise InvalidInputError(
                f"{len(bad)} item(s) to analyse are not text (first at position {bad[0]}); "
                "convert cells to strings, or leave them missing"
            )
        unique = list(dict.fromkeys(t for t in texts if t is not None and t.strip()))
        report = _scaled_progress(progress, done_first=len(texts) - len(unique), total=len(texts))
        found = self._detect_unique(unique, context, entities, report, merge)
        by_text = dict(zip(unique, found, strict=True))
        out = [list(by_text.get(t, [])) if t is not None else [] for t in texts]
        if progress is not None:
            progress(len(texts))
        return out

    # -- internals --------------------------------------------------------------------------

    def _detect_unique(
        self,
        texts: list[str],
        context: Sequence[str] | None,
        entities: Sequence[str] | None,
        progress: Callable[[int, int], None] | None,
        merge: bool,
    ) -> list[list[Span]]:
        pieces: list[str] = []
        owners: list[tuple[int, int]] = []  # (text index, offset)
        for i, text in enumerate(texts):
            for start, end in _windows(text, self.config.max_chars):
                pieces.append(text[start:end])
                owners.append((i, start))
        n_process = self._processes(len(pieces))

        def piece_progress(done: int) -> None:
            if progress is not None:
                progress(done, len(pieces))

        if n_process > 1:
            raw = _analyse_in_processes(self, pieces, context, entities, n_process, piece_progress)
        else:
            raw = self._analyse(pieces, context, entities, piece_progress)
        collected: list[list[Span]] = [[] for _ in texts]
        for (i, offset), spans in zip(owners, raw, strict=True):
            collected[i].extend(
                Span(s.entity_type, s.start + offset, s.end + offset, s.score) for s in spans
            )
        if merge:
            return [merge_spans(spans) for spans in collected]
        return [
            sorted(set(spans), key=lambda s: (s.start, s.end, s.entity_type)) for spans in collected
        ]

    def _processes(self, n_texts: int) -> int:
        wanted = self.config.n_process or (os.cpu_count() or 1)
        if wanted <= 1 or n_texts < 8 * self.config.batch_size:
            return 1
        return min(wanted, n_texts // (4 * self.config.batch_size))

    def _analyse(
        self,
        texts: Sequence[str],
        context: Sequence[str] | None,
        entities: Sequence[str] | None,
        progress: Callable[[int], None] | None,
    ) -> list[list[Span]]:
        """Presidio over ``texts`` in nlp.pipe batches, then thresholds, profile, allow-list."""
        from presidio_analyzer import BatchAnalyzerEngine

        kwargs: dict[str, Any] = {"score_threshold": self._floor}
        if context:
            kwargs["context"] = list(context)
        if entities is not None:
            kwargs["entities"] = list(entities)
        batch = BatchAnalyzerEngine(analyzer_engine=self.analyzer)
        out: list[list[Span]] = []
        chunk = self.config.batch_size * 4
        for lo in range(0, len(texts), chunk):
            part = list(texts[lo : lo + chunk])
            results = batch.analyze_iterator(
                part, language=LANGUAGE, batch_size=self.config.batch_size, **kwargs
            )
            for text, found in zip(part, results, strict=True):
                out.append(self._keep(text, found))
            if progress is not None:
                progress(len(out))
        return out

    def _keep(self, text: str, results: Iterable[Any]) -> list[Span]:
        kept: list[Span] = []
        tags = [m.span() for m in _TAG.finditer(text)] if "<" in text else []
        for r in results:
            start, end, entity, score = int(r.start), int(r.end), str(r.entity_type), float(r.score)
            if tags and any(a <= start and end <= b for a, b in tags):
                continue  # a redaction tag such as <PERSON> is not an identifier
            if score < self.config.threshold_for(entity):
                continue
            piece = text[start:end]
            if not _WORD_CHARS.search(piece):
                continue
            if self._allowed and piece.strip().casefold() in self._allowed:
                continue
            # The NER recognizer's results were already filtered, with its own rules, before
            # Presidio resolved overlaps (privacy.pii._presidio); the rest are checked here.
            if is_false_detection(entity, piece, text[end : end + 24], ner=False):
                continue
            if not keeps_span(self.config.profile, entity, piece):
                continue
            kept.append(Span(entity, start, end, score))
        return kept


# -- several processes ------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_analyse(job: tuple[list[str], list[str] | None, list[str] | None]) -> list[list[Span]]:
    texts, context, entities = job
    detector: Detector = _WORKER["detector"]
    return detector._analyse(texts, context, entities, None)


def _analyse_in_processes(
    detector: Detector,
    texts: list[str],
    context: Sequence[str] | None,
    entities: Sequence[str] | None,
    n_process: int,
    progress: Callable[[int], None] | None,
) -> list[list[Span]]:
    """Analyse in ``n_process`` forked workers that share the loaded models copy-on-write.

    Falls back to one process where ``fork`` is unavailable.
    """
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        return detector._analyse(texts, context, entities, progress)
    size = detector.config.batch_size * 4
    jobs = [
        (texts[lo : lo + size], list(context) if context else None, list(entities or []) or None)
        for lo in range(0, len(texts), size)
    ]
    _WORKER["detector"] = detector
    out: list[list[Span]] = []
    try:
        with ctx.Pool(n_process) as pool:
            for result in pool.imap(_worker_analyse, jobs):
                out.extend(result)
                if progress is not None:
                    progress(len(out))
    finally:
        _WORKER.clear()
    return out


def build_detector(config: DetectorConfig | None = None) -> Detector:
    """Load the analyzer the configuration describes (offline; seconds) and wrap it.

    Raises :class:`InvalidInputError` when a model is missing (saying how to install it; nothing
    is downloaded) or a setting is invalid.
    """
    from privacy.pii.engine import build_analyzer

    config = config or DetectorConfig()
    analyzer = build_analyzer(
        spacy_model=config.spacy_model,
        score_threshold=min([config.score_threshold, *config.entity_thresholds.values()]),
        phone_regions=config.phone_regions,
        mrn_patterns=config.mrn_patterns,
        deny_list=config.deny_list,
        ner_model=config.ner_model,
    )
    return Detector(analyzer, config)
