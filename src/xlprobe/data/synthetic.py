"""A synthetic multilingual world: parallel en/de/fr/es/ar sentences with known translations.

Sentences are generated from a hand-written lexicon and a few templates (people, places,
organizations, colours, numbers, animals, emotions, verbs). Each template is a list of *units*
(a name, a colour+animal phrase, a verb, ...); every language renders each unit in its own words
(German articles by gender, Arabic without articles, French/Spanish/Arabic adjectives after the
noun, German verb-final subordinate clauses and verb-second inversion) and orders the units its
own way. The generator therefore knows, for every sentence, which words translate which: that is
the ground-truth lexicon against which dictionaries are checked.

Each sentence carries BIO named-entity tags (PER, LOC, ORG) and a sentiment label (1 positive,
0 negative), identical in meaning across languages. Everything is deterministic given the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlprobe.io import atomic_path

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "ar")
SPLITS: tuple[str, ...] = ("train", "validation", "test", "probe")
SPLIT_SEED_OFFSETS = {"train": 0, "validation": 1_000_003, "test": 2_000_003, "probe": 3_000_017}


def _table(rows: str) -> list[dict[str, str]]:
    """Parse ``en|de|fr|es|ar`` rows (one entry per line) into dicts keyed by language."""
    entries = []
    for row in rows.strip().splitlines():
        cells = [cell.strip() for cell in row.split("|")]
        entries.append(dict(zip(LANGUAGES, cells, strict=True)))
    return entries


# Nouns carry grammatical gender after a colon (German m/f/n, French and Spanish m/f).
ANIMALS = _table("""
cat|Katze:f|chat:m|gato:m|قط
dog|Hund:m|chien:m|perro:m|كلب
horse|Pferd:n|cheval:m|caballo:m|حصان
bird|Vogel:m|oiseau:m|pájaro:m|طائر
fish|Fisch:m|poisson:m|pez:m|سمكة
cow|Kuh:f|vache:f|vaca:f|بقرة
sheep|Schaf:n|mouton:m|oveja:f|خروف
goat|Ziege:f|chèvre:f|cabra:f|ماعز
rabbit|Kaninchen:n|lapin:m|conejo:m|أرنب
mouse|Maus:f|souris:f|ratón:m|فأر
lion|Löwe:m|lion:m|león:m|أسد
tiger|Tiger:m|tigre:m|tigre:m|نمر
bear|Bär:m|ours:m|oso:m|دب
wolf|Wolf:m|loup:m|lobo:m|ذئب
fox|Fuchs:m|renard:m|zorro:m|ثعلب
camel|Kamel:n|chameau:m|camello:m|جمل
donkey|Esel:m|âne:m|burro:m|حمار
duck|Ente:f|canard:m|pato:m|بطة
frog|Frosch:m|grenouille:f|rana:f|ضفدع
snake|Schlange:f|serpent:m|serpiente:f|ثعبان
""")

LANDMARKS = _table("""
river|Fluss:m|fleuve:m|río:m|نهر
bridge|Brücke:f|pont:m|puente:m|جسر
market|Markt:m|marché:m|mercado:m|سوق
school|Schule:f|école:f|escuela:f|مدرسة
church|Kirche:f|église:f|iglesia:f|كنيسة
garden|Garten:m|jardin:m|jardín:m|حديقة
station|Bahnhof:m|gare:f|estación:f|محطة
forest|Wald:m|forêt:f|bosque:m|غابة
lake|See:m|lac:m|lago:m|بحيرة
hospital|Krankenhaus:n|hôpital:m|hospital:m|مستشفى
""")

COLOURS = _table("""
red|rot|rouge|rojo|أحمر
blue|blau|bleu|azul|أزرق
green|grün|vert|verde|أخضر
yellow|gelb|jaune|amarillo|أصفر
black|schwarz|noir|negro|أسود
white|weiß|blanc|blanco|أبيض
brown|braun|brun|marrón|بني
grey|grau|gris|gris|رمادي
orange|orange|orange|naranja|برتقالي
purple|lila|violet|morado|بنفسجي
pink|rosa|rose|rosado|وردي
golden|golden|doré|dorado|ذهبي
""")

NUMBERS = _table("""
two|zwei|deux|dos|اثنين
three|drei|trois|tres|ثلاثة
four|vier|quatre|cuatro|أربعة
five|fünf|cinq|cinco|خمسة
six|sechs|six|seis|ستة
seven|sieben|sept|siete|سبعة
eight|acht|huit|ocho|ثمانية
nine|neun|neuf|nueve|تسعة
ten|zehn|dix|diez|عشرة
eleven|elf|onze|once|أحد_عشر
twelve|zwölf|douze|doce|اثني_عشر
""")

# Transitive verbs in the past tense.
SEEING_VERBS = _table("""
saw|sah|vit|vio|رأى
painted|malte|peignit|pintó|رسم
fed|fütterte|nourrit|alimentó|أطعم
found|fand|trouva|encontró|وجد
followed|folgte|suivit|siguió|تبع
photographed|fotografierte|photographia|fotografió|صور
drew|zeichnete|dessina|dibujó|خطط
bought|kaufte|acheta|compró|اشترى
sold|verkaufte|vendit|vendió|باع
washed|wusch|lava|lavó|غسل
""")

# Intransitive verbs in the past tense.
MOVING_VERBS = _table("""
ran|lief|courut|corrió|ركض
slept|schlief|dormit|durmió|نام
jumped|sprang|sauta|saltó|قفز
sang|sang|chanta|cantó|غنى
swam|schwamm|nagea|nadó|سبح
danced|tanzte|dansa|bailó|رقص
played|spielte|joua|jugó|لعب
waited|wartete|attendit|esperó|انتظر
""")

TIMES = _table("""
yesterday|gestern|hier|ayer|أمس
today|heute|aujourd'hui|hoy|اليوم
recently|kürzlich|récemment|recientemente|مؤخرا
once|einmal|autrefois|antes|مرة
suddenly|plötzlich|soudain|súbitamente|فجأة
finally|endlich|enfin|finalmente|أخيرا
""")

# Emotions and evaluative adjectives carry the sentence's polarity (last column: 1 or 0).
EMOTIONS = _table("""
happy|glücklich|heureux|feliz|سعيد
proud|stolz|fier|orgulloso|فخور
calm|ruhig|calme|tranquilo|هادئ
excited|begeistert|ravi|emocionado|متحمس
grateful|dankbar|reconnaissant|agradecido|ممتن
relieved|erleichtert|soulagé|aliviado|مرتاح
sad|traurig|triste|triste|حزين
angry|wütend|fâché|enfadado|غاضب
afraid|ängstlich|effrayé|asustado|خائف
tired|müde|fatigué|cansado|متعب
lonely|einsam|seul|solo|وحيد
worried|besorgt|inquiet|preocupado|قلق
""")
EMOTION_POLARITY = (1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0)

QUALITIES = _table("""
friendly|freundlich|gentil|amable|لطيف
beautiful|schön|beau|hermoso|جميل
wonderful|wunderbar|merveilleux|maravilloso|رائع
clever|klug|malin|listo|ذكي
healthy|gesund|sain|sano|صحي
dangerous|gefährlich|dangereux|peligroso|خطير
ugly|hässlich|laid|feo|قبيح
terrible|schrecklich|terrible|terrible|فظيع
sick|krank|malade|enfermo|مريض
lazy|faul|paresseux|perezoso|كسول
""")
QUALITY_POLARITY = (1, 1, 1, 1, 1, 0, 0, 0, 0, 0)

# Names are single or two-token entities, written in Latin script except in Arabic. A leading
# "<" marks a multi-word entry whose words come in the reverse order of the English ones
# (Arabic "مجموعة أطلس" is "Group Atlas").
PEOPLE = _table("""
Anna|Anna|Anna|Anna|آنا
Omar|Omar|Omar|Omar|عمر
Lucas|Lucas|Lucas|Lucas|لوكاس
Maria|Maria|Maria|Maria|ماريا
Yusuf|Yusuf|Yusuf|Yusuf|يوسف
Sofia|Sofia|Sofia|Sofia|صوفيا
Karim|Karim|Karim|Karim|كريم
Elena|Elena|Elena|Elena|إيلينا
Paul Weber|Paul Weber|Paul Weber|Paul Weber|باول فيبر
Laila Haddad|Laila Haddad|Laila Haddad|Laila Haddad|ليلى حداد
Hugo Martin|Hugo Martin|Hugo Martin|Hugo Martin|هوغو مارتن
Nadia Costa|Nadia Costa|Nadia Costa|Nadia Costa|نادية كوستا
""")

PLACES = _table("""
Paris|Paris|Paris|París|باريس
Berlin|Berlin|Berlin|Berlín|برلين
Madrid|Madrid|Madrid|Madrid|مدريد
Cairo|Kairo|Caire|Cairo|القاهرة
London|London|Londres|Londres|لندن
Rome|Rom|Rome|Roma|روما
Vienna|Wien|Vienne|Viena|فيينا
Tunis|Tunis|Tunis|Túnez|تونس
Lisbon|Lissabon|Lisbonne|Lisboa|لشبونة
Beirut|Beirut|Beyrouth|Beirut|بيروت
""")

ORGANIZATIONS = _table("""
Atlas Group|Atlas Group|Atlas Group|Atlas Group|<مجموعة أطلس
Nova Bank|Nova Bank|Nova Bank|Nova Bank|<بنك نوفا
Orion Labs|Orion Labs|Orion Labs|Orion Labs|<مختبرات أوريون
Delta Air|Delta Air|Delta Air|Delta Air|دلتا إير
Cedar Press|Cedar Press|Cedar Press|Cedar Press|<مطبعة الأرز
""")

# Function words per language.
ARTICLES = {
    # (definiteness, case) -> gender -> word; Arabic uses no separate article.
    "de": {
        ("def", "nom"): {"m": "der", "f": "die", "n": "das"},
        ("def", "dat"): {"m": "dem", "f": "der", "n": "dem"},
        ("indef", "acc"): {"m": "einen", "f": "eine", "n": "ein"},
    },
    "fr": {
        ("def", "nom"): {"m": "le", "f": "la"},
        ("def", "dat"): {"m": "le", "f": "la"},
        ("indef", "acc"): {"m": "un", "f": "une"},
    },
    "es": {
        ("def", "nom"): {"m": "el", "f": "la"},
        ("def", "dat"): {"m": "el", "f": "la"},
        ("indef", "acc"): {"m": "un", "f": "una"},
    },
}
ENGLISH_ARTICLE = {"def": "the", "indef": "a"}
WORDS = _table("""
in|in|à|en|في
near|nahe|près|cerca|قرب
and|und|et|y|و
because|weil|parce que|porque|لأن
is|ist|est|está|
was|war|était|era|كان
works at|arbeitet bei|travaille chez|trabaja en|يعمل في
with|mit|avec|con|مع
colleagues|Kollegen|collègues|colegas|زملاء
it|es|il||
""")
WORD = {entry["en"]: entry for entry in WORDS}

NER_LABELS: tuple[str, ...] = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")


@dataclass(frozen=True)
class Unit:
    """One translation unit: its words per language and its entity type (``None`` for O)."""

    words: dict[str, tuple[str, ...]]
    entity: str | None = None
    reversed_langs: frozenset[str] = frozenset()

    def aligned_words(self, lang: str) -> tuple[str, ...]:
        """The unit's words in ``lang``, in the order of the English words they translate."""
        words = self.words[lang]
        return words[::-1] if lang in self.reversed_langs else words


