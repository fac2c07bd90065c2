"""A synthetic multilingual world: parallel en/de/fr/es/ar sentences with known translations.

Sentences are generated from the word lists of :mod:`xlprobe.data.synthetic_lexicon` (about 300
nouns in nine semantic classes, adjectives, verbs, numbers 1-99, names, places, times) and nine
templates: transitive clauses (present, progressive, past; negation), intransitive clauses with
singular or plural subjects, existentials (``there are seven red cats under the table``),
possession, questions, subordinate ``because`` clauses (German verb-final), numbers compared or
called even/odd, work and profession sentences. Each language renders a sentence with its own
grammar: German case, gender and adjective declension, verb-second inversion; French and
Spanish gender and number agreement, adjectives after the noun (French ``grand``, ``petit`` ...
before it), French passé composé with avoir/être and elision (``l' oiseau``, ``n' a pas``);
Arabic verb-subject order, the article ``ال`` on noun and adjective, verb and adjective
agreement (non-human plurals take the feminine singular), number-noun gender polarity for 3-10,
case forms of numbers and the accusative ``-ا`` where the script shows it.

Every word carries a *concept key* (``n:cat``, ``v:buy``, ``num:21``, ``per:Anna``; ``None`` for
words with no counterpart such as English ``does`` or German ``es gibt``); within one sentence,
words of two languages with the same key translate each other. That is the ground-truth
lexicon against which dictionaries are checked: inflected forms link to the forms they were
generated with (``Katzen`` - ``cats`` - ``chats`` - ``القطط``).

:func:`generate_paraphrases` renders sentences with a fronted time adverbial a second time with
the adverbial inside the clause (``yesterday Anna bought the apples`` / ``Anna bought the apples
yesterday``; German ``gestern kaufte Anna die Äpfel`` / ``Anna kaufte gestern die Äpfel``):
within-language paraphrase pairs, the same words in another order.

Each sentence carries BIO named-entity tags (PER, LOC, ORG) and a sentiment label (1 positive,
0 negative, from its emotion or evaluative adjective), identical in meaning across languages.
Everything is deterministic given the seed.
"""

from __future__ import annotations

import contextvars
import functools
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlprobe.data import synthetic_lexicon as lex
from xlprobe.data.synthetic_lexicon import LANGUAGES, Adjective, Noun, Verb
from xlprobe.io import atomic_path

__all__ = [
    "LANGUAGES",
    "NER_LABELS",
    "SPLITS",
    "TEMPLATES",
    "WORLD_VERSION",
    "SyntheticCorpus",
    "generate_corpus",
    "generate_paraphrases",
    "is_current_dataset",
    "write_corpus",
    "write_lexicon",
    "write_synthetic_dataset",
]

# Bumped whenever the generated sentences change, so cached corpora and models are rebuilt.
WORLD_VERSION = 2
SPLITS: tuple[str, ...] = ("train", "validation", "test", "probe")
SPLIT_SEED_OFFSETS = {"train": 0, "validation": 1_000_003, "test": 2_000_003, "probe": 3_000_017}
# True while generate_paraphrases renders a sentence's time adverbial inside its clause
_TIME_INSIDE = contextvars.ContextVar("synthetic_time_inside", default=False)
NER_LABELS: tuple[str, ...] = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")


@dataclass(frozen=True)
class Token:
    """One rendered word, its concept key (``None``: no counterpart) and its BIO tag."""

    word: str
    key: str | None = None
    tag: str = "O"


Tokens = list[Token]


def _words(text: str, key: str | None) -> Tokens:
    """Every space-separated word of ``text`` with the same key."""
    return [Token(w, key) for w in text.split()]


@dataclass(frozen=True)
class _Sentence:
    tokens: dict[str, Tokens]
    sentiment: int


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


def _wordlist(text: str) -> tuple[str, ...]:
    """Space-separated words of a table (index = the number: ``_EN_ONES[7] == "seven"``)."""
    return tuple(text.split())


