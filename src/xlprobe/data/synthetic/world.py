"""The synthetic corpus: generating sentences, paraphrase pairs, and the dataset files.

:func:`generate_corpus` draws templates with one seeded generator and keeps, for every
sentence, which words of two languages render the same concept (the ground-truth lexicon), its
NER tags, sentiment, topic, and its dependency tree per language (a CoNLL-U sentence).
:func:`write_synthetic_dataset` writes the train/validation/test/probe splits and the lexicons
atomically, stamped with ``world.json`` so that a cached copy of another world version or size
is recognised (:func:`is_current_dataset`).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlprobe.data import conllu
from xlprobe.data.synthetic.clauses import time_inside
from xlprobe.data.synthetic.lexicon import LANGUAGES
from xlprobe.data.synthetic.morphology import spell, surface_groups
from xlprobe.data.synthetic.templates import TEMPLATES, TOPICS
from xlprobe.data.synthetic.tokens import Sentence, Tokens
from xlprobe.io import atomic_path

# Bumped whenever the generated sentences or the dataset's files change, so cached corpora and
# models are rebuilt (3: the .conllu trees and .topic.tsv files).
WORLD_VERSION = 3
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
    """Parallel sentences in several languages with NER tags, sentiment, topics, dependency
    trees and a true lexicon.

    Attributes:
        languages: Language codes, e.g. ``("en", "de", "fr", "es", "ar")``.
        sentences: lang -> sentences (whitespace-tokenized), line-aligned across languages.
        ner_tags: lang -> per sentence, one BIO tag per word.
        sentiment: per sentence, 1 positive / 0 negative (the same in every language).
        topics: per sentence, its topic (:data:`~.templates.TOPIC_LABELS`; the same in every
            language).
        trees: lang -> per sentence, its syntactic words with UPOS, head and relation, as a
            CoNLL-U sentence; a surface token of two words (Arabic ``و`` joined to the next
            word) is a multiword token.
    """

    languages: tuple[str, ...]
    sentences: dict[str, list[str]] = field(default_factory=dict)
    ner_tags: dict[str, list[list[str]]] = field(default_factory=dict)
    sentiment: list[int] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    trees: dict[str, list[conllu.Sentence]] = field(default_factory=dict)
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

    def _add(self, sentence: Sentence, topic: str) -> None:
        by_key: dict[str, list[list[str]]] = {}
        for index, lang in enumerate(self.languages):
            groups = surface_groups(lang, spell(lang, sentence.tokens[lang]))
            # a surface token: its words' forms joined, the key and tag of its last word
            tokens = [("".join(t.word for t in g), g[-1].key, g[-1].tag) for g in groups]
            self.sentences[lang].append(" ".join(word for word, _, _ in tokens))
            self.ner_tags[lang].append([tag for _, _, tag in tokens])
            self.trees[lang].append(dependency_tree(groups))
            for word, key, _ in tokens:
                if key is not None:
                    words = by_key.setdefault(key, [[] for _ in self.languages])
                    words[index].append(word)
        self.sentiment.append(sentence.sentiment)
        self.topics.append(topic)
        self._groups.update(tuple(tuple(w) for w in words) for words in by_key.values())


def dependency_tree(groups: list[Tokens]) -> conllu.Sentence:
    """The CoNLL-U sentence of a rendered sentence's surface tokens (each a group of words):
    word IDs in order, each word's head by its head's node (0 for the one unattached word, the
    root), a multiword token for each group of several words.

    Raises:
        ValueError: A head outside the sentence, or not exactly one root (a template bug).
    """
    words = [t for group in groups for t in group]
    ids = {t.node: i for i, t in enumerate(words, 1)}
    roots = [t.word for t in words if t.head is None]
    if len(roots) != 1:
        raise ValueError(f"expected one root, got {roots} in {[t.word for t in words]}")
    if any(t.head is not None and t.head not in ids for t in words):
        raise ValueError(f"a head outside the sentence {[t.word for t in words]}")
    tree = tuple(
        conllu.Word(
            i,
            t.word,
            upos=t.upos,
            head=0 if t.head is None else ids[t.head],
            deprel="root" if t.head is None else t.deprel,
        )
        for i, t in enumerate(words, 1)
    )
    mwts, first = [], 1
    for group in groups:
        if len(group) > 1:
            mwts.append(
                conllu.MultiwordToken(first, first + len(group) - 1, "".join(t.word for t in group))
            )
        first += len(group)
    return conllu.Sentence(tree, multiword_tokens=tuple(mwts))


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
        trees={lang: [] for lang in languages},
    )
    rng = random.Random(seed)
    for _ in range(n_sentences):
        template = rng.choice(TEMPLATES)
        corpus._add(template(rng), TOPICS[template])
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
            sentences._add(sentence, TOPICS[template])
            paraphrases._add(paraphrase, TOPICS[template])
    return sentences, paraphrases


def write_corpus(corpus: SyntheticCorpus, out_dir: Path, split: str) -> None:
    """Write one split as ``<split>.<lang>.txt`` / ``.conll`` / ``.tsv`` / ``.conllu`` /
    ``.topic.tsv`` files into ``out_dir``.

    ``.txt``: one sentence a line. ``.conll``: ``word<TAB>tag`` lines, a blank line after each
    sentence. ``.tsv``: ``sentence<TAB>label``. ``.conllu``: the dependency trees (UPOS, HEAD,
    DEPREL; ``# sent_id`` and ``# text`` comments; multiword tokens). ``.topic.tsv``: SIB-200's
    columns, a header ``index_id<TAB>category<TAB>text`` and a row per sentence.
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
        trees = [
            dataclasses.replace(tree, comments=(f"# sent_id = {split}-{i}", f"# text = {text}"))
            for i, (tree, text) in enumerate(zip(corpus.trees[lang], sentences, strict=True), 1)
        ]
        (out_dir / f"{split}.{lang}.conllu").write_text(
            conllu.format_conllu(trees), encoding="utf-8"
        )
        rows = zip(corpus.topics, sentences, strict=True)
        (out_dir / f"{split}.{lang}.topic.tsv").write_text(
            "index_id\tcategory\ttext\n"
            + "".join(f"{i}\t{topic}\t{s}\n" for i, (topic, s) in enumerate(rows)),
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
