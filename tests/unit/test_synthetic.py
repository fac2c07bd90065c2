from __future__ import annotations

import dataclasses
import itertools
import json
import re
from importlib.resources import files

import pytest

from xlprobe.data import synthetic
from xlprobe.data.base import ensure_synthetic
from xlprobe.data.synthetic import (
    LANGUAGES,
    WorldSpec,
    generate_corpus,
    is_current_dataset,
    write_synthetic_dataset,
)
from xlprobe.data.synthetic.lexicon import read_word_tables, word_tables
from xlprobe.data.synthetic.morphology import arabic_feminine_past, arabic_feminine_present
from xlprobe.data.synthetic.numbers import (
    cardinal_ar,
    cardinal_de,
    cardinal_en,
    cardinal_es,
    cardinal_fr,
    ordinal_ar,
    ordinal_en,
    ordinal_fr,
)
from xlprobe.data.synthetic.phrases import NounPhrase, noun_phrase
from xlprobe.errors import InputError

PROBE_SEED = WorldSpec().split_seed("probe")


@pytest.fixture(scope="module")
def probe():
    """The probe split of the default demo dataset (seed 0, 2,000 sentences)."""
    return generate_corpus(2000, seed=PROBE_SEED)


def _noun(key):
    return next(n for n in word_tables().nouns if n.key == key)


def _adjective(key):
    return next(a for a in word_tables().attributes if a.key == key)


def _words(phrase):
    return {lang: " ".join(t.word for t in tokens) for lang, tokens in phrase.items()}


def _entry_lines(text):
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_every_word_table_is_package_data_with_one_entry_a_line():
    folder = files("xlprobe.data.synthetic") / "words"
    tables = word_tables()
    names = [f.name for f in dataclasses.fields(tables)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.txt" for name in names)
    for name in names:
        lines = _entry_lines((folder / f"{name}.txt").read_text(encoding="utf-8"))
        assert len(getattr(tables, name)) == len(lines) > 0, name
    assert word_tables() is tables  # parsed once
    classes = {c for noun in tables.nouns for c in noun.classes}
    assert len(tables.nouns) >= 300 and classes == set("aftcvpnbk")
    assert len(tables.transitive) + len(tables.intransitive) >= 120
    assert {a.polarity for a in tables.attributes} == {None}
    assert {a.polarity for a in tables.qualities} == {a.polarity for a in tables.emotions} == {0, 1}
    fish = next(n for n in tables.nouns if n.key == "fish")
    assert fish.pl["en"] == "fish" and fish.pl["de"] == "Fische"  # an irregular plural as written


def test_a_copy_of_the_tables_reads_the_same_and_a_bad_row_names_its_file_and_line(tmp_path):
    for path in (files("xlprobe.data.synthetic") / "words").iterdir():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_word_tables(tmp_path) == word_tables()
    nouns = tmp_path / "nouns.txt"
    lines = nouns.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines[first] = "cat|Katze:f|chat:m|gato:m|قطة:f:قطط|a"  # the German plural left out
    nouns.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"nouns\.txt:{first + 1}: cannot read this nouns row"):
        read_word_tables(tmp_path)
    nouns.unlink()
    with pytest.raises(InputError, match=r"nouns\.txt is missing"):
        read_word_tables(tmp_path)


def test_same_seed_same_corpus_other_seed_other_corpus():
    a, b, c = generate_corpus(50, seed=3), generate_corpus(50, seed=3), generate_corpus(50, seed=4)
    assert a.sentences == b.sentences and a.sentiment == b.sentiment and a.ner_tags == b.ner_tags
    assert a.lexicon("de", "en") == b.lexicon("de", "en")
    assert a.sentences["en"] != c.sentences["en"]


def test_at_least_1500_word_types_per_language(probe):
    for lang in LANGUAGES:
        types = {w for s in probe.sentences[lang] for w in s.split()}
        assert len(types) >= 1500, (lang, len(types))


