"""The synthetic corpus: generating sentences, paraphrase pairs, and the dataset files.

:func:`generate_corpus` draws templates with one seeded generator and keeps, for every
sentence, which words of two languages render the same concept (the ground-truth lexicon).
:func:`write_synthetic_dataset` writes the train/validation/test/probe splits and the lexicons
atomically, stamped with ``world.json`` so that a cached copy of another world version or size
is recognised (:func:`is_current_dataset`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlprobe.data.synthetic.clauses import time_inside
from xlprobe.data.synthetic.lexicon import LANGUAGES
from xlprobe.data.synthetic.morphology import apply_orthography
from xlprobe.data.synthetic.templates import TEMPLATES
from xlprobe.data.synthetic.tokens import Sentence
from xlprobe.io import atomic_path

# Bumped whenever the generated sentences change, so cached corpora and models are rebuilt.
WORLD_VERSION = 2
SPLITS: tuple[str, ...] = ("train", "validation", "test", "probe")
_SPLIT_SEED_OFFSETS = {"train": 0, "validation": 1_000_003, "test": 2_000_003, "probe": 3_000_017}


@dataclass(frozen=True)
class WorldSpec:
    """What a synthetic dataset holds: the sentences per split, the seed and the languages.

    Attributes:
        n_train: Sentences in the train split.
        n_val: Sentences in the validation split.
        n_test: Sentences in the test split.
        n_probe: Sentences in the probe split.
        seed: The dataset's seed; each split has its own (:meth:`split_seed`).
        languages: A subset of :data:`LANGUAGES`, in the order of the corpus columns.
    """

    n_train: int = 4000
    n_val: int = 200
    n_test: int = 200
    n_probe: int = 2000
    seed: int = 0
    languages: tuple[str, ...] = LANGUAGES

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", tuple(self.languages))

    @property
    def sizes(self) -> dict[str, int]:
        """Sentences per split, keyed as :data:`SPLITS`."""
        return {
            "train": self.n_train,
            "validation": self.n_val,
            "test": self.n_test,
            "probe": self.n_probe,
        }

    def split_seed(self, split: str) -> int:
        """The seed ``split`` is generated with: the dataset's seed plus a fixed offset."""
        return self.seed + _SPLIT_SEED_OFFSETS[split]

    def stamp(self) -> dict:
        """The ``world.json`` record: world version, sizes, seed and languages."""
        return {
            "world_version": WORLD_VERSION,
            "sizes": self.sizes,
            "seed": self.seed,
            "languages": list(self.languages),
        }


@dataclass
class SyntheticCorpus:
    """Parallel sentences in several languages with NER tags, sentiment and a true lexicon.

    Attributes:
        languages: Language codes, e.g. ``("en", "de", "fr", "es", "ar")``.
        sentences: lang -> sentences (whitespace-tokenized), line-aligned across languages.
        ner_tags: lang -> per sentence, one BIO tag per word.
        sentiment: per sentence, 1 positive / 0 negative (the same in every language).
    """

    languages: tuple[str, ...]
    sentences: dict[str, list[str]] = field(default_factory=dict)
    ner_tags: dict[str, list[list[str]]] = field(default_factory=dict)
    sentiment: list[int] = field(default_factory=list)
    # one concept's words in one sentence, a tuple of words per language (in corpus order)
    _groups: set[tuple[tuple[str, ...], ...]] = field(default_factory=set, repr=False)

    def lexicon(self, src: str, tgt: str) -> dict[str, set[str]]:
        """Ground-truth translations: source word -> the target words it was generated with.

        Two words are linked when they render the same concept in one sentence (the same
        key): ``Paul Weber`` ↔ ``Paul Weber`` word by word, ``roten`` ↔ ``red``, ``parce`` and
        ``que`` → ``because``, ``treinta`` and ``uno`` → ``thirty-one``. Words without a
        counterpart (English ``does``, German ``es gibt``; no Arabic article) give no entry.
        """
        for lang in (src, tgt):
            if lang not in self.languages:
                raise ValueError(f"language {lang!r} not in corpus languages {self.languages}")
        i, j = self.languages.index(src), self.languages.index(tgt)
        links: dict[str, set[str]] = {}
        for group in self._groups:
            if group[i] and group[j]:
                for word in group[i]:
                    links.setdefault(word, set()).update(group[j])
        return links

    def _add(self, sentence: Sentence) -> None:
        by_key: dict[str, list[list[str]]] = {}
        for index, lang in enumerate(self.languages):
            tokens = apply_orthography(lang, sentence.tokens[lang])
            self.sentences[lang].append(" ".join(t.word for t in tokens))
            self.ner_tags[lang].append([t.tag for t in tokens])
            for t in tokens:
                if t.key is not None:
                    words = by_key.setdefault(t.key, [[] for _ in self.languages])
                    words[index].append(t.word)
        self.sentiment.append(sentence.sentiment)
        self._groups.update(tuple(tuple(w) for w in words) for words in by_key.values())


