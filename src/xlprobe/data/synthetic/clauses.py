"""Clauses: the time adverbial, the verb group and the word order of each language.

German puts the finite verb second (after a fronted time adverbial it precedes the subject) and
``nicht`` after the object; Arabic puts the verb before the subject; French builds the passé
composé with avoir or être (the participle agreeing with an être subject). Inside
:func:`time_inside` (used for paraphrases) the time adverbial moves from the front of the clause
to after the German finite verb and to the end of the clause elsewhere.

The main verb (``VERB``) heads its clause: the subject is its ``nsubj``, the object its
``obj``, auxiliaries (``did``, ``is``, French ``a``/``est``) its ``aux``, negation (``not``,
``nicht``, ``ne`` ... ``pas``, ``no``, ``لا``/``ما``) its ``advmod``, the time adverbial and
the places its ``obl`` or ``advmod``, whatever the word order.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
from collections.abc import Iterator
from dataclasses import dataclass

from xlprobe.data.synthetic.lexicon import LANGUAGES, Verb, word_tables
from xlprobe.data.synthetic.morphology import arabic_feminine_past, arabic_feminine_present
from xlprobe.data.synthetic.tokens import Token, Tokens, attach, root, words

# True while a sentence is rendered with its time adverbial inside the clause
_TIME_INSIDE = contextvars.ContextVar("synthetic_time_inside", default=False)


@contextlib.contextmanager
def time_inside() -> Iterator[None]:
    """Within this block, clauses put their time adverbial inside (see :func:`order_clause`)."""
    token = _TIME_INSIDE.set(True)
    try:
        yield
    finally:
        _TIME_INSIDE.reset(token)


def time_adverbial(rng: random.Random, past: bool) -> tuple[dict[str, Tokens], bool]:
    """A time adverbial fitting the tense; returns it and whether it is habitual.

    Past: a day (``on Monday``) or month (``in May``) four times in ten, else a past adverb
    (``yesterday``); present: a present or habitual adverb (``now``, ``every day``).

    A day or month is an ``obl`` (``PROPN`` in English, ``NOUN`` elsewhere) with its
    preposition as ``case`` (Spanish ``el`` its ``det``, Arabic ``يوم الاثنين`` the day noun
    with the name as ``nmod``); an adverb is an ``advmod``; ``every day`` an ``obl`` noun with
    its ``det``."""
    tables = word_tables()
    if past and rng.random() < 0.4:
        if rng.random() < 0.5:
            day = rng.choice(tables.days)
            key = f"t:{day[0]}"
            names = {
                lang: Token(day[i], key, upos="PROPN" if lang == "en" else "NOUN", deprel="obl")
                for i, lang in enumerate(LANGUAGES)
            }
            ar_day = Token("يوم", upos="NOUN", deprel="obl")
            return {
                "en": [
                    Token("on", "p:on", upos="ADP", deprel="case").under(names["en"]),
                    names["en"],
                ],
                "de": [
                    Token("am", "p:on", upos="ADP", deprel="case").under(names["de"]),
                    names["de"],
                ],
                "fr": [names["fr"]],
                "es": [Token("el", upos="DET", deprel="det").under(names["es"]), names["es"]],
                "ar": [ar_day, names["ar"].under(ar_day, "nmod")],
            }, False
        month = rng.choice(tables.months)
        key = f"t:{month[0]}"
        preps = {"en": "in", "de": "im", "fr": "en", "es": "en", "ar": "في"}
        out = {}
        for i, lang in enumerate(LANGUAGES):
            name = Token(month[i], key, upos="PROPN" if lang == "en" else "NOUN", deprel="obl")
            prep = Token(preps[lang], "p:in", upos="ADP", deprel="case").under(name)
            out[lang] = [prep, name]
        return out, False
    kinds = ("past",) if past else ("present", "habit")
    entry = rng.choice([t for t in tables.times if t[5] in kinds])
    split = [entry[i].split() for i in range(len(LANGUAGES))]
    if len({len(w) for w in split}) == 1 and len(split[0]) == 2:  # every day / jeden Tag
        keys = [f"t:{entry[0]}:{j}" for j in range(len(split[0]))]
        out = {}
        for i, lang in enumerate(LANGUAGES):
            (det, noun), (det_key, noun_key) = split[i], keys
            head = Token(noun, noun_key, upos="NOUN", deprel="obl")
            out[lang] = [Token(det, det_key, upos="DET", deprel="det").under(head), head]
        return out, entry[5] == "habit"
    if len({len(w) for w in split}) == 1:  # one word in every language
        keys = [f"t:{entry[0]}:{j}" for j in range(len(split[0]))]
        return {
            lang: [
                Token(w, k, upos="ADV", deprel="advmod")
                for w, k in zip(split[i], keys, strict=True)
            ]
            for i, lang in enumerate(LANGUAGES)
        }, entry[5] == "habit"
    key = f"t:{entry[0]}"
    return {
        lang: words(entry[i], key, upos="ADV", deprel="advmod") for i, lang in enumerate(LANGUAGES)
    }, entry[5] == "habit"


@dataclass(frozen=True)
class Clause:
    """A clause's parts per language before ordering: see :func:`order_clause`."""

    verb: Verb
    past: bool
    habit: bool
    negated: bool
    plural: bool
    subject_gender: dict[str, str]  # fr/ar agreement gender of the subject