def test_sentences_are_parallel_with_one_tag_per_word_and_the_same_entities(probe):
    for lang in LANGUAGES:
        assert len(probe.sentences[lang]) == 2000
        for sentence, tags in zip(probe.sentences[lang], probe.ner_tags[lang], strict=True):
            assert sentence and sentence == sentence.strip()
            assert len(sentence.split()) == len(tags)
            assert set(tags) <= set(synthetic.NER_LABELS)
            assert not any(
                tag.startswith("I-") and prev[2:] != tag[2:]
                for prev, tag in zip(["O", *tags], tags, strict=False)
            )
    for i in range(2000):
        counts = {
            lang: sorted(t for t in probe.ner_tags[lang][i] if t.startswith("B-"))
            for lang in LANGUAGES
        }
        assert len({tuple(c) for c in counts.values()}) == 1, i
    assert set(probe.sentiment) == {0, 1}


def test_every_linked_word_pair_occurs_in_one_sentence_pair(probe):
    for src, tgt in (("de", "en"), ("fr", "ar"), ("es", "de")):
        cooccurring = {
            (s, t)
            for a, b in zip(probe.sentences[src], probe.sentences[tgt], strict=True)
            for s in a.split()
            for t in b.split()
        }
        pairs = {(s, t) for s, ts in probe.lexicon(src, tgt).items() for t in ts}
        assert len(pairs) > 1000 and pairs <= cooccurring


def test_lexicon_links_inflected_forms_to_inflected_forms(probe):
    de_en, ar_en, fr_en = (
        probe.lexicon("de", "en"),
        probe.lexicon("ar", "en"),
        probe.lexicon("fr", "en"),
    )
    assert de_en["Katzen"] == {"cats"} and de_en["Katze"] == {"cat"}
    assert de_en["Äpfel"] == {"apples"} and de_en["Apfel"] == {"apple"}
    assert ar_en["القطط"] == {"cats"} and ar_en["الكلاب"] == {"dogs"}
    assert de_en["roten"] == {"red"} and fr_en["rouges"] == {"red"}
    assert de_en["kaufte"] == {"bought"} and de_en["kauft"] <= {"buys", "buying", "buy"}
    assert fr_en["que"] == {"because"} and fr_en["parce"] == {"because"}
    assert de_en["einundzwanzig"] == {"twenty-one"}
    # treinta y uno: thirty-one (and, in "el puesto treinta y uno", thirty-first)
    assert all(w.startswith("thirt") for w in probe.lexicon("es", "en")["treinta"])
    assert "the" in probe.lexicon("en", "de") and "the" not in probe.lexicon("en", "ar")
    assert "y" not in probe.lexicon("es", "fr") or "et" in probe.lexicon("es", "fr")["y"]
    with pytest.raises(ValueError, match="not in corpus languages"):
        probe.lexicon("de", "it")


def test_noun_phrases_inflect_and_agree():
    cat, dog, house = _noun("cat"), _noun("dog"), _noun("house")
    red, small = _adjective("red"), _adjective("small")
    np = NounPhrase
    assert _words(noun_phrase(np(cat, "def", True, red))) == {
        "en": "the red cats",
        "de": "die roten Katzen",
        "fr": "les chats rouges",
        "es": "los gatos rojos",
        "ar": "القطط الحمراء",
    }
    assert _words(noun_phrase(np(dog, "indef", False, red), de_case="acc")) == {
        "en": "a red dog",
        "de": "einen roten Hund",
        "fr": "un chien rouge",
        "es": "un perro rojo",
        "ar": "كلب أحمر",
    }
    three_houses = _words(noun_phrase(np(house, "count", True, small, 3), de_case="dat"))
    assert three_houses == {
        "en": "three small houses",
        "de": "drei kleinen Häusern",
        "fr": "trois petites maisons",
        "es": "tres casas pequeñas",
        "ar": "ثلاثة بيوت صغيرة",
    }
    # Arabic number-noun gender polarity: three (feminine) cats, three (masculine) dogs
    assert _words(noun_phrase(np(cat, "count", True, None, 3)))["ar"] == "ثلاث قطط"
    assert _words(noun_phrase(np(dog, "count", True, None, 3)))["ar"] == "ثلاثة كلاب"


