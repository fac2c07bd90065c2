from __future__ import annotations

import pytest

from xlprobe.data import synthetic
from xlprobe.data.synthetic import LANGUAGES, generate_corpus, write_synthetic_dataset


def test_same_seed_same_corpus_other_seed_other_corpus():
    a, b, c = generate_corpus(50, seed=3), generate_corpus(50, seed=3), generate_corpus(50, seed=4)
    assert a.sentences == b.sentences and a.sentiment == b.sentiment
    assert a.sentences["en"] != c.sentences["en"]


def test_sentences_are_parallel_with_one_tag_per_word():
    corpus = generate_corpus(200, seed=0)
    for lang in LANGUAGES:
        assert len(corpus.sentences[lang]) == 200
        for sentence, tags in zip(corpus.sentences[lang], corpus.ner_tags[lang], strict=True):
            assert sentence and sentence == sentence.strip()
            assert len(sentence.split()) == len(tags)
            assert set(tags) <= set(synthetic.NER_LABELS)
    assert set(corpus.sentiment) == {0, 1}


def test_every_template_orders_all_its_units_in_every_language():
    import random

    rng = random.Random(0)
    for template in synthetic.TEMPLATES:
        for _ in range(20):
            sentence = template(rng)
            for lang in LANGUAGES:
                assert sorted(sentence.orders[lang]) == sorted(sentence.units)


def test_word_order_differs_across_languages():
    corpus = generate_corpus(400, seed=1)
    en = corpus.sentences["en"]
    fr = corpus.sentences["fr"]
    i = next(i for i, s in enumerate(en) if " red " in f" {s} " and s.split()[0] != "the")
    assert en[i].split().index("red") + 1 < len(en[i].split())
    assert "rouge" in fr[i].split()
    noun_fr = fr[i].split()[fr[i].split().index("rouge") - 1]
    assert corpus.lexicon("fr", "en")[noun_fr] == {en[i].split()[en[i].split().index("red") + 1]}


def test_arabic_is_in_arabic_script():
    corpus = generate_corpus(20, seed=0)
    letters = [ch for s in corpus.sentences["ar"] for ch in s if ch.isalpha()]
    assert letters and all("\u0600" <= ch <= "\u06ff" for ch in letters)


def test_lexicon_translates_position_by_position_and_merges_multiword_units():
    corpus = generate_corpus(500, seed=0)
    de_en = corpus.lexicon("de", "en")
    assert de_en["Katze"] == {"cat"}
    assert de_en["der"] == {"the"} and de_en["einen"] == {"a"}
    assert corpus.lexicon("fr", "en")["que"] == {"because"}
    assert corpus.lexicon("en", "de")["the"] == {"der", "die", "das", "dem"}
    assert "the" not in corpus.lexicon("en", "ar")
    assert corpus.lexicon("ar", "en")["قط"] == {"cat"}
    assert corpus.lexicon("ar", "en")["بنك"] == {"Bank"}
    assert corpus.lexicon("en", "ar")["Nova"] == {"نوفا"}
    assert corpus.lexicon("de", "en")["Weber"] == {"Weber"}
    with pytest.raises(ValueError, match="not in corpus languages"):
        corpus.lexicon("de", "it")


def test_sentiment_follows_the_emotion_word():
    corpus = generate_corpus(300, seed=2)
    positive = {
        e["en"] for e, p in zip(synthetic.EMOTIONS, synthetic.EMOTION_POLARITY, strict=True) if p
    }
    negative = {
        e["en"]
        for e, p in zip(synthetic.EMOTIONS, synthetic.EMOTION_POLARITY, strict=True)
        if not p
    }
    for sentence, label in zip(corpus.sentences["en"], corpus.sentiment, strict=True):
        words = set(sentence.split())
        if words & positive:
            assert label == 1
        if words & negative:
            assert label == 0


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="available"):
        generate_corpus(5, languages=("en", "xx"))


def test_dataset_files(tmp_path):
    out = write_synthetic_dataset(
        tmp_path / "synthetic", n_train=30, n_val=5, n_test=5, n_probe=10, languages=("en", "ar")
    )
    names = sorted(p.name for p in out.iterdir())
    for split in ("train", "validation", "test", "probe"):
        for lang in ("en", "ar"):
            for ext in ("txt", "conll", "tsv"):
                assert f"{split}.{lang}.{ext}" in names
    assert "lexicon.ar-en.tsv" in names and "lexicon.en-ar.tsv" in names
    assert len((out / "train.en.txt").read_text(encoding="utf-8").splitlines()) == 30
    conll_sentences = (out / "probe.ar.conll").read_text(encoding="utf-8").split("\n\n")
    assert len([s for s in conll_sentences if s.strip()]) == 10
    train = (out / "train.en.txt").read_text(encoding="utf-8")
    assert train != (out / "test.en.txt").read_text(encoding="utf-8")[: len(train)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