_EN_ONES = _wordlist(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_EN_TENS = _wordlist("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
_DE_ONES = _wordlist(
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
    "fünfzehn sechzehn siebzehn achtzehn neunzehn"
)
_DE_TENS = _wordlist("_ _ zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig")
_FR_ONES = _wordlist(
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dix-sept dix-huit dix-neuf"
)
_FR_TENS = _wordlist(
    "_ _ vingt trente quarante cinquante soixante soixante quatre-vingt quatre-vingt"
)
_ES_ONES = _wordlist(
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
    "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
)
_ES_TENS = _wordlist("_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa")
# Arabic counting forms of 1-10 (with a masculine noun: 3-10 take ة), tens in -ون (nominative).
_AR_ONES = _wordlist("_ واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة")
_AR_TENS = _wordlist("_ _ عشرون ثلاثون أربعون خمسون ستون سبعون ثمانون تسعون")
# Gender polarity: 3-10 counting a feminine noun drop the ة.
_AR_WITH_FEMININE = _wordlist("_ _ _ ثلاث أربع خمس ست سبع ثماني تسع عشر")


def _number_en(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")


def _number_de(n: int) -> str:
    if n < 20:
        return _DE_ONES[n]
    tens, ones = divmod(n, 10)
    unit = "ein" if ones == 1 else _DE_ONES[ones]
    return (f"{unit}und" if ones else "") + _DE_TENS[tens]


def _number_fr(n: int) -> str:
    """French numbers in the 1990 spelling (hyphens throughout): vingt-et-un, quatre-vingts."""
    if n < 20:
        return _FR_ONES[n]
    tens, ones = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-onze
        ones += 10
    head = _FR_TENS[tens]
    if ones == 0:
        return "quatre-vingts" if tens == 8 else head
    if ones in (1, 11) and tens != 8 and tens != 9:
        return f"{head}-et-{_FR_ONES[ones]}"
    return f"{head}-{_FR_ONES[ones]}"


def _number_es(n: int) -> str:
    if n < 30:
        return _ES_ONES[n]
    tens, ones = divmod(n, 10)
    return _ES_TENS[tens] + (f" y {_ES_ONES[ones]}" if ones else "")


def _number_ar(n: int, case: str = "nom") -> str:
    """Arabic cardinal ``n`` (1-99) as a counting word in ``case`` (``nom``, ``acc``, ``gen``).

    Visible case marks: اثنان/اثنين, اثنا عشر/اثني عشر, the tens -ون/-ين, accusative واحدا.
    Multi-word numbers are joined by ``_`` (أحد_عشر, ثلاثة_وعشرون).
    """
    oblique = case != "nom"

    def unit(k: int) -> str:
        if k == 1:
            return "واحدا" if case == "acc" else "واحد"
        if k == 2:
            return "اثنين" if oblique else "اثنان"
        return _AR_ONES[k]

    if n <= 10:
        return unit(n)
    if n < 20:
        first = {11: "أحد", 12: "اثني" if oblique else "اثنا"}.get(n, _AR_ONES[n - 10])
        return f"{first}_عشر"
    tens, ones = divmod(n, 10)
    ten = _AR_TENS[tens][:-2] + ("ين" if oblique else "ون")
    return f"{unit(ones)}_و{ten}" if ones else ten


def _number(n: int, *, ar_case: str = "nom") -> dict[str, Tokens]:
    """The number ``n`` in every language, each word keyed ``num:<n>`` (Spanish ``y`` unkeyed)."""
    key = f"num:{n}"
    es = [Token(w, None if w == "y" else key) for w in _number_es(n).split()]
    return {
        "en": [Token(_number_en(n), key)],
        "de": [Token(_number_de(n), key)],
        "fr": [Token(_number_fr(n), key)],
        "es": es,
        "ar": [Token(_number_ar(n, ar_case), key)],
    }


_EN_ORDINAL = {
    1: "first",
    2: "second",
    3: "third",
    5: "fifth",
    8: "eighth",
    9: "ninth",
    12: "twelfth",
}
_DE_ORDINAL = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}
_ES_ORDINAL = _wordlist("_ primer segundo tercer cuarto quinto sexto séptimo octavo noveno décimo")
_AR_ORDINAL = _wordlist("_ الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر")


def _ordinal_en(n: int) -> str:
    tens, ones = divmod(n, 10)
    if n >= 20 and ones:
        return f"{_EN_TENS[tens]}-{_ordinal_en(ones)}"
    if n in _EN_ORDINAL:
        return _EN_ORDINAL[n]
    word = _number_en(n)
    return word[:-1] + "ieth" if word.endswith("y") else word + "th"


def _ordinal_de(n: int) -> str:
    """German ordinal stem (erst, zweit, einundzwanzigst): the caller adds the ending."""
    if n in _DE_ORDINAL:
        return _DE_ORDINAL[n]
    return _number_de(n) + ("t" if n < 20 else "st")


def _ordinal_fr(n: int) -> str:
    """French ordinal, feminine (première; vingt-et-unième, quatre-vingtième, cinquième)."""
    if n == 1:
        return "première"
    word = _number_fr(n).removesuffix("s")
    if word.endswith("cinq"):
        word += "u"
    elif word.endswith("neuf"):
        word = word[:-1] + "v"
    elif word.endswith("e"):
        word = word[:-1]
    return word + "ième"


def _ordinal_ar(n: int) -> str:
    """Arabic masculine ordinal in the genitive (الحادي_عشر, الثاني_والعشرين, العشرين)."""
    tens, ones = divmod(n, 10)
    if n <= 10:
        return _AR_ORDINAL[n]
    unit = "الحادي" if ones == 1 else _AR_ORDINAL[ones]
    if n < 20:
        return f"{unit}_عشر"
    ten = "ال" + _AR_TENS[tens][:-2] + "ين"
    return f"{unit}_و{ten}" if ones else ten


# ---------------------------------------------------------------------------------------------
# Morphology helpers
# ---------------------------------------------------------------------------------------------

_DE_DEF = {
    "nom": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "acc": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "dat": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
}
_DE_INDEF = {
    "nom": {"m": "ein", "f": "eine", "n": "ein"},
    "acc": {"m": "einen", "f": "eine", "n": "ein"},
    "dat": {"m": "einem", "f": "einer", "n": "einem"},
}


def _de_ending(det: str, case: str, gender: str, plural: bool) -> str:
    """German adjective ending after the definite article, ``ein`` or no article (numbers)."""
    if plural:
        return "e" if det == "count" and case != "dat" else "en"
    if case == "dat":
        return "en"
    if det == "def":
        return "en" if case == "acc" and gender == "m" else "e"
    return {"m": "er" if case == "nom" else "en", "f": "e", "n": "es"}[gender]


def _de_noun(noun: Noun, case: str, plural: bool) -> str:
    if plural:
        form = noun.pl["de"]
        return form + "n" if case == "dat" and not form.endswith(("n", "s")) else form
    if noun.weak and case != "nom":
        return noun.pl["de"]
    return noun.sg["de"]


def _agree(forms: tuple[str, str, str, str], gender: str, plural: bool) -> str:
    """French/Spanish form: masculine/feminine singular/plural."""
    return forms[(gender == "f") + 2 * plural]


def _ar_gender(noun: Noun, plural: bool) -> str:
    """Agreement gender in Arabic: non-human plurals agree as feminine singular."""
    return "f" if plural and "k" not in noun.classes else noun.gender["ar"]


def _ar_accusative(word: str, diptote: bool = False) -> str:
    """Indefinite accusative of a masculine word: سعيد -> سعيدا (no ا after ة, ى, اء, diptotes)."""
    if diptote or word.endswith(("ة", "ى", "اء", "ا")):
        return word
    if word.endswith("يء"):
        return word[:-1] + "ئا"
    return word + "ا"


def _ar_adjective(adj: Adjective, gender: str, *, definite: bool = False, acc: bool = False) -> str:
    word = adj.ar[gender == "f"]
    if definite:
        return "ال" + word
    return _ar_accusative(word, adj.ar_diptote) if acc and gender == "m" else word


# ---------------------------------------------------------------------------------------------
# Phrases
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NounPhrase:
    """A noun phrase: ``det`` is ``def``, ``indef`` (singular) or ``count`` (3-10, plural)."""

    noun: Noun
    det: str
    plural: bool
    adjective: Adjective | None = None
    count: int = 0


def _np(np: _NounPhrase, *, de_case: str = "nom") -> dict[str, Tokens]:
    noun, adj, plural = np.noun, np.adjective, np.plural
    nkey, akey = f"n:{noun.key}", adj and f"a:{adj.key}"
    num = _number(np.count) if np.det == "count" else None
    out: dict[str, Tokens] = {}

    # English: the/a/three + adjective + noun
    en = num["en"] if num else [Token("the", "d:the") if np.det == "def" else Token("a", "d:a")]
    out["en"] = (
        en
        + ([Token(adj.en, akey)] if adj else [])
        + [Token(noun.pl["en"] if plural else noun.sg["en"], nkey)]
    )

    # German: article by case/gender/number, declined adjective, noun (dative plural -n)
    g = noun.gender["de"]
    if num:
        de = num["de"]
    elif np.det == "def":
        de = [Token(_DE_DEF[de_case]["pl" if plural else g], "d:the")]
    else:
        de = [Token(_DE_INDEF[de_case][g], "d:a")]
    if adj:
        de.append(Token(adj.de_stem + _de_ending(np.det, de_case, g, plural), akey))
    out["de"] = [*de, Token(_de_noun(noun, de_case, plural), nkey)]

    # French and Spanish: article, noun, agreeing adjective (French grand/petit/... before)
    for lang, articles in (
        (
            "fr",
            {("def", "m"): "le", ("def", "f"): "la", ("indef", "m"): "un", ("indef", "f"): "une"},
        ),
        (
            "es",
            {("def", "m"): "el", ("def", "f"): "la", ("indef", "m"): "un", ("indef", "f"): "una"},
        ),
    ):
        g = noun.gender[lang]
        if num:
            det = num[lang]
        elif np.det == "def" and plural:
            det = [Token("les" if lang == "fr" else ("los" if g == "m" else "las"), "d:the")]
        else:
            det = [Token(articles[(np.det, g)], "d:the" if np.det == "def" else "d:a")]
        head = [Token(noun.pl[lang] if plural else noun.sg[lang], nkey)]
        if adj:
            a = Token(_agree(getattr(adj, lang), g, plural), akey)
            head = [a, *head] if lang == "fr" and adj.fr_before else [*head, a]
        out[lang] = det + head

    # Arabic: (number) noun adjective; the article ال on both when definite
    g = _ar_gender(noun, plural)
    word = noun.pl["ar"] if plural else noun.sg["ar"]
    definite = np.det == "def"
    ar = [Token(("ال" if definite else "") + word, nkey)]
    if num:
        count_word = _AR_WITH_FEMININE[np.count] if noun.gender["ar"] == "f" else _AR_ONES[np.count]
        ar = [Token(count_word, f"num:{np.count}"), *ar]
    if adj:
        ar.append(Token(_ar_adjective(adj, g, definite=definite), akey))
    out["ar"] = ar
    return out


@dataclass(frozen=True)
class _Person:
    first: list[str]
    gender: str
    surname: list[str] | None


def _person_tokens(person: _Person, lang: str) -> Tokens:
    first_en, first_ar = person.first[0], person.first[1]
    words = [(first_ar if lang == "ar" else first_en, f"per:{first_en}")]
    if person.surname:
        sur_en, sur_ar = person.surname
        words.append((sur_ar if lang == "ar" else sur_en, f"per:{sur_en}"))
    return [Token(w, k, ("B-PER" if i == 0 else "I-PER")) for i, (w, k) in enumerate(words)]


def _pick_person(rng: random.Random) -> _Person:
    first = rng.choice(lex.FIRST_NAMES)
    surname = rng.choice(lex.SURNAMES) if rng.random() < 0.4 else None
    return _Person(first, first[2], surname)


def _place(rng: random.Random) -> dict[str, Tokens]:
    """``in <city or country>`` in every language (French: à + city, en + country)."""
    is_country = rng.random() < 0.4
    entry = rng.choice(lex.COUNTRIES if is_country else lex.CITIES)
    out = {}
    for i, lang in enumerate(LANGUAGES):
        prep = {"en": "in", "de": "in", "fr": "en" if is_country else "à", "es": "en", "ar": "في"}
        out[lang] = [Token(prep[lang], "p:in"), Token(entry[i], f"loc:{entry[0]}", "B-LOC")]
    return out


def _pronoun(person: _Person) -> dict[str, str]:
    f = person.gender == "f"
    return {
        "en": "she" if f else "he",
        "de": "sie" if f else "er",
        "fr": "elle" if f else "il",
        "es": "ella" if f else "él",
        "ar": "هي" if f else "هو",
    }


_COPULA = {
    "en": ("is", "are", "was", "were"),
    "de": ("ist", "sind", "war", "waren"),
    "fr": ("est", "sont", "était", "étaient"),
    "es": ("es", "son", "era", "eran"),
    "es_estar": ("está", "están", "estaba", "estaban"),
}


def _copula(lang: str, plural: bool, past: bool, estar: bool = False) -> Token:
    table = _COPULA["es_estar" if lang == "es" and estar else lang]
    return Token(table[plural + 2 * past], "v:be")


def _ar_kana(gender: str) -> Token:
    return Token("كانت" if gender == "f" else "كان", "v:be")


def _emotion_predicate(emotion: Adjective, gender: str, lang: str, *, ar_acc: bool) -> Token:
    key = f"a:{emotion.key}"
    if lang == "en":
        return Token(emotion.en, key)
    if lang == "de":
        return Token(emotion.de, key)
    if lang == "ar":
        return Token(_ar_adjective(emotion, gender, acc=ar_acc), key)
    return Token(_agree(getattr(emotion, lang), gender, False), key)


def _and(lang: str) -> Token:
    """``and``; the Arabic و is a prefix, joined to the next word by :func:`_finish`."""
    return Token({"en": "and", "de": "und", "fr": "et", "es": "y", "ar": "و"}[lang], "c:and")


def _feels(person: _Person, emotion: Adjective, past: bool, *, name: bool) -> dict[str, Tokens]:
    """``<name|pronoun> is/was <emotion>`` (Arabic: nominal sentence, or كان + accusative)."""
    pronoun = _pronoun(person)
    out = {}
    for lang in LANGUAGES:
        subject = _person_tokens(person, lang) if name else [Token(pronoun[lang], "pron")]
        pred = _emotion_predicate(emotion, person.gender, lang, ar_acc=past)
        if lang == "ar":
            if past:
                subject = subject if name else []
                out[lang] = [_ar_kana(person.gender), *subject, pred]
            else:
                out[lang] = [*subject, pred]
        else:
            out[lang] = [*subject, _copula(lang, False, past, estar=True), pred]
    return out


def _is_quality(
    np: dict[str, Tokens],
    noun: Noun,
    plural: bool,
    quality: Adjective,
    past: bool,
    *,
    subordinate: bool,
) -> dict[str, Tokens]:
    """``<np> is/was <quality>`` with agreement.

    In a subordinate clause the German verb goes last and Arabic puts كان after the subject
    (لأن القطة كانت جميلة); in a main clause (a question) كان comes first.
    """
    key = f"a:{quality.key}"
    out = {}
    for lang in LANGUAGES:
        if lang == "ar":
            g = _ar_gender(noun, plural)
            pred = Token(_ar_adjective(quality, g, acc=past), key)
            if not past:
                out[lang] = [*np[lang], pred]
            elif subordinate:
                out[lang] = [*np[lang], _ar_kana(g), pred]
            else:
                out[lang] = [_ar_kana(g), *np[lang], pred]
            continue
        if lang in ("en", "de"):
            pred = Token(getattr(quality, lang), key)
        else:
            pred = Token(_agree(getattr(quality, lang), noun.gender[lang], plural), key)
        cop = _copula(lang, plural, past, estar=quality.es_estar)
        out[lang] = (
            [*np[lang], pred, cop] if lang == "de" and subordinate else [*np[lang], cop, pred]
        )
    return out


def _because(lang: str) -> Tokens:
    return _words(
        {"en": "because", "de": "weil", "fr": "parce que", "es": "porque", "ar": "لأن"}[lang],
        "c:because",
    )


def _join(*parts: dict[str, Tokens] | Callable[[str], Tokens | Token]) -> dict[str, Tokens]:
    """Concatenate per-language token lists (callables are called with the language)."""
    out: dict[str, Tokens] = {lang: [] for lang in LANGUAGES}
    for part in parts:
        for lang in LANGUAGES:
            value = part(lang) if callable(part) else part[lang]
            out[lang].extend([value] if isinstance(value, Token) else value)
    return out


@functools.cache
def _attributes_for(classes: str) -> tuple[Adjective, ...]:
    return tuple(a for a in lex.ATTRIBUTES if set(a.classes) & set(classes))


def _choose_adjective(rng: random.Random, noun: Noun, p: float = 0.5) -> Adjective | None:
    if rng.random() >= p:
        return None
    fitting = _attributes_for(noun.classes)
    return rng.choice(fitting) if fitting else None


@functools.cache
def _nouns_of(classes: str) -> tuple[Noun, ...]:
    """Nouns in any of the classes (letters, see :mod:`~xlprobe.data.synthetic_lexicon`)."""
    return tuple(n for n in lex.NOUNS if set(n.classes) & set(classes))


def _random_np(
    rng: random.Random, noun: Noun, dets: Sequence[str], adj_p: float = 0.5
) -> _NounPhrase:
    det = rng.choice(dets)
    plural = det == "count" or (det == "def" and rng.random() < 0.4)
    return _NounPhrase(noun, det, plural, _choose_adjective(rng, noun, adj_p), rng.randint(3, 10))


def _polar(rng: random.Random, words: list[Adjective], polarity: int | None = None) -> Adjective:
    return rng.choice([w for w in words if polarity is None or w.polarity == polarity])


# ---------------------------------------------------------------------------------------------
# Time adverbials
# ---------------------------------------------------------------------------------------------


def _time(rng: random.Random, past: bool) -> tuple[dict[str, Tokens], bool]:
    """A time adverbial fitting the tense; returns it and whether it is habitual."""
    if past and rng.random() < 0.4:
        if rng.random() < 0.5:
            day = rng.choice(lex.DAYS)
            key = f"t:{day[0]}"
            return {
                "en": [Token("on", "p:on"), Token(day[0], key)],
                "de": [Token("am", "p:on"), Token(day[1], key)],
                "fr": [Token(day[2], key)],
                "es": [Token("el"), Token(day[3], key)],
                "ar": [Token("يوم"), Token(day[4], key)],
            }, False
        month = rng.choice(lex.MONTHS)
        key = f"t:{month[0]}"
        preps = {"en": "in", "de": "im", "fr": "en", "es": "en", "ar": "في"}
        return {
            lang: [Token(preps[lang], "p:in"), Token(month[i], key)]
            for i, lang in enumerate(LANGUAGES)
        }, False
    kinds = ("past",) if past else ("present", "habit")
    entry = rng.choice([t for t in lex.TIMES if t[5] in kinds])
    words = [entry[i].split() for i in range(len(LANGUAGES))]
    if len({len(w) for w in words}) == 1:  # every day / jeden Tag / chaque jour: word by word
        keys = [f"t:{entry[0]}:{j}" for j in range(len(words[0]))]
        return {
            lang: [Token(w, k) for w, k in zip(words[i], keys, strict=True)]
            for i, lang in enumerate(LANGUAGES)
        }, entry[5] == "habit"
    key = f"t:{entry[0]}"
    return {lang: _words(entry[i], key) for i, lang in enumerate(LANGUAGES)}, entry[5] == "habit"


# ---------------------------------------------------------------------------------------------
# Verb groups
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clause:
    """A clause's parts per language before ordering: see :func:`_clause`."""

    verb: Verb
    past: bool
    habit: bool
    negated: bool
    plural: bool
    subject_gender: dict[str, str]  # fr/ar agreement gender of the subject


def _verb_group(c: _Clause, lang: str) -> tuple[Tokens, Tokens, Tokens]:
    """(pre-subject, after-subject, after-object) words of the verb group in ``lang``.

    German: the finite verb is second (after a fronted time adverbial it precedes the subject),
    ``nicht`` after the object. Arabic: the verb precedes the subject. The caller orders them.
    """
    v, key, neg = c.verb, f"v:{c.verb.key}", c.negated
    if lang == "en":
        base, third, past, ing = v.en
        if c.past:
            return (
                [],
                (
                    [Token("did"), Token("not", "neg"), Token(base, key)]
                    if neg
                    else [Token(past, key)]
                ),
                [],
            )
        if c.habit:
            if neg:
                return (
                    [],
                    [Token("do" if c.plural else "does"), Token("not", "neg"), Token(base, key)],
                    [],
                )
            return [], [Token(base if c.plural else third, key)], []
        aux = Token("are" if c.plural else "is")
        return [], [aux, *([Token("not", "neg")] if neg else []), Token(ing, key)], []
    if lang == "de":
        form = v.de[c.plural + 2 * c.past]
        return [], [Token(form, key)], [Token("nicht", "neg")] if neg else []
    if lang == "fr":
        third, third_pl, participle, aux = v.fr
        ne = [Token("ne", "neg")] if neg else []
        pas = [Token("pas", "neg")] if neg else []
        if not c.past:
            return [], [*ne, Token(third_pl if c.plural else third, key), *pas], []
        if aux == "e":
            aux_word = "sont" if c.plural else "est"
            participle += ("e" if c.subject_gender["fr"] == "f" else "") + ("s" if c.plural else "")
        else:
            aux_word = "ont" if c.plural else "a"
        return [], [*ne, Token(aux_word), *pas, Token(participle, key)], []
    if lang == "es":
        form = v.es[c.plural + 2 * c.past]
        return [], [*([Token("no", "neg")] if neg else []), Token(form, key)], []
    # Arabic: (negation) verb, agreeing in gender (non-human plurals: feminine singular)
    past_m, present_m = v.ar
    f = c.subject_gender["ar"] == "f"
    if c.past:
        form = lex.arabic_feminine_past(past_m) if f else past_m
    else:
        form = lex.arabic_feminine_present(present_m) if f else present_m
    negation = [Token("ما" if c.past else "لا", "neg")] if neg else []
    return [*negation, Token(form, key)], [], []


def _clause(
    c: _Clause,
    subject: dict[str, Tokens],
    obj: dict[str, Tokens] | None,
    time: dict[str, Tokens] | None,
    tail: dict[str, Tokens],
) -> dict[str, Tokens]:
    """Order time, subject, verb group, object and tail (adverbs, places) per language.

    The time adverbial comes first; for a paraphrase (:func:`generate_paraphrases`) it comes
    after the finite verb in German and at the end of the clause elsewhere."""
    obj = obj or {lang: [] for lang in LANGUAGES}
    inside = _TIME_INSIDE.get()
    out = {}
    for lang in LANGUAGES:
        pre, mid, post = _verb_group(c, lang)
        t = time[lang] if time else []
        front, end = ([], t) if inside else (t, [])
        if lang == "ar":
            words = [*front, *pre, *subject[lang], *obj[lang]]
        elif lang == "de" and inside:
            words, end = [*subject[lang], *mid, *t, *obj[lang], *post], []
        elif lang == "de" and time:
            words = [*t, *mid, *subject[lang], *obj[lang], *post]
        else:
            words = [*front, *subject[lang], *mid, *obj[lang], *post]
        out[lang] = words + tail[lang] + end
    return out


def _empty() -> dict[str, Tokens]:
    return {lang: [] for lang in LANGUAGES}


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def _object_np(rng: random.Random, noun: Noun, negated: bool) -> _NounPhrase:
    # animals are objects only when counted (Spanish would need the personal "a" otherwise)
    dets = ("count",) if "a" in noun.classes else (("def",) if negated else ("def", "def", "count"))
    return _random_np(rng, noun, dets, adj_p=0.6)


def _transitive(rng: random.Random) -> _Sentence:
    """[time] PER [and PER] (does not) VERB the/three (ADJ) OBJECT [and OBJECT] [manner]
    [in PLACE], and PRON is EMOTION | because the OBJECT is QUALITY."""
    people = [_pick_person(rng)]
    if rng.random() < 0.3:
        people.append(_pick_person(rng))
    verb = rng.choice(lex.TRANSITIVE)
    past, negated = rng.random() < 0.5, rng.random() < 0.3
    noun = rng.choice(_nouns_of(verb.classes))
    np = _object_np(rng, noun, negated)
    obj = _np(np, de_case="acc")
    if rng.random() < 0.3:  # the apples and the pears
        other = _np(_object_np(rng, rng.choice(_nouns_of(verb.classes)), negated), de_case="acc")
        obj = _join(obj, _and, other)
    time, habit = _time(rng, past) if rng.random() < 0.5 else (None, False)
    # the Arabic verb before a coordinated subject agrees with the first person, in the singular
    gender = {"fr": people[0].gender, "ar": people[0].gender}
    clause = _Clause(verb, past, habit, negated, len(people) > 1, gender)
    tail = _empty()
    if not negated and rng.random() < 0.3:
        manner = rng.choice(lex.MANNERS)
        tail = _join(
            tail, {lang: _words(manner[i], f"adv:{manner[0]}") for i, lang in enumerate(LANGUAGES)}
        )
    if not negated and rng.random() < 0.3:
        tail = _join(tail, _place(rng))
    elif not negated and rng.random() < 0.3:
        tail = _join(tail, _location_pp(rng))
    subject = {lang: _person_tokens(people[0], lang) for lang in LANGUAGES}
    if len(people) > 1:
        subject = _join(
            subject, _and, {lang: _person_tokens(people[1], lang) for lang in LANGUAGES}
        )
    main = _clause(clause, subject, obj, time, tail)
    if len(people) == 1 and rng.random() < 0.5:
        emotion = _polar(rng, lex.EMOTIONS)
        rest = _join(_and, _feels(people[0], emotion, past, name=False))
        return _Sentence(_join(main, rest), emotion.polarity)
    quality = _polar(rng, lex.QUALITIES)
    again = _np(_NounPhrase(noun, "def", np.plural))
    rest = _join(_because, _is_quality(again, noun, np.plural, quality, past, subordinate=True))
    return _Sentence(_join(main, rest), quality.polarity)


def _location_pp(rng: random.Random) -> dict[str, Tokens]:
    """``under the table`` (things, vehicles) or ``behind the school`` (places, nature...)."""
    under = rng.random() < 0.5
    noun = rng.choice(_nouns_of("tv" if under else "pvnt"))
    np = _np(_NounPhrase(noun, "def", rng.random() < 0.3), de_case="dat")
    preps = (
        ("under", "unter", "sous", "bajo", "تحت")
        if under
        else ("behind", "hinter", "derrière", "tras", "خلف")
    )
    key = f"p:{preps[0]}"
    return {lang: [Token(preps[i], key), *np[lang]] for i, lang in enumerate(LANGUAGES)}


def _intransitive(rng: random.Random) -> _Sentence:
    """[time] the (ADJ) ANIMAL(S) VERB [under/behind the X] and PER was EMOTION."""
    noun, verb = rng.choice(_nouns_of("a")), rng.choice(lex.INTRANSITIVE)
    np = _random_np(rng, noun, ("def",))
    past = rng.random() < 0.5
    time, habit = _time(rng, past) if rng.random() < 0.5 else (None, False)
    gender = {"fr": noun.gender["fr"], "ar": _ar_gender(noun, np.plural)}
    clause = _Clause(verb, past, habit, False, np.plural, gender)
    tail = _location_pp(rng) if rng.random() < 0.85 else _empty()
    main = _clause(clause, _np(np), None, time, tail)
    emotion = _polar(rng, lex.EMOTIONS)
    rest = _join(_and, _feels(_pick_person(rng), emotion, past, name=True))
    return _Sentence(_join(main, rest), emotion.polarity)


def _existential(rng: random.Random) -> _Sentence:
    """There is a/are three (ADJ) NOUN(S) under/behind the X, and PER is EMOTION."""
    noun = rng.choice(_nouns_of("aftcv"))
    np = _random_np(rng, noun, ("indef", "count"))
    past = rng.random() < 0.5
    there = {
        "en": [
            "there",
            ("were" if np.plural else "was") if past else ("are" if np.plural else "is"),
        ],
        "de": ["es", "gab" if past else "gibt"],
        "fr": ["il", "y", "avait" if past else "a"],
        "es": ["había" if past else "hay"],
        "ar": ["كان", "هناك"] if past else ["هناك"],
    }
    main = _join(
        {lang: [Token(w) for w in there[lang]] for lang in LANGUAGES},
        _np(np, de_case="acc"),
        _location_pp(rng),
    )
    emotion = _polar(rng, lex.EMOTIONS)
    rest = _join(_and, _feels(_pick_person(rng), emotion, past, name=True))
    return _Sentence(_join(main, rest), emotion.polarity)


def _possession(rng: random.Random) -> _Sentence:
    """PER has a/three (ADJ) THING(S) | brothers, or the ANIMAL has a long tail; and ... EMOTION."""
    past = rng.random() < 0.5
    emotion = _polar(rng, lex.EMOTIONS)
    owner_is_animal = rng.random() < 0.3
    if owner_is_animal:
        animal = rng.choice(_nouns_of("a"))
        owner = _np(_NounPhrase(animal, "def", False))
        noun = rng.choice(_nouns_of("b"))
        np = _random_np(rng, noun, ("indef", "count"), adj_p=0.7)
        rest = _join(_and, _feels(_pick_person(rng), emotion, past, name=True))
    else:
        person = _pick_person(rng)
        owner = {lang: _person_tokens(person, lang) for lang in LANGUAGES}
        noun = rng.choice(_nouns_of("aftcvk"))
        np = _random_np(rng, noun, ("indef", "count"), adj_p=0 if "k" in noun.classes else 0.5)
        rest = _join(_and, _feels(person, emotion, past, name=False))
    have = {
        "en": "had" if past else "has",
        "de": "hatte" if past else "hat",
        "fr": "avait" if past else "a",
        "es": "tenía" if past else "tiene",
    }
    possessed = _np(np, de_case="acc")
    main = {lang: [*owner[lang], Token(have[lang], "v:have"), *possessed[lang]] for lang in have}
    main["ar"] = [
        *([Token("كان")] if past else []),
        Token("لدى", "v:have"),
        *owner["ar"],
        *possessed["ar"],
    ]
    return _Sentence(_join(main, rest), emotion.polarity)


def _numbers(rng: random.Random) -> _Sentence:
    """PER is EMOTION because N is an even/odd number | because N is greater/smaller than M."""
    person, emotion, past = _pick_person(rng), _polar(rng, lex.EMOTIONS), rng.random() < 0.5
    n = rng.randint(1, 99)
    first = _number(n, ar_case="acc")  # the subject of لأن is accusative
    if rng.random() < 0.5:
        even = n % 2 == 0
        akey = "a:even" if even else "a:odd"
        words = {
            "en": [
                Token("is", "v:be"),
                Token("a", "d:a"),
                Token("even" if even else "odd", akey),
                Token("number", "n:number"),
            ],
            "de": [
                Token("eine", "d:a"),
                Token("gerade" if even else "ungerade", akey),
                Token("Zahl", "n:number"),
                Token("ist", "v:be"),
            ],
            "fr": [
                Token("est", "v:be"),
                Token("un", "d:a"),
                Token("nombre", "n:number"),
                Token("pair" if even else "impair", akey),
            ],
            "es": [
                Token("es", "v:be"),
                Token("un", "d:a"),
                Token("número", "n:number"),
                Token("par" if even else "impar", akey),
            ],
            "ar": [Token("عدد", "n:number"), Token("زوجي" if even else "فردي", akey)],
        }
        rest = {lang: [*first[lang], *words[lang]] for lang in LANGUAGES}
    else:
        m = rng.choice([k for k in range(1, 100) if k != n])
        second = _number(m, ar_case="gen")
        greater = n > m
        ckey = "a:greater" if greater else "a:smaller"
        comp = {
            "en": [
                Token("is", "v:be"),
                Token("greater" if greater else "smaller", ckey),
                Token("than", "p:than"),
            ],
            "de": [Token("größer" if greater else "kleiner", ckey), Token("als", "p:than")],
            "fr": [
                Token("est", "v:be"),
                Token("supérieur" if greater else "inférieur", ckey),
                Token("à"),
            ],
            "es": [
                Token("es", "v:be"),
                Token("mayor" if greater else "menor", ckey),
                Token("que", "p:than"),
            ],
            "ar": [Token("أكبر" if greater else "أصغر", ckey), Token("من", "p:than")],
        }
        rest = {lang: [*first[lang], *comp[lang], *second[lang]] for lang in LANGUAGES}
        rest["de"].append(Token("ist", "v:be"))
    main = _feels(person, emotion, past, name=True)
    return _Sentence(_join(main, _because, rest), emotion.polarity)


def _work(rng: random.Random) -> _Sentence:
    """PER works/worked at ORG in PLACE with N colleagues and PRON is/was EMOTION."""
    person, emotion, past = _pick_person(rng), _polar(rng, lex.EMOTIONS), rng.random() < 0.5
    org = rng.choice(lex.ORGANIZATIONS)
    en_words, ar_words = org[0].split(), org[1].split()
    keys = [f"org:{w}" for w in en_words]
    ar_keys = keys[::-1] if org[2] == "r" else keys
    n = rng.randint(3, 10)
    works = {
        "en": [Token("worked" if past else "works", "v:work"), Token("at", "p:at")],
        "de": [Token("arbeitete" if past else "arbeitet", "v:work"), Token("bei", "p:at")],
        "fr": [Token("a"), Token("travaillé", "v:work")]
        if past
        else [Token("travaille", "v:work")],
        "es": [Token("trabajó" if past else "trabaja", "v:work"), Token("en", "p:at")],
    }
    works["fr"].append(Token("chez", "p:at"))
    with_word = {"en": "with", "de": "mit", "fr": "avec", "es": "con", "ar": "مع"}
    colleagues = {
        "en": "colleagues",
        "de": "Kollegen",
        "fr": "collègues",
        "es": "colegas",
        "ar": "زملاء",
    }
    count = _number(n)
    count["ar"] = [Token(_AR_ONES[n], f"num:{n}")]  # زميل is masculine: ثلاثة زملاء
    out = {}
    place = _place(rng)
    for lang in LANGUAGES:
        org_tokens = [
            Token(w, k, "B-ORG" if i == 0 else "I-ORG")
            for i, (w, k) in enumerate(
                zip(
                    ar_words if lang == "ar" else en_words,
                    ar_keys if lang == "ar" else keys,
                    strict=True,
                )
            )
        ]
        person_tokens = _person_tokens(person, lang)
        tail = [
            *place[lang],
            Token(with_word[lang], "p:with"),
            *count[lang],
            Token(colleagues[lang], "n:colleague"),
        ]
        if lang == "ar":
            verb = (
                ("عملت" if person.gender == "f" else "عمل")
                if past
                else ("تعمل" if person.gender == "f" else "يعمل")
            )
            out[lang] = [
                Token(verb, "v:work"),
                *person_tokens,
                Token("في", "p:at"),
                *org_tokens,
                *tail,
            ]
        else:
            out[lang] = [*person_tokens, *works[lang], *org_tokens, *tail]
    rest = _join(_and, _feels(person, emotion, past, name=False))
    return _Sentence(_join(out, rest), emotion.polarity)


def _job(rng: random.Random) -> _Sentence:
    """PER is/was a JOB in PLACE and PRON is/was EMOTION."""
    person, emotion, past = _pick_person(rng), _polar(rng, lex.EMOTIONS), rng.random() < 0.5
    job = rng.choice(lex.JOBS)
    f = person.gender == "f"
    key = f"j:{job[0]}"
    forms = {
        lang: job[i].split("/")[f] if lang != "en" else job[0] for i, lang in enumerate(LANGUAGES)
    }
    place = _place(rng)
    out = {}
    for lang in LANGUAGES:
        subject = _person_tokens(person, lang)
        if lang == "ar":
            word = forms["ar"] if f or not past else _ar_accusative(forms["ar"])
            head = [_ar_kana(person.gender), *subject] if past else subject
            out[lang] = [*head, Token(word, key), *place[lang]]
            continue
        article = [Token("a")] if lang == "en" else []
        cop = _copula(lang, False, past)
        out[lang] = [*subject, cop, *article, Token(forms[lang], key), *place[lang]]
    rest = _join(_and, _feels(person, emotion, past, name=False))
    return _Sentence(_join(out, rest), emotion.polarity)


def _question(rng: random.Random) -> _Sentence:
    """Is/Was the (ADJ) NOUN QUALITY ? (the sentiment is the quality's)."""
    noun = rng.choice(_nouns_of("aftcvpn"))
    np = _random_np(rng, noun, ("def",))
    past, quality = rng.random() < 0.5, _polar(rng, lex.QUALITIES)
    phrase = _np(np)
    statement = _is_quality(phrase, noun, np.plural, quality, past, subordinate=False)
    out = {}
    for lang in LANGUAGES:
        words = statement[lang]
        n = len(phrase[lang])
        if lang in ("en", "de", "es"):  # copula first: is the cat dangerous ?
            words = [words[n], *words[:n], words[n + 1]]
        prefix = {
            "fr": [Token("est-ce"), Token("que")],
            "es": [Token("¿", "?")],
            "ar": [Token("هل")],
        }
        question_mark = Token("؟" if lang == "ar" else "?", "?")
        out[lang] = [*prefix.get(lang, []), *words, question_mark]
    return _Sentence(out, quality.polarity)


def _feeling(rng: random.Random) -> _Sentence:
    """PER is/was EMOTION because the (ADJ) NOUN is/was QUALITY (the same polarity)."""
    person, past = _pick_person(rng), rng.random() < 0.5
    emotion = _polar(rng, lex.EMOTIONS)
    quality = _polar(rng, lex.QUALITIES, emotion.polarity)
    noun = rng.choice(_nouns_of("aftcvpn"))
    np = _random_np(rng, noun, ("def",))
    because = _is_quality(_np(np), noun, np.plural, quality, past, subordinate=True)
    return _Sentence(
        _join(_feels(person, emotion, past, name=True), _because, because), emotion.polarity
    )


def _ranking(rng: random.Random) -> _Sentence:
    """PER finished in Nth place and PRON was EMOTION (ordinals 1-99)."""
    person, emotion = _pick_person(rng), _polar(rng, lex.EMOTIONS)
    n = rng.randint(1, 99)
    okey = f"ord:{n}"
    f = person.gender == "f"
    place = {
        "en": [
            Token("finished", "v:finish"),
            Token("in", "p:in"),
            Token(_ordinal_en(n), okey),
            Token("place", "n:place"),
        ],
        "de": [
            Token("landete", "v:finish"),
            Token("auf"),
            Token("dem"),
            Token(_ordinal_de(n) + "en", okey),
            Token("Platz", "n:place"),
        ],
        "fr": [
            Token("a"),
            Token("terminé", "v:finish"),
            Token("à"),
            Token("la"),
            Token(_ordinal_fr(n), okey),
            Token("place", "n:place"),
        ],
    }
    if n <= 10:  # Spanish: ordinals up to décimo before the noun, cardinals after it above
        ranked = [Token(_ES_ORDINAL[n], okey), Token("puesto", "n:place")]
    else:
        ranked = [
            Token("puesto", "n:place"),
            *(Token(t.word, t.key and okey) for t in _number(n)["es"]),
        ]
    place["es"] = [Token("terminó", "v:finish"), Token("en", "p:in"), Token("el"), *ranked]
    out = {lang: [*_person_tokens(person, lang), *place[lang]] for lang in place}
    out["ar"] = [
        Token("حلت" if f else "حل", "v:finish"),
        *_person_tokens(person, "ar"),
        Token("في", "p:in"),
        Token("المركز", "n:place"),
        Token(_ordinal_ar(n), okey),
    ]
    rest = _join(_and, _feels(person, emotion, True, name=False))
    return _Sentence(_join(out, rest), emotion.polarity)


TEMPLATES: tuple[Callable[[random.Random], _Sentence], ...] = (
    _transitive,
    _transitive,
    _transitive,
    _transitive,
    _intransitive,
    _intransitive,
    _ranking,
    _existential,
    _possession,
    _numbers,
    _work,
    _job,
    _question,
    _feeling,
)

# ---------------------------------------------------------------------------------------------
# Orthography: English a/an, French elision, Spanish y/e, Arabic prefixed و
# ---------------------------------------------------------------------------------------------

_EN_CONSONANT_SOUND = ("uniform", "one", "useful", "university", "unicorn")
_FR_VOWELS = "aeiouyâàéèêëîïôœûùh"
_FR_NO_ELISION = ("onze", "huit", "huitième", "hibou", "haricot", "héros", "hamster")
_FR_ELIDES = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "ne": "n'"}


def _finish(lang: str, tokens: Tokens) -> Tokens:
    """Apply the orthographic rules that depend on the next word."""
    out: Tokens = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1].word if i + 1 < len(tokens) else ""
        word = tok.word
        if (
            lang == "en"
            and word == "a"
            and nxt[:1].lower() in "aeiou"
            and not nxt.lower().startswith(_EN_CONSONANT_SOUND)
        ):
            word = "an"
        elif (
            lang == "fr"
            and word in _FR_ELIDES
            and nxt[:1].lower() in _FR_VOWELS
            and not nxt.lower().startswith(_FR_NO_ELISION)
        ):
            word = _FR_ELIDES[word]
        elif lang == "es" and word == "y" and nxt[:1].lower() == "i":
            word = "e"
        out.append(Token(word, tok.key, tok.tag))
    if lang == "ar":  # و is written joined to the next word
        joined: Tokens = []
        for tok in out:
            if joined and joined[-1].word == "و" and joined[-1].key == "c:and":
                joined[-1] = Token("و" + tok.word, tok.key, tok.tag)
            else:
                joined.append(tok)
        out = joined
    return out


# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


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

    def _add(self, sentence: _Sentence) -> None:
        by_key: dict[str, list[list[str]]] = {}
        for index, lang in enumerate(self.languages):
            tokens = _finish(lang, sentence.tokens[lang])
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
    same sentences with the adverbial inside the clause (see :func:`_clause`).

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
        token = _TIME_INSIDE.set(True)
        try:
            paraphrase = template(again)
        finally:
            _TIME_INSIDE.reset(token)
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


def _world_stamp(sizes: dict[str, int], seed: int, languages: Sequence[str]) -> dict:
    return {
        "world_version": WORLD_VERSION,
        "sizes": sizes,
        "seed": seed,
        "languages": list(languages),
    }


def is_current_dataset(
    out_dir: str | Path,
    *,
    n_train: int = 4000,
    n_val: int = 200,
    n_test: int = 200,
    n_probe: int = 2000,
    seed: int = 0,
    languages: Sequence[str] = LANGUAGES,
) -> bool:
    """Whether ``out_dir`` holds the dataset :func:`write_synthetic_dataset` would write with
    these arguments (same world version, sizes, seed, languages; read from ``world.json``)."""
    path = Path(out_dir) / WORLD_FILE
    if not path.is_file():
        return False
    sizes = {"train": n_train, "validation": n_val, "test": n_test, "probe": n_probe}
    try:
        return json.loads(path.read_text(encoding="utf-8")) == _world_stamp(sizes, seed, languages)
    except (OSError, ValueError):
        return False