def test_verbs_agree_in_tense_person_and_number(probe):
    assert arabic_feminine_past("اشترى") == "اشترت"
    assert arabic_feminine_present("يشتري") == "تشتري"
    buy = next(v for v in word_tables().transitive if v.key == "buy")
    assert buy.en == ("buy", "buys", "bought", "buying")
    assert buy.de == ("kauft", "kaufen", "kaufte", "kauften")
    en = " \n".join(probe.sentences["en"])
    assert re.search(r"\b(are|is) \w+ing\b", en) and re.search(r"\bdid not \w+\b", en)
    fr = "\n".join(probe.sentences["fr"])
    assert re.search(r"\bsont (tombées|venues|restées)\b", fr)  # être + feminine plural


def test_numbers_are_spelled_in_each_language():
    assert [cardinal_en(n) for n in (7, 21, 99)] == ["seven", "twenty-one", "ninety-nine"]
    assert [cardinal_de(n) for n in (1, 21, 77)] == [
        "eins",
        "einundzwanzig",
        "siebenundsiebzig",
    ]
    assert [cardinal_fr(n) for n in (21, 71, 80, 91)] == [
        "vingt-et-un",
        "soixante-et-onze",
        "quatre-vingts",
        "quatre-vingt-onze",
    ]
    assert [cardinal_es(n) for n in (16, 22, 45)] == [
        "dieciséis",
        "veintidós",
        "cuarenta y cinco",
    ]
    assert cardinal_ar(12) == "اثنا_عشر" and cardinal_ar(12, "gen") == "اثني_عشر"
    assert cardinal_ar(21, "acc") == "واحدا_وعشرين"
    assert ordinal_ar(21) == "الحادي_والعشرين"
    assert ordinal_fr(5) == "cinquième" and ordinal_en(42) == "forty-second"


def test_orthography(probe):
    fr = [w for s in probe.sentences["fr"] for w in s.split()]
    assert "l'" in fr and "n'" in fr
    assert not any(a in ("le", "la") and b[0] in "aeiouéè" for a, b in itertools.pairwise(fr))
    en = [w for s in probe.sentences["en"] for w in s.split()]
    assert not any(a == "a" and b[0] in "aeio" for a, b in itertools.pairwise(en))
    assert "an" in en
    ar = [w for s in probe.sentences["ar"] for w in s.split()]
    assert "و" not in ar and any(w.startswith("و") for w in ar)
    letters = [ch for w in ar for ch in w if ch.isalpha()]
    assert all("\u0600" <= ch <= "\u06ff" for ch in letters)


def test_sentiment_follows_the_emotion_or_quality_word(probe):
    # the last evaluative word decides ("clean" is also a verb: "did not clean the boat")
    polarity = {a.en: a.polarity for a in word_tables().emotions + word_tables().qualities}
    for sentence, label in zip(probe.sentences["en"], probe.sentiment, strict=True):
        polar = [polarity[w] for w in sentence.split() if w in polarity]
        assert polar and polar[-1] == label, sentence


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="available"):
        generate_corpus(5, languages=("en", "xx"))


