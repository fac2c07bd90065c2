"""Phrases of the synthetic world, each rendered in every language at once.

Noun phrases (article, number, agreeing adjective, noun by case), people (first name and
surname, tagged PER), places (a city or country, tagged LOC; a location ``under the table``),
pronouns, copulas, ``<person> is <emotion>`` and ``<noun phrase> is <quality>`` predicates, the
conjunctions, and the random choices of nouns and adjectives that fit each other.

Each phrase comes with its dependency tree (see :mod:`~xlprobe.data.synthetic.tokens`): the
noun heads its phrase (``det``, ``amod``, ``nummod``), a preposition is the ``case`` of its
noun, a name's surname is ``flat`` under the first name, and a predicate (``is happy``) heads
its clause with the subject as ``nsubj`` and the copula as ``cop``, as Universal Dependencies
annotates them.
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
from xlprobe.data.synthetic.tokens import Token, Tokens, as_, attach, root, words


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
    Arabic article is a prefix, so Arabic has no article key). The noun heads the phrase and is
    left unattached; the article is its ``det``, the adjective its ``amod``, the number its
    ``nummod``."""
    noun, adj, plural = np.noun, np.adjective, np.plural
    nkey, akey = f"n:{noun.key}", adj and f"a:{adj.key}"
    num = number_tokens(np.count) if np.det == "count" else None
    out: dict[str, Tokens] = {}

    def article(word: str) -> Token:
        return Token(word, "d:the" if np.det == "def" else "d:a", upos="DET", deprel="det")

    def adjective(word: str) -> Token:
        return Token(word, akey, upos="ADJ", deprel="amod")

    def head_noun(word: str) -> Token:
        return Token(word, nkey, upos="NOUN")

    # English: the/a/three + adjective + noun
    n = head_noun(noun.pl["en"] if plural else noun.sg["en"])
    en = num["en"] if num else [article("the" if np.det == "def" else "a")]
    out["en"] = _under([*en, *([adjective(adj.en)] if adj else []), n], n)

    # German: article by case/gender/number, declined adjective, noun (dative plural -n)
    g = noun.gender["de"]
    if num:
        de = num["de"]
    elif np.det == "def":
        de = [article(GERMAN_DEFINITE[de_case]["pl" if plural else g])]
    else:
        de = [article(GERMAN_INDEFINITE[de_case][g])]
    if adj:
        de.append(adjective(adj.de_stem + german_adjective_ending(np.det, de_case, g, plural)))
    n = head_noun(german_noun(noun, de_case, plural))
    out["de"] = _under([*de, n], n)

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
        n = head_noun(noun.pl[lang] if plural else noun.sg[lang])
        if num:
            det = num[lang]
        elif np.det == "def" and plural:
            det = [article("les" if lang == "fr" else ("los" if g == "m" else "las"))]
        else:
            det = [article(articles[(np.det, g)])]
        head = [n]
        if adj:
            a = adjective(agree(getattr(adj, lang), g, plural))
            head = [a, *head] if lang == "fr" and adj.fr_before else [*head, a]
        out[lang] = _under(det + head, n)

    # Arabic: (number) noun adjective; the article ال on both when definite
    g = arabic_gender(noun, plural)
    word = noun.pl["ar"] if plural else noun.sg["ar"]
    definite = np.det == "def"
    n = head_noun(("ال" if definite else "") + word)
    ar = [n]
    if num:
        count = Token(arabic_count(np.count, noun.gender["ar"]), f"num:{np.count}", upos="NUM")
        ar = [count.under(n, "nummod"), *ar]
    if adj:
        ar.append(adjective(arabic_adjective(adj, g, definite=definite)).under(n))
    out["ar"] = ar
    return out


def _under(tokens: Tokens, head: Token) -> Tokens:
    """``tokens``, which hold ``head``, with every other unattached word attached to it."""
    return [t if t is head or t.head is not None else t.under(head) for t in tokens]


@dataclass(frozen=True)
class Person:
    """A person: a first-names row (Latin, Arabic, gender), the gender, a surnames row or
    ``None``."""

    first: Row
    gender: str
    surname: Row | None


