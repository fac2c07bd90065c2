"""Sentence vectors, unit responses and the sentence rows of a probe round on tiny real models."""

from __future__ import annotations

import numpy as np
import pytest

from xlprobe.models import load_model
from xlprobe.probing.hooks import capture, hook_point, layer_modules, set_units
from xlprobe.probing.plan import RoundId, View
from xlprobe.probing.probes.sentence import SentenceProbe, SentenceSettings, sentence_report
from xlprobe.probing.retrieval import distinct_rows
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


def test_sentence_report_rows_every_layer_and_metric(bert, sentences):
    model, tokenizer = bert
    pair = (View("encoder", "de"), View("encoder", "en"))
    report = sentence_report(
        model,
        tokenizer,
        sentences,
        [pair],
        [0, 1, 2],
        SentenceSettings(batch_size=8),
        RoundId().fields,
    )
    assert {(r.metric, r.layer) for r in report.rows} == {
        (m.name, layer) for m in SentenceProbe.metrics for layer in (0, 1, 2)
    }
    n = len(distinct_rows(sentences["de"], sentences["en"]))
    assert 0 < n <= 30
    for row in report.rows:
        assert (row.lang_s, row.lang_t, row.model_state) == ("de", "en", "base")
        assert row.value == pytest.approx(100 * row.numerator / row.denominator)
        # Both directions: 2 x N queries; 2 x N(N-1) triplets counted in halves.
        assert row.denominator == (2 * n if row.metric == "retrieval" else 4 * n * (n - 1))
    assert report.timings["sentence"] > 0


def test_experts_sweep_writes_tables_and_measures_both_conditions(bert, synthetic_corpus, tmp_path):
    import csv

    from xlprobe.probing.expert_probe import ExpertSettings, run_experts
    from xlprobe.probing.experts import auroc

    model, tokenizer = bert
    langs = ("en", "de", "ar")
    expert_split = {lang: list(synthetic_corpus.sentences[lang][:20]) for lang in langs}
    eval_split = {lang: list(synthetic_corpus.sentences[lang][100:115]) for lang in langs}
    settings = ExpertSettings(ks=(3, 1), batch_size=8)
    results = run_experts(model, tokenizer, expert_split, eval_split, ["de"], settings, tmp_path)

    with open(tmp_path / "experts_de.csv", encoding="utf-8") as handle:
        experts = list(csv.DictReader(handle))
    assert [int(e["rank"]) for e in experts] == [0, 1, 2]
    scores = [float(e["auroc"]) for e in experts]
    assert scores == sorted(scores, reverse=True)
    # The top expert's AUROC and value are its pooled responses' on the expert split.
    modules = list(layer_modules(model, hook_point(model, "ffn")))
    top = experts[0]
    responses = unit_responses(
        model, tokenizer, [s for lang in langs for s in expert_split[lang]], [top["module"]]
    )[:, int(top["unit"])]
    positive = np.repeat([False, True, False], 20)
    assert top["module"] in modules
    assert float(top["auroc"]) == pytest.approx(auroc(responses[:, None], positive)[0])
    assert float(top["value"]) == pytest.approx(responses[positive].mean(), rel=1e-5)

    ordered, unordered = 3 * 2, 3
    per_run = 2 * ordered + 2 * unordered  # retrieval, retrieval_mixed; d_centroid, d_parallel
    assert len(results.rows) == 2 * 2 * per_run  # k in (1, 3) x conditions

    def column(name, **where):
        return {(r["metric"], r["lang_s"], r["lang_t"]): r[name] for r in results.select(**where)}

    # One unintervened baseline for both conditions; the interventions move the space.
    assert column("pre", condition="experts", k=3) == column("pre", condition="random", k=3)
    assert column("post", condition="experts", k=3) != column("pre", condition="experts", k=3)
    assert (tmp_path / "results.csv").is_file() and (tmp_path / "summary.json").is_file()
    assert results.experts["de"]["auroc_mean"]["1"] == pytest.approx(scores[0])