def _split(entry: dict[str, str], lang: str) -> tuple[str, ...]:
    """Words of a lexicon entry in ``lang`` (gender suffix removed)."""
    return tuple(entry[lang].lstrip("<").split(":")[0].split())


def _gender(entry: dict[str, str], lang: str) -> str:
    return entry[lang].split(":")[1]


def _lexical(entry: dict[str, str], entity: str | None = None) -> Unit:
    reversed_langs = frozenset(lang for lang in LANGUAGES if entry[lang].startswith("<"))
    return Unit({lang: _split(entry, lang) for lang in LANGUAGES}, entity, reversed_langs)


def _article(noun: dict[str, str], definiteness: str, case: str) -> Unit:
    words = {"en": (ENGLISH_ARTICLE[definiteness],), "ar": ()}
    for lang, table in ARTICLES.items():
        words[lang] = (table[(definiteness, case)][_gender(noun, lang)],)
    return Unit(words)


def _noun_phrase(
    prefix: str,
    noun: dict[str, str],
    adjective: dict[str, str] | None,
    definiteness: str,
    case: str,
) -> dict[str, Unit]:
    """Units ``<prefix>_det``, ``<prefix>_adj`` (when given) and ``<prefix>_noun``."""
    units = {f"{prefix}_det": _article(noun, definiteness, case), f"{prefix}_noun": _lexical(noun)}
    if adjective is not None:
        units[f"{prefix}_adj"] = _lexical(adjective)
    return units


