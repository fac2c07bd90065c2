"""Token-embedding geometry rows in the probe (probe.embeddings) on a tiny real XLM-R model."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.models import load_model
from xlprobe.probing.pipeline import rescore, run_probe
from xlprobe.probing.plan import RoundId
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.probes.embeddings import BASE_FILE
from xlprobe.probing.settings import ProbeSettings

pytestmark = pytest.mark.slow

LANGS = ("de", "fr", "es", "ar")


def _settings(**embeddings) -> ProbeSettings:
    return ProbeSettings.from_mapping(
        {
            "languages": list(LANGS),
            "backend": "sklearn",
            "layers": [0, 2],
            "embeddings": {"k": 5, "min_size": 10, **embeddings},
        }
    )


def _rows(report, metric):
    return {(r.side_s, r.lang_s, r.lang_t, r.layer): r for r in report.select(metric=metric)}


@pytest.fixture(scope="module")
def model_and_corpus(tiny_model_dirs, synthetic_corpus):
    model, tokenizer = load_model(tiny_model_dirs["xlmr"], "base")
    corpus = ProbeCorpus({lang: synthetic_corpus.sentences[lang][:60] for lang in (*LANGS, "en")})
    return model, tokenizer, corpus


def test_every_round_has_geometry_rows_and_drift_from_the_base(model_and_corpus, tmp_path):
    model, tokenizer, corpus = model_and_corpus
    settings = _settings()
    later = _settings(layers=False)  # the word-vector rows switched off after the base round
    base = run_probe(model, tokenizer, corpus, settings, probe_dir=tmp_path)
    assert (ProbeDir(tmp_path).round_dir(RoundId()) / BASE_FILE).is_file()
    for metric in ("emb_separability", "emb_nn_other", "emb_nn_entropy"):
        rows = _rows(base, metric)
        assert {lang for _, lang, _, _ in rows} == {*LANGS, "en"}, metric
        assert all(layer == 0 for *_, layer in rows)
    separability = _rows(base, "emb_separability")[("encoder", "ar", "ar", 0)]
    assert separability.denominator > 0 and 0 <= separability.value <= 100
    assert separability.value == pytest.approx(
        100 * separability.numerator / separability.denominator
    )
    # Word vectors: every language at every probed layer.
    lid = _rows(base, "lid_separability")
    assert {(lang, layer) for _, lang, _, layer in lid} == {
        (lang, layer) for lang in (*LANGS, "en") for layer in (0, 2)
    }
    assert not base.select(metric="emb_knn_overlap")  # no drift for the base model itself
    assert "base/embeddings/input" in base.timings

    unchanged = run_probe(
        model,
        tokenizer,
        corpus,
        later,
        probe_dir=tmp_path,
        round_id=RoundId(0, 1, "finetuned"),
    )
    overlap = _rows(unchanged, "emb_knn_overlap")
    assert {lang for _, lang, _, _ in overlap} == {*LANGS, "en"}
    # The base rows are kept in float16: an unchanged model keeps (nearly) every neighbour.
    assert min(r.value for r in overlap.values()) >= 98
    assert not unchanged.select(metric="lid_separability")
    assert unchanged.select(metric="emb_canon_cos")[0].value == pytest.approx(100, abs=0.01)
    random_cos = unchanged.select(metric="emb_canon_cos_random")[0].value
    assert random_cos < 100

    weight = model.get_input_embeddings().weight
    saved = weight.detach().clone()
    try:
        with torch.no_grad():
            weight.add_(10 * weight.std() * torch.randn_like(weight))
        moved = run_probe(
            model,
            tokenizer,
            corpus,
            later,
            probe_dir=tmp_path,
            round_id=RoundId(1, 2, "finetuned"),
        )
    finally:
        with torch.no_grad():
            weight.copy_(saved)
    # Embeddings replaced by noise: the neighbours and the subspace are those of chance.
    assert max(r.value for r in _rows(moved, "emb_knn_overlap").values()) < 50
    assert moved.select(metric="emb_canon_cos")[0].value < 100

    # Re-scoring from the probe directory keeps every round's geometry rows.
    rescored = rescore(tmp_path)
    for report in (base, unchanged, moved):
        for row in report.rows:
            if row.metric.startswith(("emb_", "lid_")):
                assert rescored.select(**dataclasses.asdict(row.key)) == [row]


def test_disabled_embeddings_add_no_rows(model_and_corpus, tmp_path):
    model, tokenizer, corpus = model_and_corpus
    report = run_probe(model, tokenizer, corpus, _settings(enabled=False), probe_dir=tmp_path)
    assert not [r for r in report.rows if r.metric.startswith(("emb_", "lid_"))]
    assert not (ProbeDir(tmp_path).round_dir(RoundId()) / BASE_FILE).exists()
    assert report.select(metric="colap")