def verb_group(c: Clause, lang: str) -> tuple[Tokens, Tokens, Tokens]:
    """(pre-subject, after-subject, after-object) words of the verb group in ``lang``.

    German: the finite verb is second (after a fronted time adverbial it precedes the subject),
    ``nicht`` after the object. Arabic: the verb precedes the subject. The caller orders them.
    The main verb is left unattached (it heads the clause); auxiliaries and negation are
    attached to it.
    """
    v, key, neg = c.verb, f"v:{c.verb.key}", c.negated

    def verb(word: str) -> Token:
        return Token(word, key, upos="VERB", deprel="root")

    def aux(word: str, head: Token) -> Token:
        return Token(word, upos="AUX", deprel="aux").under(head)

    def negation(word: str, head: Token, upos: str = "PART") -> list[Token]:
        return [Token(word, "neg", upos=upos, deprel="advmod").under(head)] if neg else []

    if lang == "en":
        base, third, past, ing = v.en
        if c.past:
            if neg:
                head = verb(base)
                return [], [aux("did", head), *negation("not", head), head], []
            return [], [verb(past)], []
        if c.habit:
            if neg:
                head = verb(base)
                do = aux("do" if c.plural else "does", head)
                return [], [do, *negation("not", head), head], []
            return [], [verb(base if c.plural else third)], []
        head = verb(ing)
        be = aux("are" if c.plural else "is", head)
        return [], [be, *negation("not", head), head], []
    if lang == "de":
        head = verb(v.de[c.plural + 2 * c.past])
        return [], [head], negation("nicht", head)
    if lang == "fr":
        third, third_pl, participle, aux_kind = v.fr
        if not c.past:
            head = verb(third_pl if c.plural else third)
            return [], [*negation("ne", head, "ADV"), head, *negation("pas", head, "ADV")], []
        if aux_kind == "e":
            aux_word = "sont" if c.plural else "est"
            participle += ("e" if c.subject_gender["fr"] == "f" else "") + ("s" if c.plural else "")
        else:
            aux_word = "ont" if c.plural else "a"
        head = verb(participle)
        ne, pas = negation("ne", head, "ADV"), negation("pas", head, "ADV")
        return [], [*ne, aux(aux_word, head), *pas, head], []
    if lang == "es":
        head = verb(v.es[c.plural + 2 * c.past])
        return [], [*negation("no", head, "ADV"), head], []
    # Arabic: (negation) verb, agreeing in gender (non-human plurals: feminine singular)
    past_m, present_m = v.ar
    f = c.subject_gender["ar"] == "f"
    if c.past:
        head = verb(arabic_feminine_past(past_m) if f else past_m)
    else:
        head = verb(arabic_feminine_present(present_m) if f else present_m)
    return [*negation("ما" if c.past else "لا", head), head], [], []


def order_clause(
    c: Clause,
    subject: dict[str, Tokens],
    obj: dict[str, Tokens] | None,
    time: dict[str, Tokens] | None,
    tail: dict[str, Tokens],
) -> dict[str, Tokens]:
    """Order time, subject, verb group, object and tail (adverbs, places) per language, and
    attach them to the verb: the subject as ``nsubj``, the object as ``obj``, the time
    adverbial and the tail with their own relations (``obl``, ``advmod``).

    The time adverbial comes first; inside :func:`time_inside` (a paraphrase) it comes after
    the finite verb in German and at the end of the clause elsewhere."""
    obj = obj or {lang: [] for lang in LANGUAGES}
    inside = _TIME_INSIDE.get()
    out = {}
    for lang in LANGUAGES:
        pre, mid, post = verb_group(c, lang)
        head = root([*pre, *mid, *post])
        t = attach(time[lang], head) if time else []
        subj = attach(subject[lang], head, "nsubj")
        ob = attach(obj[lang], head, "obj")
        front, end = ([], t) if inside else (t, [])
        if lang == "ar":
            ordered = [*front, *pre, *subj, *ob]
        elif lang == "de" and inside:
            ordered, end = [*subj, *mid, *t, *ob, *post], []
        elif lang == "de" and time:
            ordered = [*t, *mid, *subj, *ob, *post]
        else:
            ordered = [*front, *subj, *mid, *ob, *post]
        out[lang] = ordered + attach(tail[lang], head) + end
    return out
