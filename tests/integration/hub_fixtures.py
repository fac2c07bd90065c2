"""Local snapshots of every hub dataset the configs name, with the real schemas, for offline tests.

Each dataset is written under ``<root>/<owner>/<name>`` in its hub repository's file layout, so
that ``datasets.load_dataset(<root>/<owner>/<name>, name=..., data_dir=..., split=...)`` resolves
configs, data directories and splits as it does on the hub (``data.hub_root=<root>``):

- *repo* layout (the dataset's main branch): a README whose YAML lists ``configs`` (data files
  per split) and ``dataset_info`` (features), files ``<dir>/<split>-00000-of-00001.parquet``
  (or the repository's own file names), as a partial download leaves it (the README also lists
  a config whose files are absent);
- *export* layout (revision ``refs/convert/parquet``, the hub's parquet export of a script
  dataset): no README, files ``<config>/<split>/0000.parquet``, splits found by directory name.

Column names, feature types and label names are the datasets' own (dataset cards and
``dataset_info``); the text is the synthetic corpus (``xlprobe.data.synthetic``), whose words the
tiny models' tokenizers know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPLITS = ("train", "validation", "test")
# rows per split and config
N_ROWS = 12
PANX_TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
SST2_LABELS = ["negative", "positive"]
# cardiffnlp/tweet_sentiment_multilingual (XLM-T, UMSAB): 0 negative, 1 neutral, 2 positive
TWEET_LABELS = ["negative", "neutral", "positive"]
TWEET_CONFIGS = {"ar": "arabic", "de": "german", "en": "english", "es": "spanish", "fr": "french"}
IWSLT_PAIRS = ("fr-en", "de-en", "ar-en")
# commul/universal_dependencies (the hub's parquet UD release, one config per treebank): the
# upos ClassLabel names in id order, and the treebank of each language in conf/task/{pos,deps}
UD_UPOS_NAMES = [
    "NOUN",
    "PUNCT",
    "ADP",
    "NUM",
    "SYM",
    "SCONJ",
    "ADJ",
    "PART",
    "DET",
    "CCONJ",
    "PROPN",
    "PRON",
    "X",
    "_",
    "ADV",
    "INTJ",
    "VERB",
    "AUX",
]
UD_TREEBANKS = {"en": "en_ewt", "de": "de_gsd", "fr": "fr_gsd", "es": "es_ancora", "ar": "ar_padt"}
# Davlan/sib200 (SIB-200): one config per FLORES-200 code, categories as strings
SIB200_CONFIGS = {
    "en": "eng_Latn",
    "de": "deu_Latn",
    "fr": "fra_Latn",
    "es": "spa_Latn",
    "ar": "arb_Arab",
}
SIB200_CATEGORIES = [
    "science/technology",
    "travel",
    "politics",
    "sports",
    "health",
    "entertainment",
    "geography",
]
# a config each repo's README lists before ours, whose files a partial download (README.md plus the
# configs used) lacks: ``datasets`` resolves a local directory's first README config eagerly
ABSENT_FIRST_CONFIG = {
    "google/xtreme": "MLQA.ar.ar",
    "Helsinki-NLP/opus-100": "af-en",
    "commul/universal_dependencies": "abq_atb",
}


@dataclass(frozen=True)
class Snapshot:
    """One config of a hub dataset: its features and a row builder.

    Attributes:
        repo: The hub id, ``owner/name``.
        config: The config name (``name=``) or, for an export, the ``data_dir``.
        layout: ``repo`` (README configs) or ``export`` (``refs/convert/parquet``).
        features: ``() -> datasets.Features`` (imported lazily).
        rows: ``(corpus, split) -> column dict`` from a synthetic corpus.
        data_dir: Directory of the config's files in a repo layout (default: the config name).
        file: Name of a split's file in a repo layout, ``{split}`` filled in.
        card_file: The README's data-files pattern of a split, ``{split}`` filled in.
    """

    repo: str
    config: str
    layout: str
    features: Callable[[], Any]
    rows: Callable[[Any, str], dict[str, list]]
    data_dir: str | None = None
    file: str = "{split}-00000-of-00001.parquet"
    card_file: str = "{split}-*"


def _translation(src: str, tgt: str) -> Callable[[], Any]:
    def features():
        from datasets import Features, Translation

        return Features({"translation": Translation(languages=[src, tgt])})

    return features


def _translation_rows(src: str, tgt: str) -> Callable[[Any, str], dict[str, list]]:
    def rows(corpus, split):
        pairs = zip(corpus.sentences[src], corpus.sentences[tgt], strict=True)
        return {"translation": [{src: s, tgt: t} for s, t in pairs]}

    return rows


def _panx_features():
    from datasets import ClassLabel, Features, Sequence, Value

    return Features(
        {
            "tokens": Sequence(Value("string")),
            "ner_tags": Sequence(ClassLabel(names=PANX_TAGS)),
            "langs": Sequence(Value("string")),
        }
    )


def _panx_rows(lang: str) -> Callable[[Any, str], dict[str, list]]:
    def rows(corpus, split):
        tokens = [s.split() for s in corpus.sentences[lang]]
        return {
            "tokens": tokens,
            "ner_tags": [[PANX_TAGS.index(t) for t in tags] for tags in corpus.ner_tags[lang]],
            "langs": [[lang] * len(words) for words in tokens],
        }

    return rows


def _sst2_features():
    from datasets import ClassLabel, Features, Value

    return Features(
        {"idx": Value("int32"), "sentence": Value("string"), "label": ClassLabel(names=SST2_LABELS)}
    )


def _sst2_rows(corpus, split):
    n = len(corpus.sentiment)
    # like GLUE's SST-2 on the hub: the test split is unlabelled (-1)
    labels = [-1] * n if split == "test" else list(corpus.sentiment)
    return {"idx": list(range(n)), "sentence": corpus.sentences["en"], "label": labels}


def _ud_features():
    from datasets import ClassLabel, Features, Sequence, Value

    strings = Sequence(Value("string"))
    return Features(
        {
            "sent_id": Value("string"),
            "text": Value("string"),
            "comments": strings,
            "tokens": strings,
            "lemmas": strings,
            "upos": Sequence(ClassLabel(names=UD_UPOS_NAMES)),
            "xpos": strings,
            "feats": strings,
            "head": strings,
            "deprel": strings,
            "deps": strings,
            "misc": strings,
            "mwt": [{k: Value("string") for k in ("id", "form", "feats", "misc")}],
            "empty_nodes": [
                {
                    k: Value("string")
                    for k in (
                        "id",
                        "form",
                        "lemma",
                        "upos",
                        "xpos",
                        "feats",
                        "head",
                        "deprel",
                        "deps",
                        "misc",
                    )
                }
            ],
        }
    )


# the empty node the first sentence of every split gets (the synthetic world has none)
UD_EMPTY_NODE = {
    "id": "1.1",
    "form": "_",
    "lemma": "_",
    "upos": "_",
    "xpos": None,
    "feats": None,
    "head": "_",
    "deprel": "_",
    "deps": "1:dep",
    "misc": None,
}


def _ud_rows(lang: str) -> Callable[[Any, str], dict[str, list]]:
    def rows(corpus, split):
        trees, texts = corpus.trees[lang], corpus.sentences[lang]
        ids = [f"{split}-{i}" for i in range(1, len(trees) + 1)]

        def column(get):
            return [[get(w) for w in tree.words] for tree in trees]

        return {
            "sent_id": ids,
            "text": texts,
            "comments": [
                [f"# sent_id = {i}", f"# text = {t}"] for i, t in zip(ids, texts, strict=True)
            ],
            "tokens": column(lambda w: w.form),
            "lemmas": column(lambda w: w.form.lower()),
            "upos": column(lambda w: UD_UPOS_NAMES.index(w.upos)),
            "xpos": column(lambda w: None),
            "feats": column(lambda w: None),
            "head": column(lambda w: str(w.head)),
            "deprel": column(lambda w: w.deprel),
            "deps": column(lambda w: None),
            "misc": column(lambda w: None),
            "mwt": [
                [
                    {"id": f"{t.first}-{t.last}", "form": t.form, "feats": None, "misc": None}
                    for t in tree.multiword_tokens
                ]
                for tree in trees
            ],
            "empty_nodes": [[UD_EMPTY_NODE] if i == 0 else [] for i in range(len(trees))],
        }

    return rows


def _sib200_features():
    from datasets import Features, Value

    return Features(
        {"index_id": Value("int64"), "category": Value("string"), "text": Value("string")}
    )


def _sib200_rows(lang: str) -> Callable[[Any, str], dict[str, list]]:
    def rows(corpus, split):
        from xlprobe.data.synthetic import TOPIC_LABELS

        # the synthetic world's seven topics stand in for SIB-200's seven, in order
        categories = [SIB200_CATEGORIES[TOPIC_LABELS.index(t)] for t in corpus.topics]
        n = len(categories)
        return {"index_id": list(range(n)), "category": categories, "text": corpus.sentences[lang]}

    return rows


def _tweet_features():
    from datasets import ClassLabel, Features, Value

    return Features({"text": Value("string"), "label": ClassLabel(names=TWEET_LABELS)})


def _tweet_rows(lang: str) -> Callable[[Any, str], dict[str, list]]:
    def rows(corpus, split):
        # every third sentence neutral, the others positive (2) or negative (0) as generated
        labels = [1 if i % 3 == 2 else 2 * y for i, y in enumerate(corpus.sentiment)]
        return {"text": corpus.sentences[lang], "label": labels}

    return rows


# neulab/ted_multi (TED Multi, Qi et al. 2018): the 60 languages of its TranslationVariableLanguages
TED_LANGUAGES = [
    "ar",
    "az",
    "be",
    "bg",
    "bn",
    "bs",
    "calv",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "eo",
    "es",
    "et",
    "eu",
    "fa",
    "fi",
    "fr",
    "fr-ca",
    "gl",
    "he",
    "hi",
    "hr",
    "hu",
    "hy",
    "id",
    "it",
    "ja",
    "ka",
    "kk",
    "ko",
    "ku",
    "lt",
    "mk",
    "mn",
    "mr",
    "ms",
    "my",
    "nb",
    "nl",
    "pl",
    "pt",
    "pt-br",
    "ro",
    "ru",
    "sk",
    "sl",
    "sq",
    "sr",
    "sv",
    "ta",
    "th",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
    "zh-cn",
    "zh-tw",
]


def _ted_features():
    from datasets import Features, TranslationVariableLanguages, Value

    return Features(
        {
            "translations": TranslationVariableLanguages(languages=TED_LANGUAGES),
            "talk_name": Value("string"),
        }
    )


def _ted_rows(corpus, split):
    # every fourth talk sentence lacks Spanish (not every talk is translated into every language)
    rows = []
    for i in range(len(corpus.sentences["en"])):
        langs = [lang for lang in corpus.languages if lang != "es" or i % 4]
        rows.append({lang: corpus.sentences[lang][i] for lang in langs})
    return {"translations": rows, "talk_name": [f"talk_{i // 3}" for i in range(len(rows))]}


SNAPSHOTS: tuple[Snapshot, ...] = (
    *(
        Snapshot(
            "IWSLT/iwslt2017",
            f"iwslt2017-{pair}",
            "export",
            _translation(*pair.split("-")),
            _translation_rows(*pair.split("-")),
        )
        for pair in IWSLT_PAIRS
    ),
    Snapshot(
        "Helsinki-NLP/opus-100",
        "en-es",
        "repo",
        _translation("en", "es"),
        _translation_rows("en", "es"),
    ),
    *(
        Snapshot("google/xtreme", f"PAN-X.{lang}", "repo", _panx_features, _panx_rows(lang))
        for lang in ("en", "de", "fr", "es", "ar")
    ),
    Snapshot("stanfordnlp/sst2", "default", "repo", _sst2_features, _sst2_rows, data_dir="data"),
    *(
        Snapshot(
            "cardiffnlp/tweet_sentiment_multilingual",
            config,
            "export",
            _tweet_features,
            _tweet_rows(lang),
        )
        for lang, config in TWEET_CONFIGS.items()
    ),
    Snapshot("neulab/ted_multi", "plain_text", "export", _ted_features, _ted_rows),
    *(
        Snapshot(
            "commul/universal_dependencies",
            treebank,
            "repo",
            _ud_features,
            _ud_rows(lang),
            file="{split}.parquet",
            card_file="{split}.parquet",
        )
        for lang, treebank in UD_TREEBANKS.items()
    ),
    *(
        Snapshot("Davlan/sib200", config, "export", _sib200_features, _sib200_rows(lang))
        for lang, config in SIB200_CONFIGS.items()
    ),
)


def covers(spec: dict[str, Any]) -> bool:
    """Whether a ``data.hub`` entry names a dataset config written by :func:`write_snapshots`
    (a template entry, whose config is ``{code}`` or another registry field, a dataset with at
    least one)."""
    config = spec.get("name") or spec.get("data_dir") or "default"
    if "{" in config:
        return any(s.repo == spec["path"] for s in SNAPSHOTS)
    return any(s.repo == spec["path"] and s.config == config for s in SNAPSHOTS)


def _card_of_partial_download(repo: str) -> dict[str, list]:
    absent = ABSENT_FIRST_CONFIG.get(repo)
    configs = (
        []
        if absent is None
        else [
            {"config_name": absent, "data_files": [{"split": "test", "path": f"{absent}/test-*"}]}
        ]
    )
    return {"configs": configs, "dataset_info": []}


def corpus_for(split: str, *, n_rows: int = N_ROWS, seed: int = 0) -> Any:
    """The synthetic corpus whose sentences fill ``split`` of every snapshot (seeded per split)."""
    from xlprobe.data.synthetic import generate_corpus

    return generate_corpus(n_rows, seed=seed + SPLITS.index(split))


def write_snapshots(root: Path, *, n_rows: int = N_ROWS, seed: int = 0) -> Path:
    """Write every snapshot of :data:`SNAPSHOTS` under ``root`` (see the module docstring).

    Args:
        root: The directory (``data.hub_root``).
        n_rows: Rows per split and config.
        seed: Seed of the synthetic corpora (:func:`corpus_for`).

    Returns:
        ``root``.
    """
    import yaml
    from datasets import Dataset

    corpora = {split: corpus_for(split, n_rows=n_rows, seed=seed) for split in SPLITS}
    cards: dict[str, dict[str, list]] = {}
    for snap in SNAPSHOTS:
        features = snap.features()
        for split in SPLITS:
            if snap.layout == "export":
                path = root / snap.repo / snap.config / split / "0000.parquet"
            else:
                path = root / snap.repo / (snap.data_dir or snap.config)
                path = path / snap.file.format(split=split)
            path.parent.mkdir(parents=True, exist_ok=True)
            Dataset.from_dict(snap.rows(corpora[split], split), features=features).to_parquet(path)
        if snap.layout == "repo":
            card = cards.setdefault(snap.repo, _card_of_partial_download(snap.repo))
            card["configs"].append(
                {
                    "config_name": snap.config,
                    "data_files": [
                        {
                            "split": split,
                            "path": f"{snap.data_dir or snap.config}/"
                            + snap.card_file.format(split=split),
                        }
                        for split in SPLITS
                    ],
                }
            )
            card["dataset_info"].append(
                {"config_name": snap.config, "features": features._to_yaml_list()}
            )
    for repo, card in cards.items():
        text = "---\n" + yaml.safe_dump(card, sort_keys=False, allow_unicode=True) + "---\n"
        (root / repo / "README.md").write_text(text, encoding="utf-8")
    return root
