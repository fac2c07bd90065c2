"""Dictionaries built from the synthetic parallel corpus recover its true translations.

Four eflomal runs on 2000 sentence pairs: about 2 s each on an idle core.
"""

from __future__ import annotations

from collections import Counter

import pytest

from xlprobe.data.synthetic import generate_corpus
from xlprobe.probing.alignment import build_dictionaries
from xlprobe.probing.dictionary import Dictionary

N_SENTENCES = 2000
MIN_FREQUENCY = 5


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(N_SENTENCES, seed=0)


def top1_accuracy(d: Dictionary, sentences: list[str], truth: dict[str, set[str]]) -> float:
    """Share of source words seen >= MIN_FREQUENCY times whose top translation is a true one."""
    frequency = Counter(word for sentence in sentences for word in sentence.split())
    words = [word for word, n in frequency.items() if n >= MIN_FREQUENCY]
    correct = sum(
        1
        for word in words
        if word in d.translations and d.translations[word][0][0] in truth.get(word, set())
    )
    return correct / len(words)


@pytest.mark.slow
@pytest.mark.parametrize("src", ["de", "fr", "es", "ar"])
def test_top1_translation_is_true_for_most_frequent_words_both_directions(corpus, src):
    built = build_dictionaries(corpus.sentences[src], corpus.sentences["en"])
    forward = top1_accuracy(built.forward, corpus.sentences[src], corpus.lexicon(src, "en"))
    reverse = top1_accuracy(built.reverse, corpus.sentences["en"], corpus.lexicon("en", src))
    assert forward >= 0.9, f"{src}->en top-1 accuracy {forward:.3f}"
    assert reverse >= 0.9, f"en->{src} top-1 accuracy {reverse:.3f}"
    assert built.n_pairs == N_SENTENCES
    assert built.n_skipped_empty == built.n_skipped_long == 0