def test_dataset_files(tmp_path):
    spec = WorldSpec(n_train=30, n_val=5, n_test=5, n_probe=10, languages=("en", "ar"))
    out = write_synthetic_dataset(tmp_path / "synthetic", spec)
    names = sorted(p.name for p in out.iterdir())
    for split in ("train", "validation", "test", "probe"):
        for lang in ("en", "ar"):
            for ext in ("txt", "conll", "tsv"):
                assert f"{split}.{lang}.{ext}" in names
    assert "lexicon.ar-en.tsv" in names and "lexicon.en-ar.tsv" in names
    stamp = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert stamp["world_version"] == synthetic.WORLD_VERSION and stamp["sizes"]["probe"] == 10
    assert len((out / "train.en.txt").read_text(encoding="utf-8").splitlines()) == 30
    conll_sentences = (out / "probe.ar.conll").read_text(encoding="utf-8").split("\n\n")
    assert len([s for s in conll_sentences if s.strip()]) == 10
    train = (out / "train.en.txt").read_text(encoding="utf-8")
    assert train != (out / "test.en.txt").read_text(encoding="utf-8")[: len(train)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_ensure_synthetic_replaces_a_copy_of_another_world_or_size(tmp_path):
    sizes = {"n_train": 6, "n_val": 2, "n_test": 2, "n_probe": 3, "seed": 0}
    out = ensure_synthetic(tmp_path / "synthetic", sizes)
    assert is_current_dataset(out, WorldSpec(**sizes))
    assert not is_current_dataset(out, WorldSpec(**sizes, languages=("en", "de")))
    (out / "world.json").write_text('{"world_version": 1}', encoding="utf-8")
    (out / "probe.en.txt").write_text("stale\n", encoding="utf-8")
    ensure_synthetic(out, sizes)
    assert len((out / "probe.en.txt").read_text(encoding="utf-8").splitlines()) == 3
    ensure_synthetic(out, {**sizes, "n_probe": 5})
    assert len((out / "probe.en.txt").read_text(encoding="utf-8").splitlines()) == 5
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "synthetic"
    ]


def test_a_misspelt_synthetic_size_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"data\.synthetic: unknown key\(s\) \['n_tran'\]"):
        ensure_synthetic(tmp_path / "synthetic", {"n_tran": 6, "n_probe": 3})
    assert not (tmp_path / "synthetic").exists()


def _moved_prefix(sentence: list[str], paraphrase: list[str]) -> tuple[int, int] | None:
    """``(L, p)``: the sentence's first L words stand at position p > 0 of the paraphrase, for
    the longest such L."""
    for length in range(len(sentence) - 1, 0, -1):
        for p in range(1, len(paraphrase) - length + 1):
            if paraphrase[p : p + length] == sentence[:length]:
                return length, p
    return None


def test_paraphrases_move_the_time_adverbial_and_keep_words_tags_and_meaning():
    before = generate_corpus(50, seed=3).sentences
    sentences, paraphrases = synthetic.generate_paraphrases(40, seed=5)
    again = synthetic.generate_paraphrases(40, seed=5)
    assert again[0].sentences == sentences.sentences and again[1].sentences == paraphrases.sentences
    assert sentences.sentiment == paraphrases.sentiment and len(sentences.sentiment) == 40
    for lang in LANGUAGES:
        pairs = zip(sentences.sentences[lang], paraphrases.sentences[lang], strict=True)
        for i, (a, b) in enumerate(pairs):
            assert a != b and sorted(a.split()) == sorted(b.split()), (lang, a, b)
            tags = sentences.ner_tags[lang][i], paraphrases.ner_tags[lang][i]
            assert sorted(tags[0]) == sorted(tags[1])
            if lang == "ar":
                continue  # verb-first: the time adverbial goes before "and ..." like the others
            words, moved = a.split(), b.split()
            length, p = _moved_prefix(words, moved)
            if lang == "de":  # after the finite verb, which followed it in the fronted order
                assert moved[p - 1] == words[length], (a, b)
            else:  # at the end of the main clause: what followed it now starts the sentence
                assert moved[:2] == words[length : length + 2], (a, b)
    assert sentences.lexicon("de", "en") == paraphrases.lexicon("de", "en")
    # Rendering paraphrases leaves the corpus generator as it was.
    assert generate_corpus(50, seed=3).sentences == before
