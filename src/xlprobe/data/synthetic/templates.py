"""The sentence templates of the synthetic world; :data:`TEMPLATES` is what the generator draws
from (a template listed twice is drawn twice as often).

Each template takes the random generator and returns a :class:`Sentence` in every language with
its sentiment (from its emotion or evaluative adjective). This module is one catalogue of
templates, each a self-contained function; it is longer than the others for that reason only.
"""

from __future__ import annotations

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
    conjunction_and,
    conjunction_because,
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
)
from xlprobe.data.synthetic.tokens import Sentence, Token, empty, join, words


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
        obj = join(obj, conjunction_and, other)
    time, habit = time_adverbial(rng, past) if rng.random() < 0.5 else (None, False)
    # the Arabic verb before a coordinated subject agrees with the first person, in the singular
    gender = {"fr": people[0].gender, "ar": people[0].gender}
    clause = Clause(verb, past, habit, negated, len(people) > 1, gender)
    tail = empty()
    if not negated and rng.random() < 0.3:
        manner = rng.choice(word_tables().manners)
        tail = join(
            tail, {lang: words(manner[i], f"adv:{manner[0]}") for i, lang in enumerate(LANGUAGES)}
        )
    if not negated and rng.random() < 0.3:
        tail = join(tail, in_city_or_country(rng))
    elif not negated and rng.random() < 0.3:
        tail = join(tail, location_phrase(rng))
    subject = {lang: person_tokens(people[0], lang) for lang in LANGUAGES}
    if len(people) > 1:
        subject = join(
            subject, conjunction_and, {lang: person_tokens(people[1], lang) for lang in LANGUAGES}
        )
    main = order_clause(clause, subject, obj, time, tail)
    if len(people) == 1 and rng.random() < 0.5:
        emotion = pick_polar(rng, word_tables().emotions)
        rest = join(conjunction_and, feels(people[0], emotion, past, name=False))
        return Sentence(join(main, rest), emotion.polarity)
    quality = pick_polar(rng, word_tables().qualities)
    again = noun_phrase(NounPhrase(noun, "def", np.plural))
    rest = join(
        conjunction_because, is_quality(again, noun, np.plural, quality, past, subordinate=True)
    )
    return Sentence(join(main, rest), quality.polarity)


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
    rest = join(conjunction_and, feels(pick_person(rng), emotion, past, name=True))
    return Sentence(join(main, rest), emotion.polarity)


def _existential(rng: random.Random) -> Sentence:
    """There is a/are three (ADJ) NOUN(S) under/behind the X, and PER is EMOTION."""
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
        "ar": ["كان", "هناك"] if past else ["هناك"],
    }
    main = join(
        {lang: [Token(w) for w in there[lang]] for lang in LANGUAGES},
        noun_phrase(np, de_case="acc"),
        location_phrase(rng),
    )
    emotion = pick_polar(rng, word_tables().emotions)
    rest = join(conjunction_and, feels(pick_person(rng), emotion, past, name=True))
    return Sentence(join(main, rest), emotion.polarity)


def _possession(rng: random.Random) -> Sentence:
    """PER has a/three (ADJ) THING(S) | brothers, or the ANIMAL has a long tail; and ... EMOTION."""
    past = rng.random() < 0.5
    emotion = pick_polar(rng, word_tables().emotions)
    owner_is_animal = rng.random() < 0.3
    if owner_is_animal:
        animal = rng.choice(nouns_of("a"))
        owner = noun_phrase(NounPhrase(animal, "def", False))
        noun = rng.choice(nouns_of("b"))
        np = random_noun_phrase(rng, noun, ("indef", "count"), adj_p=0.7)
        rest = join(conjunction_and, feels(pick_person(rng), emotion, past, name=True))
    else:
        person = pick_person(rng)
        owner = {lang: person_tokens(person, lang) for lang in LANGUAGES}
        noun = rng.choice(nouns_of("aftcvk"))
        np = random_noun_phrase(
            rng, noun, ("indef", "count"), adj_p=0 if "k" in noun.classes else 0.5
        )
        rest = join(conjunction_and, feels(person, emotion, past, name=False))
    have = {
        "en": "had" if past else "has",
        "de": "hatte" if past else "hat",
        "fr": "avait" if past else "a",
        "es": "tenía" if past else "tiene",
    }
    possessed = noun_phrase(np, de_case="acc")
    main = {lang: [*owner[lang], Token(have[lang], "v:have"), *possessed[lang]] for lang in have}
    main["ar"] = [
        *([Token("كان")] if past else []),
        Token("لدى", "v:have"),
        *owner["ar"],
        *possessed["ar"],
    ]
    return Sentence(join(main, rest), emotion.polarity)


