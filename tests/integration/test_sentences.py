"""Sentence vectors, unit responses and the sentence rows of a probe round on tiny real models."""

from __future__ import annotations

import numpy as np
import pytest

from xlprobe.models import load_model
from xlprobe.probing.hooks import capture, hook_point, layer_modules, set_units
from xlprobe.probing.pipeline import ProbeRound, View
from xlprobe.probing.report import SENTENCE_METRICS
from xlprobe.probing.retrieval import distinct_rows
from xlprobe.probing.sentence_probe import SentenceSettings, read_sentence_rows, sentence_report
from xlprobe.probing.sentences import sentence_vectors, unit_responses

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bert(tiny_model_dirs):
    return load_model(tiny_model_dirs["bert"], "base")


@pytest.fixture(scope="module")
def sentences(synthetic_corpus):
    return {lang: list(synthetic_corpus.sentences[lang][:30]) for lang in ("de", "en")}


def word_positions(tokenizer, sentence):
    enc = tokenizer([sentence.split()], is_split_into_words=True, return_tensors="pt")
    return enc, [t for t, w in enumerate(enc.word_ids(0)) if w is not None]


def test_sentence_vectors_are_means_over_word_positions(bert, sentences):
    model, tokenizer = bert
    got = sentence_vectors(model, tokenizer, sentences["de"], layers=[0, 2], batch_size=7)
    assert sorted(got) == [0, 2] and got[2].shape == (30, model.config.hidden_size)
    for i in (0, 13, 29):
        enc, positions = word_positions(tokenizer, sentences["de"][i])
        with torch.no_grad():
            hidden = model(**enc, output_hidden_states=True).hidden_states
        for layer in (0, 2):
            expected = hidden[layer][0, positions].mean(0).numpy()
            np.testing.assert_allclose(got[layer][i], expected, rtol=1e-4, atol=1e-5)


def test_decoder_side_sentence_vectors(tiny_model_dirs, sentences):
    model, tokenizer = load_model(tiny_model_dirs["mt5"], "seq2seq")
    got = sentence_vectors(
        model, tokenizer, sentences["en"][:5], side="decoder", source_sentences=sentences["de"][:5]
    )
    assert len(got) == model.config.num_decoder_layers + 1
    assert got[1].shape == (5, model.config.d_model) and np.isfinite(got[1]).all()


def test_unit_responses_max_pool_the_hooked_activation(bert, sentences):
    model, tokenizer = bert
    modules = list(layer_modules(model, hook_point(model, "ffn")))
    got = unit_responses(model, tokenizer, sentences["en"][:6], modules, pool="max", batch_size=4)
    width = model.config.intermediate_size
    assert got.shape == (6, 2 * width)
    enc, positions = word_positions(tokenizer, sentences["en"][4])
    with torch.no_grad(), capture(model, modules) as cache:
        model(**enc)
    expected = cache[modules[1]][0, positions].amax(0).numpy()
    np.testing.assert_allclose(got[4, width:], expected, rtol=1e-5, atol=1e-6)


def test_intervened_sentence_vectors_move_after_the_hooked_layer(bert, sentences):
    model, tokenizer = bert
    plain = sentence_vectors(model, tokenizer, sentences["de"][:4])
    with set_units(model, {"encoder.layer.1.intermediate": (list(range(10)), [3.0] * 10)}):
        moved = sentence_vectors(model, tokenizer, sentences["de"][:4])
    np.testing.assert_array_equal(plain[1], moved[1])
    assert np.abs(plain[2] - moved[2]).max() > 1e-3


def test_sentence_report_rows_every_layer_and_metric(bert, sentences, tmp_path):
    model, tokenizer = bert
    pair = (View("encoder", "de"), View("encoder", "en"))
    report = sentence_report(
        model,
        tokenizer,
        sentences,
        [pair],
        [0, 1, 2],
        SentenceSettings(batch_size=8),
        ProbeRound(),
        tmp_path,
    )
    assert {(r.metric, r.layer) for r in report.rows} == {
        (m, layer) for m in SENTENCE_METRICS for layer in (0, 1, 2)
    }
    n = len(distinct_rows(sentences["de"], sentences["en"]))
    assert 0 < n <= 30
    for row in report.rows:
        assert (row.lang_s, row.lang_t, row.model_state) == ("de", "en", "base")
        assert row.value == pytest.approx(100 * row.numerator / row.denominator)
        # Both directions: 2 x N queries; 2 x N(N-1) triplets counted in halves.
        assert row.denominator == (2 * n if row.metric == "retrieval" else 4 * n * (n - 1))
    assert report.timings["sentence"] > 0
    assert read_sentence_rows(tmp_path).rows == report.rows