def _np_order(prefix: str, lang: str, with_adjective: bool = True) -> list[str]:
    """Determiner, then adjective before the noun in en/de, after it in fr/es/ar."""
    if not with_adjective:
        return [f"{prefix}_det", f"{prefix}_noun"]
    if lang in ("en", "de"):
        return [f"{prefix}_det", f"{prefix}_adj", f"{prefix}_noun"]
    return [f"{prefix}_det", f"{prefix}_noun", f"{prefix}_adj"]


@dataclass(frozen=True)
class _Sentence:
    units: dict[str, Unit]
    orders: dict[str, list[str]]
    sentiment: int


def _sighting(rng: random.Random) -> _Sentence:
    """PER saw a COLOUR ANIMAL in PLACE and it was QUALITY."""
    animal, colour = rng.choice(ANIMALS), rng.choice(COLOURS)
    quality_index = rng.randrange(len(QUALITIES))
    units = {
        "per": _lexical(rng.choice(PEOPLE), "PER"),
        "verb": _lexical(rng.choice(SEEING_VERBS)),
        **_noun_phrase("obj", animal, colour, "indef", "acc"),
        "in": _lexical(WORD["in"]),
        "loc": _lexical(rng.choice(PLACES), "LOC"),
        "and": _lexical(WORD["and"]),
        "it": _lexical(WORD["it"]),
        "was": _lexical(WORD["was"]),
        "quality": _lexical(QUALITIES[quality_index]),
    }
    tail = ["in", "loc", "and", "it", "was", "quality"]
    orders = {lang: ["per", "verb", *_np_order("obj", lang), *tail] for lang in LANGUAGES}
    orders["ar"] = ["verb", "per", *_np_order("obj", "ar"), *tail]
    return _Sentence(units, orders, QUALITY_POLARITY[quality_index])


