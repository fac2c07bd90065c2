"""Phrases of the synthetic world, each rendered in every language at once.

Noun phrases (article, number, agreeing adjective, noun by case), people (first name and
surname, tagged PER), places (a city or country, tagged LOC; a location ``under the table``),
pronouns, copulas, ``<person> is <emotion>`` and ``<noun phrase> is <quality>`` predicates, the
conjunctions, and the random choices of nouns and adjectives that fit each other.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from xlprobe.data.synthetic.lexicon import LANGUAGES, Adjective, Noun, Row, word_tables
from xlprobe.data.synthetic.morphology import (
    GERMAN_DEFINITE,
    GERMAN_INDEFINITE,
    agree,
    arabic_adjective,
    arabic_gender,
    german_adjective_ending,
    german_noun,
)
from xlprobe.data.synthetic.numbers import arabic_count, number_tokens
from xlprobe.data.synthetic.tokens import Token, Tokens, words


@dataclass(frozen=True)
class NounPhrase:
    """A noun phrase: ``det`` is ``def``, ``indef`` (singular) or ``count`` (3-10, plural)."""

    noun: Noun
    det: str
    plural: bool
    adjective: Adjective | None = None
    count: int = 0


def noun_phrase(np: NounPhrase, *, de_case: str = "nom") -> dict[str, Tokens]:
    """``np`` in every language; German in ``de_case`` (``nom``, ``acc``, ``dat``).

    Words are keyed ``n:<noun>``, ``a:<adjective>``, ``num:<count>``, ``d:the`` / ``d:a`` (the
    Arabic article is a prefix, so Arabic has no article key)."""
    noun, adj, plural = np.noun, np.adjective, np.plural
    nkey, akey = f"n:{noun.key}", adj and f"a:{adj.key}"
    num = number_tokens(np.count) if np.det == "count" else None
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
        de = [Token(GERMAN_DEFINITE[de_case]["pl" if plural else g], "d:the")]
    else:
        de = [Token(GERMAN_INDEFINITE[de_case][g], "d:a")]
    if adj:
        de.append(Token(adj.de_stem + german_adjective_ending(np.det, de_case, g, plural), akey))
    out["de"] = [*de, Token(german_noun(noun, de_case, plural), nkey)]

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
            a = Token(agree(getattr(adj, lang), g, plural), akey)
            head = [a, *head] if lang == "fr" and adj.fr_before else [*head, a]
        out[lang] = det + head

    # Arabic: (number) noun adjective; the article ال on both when definite
    g = arabic_gender(noun, plural)
    word = noun.pl["ar"] if plural else noun.sg["ar"]
    definite = np.det == "def"
    ar = [Token(("ال" if definite else "") + word, nkey)]
    if num:
        ar = [Token(arabic_count(np.count, noun.gender["ar"]), f"num:{np.count}"), *ar]
    if adj:
        ar.append(Token(arabic_adjective(adj, g, definite=definite), akey))
    out["ar"] = ar
    return out


@dataclass(frozen=True)
class Person:
    """A person: a first-names row (Latin, Arabic, gender), the gender, a surnames row or
    ``None``."""

    first: Row
    gender: str
    surname: Row | None


def person_tokens(person: Person, lang: str) -> Tokens:
    """The person's name in ``lang``, tagged ``B-PER I-PER``, each word keyed ``per:<latin>``."""
    first_en, first_ar = person.first[0], person.first[1]
    names = [(first_ar if lang == "ar" else first_en, f"per:{first_en}")]
    if person.surname:
        sur_en, sur_ar = person.surname
        names.append((sur_ar if lang == "ar" else sur_en, f"per:{sur_en}"))
    return [Token(w, k, ("B-PER" if i == 0 else "I-PER")) for i, (w, k) in enumerate(names)]


def pick_person(rng: random.Random) -> Person:
    """A random first name, with a surname four times in ten."""
    tables = word_tables()
    first = rng.choice(tables.first_names)
    surname = rng.choice(tables.surnames) if rng.random() < 0.4 else None
    return Person(first, first[2], surname)


def in_city_or_country(rng: random.Random) -> dict[str, Tokens]:
    """``in <city or country>`` in every language (French: à + city, en + country)."""
    is_country = rng.random() < 0.4
    tables = word_tables()
    entry = rng.choice(tables.countries if is_country else tables.cities)
    out = {}
    for i, lang in enumerate(LANGUAGES):
        prep = {"en": "in", "de": "in", "fr": "en" if is_country else "à", "es": "en", "ar": "في"}
        out[lang] = [Token(prep[lang], "p:in"), Token(entry[i], f"loc:{entry[0]}", "B-LOC")]
    return out


def _pronouns(person: Person) -> dict[str, str]:
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


def copula(lang: str, plural: bool, past: bool, estar: bool = False) -> Token:
    """``is/are/was/were`` in ``lang`` (Spanish ``estar`` forms when ``estar``), keyed ``v:be``."""
    table = _COPULA["es_estar" if lang == "es" and estar else lang]
    return Token(table[plural + 2 * past], "v:be")