def test_experts_probe_concepts_and_paraphrases_under_the_intervention(
    bert, synthetic_corpus, tmp_path
):
    from xlprobe.data.synthetic import generate_paraphrases
    from xlprobe.probing.expert_probe import ExpertSettings, run_experts
    from xlprobe.probing.probe_dir import ProbeDir
    from xlprobe.probing.report import ProbeReport
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = bert
    langs = ("en", "de")
    expert_split = {lang: list(synthetic_corpus.sentences[lang][:20]) for lang in langs}
    eval_split = {lang: list(synthetic_corpus.sentences[lang][100:160]) for lang in langs}
    sentences, rephrased = generate_paraphrases(15, seed=1, languages=langs)
    paraphrases = {lang: (sentences.sentences[lang], rephrased.sentences[lang]) for lang in langs}
    probe = ProbeSettings(
        languages=("de",), pivot="en", max_iter=5, options={"embeddings": {"enabled": False}}
    )
    settings = ExpertSettings(ks=(1, 3), concept_ks=(3,), batch_size=8)
    text = ["der Hund schläft"]
    before = sentence_vectors(model, tokenizer, text)
    results = run_experts(
        model, tokenizer, expert_split, eval_split, ["de"], settings, tmp_path,
        probe=probe, paraphrases=paraphrases,
    )  # fmt: skip

    report = ProbeReport.read_csv(tmp_path / "probe_report.csv")
    conditions = ("plain", "experts-de-k3", "random-de-k3")
    assert sorted({r.condition for r in report.rows}) == sorted(conditions)
    by_condition = {
        c: {(r.metric, r.side_s, r.layer): r.value for r in report.select(condition=c)}
        for c in conditions
    }
    assert by_condition["plain"].keys() == by_condition["experts-de-k3"].keys()
    # The FFN intervention cannot reach the embedding layer; it moves the layers above.
    for c in conditions[1:]:
        for (metric, side, layer), value in by_condition[c].items():
            if layer == 0:
                assert value == pytest.approx(by_condition["plain"][(metric, side, layer)])
    top = {key: v for key, v in by_condition["experts-de-k3"].items() if key[2] == 2}
    assert top != {key: by_condition["plain"][key] for key in top}
    # results.csv holds each CALIGN/COLAP with the plain value as pre, only where probed.
    concept = results.select(metric="calign", condition="experts")
    assert {r["k"] for r in concept} == {3} and {r["layer"] for r in concept} == {0, 1, 2}
    for row in concept:
        key = ("calign", "encoder", row["layer"])
        assert row["pre"] == pytest.approx(by_condition["plain"][key])
        assert row["post"] == pytest.approx(by_condition["experts-de-k3"][key])
    # The paraphrase control for every language, k and condition.
    control = results.select(metric="paraphrase_mixed")
    assert {(r["lang_s"], r["k"], r["condition"]) for r in control} == {
        (lang, k, c) for lang in langs for k in (1, 3) for c in ("experts", "random")
    }
    assert all(0 <= r["post"] <= 1 for r in control)
    # The plain base round was not replaced by an intervened one, and no hook is left.
    rounds = sorted(r.id.name for r in ProbeDir(tmp_path / "probe").manifest().rounds)
    assert rounds == ["base", "base_experts-de-k3", "base_random-de-k3"]
    np.testing.assert_array_equal(sentence_vectors(model, tokenizer, text)[2], before[2])


def test_extraction_pools_the_same_sentence_vectors_in_its_forward_pass(bert, sentences, tmp_path):
    from xlprobe.probing.extract import ExtractionSettings, extract_view

    model, tokenizer = bert
    lines = list(sentences["de"]) + list(sentences["de"][:6])
    lines[5] = " ".join([lines[5]] * 12)  # too long: skipped, a NaN row
    # With max_per_type=1 the repeated sentences hold no kept word: they still run.
    settings = ExtractionSettings(max_per_type=1, max_subwords=60, batch_size=4)
    pooled: dict = {}
    store = extract_view(
        model,
        tokenizer,
        lines,
        side="encoder",
        lang="de",
        out_dir=tmp_path / "store",
        settings=settings,
        sentence_vectors=pooled,
    )
    plain = extract_view(
        model,
        tokenizer,
        lines,
        side="encoder",
        lang="de",
        out_dir=tmp_path / "p",
        settings=settings,
    )
    # Words unchanged (batches differ: padding moves values by float noise only).
    np.testing.assert_allclose(store.layer(2), plain.layer(2), rtol=1e-3, atol=1e-4)
    assert set(store.tokens.sentence.tolist()) <= (set(range(30)) - {5}) | {35}
    expected = sentence_vectors(model, tokenizer, lines[:5] + lines[6:])
    assert sorted(pooled) == sorted(expected)
    assert np.isnan(pooled[1][5]).all()
    for layer, vectors in expected.items():
        np.testing.assert_allclose(
            np.delete(pooled[layer], 5, axis=0), vectors, rtol=1e-4, atol=1e-5
        )