def generate_corpus(
    n_sentences: int, *, seed: int = 0, languages: Sequence[str] = LANGUAGES
) -> SyntheticCorpus:
    """Generate ``n_sentences`` parallel sentences in ``languages``, deterministically by seed.

    Args:
        n_sentences: Number of sentences per language (>= 0).
        seed: Random seed; the same seed gives the same corpus.
        languages: Subset of :data:`LANGUAGES`.

    Returns:
        The corpus, with sentences, NER tags, sentiment labels and the lexicon.
    """
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown synthetic languages {unknown}; available: {list(LANGUAGES)}")
    if n_sentences < 0:
        raise ValueError(f"n_sentences must be >= 0, got {n_sentences}")
    corpus = SyntheticCorpus(
        languages=tuple(languages),
        sentences={lang: [] for lang in languages},
        ner_tags={lang: [] for lang in languages},
    )
    rng = random.Random(seed)
    for _ in range(n_sentences):
        corpus._add(rng.choice(TEMPLATES)(rng))
    return corpus


def generate_paraphrases(
    n_pairs: int, *, seed: int = 0, languages: Sequence[str] = LANGUAGES
) -> tuple[SyntheticCorpus, SyntheticCorpus]:
    """``n_pairs`` parallel sentences with a fronted time adverbial and their paraphrases, the
    same sentences with the adverbial inside the clause (see
    :func:`~xlprobe.data.synthetic.clauses.order_clause`).

    Returns:
        ``(sentences, paraphrases)``, line-aligned corpora (every language is a paraphrase pair
        line by line), deterministic by seed.
    """
    if n_pairs < 0:
        raise ValueError(f"n_pairs must be >= 0, got {n_pairs}")
    sentences, paraphrases = (generate_corpus(0, languages=languages) for _ in range(2))
    rng = random.Random(seed)
    while len(sentences.sentiment) < n_pairs:
        template = rng.choice(TEMPLATES)
        state = rng.getstate()
        sentence = template(rng)
        again = random.Random()
        again.setstate(state)
        with time_inside():
            paraphrase = template(again)
        if paraphrase.tokens[LANGUAGES[0]] != sentence.tokens[LANGUAGES[0]]:
            sentences._add(sentence)
            paraphrases._add(paraphrase)
    return sentences, paraphrases


def write_corpus(corpus: SyntheticCorpus, out_dir: Path, split: str) -> None:
    """Write one split as ``<split>.<lang>.txt`` / ``.conll`` / ``.tsv`` files into ``out_dir``.

    ``.txt``: one sentence a line. ``.conll``: ``word<TAB>tag`` lines, a blank line after each
    sentence. ``.tsv``: ``sentence<TAB>label``.
    """
    for lang in corpus.languages:
        sentences = corpus.sentences[lang]
        (out_dir / f"{split}.{lang}.txt").write_text(
            "".join(f"{s}\n" for s in sentences), encoding="utf-8"
        )
        conll = []
        for sentence, tags in zip(sentences, corpus.ner_tags[lang], strict=True):
            conll.extend(f"{w}\t{t}\n" for w, t in zip(sentence.split(), tags, strict=True))
            conll.append("\n")
        (out_dir / f"{split}.{lang}.conll").write_text("".join(conll), encoding="utf-8")
        (out_dir / f"{split}.{lang}.tsv").write_text(
            "".join(f"{s}\t{y}\n" for s, y in zip(sentences, corpus.sentiment, strict=True)),
            encoding="utf-8",
        )


def write_lexicon(corpus: SyntheticCorpus, out_dir: Path) -> None:
    """Write ``lexicon.<src>-<tgt>.tsv`` (``src<TAB>tgt`` pairs, sorted) for every language pair."""
    for src in corpus.languages:
        for tgt in corpus.languages:
            if src == tgt:
                continue
            lines = [
                f"{s}\t{t}\n"
                for s, targets in sorted(corpus.lexicon(src, tgt).items())
                for t in sorted(targets)
            ]
            (out_dir / f"lexicon.{src}-{tgt}.tsv").write_text("".join(lines), encoding="utf-8")


WORLD_FILE = "world.json"


def is_current_dataset(out_dir: str | Path, spec: WorldSpec) -> bool:
    """Whether ``out_dir`` holds the dataset :func:`write_synthetic_dataset` would write for
    ``spec`` (same world version, sizes, seed, languages; read from ``world.json``)."""
    path = Path(out_dir) / WORLD_FILE
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text(encoding="utf-8")) == spec.stamp()
    except (OSError, ValueError):
        return False


def write_synthetic_dataset(out_dir: str | Path, spec: WorldSpec, *, replace: bool = False) -> Path:
    """Write the train/validation/test/probe splits of ``spec`` and the lexicons into
    ``out_dir``, atomically.

    Each split is generated with its own seed (:meth:`WorldSpec.split_seed`), so splits differ
    while the whole dataset stays deterministic. The lexicon is the one of all splits together.
    ``world.json`` records the world version, sizes, seed and languages.

    Args:
        out_dir: The dataset directory.
        spec: Sizes, seed and languages.
        replace: Replace an existing ``out_dir`` (one this function wrote before).

    Returns:
        ``out_dir`` as a :class:`~pathlib.Path`.
    """
    out_dir = Path(out_dir)
    combined = generate_corpus(0, languages=spec.languages)
    with atomic_path(out_dir, replace_dir=replace) as tmp:
        tmp.mkdir(parents=True)
        for split in SPLITS:
            corpus = generate_corpus(
                spec.sizes[split], seed=spec.split_seed(split), languages=spec.languages
            )
            write_corpus(corpus, tmp, split)
            combined._groups |= corpus._groups
        write_lexicon(combined, tmp)
        (tmp / WORLD_FILE).write_text(
            json.dumps(spec.stamp(), sort_keys=True) + "\n", encoding="utf-8"
        )
    return out_dir
