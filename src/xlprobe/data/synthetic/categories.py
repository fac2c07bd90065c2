"""Semantic categories of the synthetic world's words, for labelling latent concepts.

:func:`word_categories` maps every word form of the word tables, in every language, to its
category (the noun's class, ``verb``, ``emotion``, ``city``, ...). Pass it as ``categories`` to
:func:`xlprobe.probing.concept_labels.label_concept`: a concept most of whose words share a
category gets the semantic label ``category:<name>``.
"""

from __future__ import annotations

from collections.abc import Iterable

from xlprobe.data.synthetic.lexicon import word_tables

NOUN_CLASSES = {
    "a": "animal",
    "f": "food",
    "t": "thing",
    "c": "clothing",
    "v": "vehicle",
    "p": "place",
    "n": "nature",
    "b": "body part",
    "k": "kin",
}
"""Names of the noun class letters of the word tables (:mod:`~xlprobe.data.synthetic.lexicon`)."""
_DE_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")


def word_categories() -> dict[str, str]:
    """Word -> category of the synthetic world's word tables, in every language: ``attribute``
    / ``quality`` / ``emotion`` adjectives (their agreement forms and German declined forms),
    nouns by their first class (:data:`NOUN_CLASSES`, singular and plural), ``verb``, ``job``,
    ``time``, ``day``, ``month``, ``manner``, ``first name``, ``surname``, ``city``,
    ``country`` and ``organization``. A word listed under two categories keeps the first."""
    tables = word_tables()
    categories: dict[str, str] = {}

    def add(words: Iterable[str], category: str) -> None:
        for word in words:
            for part in str(word).replace("/", " ").split():
                categories.setdefault(part, category)

    for name, adjectives in (
        ("attribute", tables.attributes),
        ("quality", tables.qualities),
        ("emotion", tables.emotions),
    ):
        for a in adjectives:
            add([a.en, a.de, *a.fr, *a.es, *a.ar], name)
            add([a.de_stem + ending for ending in _DE_ADJECTIVE_ENDINGS], name)
    for noun in tables.nouns:
        add([*noun.sg.values(), *noun.pl.values()], NOUN_CLASSES.get(noun.classes[:1], "noun"))
    for verb in [*tables.transitive, *tables.intransitive]:
        add([*verb.en, *verb.de, *verb.fr[:3], *verb.es, *verb.ar], "verb")
    for name, rows in (
        ("job", tables.jobs),
        ("time", tables.times),
        ("day", tables.days),
        ("month", tables.months),
        ("manner", tables.manners),
        ("first name", tables.first_names),
        ("surname", tables.surnames),
        ("city", tables.cities),
        ("country", tables.countries),
        ("organization", tables.organizations),
    ):
        for cells in rows:
            # a last cell of a few lower-case ASCII letters is a tag (gender, tense), not a word
            tagged = len(cells) > 2 and cells[-1].isascii() and cells[-1].islower()
            add(cells[:-1] if tagged else cells, name)
    return categories
