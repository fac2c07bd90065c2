"""The logit lens's prompts without a model: concepts two dictionaries share, the few-shot
prompt, sampled shots, a word's tokens, the language pairs and the options."""

from __future__ import annotations

import pytest

from xlprobe.errors import InputError
from xlprobe.probing.dictionary import Dictionary
from xlprobe.probing.probes.logit_lens import (
    LogitLensSettings,
    WordTriple,
    language_name,
    language_pairs,
    sample_prompts,
    translation_prompt,
    word_tokens,
    word_triples,
)

DE = Dictionary(
    {
        "Haus": [("house", 0.9), ("home", 0.1)],
        "Heim": [("house", 0.6)],
        "Maus": [("mouse", 1.0)],
        "Mühle": [("mill", 0.4), ("grinder", 0.3)],
        "Hotel": [("hotel", 1.0)],
        "Berlin": [("Berlin", 1.0)],
        "3": [("3", 1.0)],
        "Hund": [("dog", 1.0)],
    }
)
FR = Dictionary(
    {
        "maison": [("house", 1.0)],
        "souris": [("mouse", 0.7)],
        "moulin": [("mill", 0.9)],
        "hôtel": [("hotel", 1.0)],
        "Berlin": [("Berlin", 1.0)],
        "3": [("3", 1.0)],
        "chat": [("cat", 1.0)],
    }
)


def test_triples_are_the_concepts_both_dictionaries_translate_best():
    triples = word_triples(DE, FR, min_prob=0.5)
    assert triples == [
        WordTriple("Hotel", "hôtel", "hotel"),
        WordTriple("Haus", "maison", "house"),  # Haus (0.9) beats Heim (0.6)
        WordTriple("Maus", "souris", "mouse"),
    ]
    # mill: Mühle's best translation has 0.4 < min_prob; Berlin is the same in all three,
    # 3 is no word, dog and cat have one side only
    assert WordTriple("Mühle", "moulin", "mill") in word_triples(DE, FR, min_prob=0.4)


def test_a_target_spelled_like_the_source_is_no_translation():
    same = Dictionary({"Hotel": [("hotel", 1.0)], "Taxi": [("cab", 1.0)]})
    assert word_triples(DE, same) == []  # Hotel -> Hotel copies the source


def test_repetition_triples_repeat_the_source_word():
    triples = word_triples(DE, None, min_prob=0.5)
    assert [t.source for t in triples] == ["Hund", "Hotel", "Haus", "Maus"]
    assert all(t.target == t.source for t in triples)


def test_prompt_lists_the_shots_then_asks_for_the_target():
    shots = [WordTriple("Maus", "souris", "mouse"), WordTriple("Hund", "chien", "dog")]
    text = translation_prompt(shots, WordTriple("Haus", "maison", "house"), ("Deutsch", "Français"))
    assert text.split("\n") == [
        "Deutsch: Maus - Français: souris",
        "Deutsch: Hund - Français: chien",
        "Deutsch: Haus - Français:",
    ]


def test_sampled_shots_are_distinct_other_concepts_and_seeded():
    triples = [WordTriple(f"s{i}", f"t{i}", f"e{i}") for i in range(12)]
    sampled = sample_prompts(triples, n=8, shots=3, seed=(0, 1))
    assert len({query for query, _ in sampled}) == 8
    for query, shots in sampled:
        assert len(set(shots)) == 3 and query not in shots
    assert sample_prompts(triples, n=8, shots=3, seed=(0, 1)) == sampled
    assert sample_prompts(triples, n=8, shots=3, seed=(0, 2)) != sampled
    assert len(sample_prompts(triples, n=50, shots=3, seed=0)) == 12
    assert sample_prompts(triples[:3], n=5, shots=3, seed=0) == []


def test_a_words_tokens_are_its_first_token_and_its_prefixes():
    index = {"m": [4], "ma": [5], "mais": [6], "maison": [7], "o": [8], "house": [9], "▁ma": [10]}
    assert word_tokens("maison", 1, index) == {1, 4, 5, 6, 7}
    assert word_tokens("maison", 1, None) == {1}


def test_pairs_default_to_every_probed_language_and_refuse_the_pivot():
    dictionaries = {"de-en": DE, "fr-en": FR}
    pairs = language_pairs(LogitLensSettings(), ["de", "fr"], "en", dictionaries)
    assert pairs == [("de", "de"), ("de", "fr"), ("fr", "de"), ("fr", "fr")]
    chosen = LogitLensSettings(sources=("de",), targets=("fr",))
    assert language_pairs(chosen, ["de", "fr"], "en", dictionaries) == [("de", "fr")]
    with pytest.raises(InputError, match=r"probe\.logit_lens\.targets=\['en'\]: the pivot 'en'"):
        language_pairs(LogitLensSettings(targets=("en",)), ["de"], "en", dictionaries)
    with pytest.raises(InputError, match=r"probe\.logit_lens\.sources: no es-en dictionary"):
        language_pairs(LogitLensSettings(sources=("es",)), ["de"], "en", dictionaries)


def test_languages_are_named_in_themselves_unless_the_options_say_otherwise():
    assert language_name("fr", {}) == "Français"
    assert language_name("fr", {"fr": "French"}) == "French"
    assert language_name("fi", {}) == "Finnish"  # the registry's English name
    assert language_name("xx-unknown", {}) == "xx-unknown"


def test_bad_options_are_one_line_naming_them():
    with pytest.raises(InputError, match=r"probe\.logit_lens\.tokens='all'"):
        LogitLensSettings(tokens="all")
    with pytest.raises(InputError, match=r"probe\.logit_lens\.n_prompts"):
        LogitLensSettings(n_prompts=0)
