"""The sentence templates of the synthetic world; :data:`TEMPLATES` is what the generator draws
from (a template listed twice is drawn twice as often).

Why one long module: it is data, ten templates with their trees in five languages.

Each template takes the random generator and returns a :class:`Sentence` in every language with
its sentiment (from its emotion or evaluative adjective) and its dependency tree: clauses joined
by ``and`` are ``conj`` of the first clause's head, a ``because`` clause its ``advcl`` (see
:mod:`~xlprobe.data.synthetic.tokens`). This module is one catalogue of templates, each a
self-contained function; it is longer than the others for that reason only.

:data:`TOPICS` gives each template its topic (seven, like SIB-200's): what a sentence is about,
which its template decides.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

from xlprobe.data.synthetic.clauses import Clause, order_clause, time_adverbial
from xlprobe.data.synthetic.lexicon import LANGUAGES, Noun, word_tables
from xlprobe.data.synthetic.morphology import arabic_accusative, arabic_gender
from xlprobe.data.synthetic.numbers import (
    arabic_count,
    number_tokens,
    ordinal_ar,
    ordinal_de,
    ordinal_en,
    ordinal_es,
    ordinal_fr,
)
from xlprobe.data.synthetic.phrases import (
    NounPhrase,
    arabic_kana,
    coordinate,
    copula,
    feels,
    in_city_or_country,
    is_quality,
    location_phrase,
    noun_phrase,
    nouns_of,
    person_tokens,
    pick_person,
    pick_polar,
    random_noun_phrase,
    subordinate,
)
from xlprobe.data.synthetic.tokens import (
    Sentence,
    Token,
    Tokens,
    as_,
    attach,
    empty,
    join,
    root,
    words,
)


def _object_np(rng: random.Random, noun: Noun, negated: bool) -> NounPhrase:
    # animals are objects only when counted (Spanish would need the personal "a" otherwise)
    dets = ("count",) if "a" in noun.classes else (("def",) if negated else ("def", "def", "count"))
    return random_noun_phrase(rng, noun, dets, adj_p=0.6)


def _transitive(rng: random.Random) -> Sentence:
    """[time] PER [and PER] (does not) VERB the/three (ADJ) OBJECT [and OBJECT] [manner]
    [in PLACE], and PRON is EMOTION | because the OBJECT is QUALITY."""
    people = [pick_person(rng)]
    if rng.random() < 0.3:
        people.append(pick_person(rng))
    verb = rng.choice(word_tables().transitive)
    past, negated = rng.random() < 0.5, rng.random() < 0.3
    noun = rng.choice(nouns_of(verb.classes))
    np = _object_np(rng, noun, negated)
    obj = noun_phrase(np, de_case="acc")
    if rng.random() < 0.3:  # the apples and the pears
        other = noun_phrase(
            _object_np(rng, rng.choice(nouns_of(verb.classes)), negated), de_case="acc"
        )
        obj = coordinate(obj, other)
    time, habit = time_adverbial(rng, past) if rng.random() < 0.5 else (None, False)
    # the Arabic verb before a coordinated subject agrees with the first person, in the singular
    gender = {"fr": people[0].gender, "ar": people[0].gender}
    clause = Clause(verb, past, habit, negated, len(people) > 1, gender)
    tail = empty()
    if not negated and rng.random() < 0.3:
        manner = rng.choice(word_tables().manners)
        key = f"adv:{manner[0]}"
        tail = join(
            tail,
            {lang: words(manner[i], key, "ADV", "advmod") for i, lang in enumerate(LANGUAGES)},
        )
    if not negated and rng.random() < 0.3:
        tail = join(tail, in_city_or_country(rng))
    elif not negated and rng.random() < 0.3:
        tail = join(tail, location_phrase(rng))
    subject = {lang: person_tokens(people[0], lang) for lang in LANGUAGES}
    if len(people) > 1:
        subject = coordinate(subject, {lang: person_tokens(people[1], lang) for lang in LANGUAGES})
    main = order_clause(clause, subject, obj, time, tail)
    if len(people) == 1 and rng.random() < 0.5:
        emotion = pick_polar(rng, word_tables().emotions)
        return Sentence(
            coordinate(main, feels(people[0], emotion, past, name=False)), emotion.polarity
        )
    quality = pick_polar(rng, word_tables().qualities)
    again = noun_phrase(NounPhrase(noun, "def", np.plural))
    because = is_quality(again, noun, np.plural, quality, past, subordinate=True)
    return Sentence(subordinate(main, because), quality.polarity)


def _intransitive(rng: random.Random) -> Sentence:
    """[time] the (ADJ) ANIMAL(S) VERB [under/behind the X] and PER was EMOTION."""
    noun, verb = rng.choice(nouns_of("a")), rng.choice(word_tables().intransitive)
    np = random_noun_phrase(rng, noun, ("def",))
    past = rng.random() < 0.5
    time, habit = time_adverbial(rng, past) if rng.random() < 0.5 else (None, False)
    gender = {"fr": noun.gender["fr"], "ar": arabic_gender(noun, np.plural)}
    clause = Clause(verb, past, habit, False, np.plural, gender)
    tail = location_phrase(rng) if rng.random() < 0.85 else empty()
    main = order_clause(clause, noun_phrase(np), None, time, tail)
    emotion = pick_polar(rng, word_tables().emotions)
    rest = feels(pick_person(rng), emotion, past, name=True)
    return Sentence(coordinate(main, rest), emotion.polarity)


def _existential(rng: random.Random) -> Sentence:
    """There is a/are three (ADJ) NOUN(S) under/behind the X, and PER is EMOTION.

    The existential verb heads the clause (``there``, ``es``, ``il y`` its ``expl``); the noun
    phrase is its ``nsubj`` in English, its ``obj`` in German, French and Spanish. Arabic has no
    verb: the noun heads, ``هناك`` its ``advmod``, ``كان`` its ``cop``."""
    noun = rng.choice(nouns_of("aftcv"))
    np = random_noun_phrase(rng, noun, ("indef", "count"))
    past = rng.random() < 0.5
    there = {
        "en": [
            "there",
            ("were" if np.plural else "was") if past else ("are" if np.plural else "is"),
        ],
        "de": ["es", "gab" if past else "gibt"],
        "fr": ["il", "y", "avait" if past else "a"],
        "es": ["había" if past else "hay"],
    }
    phrase = noun_phrase(np, de_case="acc")
    location = location_phrase(rng)
    main: dict[str, Tokens] = {}
    for lang, (*expletives, word) in there.items():
        verb = Token(word, upos="VERB", deprel="root")
        expl = [Token(w, upos="PRON", deprel="expl").under(verb) for w in expletives]
        relation = "nsubj" if lang == "en" else "obj"
        main[lang] = [
            *expl,
            verb,
            *attach(phrase[lang], verb, relation),
            *attach(location[lang], verb),
        ]
    head = root(phrase["ar"])
    existential = [Token("هناك", upos="ADV", deprel="advmod").under(head)]
    if past:
        existential = [Token("كان", upos="AUX", deprel="cop").under(head), *existential]
    main["ar"] = [*existential, *as_(phrase["ar"], "root"), *attach(location["ar"], head)]
    emotion = pick_polar(rng, word_tables().emotions)
    rest = feels(pick_person(rng), emotion, past, name=True)
    return Sentence(coordinate(main, rest), emotion.polarity)


def _possession(rng: random.Random) -> Sentence:
    """PER has a/three (ADJ) THING(S) | brothers, or the ANIMAL has a long tail; and ... EMOTION.

    ``have`` heads the clause with the owner as ``nsubj`` and the possessed as ``obj``; Arabic
    ``لدى X Y`` (at X, Y) makes the possessed the head, the owner its ``obl`` with ``لدى`` as
    ``case``, and ``كان`` its ``cop``."""
    past = rng.random() < 0.5
    emotion = pick_polar(rng, word_tables().emotions)
    owner_is_animal = rng.random() < 0.3
    if owner_is_animal:
        animal = rng.choice(nouns_of("a"))
        owner = noun_phrase(NounPhrase(animal, "def", False))
        noun = rng.choice(nouns_of("b"))
        np = random_noun_phrase(rng, noun, ("indef", "count"), adj_p=0.7)
        rest = feels(pick_person(rng), emotion, past, name=True)
    else:
        person = pick_person(rng)
        owner = {lang: person_tokens(person, lang) for lang in LANGUAGES}
        noun = rng.choice(nouns_of("aftcvk"))
        np = random_noun_phrase(
            rng, noun, ("indef", "count"), adj_p=0 if "k" in noun.classes else 0.5
        )
        rest = feels(person, emotion, past, name=False)
    have = {
        "en": "had" if past else "has",
        "de": "hatte" if past else "hat",
        "fr": "avait" if past else "a",
        "es": "tenía" if past else "tiene",
    }
    possessed = noun_phrase(np, de_case="acc")
    main: dict[str, Tokens] = {}
    for lang, word in have.items():
        verb = Token(word, "v:have", upos="VERB", deprel="root")
        subject, obj = attach(owner[lang], verb, "nsubj"), attach(possessed[lang], verb, "obj")
        main[lang] = [*subject, verb, *obj]
    head = root(possessed["ar"])
    owner_head = root(owner["ar"])
    main["ar"] = [
        *([Token("كان", upos="AUX", deprel="cop").under(head)] if past else []),
        Token("لدى", "v:have", upos="ADP", deprel="case").under(owner_head),
        *attach(owner["ar"], head, "obl"),
        *as_(possessed["ar"], "root"),
    ]
    return Sentence(coordinate(main, rest), emotion.polarity)


def _headed(words: list[tuple[str, str | None, str, str]]) -> Tokens:
    """A phrase from ``(word, key, upos, deprel)`` rows: the row whose relation is ``head``
    heads it (left unattached, preset ``root``), every other row is attached to it."""
    head = next(Token(w, k, upos=u, deprel="root") for w, k, u, d in words if d == "head")
    return [
        head if d == "head" else Token(w, k, upos=u, deprel=d).under(head) for w, k, u, d in words
    ]


def _numbers(rng: random.Random) -> Sentence:
    """PER is EMOTION because N is an even/odd number | because N is greater/smaller than M.

    The ``because`` clause is headed by ``number`` (``N`` its ``nsubj``, ``even`` its ``amod``)
    or by ``greater`` (``N`` its ``nsubj``, ``M`` its ``obl`` with ``than`` as ``case``)."""
    person = pick_person(rng)
    emotion = pick_polar(rng, word_tables().emotions)
    past = rng.random() < 0.5
    n = rng.randint(1, 99)
    first = number_tokens(n, ar_case="acc")  # the subject of لأن is accusative
    be = ("v:be", "AUX", "cop")
    if rng.random() < 0.5:
        even = n % 2 == 0
        akey = "a:even" if even else "a:odd"
        adj = ("ADJ", "amod")
        number, a = ("n:number", "NOUN", "head"), ("d:a", "DET", "det")
        predicate = {
            "en": [
                ("is", *be),
                ("a", *a),
                ("even" if even else "odd", akey, *adj),
                ("number", *number),
            ],
            "de": [
                ("eine", *a),
                ("gerade" if even else "ungerade", akey, *adj),
                ("Zahl", *number),
                ("ist", *be),
            ],
            "fr": [
                ("est", *be),
                ("un", *a),
                ("nombre", *number),
                ("pair" if even else "impair", akey, *adj),
            ],
            "es": [
                ("es", *be),
                ("un", *a),
                ("número", *number),
                ("par" if even else "impar", akey, *adj),
            ],
            "ar": [("عدد", *number), ("زوجي" if even else "فردي", akey, *adj)],
        }
        rest = {}
        for lang in LANGUAGES:
            clause = _headed(predicate[lang])
            rest[lang] = [*attach(first[lang], root(clause), "nsubj"), *clause]
    else:
        m = rng.choice([k for k in range(1, 100) if k != n])
        second = number_tokens(m, ar_case="gen")
        greater = n > m
        ckey = "a:greater" if greater else "a:smaller"
        comparative = (ckey, "ADJ", "head")
        than = ("p:than", "ADP", "case")
        comp = {
            "en": [
                ("is", *be),
                ("greater" if greater else "smaller", *comparative),
                ("than", *than),
            ],
            "de": [("größer" if greater else "kleiner", *comparative), ("als", *than)],
            "fr": [
                ("est", *be),
                ("supérieur" if greater else "inférieur", *comparative),
                ("à", None, "ADP", "case"),
            ],
            "es": [
                ("es", *be),
                ("mayor" if greater else "menor", *comparative),
                ("que", "p:than", "SCONJ", "case"),
            ],
            "ar": [("أكبر" if greater else "أصغر", *comparative), ("من", *than)],
        }
        rest = {}
        for lang in LANGUAGES:
            clause = _headed(comp[lang])
            head = root(clause)
            case = clause[-1]  # than / als / à / que / من: the case of the second number
            rest[lang] = [
                *attach(first[lang], head, "nsubj"),
                *clause[:-1],
                case.under(root(second[lang])),
                *attach(second[lang], head, "obl"),
            ]
        cop = Token("ist", "v:be", upos="AUX", deprel="cop")
        rest["de"].append(cop.under(root(rest["de"])))
    main = feels(person, emotion, past, name=True)
    return Sentence(subordinate(main, rest), emotion.polarity)


def _org_tokens(words: list[str], keys: list[str]) -> Tokens:
    """An organization's name: ``PROPN`` words tagged ``B-ORG I-ORG``, the first heading the
    others as ``flat`` (left unattached, preset ``obl``)."""
    head = Token(words[0], keys[0], "B-ORG", "PROPN", "obl")
    rest = [
        Token(w, k, "I-ORG", "PROPN", "flat").under(head)
        for w, k in zip(words[1:], keys[1:], strict=True)
    ]
    return [head, *rest]


def _work(rng: random.Random) -> Sentence:
    """PER works/worked at ORG in PLACE with N colleagues and PRON is/was EMOTION.

    ``works`` heads the clause: the person its ``nsubj``; the organization, the place and the
    colleagues its ``obl`` (each with its preposition as ``case``)."""
    person = pick_person(rng)
    emotion = pick_polar(rng, word_tables().emotions)
    past = rng.random() < 0.5
    org = rng.choice(word_tables().organizations)
    en_words, ar_words = org[0].split(), org[1].split()
    keys = [f"org:{w}" for w in en_words]
    ar_keys = keys[::-1] if org[2] == "r" else keys
    n = rng.randint(3, 10)
    f = person.gender == "f"
    works = {
        "en": "worked" if past else "works",
        "de": "arbeitete" if past else "arbeitet",
        "fr": "travaillé" if past else "travaille",
        "es": "trabajó" if past else "trabaja",
        "ar": ("عملت" if f else "عمل") if past else ("تعمل" if f else "يعمل"),
    }
    at = {"en": "at", "de": "bei", "fr": "chez", "es": "en", "ar": "في"}
    with_word = {"en": "with", "de": "mit", "fr": "avec", "es": "con", "ar": "مع"}
    colleagues = {
        "en": "colleagues",
        "de": "Kollegen",
        "fr": "collègues",
        "es": "colegas",
        "ar": "زملاء",
    }
    count = number_tokens(n)
    # زميل is masculine: ثلاثة زملاء
    count["ar"] = [Token(arabic_count(n, "m"), f"num:{n}", upos="NUM", deprel="nummod")]
    out = {}
    place = in_city_or_country(rng)
    for lang in LANGUAGES:
        verb = Token(works[lang], "v:work", upos="VERB", deprel="root")
        aux = [Token("a", upos="AUX", deprel="aux").under(verb)] if lang == "fr" and past else []
        org_tokens = _org_tokens(
            ar_words if lang == "ar" else en_words, ar_keys if lang == "ar" else keys
        )
        prep = Token(at[lang], "p:at", upos="ADP", deprel="case").under(org_tokens[0])
        name = attach(person_tokens(person, lang), verb, "nsubj")
        colleague = Token(colleagues[lang], "n:colleague", upos="NOUN", deprel="obl")
        tail = [
            *attach(place[lang], verb),
            Token(with_word[lang], "p:with", upos="ADP", deprel="case").under(colleague),
            *attach(count[lang], colleague),
            colleague.under(verb),
        ]
        at_org = [prep, *attach(org_tokens, verb)]
        if lang == "ar":
            out[lang] = [verb, *name, *at_org, *tail]
        else:
            out[lang] = [*name, *aux, verb, *at_org, *tail]
    rest = feels(person, emotion, past, name=False)
    return Sentence(coordinate(out, rest), emotion.polarity)


def _job(rng: random.Random) -> Sentence:
    """PER is/was a JOB in PLACE and PRON is/was EMOTION.

    The profession (``NOUN``) heads the clause: the person its ``nsubj``, the copula its
    ``cop``, the place its ``obl``."""
    person = pick_person(rng)
    emotion = pick_polar(rng, word_tables().emotions)
    past = rng.random() < 0.5
    job = rng.choice(word_tables().jobs)
    f = person.gender == "f"
    key = f"j:{job[0]}"
    forms = {
        lang: job[i].split("/")[f] if lang != "en" else job[0] for i, lang in enumerate(LANGUAGES)
    }
    place = in_city_or_country(rng)
    out = {}
    for lang in LANGUAGES:
        if lang == "ar":
            word = forms["ar"] if f or not past else arabic_accusative(forms["ar"])
        else:
            word = forms[lang]
        profession = Token(word, key, upos="NOUN", deprel="root")
        subject = attach(person_tokens(person, lang), profession, "nsubj")
        where = attach(place[lang], profession)
        if lang == "ar":
            kana = [arabic_kana(person.gender).under(profession)] if past else []
            out[lang] = [*kana, *subject, profession, *where]
            continue
        article = [Token("a", upos="DET", deprel="det").under(profession)] if lang == "en" else []
        cop = copula(lang, False, past).under(profession)
        out[lang] = [*subject, cop, *article, profession, *where]
    rest = feels(person, emotion, past, name=False)
    return Sentence(coordinate(out, rest), emotion.polarity)


def _question(rng: random.Random) -> Sentence:
    """Is/Was the (ADJ) NOUN QUALITY ? (the sentiment is the quality's).

    The quality heads the question; ``?``, ``¿`` are its ``punct``, French ``est-ce`` (with
    ``que`` ``fixed``) and Arabic ``هل`` its ``advmod``."""
    noun = rng.choice(nouns_of("aftcvpn"))
    np = random_noun_phrase(rng, noun, ("def",))
    past, quality = rng.random() < 0.5, pick_polar(rng, word_tables().qualities)
    phrase = noun_phrase(np)
    statement = is_quality(phrase, noun, np.plural, quality, past, subordinate=False)
    out = {}
    for lang in LANGUAGES:
        ordered = statement[lang]
        head = root(ordered)
        n = len(phrase[lang])
        if lang in ("en", "de", "es"):  # copula first: is the cat dangerous ?
            ordered = [ordered[n], *ordered[:n], ordered[n + 1]]
        est_ce = Token("est-ce", upos="ADV", deprel="advmod").under(head)
        prefix = {
            "fr": [est_ce, Token("que", upos="SCONJ", deprel="fixed").under(est_ce)],
            "es": [Token("¿", "?", upos="PUNCT", deprel="punct").under(head)],
            "ar": [Token("هل", upos="PART", deprel="advmod").under(head)],
        }
        question_mark = Token("؟" if lang == "ar" else "?", "?", upos="PUNCT", deprel="punct")
        out[lang] = [*prefix.get(lang, []), *ordered, question_mark.under(head)]
    return Sentence(out, quality.polarity)


def _feeling(rng: random.Random) -> Sentence:
    """PER is/was EMOTION because the (ADJ) NOUN is/was QUALITY (the same polarity)."""
    person, past = pick_person(rng), rng.random() < 0.5
    emotion = pick_polar(rng, word_tables().emotions)
    quality = pick_polar(rng, word_tables().qualities, emotion.polarity)
    noun = rng.choice(nouns_of("aftcvpn"))
    np = random_noun_phrase(rng, noun, ("def",))
    because = is_quality(noun_phrase(np), noun, np.plural, quality, past, subordinate=True)
    return Sentence(subordinate(feels(person, emotion, past, name=True), because), emotion.polarity)


def _ranking(rng: random.Random) -> Sentence:
    """PER finished in Nth place and PRON was EMOTION (ordinals 1-99).

    ``finished`` heads the clause; ``place`` is its ``obl``, the ordinal (``ADJ``) the
    ``amod`` of ``place`` (a Spanish cardinal after ``puesto`` its ``nummod``)."""
    person, emotion = pick_person(rng), pick_polar(rng, word_tables().emotions)
    n = rng.randint(1, 99)
    okey = f"ord:{n}"
    f = person.gender == "f"
    ordinal = (okey, "ADJ", "amod")
    case, det = (None, "ADP", "case"), (None, "DET", "det")
    place_noun = ("n:place", "NOUN", "obl")
    phrases: dict[str, list[tuple[str, str | None, str, str]]] = {
        "en": [("in", "p:in", "ADP", "case"), (ordinal_en(n), *ordinal), ("place", *place_noun)],
        "de": [
            ("auf", *case),
            ("dem", *det),
            (ordinal_de(n) + "en", *ordinal),
            ("Platz", *place_noun),
        ],
        "fr": [("à", *case), ("la", *det), (ordinal_fr(n), *ordinal), ("place", *place_noun)],
        "ar": [("في", "p:in", "ADP", "case"), ("المركز", *place_noun), (ordinal_ar(n), *ordinal)],
    }
    if n <= 10:  # Spanish: ordinals up to décimo before the noun, cardinals after it above
        phrases["es"] = [
            ("en", "p:in", "ADP", "case"),
            ("el", *det),
            (ordinal_es(n), *ordinal),
            ("puesto", *place_noun),
        ]
    else:
        phrases["es"] = [("en", "p:in", "ADP", "case"), ("el", *det), ("puesto", *place_noun)]
    verbs = {
        "en": "finished",
        "de": "landete",
        "fr": "terminé",
        "es": "terminó",
        "ar": "حلت" if f else "حل",
    }
    out = {}
    for lang in LANGUAGES:
        verb = Token(verbs[lang], "v:finish", upos="VERB", deprel="root")
        noun = next(Token(w, k, upos=u, deprel=d) for w, k, u, d in phrases[lang] if u == "NOUN")
        place = [
            noun if u == "NOUN" else Token(w, k, upos=u, deprel=d).under(noun)
            for w, k, u, d in phrases[lang]
        ]
        if lang == "es" and n > 10:
            number = [dataclasses.replace(t, key=t.key and okey) for t in number_tokens(n)["es"]]
            place += attach(number, noun)
        place = attach(place, verb)
        name = attach(person_tokens(person, lang), verb, "nsubj")
        if lang == "ar":
            out[lang] = [verb, *name, *place]
        elif lang == "fr":
            out[lang] = [*name, Token("a", upos="AUX", deprel="aux").under(verb), verb, *place]
        else:
            out[lang] = [*name, verb, *place]
    rest = feels(person, emotion, True, name=False)
    return Sentence(coordinate(out, rest), emotion.polarity)


TEMPLATES: tuple[Callable[[random.Random], Sentence], ...] = (
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

TOPIC_LABELS: tuple[str, ...] = (
    "actions",
    "animals",
    "scenes",
    "possessions",
    "numbers",
    "work",
    "opinions",
)
"""The seven topics of the synthetic world, in label-id order."""

TOPICS: dict[Callable[[random.Random], Sentence], str] = {
    _transitive: "actions",
    _intransitive: "animals",
    _existential: "scenes",
    _possession: "possessions",
    _numbers: "numbers",
    _ranking: "numbers",
    _work: "work",
    _job: "work",
    _question: "opinions",
    _feeling: "opinions",
}
"""The topic of each template's sentences: what a sentence is about is its template's family
(someone doing something to things, animals moving, what there is somewhere, what someone has,
numbers compared or ranked, jobs and workplaces, opinions on qualities), which the words and the
construction of the sentence show in every language."""