def _numbers(rng: random.Random) -> Sentence:
    """PER is EMOTION because N is an even/odd number | because N is greater/smaller than M."""
    person = pick_person(rng)
    emotion = pick_polar(rng, word_tables().emotions)
    past = rng.random() < 0.5
    n = rng.randint(1, 99)
    first = number_tokens(n, ar_case="acc")  # the subject of لأن is accusative
    if rng.random() < 0.5:
        even = n % 2 == 0
        akey = "a:even" if even else "a:odd"
        predicate = {
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
        rest = {lang: [*first[lang], *predicate[lang]] for lang in LANGUAGES}
    else:
        m = rng.choice([k for k in range(1, 100) if k != n])
        second = number_tokens(m, ar_case="gen")
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
    main = feels(person, emotion, past, name=True)
    return Sentence(join(main, conjunction_because, rest), emotion.polarity)


def _work(rng: random.Random) -> Sentence:
    """PER works/worked at ORG in PLACE with N colleagues and PRON is/was EMOTION."""
    person = pick_person(rng)
    emotion = pick_polar(rng, word_tables().emotions)
    past = rng.random() < 0.5
    org = rng.choice(word_tables().organizations)
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
    count = number_tokens(n)
    count["ar"] = [Token(arabic_count(n, "m"), f"num:{n}")]  # زميل is masculine: ثلاثة زملاء
    out = {}
    place = in_city_or_country(rng)
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
        name = person_tokens(person, lang)
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
                *name,
                Token("في", "p:at"),
                *org_tokens,
                *tail,
            ]
        else:
            out[lang] = [*name, *works[lang], *org_tokens, *tail]
    rest = join(conjunction_and, feels(person, emotion, past, name=False))
    return Sentence(join(out, rest), emotion.polarity)


def _job(rng: random.Random) -> Sentence:
    """PER is/was a JOB in PLACE and PRON is/was EMOTION."""
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
        subject = person_tokens(person, lang)
        if lang == "ar":
            word = forms["ar"] if f or not past else arabic_accusative(forms["ar"])
            head = [arabic_kana(person.gender), *subject] if past else subject
            out[lang] = [*head, Token(word, key), *place[lang]]
            continue
        article = [Token("a")] if lang == "en" else []
        cop = copula(lang, False, past)
        out[lang] = [*subject, cop, *article, Token(forms[lang], key), *place[lang]]
    rest = join(conjunction_and, feels(person, emotion, past, name=False))
    return Sentence(join(out, rest), emotion.polarity)


def _question(rng: random.Random) -> Sentence:
    """Is/Was the (ADJ) NOUN QUALITY ? (the sentiment is the quality's)."""
    noun = rng.choice(nouns_of("aftcvpn"))
    np = random_noun_phrase(rng, noun, ("def",))
    past, quality = rng.random() < 0.5, pick_polar(rng, word_tables().qualities)
    phrase = noun_phrase(np)
    statement = is_quality(phrase, noun, np.plural, quality, past, subordinate=False)
    out = {}
    for lang in LANGUAGES:
        ordered = statement[lang]
        n = len(phrase[lang])
        if lang in ("en", "de", "es"):  # copula first: is the cat dangerous ?
            ordered = [ordered[n], *ordered[:n], ordered[n + 1]]
        prefix = {
            "fr": [Token("est-ce"), Token("que")],
            "es": [Token("¿", "?")],
            "ar": [Token("هل")],
        }
        question_mark = Token("؟" if lang == "ar" else "?", "?")
        out[lang] = [*prefix.get(lang, []), *ordered, question_mark]
    return Sentence(out, quality.polarity)


def _feeling(rng: random.Random) -> Sentence:
    """PER is/was EMOTION because the (ADJ) NOUN is/was QUALITY (the same polarity)."""
    person, past = pick_person(rng), rng.random() < 0.5
    emotion = pick_polar(rng, word_tables().emotions)
    quality = pick_polar(rng, word_tables().qualities, emotion.polarity)
    noun = rng.choice(nouns_of("aftcvpn"))
    np = random_noun_phrase(rng, noun, ("def",))
    because = is_quality(noun_phrase(np), noun, np.plural, quality, past, subordinate=True)
    return Sentence(
        join(feels(person, emotion, past, name=True), conjunction_because, because),
        emotion.polarity,
    )


def _ranking(rng: random.Random) -> Sentence:
    """PER finished in Nth place and PRON was EMOTION (ordinals 1-99)."""
    person, emotion = pick_person(rng), pick_polar(rng, word_tables().emotions)
    n = rng.randint(1, 99)
    okey = f"ord:{n}"
    f = person.gender == "f"
    place = {
        "en": [
            Token("finished", "v:finish"),
            Token("in", "p:in"),
            Token(ordinal_en(n), okey),
            Token("place", "n:place"),
        ],
        "de": [
            Token("landete", "v:finish"),
            Token("auf"),
            Token("dem"),
            Token(ordinal_de(n) + "en", okey),
            Token("Platz", "n:place"),
        ],
        "fr": [
            Token("a"),
            Token("terminé", "v:finish"),
            Token("à"),
            Token("la"),
            Token(ordinal_fr(n), okey),
            Token("place", "n:place"),
        ],
    }
    if n <= 10:  # Spanish: ordinals up to décimo before the noun, cardinals after it above
        ranked = [Token(ordinal_es(n), okey), Token("puesto", "n:place")]
    else:
        ranked = [
            Token("puesto", "n:place"),
            *(Token(t.word, t.key and okey) for t in number_tokens(n)["es"]),
        ]
    place["es"] = [Token("terminó", "v:finish"), Token("en", "p:in"), Token("el"), *ranked]
    out = {lang: [*person_tokens(person, lang), *place[lang]] for lang in place}
    out["ar"] = [
        Token("حلت" if f else "حل", "v:finish"),
        *person_tokens(person, "ar"),
        Token("في", "p:in"),
        Token("المركز", "n:place"),
        Token(ordinal_ar(n), okey),
    ]
    rest = join(conjunction_and, feels(person, emotion, True, name=False))
    return Sentence(join(out, rest), emotion.polarity)


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