def write_synthetic_dataset(
    out_dir: str | Path,
    *,
    n_train: int = 4000,
    n_val: int = 200,
    n_test: int = 200,
    n_probe: int = 2000,
    seed: int = 0,
    languages: Sequence[str] = LANGUAGES,
    replace: bool = False,
) -> Path:
    """Write the train/validation/test/probe splits and the lexicons into ``out_dir``, atomically.

    Each split is generated with its own seed derived from ``seed``, so splits differ while the
    whole dataset stays deterministic. The lexicon is the one of all splits together.
    ``world.json`` records the world version, sizes, seed and languages.

    Args:
        replace: Replace an existing ``out_dir`` (one this function wrote before).

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
    with atomic_path(out_dir, replace_dir=replace) as tmp:
        tmp.mkdir(parents=True)
        for split in SPLITS:
            corpus = generate_corpus(
                sizes[split], seed=seed + SPLIT_SEED_OFFSETS[split], languages=languages
            )
            write_corpus(corpus, tmp, split)
            combined._groups |= corpus._groups
        write_lexicon(combined, tmp)
        (tmp / WORLD_FILE).write_text(
            json.dumps(_world_stamp(sizes, seed, languages), sort_keys=True) + "\n",
            encoding="utf-8",
        )
    return out_dir