def person_tokens(person: Person, lang: str) -> Tokens:
    """The person's name in ``lang``, tagged ``B-PER I-PER``, each word keyed ``per:<latin>``:
    ``PROPN`` words, the surname ``flat`` under the first name (which is left unattached)."""
    first_en, first_ar = person.first[0], person.first[1]
    first = Token(first_ar if lang == "ar" else first_en, f"per:{first_en}", "B-PER", "PROPN")
    if not person.surname:
        return [first]
    sur_en, sur_ar = person.surname
    surname = Token(sur_ar if lang == "ar" else sur_en, f"per:{sur_en}", "I-PER", "PROPN", "flat")
    return [first, surname.under(first)]


def pick_person(rng: random.Random) -> Person:
    """A random first name, with a surname four times in ten."""
    tables = word_tables()
    first = rng.choice(tables.first_names)
    surname = rng.choice(tables.surnames) if rng.random() < 0.4 else None
    return Person(first, first[2], surname)


def in_city_or_country(rng: random.Random) -> dict[str, Tokens]:
    """``in <city or country>`` in every language (French: à + city, en + country): the place
    (``PROPN``, an ``obl`` to be attached) with its preposition as ``case``."""
    is_country = rng.random() < 0.4
    tables = word_tables()
    entry = rng.choice(tables.countries if is_country else tables.cities)
    out = {}
    for i, lang in enumerate(LANGUAGES):
        prep = {"en": "in", "de": "in", "fr": "en" if is_country else "à", "es": "en", "ar": "في"}
        place = Token(entry[i], f"loc:{entry[0]}", "B-LOC", "PROPN", "obl")
        out[lang] = [Token(prep[lang], "p:in", upos="ADP", deprel="case").under(place), place]
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
    """``is/are/was/were`` in ``lang`` (Spanish ``estar`` forms when ``estar``), keyed ``v:be``:
    an ``AUX``, the ``cop`` of the predicate it is attached to."""
    table = _COPULA["es_estar" if lang == "es" and estar else lang]
    return Token(table[plural + 2 * past], "v:be", upos="AUX", deprel="cop")


def arabic_kana(gender: str) -> Token:
    """The Arabic past copula كان / كانت, keyed ``v:be`` (``AUX``, ``cop``)."""
    return Token("كانت" if gender == "f" else "كان", "v:be", upos="AUX", deprel="cop")


def _emotion_predicate(emotion: Adjective, gender: str, lang: str, *, ar_acc: bool) -> Token:
    key = f"a:{emotion.key}"
    if lang == "en":
        word = emotion.en
    elif lang == "de":
        word = emotion.de
    elif lang == "ar":
        word = arabic_adjective(emotion, gender, acc=ar_acc)
    else:
        word = agree(getattr(emotion, lang), gender, False)
    return Token(word, key, upos="ADJ", deprel="root")


def conjunction_and(lang: str) -> Token:
    """``and``, keyed ``c:and`` (``CCONJ``, the ``cc`` of the conjunct after it); the Arabic و
    is a prefix, joined to the next word by
    :func:`~xlprobe.data.synthetic.morphology.apply_orthography`."""
    word = {"en": "and", "de": "und", "fr": "et", "es": "y", "ar": "و"}[lang]
    return Token(word, "c:and", upos="CCONJ", deprel="cc")


def coordinate(first: dict[str, Tokens], second: dict[str, Tokens]) -> dict[str, Tokens]:
    """``<first> and <second>``: the head of ``second`` becomes the ``conj`` of the head of
    ``first``, with ``and`` as its ``cc``; the head of ``first`` heads the whole."""
    out = {}
    for lang in LANGUAGES:
        head, other = root(first[lang]), root(second[lang])
        and_ = conjunction_and(lang).under(other)
        out[lang] = [*first[lang], and_, *attach(second[lang], head, "conj")]
    return out


