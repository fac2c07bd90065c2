"""Concept labels on constructed concepts: lexical (infix, affix, number, punctuation, names)
and semantic (translations through a dictionary, a shared lexicon category)."""

from __future__ import annotations

import pytest

from xlprobe.data.synthetic import word_categories
from xlprobe.probing.concept_labels import (
    ConceptLabel,
    concept_kind,
    kind_counts,
    label_concept,
)


def types(words: str, lang: str = "en") -> list[tuple[str, str]]:
    return [(w, lang) for w in words.split()]


def names(labels) -> list[str]:
    return [label.name for label in labels]


def test_a_shared_infix_is_a_lexical_label():
    labels = label_concept(types("biology geologist psychological zoology ecologists"))
    assert names(labels) == ["infix:olog"]
    assert labels[0].support == 1.0
    assert concept_kind(labels) == "lexical"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("walking talking singing running dancing", "suffix:ing"),
        ("helpful hopeful careful useful", "suffix:ful"),
        ("teacher teaching teaches teach", "stem:teach"),
        ("Anna Paul Maria Omar", "casing:title"),
        ("NATO UNESCO FIFA OPEC", "casing:upper"),
        (", . ; ! ?", "punctuation"),
    ],
)
def test_lexical_rules(words, expected):
    assert names(label_concept(types(words))) == [expected]


def test_a_shared_string_shorter_than_three_letters_is_no_affix():
    assert label_concept(types("unhappy unclear unknown unfair")) == ()


def test_a_number_concept_with_one_stray_word_is_still_a_number_concept():
    labels = label_concept(types("12 7 1,5 2024 30% seven"))
    assert names(labels) == ["number"]
    assert labels[0].support == pytest.approx(5 / 6)


def test_names_need_a_vocabulary_where_their_lower_case_is_absent():
    words = types("Anna Berlin Paris Omar")
    assert names(label_concept(words, vocabulary={"the", "cat"})) == ["name"]
    # a title-case word whose lower case is a common word is not a name
    assert names(label_concept(words, vocabulary={"anna", "berlin", "paris"})) == ["casing:title"]


def test_a_translation_concept_is_semantic():
    concept = types("rot blau grün gelb", "de") + types("red blue green yellow", "en")
    dictionary = {("de", "en"): {"rot": {"red"}, "blau": {"blue"}, "grün": {"green"}}}
    labels = label_concept(concept, translations=dictionary)
    assert ConceptLabel("semantic", "translation", 0.75) in labels
    assert concept_kind(labels) == "semantic"
    # the same words with a dictionary that links fewer than most of them: no translation label
    sparse = {("de", "en"): {"rot": {"red"}, "blau": {"blue"}}}
    assert "translation" not in names(label_concept(concept, translations=sparse))


def test_one_language_cannot_be_a_translation_concept():
    dictionary = {("de", "en"): {"rot": {"red"}, "blau": {"blue"}, "grün": {"green"}}}
    assert label_concept(types("rot blau grün", "de"), translations=dictionary) == ()


def test_a_shared_lexicon_category_is_semantic():
    categories = {"cat": "animal", "dog": "animal", "horse": "animal", "table": "furniture"}
    labels = label_concept(types("cat dog horse table"), categories=categories)
    assert names(labels) == ["category:animal"]
    assert labels[0].support == 0.75


def test_small_concepts_stay_unlabelled_and_kinds_are_counted_once():
    small = label_concept(types("12 13"))
    assert small == ()
    lexical = label_concept(types("12 13 14"))
    both = (ConceptLabel("lexical", "number", 1.0), ConceptLabel("semantic", "translation", 1.0))
    assert kind_counts([small, lexical, both]) == {"lexical": 1, "semantic": 1, "unlabelled": 1}


def test_an_external_labeller_is_called_only_when_given():
    calls = []

    def labeller(concept):
        calls.append(list(concept))
        return [ConceptLabel("semantic", "llm:colours", 1.0)]

    words = types("crimson scarlet azure teal")
    assert "llm:colours" not in names(label_concept(words))
    assert calls == []
    assert names(label_concept(words, labeller=labeller))[-1] == "llm:colours"
    assert calls == [words]


def test_the_synthetic_lexicon_gives_categories_in_every_language():
    categories = word_categories()
    concept = (
        types("Katze Hunde", "de")
        + types("chats", "fr")
        + types("perro", "es")
        + types("cat", "en")
    )
    assert names(label_concept(concept, categories=categories)) == ["category:animal"]
    colours = types("rot roten", "de") + types("red blue", "en")
    assert names(label_concept(colours, categories=categories)) == ["category:attribute"]
