"""Extraction on tiny real BERT-, XLM-R- and mT5-shaped models: stored vectors are the model's.

Every stored vector is compared with a plain forward pass of its sentence alone
(``output_hidden_states=True``) at the word's subword position(s), within float16 tolerance.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest
import torch

from xlprobe.errors import InputError
from xlprobe.models import load_model
from xlprobe.probing.extract import ExtractionSettings, extract_view

pytestmark = pytest.mark.slow

ZWSP = "\u200b"  # a word every tiny tokenizer drops (zero subwords)
UNSEEN = ["Hundeparkläufer", "Katzenbahnhofsuhr", "ابتسامةالحديقة"]  # several subwords each


@pytest.fixture(scope="module")
def models(tiny_model_dirs):
    heads = {"bert": "base", "xlmr": "token_classification", "mt5": "seq2seq"}
    return {arch: load_model(tiny_model_dirs[arch], head) for arch, head in heads.items()}


@pytest.fixture(scope="module")
def corpus(synthetic_corpus):
    """German and English probe sentences, some with unseen words and a dropped word."""
    de = list(synthetic_corpus.sentences["de"][:24])
    en = list(synthetic_corpus.sentences["en"][:24])
    de[3] = f"{UNSEEN[0]} {de[3]} {ZWSP} {UNSEEN[1]}"
    de[7] = f"{ZWSP} {de[7]} {UNSEEN[2]}"
    en[5] = f"{en[5]} {UNSEEN[0]}"
    return {"de": de, "en": en}


def plain_states(model, tokenizer, words, side, source_words=None):
    """(hidden states [L+1 x T x D] of one sentence, word id per position) via a plain forward."""
    enc = tokenizer([words], is_split_into_words=True, return_tensors="pt")
    word_ids = enc.word_ids(0)
    with torch.no_grad():
        if side == "encoder" and not model.config.is_encoder_decoder:
            out = model(**enc, output_hidden_states=True)
            return torch.stack(out.hidden_states)[:, 0], word_ids
        src = tokenizer([source_words or words], is_split_into_words=True, return_tensors="pt")
        start = torch.tensor([[model.config.decoder_start_token_id]])
        decoder_input_ids = torch.cat([start, enc["input_ids"][:, :-1]], dim=1)
        out = model(
            input_ids=src["input_ids"],
            attention_mask=src["attention_mask"],
            decoder_input_ids=decoder_input_ids,
            output_hidden_states=True,
        )
        if side == "encoder":
            return torch.stack(out.encoder_hidden_states)[:, 0], src.word_ids(0)
        return torch.stack(out.decoder_hidden_states)[:, 0], [None, *word_ids[:-1]]


def expected_vector(states, word_ids, position, how):
    """[L+1 x D] reference vector of word ``position`` from per-position states."""
    idx = [t for t, w in enumerate(word_ids) if w == position]
    if how == "first":
        return states[:, idx[0]]
    if how == "last":
        return states[:, idx[-1]]
    return states[:, idx].mean(dim=1)


def assert_store_matches_model(store, model, tokenizer, sentences, side, how, source=None):
    split_words = 0
    layers = np.stack([np.asarray(store.layer(layer), dtype=np.float32) for layer in store.layers])
    tokens = store.tokens
    for i in np.unique(tokens.sentence):
        words = sentences[i].split()
        states, word_ids = plain_states(
            model, tokenizer, words, side, None if source is None else source[i].split()
        )
        for row in np.flatnonzero(tokens.sentence == i):
            position = int(tokens.position[row])
            assert tokens.word[row] == words[position]
            split_words += word_ids.count(position) > 1
            want = expected_vector(states, word_ids, position, how)[store.layers].numpy()
            np.testing.assert_allclose(layers[:, row], want, rtol=1e-2, atol=1e-2)
    return split_words


@pytest.mark.parametrize("arch", ["bert", "xlmr", "mt5"])
def test_encoder_vectors_are_the_models_hidden_states(models, corpus, arch, tmp_path):
    model, tokenizer = models[arch]
    settings = ExtractionSettings(batch_size=5)
    store = extract_view(
        model,
        tokenizer,
        corpus["de"],
        side="encoder",
        lang="de",
        out_dir=tmp_path / "s",
        settings=settings,
    )
    assert store.layers == [0, 1, 2]  # embeddings + 2 layers
    assert store.meta["side"] == "encoder" and store.meta["lang"] == "de"
    assert set(store.tokens.lang.tolist()) == {"de"}
    assert store.layer(0).shape == (len(store), 64)
    split = assert_store_matches_model(store, model, tokenizer, corpus["de"], "encoder", "last")
    assert split >= 3  # the unseen words, at least


def test_decoder_vectors_are_teacher_forced_hidden_states(models, corpus, tmp_path):
    model, tokenizer = models["mt5"]
    store = extract_view(
        model,
        tokenizer,
        corpus["en"],
        side="decoder",
        lang="en",
        out_dir=tmp_path / "d",
        settings=ExtractionSettings(batch_size=4),
        source_sentences=corpus["de"],
    )
    assert store.layers == [0, 1, 2]
    assert store.meta["side"] == "decoder"
    split = assert_store_matches_model(
        store, model, tokenizer, corpus["en"], "decoder", "last", source=corpus["de"]
    )
    assert split >= 1


@pytest.mark.parametrize("how", ["first", "mean"])
def test_first_and_mean_aggregation(models, corpus, how, tmp_path):
    model, tokenizer = models["bert"]
    store = extract_view(
        model,
        tokenizer,
        corpus["de"][:8],
        side="encoder",
        lang="de",
        out_dir=tmp_path / how,
        settings=ExtractionSettings(aggregation=how, layers=[2]),
    )
    assert store.layers == [2]
    assert assert_store_matches_model(store, model, tokenizer, corpus["de"][:8], "encoder", how)


def test_dropped_words_are_skipped_and_counted(models, corpus, tmp_path):
    model, tokenizer = models["xlmr"]
    store = extract_view(
        model,
        tokenizer,
        corpus["de"],
        side="encoder",
        lang="de",
        out_dir=tmp_path / "s",
        settings=ExtractionSettings(max_per_type=1000),
    )
    assert store.meta["words_dropped"] == 2
    assert ZWSP not in store.tokens.word.tolist()
    n_words = sum(len(s.split()) for s in corpus["de"])
    assert len(store) == n_words - 2
    # Positions index the whitespace words, the dropped one included.
    rows = store.tokens.sentence == 3
    assert store.tokens.word[rows][-1] == UNSEEN[1]
    assert store.tokens.position[rows][-1] == len(corpus["de"][3].split()) - 1


def test_max_per_type_keeps_the_first_occurrences_in_corpus_order(models, corpus, tmp_path):
    model, tokenizer = models["bert"]
    store = extract_view(
        model,
        tokenizer,
        corpus["de"],
        side="encoder",
        lang="de",
        out_dir=tmp_path / "s",
        settings=ExtractionSettings(max_per_type=2, batch_size=3),
    )
    t = store.tokens
    counts = collections.Counter(w for s in corpus["de"] for w in s.split() if w != ZWSP)
    assert len(store) == sum(min(c, 2) for c in counts.values())
    assert store.meta["words_capped"] == sum(max(c - 2, 0) for c in counts.values())
    for word in counts:
        rows = np.flatnonzero(t.word == word)
        assert t.occurrence[rows].tolist() == list(range(len(rows)))
        firsts = [
            (i, p) for i, s in enumerate(corpus["de"]) for p, w in enumerate(s.split()) if w == word
        ][:2]
        assert (
            list(zip(t.sentence[rows].tolist(), t.position[rows].tolist(), strict=True)) == firsts
        )
    # Rows are in corpus order although batches run sorted by length.
    order = np.lexsort((t.position, t.sentence))
    np.testing.assert_array_equal(order, np.arange(len(t)))


def test_long_sentences_are_skipped_and_counted(models, corpus, tmp_path):
    model, tokenizer = models["mt5"]
    lengths = [
        len(tokenizer(s.split(), is_split_into_words=True)["input_ids"]) for s in corpus["de"]
    ]
    limit = int(np.median(lengths))
    store = extract_view(
        model,
        tokenizer,
        corpus["de"],
        side="encoder",
        lang="de",
        out_dir=tmp_path / "s",
        settings=ExtractionSettings(max_subwords=limit),
    )
    too_long = {i for i, n in enumerate(lengths) if n > limit}
    assert store.meta["sentences_skipped"] == len(too_long) > 0
    assert too_long.isdisjoint(store.tokens.sentence.tolist())


def test_train_mode_is_restored_and_eval_mode_kept(models, corpus, tmp_path):
    model, tokenizer = models["bert"]
    model.train()
    try:
        extract_view(
            model,
            tokenizer,
            corpus["de"][:3],
            side="encoder",
            lang="de",
            out_dir=tmp_path / "a",
            settings=ExtractionSettings(),
        )
        assert model.training
    finally:
        model.eval()
    extract_view(
        model,
        tokenizer,
        corpus["de"][:3],
        side="encoder",
        lang="de",
        out_dir=tmp_path / "b",
        settings=ExtractionSettings(),
    )
    assert not model.training


def test_failed_extraction_leaves_no_store_behind(models, corpus, tmp_path):
    model, tokenizer = models["bert"]
    model.train()
    with pytest.raises(InputError, match=r"layers \[5\] do not exist.*0 \(embeddings\) to 2"):
        extract_view(
            model,
            tokenizer,
            corpus["de"],
            side="encoder",
            lang="de",
            out_dir=tmp_path / "s",
            settings=ExtractionSettings(layers=[0, 5]),
        )
    assert model.training
    model.eval()
    assert list(tmp_path.iterdir()) == []


def test_bad_views_are_input_errors(models, corpus, tmp_path):
    bert, bert_tok = models["bert"]
    mt5, mt5_tok = models["mt5"]
    settings = ExtractionSettings()
    with pytest.raises(
        InputError, match="side='decoder' is not a side of BertModel; it has encoder"
    ):
        extract_view(
            bert,
            bert_tok,
            corpus["en"],
            side="decoder",
            lang="en",
            out_dir=tmp_path / "a",
            settings=settings,
            source_sentences=corpus["de"],
        )
    with pytest.raises(InputError, match="source_sentences"):
        extract_view(
            mt5,
            mt5_tok,
            corpus["en"],
            side="decoder",
            lang="en",
            out_dir=tmp_path / "b",
            settings=settings,
            source_sentences=corpus["de"][:3],
        )
    with pytest.raises(InputError, match="nothing to extract"):
        extract_view(
            mt5,
            mt5_tok,
            corpus["de"],
            side="encoder",
            lang="de",
            out_dir=tmp_path / "c",
            settings=ExtractionSettings(max_subwords=2),
        )
    assert list(tmp_path.iterdir()) == []


def test_layers_beyond_float16_are_stored_exactly_in_float32(models, corpus, tmp_path):
    import copy

    model, tokenizer = models["mt5"]
    loud = copy.deepcopy(model)
    with torch.no_grad():
        loud.shared.weight.mul_(1e6)  # mT5's layer 0 is the raw embedding: far beyond float16
    sentences = corpus["de"][:4]
    store = extract_view(
        loud,
        tokenizer,
        sentences,
        side="encoder",
        lang="de",
        out_dir=tmp_path / "s",
        settings=ExtractionSettings(batch_size=2),
    )
    # the residual stream carries the loud embeddings; the last layer is RMS-normalised
    assert store.meta["layer_dtypes"] == {"0": "float32", "1": "float32", "2": "float16"}
    assert store.meta["values_nonfinite"] == 0
    assert [store.layer(layer).dtype for layer in store.layers] == [np.float32] * 2 + [np.float16]
    tokens = store.tokens
    for i in np.unique(tokens.sentence):
        states, word_ids = plain_states(loud, tokenizer, sentences[i].split(), "encoder")
        for row in np.flatnonzero(tokens.sentence == i):
            want = expected_vector(states, word_ids, int(tokens.position[row]), "last").numpy()
            assert np.abs(want[0]).max() > 65504
            # the embedding lookup is exact; layer 1 is float32 arithmetic on a padded batch
            np.testing.assert_array_equal(store.layer(0)[row], want[0])
            np.testing.assert_allclose(store.layer(1)[row], want[1], rtol=1e-5)
            np.testing.assert_allclose(store.layer(2)[row], want[2], rtol=1e-2, atol=1e-2)


def test_a_store_is_rewritten_in_place_but_a_foreign_directory_is_kept(models, corpus, tmp_path):
    model, tokenizer = models["bert"]

    def extract(sentences, out_dir):
        settings = ExtractionSettings()
        return extract_view(
            model,
            tokenizer,
            sentences,
            side="encoder",
            lang="de",
            out_dir=out_dir,
            settings=settings,
        )

    first = extract(corpus["de"][:2], tmp_path / "s")
    again = extract(corpus["de"], tmp_path / "s")  # the same round probed again
    assert len(again) > len(first)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    with pytest.raises(InputError, match="is an existing directory"):
        extract(corpus["de"], foreign)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