def subordinate(main: dict[str, Tokens], clause: dict[str, Tokens]) -> dict[str, Tokens]:
    """``<main> because <clause>``: the head of ``clause`` becomes an ``advcl`` of the head of
    ``main``, with ``because`` (French ``parce que``) as its ``mark``."""
    out = {}
    for lang in LANGUAGES:
        head, other = root(main[lang]), root(clause[lang])
        because = attach(conjunction_because(lang), other)
        out[lang] = [*main[lang], *because, *attach(clause[lang], head, "advcl")]
    return out


def feels(person: Person, emotion: Adjective, past: bool, *, name: bool) -> dict[str, Tokens]:
    """``<name|pronoun> is/was <emotion>`` (Arabic: nominal sentence, or كان + accusative).

    The emotion (``ADJ``) heads the clause, with the subject as ``nsubj`` and the copula as
    ``cop``."""
    pronoun = _pronouns(person)
    out = {}
    for lang in LANGUAGES:
        pred = _emotion_predicate(emotion, person.gender, lang, ar_acc=past)
        subject = (
            person_tokens(person, lang)
            if name
            else [Token(pronoun[lang], "pron", upos="PRON", deprel="nsubj")]
        )
        subject = attach(subject, pred, "nsubj")
        if lang == "ar":
            if past:
                subject = subject if name else []
                out[lang] = [arabic_kana(person.gender).under(pred), *subject, pred]
            else:
                out[lang] = [*subject, pred]
        else:
            cop = copula(lang, False, past, estar=True).under(pred)
            out[lang] = [*subject, cop, pred]
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
    (لأن القطة كانت جميلة); in a main clause (a question) كان comes first. The quality (``ADJ``)
    heads the clause, the noun phrase is its ``nsubj``, the copula its ``cop``.
    """
    key = f"a:{quality.key}"
    out = {}
    for lang in LANGUAGES:
        if lang == "ar":
            g = arabic_gender(noun, plural)
            pred = Token(arabic_adjective(quality, g, acc=past), key, upos="ADJ", deprel="root")
            subject = attach(np[lang], pred, "nsubj")
            if not past:
                out[lang] = [*subject, pred]
            elif subordinate:
                out[lang] = [*subject, arabic_kana(g).under(pred), pred]
            else:
                out[lang] = [arabic_kana(g).under(pred), *subject, pred]
            continue
        if lang in ("en", "de"):
            word = getattr(quality, lang)
        else:
            word = agree(getattr(quality, lang), noun.gender[lang], plural)
        pred = Token(word, key, upos="ADJ", deprel="root")
        subject = attach(np[lang], pred, "nsubj")
        cop = copula(lang, plural, past, estar=quality.es_estar).under(pred)
        out[lang] = [*subject, pred, cop] if lang == "de" and subordinate else [*subject, cop, pred]
    return out


def conjunction_because(lang: str) -> Tokens:
    """``because`` in ``lang`` (French ``parce que``), keyed ``c:because``: ``SCONJ``, the
    ``mark`` of the clause it opens (``que`` ``fixed`` under ``parce``)."""
    return words(
        {"en": "because", "de": "weil", "fr": "parce que", "es": "porque", "ar": "لأن"}[lang],
        "c:because",
        upos="SCONJ",
        deprel="mark",
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
    """``under the table`` (things, vehicles) or ``behind the school`` (places, nature...): the
    noun phrase (an ``obl`` to be attached) with the preposition as its ``case``."""
    under = rng.random() < 0.5
    noun = rng.choice(nouns_of("tv" if under else "pvnt"))
    np = noun_phrase(NounPhrase(noun, "def", rng.random() < 0.3), de_case="dat")
    preps = (
        ("under", "unter", "sous", "bajo", "تحت")
        if under
        else ("behind", "hinter", "derrière", "tras", "خلف")
    )
    key = f"p:{preps[0]}"
    out = {}
    for i, lang in enumerate(LANGUAGES):
        noun_word = root(np[lang])
        prep = Token(preps[i], key, upos="ADP", deprel="case").under(noun_word)
        out[lang] = [prep, *as_(np[lang], "obl")]
    return out
