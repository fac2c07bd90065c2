"""Clauses: the time adverbial, the verb group and the word order of each language.

German puts the finite verb second (after a fronted time adverbial it precedes the subject) and
``nicht`` after the object; Arabic puts the verb before the subject; French builds the passé
composé with avoir or être (the participle agreeing with an être subject). Inside
:func:`time_inside` (used for paraphrases) the time adverbial moves from the front of the clause
to after the German finite verb and to the end of the clause elsewhere.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
from collections.abc import Iterator
from dataclasses import dataclass

from xlprobe.data.synthetic.lexicon import LANGUAGES, Verb, word_tables
from xlprobe.data.synthetic.morphology import arabic_feminine_past, arabic_feminine_present
from xlprobe.data.synthetic.tokens import Token, Tokens, words

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
    (``yesterday``); present: a present or habitual adverb (``now``, ``every day``)."""
    tables = word_tables()
    if past and rng.random() < 0.4:
        if rng.random() < 0.5:
            day = rng.choice(tables.days)
            key = f"t:{day[0]}"
            return {
                "en": [Token("on", "p:on"), Token(day[0], key)],
                "de": [Token("am", "p:on"), Token(day[1], key)],
                "fr": [Token(day[2], key)],
                "es": [Token("el"), Token(day[3], key)],
                "ar": [Token("يوم"), Token(day[4], key)],
            }, False
        month = rng.choice(tables.months)
        key = f"t:{month[0]}"
        preps = {"en": "in", "de": "im", "fr": "en", "es": "en", "ar": "في"}
        return {
            lang: [Token(preps[lang], "p:in"), Token(month[i], key)]
            for i, lang in enumerate(LANGUAGES)
        }, False
    kinds = ("past",) if past else ("present", "habit")
    entry = rng.choice([t for t in tables.times if t[5] in kinds])
    split = [entry[i].split() for i in range(len(LANGUAGES))]
    if len({len(w) for w in split}) == 1:  # every day / jeden Tag / chaque jour: word by word
        keys = [f"t:{entry[0]}:{j}" for j in range(len(split[0]))]
        return {
            lang: [Token(w, k) for w, k in zip(split[i], keys, strict=True)]
            for i, lang in enumerate(LANGUAGES)
        }, entry[5] == "habit"
    key = f"t:{entry[0]}"
    return {lang: words(entry[i], key) for i, lang in enumerate(LANGUAGES)}, entry[5] == "habit"


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
        form = arabic_feminine_past(past_m) if f else past_m
    else:
        form = arabic_feminine_present(present_m) if f else present_m
    negation = [Token("ما" if c.past else "لا", "neg")] if neg else []
    return [*negation, Token(form, key)], [], []


def order_clause(
    c: Clause,
    subject: dict[str, Tokens],
    obj: dict[str, Tokens] | None,
    time: dict[str, Tokens] | None,
    tail: dict[str, Tokens],
) -> dict[str, Tokens]:
    """Order time, subject, verb group, object and tail (adverbs, places) per language.

    The time adverbial comes first; inside :func:`time_inside` (a paraphrase) it comes after
    the finite verb in German and at the end of the clause elsewhere."""
    obj = obj or {lang: [] for lang in LANGUAGES}
    inside = _TIME_INSIDE.get()
    out = {}
    for lang in LANGUAGES:
        pre, mid, post = verb_group(c, lang)
        t = time[lang] if time else []
        front, end = ([], t) if inside else (t, [])
        if lang == "ar":
            ordered = [*front, *pre, *subject[lang], *obj[lang]]
        elif lang == "de" and inside:
            ordered, end = [*subject[lang], *mid, *t, *obj[lang], *post], []
        elif lang == "de" and time:
            ordered = [*t, *mid, *subject[lang], *obj[lang], *post]
        else:
            ordered = [*front, *subject[lang], *mid, *obj[lang], *post]
        out[lang] = ordered + tail[lang] + end
    return out