def arabic_kana(gender: str) -> Token:
    """The Arabic past copula كان / كانت, keyed ``v:be``."""
    return Token("كانت" if gender == "f" else "كان", "v:be")


def _emotion_predicate(emotion: Adjective, gender: str, lang: str, *, ar_acc: bool) -> Token:
    key = f"a:{emotion.key}"
    if lang == "en":
        return Token(emotion.en, key)
    if lang == "de":
        return Token(emotion.de, key)
    if lang == "ar":
        return Token(arabic_adjective(emotion, gender, acc=ar_acc), key)
    return Token(agree(getattr(emotion, lang), gender, False), key)


def conjunction_and(lang: str) -> Token:
    """``and``, keyed ``c:and``; the Arabic و is a prefix, joined to the next word by
    :func:`~xlprobe.data.synthetic.morphology.apply_orthography`."""
    return Token({"en": "and", "de": "und", "fr": "et", "es": "y", "ar": "و"}[lang], "c:and")


def feels(person: Person, emotion: Adjective, past: bool, *, name: bool) -> dict[str, Tokens]:
    """``<name|pronoun> is/was <emotion>`` (Arabic: nominal sentence, or كان + accusative)."""
    pronoun = _pronouns(person)
    out = {}
    for lang in LANGUAGES:
        subject = person_tokens(person, lang) if name else [Token(pronoun[lang], "pron")]
        pred = _emotion_predicate(emotion, person.gender, lang, ar_acc=past)
        if lang == "ar":
            if past:
                subject = subject if name else []
                out[lang] = [arabic_kana(person.gender), *subject, pred]
            else:
                out[lang] = [*subject, pred]
        else:
            out[lang] = [*subject, copula(lang, False, past, estar=True), pred]
    return out


def is_quality(
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
            g = arabic_gender(noun, plural)
            pred = Token(arabic_adjective(quality, g, acc=past), key)
            if not past:
                out[lang] = [*np[lang], pred]
            elif subordinate:
                out[lang] = [*np[lang], arabic_kana(g), pred]
            else:
                out[lang] = [arabic_kana(g), *np[lang], pred]
            continue
        if lang in ("en", "de"):
            pred = Token(getattr(quality, lang), key)
        else:
            pred = Token(agree(getattr(quality, lang), noun.gender[lang], plural), key)
        cop = copula(lang, plural, past, estar=quality.es_estar)
        out[lang] = (
            [*np[lang], pred, cop] if lang == "de" and subordinate else [*np[lang], cop, pred]
        )
    return out


def conjunction_because(lang: str) -> Tokens:
    """``because`` in ``lang`` (French ``parce que``), keyed ``c:because``."""
    return words(
        {"en": "because", "de": "weil", "fr": "parce que", "es": "porque", "ar": "لأن"}[lang],
        "c:because",
    )


@functools.cache
def _attributes_for(classes: str) -> tuple[Adjective, ...]:
    return tuple(a for a in word_tables().attributes if set(a.classes) & set(classes))


def _choose_adjective(rng: random.Random, noun: Noun, p: float = 0.5) -> Adjective | None:
    if rng.random() >= p:
        return None
    fitting = _attributes_for(noun.classes)
    return rng.choice(fitting) if fitting else None


@functools.cache
def nouns_of(classes: str) -> tuple[Noun, ...]:
    """Nouns in any of the classes (letters, see :mod:`~xlprobe.data.synthetic.lexicon`)."""
    return tuple(n for n in word_tables().nouns if set(n.classes) & set(classes))


def random_noun_phrase(
    rng: random.Random, noun: Noun, dets: Sequence[str], adj_p: float = 0.5
) -> NounPhrase:
    """A phrase of ``noun`` with one of ``dets`` (definite: plural four times in ten), an
    adjective that fits it with probability ``adj_p``, and a count 3-10."""
    det = rng.choice(dets)
    plural = det == "count" or (det == "def" and rng.random() < 0.4)
    return NounPhrase(noun, det, plural, _choose_adjective(rng, noun, adj_p), rng.randint(3, 10))


def pick_polar(
    rng: random.Random, adjectives: Sequence[Adjective], polarity: int | None = None
) -> Adjective:
    """A random adjective of ``adjectives``, of the given polarity unless it is ``None``."""
    return rng.choice([a for a in adjectives if polarity is None or a.polarity == polarity])


def location_phrase(rng: random.Random) -> dict[str, Tokens]:
    """``under the table`` (things, vehicles) or ``behind the school`` (places, nature...)."""
    under = rng.random() < 0.5
    noun = rng.choice(nouns_of("tv" if under else "pvnt"))
    np = noun_phrase(NounPhrase(noun, "def", rng.random() < 0.3), de_case="dat")
    preps = (
        ("under", "unter", "sous", "bajo", "تحت")
        if under
        else ("behind", "hinter", "derrière", "tras", "خلف")
    )
    key = f"p:{preps[0]}"
    return {lang: [Token(preps[i], key), *np[lang]] for i, lang in enumerate(LANGUAGES)}