def _feeling(rng: random.Random) -> _Sentence:
    """PER is EMOTION because the ANIMAL is QUALITY (German: verb-final subordinate clause)."""
    emotion_index = rng.randrange(len(EMOTIONS))
    polarity = EMOTION_POLARITY[emotion_index]
    qualities = [i for i, p in enumerate(QUALITY_POLARITY) if p == polarity]
    animal = rng.choice(ANIMALS)
    units = {
        "per": _lexical(rng.choice(PEOPLE), "PER"),
        "is": _lexical(WORD["is"]),
        "emotion": _lexical(EMOTIONS[emotion_index]),
        "because": _lexical(WORD["because"]),
        **_noun_phrase("subj", animal, None, "def", "nom"),
        "is2": _lexical(WORD["is"]),
        "quality": _lexical(QUALITIES[rng.choice(qualities)]),
    }
    subject = _np_order("subj", "en", with_adjective=False)
    orders = {
        lang: ["per", "is", "emotion", "because", *subject, "is2", "quality"] for lang in LANGUAGES
    }
    orders["de"] = ["per", "is", "emotion", "because", *subject, "quality", "is2"]
    return _Sentence(units, orders, polarity)


def _work(rng: random.Random) -> _Sentence:
    """PER works at ORG in PLACE with NUMBER colleagues and is EMOTION."""
    emotion_index = rng.randrange(len(EMOTIONS))
    units = {
        "per": _lexical(rng.choice(PEOPLE), "PER"),
        "works": _lexical(WORD["works at"]),
        "org": _lexical(rng.choice(ORGANIZATIONS), "ORG"),
        "in": _lexical(WORD["in"]),
        "loc": _lexical(rng.choice(PLACES), "LOC"),
        "with": _lexical(WORD["with"]),
        "num": _lexical(rng.choice(NUMBERS)),
        "colleagues": _lexical(WORD["colleagues"]),
        "and": _lexical(WORD["and"]),
        "is": _lexical(WORD["is"]),
        "emotion": _lexical(EMOTIONS[emotion_index]),
    }
    order = [
        "per",
        "works",
        "org",
        "in",
        "loc",
        "with",
        "num",
        "colleagues",
        "and",
        "is",
        "emotion",
    ]
    return _Sentence(units, dict.fromkeys(LANGUAGES, order), EMOTION_POLARITY[emotion_index])


