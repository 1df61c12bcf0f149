"""A tiny BERT token classifier built locally, for tests that need a real transformers NER folder.

:func:`build_tiny_ner_model` trains a WordPiece tokenizer with the ``tokenizers`` library on a
small built-in corpus, builds a 2-layer BERT token classifier from a ``BertConfig``, trains it
for a few hundred full-batch steps on toy sentences so it tags the built-in names as PER and
the built-in cities as LOC, and saves model and tokenizer with ``save_pretrained``. Nothing is
downloaded. The result is deterministic (fixed seeds, one torch thread while training) and
takes a few seconds on one CPU core.

Not a test module: imported by the tests that need the folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: Names the model is trained to tag as PER (the first is the one tests look for).
TRAINED_NAMES: tuple[str, ...] = (
    "John Smith",
    "Mary Jones",
    "Alice Brown",
    "Robert Miller",
    "Linda Davis",
    "James Wilson",
)

#: Cities the model is trained to tag as LOC.
TRAINED_CITIES: tuple[str, ...] = ("Boston", "Denver", "Chicago", "Seattle", "Austin", "Portland")

#: Sentence templates; ``{name}`` and ``{city}`` are filled from the lists above.
TEMPLATES: tuple[str, ...] = (
    "{name} lives in {city} .",
    "Patient {name} was admitted in {city} .",
    "Dr. {name} visited {city} yesterday .",
    "We met {name} near {city} last week .",
    "The report from {city} mentions {name} .",
    "{name} called the clinic in {city} about the results .",
)

#: Sentences without entities, so the model learns that most words are O.
PLAIN_SENTENCES: tuple[str, ...] = (
    "The results were normal and the patient went home .",
    "Blood pressure was stable during the visit .",
    "No fever was reported after the procedure .",
    "The clinic was closed on the weekend .",
    "Follow up in two weeks with the lab results .",
)

_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_MAX_LENGTH = 128


def _examples(labels: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """Word-level training examples ``(words, tags)``; tags absent from ``labels`` become O."""
    known = set(labels)

    def tag(prefix: str, kind: str) -> str:
        label = f"{prefix}-{kind}"
        return label if label in known else "O"

    out: list[tuple[list[str], list[str]]] = []
    for template in TEMPLATES:
        for i, name in enumerate(TRAINED_NAMES):
            city = TRAINED_CITIES[(i + len(out)) % len(TRAINED_CITIES)]
            words: list[str] = []
            tags: list[str] = []
            for word in template.split():
                if word == "{name}":
                    parts = name.split()
                    words += parts
                    tags += [tag("B", "PER")] + [tag("I", "PER")] * (len(parts) - 1)
                elif word == "{city}":
                    words.append(city)
                    tags.append(tag("B", "LOC"))
                else:
                    words.append(word)
                    tags.append("O")
            out.append((words, tags))
    for sentence in PLAIN_SENTENCES:
        words = sentence.split()
        out.append((words, ["O"] * len(words)))
    return out


def _train_tokenizer(corpus: list[str]):  # -> tokenizers.Tokenizer
    """A cased WordPiece tokenizer whose pieces are learnt from ``corpus``.

    The trainer breaks ties between equally frequent merges in hash order, so its intermediate
    pieces and token ids vary from run to run. For a reproducible ``tokenizer.json`` only the
    learnt pieces that are whole words of the corpus are kept (the vocabulary is large enough for
    every word to be merged), renumbered in a fixed order: special tokens, characters, ``##``
    characters, then the words sorted. Every ASCII letter, digit and common punctuation mark has
    a piece and a ``##`` piece, so unseen words split into pieces instead of [UNK].
    """
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from tokenizers.trainers import WordPieceTrainer

    def configured(model: WordPiece) -> Tokenizer:
        tokenizer = Tokenizer(model)
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tokenizer.decoder = decoders.WordPiece(prefix="##")
        return tokenizer

    alphabet = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    alphabet += [c.upper() for c in alphabet] + list("0123456789.,:;!?'-()/")
    trainer = WordPieceTrainer(
        vocab_size=2000,
        min_frequency=1,
        special_tokens=_SPECIAL_TOKENS,
        initial_alphabet=alphabet,
        show_progress=False,
    )
    learner = configured(WordPiece(unk_token="[UNK]"))
    learner.train_from_iterator(corpus, trainer=trainer)

    chars = sorted(alphabet)
    pieces = [*_SPECIAL_TOKENS, *chars, *("##" + c for c in chars)]
    words = {w for line in corpus for w, _ in learner.pre_tokenizer.pre_tokenize_str(line)}
    learnt = sorted((set(learner.get_vocab()) & words) - set(pieces))
    vocab = {token: i for i, token in enumerate([*pieces, *learnt])}
    tokenizer = configured(WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return tokenizer


def build_tiny_ner_model(
    folder: Path,
    labels: Sequence[str] = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC"),
    *,
    train_steps: int = 200,
    seed: int = 0,
) -> Path:
    """Build, train and save a tiny BERT token classifier in ``folder``; return ``folder``.

    The folder holds ``config.json`` (``BertForTokenClassification``, ``id2label`` from
    ``labels``), ``model.safetensors``, ``tokenizer.json`` and ``tokenizer_config.json``; the
    tokenizer is a fast (``tokenizers``-backed) WordPiece tokenizer, cased, with
    ``model_max_length`` equal to the model's 128 positions. With ``train_steps=0`` the weights
    are the seeded random initialisation. Deterministic for a given ``seed``.
    """
    import torch
    from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

    if "O" not in labels:
        raise ValueError("labels must include 'O'")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    examples = _examples(labels)
    corpus = [" ".join(words) for words, _ in examples]

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=_train_tokenizer(corpus),
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=_MAX_LENGTH,
    )

    label2id = {label: i for i, label in enumerate(labels)}
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=_MAX_LENGTH,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        num_labels=len(labels),
        id2label={i: label for label, i in label2id.items()},
        label2id=dict(label2id),
        pad_token_id=tokenizer.pad_token_id,
    )

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        model = BertForTokenClassification(config)
        if train_steps > 0:
            _train(model, tokenizer, examples, label2id, train_steps)
        model.eval()
    finally:
        torch.set_num_threads(threads)

    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _train(model, tokenizer, examples, label2id: dict[str, int], steps: int) -> None:
    """Full-batch AdamW on the toy examples; sub-word pieces after the first take the I- tag."""
    import torch

    encoded = tokenizer(
        [words for words, _ in examples],
        is_split_into_words=True,
        padding=True,
        return_tensors="pt",
    )
    label_rows = []
    for row, (_, tags) in enumerate(examples):
        previous = None
        row_labels = []
        for word_id in encoded.word_ids(row):
            if word_id is None:
                row_labels.append(-100)
                continue
            tag = tags[word_id]
            if word_id == previous and tag.startswith("B-"):
                inside = "I-" + tag[2:]
                tag = inside if inside in label2id else tag
            row_labels.append(label2id[tag])
            previous = word_id
        label_rows.append(row_labels)
    targets = torch.tensor(label_rows)

    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=5e-3)
    for _ in range(steps):
        optimiser.zero_grad()
        out = model(
            input_ids=encoded["input_ids"],
            attention_mask=encoded["attention_mask"],
            labels=targets,
        )
        out.loss.backward()
        optimiser.step()