def _scene(rng: random.Random) -> _Sentence:
    """TIME the COLOUR ANIMAL VERB near the LANDMARK and PER was EMOTION (German: inversion)."""
    emotion_index = rng.randrange(len(EMOTIONS))
    units = {
        "time": _lexical(rng.choice(TIMES)),
        **_noun_phrase("subj", rng.choice(ANIMALS), rng.choice(COLOURS), "def", "nom"),
        "verb": _lexical(rng.choice(MOVING_VERBS)),
        "near": _lexical(WORD["near"]),
        **_noun_phrase("place", rng.choice(LANDMARKS), None, "def", "dat"),
        "and": _lexical(WORD["and"]),
        "per": _lexical(rng.choice(PEOPLE), "PER"),
        "was": _lexical(WORD["was"]),
        "emotion": _lexical(EMOTIONS[emotion_index]),
    }
    place = _np_order("place", "en", with_adjective=False)
    tail = ["near", *place, "and", "per", "was", "emotion"]
    orders = {lang: ["time", *_np_order("subj", lang), "verb", *tail] for lang in LANGUAGES}
    orders["de"] = ["time", "verb", *_np_order("subj", "de"), *tail]
    orders["ar"] = ["time", "verb", *_np_order("subj", "ar"), *tail]
    return _Sentence(units, orders, EMOTION_POLARITY[emotion_index])


TEMPLATES = (_sighting, _feeling, _work, _scene)


def _entity_tags(unit: Unit, lang: str) -> list[str]:
    n = len(unit.words[lang])
    if unit.entity is None:
        return ["O"] * n
    return [f"B-{unit.entity}"] + [f"I-{unit.entity}"] * (n - 1)


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
    _links: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict, repr=False)

    def lexicon(self, src: str, tgt: str) -> dict[str, set[str]]:
        """Ground-truth translations: source word -> the target words it was generated with.

        Words inside one translation unit of equal length in both languages translate position by
        position (``Paul Weber`` ↔ ``Paul Weber``); otherwise every word of the source unit maps
        to every word of the target unit (``parce que`` → ``because``). Units empty on one side
        (Arabic has no articles) give no entry.
        """
        for lang in (src, tgt):
            if lang not in self.languages:
                raise ValueError(f"language {lang!r} not in corpus languages {self.languages}")
        return {word: set(targets) for word, targets in self._links.get((src, tgt), {}).items()}

    def _add(self, sentence: _Sentence) -> None:
        for lang in self.languages:
            words: list[str] = []
            tags: list[str] = []
            for name in sentence.orders[lang]:
                unit = sentence.units[name]
                words.extend(unit.words[lang])
                tags.extend(_entity_tags(unit, lang))
            self.sentences[lang].append(" ".join(words))
            self.ner_tags[lang].append(tags)
        self.sentiment.append(sentence.sentiment)
        for unit in sentence.units.values():
            for src in self.languages:
                for tgt in self.languages:
                    if src != tgt:
                        _link_unit(self._links.setdefault((src, tgt), {}), unit, src, tgt)


def _link_unit(links: dict[str, set[str]], unit: Unit, src: str, tgt: str) -> None:
    src_words, tgt_words = unit.aligned_words(src), unit.aligned_words(tgt)
    if not tgt_words:
        return
    if len(src_words) == len(tgt_words):
        for s, t in zip(src_words, tgt_words, strict=True):
            links.setdefault(s, set()).add(t)
    else:
        for s in src_words:
            links.setdefault(s, set()).update(tgt_words)


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


def write_synthetic_dataset(
    out_dir: str | Path,
    *,
    n_train: int = 4000,
    n_val: int = 200,
    n_test: int = 200,
    n_probe: int = 1000,
    seed: int = 0,
    languages: Sequence[str] = LANGUAGES,
) -> Path:
    """Write the train/validation/test/probe splits and the lexicons into ``out_dir``, atomically.

    Each split is generated with its own seed derived from ``seed``, so splits differ while the
    whole dataset stays deterministic. The lexicon is the one of all splits together.

    Returns:
        ``out_dir`` as a :class:`~pathlib.Path`.
    """
    out_dir = Path(out_dir)
    sizes = {"train": n_train, "validation": n_val, "test": n_test, "probe": n_probe}
    combined = SyntheticCorpus(
        languages=tuple(languages),
        sentences={lang: [] for lang in languages},
        ner_tags={lang: [] for lang in languages},
    )
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for split in SPLITS:
            corpus = generate_corpus(
                sizes[split], seed=seed + SPLIT_SEED_OFFSETS[split], languages=languages
            )
            write_corpus(corpus, tmp, split)
            for pair, links in corpus._links.items():
                merged = combined._links.setdefault(pair, {})
                for word, targets in links.items():
                    merged.setdefault(word, set()).update(targets)
        write_lexicon(combined, tmp)
    return out_dir
